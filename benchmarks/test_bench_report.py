"""Benchmark: the class report over 200 learner files (figures for notes, no time asserts).

The files are built through the same :class:`course.progress.Results` model that
``Progress.export`` uses, with seeded random answers to every question of the banks, so the
report reads what a real class of 200 would send without creating 200 SQLite databases.
"""

from __future__ import annotations

import io
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from course.instructor.report import build_report
from course.models import content
from course.progress import AttemptOut, LessonOut, Results
from course.quiz import grade

LEARNERS = 200


def learner_file(n: int) -> str:
    rng = random.Random(n)
    c = content()
    when = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=n)
    attempts = []
    for bank in c.quizzes:
        for q in bank.questions:
            for attempt in range(1, rng.choice((2, 2, 3)) + 1):
                right = [o.id for o in q.options if o.correct]
                pick = right if rng.random() < 0.7 else [rng.choice(q.options).id]
                g = grade(q, pick)
                ok = g.correct
                attempts.append(
                    AttemptOut(
                        session=f"{bank.id}-1",
                        bank=bank.id,
                        question_id=q.id,
                        chosen=pick,
                        correct=ok,
                        score=g.score,
                        attempt=attempt,
                        answered_at=when + timedelta(minutes=attempt),
                    )
                )
                if ok:
                    break
    doc = Results(
        format="legmassage-results",
        version=1,
        learner=f"learner-{n:03d}",
        exported_at=when,
        lessons=[LessonOut(lesson_id=x.id, completed_at=when) for x in c.lessons],
        attempts=attempts,
        routines=[],
        practice=[],
    )
    return doc.model_dump_json(indent=1)


@pytest.fixture(scope="module")
def class_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    for n in range(LEARNERS):
        (folder / f"learner-{n:03d}.json").write_text(learner_file(n))
    return folder


def test_bench_report_200_learners(benchmark, class_dir, tmp_path):
    c = content()
    report = benchmark(build_report, c, class_dir, tmp_path / "out", stderr=io.StringIO())
    assert report.learners == LEARNERS and report.skipped == []
    assert report.chart_path is not None and report.chart_path.stat().st_size > 0


# --- a large class: 10,000 files, streamed (issue 10, item 9) -----------------------------
# The files are the 200 above under 10,000 learner names (the report parses and re-grades
# each one in full, so the cost per file is real). Time comes from pytest-benchmark; memory
# from the report run as the instructor runs it (`python -m course report`, its own process):
# the peak resident size of that process, and the peak of Python's own allocations
# (tracemalloc) while build_report runs in a child process. Set BENCH_REPORT_LEARNERS to
# change the count.

LARGE = int(os.environ.get("BENCH_REPORT_LEARNERS", "10000"))
MEMORY_GOAL_MB = 200


@pytest.fixture(scope="module")
def large_class_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("large-class")
    docs = [learner_file(n) for n in range(LEARNERS)]
    for n in range(LARGE):
        doc = docs[n % LEARNERS].replace(
            f'"learner": "learner-{n % LEARNERS:03d}"', f'"learner": "learner-{n:05d}"', 1
        )
        (folder / f"learner-{n:05d}.json").write_text(doc)
    return folder


# The report's own peak memory: VmHWM read by the process itself as it exits. (The child's
# ru_maxrss is no good here: Linux keeps the high-water mark across fork and exec, so a child
# of a big pytest process would report the parent's size.)
PEAK = """
import atexit, runpy, sys
where = sys.argv[1]
def peak():
    with open("/proc/self/status") as status, open(where, "w") as out:
        out.write(next(line.split()[1] for line in status if line.startswith("VmHWM")))
atexit.register(peak)
sys.argv = ["course", *sys.argv[2:]]
runpy.run_module("course", run_name="__main__")
"""


def _cli_run(folder, out) -> tuple[float, float]:
    """Run the CLI report in its own process; (seconds, peak RSS in MB)."""
    log = out.parent / "report-stderr.log"
    peak = out.parent / "report-peak-kib"
    start = time.perf_counter()
    with log.open("wb") as err:  # a file, not a pipe: a full pipe would stall the report
        proc = subprocess.run(
            [sys.executable, "-c", PEAK, str(peak), "report", str(folder), "--out", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    seconds = time.perf_counter() - start
    assert proc.returncode == 0, log.read_text()[-2000:]
    return seconds, int(peak.read_text()) / 1024  # VmHWM is in KiB


TRACE = """
import io, sys, tracemalloc
from pathlib import Path
from course.instructor.report import build_report
from course.models import content
c = content()
tracemalloc.start()
build_report(c, Path(sys.argv[1]), Path(sys.argv[2]), stderr=io.StringIO())
print(tracemalloc.get_traced_memory()[1] / 2**20)
"""


def test_bench_report_large_class_time_and_memory(benchmark, large_class_dir, tmp_path):
    runs: list[tuple[float, float]] = []

    def run() -> None:
        runs.append(_cli_run(large_class_dir, tmp_path / "out"))

    benchmark.pedantic(run, rounds=3, iterations=1)
    traced = float(
        subprocess.run(
            [sys.executable, "-c", TRACE, str(large_class_dir), str(tmp_path / "traced")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    rss = statistics.median(mb for _, mb in runs)
    benchmark.extra_info.update(
        learners=LARGE,
        median_seconds=round(statistics.median(s for s, _ in runs), 2),
        median_peak_rss_mb=round(rss, 1),
        peak_traced_mb=round(traced, 1),
    )
    print(f"\n{LARGE} files: {benchmark.extra_info}")
    page = (tmp_path / "out" / "report.html").read_text()
    assert f"<p>{LARGE} learner file(s) read, 0 skipped.</p>" in page
    assert "Files whose claims disagree" not in page  # honest files, honestly graded
    assert rss <= MEMORY_GOAL_MB  # memory is a requirement; time is a figure only
