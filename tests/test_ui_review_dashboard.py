"""Review mode and the dashboard over a real temporary progress database with a fixed clock."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from course.models import content
from course.progress import Progress, data_dir, import_results
from course.quiz import gate_quiz
from course.ui.dashboard import Dashboard, dashboard, quiz_sittings
from course.ui.display import Static
from course.ui.quiz import Checks, QuizWidget
from course.ui.review import NOTHING_YET, review

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
DAY = NOW.date()
C = content()
SAFETY = C.quiz["safety"]


@pytest.fixture
def progress(tmp_path: Path):
    with Progress(tmp_path / "data" / "p.sqlite3", clock=lambda: NOW) as p:
        yield p


def answer(p: Progress, qid: str, ok: bool, bank: str = "safety", session: str = "quiz-1"):
    p.record_answer(bank, qid, ["a"], ok, 1.0 if ok else 0.0, session=session)


def pick_right(w: QuizWidget) -> None:
    ids = [o.id for o in w.question.options if o.correct]
    if isinstance(w.choice, Checks):
        w.choice.value = ids
    else:
        w.choice.value = ids[0]


# --- review ------------------------------------------------------------------------------


def test_review_with_an_empty_record_says_nothing_yet(progress):
    r = review(today=DAY, progress=progress)
    assert isinstance(r, Static) and r.text == NOTHING_YET


def test_review_asks_exactly_the_due_questions_oldest_first(progress):
    s_ids = [q.id for q in SAFETY.questions]
    answer(progress, s_ids[0], False)  # box 1, due DAY+1
    answer(progress, s_ids[1], True)  # box 2, due DAY+2
    answer(progress, s_ids[2], True)
    answer(progress, s_ids[2], True)  # box 3, due DAY+4
    t_id = C.quiz["techniques"].questions[0].id
    answer(progress, t_id, False, bank="techniques")  # box 1, due DAY+1
    assert isinstance(review(today=DAY, progress=progress), Static)
    day1 = review(today=DAY + timedelta(days=1), progress=progress)
    assert [q.id for q in day1.questions] == sorted([s_ids[0], t_id])
    day2 = review(today=DAY + timedelta(days=2), progress=progress)
    assert [q.id for q in day2.questions] == progress.due_questions(DAY + timedelta(days=2))
    assert set(q.id for q in day2.questions) == {s_ids[0], s_ids[1], t_id}
    assert day2.bank_of(t_id) == "techniques" and day2.bank_of(s_ids[0]) == "safety"
    assert "Review: 3 questions due today" in day2.static_html()


def test_nothing_due_today_names_the_next_review_date(progress):
    answer(progress, SAFETY.questions[0].id, True)  # due DAY+2 = Wednesday 5 March 2025
    answer(progress, SAFETY.questions[1].id, True)
    r = review(today=DAY, progress=progress)
    assert isinstance(r, Static)
    assert r.text == (
        "Nothing is due for review today. The next review is on Wednesday 5 March 2025 "
        "(2 questions)."
    )


def test_review_answers_move_the_boxes_and_use_review_sessions(progress):
    qid = SAFETY.questions[0].id
    answer(progress, qid, False)
    w = review(today=DAY + timedelta(days=1), progress=progress)
    assert [q.id for q in w.questions] == [qid] and w.pass_mark is None
    pick_right(w)
    w.check_button.click()
    (state,) = progress.review_states()
    assert (state.box, state.due) == (2, DAY + timedelta(days=2))
    assert progress.attempts()[-1].session.startswith("review-")
    assert "Final score: 1 of 1 (100%)." in w.score_label.value
    assert "passed" not in w.score_label.value


def test_review_with_a_broken_record_is_a_message(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("COURSE_DATA_DIR", str(blocker / "sub"))
    r = review(today=DAY)
    assert isinstance(r, Static) and 'role="alert"' in r.html
    assert "Could not read your progress record" in r.html


# --- dashboard ---------------------------------------------------------------------------


def test_empty_dashboard_static_view_is_deterministic():
    a, b = dashboard(), dashboard(today=date(2030, 1, 1))
    html = a._repr_mimebundle_()["text/html"]
    assert html == b.static_html()
    assert a.static_text() == "Dashboard: 0 of 11 lessons done."
    assert "0 of 11 lessons done" in html and html.count("○ not yet") == 11
    assert "Safety quiz: not passed yet" in html and "Nothing is due for review today." in html
    assert "0 saved routines. 0 minutes of practice in 0 sessions." in html
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}", html)


def test_dashboard_counts_lessons_with_ticks(progress):
    for lesson in ("00_welcome", "01_why_your_legs", "05_when_not_to_massage"):
        progress.complete_lesson(lesson)
    d = dashboard(progress, today=DAY)
    assert d.static_text() == "Dashboard: 3 of 11 lessons done."
    html = d.static_html()
    assert html.count("✓ done") == 3 and html.count("○ not yet") == 8
    assert f"✓ done: {C.lesson['05_when_not_to_massage'].title}" in html


def test_dashboard_shows_the_safety_pass_scores_and_plot(progress):
    # One sitting of the gate quiz (lesson 05's), every tenth question wrong.
    _, gate, questions = gate_quiz(C)
    wrong = {q.id for i, q in enumerate(questions) if i % 10 == 0}
    for q in questions:
        answer(progress, q.id, q.id not in wrong, bank=gate.bank)
    percent = 100 * (len(questions) - len(wrong)) / len(questions)
    assert percent >= 100 * C.quiz[gate.bank].pass_mark  # a pass, so the gate must say so
    d = dashboard(progress, today=DAY)
    html = d.static_html()
    assert "Safety quiz: passed" in html
    assert f"all {len(questions)} questions of lesson 05's quiz in one sitting" in html
    assert f"<td>{percent:.0f}% ({len(questions)} questions)</td>" in html
    assert '<img class="lm-figure" alt="Quiz scores over time (pass mark 80%). safety: 1' in html
    due = f"{len(wrong)} questions due for review today (safety {len(wrong)})"
    assert due not in html  # due tomorrow, not today
    tomorrow = dashboard(progress, today=DAY + timedelta(days=1)).static_html()
    assert due in tomorrow


def test_the_whole_bank_minus_one_gate_question_does_not_pass(progress):
    _, gate, questions = gate_quiz(C)
    for q in questions[1:]:
        answer(progress, q.id, True, bank=gate.bank)
    assert "Safety quiz: not passed yet" in dashboard(progress, today=DAY).static_html()


def test_a_short_sitting_does_not_pass_safety_and_review_rounds_are_not_quiz_scores(progress):
    answer(progress, SAFETY.questions[0].id, True, session="quiz-short")
    answer(progress, SAFETY.questions[1].id, True, session="review-abc")
    html = dashboard(progress, today=DAY).static_html()
    assert "Safety quiz: not passed yet" in html
    assert "<td>100% (1 question)</td><td>1</td>" in html  # the review round is left out
    sittings = quiz_sittings(progress.attempts())
    assert [(s.bank, s.questions) for s in sittings] == [("safety", 1)]


def test_dashboard_shows_routines_and_practice(progress):
    rid = progress.save_routine("Evening calves", "{}", "card")
    progress.record_practice(rid, 600, 5)
    progress.record_practice(None, 330, 2)
    html = dashboard(progress, today=DAY).static_html()
    assert "1 saved routine: Evening calves. 16 minutes of practice in 2 sessions." in html


def test_export_writes_a_file_that_imports_back(progress):
    answer(progress, SAFETY.questions[0].id, True)
    progress.complete_lesson("00_welcome")
    d = dashboard(progress, today=DAY)
    d.export_button.click()
    (path,) = progress.path.parent.glob("results-*.json")
    assert path.is_file() and str(path) in d.status.value and "Exported." in d.status.value
    results = import_results(path)
    assert [a.question_id for a in results.attempts] == [SAFETY.questions[0].id]
    assert [lesson.lesson_id for lesson in results.lessons] == ["00_welcome"]


def test_export_from_the_default_record_goes_to_the_data_folder():
    d = dashboard(today=DAY)
    path = d.export()
    assert path.parent == data_dir() and import_results(path).attempts == []


def test_broken_record_gives_messages_not_tracebacks(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("COURSE_DATA_DIR", str(blocker / "sub"))
    d = dashboard(today=DAY)
    assert isinstance(d, Dashboard) and "Could not read your progress record" in d.static_html()
    assert d.export() is None and "Could not export your results" in d.status.value


def test_exports_are_named_by_learner_and_time_so_a_shared_folder_keeps_them_all(tmp_path):
    shared = tmp_path / "shared"
    paths = []
    for name in ("a", "b"):
        with Progress(shared / f"{name}.sqlite3", clock=lambda: NOW) as p:
            d = dashboard(p, today=DAY)
            paths += [d.export(), d.export()]  # two learners, each exporting twice today
            learner = p.learner_id
        assert all(learner in x.name for x in paths[-2:])
    assert len(set(paths)) == 4 and all(x.is_file() for x in paths)
    assert sorted(shared.glob("results-*.json")) == sorted(paths)
    assert re.fullmatch(r"results-anon-[0-9a-f]{12}-\d{8}T\d{12}Z\.json", paths[0].name)
