"""Checks on the course's text content: sources, benefits, FAQ and lessons.

These tests guard the promises the course makes to learners: every benefit carries an honest
evidence level backed by a real source, the text never overstates what massage does, weak
sources are flagged as weak, and the lessons keep their fixed order and a workshop-sized
length. They read the content through :func:`course.models.load_content`, the same loader the
notebooks use, so they test what learners actually see.
"""

from __future__ import annotations

import re

import pytest

from course.models import Content, Effect, Level, load_content
from tests.expected import BENEFIT_IDS

EXPECTED_LEVELS = {
    "stress": Level.MODERATE,
    "injury_prevention": Level.NOT_SUPPORTED,
    "recovery": Level.MODERATE,
    "sleep": Level.LIMITED,
    "circulation": Level.NOT_SUPPORTED,
    "lymphatic": Level.LIMITED,
    "joint_pain": Level.LIMITED,
}

# The weak sources: clinic and practitioner pages, forums, consumer pages, secondary copies and
# the popular article (content-facts.md's list, plus the commercial pages the content review
# found unmarked: s2, s3, s8, s16, s17, s50, s51). s14, s15, s41, s60 and s64 were traced or
# replaced by a journal paper, an NHS or NCCIH page, so they are no longer weak.
WEAK_SOURCES = {
    f"s{n}"
    for n in (2, 3, 8, 9, 10, 11, 12, 13, 16, 17, 18, 19, 22, 23, 47, 48, 49, 50, 51, 54, 55, 56,
              59, 63, 69)
}
# The eight descriptions no one could find (content review §3 item 13), now replaced.
UNTRACEABLE = ["s15", "s41", "s48", "s49", "s54", "s56", "s60", "s64"]

# Words that overstate a health claim. Each is allowed only when a negation comes shortly
# before it ("is not proven", "no good evidence for detox"), because saying plainly what the
# evidence does *not* support is exactly what the course should do.
OVERSTATING = re.compile(
    r"\b(cures?|cured|proven|guarantees?|guaranteed|detox\w*|flush(?:es)? toxins)\b",
    re.IGNORECASE,
)
NEGATION = re.compile(r"\b(not|no|never|nor|without|cannot|isn't|doesn't|don't)\b|n't\b", re.I)
NEGATION_WINDOW = 6  # words before the match in which a negation counts


def overstatements(text: str) -> list[str]:
    """Return each overstating word in ``text`` that is not negated just before it."""
    found = []
    for match in OVERSTATING.finditer(text):
        before = text[: match.start()].split()[-NEGATION_WINDOW:]
        if not NEGATION.search(" ".join(before)):
            found.append(match.group(0))
    return found


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


# --- the deny-list checker itself ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Massage cures stiff legs.",
        "It is proven to help sleep.",
        "This guarantees better circulation.",
        "A detox for your legs.",
        "Massage flushes toxins out of the muscles.",
        "Lymphatic drainage DETOXES the body.",
    ],
)
def test_checker_flags_overstatements(text: str) -> None:
    assert overstatements(text)


@pytest.mark.parametrize(
    "text",
    [
        "The ideal amount is not proven.",
        "There is no good evidence for detox in healthy people.",
        "Massage never cures a clot.",
        "Ten minutes a day is reasonable but unproven.",
        "Massage does not flush toxins; the liver and kidneys do that.",
    ],
)
def test_checker_allows_negated_or_neutral_phrasing(text: str) -> None:
    assert overstatements(text) == []


# --- sources ------------------------------------------------------------------------------


def test_sources_keep_the_facts_numbering_and_add_after_it(content: Content) -> None:
    """s1..s65 are cited from other files and branches: never renumbered, only added to."""
    ids = [s.id for s in content.sources]
    assert ids[:65] == [f"s{n}" for n in range(1, 66)]
    assert ids[65:] == [f"s{n}" for n in range(66, len(ids) + 1)]


def test_every_source_names_who_when_what_and_kind(content: Content) -> None:
    for s in content.sources:
        assert s.authors or s.organisation or "authors" in s.unverified, s.id
        assert s.year is not None or s.undated or "year" in s.unverified, s.id
        assert s.title and s.kind is not None, s.id


def test_s61_is_barlow_2004_not_hopper(content: Content) -> None:
    s61 = content.source["s61"]
    assert s61.authors == ["Barlow A", "Clarke R", "Johnson N", "Seabourne B", "Thomas D", "Gal J"]
    assert s61.year == 2004
    assert "38(3):349-351" in s61.venue and "Sports Medicine" in s61.venue
    assert "sit and reach" in s61.title
    assert "Hopper" not in s61.citation.split("Earlier")[0]


def test_untraceable_descriptions_are_replaced_by_sources_a_reader_can_find(
    content: Content,
) -> None:
    for sid in UNTRACEABLE:
        s = content.source[sid]
        assert s.who and s.title and (s.year or s.undated or s.unverified), sid
        # An identifier a reader can type in, or the gap is declared (and printed by check).
        assert s.identifiers or s.unverified, (sid, "no DOI, PMID or address")
        assert "replaces" in s.note.lower(), sid


def test_red_flag_guideline_sources_exist(content: Content) -> None:
    """The NHS pages the red flags must rest on (DVT, lung clot, cellulitis)."""
    nhs = {s.title: s for s in content.sources if s.organisation == "NHS"}
    for title in ("Deep vein thrombosis (DVT)", "Pulmonary embolism", "Cellulitis"):
        assert title in nhs and not nhs[title].weak, title
        assert nhs[title].url.startswith("https://www.nhs.uk/conditions/"), title


def test_red_flags_rest_on_guidelines_not_clinic_pages(content: Content) -> None:
    """Every entry that sends a learner for help today or now cites a guideline and no weak
    page (review §3 item 13): the DVT, lung-clot and cellulitis advice follow the NHS pages."""
    weak = {s.id for s in content.sources if s.weak}
    kinds = {s.id: s.kind.value if s.kind else "" for s in content.sources}
    urgent = [x for x in content.screening_items if x.urgency.value in ("emergency", "same_day")]
    urgent += [x for x in content.contraindications if x.id == "cellulitis"]
    assert {x.id for x in urgent} >= {"dvt_signs", "lung_clot_signs", "cellulitis"}
    for x in urgent:
        assert not weak & set(x.sources), x.id
        assert any(kinds[i] == "guideline" for i in x.sources), x.id
    for e in content.escalations:
        assert not weak & set(e.sources), e.id
    assert content.contraindication["lung_clot_signs"].sources == ["s67"]
    assert content.contraindication["dvt_signs"].sources[0] == "s66"
    assert content.contraindication["cellulitis"].sources == ["s68"]


def test_lung_clot_entry_follows_nhs_advice(content: Content) -> None:
    """NHS (s67): racing heart and dizziness are signs; call an ambulance, do not drive."""
    lung = content.contraindication["lung_clot_signs"]
    assert "A racing heart" in lung.red_flags
    assert "Feeling dizzy or light-headed" in lung.red_flags
    for words in ("Call an ambulance now", "999", "112", "911", "Do not drive yourself"):
        assert words in lung.instead, words
    assert "racing" in lung.question and "faint" in lung.question


def test_cellulitis_urgency_follows_nhs_wording(content: Content) -> None:
    cellulitis = content.contraindication["cellulitis"]
    for words in ("urgent GP appointment", "111", "999", "A&E", "spreads fast", "fever"):
        assert words in cellulitis.instead, words


def test_the_source_article_is_cited_for_techniques_and_faq(content: Content) -> None:
    article = [s for s in content.sources if s.kind and s.kind.value == "popular_article"]
    assert len(article) == 1 and article[0].authors == ["Mulligan A"] and article[0].weak
    assert "Psychreg" in article[0].venue
    assert all(article[0].id in f.sources for f in content.faq)


def test_every_weak_source_is_marked_weak(content: Content) -> None:
    marked = {s.id for s in content.sources if s.weak}
    assert marked == WEAK_SOURCES


def test_citations_that_call_themselves_weak_are_weak(content: Content) -> None:
    """A citation whose description calls it weak, secondary, a summary, a forum, a consumer or
    practitioner page must carry ``weak: true``. (Addresses are not descriptions: a clinic's
    ``/blog/`` page is judged by the facts file, not by its path.)"""
    words = re.compile(
        r"(?<![/.])\b(weak|secondary|summary|forum|consumer|practitioner)\b(?![/.])", re.IGNORECASE
    )
    unmarked = [s.id for s in content.sources if words.search(s.citation) and not s.weak]
    assert unmarked == []


# --- benefits -----------------------------------------------------------------------------


def test_the_fixed_benefits_exist(content: Content) -> None:
    """The seven benefits the course must rate stay (a new one needs no test edit)."""
    assert set(BENEFIT_IDS) <= set(content.benefit)


def test_benefit_levels_match_the_evidence_ratings(content: Content) -> None:
    assert {b: content.benefit[b].level for b in EXPECTED_LEVELS} == EXPECTED_LEVELS


def test_injury_prevention_and_circulation_are_not_supported(content: Content) -> None:
    benefit = content.benefit
    assert benefit["injury_prevention"].level is Level.NOT_SUPPORTED
    assert benefit["circulation"].level is Level.NOT_SUPPORTED


def test_every_benefit_has_sources_that_resolve(content: Content) -> None:
    known = set(content.source)
    for b in content.benefits:
        assert b.sources, b.id
        assert set(b.sources) <= known, (b.id, set(b.sources) - known)


def test_every_benefit_states_the_self_massage_scope(content: Content) -> None:
    """Trials test therapist massage; each evidence text must say so, or learners overrate it."""
    for b in content.benefits:
        text = b.evidence.lower()
        assert "self-massage" in text, b.id
        assert "therapist" in text, b.id


def test_level_notes_carry_the_key_caveats(content: Content) -> None:
    benefit = content.benefit
    assert "limited" in benefit["stress"].level_note.lower()
    assert "lymphoedema" in benefit["lymphatic"].level_note.lower()
    assert "healthy" in benefit["lymphatic"].level_note.lower()
    assert "knee osteoarthritis" in benefit["joint_pain"].level_note.lower()


def test_popular_myths_are_corrected(content: Content) -> None:
    benefit = content.benefit
    assert "muscle growth" in benefit["recovery"].corrects.lower()
    assert "stretching" in benefit["injury_prevention"].corrects.lower()
    assert "lactic acid" in benefit["circulation"].corrects.lower()
    assert benefit["lymphatic"].corrects


def test_benefit_text_does_not_overstate(content: Content) -> None:
    """The course's own words never overstate. ``corrects`` is left out on purpose: it quotes
    the myth being corrected."""
    for b in content.benefits:
        for field in ("name", "claim", "explanation", "evidence", "level_note"):
            assert overstatements(getattr(b, field)) == [], (b.id, field)


# --- faq ----------------------------------------------------------------------------------


def test_every_faq_entry_is_answered_in_the_review(content: Content) -> None:
    """Whatever the FAQ holds, the last lesson (the review) answers all of it, in order."""
    assert content.faq and content.lessons[-1].faq == [f.id for f in content.faq]


def test_faq_answers_have_sources_and_do_not_overstate(content: Content) -> None:
    known = set(content.source)
    for f in content.faq:
        assert f.sources and set(f.sources) <= known, f.id
        assert overstatements(f.answer) == [], f.id


def test_slimming_answer_says_no_and_warns_about_numb_skin(content: Content) -> None:
    answer = next(f.answer for f in content.faq if f.id == "slimming")
    assert answer.startswith("No.")
    assert "numb" in answer
    assert "37 to 40 °C" in answer


# --- lessons ------------------------------------------------------------------------------


def test_lessons_are_the_numbered_notebooks_in_order(content: Content) -> None:
    """Each lesson id is the stem of a notebook in notebooks/, numbered 00, 01, ... in
    teaching order, and every numbered notebook is a lesson: adding a lesson is a YAML entry
    and a notebook, never a test edit."""
    from pathlib import Path

    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    ids = [lesson.id for lesson in content.lessons]
    assert ids == sorted(p.stem for p in notebooks.glob("[0-9][0-9]_*.ipynb"))
    assert [lesson.number for lesson in content.lessons] == [f"{n:02d}" for n in range(len(ids))]


def test_course_length_suits_a_workshop(content: Content) -> None:
    total = sum(lesson.minutes for lesson in content.lessons)
    assert 120 <= total <= 240, total


def test_every_lesson_has_objectives_and_key_points(content: Content) -> None:
    for lesson in content.lessons:
        assert 2 <= len(lesson.objectives) <= 4, lesson.id
        assert 2 <= len(lesson.key_points) <= 5, lesson.id
        for text in lesson.objectives + lesson.key_points:
            assert overstatements(text) == [], (lesson.id, text)


def test_safety_lesson_covers_every_contraindication(content: Content) -> None:
    from course.quiz import gate_quiz

    lesson, gate, _ = gate_quiz(content)
    assert set(lesson.contraindications) == set(content.contraindication)
    assert gate.bank in lesson.banks


def test_routine_lesson_lists_exactly_the_stop_conditions(content: Content) -> None:
    stops = {x.id for x in content.contraindications if x.effect is Effect.STOP}
    assert set(content.lesson["09_build_your_routine"].contraindications) == stops


def test_review_lesson_asks_from_every_bank(content: Content) -> None:
    assert set(content.lessons[-1].banks) == set(content.quiz)


def test_every_benefit_is_taught_in_some_lesson(content: Content) -> None:
    taught = {b for lesson in content.lessons for b in lesson.benefits}
    assert taught == set(content.benefit)


# --- wording (content review §3 items 22 and 23; docs/content-decisions.md C4) -------------

SAFETY_MARGIN = "a safety margin this course sets, not a tested rule"


def test_the_article_techniques_cite_the_article(content: Content) -> None:
    for tid in ("thumb", "tennis_ball", "finishing_strokes", "warm_towel"):
        assert "s69" in content.technique[tid].sources, tid


def test_thumb_wording_matches_its_pressure(content: Content) -> None:
    """The thumb timer runs at 5/10: its text may not call that "gentle pressure"."""
    thumb = content.technique["thumb"]
    texts = [thumb.summary, *(s.instruction for s in thumb.steps)]
    assert not any("gentle pressure" in x.lower() for x in texts)
    toes = next(s for s in thumb.steps if s.id == "toes")
    assert "about 3 to 5 of 10" in toes.instruction


def test_goal_reasons_do_not_claim_an_effect_as_fact(content: Content) -> None:
    """'Eases' with no study behind it reads as a finding: say "may ease" or "practitioners
    advise" instead."""
    for goal in content.goals:
        for tid, reason in goal.reasons.items():
            if re.search(r"\beases?\b", reason, re.I):
                assert re.search(r"\bmay ease\b|practitioners advise", reason, re.I), (
                    goal.id, tid, reason)
    assert content.goal["sleep"].reasons["finishing_strokes"] == (
        "Slow strokes, lighter each pass but firm enough not to tickle, are a calm last step "
        "before sleep."
    )


def test_area_caps_and_the_knee_margin_say_they_are_the_course_own(content: Content) -> None:
    for area in content.areas:
        if area.max_pressure < 10 and not area.never:
            assert SAFETY_MARGIN in area.note, area.id
    hollow = content.area["knee_hollow"].note
    assert "hand's width" in hollow and SAFETY_MARGIN in hollow


def test_the_ten_hours_of_sitting_are_the_article_s_figure(content: Content) -> None:
    for text in content.lesson["01_why_your_legs"].key_points:
        if re.search(r"\b(10|ten) hours\b", text):
            assert "article" in text, text


def test_disclaimer_allows_the_firm_pressure_the_course_teaches() -> None:
    import course
    from course.models import CONTENT_DIR

    assert "gentle self-massage" not in course.DISCLAIMER
    assert "self-massage at a comfortable pressure" in course.DISCLAIMER
    readme = (CONTENT_DIR.parents[1] / "README.md").read_text(encoding="utf-8")
    disclaimer = readme.split("**Disclaimer.**", 1)[1].split("\n\n", 1)[0]
    assert "self-massage at a comfortable pressure" in " ".join(disclaimer.split())
