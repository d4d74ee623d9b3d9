"""Fresh clone -> `make lab` answering, against a bare install of the same stack.

Both start from nothing but Python and the same warm pip cache, so the difference is what the
kit adds: the learner requirements, the `course` package, the JupyterLab settings. Bare means a
new virtual environment with `pip install jupyterlab ipywidgets nbval matplotlib pytest` and
`jupyter lab` started in it. Each side is timed until JupyterLab answers its API. The figures go
to benchmarks/results/install.json (goal: `make lab` within 1.3x of bare).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from tests.browser.servers import free_port, start, stop, wait_until

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "results" / "install.json"
BARE = ["jupyterlab", "ipywidgets", "nbval", "matplotlib", "pytest"]


def answered(port: int, token: str) -> bool:
    try:
        url = f"http://127.0.0.1:{port}/api/status?token={token}"
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def until_lab_answers(cmd: list[str], cwd: Path, port: int, token: str, log: Path) -> float:
    """Run ``cmd`` (install, then JupyterLab on ``port``); seconds until JupyterLab answers."""
    began = time.monotonic()
    proc = start(cmd, env={**os.environ, "BROWSER": "true"}, cwd=cwd, log=log)
    try:
        wait_until("JupyterLab to answer", lambda: answered(port, token), log=log,
                   timeout=900, proc=proc, interval=0.2)
        return time.monotonic() - began
    finally:
        stop(proc)


def lab_args(port: int, token: str) -> str:
    return f"--no-browser --port={port} --IdentityProvider.token={token}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="install-time-") as tmp_name:
        tmp = Path(tmp_name)
        token = secrets.token_hex(16)
        subprocess.run(["git", "clone", "-q", str(REPO), str(tmp / "kit")], check=True)
        port = free_port()
        make_lab = until_lab_answers(
            ["make", "lab", f"LAB_ARGS={lab_args(port, token)}"],
            tmp / "kit", port, token, tmp / "make-lab.log")
        port = free_port()
        root = "--allow-root" if os.geteuid() == 0 else ""
        script = (
            f"python3 -m venv bare && bare/bin/pip install -q {' '.join(BARE)} && exec bare/bin/"
            f"jupyter lab --ServerApp.ip=127.0.0.1 {root} {lab_args(port, token)}"
        )
        bare = until_lab_answers(["bash", "-c", script], tmp, port, token, tmp / "bare.log")
    result = {"date": datetime.now(UTC).strftime("%Y-%m-%d"), "make_lab_s": round(make_lab, 1),
              "bare_s": round(bare, 1), "ratio": round(make_lab / bare, 2)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
