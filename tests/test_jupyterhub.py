"""A class of three on a real JupyterHub, started from workshop/jupyterhub_config.py.

What a workshop relies on, checked end to end: learners log in through the hub's login form,
each gets their own Jupyter server with the course notebooks in their home, code run in their
kernel records a quiz answer, and every answer lands in that learner's own progress database
only. One learner's token cannot reach another learner's server.

Everything binds to 127.0.0.1 on free ports, runs from temporary folders and is stopped in
``finally`` (the hub, then anything of ours still alive, by process id).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from course.models import content
from course.progress import Progress
from tests.browser.servers import free_port, terminate

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "workshop" / "jupyterhub_config.py"
LOCAL_PROXY = REPO / "workshop" / "node_modules" / ".bin" / "configurable-http-proxy"
LEARNERS = ("ann", "bob", "chen")
START_TIMEOUT = 30.0  # seconds for the hub, each server, each kernel reply


def _proxy_command() -> str:
    """The proxy the hub will use; skip only where npm itself is missing (never under CI)."""
    if LOCAL_PROXY.exists():
        return str(LOCAL_PROXY)
    on_path = shutil.which("configurable-http-proxy")
    if on_path:
        return on_path
    if shutil.which("npm") is None and os.environ.get("CI", "").lower() != "true":
        pytest.skip("npm is missing, so configurable-http-proxy cannot be installed")
    pytest.fail(
        "configurable-http-proxy is not installed: run `make test` "
        "(or `npm ci --prefix workshop`) first"
    )


def _wait(what: str, check: Callable[[], Any], timeout: float, log: Path) -> Any:
    """Poll ``check`` until it returns something truthy; fail with the hub's log otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except requests.ConnectionError:
            result = None
        if result:
            return result
        time.sleep(0.3)
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}; hub log tail:\n{tail}")


def _ours(pid: int, marker: str) -> bool:
    """True if ``pid`` is still alive and its command line contains ``marker``."""
    try:
        return marker in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False


def _stop(pid: int, marker: str) -> None:
    """Terminate one process of ours, then kill it if it has not gone within 5 s."""
    for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 2.0)):
        if not _ours(pid, marker):
            return
        os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and _ours(pid, marker):
            time.sleep(0.1)


class Hub:
    """A running hub: its URL, admin API session and the files it writes."""

    def __init__(self, url: str, token: str, homes: Path, log: Path):
        self.url = url
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"token {token}"
        self.homes = homes
        self.log = log
        self.server_pids: list[int] = []

    def user(self, name: str) -> dict[str, Any]:
        r = self.api.get(f"{self.url}/hub/api/users/{name}", timeout=START_TIMEOUT)
        r.raise_for_status()
        return r.json()


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    proxy = _proxy_command()
    port, api_port, proxy_api_port = free_port(), free_port(), free_port()
    token = uuid.uuid4().hex
    env = {
        **os.environ,
        "COURSE_HUB_MODE": "demo",
        "COURSE_HUB_IP": "127.0.0.1",
        "COURSE_HUB_PORT": str(port),
        "COURSE_HUB_API_PORT": str(api_port),
        "COURSE_HUB_PROXY_API_PORT": str(proxy_api_port),
        "COURSE_HUB_STATE": str(tmp_path / "state"),
        "COURSE_HUB_HOMES": str(tmp_path / "homes"),
        "COURSE_HUB_LEARNERS": ",".join(LEARNERS),
        "COURSE_HUB_PASSWORD": "workshop",
        "COURSE_HUB_ADMIN_TOKEN": token,
        "COURSE_HUB_PROXY": proxy,
    }
    log = tmp_path / "hub.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Hub(f"http://127.0.0.1:{port}", token, tmp_path / "homes", log)
    try:

        def up() -> bool:
            if proc.poll() is not None:
                tail = log.read_text(errors="replace")[-3000:]
                pytest.fail(f"JupyterHub exited with {proc.returncode}:\n{tail}")
            return running.api.get(f"{running.url}/hub/api/", timeout=5).status_code == 200

        _wait("JupyterHub to answer", up, START_TIMEOUT, log)
        yield running
    finally:
        # The hub stops the learners' servers and the proxy itself (cleanup_servers/proxy).
        terminate(proc, 20)
        for pid in running.server_pids:
            _stop(pid, "jupyterhub.singleuser")
        pid_file = tmp_path / "state" / "proxy.pid"
        if pid_file.exists() and pid_file.read_text().strip().isdigit():
            _stop(int(pid_file.read_text().strip()), "configurable-http-proxy")


def _login(hub: Hub, name: str) -> None:
    """Log in through the hub's form, as a learner's browser does (dummy authenticator)."""
    browser = requests.Session()
    page = browser.get(f"{hub.url}/hub/login", timeout=START_TIMEOUT)
    assert page.status_code == 200 and 'name="username"' in page.text
    r = browser.post(
        f"{hub.url}/hub/login",
        data={"username": name, "password": "workshop", "_xsrf": browser.cookies.get("_xsrf")},
        allow_redirects=False,
        timeout=START_TIMEOUT,
    )
    assert r.status_code == 302, f"login of {name} failed: HTTP {r.status_code}"
    assert any(c.name.startswith("jupyterhub-") for c in browser.cookies), browser.cookies


def _execute(hub: Hub, name: str, token: str, code: str) -> str:
    """Run ``code`` in a fresh kernel on ``name``'s server; return its printed output."""
    import websocket  # websocket-client, a jupyter_server dependency

    base = f"{hub.url}/user/{name}/api/kernels"
    headers = {"Authorization": f"token {token}"}
    r = requests.post(base, json={"name": "python3"}, headers=headers, timeout=START_TIMEOUT)
    assert r.status_code == 201, r.text
    kernel = r.json()["id"]
    ws = websocket.create_connection(
        f"{base.replace('http://', 'ws://')}/{kernel}/channels",
        header=[f"Authorization: token {token}"],
        timeout=START_TIMEOUT,
    )
    try:
        msg_id = uuid.uuid4().hex
        ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "username": name,
                        "session": uuid.uuid4().hex,
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "channel": "shell",
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": False,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                }
            )
        )
        printed: list[str] = []
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            msg = json.loads(ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, body = msg["msg_type"], msg["content"]
            if kind == "stream":
                printed.append(body["text"])
            elif kind == "error":
                pytest.fail(f"kernel of {name} raised: {body['ename']}: {body['evalue']}")
            elif kind == "status" and body["execution_state"] == "idle":
                return "".join(printed)
        pytest.fail(f"no reply from the kernel of {name} within {START_TIMEOUT:.0f}s")
    finally:
        ws.close()
        requests.delete(f"{base}/{kernel}", headers=headers, timeout=START_TIMEOUT)


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
        _login(hub, name)

    # Start all three at once, as a class does. The hub answers a start request when the
    # server is up or after its slow_spawn_timeout (10 s), so the requests go out together.
    def start(name: str) -> requests.Response:
        return hub.api.post(f"{hub.url}/hub/api/users/{name}/server", timeout=START_TIMEOUT)

    with ThreadPoolExecutor(len(LEARNERS)) as pool:
        for r in pool.map(start, LEARNERS):
            assert r.status_code in (201, 202), r.text

    def ready(name: str) -> dict[str, Any] | None:
        server = hub.user(name)["servers"].get("")
        return server if server and server["ready"] else None

    for name in LEARNERS:
        server = _wait(f"the server of {name}", lambda n=name: ready(n), START_TIMEOUT, hub.log)
        hub.server_pids.append(int(server["state"]["pid"]))

    tokens: dict[str, str] = {}
    for name in LEARNERS:
        r = hub.api.post(
            f"{hub.url}/hub/api/users/{name}/tokens",
            json={"note": "integration test", "expires_in": 600},
            timeout=START_TIMEOUT,
        )
        assert r.status_code == 201, r.text
        tokens[name] = r.json()["token"]

    def open_course(name: str, question: str) -> dict[str, Any]:
        """One learner: the lessons are in their home, and their kernel records an answer."""
        auth = {"Authorization": f"token {tokens[name]}"}
        folder = f"{hub.url}/user/{name}/api/contents/legmassage-course/notebooks"
        listing = requests.get(folder, headers=auth, timeout=START_TIMEOUT)
        assert listing.status_code == 200, listing.text
        assert sorted(f["name"] for f in listing.json()["content"]) == lessons
        welcome = requests.get(f"{folder}/00_welcome.ipynb", headers=auth, timeout=START_TIMEOUT)
        cells = welcome.json()["content"]["cells"]
        assert "from course import ui" in "".join("".join(cell["source"]) for cell in cells)
        printed = _execute(hub, name, tokens[name], SNIPPET.format(question=question))
        return json.loads(printed.strip().splitlines()[-1])

    with ThreadPoolExecutor(len(LEARNERS)) as pool:
        reports = dict(zip(LEARNERS, pool.map(open_course, LEARNERS, questions), strict=True))

    # Nobody reaches someone else's server with their own token.
    stranger = requests.get(
        f"{hub.url}/user/{LEARNERS[1]}/api/contents",
        headers={"Authorization": f"token {tokens[LEARNERS[0]]}"},
        timeout=START_TIMEOUT,
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
