"""Unit and property tests for the pure quiz core (course/quiz.py).

Everything runs on small in-memory models, so these tests do not depend on the course's
YAML (tests/test_quiz_banks.py checks the real banks).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.models import (
    Area,
    Benefit,
    Content,
    Contraindication,
    Escalation,
    Kind,
    Option,
    Question,
    QuizBank,
    Source,
)
from course.quiz import (
    INTERVALS,
    Grade,
    QuizRun,
    draw,
    grade,
    lint,
    next_review,
    score,
    shuffled,
)

# --- builders ----------------------------------------------------------------------------


def opt(oid: str, correct: bool = False, feedback: str | None = None) -> dict[str, Any]:
    return {
        "id": oid,
        "text": f"option {oid}",
        "correct": correct,
        "feedback": f"why {oid}" if feedback is None else feedback,
    }


def question(
    qid: str,
    kind: str = "single",
    options: list[dict[str, Any]] | None = None,
    topic: str = "contraindications",
    about: tuple[str, ...] = (),
    scenario: str = "",
) -> Question:
    if options is None:
        if kind == "true_false":
            options = [opt("true", True), opt("false")]
        elif kind == "multiple":
            options = [opt("a", True), opt("b", True), opt("c"), opt("d")]
        else:
            options = [opt("a", True), opt("b"), opt("c"), opt("d")]
    if kind == "scenario" and not scenario:
        scenario = "A short case."
    return Question.model_validate(
        {
            "id": qid,
            "kind": kind,
            "topic": topic,
            "prompt": f"prompt of {qid}",
            "scenario": scenario,
            "options": options,
            "explanation": f"explanation of {qid}",
            "sources": ["s1"],
            "about": list(about),
        }
    )


SINGLE = question("q_single")
SCENARIO = question("q_scenario", kind="scenario")
TRUE_FALSE = question("q_tf", kind="true_false")
MULTIPLE = question("q_multi", kind="multiple")  # a, b correct; c, d wrong
WIDE = question("q_wide", options=[opt(c, c == "a") for c in "abcdefgh"])


def make_content(quizzes: list[QuizBank]) -> Content:
    """A minimal course: two contraindications, two benefits, one area, two sources.

    The parts lint reads are validated models; ``model_construct`` wraps them so that a new,
    unrelated required field of ``Content`` (another engineer's) does not break these tests.
    """
    parts = {
        "sources": [Source(id="s1", citation="one"), Source(id="s2", citation="two")],
        "areas": [Area(id="knee_hollow", name="Back of the knee", side="back", never=True)],
        "techniques": [],
        "contraindications": [
            Contraindication.model_validate(
                {
                    "id": "dvt_signs",
                    "name": "Clot signs",
                    "question": "Clot signs?",
                    "effect": "stop",
                    "level": "absolute",
                    "why": "w",
                    "instead": "i",
                    "urgency": "same_day",
                }
            ),
            Contraindication.model_validate(
                {
                    "id": "varicose_veins",
                    "name": "Varicose veins",
                    "question": "Veins?",
                    "effect": "area",
                    "level": "local",
                    "why": "w",
                    "instead": "i",
                    "asks_where": True,
                }
            ),
        ],
        "benefits": [
            Benefit(
                id="stress",
                name="Stress",
                claim="c",
                explanation="e",
                evidence="e",
                level="moderate",
                sources=["s1"],
            ),
            Benefit(
                id="circulation",
                name="Circulation",
                claim="c",
                explanation="e",
                evidence="e",
                level="not_supported",
                sources=["s2"],
            ),
        ],
        "faq": [],
        "lessons": [],
        "quizzes": quizzes,
    }
    return Content.model_construct(**parts)


def clean_banks() -> list[QuizBank]:
    """Two banks that pass lint: 26 contraindication and 14 benefit questions of all kinds."""
    kinds = ["single", "multiple", "true_false", "scenario"]
    safety = [
        question(
            f"q_s{i}",
            kind=kinds[i % 4],
            about=("dvt_signs",) if i % 2 else ("varicose_veins", "knee_hollow"),
        )
        for i in range(26)
    ]
    benefits = [
        question(
            f"q_b{i}",
            kind=kinds[i % 4],
            topic="benefits",
            about=("stress",) if i % 2 else ("circulation",),
        )
        for i in range(14)
    ]
    return [
        QuizBank(id="safety", title="Safety", questions=safety),
        QuizBank(id="benefits", title="Benefits", questions=benefits),
    ]


def with_question(banks: list[QuizBank], bank: int, index: int, q: Question) -> list[QuizBank]:
    """The banks with one question swapped (model_copy: no validation, like a bad edit)."""
    questions = list(banks[bank].questions)
    questions[index] = q
    out = list(banks)
    out[bank] = banks[bank].model_copy(update={"questions": questions})
    return out


# --- grading -----------------------------------------------------------------------------


def test_single_right_answer() -> None:
    g = grade(SINGLE, ["a"])
    assert g == Grade("q_single", True, 1.0, ("a",), g.feedback, (), "explanation of q_single")
    assert dict(g.feedback) == {"a": "why a"}


def test_single_wrong_answer_reports_what_was_missed() -> None:
    g = grade(SINGLE, ["c"])
    assert (g.correct, g.score, g.missed) == (False, 0.0, ("a",))
    assert dict(g.feedback) == {"c": "why c"}
    assert g.explanation == "explanation of q_single"


def test_a_bare_string_is_one_option_id() -> None:
    assert grade(SCENARIO, "a").correct
    assert grade(SCENARIO, "b").chosen == ("b",)


@pytest.mark.parametrize(("pick", "correct"), [("true", True), ("false", False)])
def test_true_false(pick: str, correct: bool) -> None:
    g = grade(TRUE_FALSE, [pick])
    assert g.correct is correct
    assert g.score == (1.0 if correct else 0.0)


@pytest.mark.parametrize(
    ("picks", "score", "correct", "missed"),
    [
        (["a", "b"], 1.0, True, ()),
        (["b", "a"], 1.0, True, ()),
        (["a"], 0.5, False, ("b",)),
        (["a", "c"], 0.0, False, ("b",)),  # one right, one wrong cancel out
        (["a", "b", "c"], 0.5, False, ()),  # exact answers only count as correct
        (["c", "d"], 0.0, False, ("a", "b")),  # floored at zero, never negative
        (["a", "b", "c", "d"], 0.0, False, ()),  # ticking everything earns nothing
    ],
)
def test_multiple_partial_credit(
    picks: list[str], score: float, correct: bool, missed: tuple[str, ...]
) -> None:
    g = grade(MULTIPLE, picks)
    assert g.score == pytest.approx(score)
    assert g.correct is correct
    assert g.missed == missed
    assert list(g.feedback) == picks


def test_repeated_pick_counts_once() -> None:
    g = grade(MULTIPLE, ["a", "a", "b"])
    assert g.chosen == ("a", "b")
    assert g.correct and g.score == 1.0


def test_unknown_option_is_named() -> None:
    with pytest.raises(ValueError, match=r"q_single.*'zz'"):
        grade(SINGLE, ["a", "zz"])


def test_empty_answer_is_refused() -> None:
    with pytest.raises(ValueError, match=r"q_multi.*no option chosen"):
        grade(MULTIPLE, [])


@pytest.mark.parametrize("q", [SINGLE, SCENARIO])
def test_two_answers_to_one_answer_question(q: Question) -> None:
    with pytest.raises(ValueError, match=rf"{q.id}.*takes one answer.*'a', 'b'"):
        grade(q, ["a", "b"])


def test_two_answers_to_true_false() -> None:
    with pytest.raises(ValueError, match="q_tf"):
        grade(TRUE_FALSE, ["true", "false"])


def test_grade_is_frozen() -> None:
    g = grade(SINGLE, ["a"])
    with pytest.raises(AttributeError):
        g.score = 0.5  # type: ignore[misc]
    with pytest.raises(TypeError):
        g.feedback["a"] = "changed"  # type: ignore[index]


# --- shuffle and draw --------------------------------------------------------------------


def test_shuffle_is_deterministic_and_a_permutation() -> None:
    first = shuffled(WIDE, seed=7)
    assert first == shuffled(WIDE, seed=7)
    assert sorted(o.id for o in first) == list("abcdefgh")


def test_different_seeds_can_differ() -> None:
    orders = {tuple(o.id for o in shuffled(WIDE, seed)) for seed in range(10)}
    assert len(orders) > 1


def test_shuffle_leaves_the_question_untouched() -> None:
    shuffled(WIDE, seed=3)
    assert [o.id for o in WIDE.options] == list("abcdefgh")


def test_true_false_keeps_its_order() -> None:
    for seed in range(10):
        assert [o.id for o in shuffled(TRUE_FALSE, seed)] == ["true", "false"]


BANK = clean_banks()[0]


def test_draw_is_deterministic() -> None:
    picked = draw(BANK, 5, seed="learner-1")
    assert picked == draw(BANK, 5, seed="learner-1")
    assert len(picked) == 5 and len({q.id for q in picked}) == 5
    draws = {tuple(q.id for q in draw(BANK, 5, seed)) for seed in range(10)}
    assert len(draws) > 1


def test_draw_filters_by_about_and_topic() -> None:
    veins = draw(BANK, 100, seed=1, about="varicose_veins")
    assert len(veins) == 13
    assert all("varicose_veins" in q.about for q in veins)
    either = draw(BANK, 100, seed=1, about=["varicose_veins", "dvt_signs"])
    assert len(either) == 26
    assert draw(BANK, 3, seed=1, topic="benefits") == []


def test_draw_more_than_available_gives_all() -> None:
    assert {q.id for q in draw(BANK, 500, seed=0)} == {q.id for q in BANK.questions}
    assert draw(BANK, 0, seed=0) == []
    with pytest.raises(ValueError, match="safety"):
        draw(BANK, -1, seed=0)


# --- scores and runs ---------------------------------------------------------------------


def test_score_sums_partial_credit() -> None:
    grades = [grade(SINGLE, "a"), grade(MULTIPLE, ["a"]), grade(TRUE_FALSE, "false")]
    s = score(grades, pass_mark=0.5)
    assert (s.points, s.total, s.percent, s.passed) == (1.5, 3, 50.0, True)
    assert not score(grades, pass_mark=0.51).passed


def test_pass_mark_is_inclusive() -> None:
    grades = [grade(SINGLE, "a")] * 4 + [grade(SINGLE, "b")]
    assert score(grades, 0.8).passed
    assert not score(grades, 0.81).passed


def test_unanswered_questions_count_as_zero() -> None:
    s = score([grade(SINGLE, "a")], pass_mark=0.8, total=4)
    assert (s.points, s.total, s.percent, s.passed) == (1.0, 4, 25.0, False)


@pytest.mark.parametrize(
    ("grades", "pass_mark", "total", "message"),
    [
        ([], 0.8, None, "no questions"),
        ([grade(SINGLE, "a")], 0.0, None, "pass_mark"),
        ([grade(SINGLE, "a")], 1.5, None, "pass_mark"),
        ([grade(SINGLE, "a")] * 2, 0.8, 1, "2 grades"),
    ],
)
def test_score_refuses_nonsense(grades, pass_mark, total, message) -> None:
    with pytest.raises(ValueError, match=message):
        score(grades, pass_mark, total=total)


def test_run_scores_first_attempt_and_counts_retries() -> None:
    run = QuizRun([SINGLE, MULTIPLE, TRUE_FALSE], pass_mark=0.8)
    assert run.answer("q_single", ["b"]).correct is False
    assert run.answer("q_single", ["a"]).correct is True
    run.answer("q_multi", ["a"])
    assert run.attempts("q_single") == 2
    assert run.attempts("q_multi") == 1
    assert run.attempts("q_tf") == 0
    assert run.last("q_tf") is None
    assert not run.finished
    first_multi = run.score().points
    assert run.last("q_single").correct is True  # the retry is kept and shown...
    assert run.score().total == 3 and first_multi < 1.5  # ...but the first attempt is scored
    run.answer("q_tf", "true")
    run.answer("q_multi", ["a", "b"])
    assert run.finished
    assert [g.question_id for g in run.grades] == ["q_single", "q_multi", "q_tf"]
    final = run.score()
    assert final.points == first_multi + 1.0
    assert not final.passed


def test_run_retry_cannot_change_the_score() -> None:
    run = QuizRun([SINGLE], pass_mark=1.0)
    run.answer("q_single", "a")
    run.answer("q_single", "d")
    assert run.score().points == 1.0 and run.attempts("q_single") == 2
    assert run.last("q_single").correct is False


def test_run_refuses_unknown_and_repeated_questions() -> None:
    run = QuizRun([SINGLE])
    with pytest.raises(ValueError, match="q_other"):
        run.answer("q_other", ["a"])
    with pytest.raises(ValueError, match="q_single"):
        QuizRun([SINGLE, SINGLE])


# --- Leitner schedule --------------------------------------------------------------------

TODAY = date(2024, 3, 1)


@pytest.mark.parametrize(
    ("box", "correct", "new_box", "days"),
    [
        (1, True, 2, 2),
        (2, True, 3, 4),
        (3, True, 4, 8),
        (4, True, 5, 16),
        (5, True, 5, 16),  # capped
        (1, False, 1, 1),
        (3, False, 1, 1),
        (5, False, 1, 1),
    ],
)
def test_next_review(box: int, correct: bool, new_box: int, days: int) -> None:
    assert next_review(box, correct, TODAY) == (new_box, TODAY + timedelta(days=days))


def test_intervals_double() -> None:
    assert [INTERVALS[b] for b in range(1, 6)] == [1, 2, 4, 8, 16]


@pytest.mark.parametrize("box", [0, 6, -1])
def test_next_review_refuses_bad_box(box: int) -> None:
    with pytest.raises(ValueError, match="box"):
        next_review(box, True, TODAY)


@given(
    box=st.integers(1, 5),
    answers=st.lists(st.booleans(), max_size=30),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
)
def test_schedule_stays_in_bounds(box: int, answers: list[bool], today: date) -> None:
    for correct in answers:
        new_box, when = next_review(box, correct, today)
        assert 1 <= new_box <= 5
        assert when > today
        assert new_box == (min(box + 1, 5) if correct else 1)
        box, today = new_box, when


# --- lint --------------------------------------------------------------------------------


def test_clean_banks_pass_lint() -> None:
    assert lint(make_content(clean_banks())) == []


def faulty(bank: int, index: int, **changes: Any) -> list[str]:
    """Lint the clean banks with one question changed."""
    banks = clean_banks()
    q = banks[bank].questions[index].model_copy(update=changes)
    return lint(make_content(with_question(banks, bank, index, q)))


def test_lint_single_with_two_correct() -> None:
    problems = faulty(0, 0, options=[Option(**opt("a", True)), Option(**opt("b", True))])
    assert problems == [
        "quizzes/safety.yaml: q_s0: options: 2 correct, a single choice needs exactly 1"
    ]


def test_lint_scenario_with_no_correct() -> None:
    problems = faulty(0, 3, options=[Option(**opt("a")), Option(**opt("b"))])
    assert problems == [
        "quizzes/safety.yaml: q_s3: options: 0 correct, a scenario question needs exactly 1"
    ]


def test_lint_multiple_needs_a_right_and_a_wrong_option() -> None:
    all_right = faulty(0, 1, options=[Option(**opt("a", True)), Option(**opt("b", True))])
    assert all_right == [
        "quizzes/safety.yaml: q_s1: options: all correct, a multiple choice "
        "needs at least 1 wrong option"
    ]
    none_right = faulty(0, 1, options=[Option(**opt("a")), Option(**opt("b"))])
    assert none_right == [
        "quizzes/safety.yaml: q_s1: options: 0 correct, a multiple choice needs at least 1"
    ]


def test_lint_wrong_option_without_feedback() -> None:
    problems = faulty(1, 0, options=[Option(**opt("a", True)), Option(**opt("b", feedback=" "))])
    assert problems == [
        "quizzes/benefits.yaml: q_b0: options.b.feedback: a wrong option must say why it is wrong"
    ]


def test_lint_repeated_option_id() -> None:
    problems = faulty(0, 0, options=[Option(**opt("a", True)), Option(**opt("a"))])
    assert problems == ["quizzes/safety.yaml: q_s0: options: option id 'a' is used more than once"]


def test_lint_true_false_ids() -> None:
    problems = faulty(0, 2, options=[Option(**opt("yes", True)), Option(**opt("no"))])
    assert problems == [
        "quizzes/safety.yaml: q_s2: options: a true/false question needs "
        "exactly the options 'true' and 'false', found ['yes', 'no']"
    ]


def test_lint_scenario_without_scenario_text() -> None:
    assert faulty(0, 3, scenario="") == [
        "quizzes/safety.yaml: q_s3: scenario: a scenario question needs a scenario text"
    ]


def test_lint_unknown_source_and_about() -> None:
    assert faulty(0, 0, sources=["s1", "s99"], about=["dvt_signs", "elbow"]) == [
        "quizzes/safety.yaml: q_s0: sources: unknown source 's99'",
        "quizzes/safety.yaml: q_s0: about: unknown content id 'elbow'",
    ]


def test_lint_question_id_used_in_two_banks() -> None:
    banks = clean_banks()
    dup = banks[1].questions[0].model_copy(update={"id": "q_s5"})
    problems = lint(make_content(with_question(banks, 1, 0, dup)))
    assert problems == ["quizzes/benefits.yaml: q_s5: id: already used in quizzes/safety.yaml"]


def test_lint_uncovered_contraindication_and_benefit() -> None:
    banks = clean_banks()
    safety = [q.model_copy(update={"about": ["dvt_signs"]}) for q in banks[0].questions]
    benefits = [q.model_copy(update={"about": ["stress"]}) for q in banks[1].questions]
    problems = lint(
        make_content(
            [
                banks[0].model_copy(update={"questions": safety}),
                banks[1].model_copy(update={"questions": benefits}),
            ]
        )
    )
    assert problems == [
        "quizzes: varicose_veins: about: no question tests contraindication 'varicose_veins'",
        "quizzes: circulation: about: no question tests benefit 'circulation'",
    ]


def test_lint_too_few_questions() -> None:
    banks = clean_banks()
    short = banks[1].model_copy(update={"questions": banks[1].questions[:13]})
    assert lint(make_content([banks[0], short])) == [
        "quizzes: (all): questions: 39 in all, the course needs at least 40"
    ]


def test_lint_too_few_contraindication_questions() -> None:
    banks = clean_banks()
    moved = banks[0].questions[0].model_copy(update={"topic": "pressure"})
    moved2 = banks[0].questions[1].model_copy(update={"topic": "techniques"})
    banks = with_question(with_question(banks, 0, 0, moved), 0, 1, moved2)
    assert lint(make_content(banks)) == [
        "quizzes: (all): topic: 24 on contraindications, the course needs at least 25"
    ]


def test_lint_reports_every_fault_at_once() -> None:
    banks = clean_banks()
    bad = (
        banks[0]
        .questions[0]
        .model_copy(update={"kind": Kind.SCENARIO, "scenario": "", "sources": ["s0"]})
    )
    problems = lint(make_content(with_question(banks, 0, 0, bad)))
    assert len(problems) == 2
    assert all(p.startswith("quizzes/safety.yaml: q_s0: ") for p in problems)


# --- sittings and "passed": the one definition (issue 10, item 8) -------------------------


def _answers(rows: list[tuple[str, str, float, int]]) -> list[Any]:
    """(session, question id, score, minute) -> answer records, oldest first."""
    from datetime import UTC, datetime
    from types import SimpleNamespace

    start = datetime(2025, 1, 1, tzinfo=UTC)
    return [
        SimpleNamespace(session=s, question_id=q, score=v, answered_at=start + timedelta(minutes=m))
        for s, q, v, m in rows
    ]


def test_a_sitting_counts_each_questions_first_answer():
    from course.quiz import sittings

    (s,) = sittings(_answers([("a", "q1", 0.0, 1), ("a", "q1", 1.0, 2), ("a", "q2", 1.0, 3)]))
    assert dict(s.first) == {"q1": 0.0, "q2": 1.0} and s.percent == 50.0 and s.questions == 2
    assert s.when.minute == 3


def test_passed_needs_every_question_of_the_quiz_in_one_sitting():
    from course.quiz import best_sitting, passed, sittings

    quiz = [f"q{i}" for i in range(10)]
    short = _answers([("draw", q, 1.0, i) for i, q in enumerate(quiz[:5])])
    split = _answers(
        [("one", q, 1.0, 20) for q in quiz[:5]] + [("two", q, 1.0, 30) for q in quiz[5:]]
    )
    full = _answers([("full", q, float(i != 0 and i != 1), 40) for i, q in enumerate(quiz)])
    (s,) = sittings(short)
    assert s.percent == 100.0 and not passed(s, quiz, 0.8)  # 5 of 5 is not 5 of 10
    assert passed(s, quiz[:5], 0.8)  # ...but it is the five-question quiz
    assert not any(passed(x, quiz, 0.5) for x in sittings(split))
    (f,) = sittings(full)
    assert f.score_on(quiz) == 0.8 and passed(f, quiz, 0.8) and not passed(f, quiz, 0.81)
    best, value = best_sitting(sittings(short + full), quiz)
    assert best.session == "full" and value == 0.8
    with pytest.raises(ValueError, match="at least one question"):
        passed(f, [], 0.8)
    with pytest.raises(ValueError, match="pass_mark"):
        passed(f, quiz, 0)


def test_lint_risk_factors_and_escalations_must_be_tested() -> None:
    """Issue 9: the risk factors and escalation rules change routines, so the safety quiz must
    ask about each (and ``about`` may name them)."""
    risk = Contraindication.model_validate(
        {"id": "long_journey", "name": "Long journey", "question": "Journey?", "effect": "caution",
         "level": "risk", "why": "w", "instead": "i",
         "exclude": {"techniques": []}, "max_pressure": 5}
    )
    rule = Escalation.model_validate(
        {"id": "risk_and_pain", "name": "Risk and pain", "when": [["long_journey"], ["dvt_signs"]],
         "urgency": "same_day", "advice": "a", "sources": ["s1"]}
    )
    base = make_content(clean_banks())
    content = base.model_copy(update={"risk_factors": [risk], "escalations": [rule]})
    assert lint(content) == [
        "quizzes: long_journey: about: no question tests risk factor 'long_journey'",
        "quizzes: risk_and_pain: about: no question tests escalation rule 'risk_and_pain'",
    ]
    banks = clean_banks()
    asked = banks[0].questions[0].model_copy(
        update={"about": ["varicose_veins", "long_journey", "risk_and_pain"]})
    covered = make_content(with_question(banks, 0, 0, asked))
    assert lint(covered.model_copy(update={"risk_factors": [risk], "escalations": [rule]})) == []
