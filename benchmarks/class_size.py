"""How many learners fit on one JupyterHub machine: measured, not guessed.

Starts the workshop hub (workshop/jupyterhub_config.py, demo mode, loopback only) with N
simulated learners for each N asked for. Every learner logs in, starts their server, opens a
kernel, runs every code cell of lesson 09 (the heaviest lesson: the routine builder and its
figures) and saves a routine into their own progress database, all learners at once as a class
does. Recorded per class size:

- memory per learner: the proportional set size (PSS, so shared libraries are split fairly) of
  the learner's server and its kernel, median and maximum;
- total memory: the same for every process of the hub (hub, proxy, servers, kernels);
- CPU: CPU seconds used by all those processes during the lesson, and the mean number of busy
  cores over the lesson's wall time;
- time to first output: from sending the first cell to the kernel's first output, median and
  maximum, and the time for the whole lesson.

Run with ``make bench-class`` (or ``python -m benchmarks.class_size --learners 10 20 40``);
the figures go to benchmarks/results/class_size.json, and workshop/sizing.md explains them.
No test fails on these numbers: they size a class.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from tests.browser.servers import descendants
from tests.hub import REPO, Hub, HubError, Kernel, running_hub

LESSON = REPO / "notebooks" / "09_build_your_routine.ipynb"
OUT = REPO / "benchmarks" / "results" / "class_size.json"
SAVE_ROUTINE = """
from course.progress import Progress
from course.routine import build
from course.safety import Profile
r = build(Profile(), goal="relax", minutes=10)
with Progress.open() as p:
    print("saved routine", p.save_routine("class-size benchmark", r.to_json(), r.to_markdown()))
"""
CLK_TCK = os.sysconf("SC_CLK_TCK")


def lesson_cells(path: Path = LESSON) -> list[str]:
    """The code cells of a lesson, as a learner runs them top to bottom."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def pss_kib(pid: int) -> int:
    """Proportional set size of one process in KiB (0 if it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def tree(pid: int) -> list[int]:
    return [pid, *descendants(pid)]


@dataclass
class Learner:
    name: str
    first_output_s: float
    lesson_s: float
    memory_mib: float


@dataclass
class ClassRun:
    learners: int
    memory_per_learner_mib_median: float
    memory_per_learner_mib_max: float
    memory_total_mib: float
    memory_hub_and_proxy_mib: float
    cpu_seconds: float
    busy_cores: float
    lesson_wall_s: float
    first_output_s_median: float
    first_output_s_max: float
    lesson_s_median: float
    lesson_s_max: float
    server_start_s: float


def run_learner(hub: Hub, name: str, cells: list[str]) -> tuple[float, float, Kernel]:
    """One learner works through the lesson; returns (time to first output, whole lesson) and
    the kernel, left running: a class keeps its kernels open, so memory is measured live."""
    kernel = hub.kernel(name)
    start = time.monotonic()
    first: list[float] = []
    try:
        for code in cells:
            kernel.execute(code, on_output=lambda: first or first.append(time.monotonic()))
        kernel.execute(SAVE_ROUTINE)
    except BaseException:
        kernel.close()
        raise
    end = time.monotonic()
    return (first[0] if first else end) - start, end - start, kernel


def attempt(hub: Hub, name: str, cells: list[str]) -> tuple[float, float, Kernel] | str:
    """:func:`run_learner`, with any failure turned into one line (the others carry on)."""
    try:
        return run_learner(hub, name, cells)
    except Exception as exc:  # noqa: BLE001 - a websocket timeout, a refused request...
        return f"{type(exc).__name__}: {str(exc)[:200]}"


def measure(n: int, cells: list[str]) -> ClassRun:
    names = [f"learner{i:02d}" for i in range(1, n + 1)]
    with tempfile.TemporaryDirectory(prefix="class-size-") as tmp, running_hub(
        Path(tmp), names, timeout=max(120.0, 8.0 * n)
    ) as hub:
        me = os.getpid()
        hub_pids = set(tree(me)) - {me}  # the hub and the proxy are our descendants
        for name in names:
            hub.login(name)
        started = time.monotonic()
        with ThreadPoolExecutor(n) as pool:
            list(pool.map(hub.request_server, names))
        for name in names:
            hub.wait_server(name)
        server_start = time.monotonic() - started
        learner_pids = {name: tree(pid) for name, pid in hub.server_pids.items()}
        everything = set(hub_pids) | {p for pids in learner_pids.values() for p in pids}
        cpu_before = sum(cpu_seconds(p) for p in everything)
        t0 = time.monotonic()
        with ThreadPoolExecutor(n) as pool:
            outcomes = list(pool.map(lambda nm: attempt(hub, nm, cells), names))
        failed = [f"{nm}: {o}" for nm, o in zip(names, outcomes, strict=True) if isinstance(o, str)]
        if failed:  # a class where some learners got nothing is a result, not a benchmark
            raise HubError(f"{len(failed)} of {n} learners could not finish: " + "; ".join(failed))
        results = [o for o in outcomes if not isinstance(o, str)]
        wall = time.monotonic() - t0
        learner_pids = {name: tree(pid) for name, pid in hub.server_pids.items()}
        everything = (set(tree(me)) - {me}) | {p for pids in learner_pids.values() for p in pids}
        cpu = sum(cpu_seconds(p) for p in everything) - cpu_before
        per_learner = [sum(pss_kib(p) for p in pids) / 1024 for pids in learner_pids.values()]
        in_servers = {p for pids in learner_pids.values() for p in pids}
        hub_only = sum(pss_kib(p) for p in everything - in_servers) / 1024
        learners = [
            Learner(nm, f, t, m)
            for nm, (f, t, _), m in zip(names, results, per_learner, strict=True)
        ]
        for _, _, kernel in results:
            kernel.close()
    firsts = [x.first_output_s for x in learners]
    lessons = [x.lesson_s for x in learners]
    return ClassRun(
        learners=n,
        memory_per_learner_mib_median=round(statistics.median(per_learner), 1),
        memory_per_learner_mib_max=round(max(per_learner), 1),
        memory_total_mib=round(sum(per_learner) + hub_only, 1),
        memory_hub_and_proxy_mib=round(hub_only, 1),
        cpu_seconds=round(cpu, 1),
        busy_cores=round(cpu / wall, 2),
        lesson_wall_s=round(wall, 1),
        first_output_s_median=round(statistics.median(firsts), 2),
        first_output_s_max=round(max(firsts), 2),
        lesson_s_median=round(statistics.median(lessons), 1),
        lesson_s_max=round(max(lessons), 1),
        server_start_s=round(server_start, 1),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, nargs="+", default=[10, 20, 40])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    cells = lesson_cells()
    runs: list[dict] = []
    for n in args.learners:
        print(f"class of {n}: starting", flush=True)
        try:
            run = measure(n, cells)
        except HubError as exc:
            print(f"class of {n}: failed: {exc}", file=sys.stderr)
            return 1
        print(f"class of {n}: {json.dumps(asdict(run))}", flush=True)
        runs.append(asdict(run))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
        f"{platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "lesson": LESSON.name,
        "runs": runs,
    }, indent=1) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
