"""The standalone apps: ``python -m course app`` serves the routine builder and the safety quiz
with Voilà on 127.0.0.1, behind a token, with the notebook's code stripped from the page and
the widgets alive in a kernel.

The integration tests start the real command in a subprocess, on a free port, with a private
``COURSE_DATA_DIR``, and always stop it by process id in ``finally``.
"""

from __future__ import annotations

import json
import os
import re
import socket
import struct
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from course import apps
from tests.browser.servers import log_tail, server_env, start, stop, wait_until

TIMEOUT = 60.0  # seconds for Voilà to answer (it runs the notebook before the first byte)
TOKEN = "test-" + uuid.uuid4().hex


# --- the command line, without starting anything ------------------------------------------


def test_binds_to_loopback_with_a_token_by_default() -> None:
    command = apps.voila_command("builder")
    assert "--Voila.ip=127.0.0.1" in command
    assert "--Voila.auto_token=True" in command
    assert "--VoilaConfiguration.strip_sources=True" in command
    assert not any("0.0.0.0" in part for part in command)
    # the token travels in JUPYTER_TOKEN, never on the command line (visible in `ps`)
    assert not any(
        p.startswith(("--token", "--Voila.token", "--IdentityProvider.token")) for p in command
    )
    assert command[3].endswith("routine_builder.ipynb")
    assert apps.voila_command("quiz", port=9000)[3].endswith("quiz.ipynb")


def test_cli_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    from course.__main__ import parser

    args = parser().parse_args(["app"])
    assert (args.app, args.ip, args.port, args.no_token) == ("builder", "127.0.0.1", 8866, False)
    assert parser().parse_args(["app", "quiz", "--port", "9001"]).port == 9001


def test_refuses_to_serve_without_a_token_beyond_this_machine() -> None:
    with pytest.raises(apps.AppError, match="without a token"):
        apps.voila_command("builder", ip="0.0.0.0", token=False)
    assert "--Voila.ip=0.0.0.0" in apps.voila_command("builder", ip="0.0.0.0")  # explicit only
    assert "--Voila.auto_token=False" in apps.voila_command("quiz", ip="::1", token=False)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"app": "timer"}, "unknown app"),
        ({"app": "quiz", "port": 70000}, "port must be"),
        ({"app": "quiz", "apps_dir": Path("/nonexistent")}, "is missing"),
    ],
)
def test_bad_requests_get_a_sentence(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(apps.AppError, match=message):
        apps.voila_command(**kwargs)


def test_cli_reports_errors_without_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    from course.__main__ import main

    assert main(["app", "quiz", "--ip", "0.0.0.0", "--no-token"]) == 2
    assert "without a token" in capsys.readouterr().err


def test_loopback_addresses() -> None:
    assert all(apps.is_loopback(ip) for ip in ("127.0.0.1", "127.1.2.3", "::1", "localhost"))
    assert not any(apps.is_loopback(ip) for ip in ("0.0.0.0", "::", "192.168.1.5", "host"))


# --- the safety-quiz gate of the builder app ---------------------------------------------


def test_the_app_environment_sets_the_quiz_gate_explicitly() -> None:
    # a "0" left in the instructor's shell does not switch the gate off for learners
    assert (
        apps.app_env("builder", base={"COURSE_REQUIRE_SAFETY_QUIZ": "0"})[apps.QUIZ_GATE_ENV] == "1"
    )
    assert apps.app_env("builder", quiz_gate=False, base={})[apps.QUIZ_GATE_ENV] == "0"
    with pytest.raises(apps.AppError, match="builder app only"):
        apps.app_env("quiz", quiz_gate=False)


@pytest.mark.parametrize(("flags", "gate"), [([], "1"), (["--no-quiz-gate"], "0")])
def test_cmd_app_passes_the_gate_to_voila(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], flags, gate
) -> None:
    from course.__main__ import main

    seen: dict[str, Any] = {}

    class Became(Exception):
        """``os.execve`` never returns: the fake stops here instead of starting Voilà."""

    def fake_execve(path: str, argv: list[str], env: dict[str, str]) -> None:
        seen.update(argv=argv, env=env)
        raise Became

    def no_server(*args: Any, **kw: Any) -> int:
        raise AssertionError("a test must not start Voilà")

    monkeypatch.setenv("COURSE_REQUIRE_SAFETY_QUIZ", "0")
    monkeypatch.setattr(apps.os, "execve", fake_execve)
    monkeypatch.setattr(apps.os, "name", "posix")
    monkeypatch.setattr(apps.subprocess, "call", no_server)
    with pytest.raises(Became):
        main(["app", "builder", *flags])
    assert seen["env"]["COURSE_REQUIRE_SAFETY_QUIZ"] == gate
    assert seen["argv"][3].endswith("routine_builder.ipynb")
    assert ("gate is OFF" in capsys.readouterr().err) is (gate == "0")


def test_no_quiz_gate_is_refused_for_the_quiz_app(capsys: pytest.CaptureFixture[str]) -> None:
    from course.__main__ import main

    assert main(["app", "quiz", "--no-quiz-gate"]) == 2
    assert "builder app only" in capsys.readouterr().err


def test_builder_app_shows_the_gate_on_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COURSE_REQUIRE_SAFETY_QUIZ", raising=False)
    view = apps.builder_app()
    assert view.quiz_required and view.builder.gated  # no passed quiz in a fresh record
    assert "Safety quiz required" in view.banner.value
    bundle = view._repr_mimebundle_()
    assert "Safety quiz required" in bundle["text/html"] and "OFF" not in bundle["text/html"]
    assert "lm-builder-app" in view.widget._dom_classes


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_builder_app_with_the_gate_off_shows_a_banner(
    monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "environment":
        monkeypatch.setenv("COURSE_REQUIRE_SAFETY_QUIZ", "0")
        view = apps.builder_app()
    else:
        view = apps.builder_app(require_quiz=False)
    assert not view.quiz_required and not view.builder.gated
    assert 'role="alert"' in view.banner.value and "gate is OFF" in view.banner.value
    bundle = view._repr_mimebundle_()
    assert bundle["text/html"].startswith(view.banner.value)
    assert bundle["text/plain"].startswith("[safety-quiz gate OFF] ")


def test_builder_app_stores_the_answers_the_learner_confirms() -> None:
    from datetime import UTC, datetime

    from course.progress import Progress
    from course.safety import Profile

    now = datetime(2025, 6, 15, 10, 0, tzinfo=UTC)
    view = apps.builder_app(require_quiz=False, now=lambda: now, live=False)
    assert "not taken your personal screening" in view.screening.value
    assert "Check every answer" in view.screening.value
    checklist = view.builder.checklist
    checklist.conditions["varicose_veins"].value = True
    checklist.where["varicose_veins"].value = ("calf",)
    checklist.done_button.click()
    assert "saved with today" in view.screening.value
    with Progress.open() as p:
        stored = p.latest_screening()
    assert stored.taken_at == now
    assert stored.answers == Profile.of("varicose_veins", varicose_veins=["calf"]).to_dict()
    # the next visit starts from the stored answers
    again = apps.builder_app(require_quiz=False, now=lambda: now, live=False)
    assert again.builder.checklist.conditions["varicose_veins"].value
    assert "Using your screening of 15 June 2025" in again.screening.value
    assert "Using your screening" in again._repr_mimebundle_()["text/html"]


def test_builder_app_does_not_store_incomplete_answers() -> None:
    from course.progress import Progress

    view = apps.builder_app(require_quiz=False, live=False)
    view.builder.checklist.conditions["varicose_veins"].value = True  # no "where"
    view.builder.checklist.done_button.click()
    assert "not saved" in view.screening.value
    with Progress.open() as p:
        assert p.screenings() == []


def test_the_app_notebook_uses_the_gated_app() -> None:
    text = (apps.APPS_DIR / apps.APPS["builder"]).read_text(encoding="utf-8")
    assert "apps.builder_app()" in text and "require_quiz" not in text


# --- the real server ---------------------------------------------------------------------


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port`` (Linux /proc), hex-decoded."""
    found = set()
    for table, size in (("/proc/net/tcp", 4), ("/proc/net/tcp6", 16)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, hexport = local.split(":")
            if state == "0A" and int(hexport, 16) == port:  # 0A = LISTEN
                raw = bytes.fromhex(addr)
                # /proc stores each 32-bit word in host (little-endian) order
                words = [raw[i : i + 4][::-1] for i in range(0, size, 4)]
                found.add(
                    socket.inet_ntop(
                        socket.AF_INET if size == 4 else socket.AF_INET6, b"".join(words)
                    )
                )
    return found


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    data_dir: Path

    def log_tail(self) -> str:
        return log_tail(self.log)


SERVING = re.compile(r"^Serving the \w+ app(?:\. Open: | at )(http://127\.0\.0\.1:(\d+)/)", re.M)


def _serve(app: str, tmp_path: Path, *extra: str) -> Iterator[Served]:
    """Start ``course app`` on ``--port 0`` and take the address from the line it prints:
    that line must come only once the port is bound, so a connection made the moment it
    appears must succeed."""
    data_dir = tmp_path / "course-data"
    log = tmp_path / "voila.log"
    process = start([sys.executable, "-m", "course", "app", app, "--port", "0", *extra],
                    env=server_env(data_dir, {"JUPYTER_TOKEN": TOKEN}), cwd=tmp_path, log=log)
    served = Served("", process, log, data_dir)
    try:
        found = wait_until("the app to print its address",
                           lambda: SERVING.search(log.read_text(errors="replace")),
                           log=log, timeout=TIMEOUT, proc=process, interval=0.1,
                           error=pytest.fail.Exception, retry=())
        served.url = found.group(1)
        with socket.create_connection(("127.0.0.1", int(found.group(2))), timeout=5):
            pass  # bound before the address was printed: no retry here
        # Voilà runs the notebook before its first byte: wait until it answers.
        def answers() -> int:  # any HTTP status will do (a login redirect, a 403)
            return requests.get(served.url, timeout=2, allow_redirects=False).status_code

        wait_until("the app to answer", answers, log=log, timeout=TIMEOUT, proc=process,
                   interval=0.2, error=pytest.fail.Exception)
        yield served
    finally:
        # `course app` became the server (exec), so this pid is it; its kernels are its
        # children and it shuts them down on SIGTERM. Anything left in its session goes too.
        stop(process)


@pytest.fixture
def builder_app(tmp_path: Path) -> Iterator[Served]:
    yield from _serve("builder", tmp_path)


@pytest.fixture
def quiz_app(tmp_path: Path) -> Iterator[Served]:
    yield from _serve("quiz", tmp_path)


def _decode(frame: str | bytes) -> dict[str, Any]:
    """A kernel message from Jupyter's websocket: JSON text, or the binary form used when a
    message carries buffers (count, offsets, then the JSON part first)."""
    if isinstance(frame, str):
        return json.loads(frame)
    (count,) = struct.unpack("!I", frame[:4])
    offsets = struct.unpack(f"!{count}I", frame[4 : 4 + 4 * count])
    end = offsets[1] if count > 1 else len(frame)
    return json.loads(frame[offsets[0] : end])


def _widget_states(base: str, kernel_id: str) -> dict[str, Any]:
    """Ask the page's kernel for every widget's state, as the browser's widget manager does
    (ipywidgets 8 control comm: ``request_states`` -> ``update_states``)."""
    import websocket  # websocket-client, a jupyter_server dependency

    ws = websocket.create_connection(
        f"{base.replace('http://', 'ws://')}api/kernels/{kernel_id}/channels?token={TOKEN}",
        timeout=TIMEOUT,
    )
    try:
        session, comm = uuid.uuid4().hex, uuid.uuid4().hex

        def send(kind: str, content: dict[str, Any], metadata: dict[str, Any]) -> None:
            header = {
                "msg_id": uuid.uuid4().hex,
                "msg_type": kind,
                "username": "test",
                "session": session,
                "version": "5.3",
            }
            ws.send(
                json.dumps(
                    {
                        "header": header,
                        "parent_header": {},
                        "metadata": metadata,
                        "channel": "shell",
                        "content": content,
                    }
                )
            )

        open_ = {"comm_id": comm, "target_name": "jupyter.widget.control", "data": {}}
        send("comm_open", open_, {"version": "1.0.0"})
        send("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}}, {})
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            msg = _decode(ws.recv())
            content = msg.get("content", {})
            if msg.get("msg_type") == "comm_msg" and content.get("comm_id") == comm:
                assert content["data"]["method"] == "update_states"
                return content["data"]["states"]
        pytest.fail("the kernel sent no widget state")
    finally:
        ws.close()


def _page(served: Served) -> str:
    r = requests.get(served.url, params={"token": TOKEN}, timeout=TIMEOUT)
    assert r.status_code == 200, served.log_tail()
    return r.text


def _check_live(served: Served, text: str, widget_class: str) -> dict[str, Any]:
    """The page shows a widget view backed by a running kernel that holds ``widget_class``."""
    kernel = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', text)
    assert kernel, "the page names no kernel"
    views = set(re.findall(r'"model_id":\s*"([0-9a-f]{32})"', text))
    assert views, "the page holds no widget view"
    states = _widget_states(served.url, kernel.group(1))
    assert views <= set(states), "the page's widget is not in the kernel"
    classes = {c for s in states.values() for c in s["state"].get("_dom_classes", [])}
    assert widget_class in classes, sorted(classes)
    return states


def test_builder_app_serves_live_widgets_without_code(builder_app: Served) -> None:
    if Path("/proc/net/tcp").exists():  # Linux: check the socket Voilà really opened
        port = int(builder_app.url.rsplit(":", 1)[1].strip("/"))
        assert _listening_addresses(port) == {"127.0.0.1"}
    # no token, no app: the page redirects to a login form
    anonymous = requests.get(builder_app.url, timeout=TIMEOUT, allow_redirects=False)
    assert anonymous.status_code in (302, 403)

    assert f"?token={TOKEN}" in builder_app.log_tail()  # the address printed to open
    text = _page(builder_app)
    assert "routine_builder(" not in text and "from course import" not in text
    assert "Build your leg self-massage routine" in text  # the notebook's text cell
    # Voilà serves its own JavaScript: nothing needed to run the app comes from a CDN. (Its
    # template also links a FontAwesome stylesheet from a CDN; its bundle carries the same
    # icons, so offline that link just fails.)
    assert not re.findall(r'<script[^>]+src="(?:https?:)?//', text)
    states = _check_live(builder_app, text, "lm-builder")
    buttons = {s["state"].get("description") for s in states.values()}
    assert "Save routine" in " ".join(b for b in buttons if b)
    # the quiz gate is on (no --no-quiz-gate) and says so; the screening state is shown
    values = " ".join(str(s["state"].get("value", "")) for s in states.values())
    assert "Safety quiz required" in values and "gate is OFF" not in values
    assert "Your screening:" in values


def test_quiz_app_serves_the_safety_quiz(quiz_app: Served) -> None:
    text = _page(quiz_app)
    assert 'ui.quiz("safety")' not in text and "from course import" not in text
    _check_live(quiz_app, text, "lm-quiz")


# --- issue 10, items 10 and 11: bind before printing; loopback answers loopback only -------


def test_a_taken_port_is_refused_not_moved(tmp_path: Path) -> None:
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", 0))
    squatter.listen()
    port = squatter.getsockname()[1]
    env = {**os.environ, "COURSE_DATA_DIR": str(tmp_path / "data"), "JUPYTER_TOKEN": TOKEN}
    process = subprocess.Popen(
        [sys.executable, "-m", "course", "app", "quiz", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        stop(process)
        out, err = process.communicate()
        pytest.fail(f"the app kept running on another port:\n{out}\n{err[-2000:]}")
    finally:
        squatter.close()
    assert process.returncode == 1
    assert TOKEN not in out + err  # the squatter's port never got the token
    assert f"Cannot start the app: port {port} on 127.0.0.1 is in use" in err
    assert "Traceback" not in err


@pytest.fixture
def open_app(tmp_path: Path) -> Iterator[Served]:
    yield from _serve("quiz", tmp_path, "--no-token")


def test_without_a_token_only_loopback_hosts_and_origins_are_answered(open_app: Served) -> None:
    import websocket  # websocket-client, a jupyter_server dependency

    port = int(open_app.url.rsplit(":", 1)[1].strip("/"))
    assert "(no token: this machine only)" in open_app.log_tail()
    page = requests.get(open_app.url, timeout=TIMEOUT)
    assert page.status_code == 200
    for host in (f"localhost:{port}", f"[::1]:{port}", f"127.0.0.2:{port}"):
        assert requests.get(open_app.url, headers={"Host": host}, timeout=TIMEOUT).ok, host
    kernel = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page.text).group(1)
    rebound = f"attacker.example:{port}"
    for path in ("", "voila/static/voila.js", "api/kernels", f"api/kernels/{kernel}"):
        r = requests.get(open_app.url + path, headers={"Host": rebound}, timeout=TIMEOUT)
        assert r.status_code == 403, path
    evil = {"Origin": f"http://attacker.example:{port}"}
    assert requests.get(open_app.url, headers=evil, timeout=TIMEOUT).status_code == 403
    channels = f"ws://127.0.0.1:{port}/api/kernels/{kernel}/channels"
    for options in ({"host": rebound}, {"origin": evil["Origin"]}):
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            websocket.create_connection(channels, timeout=TIMEOUT, **options)
        assert refused.value.status_code == 403
    ok = websocket.create_connection(channels, timeout=TIMEOUT, origin=f"http://127.0.0.1:{port}")
    ok.close()
