"""JupyterHub configuration for running the leg self-massage course for a class on one machine.

Start it from the repository root with::

    .venv/bin/jupyterhub -f workshop/jupyterhub_config.py

It serves on http://127.0.0.1:8000 by default. Everything that changes between a laptop demo,
a classroom server and the integration test is read from environment variables, so this one
file serves all three and the test checks the file instructors actually use:

``COURSE_HUB_MODE``
    ``demo`` (default): any user name logs in (``DummyAuthenticator``, with the password in
    ``COURSE_HUB_PASSWORD`` if set), and every learner's server runs as the same system user
    (``SimpleLocalProcessSpawner``) with a home folder under ``COURSE_HUB_HOMES``. Fine for
    trying the course out on your own machine; it gives learners **no isolation from each
    other**, so never open it to a network.
    ``system``: learners log in with their own system accounts (PAM) and each server runs as
    that account (``LocalProcessSpawner``) in the account's real home folder. For a class on
    a shared server, prefer The Littlest JupyterHub or Zero to JupyterHub (see README.md).
``COURSE_HUB_IP`` / ``COURSE_HUB_PORT``
    where learners connect (default 127.0.0.1:8000; set the IP to 0.0.0.0 only behind HTTPS).
``COURSE_HUB_API_PORT`` / ``COURSE_HUB_PROXY_API_PORT``
    the hub's and the proxy's internal ports (default 8081 / 8001), always on 127.0.0.1.
``COURSE_HUB_STATE``
    folder for the hub's database, cookie secret and proxy pid file (default
    ``workshop/hub-state``).
``COURSE_HUB_HOMES``
    demo mode only: the folder that holds one home folder per learner (default
    ``workshop/hub-homes``).
``COURSE_HUB_LEARNERS``
    comma-separated user names allowed to log in (default: anyone in demo mode; in system
    mode you must list them).
``COURSE_HUB_ADMINS``
    comma-separated instructor user names with admin rights (default ``instructor``).
``COURSE_HUB_ADMIN_TOKEN``
    if set, an API service ``course-admin`` holding this token may create learners, start
    their servers and issue them tokens (used by tests/test_jupyterhub.py and handy for
    scripting a class). Keep it secret; leave it unset otherwise.
``COURSE_HUB_PROXY``
    the configurable-http-proxy command (default ``workshop/node_modules/.bin/
    configurable-http-proxy`` if ``npm ci --prefix workshop`` installed it, else the one on
    PATH).

Each learner's progress database lives in their own home: ``COURSE_DATA_DIR`` is set to
``<home>/legmassage-progress`` for every server. Learners never see or overwrite each other's
answers, and the folder is visible in JupyterLab's file browser (unlike the default
``~/.local/share/...``), so the file that "Export my results" writes there is easy to download
or for an instructor to collect. It sits beside, not inside, the course folder that
nbgitpuller keeps in sync, so a pull never touches it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - JupyterHub injects get_config into this file's namespace

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
COURSE_FOLDER = "legmassage-course"  # the folder nbgitpuller would create in each home
DATA_FOLDER = "legmassage-progress"  # COURSE_DATA_DIR = <home>/legmassage-progress


def _env(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


def _names(name: str, default: str = "") -> set[str]:
    return {n.strip() for n in _env(name, default).split(",") if n.strip()}


MODE = _env("COURSE_HUB_MODE", "demo")
if MODE not in {"demo", "system"}:
    raise ValueError(f"COURSE_HUB_MODE must be 'demo' or 'system', not {MODE!r}")
STATE = Path(_env("COURSE_HUB_STATE", str(HERE / "hub-state"))).resolve()
STATE.mkdir(parents=True, exist_ok=True)

# --- network: learners reach the proxy; everything else stays on the loopback -------------
c.JupyterHub.ip = _env("COURSE_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(_env("COURSE_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(_env("COURSE_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{_env('COURSE_HUB_PROXY_API_PORT', '8001')}"
c.Spawner.ip = "127.0.0.1"

_local_proxy = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [
    _env("COURSE_HUB_PROXY", str(_local_proxy) if _local_proxy.exists() else "")
    or "configurable-http-proxy"
]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")

# --- the hub's own files, kept out of the current directory -------------------------------
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner's server
c.JupyterHub.cleanup_proxy = True

# --- who may log in ----------------------------------------------------------------------
c.Authenticator.admin_users = _names("COURSE_HUB_ADMINS", "instructor")
learners = _names("COURSE_HUB_LEARNERS")
if learners:
    c.Authenticator.allowed_users = learners
if MODE == "demo":
    c.JupyterHub.authenticator_class = "dummy"
    if os.environ.get("COURSE_HUB_PASSWORD"):
        c.DummyAuthenticator.password = os.environ["COURSE_HUB_PASSWORD"]
    c.Authenticator.allow_all = not learners
else:
    c.JupyterHub.authenticator_class = "pam"
    if not learners:
        print("COURSE_HUB_LEARNERS is empty: only the admins can log in.", file=sys.stderr)

_token = os.environ.get("COURSE_HUB_ADMIN_TOKEN", "").strip()
if _token:
    c.JupyterHub.services = [{"name": "course-admin", "api_token": _token}]
    c.JupyterHub.load_roles = [
        {
            "name": "course-admin",
            "description": "Create learners, start their servers, issue their tokens.",
            "scopes": [
                "admin:users",
                "admin:servers",
                "admin:server_state",
                "tokens",
                "list:users",
                "read:users",
            ],
            "services": ["course-admin"],
        }
    ]


# --- each learner's server -----------------------------------------------------------------
def learner_home(spawner) -> Path:
    """The learner's home folder: per-user in both modes, so each progress file is private."""
    if MODE == "demo":
        return Path(spawner.home_dir)
    return Path(pwd.getpwnam(spawner.user.name).pw_dir)


def course_data_dir(spawner) -> str:
    """``COURSE_DATA_DIR`` for one learner: inside their own home, never a shared folder."""
    return str(learner_home(spawner) / DATA_FOLDER)


def copy_course(spawner) -> None:
    """Demo mode: put the lessons into the learner's home the way nbgitpuller would.

    Only what is missing is copied, so a learner's own edits survive a server restart (the
    same rule nbgitpuller follows on a real hub).
    """
    target = learner_home(spawner) / COURSE_FOLDER
    for part in ("notebooks", "apps"):
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part, dirs_exist_ok=True, copy_function=_copy_new)


def _copy_new(src: str, dst: str) -> str:
    return dst if os.path.exists(dst) else shutil.copy2(src, dst)


c.Spawner.environment = {"COURSE_DATA_DIR": course_data_dir, "MPLBACKEND": "Agg"}
# The hub's own Python runs the learners' servers and kernels, so `import course` works.
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = f"/lab/tree/{COURSE_FOLDER}/notebooks/00_welcome.ipynb"
# A whole class pressing "start" at once queues on the CPU: on 2 cores, 20 servers starting
# together took over a minute (workshop/sizing.md), so allow 2 minutes before giving up.
c.Spawner.start_timeout = int(_env("COURSE_HUB_START_TIMEOUT", "120"))
c.Spawner.http_timeout = int(_env("COURSE_HUB_HTTP_TIMEOUT", "120"))
if MODE == "demo":
    c.JupyterHub.spawner_class = "simple"
    homes = Path(_env("COURSE_HUB_HOMES", str(HERE / "hub-homes"))).resolve()
    c.SimpleLocalProcessSpawner.home_dir_template = str(homes / "{username}")
    c.Spawner.pre_spawn_hook = copy_course
    if os.geteuid() == 0:  # every demo server runs as the hub's user; Jupyter refuses root
        c.Spawner.args = ["--allow-root"]
else:
    c.JupyterHub.spawner_class = "localprocess"
    c.Spawner.notebook_dir = "~"
