"""A class of three on a real JupyterHub, started from workshop/jupyterhub_config.py.

What a workshop relies on, checked end to end: learners log in through the hub's login form,
each gets their own Jupyter server with the course notebooks in their home, code run in their
kernel records a quiz answer, and every answer lands in that learner's own progress database
only. One learner's token cannot reach another learner's server.

Everything binds to 127.0.0.1 on free ports, runs from temporary folders and is stopped at the
end (tests/hub.py, shared with the class-size benchmark).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from course.models import content
from course.progress import Progress
from tests.hub import REPO, Hub, HubError, ProxyMissing, running_hub

pytestmark = pytest.mark.integration

LEARNERS = ("ann", "bob", "chen")


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    """The workshop hub; skip only where npm itself is missing (never under CI)."""
    try:
        with running_hub(tmp_path, LEARNERS) as running:
            yield running
    except ProxyMissing as exc:
        if shutil.which("npm") is None and os.environ.get("CI", "").lower() != "true":
            pytest.skip("npm is missing, so configurable-http-proxy cannot be installed")
        pytest.fail(str(exc))
    except HubError as exc:
        pytest.fail(str(exc))


def _execute(hub: Hub, name: str, code: str) -> str:
    """Run ``code`` in a fresh kernel on ``name``'s server; return its printed output."""
    kernel = hub.kernel(name)
    try:
        return kernel.execute(code)
    finally:
        kernel.close()


# Run inside each learner's kernel: what a quiz widget does when the learner answers.
SNIPPET = """
import json, os
from course.progress import Progress
with Progress.open() as p:
    p.record_answer("safety", {question!r}, ["a"], True, 1.0)
    print(json.dumps({{"data_dir": os.environ["COURSE_DATA_DIR"], "db": str(p.path),
                      "answers": [a.question_id for a in p.attempts()]}}))
"""


def test_three_learners_keep_their_progress_apart(hub: Hub) -> None:
    lessons = sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
    assert lessons, "the course has no notebooks to serve"
    questions = [q.id for q in content().quiz["safety"].questions][: len(LEARNERS)]
    assert len(set(questions)) == len(LEARNERS)

    for name in LEARNERS:
        hub.login(name)

    # Start all three at once, as a class does. The hub answers a start request when the
    # server is up or after its slow_spawn_timeout (10 s), so the requests go out together.
    with ThreadPoolExecutor(len(LEARNERS)) as pool:
        list(pool.map(hub.request_server, LEARNERS))
    for name in LEARNERS:
        hub.wait_server(name)
    tokens = {name: hub.token(name) for name in LEARNERS}

    def open_course(name: str, question: str) -> dict[str, Any]:
        """One learner: the lessons are in their home, and their kernel records an answer."""
        auth = {"Authorization": f"token {tokens[name]}"}
        folder = f"{hub.url}/user/{name}/api/contents/legmassage-course/notebooks"
        listing = requests.get(folder, headers=auth, timeout=hub.timeout)
        assert listing.status_code == 200, listing.text
        assert sorted(f["name"] for f in listing.json()["content"]) == lessons
        welcome = requests.get(f"{folder}/00_welcome.ipynb", headers=auth, timeout=hub.timeout)
        cells = welcome.json()["content"]["cells"]
        assert "from course import ui" in "".join("".join(cell["source"]) for cell in cells)
        printed = _execute(hub, name, SNIPPET.format(question=question))
        return json.loads(printed.strip().splitlines()[-1])

    with ThreadPoolExecutor(len(LEARNERS)) as pool:
        reports = dict(zip(LEARNERS, pool.map(open_course, LEARNERS, questions), strict=True))

    # Nobody reaches someone else's server with their own token.
    stranger = requests.get(
        f"{hub.url}/user/{LEARNERS[1]}/api/contents",
        headers={"Authorization": f"token {tokens[LEARNERS[0]]}"},
        timeout=hub.timeout,
        allow_redirects=False,
    )
    assert stranger.status_code == 403

    data_dirs = {report["data_dir"] for report in reports.values()}
    assert len(data_dirs) == len(LEARNERS), reports
    for name, question in zip(LEARNERS, questions, strict=True):
        home = hub.homes / name
        expected = home / "legmassage-progress"
        assert Path(reports[name]["data_dir"]) == expected
        assert Path(reports[name]["db"]) == expected / "progress.sqlite3"
        assert reports[name]["answers"] == [question]
        with Progress(expected / "progress.sqlite3") as record:  # read back from disk
            assert [(a.bank, a.question_id) for a in record.attempts()] == [("safety", question)]
