"""Benchmark: the class report over 200 learner files (figures for notes, no time asserts).

The files are built through the same :class:`course.progress.Results` model that
``Progress.export`` uses, with seeded random answers to every question of the banks, so the
report reads what a real class of 200 would send without creating 200 SQLite databases.
"""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime, timedelta

import pytest

from course.instructor.report import build_report
from course.models import content
from course.progress import AttemptOut, LessonOut, Results

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
                ok = sorted(pick) == sorted(right)
                attempts.append(
                    AttemptOut(
                        session=f"{bank.id}-1",
                        bank=bank.id,
                        question_id=q.id,
                        chosen=pick,
                        correct=ok,
                        score=1.0 if ok else 0.0,
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
