"""Kernel memory after each lesson: what one learner's kernel holds once a lesson has run.

Each lesson runs in a fresh kernel (as a learner opening it does), against an empty progress
folder; after its last cell the kernel's resident set (RSS) and proportional set (PSS) are read
from /proc. An empty kernel is measured the same way as the baseline. The figures go to
benchmarks/results/kernel_memory.json; the goal (at most 150 MiB after any lesson) is reported in
benchmarks/RESULTS.md, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from jupyter_client.manager import start_new_kernel

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "results" / "kernel_memory.json"


def memory_mib(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of one process in MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].endswith(":"):
            fields[parts[0][:-1]] = int(parts[1])
    return round(fields["Rss"] / 1024, 1), round(fields["Pss"] / 1024, 1)


def run_lesson(path: Path | None) -> tuple[float, float]:
    """Run every code cell of ``path`` (None: nothing) in a fresh kernel; its memory after."""
    with tempfile.TemporaryDirectory(prefix="kernel-memory-") as data:
        env = {**os.environ, "COURSE_DATA_DIR": data, "MPLBACKEND": "Agg"}
        cwd = str(path.parent if path else REPO / "notebooks")
        km, kc = start_new_kernel(kernel_name="python3", env=env, cwd=cwd)
        try:
            if path is not None:
                nb = nbformat.read(path, as_version=4)
                for cell in nb.cells:
                    if cell.cell_type == "code":
                        reply = kc.execute_interactive(
                            cell.source, timeout=120, output_hook=lambda m: None
                        )
                        if reply["content"]["status"] != "ok":
                            raise RuntimeError(f"{path.name}: a cell failed: {reply['content']}")
            return memory_mib(km.provisioner.process.pid)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    rows = {"(empty kernel)": run_lesson(None)}
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        rows[path.stem] = run_lesson(path)
        rss, pss = rows[path.stem]
        print(f"{path.stem}: RSS {rss} MiB, PSS {pss} MiB", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "lessons": {k: {"rss_mib": v[0], "pss_mib": v[1]} for k, v in rows.items()},
    }, indent=1) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
