"""Tests of the static lesson views in course/lesson.py.

The views are what a learner reads in every notebook, so the tests check that each one carries
the right facts from the YAML (and nothing is lost on the way), that YAML text can never inject
HTML or Markdown, that the HTML stays accessible, and that the output is byte-for-byte the same
on every run (the notebooks are stored executed and compared by nbval).
"""

from __future__ import annotations

import html
import re
import subprocess
import sys

import pytest

from course import lesson as L
from course.models import Content, Effect, Urgency, load_content
from course.progress import Progress


@pytest.fixture(scope="module")
def c() -> Content:
    return load_content()


def esc(text: str) -> str:
    """A YAML string as it appears in the HTML: escaped, folded whitespace collapsed."""
    return html.escape(re.sub(r"\s+", " ", text))


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def all_views(c: Content) -> list[L.View]:
    return [
        *(L.lesson_header(x.id) for x in c.lessons),
        *(L.key_points(x.id) for x in c.lessons),
        *(L.benefit(x.id) for x in c.benefits),
        *(L.technique(x.id) for x in c.techniques),
        L.contraindications(),
        L.red_flags(),
        L.faq(),
        L.lessons_table(),
    ]


# --- lesson header and key points -----------------------------------------------------------


def test_lesson_header_has_title_minutes_objectives_and_disclaimer(c: Content) -> None:
    for lesson in c.lessons:
        view = L.lesson_header(lesson.id)
        page = view.html
        assert f"{esc(lesson.title)}</h1>" in page
        minutes = f"Teaching {lesson.teaching_minutes} min · Practice {lesson.practice_minutes} min"
        if lesson.quiz_minutes:  # the quiz is time too: the parts add up to the lesson
            minutes += f" · Quiz {lesson.quiz_minutes} min"
        assert minutes in page and minutes in view.text
        for objective in lesson.objectives:
            assert f"<li>{esc(objective)}</li>" in page
        assert L.SHORT_DISCLAIMER in page and 'role="note"' in page
        assert L.SHORT_DISCLAIMER == "This course is no substitute for a health professional."


def test_lesson_header_numbers_the_lesson_from_its_id() -> None:
    assert (
        "<h1>Lesson 5: When not to massage</h1>" in L.lesson_header("05_when_not_to_massage").html
    )


def test_key_points_lists_every_point_in_a_note(c: Content) -> None:
    for lesson in c.lessons:
        view = L.key_points(lesson.id)
        assert 'role="note"' in view.html
        for point in lesson.key_points:
            assert f"<li>{esc(point)}</li>" in view.html
            assert plain(point) in view.text


def test_key_points_button_records_the_lesson(c: Content) -> None:
    view = L.key_points("03_recovery_and_injuries")
    box = view.widget()
    button = box.children[1].children[0]
    status = box.children[1].children[1]
    assert button.description == "Mark this lesson complete"
    button.click()
    assert "Lesson marked complete." in status.value
    assert button.disabled
    with Progress.open() as progress:
        assert progress.completed_lessons() == ["03_recovery_and_injuries"]
    # A second press (say, after re-running the cell) keeps the first record and says so.
    assert view.complete() == "This lesson was already marked complete."


def test_key_points_static_output_does_not_depend_on_the_database() -> None:
    before = L.key_points("06_thumb_technique")._repr_mimebundle_()
    L.key_points("06_thumb_technique").complete()
    after = L.key_points("06_thumb_technique")._repr_mimebundle_()
    for mime in ("text/html", "text/markdown", "text/plain"):
        assert before[mime] == after[mime]
    assert "application/vnd.jupyter.widget-view+json" in after
    assert "Mark this lesson complete" in after["text/html"]


def test_key_points_reports_a_database_it_cannot_use(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("COURSE_DATA_DIR", str(blocker / "sub"))
    message = L.key_points("00_welcome").complete()
    assert message.startswith("Could not record this lesson:")


# --- benefits -------------------------------------------------------------------------------


def test_benefit_shows_claim_explanation_evidence_level_myth_and_sources(c: Content) -> None:
    for b in c.benefits:
        view = L.benefit(b.id)
        page = view.html
        assert f"<h3>{esc(b.name)}</h3>" in page
        for text in (b.claim, b.explanation, b.evidence, b.level_note):
            assert esc(text) in page
        if b.corrects:
            assert "Popular claim corrected" in page and esc(b.corrects) in page
        assert f"Evidence: {esc(b.level_text)}" in page
        assert f"Evidence: {b.level_text}" in view.text
        for sid in b.sources:
            src = c.source[sid]
            entry = re.search(rf"<li>\[{sid[1:]}\] <cite>[^<]*</cite>(<em>[^<]*</em>)?</li>", page)
            assert entry, (b.id, sid)
            assert esc(src.citation) in entry.group(0)
            assert ("weak source" in entry.group(0)) == src.weak, (b.id, sid)


def test_benefit_badge_leads_with_the_self_massage_level(c: Content) -> None:
    """Content review §3 item 11 / §4.1: for a self-massage course the badge names the
    qualified level first, with the dots of that level."""
    page = L.benefit("stress").html
    assert "Evidence: limited (self) / moderate (therapist) ●○○" in page
    page = L.benefit("lymphatic").html
    assert "Evidence: not supported (healthy) / limited (lymphoedema) ○○○" in page


def test_benefit_badge_says_the_level_in_words_not_colour_only(c: Content) -> None:
    page = L.benefit("circulation").html
    assert re.search(r'<span class="lm-badge"[^>]*>Evidence: not supported', page)
    assert "color:" not in page.replace("border", "")


# --- techniques -----------------------------------------------------------------------------


def test_technique_shows_steps_with_timings_pressure_positions_equipment(c: Content) -> None:
    for tq in c.techniques:
        view = L.technique(tq.id)
        page = view.html
        start = 0
        for step in tq.steps:
            end = start + step.seconds
            timing = f"{start // 60:02d}:{start % 60:02d}–{end // 60:02d}:{end % 60:02d}"
            assert timing in page, (tq.id, step.id)
            assert esc(step.instruction) in page
            for area in step.areas:
                assert esc(c.area[area].name) in page
            start = end
        assert f"{tq.pressure_min} to {tq.pressure_max} on the 0 to 10 discomfort scale" in page
        for position in tq.positions:
            assert esc(position) in page
        for item in tq.equipment:
            assert esc(c.equipment[item]) in page
        for caution in tq.cautions:
            assert f"<li>{esc(caution)}</li>" in page


def test_technique_lists_areas_to_avoid_by_name(c: Content) -> None:
    page = L.technique("tennis_ball").html
    avoid = page.split("<h4>Areas to avoid</h4>")[1].split("</ul>")[0]
    assert esc(c.area["knee_hollow"].name) in avoid
    assert esc(c.area["inner_thigh"].name) in avoid
    # Areas that no technique may touch are named even where the YAML lists no `avoid`.
    thumb = L.technique("thumb").html.split("<h4>Areas to avoid</h4>")[1]
    assert esc(c.area["knee_hollow"].name) in thumb


# --- safety ---------------------------------------------------------------------------------


def test_every_contraindication_appears_in_its_group(c: Content) -> None:
    page = L.contraindications().html
    tables = page.split("<table")[1:4]
    captions = [re.search(r"<caption[^>]*><strong>([^<]*)", tb).group(1) for tb in tables]
    assert [cap.split(":")[0] for cap in captions] == ["Stop", "Keep the area out", "Caution"]
    groups = dict(zip([Effect.STOP, Effect.AREA, Effect.CAUTION], tables, strict=True))
    # Every screening question, risk factors included (issue 9: the checklist at the end of
    # lesson 05 asks them, so the lesson's table must teach them).
    assert {x.id for x in c.risk_factors} >= {
        "clot_history", "long_journey", "recent_immobility", "hormones", "breathless"}
    for x in c.screening_items:
        table = groups[x.effect]
        row = re.search(rf'<th scope="row"[^>]*>{re.escape(esc(x.name))}</th>(.*?)</tr>', table)
        assert row, x.id
        cells = row.group(1)
        assert esc(x.why) in cells and esc(x.instead) in cells and esc(x.level) in cells
        assert L.URGENCY_LABELS[x.urgency] in cells
        for flag in x.red_flags:
            assert esc(flag) in cells
        if x.pressure_cue:
            # Numb skin cannot feel a number on a discomfort scale: the cue replaces it.
            assert esc(x.pressure_cue) in cells and "pressure at most" not in cells
        elif x.max_pressure is not None:
            assert f"pressure at most {x.max_pressure} of 10" in cells
        if x.no_heat:
            assert "no heat" in cells
        left_out = cells.split("left out: ")[1] if x.exclude else ""
        for tid in x.exclude.techniques:
            assert esc(c.technique[tid].name) in left_out, (x.id, tid)
        for step in x.exclude.steps:
            tid, _, sid = step.partition(".")
            assert f"{esc(c.technique[tid].name)}: {sid.replace('_', ' ')}" in left_out, x.id
        for pos in x.exclude.positions:
            assert esc(c.positions[pos]) in left_out, (x.id, pos)


def test_answers_more_urgent_together_are_taught_after_the_groups(c: Content) -> None:
    """Issue 9: escalation rules are data, and lesson 05 teaches each one (its quiz asks them)."""
    page = L.contraindications().html
    tables = page.split("<table")[1:]
    assert len(tables) == 4 and "More urgent together" in tables[3]
    table = tables[3]
    for e in c.escalations:
        row = re.search(rf'<th scope="row"[^>]*>{re.escape(esc(e.name))}</th>(.*?)</tr>', table)
        assert row, e.id
        cells = row.group(1)
        assert esc(e.advice) in cells and L.URGENCY_LABELS[e.urgency] in cells
        for group in e.when:
            names = [c.screening_item[i].name for i in group]
            assert any(esc(n) in cells for n in names), (e.id, group)


def test_red_flags_box_is_an_alert_with_clot_signs_and_urgency(c: Content) -> None:
    view = L.red_flags()
    page = view.html
    assert 'role="alert"' in page
    dvt, lung = c.contraindication["dvt_signs"], c.contraindication["lung_clot_signs"]
    assert lung.urgency is Urgency.EMERGENCY and dvt.urgency is Urgency.SAME_DAY
    for flag in dvt.red_flags + lung.red_flags:
        assert f"<li>{esc(flag)}</li>" in page
    assert (
        "Emergency: call an ambulance now (999 in the UK, 112 in the EU, 911 in the US); "
        f"do not drive yourself: {esc(lung.name)}"
    ) in page
    assert esc(lung.instead) in page and esc(dvt.instead) in page
    # Emergency first: the most urgent advice is read first.
    assert page.index(esc(lung.name)) < page.index(esc(dvt.name))
    assert "clots in the leg cause no symptoms at all" in page
    assert "previous clot" in page and "[3]" in page
    assert "Warning signs" in view.text


def test_faq_shows_popular_answer_and_evidence_answer(c: Content) -> None:
    page = L.faq().html
    for f in c.faq:
        assert f"<h4>{esc(f.question)}</h4>" in page
        assert esc(f.popular_answer) in page and esc(f.answer) in page
    assert page.count("What you often hear") == page.count("What the evidence says") == len(c.faq)


def test_lessons_table_lists_every_lesson_with_minutes_and_totals(c: Content) -> None:
    view = L.lessons_table()
    for lesson in c.lessons:
        row = (
            f"| {esc(lesson.title)} | {lesson.teaching_minutes} | {lesson.practice_minutes} | "
            f"{lesson.quiz_minutes} | {lesson.minutes} |"
        )
        assert row.replace("&#x27;", "'") in view.text
    assert "Quiz (min)" in view.text
    total = sum(lesson.minutes for lesson in c.lessons)
    quiz = sum(lesson.quiz_minutes for lesson in c.lessons)
    assert quiz > 0  # the course has quizzes, so the footer must count them
    assert "<tfoot>" in view.html and f"{total} min" in view.html
    teach = sum(lesson.teaching_minutes for lesson in c.lessons)
    practice = sum(lesson.practice_minutes for lesson in c.lessons)
    assert f"| {len(c.lessons)} lessons | {teach} | {practice} | {quiz} | {total} min" in view.text
    assert f"{len(c.lessons)} lessons" in view.html


def test_unknown_ids_name_the_known_ones() -> None:
    with pytest.raises(KeyError, match="unknown benefit 'flying'.*stress"):
        L.benefit("flying")
    with pytest.raises(KeyError, match="unknown lesson"):
        L.lesson_header("99_nothing")


# --- escaping, accessibility, determinism ---------------------------------------------------

NASTY = '<script>alert("x")</script> *bold* [link](http://x) | pipe & <b>tag</b>'


def test_yaml_text_is_escaped_in_html_and_markdown(c: Content) -> None:
    b = c.benefit["stress"].model_copy(update={"claim": NASTY, "name": "<i>Name</i>"})
    benefits = [b if x.id == "stress" else x for x in c.benefits]
    data = Content(**{**{k: getattr(c, k) for k in Content.model_fields}, "benefits": benefits})
    view = L.benefit("stress", data=data)
    assert "<script>" not in view.html and "<b>tag</b>" not in view.html
    assert "<i>Name</i>" not in view.html
    assert html.escape(NASTY) in view.html
    assert r"\<script\>" in view.markdown and r"\*bold\*" in view.markdown
    assert r"\[link\]" in view.markdown and r"\|" in view.markdown and r"\&" in view.markdown
    assert NASTY in view.text  # plain text is shown as text, never interpreted


def test_html_tables_are_accessible(c: Content) -> None:
    for view in (L.contraindications(), L.lessons_table()):
        page = view.html
        assert page.count("<table") == page.count("<caption")
        headers = re.findall(r"<th\b[^>]*>", page)
        assert headers and all('scope="' in h for h in headers)


def test_views_are_deterministic_within_a_process(c: Content) -> None:
    first = [(v.html, v.markdown, v.text) for v in all_views(c)]
    second = [(v.html, v.markdown, v.text) for v in all_views(c)]
    assert first == second
    for page, _, text in first:
        assert not re.search(r"0x[0-9a-f]{6,}", page + text)
        assert repr(L.faq()) == L.faq().text


def test_views_are_identical_across_processes() -> None:
    """Hash seeds differ between processes; no set or dict order may leak into the output."""
    code = (
        "import hashlib, course.lesson as L\n"
        "from course.models import content\n"
        "c = content()\n"
        "vs = [L.lesson_header(x.id) for x in c.lessons] + [L.benefit(x.id) for x in c.benefits]"
        " + [L.technique(x.id) for x in c.techniques]"
        " + [L.contraindications(), L.red_flags(), L.faq(), L.lessons_table()]\n"
        "print(hashlib.sha256(''.join(v.html + v.markdown for v in vs).encode()).hexdigest())\n"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1
