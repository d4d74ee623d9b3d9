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


# Content review §3 item 13 / docs/content-decisions.md C3: each question cites what supports
# its key. Cellulitis and lung-clot advice rest on the NHS pages, the technique steps on the
# source article (s69), and no question keeps a source that is about something else.
SOURCE_FIXES = {
    "q_sprain": ({"s12", "s18"}, {"s17"}),
    "q_inflamed_joint": ({"s12", "s13"}, {"s56"}),
    "q_cellulitis_case": ({"s68"}, {"s56", "s10", "s11"}),
    "q_cellulitis_word": ({"s68"}, {"s10", "s11"}),
    "q_cellulitis_urgent": ({"s68"}, {"s10", "s11"}),
    "q_lung_clot": ({"s67"}, {"s2"}),
    "q_lung_clot_signs": ({"s67"}, {"s2"}),
    "q_lung_clot_drive": ({"s67"}, {"s2"}),
    "q_unexplained_pain": ({"s66", "s18"}, {"s65"}),
    "q_finishing": ({"s69"}, {"s45", "s49", "s54"}),
    "q_finish_lighter": ({"s69"}, set()),
    "q_thumb_hold": ({"s69"}, set()),
    "q_thumb_order": ({"s69"}, set()),
}


@pytest.mark.parametrize("qid", sorted(SOURCE_FIXES))
def test_question_sources_match_their_claims(content: Content, qid: str) -> None:
    must, never = SOURCE_FIXES[qid]
    q = next(q for q in content.questions if q.id == qid)
    assert must <= set(q.sources), (qid, q.sources)
    assert not never & set(q.sources), (qid, q.sources)


def test_weak_only_question_explanations_say_practitioners_advise(content: Content) -> None:
    """The rule of course/sources.py applied to quiz explanations: a question whose sources
    are all weak words its explanation as practitioners' advice (q_bruising cites s49)."""
    weak = {s.id for s in content.sources if s.weak}
    bruising = next(q for q in content.questions if q.id == "q_bruising")
    assert set(bruising.sources) <= weak
    assert "practitioners advise" in bruising.explanation.lower()


RISK_AND_ESCALATION_IDS = [
    "clot_history", "long_journey", "recent_immobility", "hormones", "breathless",
    "clot_risk_and_leg_pain", "infection_with_fever", "swelling_and_breathless",
    "leg_clot_signs_and_breathless",
]


@pytest.mark.parametrize("rid", RISK_AND_ESCALATION_IDS)
def test_every_risk_factor_and_escalation_is_asked_in_a_lesson(content: Content, rid: str) -> None:
    """Issue 9: the screening's risk factors and escalation rules are assessed, in a quiz a
    lesson actually asks (the gate of lesson 05 or the review)."""
    assert rid in content.screening_item or rid in {e.id for e in content.escalations}
    asked = {qid for lesson in content.lessons for lq in lesson.quizzes for qid in lq.questions}
    assert any(rid in q.about and q.id in asked for q in bank(content, "safety")), rid


def test_sprain_key_matches_the_whole_leg_hold(content: Content) -> None:
    """injury_or_surgery holds the leg: the sprain question keys the same, not 'ankle only'."""
    assert content.contraindication["injury_or_surgery"].hold.value == "leg"
    q = next(q for q in bank(content, "safety") if q.id == "q_sprain")
    key = next(o.text for o in q.options if o.correct)
    assert "leg out until a clinician clears it" in key and "no heat" in key
    assert {"injury_or_surgery", "ankle"} <= set(q.about)
