"""Wall time of each stage of `make test`, so the suite's speed is measured, not guessed.

Runs the commands `make test` runs (read from `make -n test`, so this never drifts from the
Makefile), one after the other, and records the seconds each took; a failing stage is recorded
as failed and the run goes on. The figures go to benchmarks/results/suite.json (goal: the whole
suite within 150 s on a warm .venv).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "results" / "suite.json"


def stages() -> list[str]:
    """The shell commands of `make test`, skipping set-up lines that only install."""
    dry = subprocess.run(["make", "-n", "test"], cwd=REPO, capture_output=True, text=True,
                         check=True).stdout
    return [line for line in dry.splitlines() if "pytest" in line or "course check" in line]


def label(command: str) -> str:
    """A short name for a stage: what pytest runs (its paths), or `check`."""
    if "course check" in command:
        return "check"
    words = command.split()
    after = words[words.index("pytest") + 1:] if "pytest" in words else words
    takes_value = {"-n", "--dist", "--nbval-sanitize-with", "-p", "-m", "-k"}
    paths, skip = [], False
    for w in after:
        if skip:
            skip = False
        elif w in takes_value:
            skip = True
        elif not w.startswith("-"):
            paths.append(w)
    return " ".join(paths) or command[:40]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    timings: dict[str, float] = {}
    failed: list[str] = []
    for command in stages():
        start = time.monotonic()
        done = subprocess.run(["bash", "-c", command], cwd=REPO)
        name = label(command)
        while name in timings:  # two stages on the same paths stay two rows
            name += " (again)"
        timings[name] = round(time.monotonic() - start, 1)
        if done.returncode:
            failed.append(name)
        print(f"{name}: {timings[name]} s", flush=True)
    result = {"date": datetime.now(UTC).strftime("%Y-%m-%d"), "stages": timings, "failed": failed}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
