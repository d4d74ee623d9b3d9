"""The course's real question banks: they load, pass lint, cover every safety topic and can
be answered (each authored right answer grades as fully correct)."""

from __future__ import annotations

import pytest

from course.models import Content, Kind, Question, load_content
from course.quiz import gate_quiz, grade, lint
from tests.expected import BENEFIT_IDS, CONTRAINDICATION_IDS

# The fixed ids of the project (see DESIGN and the lead's brief). Listed here, not read from
# the content, so the test also fails if a contraindication or benefit silently disappears.
CONTRAINDICATIONS = CONTRAINDICATION_IDS
BENEFITS = BENEFIT_IDS


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def bank(content: Content, bank_id: str) -> list[Question]:
    return content.quiz[bank_id].questions


def all_questions(content: Content) -> list[Question]:
    return content.questions


def test_banks_pass_lint(content: Content) -> None:
    assert lint(content) == []


def safety_bank(content: Content) -> list[Question]:
    """The gate quiz's bank: the one the safety lesson asks and the builder waits for."""
    return bank(content, gate_quiz(content)[1].bank)


def test_every_bank_is_asked_by_a_lesson(content: Content) -> None:
    asked = {lq.bank for lesson in content.lessons for lq in lesson.quizzes}
    assert asked == set(content.quiz)


def test_counts(content: Content) -> None:
    questions = all_questions(content)
    assert len(questions) >= 42
    assert sum(q.topic == "contraindications" for q in safety_bank(content)) >= 27
    assert sum(q.topic == "benefits" for q in questions) >= 8
    assert sum(q.topic in {"techniques", "pressure"} for q in questions) >= 7


@pytest.mark.parametrize("cid", CONTRAINDICATIONS)
def test_every_contraindication_is_tested_in_safety(content: Content, cid: str) -> None:
    assert cid in content.contraindication
    assert any(cid in q.about for q in safety_bank(content)), cid


@pytest.mark.parametrize("bid", BENEFITS)
def test_every_benefit_is_tested_in_benefits(content: Content, bid: str) -> None:
    assert bid in content.benefit
    assert any(bid in q.about for q in all_questions(content) if q.topic == "benefits"), bid


def test_all_kinds_are_used(content: Content) -> None:
    assert {q.kind for q in all_questions(content)} == set(Kind)


def test_every_option_explains_itself(content: Content) -> None:
    silent = [
        f"{q.id}.{o.id}"
        for q in all_questions(content)
        for o in q.options
        if len(o.feedback.strip()) < 10
    ]
    assert silent == []


def test_authored_answers_grade_as_correct(content: Content) -> None:
    for q in all_questions(content):
        right = [o.id for o in q.options if o.correct]
        result = grade(q, right)
        assert result.correct and result.score == 1.0, q.id
        wrong = next(o.id for o in q.options if not o.correct)
        assert not grade(q, [wrong]).correct, q.id


def test_safety_essentials_are_asked(content: Content) -> None:
    """The scenarios the course must never drop: the flight calf, swelling with breathlessness,
    a lung clot, numb feet and heat, pregnancy, and cellulitis versus cellulite."""
    by_id = {q.id: q for q in safety_bank(content)}
    for qid in [
        "q_dvt_flight",
        "q_swelling_breathless",
        "q_lung_clot",
        "q_neuropathy_case",
        "q_pregnancy_one_leg",
        "q_cellulitis_word",
        "q_varicose_case",
        "q_never_areas",
    ]:
        assert qid in by_id, qid
    assert by_id["q_dvt_flight"].kind is Kind.SCENARIO
    flight = [o.text for o in by_id["q_dvt_flight"].options if o.correct]
    assert "today" in flight[0]
    lung = [o.text for o in by_id["q_lung_clot"].options if o.correct]
    assert "emergency" in lung[0]
