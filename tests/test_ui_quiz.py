"""The quiz widget driven through its own buttons: grading, feedback, retries, the score, the
progress record, a broken database, the static fallback, and random click sequences."""

from __future__ import annotations

import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.models import Kind, Question, content
from course.progress import Progress
from course.quiz import grade, shuffled
from course.ui.display import WIDGET_VIEW, visible
from course.ui.quiz import Checks, QuizWidget, quiz

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
C = content()
SAFETY = C.quiz["safety"]


def right(q: Question) -> list[str]:
    return [o.id for o in q.options if o.correct]


def wrong(q: Question) -> str:
    return next(o.id for o in q.options if not o.correct)


def first_of(kind: Kind, bank: str = "safety") -> Question:
    return next(q for q in C.quiz[bank].questions if q.kind is kind)


def pick(widget: QuizWidget, ids: list[str]) -> None:
    """Select as a learner would: one radio value, or ticks in the checkboxes."""
    if isinstance(widget.choice, Checks):
        for oid, box in widget.choice.boxes.items():
            box.value = oid in ids
    else:
        (widget.choice.value,) = ids


def one(q: Question, progress: Progress | None = None, **kw) -> QuizWidget:
    return QuizWidget([q], bank="safety", title="t", progress=progress, **kw)


@pytest.fixture
def progress(tmp_path: Path):
    with Progress(tmp_path / "p.sqlite3", clock=lambda: NOW) as p:
        yield p


# --- building --------------------------------------------------------------------------


def test_whole_bank_in_authored_order_and_draws_are_seeded():
    assert [q.id for q in quiz("safety").questions] == [q.id for q in SAFETY.questions]
    a, b, c = quiz("safety", n=5, seed=1), quiz("safety", n=5, seed=1), quiz("safety", n=5, seed=2)
    assert len(a.questions) == 5
    assert [q.id for q in a.questions] == [q.id for q in b.questions]
    assert [q.id for q in a.questions] != [q.id for q in c.questions]


def test_about_keeps_only_questions_on_that_topic():
    w = quiz("safety", about=["varicose_veins"])
    assert w.questions and all("varicose_veins" in q.about for q in w.questions)
    with pytest.raises(ValueError, match="No question in bank 'safety' is about nothing_here"):
        quiz("safety", about="nothing_here")
    with pytest.raises(ValueError, match="Unknown quiz bank 'sefety'.*safety"):
        quiz("sefety")


def test_radio_for_one_answer_kinds_checkboxes_for_multiple_in_seeded_order():
    w = quiz("safety", seed=3)
    for i, q in enumerate(w.questions):
        w.index = i
        ids = [o.id for o in shuffled(q, 3)]
        if q.kind is Kind.MULTIPLE:
            assert isinstance(w.choice, Checks) and list(w.choice.boxes) == ids
        else:
            assert [v for _, v in w.choice.options] == ids and w.choice.value is None


def test_scenario_text_is_shown_with_the_prompt():
    q = first_of(Kind.SCENARIO)
    w = one(q)
    assert q.scenario[:40] in w.question_view.value.replace("&#x27;", "'")
    assert "Question 1 of 1" in w.question_view.value


def test_stable_css_classes_for_browser_tests():
    w = quiz("safety", n=2)
    assert "lm-quiz" in w.widget._dom_classes
    assert "lm-question" in w.question_view._dom_classes
    assert "lm-feedback" in w.feedback._dom_classes
    assert "lm-score" in w.score_label._dom_classes
    assert "lm-check" in w.check_button._dom_classes


# --- answering -------------------------------------------------------------------------


def test_right_answer_shows_feedback_sources_and_locks(progress):
    q = first_of(Kind.SCENARIO)
    w = one(q, progress)
    pick(w, right(q))
    w.check_button.click()
    html = w.feedback.value
    assert visible(w.feedback) and "Right." in html and "✓ right" in html
    assert C.source[q.sources[0]].citation[:30].replace("'", "&#x27;") in html
    assert "Final score: 1 of 1 (100%): passed" in w.score_label.value
    assert w.choice.disabled and w.check_button.disabled and w.retry_button.disabled


def test_wrong_answer_explains_the_pick_and_names_the_right_one(progress):
    q = first_of(Kind.SINGLE)
    w = QuizWidget([q, first_of(Kind.TRUE_FALSE)], bank="safety", title="t", progress=progress)
    bad = wrong(q)
    pick(w, [bad])
    w.check_button.click()
    by_id = {o.id: o for o in q.options}
    html = w.feedback.value
    assert "Not quite." in html and "✗ wrong" in html
    assert "Right answer:" in html
    assert by_id[right(q)[0]].text[:25].replace("'", "&#x27;") in html
    assert "Score so far: 0 points from 1 of 2 answered." in w.score_label.value
    assert not w.retry_button.disabled


def test_retry_counts_attempts_but_the_first_try_scores(progress):
    q = first_of(Kind.SINGLE)
    w = one(q, progress)
    pick(w, [wrong(q)])
    w.check_button.click()
    w.retry_button.click()
    assert w.choice.value is None and not w.choice.disabled and not visible(w.feedback)
    pick(w, right(q))
    w.check_button.click()
    assert "(attempt 2)" in w.feedback.value and w.run.attempts(q.id) == 2
    assert "Right." in w.feedback.value
    assert "Final score: 0 of 1 (0%): not passed yet" in w.score_label.value
    assert "the score counts each question&#x27;s first try" in w.score_label.value
    rows = progress.attempts()
    assert [(a.attempt_no, a.correct) for a in rows] == [(1, False), (2, True)]
    assert rows[0].session == rows[1].session == w.session


def test_multiple_choice_partial_credit(progress):
    q = first_of(Kind.MULTIPLE)
    w = one(q, progress)
    half = right(q)[:2]
    pick(w, half)
    w.check_button.click()
    expected = grade(q, half)
    assert 0 < expected.score < 1 and not expected.correct
    assert f"Partly right: {expected.score:.2g} of 1 point." in w.feedback.value
    assert "Correct options you did not pick:" in w.feedback.value
    assert progress.attempts()[0].score == pytest.approx(expected.score)


def test_a_second_check_without_try_again_records_nothing(progress):
    q = first_of(Kind.TRUE_FALSE)
    w = one(q, progress)
    pick(w, [wrong(q)])
    w.check_button.click()
    w.check()  # a double click reaching the kernel after the button was disabled
    assert w.run.attempts(q.id) == 1 and len(progress.attempts()) == 1


def test_no_selection_shows_a_message_and_records_nothing(progress):
    for kind in (Kind.SINGLE, Kind.MULTIPLE):
        w = one(first_of(kind), progress)
        w.check_button.click()
        assert 'role="alert"' in w.status.value
        expected = "Tick at least one" if kind is Kind.MULTIPLE else "Pick an answer"
        assert expected in w.status.value
        assert w.run.grades == [] and not visible(w.feedback)
    assert progress.attempts() == []


def test_navigation_and_revisiting_an_answered_question(progress):
    w = quiz("safety", n=3, progress=progress)
    assert w.back_button.disabled and not w.next_button.disabled
    q0 = w.question
    pick(w, [wrong(q0)])
    w.check_button.click()
    w.next_button.click()
    w.next_button.click()
    assert w.index == 2 and w.next_button.disabled and not visible(w.feedback)
    w.back_button.click()
    w.back_button.click()
    assert w.index == 0 and w.choice.disabled and "Not quite." in w.feedback.value
    assert w.choice.value == wrong(q0)


def test_a_full_run_ends_with_pass_or_fail_against_the_pass_mark(progress):
    for answer, verdict in ((right, "100%): passed"), (lambda q: [wrong(q)], "0%): not passed")):
        w = quiz("techniques", n=3, progress=progress)
        for i in range(3):
            pick(w, answer(w.question))
            w.check_button.click()
            if i < 2:
                w.next_button.click()
        assert verdict in w.score_label.value and "pass mark 75%" in w.score_label.value


def test_each_run_has_its_own_session_in_the_default_record():
    for _ in range(2):
        w = quiz("safety", n=1)
        pick(w, right(w.question))
        w.check_button.click()
    with Progress.open() as p:
        sessions = [a.session for a in p.attempts()]
    assert len(set(sessions)) == 2 and all(re.fullmatch(r"quiz-[0-9a-f]{32}", s) for s in sessions)


def test_broken_database_gives_a_message_and_the_quiz_goes_on(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv("COURSE_DATA_DIR", str(blocker / "data"))
    w = quiz("safety", n=2)
    pick(w, right(w.question))
    w.check_button.click()
    assert "Could not save this answer" in w.status.value and "quiz goes on" in w.status.value
    assert "Right." in w.feedback.value
    w.next_button.click()
    pick(w, right(w.question))
    w.check_button.click()
    assert "Final score: 2 of 2 (100%): passed" in w.score_label.value


# --- the static fallback ---------------------------------------------------------------


def test_static_fallback_is_deterministic_with_a_hidden_answer_key():
    a, b = quiz("safety", n=4, seed=9), quiz("safety", n=4, seed=9)
    bundle = a._repr_mimebundle_()
    assert WIDGET_VIEW in bundle
    html = bundle["text/html"]
    assert html == b._repr_mimebundle_()["text/html"]
    assert a.session not in html
    assert html.count('<li class="lm-question">') == 4
    assert "<details><summary>Answer key</summary>" in html
    key = html.split("<details>")[1]
    for q in a.questions:
        assert q.prompt[:30].replace("'", "&#x27;") in html
        letters = [f"({'abcdefgh'[i]})" for i, o in enumerate(shuffled(q, 9)) if o.correct]
        assert all(letter in key for letter in letters)
    assert bundle["text/plain"] == f"Quiz: {SAFETY.title} (4 questions)"


# --- random use never raises -----------------------------------------------------------

ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("select"), st.integers(0, 31)),
        st.sampled_from([("check", 0), ("retry", 0), ("next", 0), ("back", 0)]),
    ),
    max_size=25,
)
MIXED = [first_of(k) for k in Kind]
_DB_DIR = tempfile.TemporaryDirectory()


@settings(max_examples=150)
@given(ACTIONS)
def test_any_sequence_of_clicks_and_selections_never_raises(actions):
    with Progress(Path(_DB_DIR.name) / "p.sqlite3") as p:
        w = QuizWidget(MIXED, bank="safety", title="mixed", progress=p)
        for action, bits in actions:
            if action == "select":
                ids = [o.id for i, o in enumerate(w.question.options) if bits >> i & 1]
                if isinstance(w.choice, Checks):
                    w.choice.value = ids
                elif not w.choice.disabled:
                    w.choice.value = ids[0] if ids else None
            else:
                getattr(w, action)(None)  # the handlers themselves: errors are not swallowed
            assert 0 <= w.index < len(MIXED)
            assert w.check_button.disabled == w.choice.disabled
            assert w.score_label.value
            assert "Traceback" not in w.status.value + w.feedback.value
        stored = sum(1 for a in p.attempts() if a.session == w.session)
        assert stored == sum(w.run.attempts(q.id) for q in MIXED)


def test_a_damaged_record_is_moved_aside_and_the_learner_is_told_once():
    from course.progress import default_path

    default_path().parent.mkdir(parents=True, exist_ok=True)
    default_path().write_text("not a database")
    w = quiz("safety", n=2)
    pick(w, right(w.question))
    w.check_button.click()
    assert 'role="status"' in w.status.value and "moved to" in w.status.value
    w.next_button.click()
    pick(w, right(w.question))
    w.check_button.click()
    assert w.status.value == ""  # the second answer went into the fresh record quietly
    with Progress.open() as p:
        assert len(p.attempts()) == 2
