"""The lints that keep the quiz a measure of understanding (course/quiz.py): test-wise
guessers, key balance, the lesson order of lesson quizzes, their timings, and the helper that
resolves a lesson's quiz. Each lint is fed a deliberately biased bank and must fail it."""

from __future__ import annotations

from typing import Any

import pytest

from course.models import Content, Lesson, LessonQuiz, Question, QuizBank, load_content
from course.quiz import (
    MIN_SAFETY_QUESTIONS,
    MIN_TOTAL_QUESTIONS,
    gate_quiz,
    guessers,
    key_balance,
    lesson_guessers,
    lesson_lint,
    lesson_questions,
    measure_lint,
    shuffled,
)

REAL = load_content()


def q(qid: str, kind: str, options: list[dict[str, Any]], lesson: str = "l1", **extra) -> Question:
    return Question.model_validate(
        {
            "id": qid,
            "kind": kind,
            "topic": "contraindications",
            "prompt": extra.pop("prompt", f"What about {qid}?"),
            "scenario": "A case." if kind == "scenario" else "",
            "options": options,
            "explanation": "Because.",
            "sources": ["s1"],
            "lesson": lesson,
            **extra,
        }
    )


def o(oid: str, text: str, correct: bool = False, misconception: str = "") -> dict[str, Any]:
    return {
        "id": oid,
        "text": text,
        "correct": correct,
        "feedback": "why",
        "misconception": misconception,
    }


def biased_bank() -> QuizBank:
    """The review's giveaways: right answer always the longest and hedged, true/false always
    False, multiple-answer items with one silly distractor."""
    single = [
        q(
            f"q{i}",
            "single",
            [
                o(
                    "a",
                    "It may usually help to ask a clinician first and go gently, as advised",
                    True,
                ),
                o("b", "Never"),
                o("c", "Always do it"),
                o("d", "Exactly ten"),
            ],
        )
        for i in range(12)
    ]
    tf = [
        q(f"t{i}", "true_false", [o("true", "True"), o("false", "False", True)]) for i in range(6)
    ]
    multi = [
        q(
            f"m{i}",
            "multiple",
            [
                o("a", "Swelling of one leg with pain", True),
                o("b", "Warm skin over one leg with pain", True),
                o("c", "Hard sore veins in one leg with pain", True),
                o("d", "Purple elephants"),
            ],
        )
        for i in range(4)
    ]
    return QuizBank(id="biased", title="Biased", questions=single + tf + multi)


def test_the_guessers_fail_a_biased_bank() -> None:
    report = guessers(biased_bank())
    assert report.strategies["longest option"] > report.chance + 15
    assert report.strategies["most hedged option"] > report.chance + 15
    problems = report.problems()
    assert any("'longest option'" in p and "above chance" in p for p in problems)
    assert any("'longest option'" in p and "pass mark" in p for p in problems)
    tf = QuizBank(
        id="tf",
        title="TF",
        questions=[x for x in biased_bank().questions if x.kind.value == "true_false"],
    )
    tf_report = guessers(tf)
    assert tf_report.strategies["always False"] == 100.0 and tf_report.chance == 50.0
    assert any("'always False'" in p and "pass mark" in p for p in tf_report.problems())


def test_tick_all_but_the_odd_one_finds_the_silly_distractor() -> None:
    bank = biased_bank()
    multi = [x for x in bank.questions if x.kind.value == "multiple"]
    only = QuizBank(id="m", title="M", questions=multi)
    assert guessers(only).strategies["tick all but the odd one out"] == 100.0


def test_key_balance_fails_a_biased_bank() -> None:
    problems = key_balance(biased_bank())
    text = "\n".join(problems)
    assert "true/false: 0 of 6 (0%) keyed True" in text
    assert "the right option is the longest in 12 of 12" in text
    assert "quizzes/biased.yaml: m0: options: 0 wrong option(s) with a misconception" in text


def test_key_balance_fails_a_bank_whose_right_answer_is_the_shortest() -> None:
    """The mirror of the longest-option giveaway: a tie at the shortest length is no cue."""
    short = [q(f"s{i}", "single", [o("a", "Yes", True), o("b", "Only on the left leg"),
                                    o("c", "Only after a long run"), o("d", "Always, twice")])
             for i in range(10)]
    tied = [q(f"u{i}", "single", [o("a", "Yes", True), o("b", "Non"), o("c", "Only after a run"),
                                   o("d", "Always, twice")]) for i in range(2)]
    text = "\n".join(key_balance(QuizBank(id="short", title="S", questions=short + tied)))
    assert "the right option is the shortest in 10 of 12" in text
    assert "longest" not in text


def test_key_balance_positions_follow_the_seeded_shuffle() -> None:
    # Every right answer authored first, and a seed under which the shuffle keeps most of them
    # first: the lint reads the order the learner sees, not the file.
    qs = [
        q(
            f"p{i}",
            "single",
            [o("a", f"right {i}", True), o("b", f"w {i}"), o("c", f"x {i}"), o("d", f"y {i}")],
        )
        for i in range(40)
    ]
    bank = QuizBank(id="pos", title="P", questions=qs)
    seen = [next(n for n, x in enumerate(shuffled(qq, 0)) if x.correct) for qq in qs]
    problems = [p for p in key_balance(bank) if "positions" in p]
    counts = [seen.count(i) / len(seen) for i in range(4)]
    assert bool(problems) == any(not 0.10 <= c <= 0.40 for c in counts)
    # And the same letters in the stored order (no shuffle) would be all 'a': proven by a
    # true/false-free bank whose options cannot move (one option per position is enough).


def test_a_plausible_multiple_answer_item_passes() -> None:
    item = q(
        "m_ok",
        "multiple",
        [
            o("a", "Swelling of one leg", True),
            o("b", "Warm skin on one leg", True),
            o("c", "Cramp that fully passes", misconception="every cramp is a clot"),
            o("d", "Redness on both shins after a shower", misconception="redness is the key sign"),
        ],
    )
    assert key_balance(QuizBank(id="ok", title="OK", questions=[item])) == []


# --- lesson quizzes --------------------------------------------------------------------------


def lesson(lid: str, quizzes: list[dict[str, Any]], quiz_minutes: int) -> Lesson:
    return Lesson.model_validate(
        {
            "id": lid,
            "title": lid,
            "objectives": ["o"],
            "teaching_minutes": 5,
            "practice_minutes": 0,
            "quiz_minutes": quiz_minutes,
            "key_points": ["k"],
            "quizzes": quizzes,
        }
    )


def tiny(lessons: list[Lesson], questions: list[Question]) -> Content:
    return Content.model_construct(
        sources=[],
        areas=[],
        techniques=[],
        goals=[],
        contraindications=[],
        benefits=[],
        faq=[],
        notes=[],
        lessons=lessons,
        quizzes=[QuizBank(id="safety", title="S", questions=questions)],
    )


def two_questions(later: str = "l2") -> list[Question]:
    opts = [o("a", "yes", True), o("b", "no")]
    return [q("q_early", "single", opts, lesson="l1"), q("q_late", "single", opts, lesson=later)]


def test_lesson_lint_passes_a_course_in_order() -> None:
    c = tiny(
        [
            lesson("l1", [{"bank": "safety", "questions": ["q_early"], "gate": True}], 1),
            lesson("l2", [{"bank": "safety", "questions": ["q_late"]}], 1),
        ],
        two_questions(),
    )
    assert lesson_lint(c) == []


def test_lesson_lint_fails_a_quiz_that_asks_before_it_teaches() -> None:
    c = tiny(
        [
            lesson("l1", [{"bank": "safety", "questions": ["q_early", "q_late"], "gate": True}], 1),
            lesson("l2", [], 0),
        ],
        two_questions(),
    )
    assert lesson_lint(c) == ["lessons.yaml: l1: quizzes[0]: asks 'q_late', taught later in l2"]


def test_lesson_lint_fails_a_draw_from_a_bank_not_yet_taught() -> None:
    c = tiny(
        [
            lesson("l1", [{"bank": "safety", "draw": 1, "gate": True}], 1),
            lesson("l2", [{"bank": "safety", "questions": ["q_late", "q_early"]}], 1),
        ],
        two_questions(),
    )
    assert "lessons.yaml: l1: quizzes[0]: draws from a bank with 'q_late', taught later in l2" in (
        lesson_lint(c)
    )


def test_lesson_lint_orphans_missing_lesson_timing_and_gate() -> None:
    qs = two_questions(later="")
    c = tiny([lesson("l1", [{"bank": "safety", "questions": ["q_early"]}], 9)], qs)
    assert lesson_lint(c) == [
        "quizzes/safety.yaml: q_late: lesson: missing; name the lesson that teaches it",
        "lessons.yaml: l1: quiz_minutes: 9 min for 1 questions; allow 0-1 min (30-40 s a question)",
        "quizzes/safety.yaml: q_late: (question): never asked: no lesson quiz lists or draws it",
        "lessons.yaml: (all): quizzes: 0 quizzes marked gate: true; exactly one (the quiz that "
        "opens the routine builder) is needed",
    ]


def test_a_lesson_quiz_takes_questions_or_a_draw_not_both() -> None:
    with pytest.raises(ValueError, match="either questions"):
        LessonQuiz.model_validate({"bank": "safety", "questions": ["q"], "draw": 3})
    with pytest.raises(ValueError, match="either questions"):
        LessonQuiz.model_validate({"bank": "safety"})


# --- the real course ---------------------------------------------------------------------------


def test_the_real_banks_pass_every_measure() -> None:
    assert measure_lint(REAL) == []


def test_counts() -> None:
    assert len(REAL.questions) >= MIN_TOTAL_QUESTIONS >= 90
    assert len(REAL.quiz[gate_quiz(REAL)[1].bank].questions) >= MIN_SAFETY_QUESTIONS >= 50


def test_every_question_names_an_existing_lesson_no_later_than_where_it_is_asked() -> None:
    order = [x.id for x in REAL.lessons]
    for x in REAL.lessons:
        for _, questions in lesson_questions(REAL, x.id):
            for qq in questions:
                assert order.index(qq.lesson) <= order.index(x.id), (x.id, qq.id)


def test_lessons_01_and_09_check_understanding_and_orphans_are_asked() -> None:
    asked = {
        qq.id: x.id for x in REAL.lessons for _, qs in lesson_questions(REAL, x.id) for qq in qs
    }
    assert lesson_questions(REAL, "01_why_your_legs")
    assert lesson_questions(REAL, "09_build_your_routine")
    assert "q_slimming" in asked and "q_warm_up" in asked


def test_the_gate_is_lesson_05s_quiz() -> None:
    gate_lesson, lq, questions = gate_quiz(REAL)
    assert gate_lesson.id == "05_when_not_to_massage" and lq.bank == "safety"
    covered = {a for qq in questions for a in qq.about}
    assert {x.id for x in REAL.contraindications} <= covered


def test_lesson_quiz_widget_reads_the_content() -> None:
    from course.ui.quiz import LessonQuizzes, QuizWidget, lesson_quiz

    one = lesson_quiz("05_when_not_to_massage")
    assert isinstance(one, QuizWidget)
    expected = [qq.id for qq in lesson_questions(REAL, "05_when_not_to_massage")[0][1]]
    assert [qq.id for qq in one.questions] == expected
    several = lesson_quiz("10_review_and_faq")
    assert isinstance(several, LessonQuizzes) and len(several.parts) == 3
    only = lesson_quiz("10_review_and_faq", "techniques")
    assert isinstance(only, QuizWidget) and only.bank_of(only.questions[0].id) == "techniques"
    with pytest.raises(ValueError, match="has no quiz on bank 'safety'"):
        lesson_quiz("06_thumb_technique", "safety")
    with pytest.raises(ValueError, match="unknown lesson"):
        lesson_quiz("99_nothing")
    with pytest.raises(ValueError, match="has no quiz"):
        lesson_quiz("00_welcome")


# --- guessers on lesson quizzes ------------------------------------------------------------


def test_every_lesson_quiz_gets_a_guesser_report() -> None:
    reports = lesson_guessers(REAL)
    expected = [
        (lesson.id, i, len(qs))
        for lesson in REAL.lessons
        for i, (_, qs) in enumerate(lesson_questions(REAL, lesson.id))
    ]
    assert [(g.lesson.id, g.index, g.report.questions) for g in reports] == expected
    for g in reports:
        assert g.report.where == f"lessons.yaml: {g.lesson.id}: quizzes[{g.index}]"
        assert g.report.bank == g.quiz.bank
        assert set(g.report.strategies) == set(guessers(REAL.quiz[g.quiz.bank]).strategies)
    assert [g.lesson.id for g in reports if g.quiz.gate] == [gate_quiz(REAL)[0].id]


def test_a_guessable_gate_fails_but_a_small_lesson_quiz_is_only_reported() -> None:
    biased = [x.model_copy(update={"lesson": "l1"}) for x in biased_bank().questions]
    ids = [x.id for x in biased]
    even = [o("a", "one right", True), o("b", "one wrong")]  # nothing for a trick to use
    fair = [q("q_early", "single", even), q("q_late", "single", even)]
    minutes = 12  # 22 questions at 30-40 s each
    gate_biased = tiny(
        [lesson("l1", [{"bank": "safety", "questions": ids, "gate": True}], minutes)], biased
    )
    problems = measure_lint(gate_biased)
    assert any(
        p.startswith("lessons.yaml: l1: quizzes[0]: guessing: 'longest option' scores")
        for p in problems
    )
    # The same guessable items in a quiz that is not the gate: no problem names that quiz
    # (the bank's own report still catches them), and the fair gate passes.
    quizzes = [
        {"bank": "safety", "questions": ["q_early", "q_late"], "gate": True},
        {"bank": "safety", "questions": ids},
    ]
    mixed = tiny([lesson("l1", quizzes, 13)], fair + biased)
    problems = measure_lint(mixed)
    assert not [p for p in problems if p.startswith("lessons.yaml: l1: quizzes[")]
    assert any(p.startswith("quizzes/safety.yaml: (bank): guessing:") for p in problems)
    report = next(g.report for g in lesson_guessers(mixed) if g.index == 1)
    assert report.problems()  # reported to the author, not judged
    assert report.summary().startswith(f"({len(ids)} questions, pass mark 80%): chance ")
