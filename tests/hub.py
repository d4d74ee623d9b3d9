"""Start the workshop's JupyterHub on loopback and act as its learners.

One harness for the JupyterHub integration test (tests/test_jupyterhub.py) and the class-size
benchmark (benchmarks/class_size.py): both need the same things — the hub from
workshop/jupyterhub_config.py on free loopback ports with the dummy authenticator, learners that
log in, start their servers and run code in a kernel — and both must stop every process they
started, so the rules live here once. Failures raise :class:`HubError` with the hub's log tail;
the test turns that into a test failure, the benchmark into an error line.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from tests.browser.servers import free_port, server_env, start, stop, wait_until

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "workshop" / "jupyterhub_config.py"
LOCAL_PROXY = REPO / "workshop" / "node_modules" / ".bin" / "configurable-http-proxy"
PASSWORD = "workshop"
START_TIMEOUT = 30.0  # seconds for the hub, each server, each kernel reply


class HubError(RuntimeError):
    """The hub, a server or a kernel did not do what a learner needs; carries the log tail."""


class ProxyMissing(HubError):
    """configurable-http-proxy is not installed (npm ci --prefix workshop)."""


def proxy_command() -> str:
    """The proxy the hub will use: the pinned one in workshop/node_modules, else one on PATH."""
    if LOCAL_PROXY.exists():
        return str(LOCAL_PROXY)
    on_path = shutil.which("configurable-http-proxy")
    if on_path:
        return on_path
    raise ProxyMissing(
        "configurable-http-proxy is not installed: run `make test` (or `npm ci --prefix workshop`)"
    )


class Hub:
    """A running hub: its URL, admin API session and the files it writes."""

    def __init__(self, url: str, token: str, homes: Path, log: Path, timeout: float):
        self.url = url
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"token {token}"
        self.homes = homes
        self.log = log
        self.timeout = timeout
        self.server_pids: dict[str, int] = {}
        self.tokens: dict[str, str] = {}

    def user(self, name: str) -> dict[str, Any]:
        r = self.api.get(f"{self.url}/hub/api/users/{name}", timeout=self.timeout)
        r.raise_for_status()
        return r.json()

    def login(self, name: str) -> requests.Session:
        """Log in through the hub's form, as a learner's browser does (dummy authenticator)."""
        browser = requests.Session()
        page = browser.get(f"{self.url}/hub/login", timeout=self.timeout)
        if page.status_code != 200 or 'name="username"' not in page.text:
            raise HubError(f"the login page answered HTTP {page.status_code}")
        r = browser.post(
            f"{self.url}/hub/login",
            data={"username": name, "password": PASSWORD, "_xsrf": browser.cookies.get("_xsrf")},
            allow_redirects=False,
            timeout=self.timeout,
        )
        logged_in = any(c.name.startswith("jupyterhub-") for c in browser.cookies)
        if r.status_code != 302 or not logged_in:
            raise HubError(f"login of {name} failed: HTTP {r.status_code}")
        return browser

    def request_server(self, name: str) -> None:
        """Ask for ``name``'s server; the hub answers when it is up or after slow_spawn_timeout."""
        r = self.api.post(f"{self.url}/hub/api/users/{name}/server", timeout=self.timeout)
        if r.status_code not in (201, 202):
            raise HubError(f"starting the server of {name}: HTTP {r.status_code} {r.text}")

    def wait_server(self, name: str) -> int:
        """Wait until ``name``'s server is ready; remember and return its process id."""

        def ready() -> dict[str, Any] | None:
            server = self.user(name)["servers"].get("")
            return server if server and server["ready"] else None

        server = wait_until(f"the server of {name}", ready, log=self.log, timeout=self.timeout,
                            error=HubError, retry=(requests.ConnectionError,))
        self.server_pids[name] = int(server["state"]["pid"])
        return self.server_pids[name]

    def token(self, name: str) -> str:
        """An API token of ``name`` (what a learner's browser session holds)."""
        if name not in self.tokens:
            r = self.api.post(
                f"{self.url}/hub/api/users/{name}/tokens",
                json={"note": "course test", "expires_in": 3600},
                timeout=self.timeout,
            )
            if r.status_code != 201:
                raise HubError(f"a token for {name}: HTTP {r.status_code} {r.text}")
            self.tokens[name] = r.json()["token"]
        return self.tokens[name]

    def kernel(self, name: str) -> Kernel:
        """A fresh kernel on ``name``'s server (delete it with :meth:`Kernel.close`)."""
        return Kernel(self, name)


class Kernel:
    """One kernel on a learner's server, driven over its websocket as JupyterLab does."""

    def __init__(self, hub: Hub, name: str):
        import websocket  # websocket-client, a jupyter_server dependency

        self.hub, self.name = hub, name
        self.base = f"{hub.url}/user/{name}/api/kernels"
        self.headers = {"Authorization": f"token {hub.token(name)}"}
        # Under load the proxy may route the learner a moment after the hub calls the server
        # ready (404/502/503 meanwhile): a browser retries, and so does this.
        deadline = time.monotonic() + hub.timeout
        while True:
            r = requests.post(self.base, json={"name": "python3"}, headers=self.headers,
                              timeout=hub.timeout)
            if r.status_code == 201 or r.status_code not in (404, 502, 503):
                break
            if time.monotonic() > deadline:
                break
            time.sleep(0.5)
        if r.status_code != 201:
            raise HubError(f"a kernel for {name}: HTTP {r.status_code} {r.text[:300]}")
        self.id = r.json()["id"]
        self.ws = websocket.create_connection(
            f"{self.base.replace('http://', 'ws://')}/{self.id}/channels",
            header=[f"Authorization: token {hub.token(name)}"],
            timeout=hub.timeout,
        )
        self.session = uuid.uuid4().hex

    def execute(self, code: str, on_output: Callable[[], None] | None = None) -> str:
        """Run ``code``; return what it printed. ``on_output`` is called at its first output."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": self.name,
                       "session": self.session, "version": "5.3"},
            "parent_header": {},
            "metadata": {},
            "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": False,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
        }))
        printed: list[str] = []
        seen_output = False
        deadline = time.monotonic() + self.hub.timeout
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, body = msg["msg_type"], msg["content"]
            if kind in {"stream", "display_data", "execute_result"} and not seen_output:
                seen_output = True
                if on_output:
                    on_output()
            if kind == "stream":
                printed.append(body["text"])
            elif kind == "error":
                raise HubError(f"kernel of {self.name} raised: {body['ename']}: {body['evalue']}")
            elif kind == "status" and body["execution_state"] == "idle":
                return "".join(printed)
        raise HubError(f"no reply from the kernel of {self.name} within {self.hub.timeout:.0f}s")

    def close(self) -> None:
        self.ws.close()
        requests.delete(f"{self.base}/{self.id}", headers=self.headers, timeout=self.hub.timeout)


@contextmanager
def running_hub(
    tmp: Path, learners: Sequence[str], *, timeout: float = START_TIMEOUT,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Hub]:
    """The workshop hub in demo mode on free loopback ports, stopped with all it started."""
    proxy = proxy_command()
    port, api_port, proxy_api_port = free_port(), free_port(), free_port()
    token = uuid.uuid4().hex
    env = server_env(tmp / "data", {  # each learner's COURSE_DATA_DIR is set by the config
        "COURSE_HUB_MODE": "demo",
        "COURSE_HUB_IP": "127.0.0.1",
        "COURSE_HUB_PORT": str(port),
        "COURSE_HUB_API_PORT": str(api_port),
        "COURSE_HUB_PROXY_API_PORT": str(proxy_api_port),
        "COURSE_HUB_STATE": str(tmp / "state"),
        "COURSE_HUB_HOMES": str(tmp / "homes"),
        "COURSE_HUB_LEARNERS": ",".join(learners),
        "COURSE_HUB_PASSWORD": PASSWORD,
        "COURSE_HUB_ADMIN_TOKEN": token,
        "COURSE_HUB_PROXY": proxy,
        **(extra_env or {}),
    })
    log = tmp / "hub.log"
    proc = start([sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)], env=env, cwd=tmp,
                 log=log)
    hub = Hub(f"http://127.0.0.1:{port}", token, tmp / "homes", log, timeout)
    try:

        def up() -> bool:
            return hub.api.get(f"{hub.url}/hub/api/", timeout=5).status_code == 200

        wait_until("JupyterHub to answer", up, log=log, timeout=timeout, proc=proc,
                   error=HubError, retry=(requests.ConnectionError,))
        yield hub
    finally:
        # The hub stops the learners' servers and the proxy itself (cleanup_servers/proxy);
        # stop() then ends any of them (its descendants) still alive.
        stop(proc, grace=20)
