"""How fast the quiz answers a click: grading in the kernel and writing the answer to SQLite.

A learner presses "Check answer" and waits for grading plus one durable write (WAL,
``synchronous=FULL``), so these two numbers bound the widget's response time. Run with
``.venv/bin/pytest benchmarks/test_bench_quiz_progress.py`` and read the median column.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from course.models import content
from course.progress import Progress
from course.quiz import QuizRun, grade

BANK = content().quiz["safety"]
ANSWERS = [(q, [o.id for o in q.options if o.correct]) for q in BANK.questions]


def test_grade_whole_bank(benchmark):
    """Grade every question of the safety bank once (35 grades)."""

    def run() -> float:
        return sum(grade(q, ids).score for q, ids in ANSWERS)

    assert benchmark(run) == len(ANSWERS)


def test_quiz_run_answer_and_score(benchmark):
    """A full sitting: answer every question through a QuizRun, then score it."""

    def run() -> float:
        sitting = QuizRun(BANK.questions, pass_mark=BANK.pass_mark)
        for q, ids in ANSWERS:
            sitting.answer(q.id, ids)
        return sitting.score().percent

    assert benchmark(run) == 100.0


@pytest.fixture
def progress(tmp_path):
    with Progress(tmp_path / "bench.sqlite3") as p:
        yield p


def test_record_answer(benchmark, progress):
    """One durable answer write (attempt row + Leitner box update in one transaction)."""
    cycle = itertools.cycle(ANSWERS)

    def run() -> int:
        q, ids = next(cycle)
        return progress.record_answer("safety", q.id, ids, True, 1.0, session="bench")

    assert benchmark(run) > 0
    assert len(progress.attempts()) >= 1


def test_due_questions_after_many_answers(benchmark, progress):
    """Reading what is due (review and dashboard) from a record with 2,000 answers."""
    for i in range(2000):
        q, ids = ANSWERS[i % len(ANSWERS)]
        progress.record_answer("safety", q.id, ids, i % 3 == 0, 1.0 if i % 3 == 0 else 0.0)
    due = benchmark(progress.due_questions, date(2100, 1, 1))
    assert len(due) == len(ANSWERS)


def test_widget_check_click(benchmark, progress):
    """The whole "Check answer" click: grade, record, redraw the feedback (then "Try again")."""
    from course.ui.quiz import QuizWidget

    q, ids = ANSWERS[0]
    w = QuizWidget([q], bank="safety", title="bench", progress=progress)

    def click() -> None:
        w.retry()
        w.choice.value = ids[0] if len(ids) == 1 else ids
        w.check()

    benchmark(click)
    assert "Right." in w.feedback.value and w.run.attempts(q.id) == len(progress.attempts())
