"""Start and stop the servers the tests drive (JupyterLab, Voilà, JupyterHub).

The one test-server harness: the browser tests, tests/test_apps.py (the Voilà apps),
tests/hub.py (the workshop JupyterHub) and the benchmarks start a server with :func:`start`
(or :func:`running`), wait for it with :func:`wait_until` / :func:`wait_ready` and end it
with :func:`stop`. The rules are the same for every server, and live here once: bind
127.0.0.1 only, a free port, a fresh token, a private data folder and working copy
(:func:`server_env`), bounded waits, and a stop that ends every process the server started.
Kernels run in sessions of their own (jupyter_client starts them with
``start_new_session``), so stopping the server's process group alone would leave them
running: :func:`stop` also ends, by process id, every descendant it found.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90.0  # seconds for a server to answer; a cold CI machine needs the margin
STOP_TIMEOUT = 15.0

# JupyterLab user settings for a quiet, deterministic test session:
# - no autosave: the working copy is a throwaway, but no write should race a test either;
# - every cell kept in the DOM (no windowing), so the whole notebook can be checked;
# - no news or update checks: the network is closed, and a toast would cover the page.
LAB_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


@dataclass
class Server:
    """A running server: where it answers, how to authenticate, and its private folders."""

    url: str  # base URL, ends with "/"
    token: str
    root: Path  # the folder it serves (a working copy, never the repository itself)
    data_dir: Path  # COURSE_DATA_DIR of its kernels
    log: Path
    proc: subprocess.Popen[bytes] = field(repr=False)

    def address(self, path: str = "") -> str:
        """A browser address with the token, so the first page load logs in."""
        sep = "&" if "?" in path else "?"
        return f"{self.url}{path}{sep}token={self.token}" if self.token else self.url + path

    def api(self, method: str, path: str, timeout: float = 10.0) -> Any:
        """Call the server's REST API; returns the decoded JSON (or None for no body)."""
        req = urllib.request.Request(self.url + path, method=method)
        if self.token:
            req.add_header("Authorization", f"token {self.token}")
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """End every notebook session (and so its kernel): each test starts from none."""
        for session in self.api("GET", "api/sessions"):
            try:
                self.api("DELETE", f"api/sessions/{session['id']}")
            except urllib.error.HTTPError:  # already gone
                pass

    def log_tail(self, chars: int = 3000) -> str:
        return log_tail(self.log, chars)


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it; the server binds it next)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, grandchildren, ...), read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name may hold spaces and brackets: the fields follow the last ")"
        fields = stat.rsplit(")", 1)[1].split()
        parents[int(entry.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        p = frontier.pop()
        kids = [c for c, parent in parents.items() if parent == p]
        found += kids
        frontier += kids
    return found


def _kill(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _killpg(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass


def start(cmd: Sequence[str], *, env: dict[str, str], cwd: Path, log: Path,
          ) -> subprocess.Popen[bytes]:
    """Start ``cmd`` in a session (and process group) of its own, its output into ``log``,
    so :func:`stop` can end it and all it started. End it with :func:`stop`, pass or fail."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        return subprocess.Popen(
            list(cmd), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )


def stop(proc: subprocess.Popen[bytes], grace: float = STOP_TIMEOUT) -> None:
    """Stop a server started by :func:`start`, and everything it started.

    SIGTERM to the server first (Jupyter then shuts its kernels down cleanly, JupyterHub its
    learners' servers and then its proxy, in that order), SIGKILL to its process group after
    ``grace`` seconds, then to any descendant still alive (kernels and spawned servers in
    sessions of their own) by its id.
    """
    kids = descendants(proc.pid) if proc.poll() is None else []
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        _killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=STOP_TIMEOUT)
    _killpg(proc.pid, signal.SIGKILL)  # anything left in its session (a kernel not reaped)
    for pid in kids:
        _kill(pid, signal.SIGKILL)


def log_tail(log: Path, chars: int = 3000) -> str:
    """The end of a server's log, for an error message ("(no log)" if there is none)."""
    try:
        return log.read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError:
        return "(no log)"


def wait_until(what: str, check: Callable[[], Any], *, log: Path, timeout: float = START_TIMEOUT,
               proc: subprocess.Popen[bytes] | None = None,
               error: type[Exception] = RuntimeError, interval: float = 0.3,
               retry: tuple[type[BaseException], ...] = (OSError,)) -> Any:
    """Poll ``check`` until it returns something truthy, and return that. An exception in
    ``retry`` (by default any ``OSError``: a refused connection, urllib's ``URLError``,
    requests' errors) counts as "not yet". Raises ``error`` with the log's tail when ``proc``
    (the server) exits first or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise error(f"server exited with {proc.returncode} before {what}:\n{log_tail(log)}")
        try:
            result = check()
        except retry as exc:
            result, last = None, exc
        if result:
            return result
        time.sleep(interval)
    raise error(f"timed out after {timeout:.0f}s waiting for {what} (last: {last}):\n"
                + log_tail(log))


def _listening(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=2):
            return True
    except OSError:
        return False


def wait_ready(proc: subprocess.Popen[bytes], url: str, token: str, log: Path,
               timeout: float = START_TIMEOUT, *, http: bool = True) -> None:
    """Wait until ``url`` answers 200 (``http=False``: until its port accepts a connection,
    for servers where every page load starts a kernel); fail early, with the log, if the
    server died."""

    def answers() -> bool:
        if not http:
            return _listening(url)
        req = urllib.request.Request(url)
        if token:
            req.add_header("Authorization", f"token {token}")
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status == 200

    wait_until(f"{url} to answer", answers, log=log, timeout=timeout, proc=proc)


@contextmanager
def running(cmd: Sequence[str], *, env: dict[str, str], cwd: Path, log: Path,
            ready_url: str, token: str, http: bool = True) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``cmd`` (see :func:`start`) until the block ends, pass or fail."""
    proc = start(cmd, env=env, cwd=cwd, log=log)
    try:
        wait_ready(proc, ready_url, token, log, http=http)
        yield proc
    finally:
        stop(proc)


def working_copy(dest: Path) -> Path:
    """Copy what a learner opens (lessons, apps) into ``dest``: running cells in the browser
    must never rewrite the stored, nbval-checked notebooks of the repository."""
    for name in ("notebooks", "apps"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return dest


def server_env(data_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a server and its kernels: the test's, with a private data folder
    and without the test process's own overrides (MPLBACKEND, a per-test data folder)."""
    env = {k: v for k, v in os.environ.items() if k not in {"MPLBACKEND", "COURSE_DATA_DIR"}}
    env["COURSE_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def warm_matplotlib(env: dict[str, str]) -> None:
    """Build matplotlib's font cache before any kernel runs: on a fresh machine the first
    import writes "building the font cache" to stderr, which a lesson would show as a
    warning output and the no-error check would (rightly) flag."""
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env,
                   check=False, timeout=180, capture_output=True)


def write_lab_settings(settings_dir: Path) -> None:
    for plugin, values in LAB_SETTINGS.items():
        path = settings_dir / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


@contextmanager
def jupyterlab(tmp: Path, log: Path, extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    """A JupyterLab of its own: working copy in ``tmp/root``, data in ``tmp/data``."""
    root = working_copy(tmp / "root")
    data = tmp / "data"
    data.mkdir(parents=True, exist_ok=True)
    write_lab_settings(tmp / "settings")
    env = server_env(data, {
        "JUPYTERLAB_SETTINGS_DIR": str(tmp / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
        "JUPYTER_DATA_DIR": str(tmp / "jupyter-data"),  # no notebook secret in $HOME
        **(extra_env or {}),
    })
    warm_matplotlib(env)
    port, token = free_port(), secrets.token_hex(16)
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        *(["--allow-root"] if is_root() else []),
    ]
    url = f"http://127.0.0.1:{port}/"
    with running(cmd, env=env, cwd=root, log=log, ready_url=url + "api/status",
                 token=token) as proc:
        yield Server(url=url, token=token, root=root, data_dir=data, log=log, proc=proc)


@contextmanager
def voila_app(tmp: Path, log: Path, app: str = "builder") -> Iterator[Server]:
    """The course's own Voilà app, started the documented way (``python -m course app``),
    on a free 127.0.0.1 port with a fresh token and a private data folder."""
    data = tmp / "data"
    data.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), secrets.token_hex(16)
    env = server_env(data, {
        "JUPYTER_TOKEN": token,
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
        "JUPYTER_DATA_DIR": str(tmp / "jupyter-data"),
    })
    warm_matplotlib(env)
    cmd = [sys.executable, "-m", "course", "app", app, "--port", str(port), "--ip", "127.0.0.1"]
    if app == "builder":
        # Passing the 35-question quiz through the page is not what these tests are about:
        # start the app as an instructor does for a demonstration (the page shows a banner).
        cmd.append("--no-quiz-gate")
    url = f"http://127.0.0.1:{port}/"
    with running(cmd, env=env, cwd=ROOT, log=log, ready_url=url, token=token,
                 http=False) as proc:
        yield Server(url=url, token=token, root=ROOT / "apps", data_dir=data, log=log, proc=proc)
