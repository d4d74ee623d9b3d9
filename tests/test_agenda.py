"""The workshop agenda: fits the time, safety lessons always kept, breaks where they belong."""

from __future__ import annotations

import argparse
import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.instructor import register
from course.instructor.agenda import (
    REQUIRED,
    Agenda,
    AgendaError,
    clock,
    parse_clock,
    plan_agenda,
    render_html,
    render_markdown,
)
from course.models import Lesson, content

LESSONS = content().lessons
FULL = sum(lesson.minutes for lesson in LESSONS)  # 189 with today's content


def cli(*argv: str) -> int:
    p = argparse.ArgumentParser(prog="course")
    register(p.add_subparsers(dest="command", required=True))
    args = p.parse_args(list(argv))
    return args.func(args)


def lesson(id: str, teaching: int, practice: int) -> Lesson:
    return Lesson(
        id=id,
        title=f"Lesson {id}",
        objectives=["o"],
        teaching_minutes=teaching,
        practice_minutes=practice,
        key_points=["k"],
    )


def check_invariants(agenda: Agenda, every: int = 60, pause: int = 10) -> None:
    items = agenda.items
    assert agenda.total <= agenda.budget
    assert not items[0].is_break and not items[-1].is_break
    for a, b in zip(items, items[1:], strict=False):
        assert a.end == b.start  # no gaps, no overlaps
        assert not (a.is_break and b.is_break)
    ids = [i.lesson_id for i in agenda.lessons]
    assert ids == [x.id for x in LESSONS if x.id in ids]  # course order kept
    assert set(REQUIRED) <= set(ids)
    for b in agenda.breaks:
        assert b.minutes == pause


@pytest.mark.parametrize("minutes", [54, 45, 60, 90, 120, 180, 209, 240, 600])
def test_plans_fit_and_keep_the_safety_lessons(minutes):
    agenda = plan_agenda(LESSONS, minutes)
    check_invariants(agenda)
    safety = next(i for i in agenda.lessons if i.lesson_id == "05_when_not_to_massage")
    assert safety.practice == 21  # the safety quiz is never homework


def test_45_minutes_is_the_core_only():
    agenda = plan_agenda(LESSONS, 45)
    assert [i.lesson_id for i in agenda.items] == list(REQUIRED)
    assert agenda.total == 54 and agenda.breaks == []
    builder = agenda.items[-1]
    assert (builder.teaching, builder.practice, builder.homework_practice) == (10, 0, 15)
    assert [h.lesson_id for h in agenda.practice_homework] == ["09_build_your_routine"]
    assert {h.lesson_id for h in agenda.dropped} == {x.id for x in LESSONS} - set(REQUIRED)


def test_90_minutes_sheds_practice_before_lessons():
    agenda = plan_agenda(LESSONS, 90)
    ids = [i.lesson_id for i in agenda.lessons]
    assert ids == [
        "00_welcome",
        "05_when_not_to_massage",
        "06_thumb_technique",
        "07_tennis_ball_technique",
        "08_finishing_strokes",
        "09_build_your_routine",
    ]
    # The techniques are taught; their practice goes home, not the lessons themselves.
    assert {h.lesson_id for h in agenda.practice_homework} == {
        "06_thumb_technique",
        "07_tennis_ball_technique",
        "08_finishing_strokes",
    }
    assert agenda.items[-1].practice == 15  # the builder keeps its practice
    assert agenda.total == 75 and agenda.breaks == []


def test_180_minutes_moves_only_practice_home():
    agenda = plan_agenda(LESSONS, 180)
    assert agenda.dropped == []
    assert {h.lesson_id for h in agenda.practice_homework} == {
        "01_why_your_legs",
        "02_stress_and_sleep",
        "03_recovery_and_injuries",
        "04_circulation_lymph_joints",
        "10_review_and_faq",
    }
    assert agenda.total == 179 and len(agenda.breaks) == 2


def test_240_minutes_is_the_whole_course_with_breaks():
    agenda = plan_agenda(LESSONS, 240)
    assert agenda.complete and agenda.homework == ()
    assert [i.lesson_id for i in agenda.lessons] == [x.id for x in LESSONS]
    assert sum(i.minutes for i in agenda.lessons) == FULL
    assert agenda.total == FULL + 20
    # Breaks after 04 (69 min in) and after 07 (64 min after the first break).
    starts = [b.start for b in agenda.breaks]
    assert starts == [69, 143]


def test_too_short_names_the_minimum():
    with pytest.raises(AgendaError) as err:
        plan_agenda(LESSONS, 20)
    assert err.value.minimum == 54
    assert "at least 54 minutes" in str(err.value) and "05_when_not_to_massage" in str(err.value)
    plan_agenda(LESSONS, 54)  # the minimum itself fits


def test_breaks_every_hour_or_so():
    blocks = [lesson(f"l{n}", 20, 0) for n in range(9)]
    agenda = plan_agenda(blocks, 600, required=["l0"], priority=[])
    assert [b.start for b in agenda.breaks] == [60, 130]  # after 3 lessons each time
    # No break as the last item: 180 minutes of lessons end the day.
    assert not agenda.items[-1].is_break and agenda.total == 180 + 20


def test_a_break_comes_early_rather_than_stretching_past_75_minutes():
    blocks = [lesson("a", 50, 0), lesson("b", 30, 0), lesson("c", 10, 0)]
    agenda = plan_agenda(blocks, 600, required=["a"], priority=[])
    assert [(i.lesson_id, i.start) for i in agenda.items] == [
        ("a", 0),
        (None, 50),
        ("b", 60),
        ("c", 90),
    ]


def test_no_breaks_when_break_minutes_is_zero():
    agenda = plan_agenda(LESSONS, 200, break_minutes=0)
    assert agenda.breaks == [] and agenda.complete and agenda.total == FULL


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="start time '9h' is not a clock time"):
        plan_agenda(LESSONS, 90, start="9h")
    with pytest.raises(ValueError, match="minutes must be a whole number"):
        plan_agenda(LESSONS, -5)
    with pytest.raises(ValueError, match="required lesson"):
        plan_agenda(LESSONS, 90, required=["99_nope"])


def test_clock_times():
    assert parse_clock("09:00") == 540
    assert clock("09:00", 75) == "10:15"
    assert clock("23:30", 45) == "00:15"


@given(st.integers(min_value=1, max_value=600))
def test_any_budget_fits_or_says_why(minutes):
    try:
        agenda = plan_agenda(LESSONS, minutes)
    except AgendaError as exc:
        assert minutes < exc.minimum == 54
        assert str(exc.minimum) in str(exc)
    else:
        check_invariants(agenda)
        # Nothing that is homework could still have fitted as it is.
        assert minutes >= 54


@given(
    st.integers(min_value=1, max_value=600),
    st.integers(min_value=0, max_value=120),
    st.integers(min_value=0, max_value=30),
)
def test_any_budget_and_break_rule_fits_or_says_why(minutes, every, pause):
    try:
        agenda = plan_agenda(LESSONS, minutes, break_every=every, break_minutes=pause)
    except AgendaError as exc:
        assert minutes < exc.minimum
    else:
        check_invariants(agenda, every, pause)


def test_markdown_rendering():
    text = render_markdown(plan_agenda(LESSONS, 90, start="13:30"))
    assert text.startswith("# Workshop agenda: 90 minutes from 13:30\n")
    assert "| 13:30–13:35 | 5 | Welcome and safety first (`00_welcome`) | 5 min teaching |" in text
    assert "## Homework" in text
    assert "Practice minutes become homework" in text
    assert "- 06_thumb_technique (Thumb technique for the feet): 12 min practice" in text
    assert "Lessons to drop or assign as homework:" in text
    assert "- 02_stress_and_sleep (Stress and sleep): 15 min" in text


def test_markdown_shows_breaks_and_no_homework_when_complete():
    text = render_markdown(plan_agenda(LESSONS, 240))
    assert "| 10:09–10:19 | 10 | *Break* | break |" in text
    assert "Homework" not in text and "Every lesson fits" in text


def test_html_is_a_table_with_a_title_and_escapes_text():
    risky = [lesson("a", 10, 5), lesson("b", 10, 5)]
    risky[1] = risky[1].model_copy(update={"title": "<script>alert(1)</script> & co"})
    page = render_html(plan_agenda(risky, 25, required=["a"], priority=[]))
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Workshop agenda: 25 minutes from 09:00</title>" in page
    assert "<table>" in page and '<th scope="col">Time</th>' in page
    assert "<script>" not in page
    assert html.escape("<script>alert(1)</script> & co") in page
    assert page.count("<tr") == 1 + 2  # header and two lessons (b is taught, practice home)


def test_cli_prints_markdown_and_exits_0(capsys):
    assert cli("agenda", "--minutes", "90") == 0
    assert "| 09:00–09:05 |" in capsys.readouterr().out


def test_cli_writes_html_to_a_file(tmp_path):
    out = tmp_path / "agenda.html"
    assert cli("agenda", "--minutes", "180", "--out", str(out), "--start", "10:00") == 0
    assert "<title>Workshop agenda: 180 minutes from 10:00</title>" in out.read_text()


def test_cli_break_options(capsys):
    assert cli("agenda", "--minutes", "240", "--break-every", "90", "--break-minutes", "15") == 0
    out = capsys.readouterr().out
    # 97 minutes (up to the end of lesson 05) pass 90; the remaining 92 end the day.
    assert out.count("*Break*") == 1 and "| 10:37–10:52 | 15 | *Break* |" in out


def test_cli_too_short_exits_1_with_the_minimum(capsys):
    assert cli("agenda", "--minutes", "20") == 1
    assert "need at least 54 minutes" in capsys.readouterr().err


def test_cli_bad_start_exits_2(capsys):
    assert cli("agenda", "--minutes", "90", "--start", "25:00") == 2
    assert "not a clock time" in capsys.readouterr().err


def test_cli_rejects_negative_minutes(capsys):
    with pytest.raises(SystemExit) as exc:
        cli("agenda", "--minutes", "-3")
    assert exc.value.code == 2
