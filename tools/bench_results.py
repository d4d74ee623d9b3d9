"""Write benchmarks/RESULTS.md from the measurements in benchmarks/results/.

Every figure the project promises is here with its goal, the machine and the date it was
measured, so the README can quote one page and a reader can see what was met and what was not.
Inputs (each optional; a missing one shows as "not measured"):

- pytest-benchmark.json: `make bench` (routine build, builder callback, import, report, quiz,
  progress, browser click -> update);
- kernel_memory.json: `python -m benchmarks.kernel_memory` (also run by `make bench`);
- class_size.json: `make bench-class` (JupyterHub with 10/20/40 simulated learners);
- install.json: `make bench-install` (fresh clone -> `make lab` answering, vs a bare install);
- suite.json: `make bench-suite` (wall time of each stage of `make test`).
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
OUT = ROOT / "benchmarks" / "RESULTS.md"


def load(name: str) -> dict[str, Any] | None:
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


def bench(data: dict[str, Any] | None, name: str) -> dict[str, Any] | None:
    """One pytest-benchmark entry by test name (None when it did not run)."""
    for b in (data or {}).get("benchmarks", []):
        if b["name"] == name or b["name"].startswith(name + "["):
            return b
    return None


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


Row = tuple[str, str, str, str]  # figure, measured, goal, met?


def benchmark_rows(data: dict[str, Any] | None) -> list[Row]:
    def row(figure: str, name: str, goal: str, value: Callable[[dict], tuple[str, bool]]) -> Row:
        b = bench(data, name)
        if b is None:
            return figure, "not measured", goal, "—"
        text, met = value(b)
        return figure, text, goal, "yes" if met else "no"

    def extra(key: str, limit_ms: float) -> Callable[[dict], tuple[str, bool]]:
        def value(b: dict) -> tuple[str, bool]:
            v = b.get("extra_info", {}).get(key)
            if v is None:
                return "not measured", False
            return f"{v} ms", float(v) <= limit_ms
        return value

    def median(limit_s: float) -> Callable[[dict], tuple[str, bool]]:
        def value(b: dict) -> tuple[str, bool]:
            m = b["stats"]["median"]
            return f"median {ms(m)}", m <= limit_s
        return value

    return [
        row("Builder callback (change → table + figures), p95", "test_bench_builder_callback",
            "≤ 50 ms", extra("p95_ms", 50)),
        row("Routine build (core only)", "test_bench_routine_build", "≤ 5 ms", median(0.005)),
        row("`import course` (inside a fresh interpreter)", "test_bench_import_course",
            "≤ 150 ms", extra("import_ms", 150)),
        row("Click → visible update in JupyterLab, median", "test_builder_latency_in_jupyterlab",
            "≤ 300 ms", extra("in_page_median_ms", 300)),
        row("Click → visible update in the Voilà app, median", "test_builder_latency_in_voila_app",
            "≤ 300 ms", extra("in_page_median_ms", 300)),
        row("Class report, 200 learner files", "test_bench_report_200_learners", "≤ 2 s",
            median(2.0)),
        row("Class report, 10,000 learner files: peak memory (time)",
            "test_bench_report_large_class_time_and_memory", "≤ 200 MB",
            lambda b: (f"{b['extra_info'].get('median_peak_rss_mb')} MB "
                       f"({b['extra_info'].get('median_seconds')} s)",
                       float(b["extra_info"].get("median_peak_rss_mb", 1e9)) <= 200)),
        row("Quiz: grade the whole safety bank", "test_grade_whole_bank", "≤ 10 ms", median(0.01)),
        row("Progress: record one answer (fsync)", "test_record_answer", "≤ 20 ms", median(0.02)),
    ]


def install_rows(data: dict[str, Any] | None) -> list[Row]:
    if not data:
        return [("Fresh clone → `make lab` answering", "not measured", "≤ 1.3× bare install", "—")]
    ratio = data["make_lab_s"] / data["bare_s"]
    return [(
        "Fresh clone → `make lab` answering",
        f"{data['make_lab_s']:.0f} s vs {data['bare_s']:.0f} s bare ({ratio:.2f}×)",
        "≤ 1.3× bare install", "yes" if ratio <= 1.3 else "no",
    )]


def suite_rows(data: dict[str, Any] | None) -> list[Row]:
    if not data:
        return [("`make test`, warm `.venv`", "not measured", "≤ 150 s", "—")]
    stages = ", ".join(f"{k} {v:.0f} s" for k, v in data["stages"].items())
    total = sum(data["stages"].values())
    return [("`make test`, warm `.venv`", f"{total:.0f} s ({stages})", "≤ 150 s",
             "yes" if total <= 150 else "no")]


def kernel_rows(data: dict[str, Any] | None) -> list[Row]:
    if not data:
        return [("Kernel memory after a lesson", "not measured", "≤ 150 MiB", "—")]
    lessons = data["lessons"]
    worst = max((v["rss_mib"], k) for k, v in lessons.items() if not k.startswith("("))
    empty = lessons.get("(empty kernel)", {}).get("rss_mib", float("nan"))
    return [("Kernel memory after a lesson (RSS)",
             f"empty {empty} MiB; worst {worst[0]} MiB ({worst[1]})", "≤ 150 MiB",
             "yes" if worst[0] <= 150 else "no")]


def class_rows(data: dict[str, Any] | None) -> list[Row]:
    if not data:
        return [("Learners per JupyterHub machine", "not measured", "measured", "—")]
    rows: list[Row] = []
    for run in data["runs"]:
        rows.append((
            f"JupyterHub class of {run['learners']} (lesson 09 + save)",
            f"{run['memory_per_learner_mib_median']} MiB per learner, "
            f"{run['memory_total_mib'] / 1024:.1f} GiB in all, "
            f"{run['busy_cores']} busy cores, first output median "
            f"{run['first_output_s_median']} s (max {run['first_output_s_max']} s)",
            "measured", "yes",
        ))
    return rows


def render() -> str:
    benchmarks = load("pytest-benchmark.json")
    sections = [
        ("Install and test suite",
         install_rows(load("install.json")) + suite_rows(load("suite.json"))),
        ("Interaction and core", benchmark_rows(benchmarks)),
        ("Memory and class size", kernel_rows(load("kernel_memory.json"))
         + class_rows(load("class_size.json"))),
    ]
    machine = (benchmarks or {}).get("machine_info", {})
    cpu = machine.get("cpu", {}).get("brand_raw") or platform.processor() or platform.machine()
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (tools/bench_results.py) from `benchmarks/results/`. Figures are",
        "measured, never asserted: no test fails on a time. Each row says the goal and whether it",
        "was met; misses are explained below the tables.",
        "",
        f"Machine: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}. "
        f"Written {datetime.now(UTC).strftime('%Y-%m-%d')}.",
    ]
    dates = {n: (load(n) or {}).get("date") for n in
             ("install.json", "suite.json", "kernel_memory.json", "class_size.json")}
    if benchmarks:
        dates["pytest-benchmark.json"] = benchmarks.get("datetime", "")[:10]
    lines.append("Measured on: " + ", ".join(f"{k} {v}" for k, v in dates.items() if v) + ".")
    for title, rows in sections:
        lines += ["", f"## {title}", "", "| Figure | Measured | Goal | Met |", "|---|---|---|---|"]
        lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    kernel = load("kernel_memory.json")
    if kernel:
        lines += ["", "### Kernel memory per lesson", "", "| Lesson | RSS MiB | PSS MiB |",
                  "|---|---|---|"]
        lines += [f"| {k} | {v['rss_mib']} | {v['pss_mib']} |"
                  for k, v in kernel["lessons"].items()]
    notes = ROOT / "benchmarks" / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    return "\n".join(lines) + "\n"


def main() -> int:
    OUT.write_text(render())
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
