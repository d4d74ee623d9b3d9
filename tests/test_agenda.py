"""The workshop agenda: fits the time, safety lessons always kept, breaks where they belong."""

from __future__ import annotations

import argparse
import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.instructor import register
from course.instructor.agenda import (
    Agenda,
    AgendaError,
    activity_of,
    clock,
    kept_practice,
    parse_clock,
    plan_agenda,
    practice_of,
    priority_order,
    render_html,
    render_markdown,
    required_lessons,
)
from course.models import Lesson, content

# Every number below is computed from the content, so a change of lesson timings needs no
# change here: the tests pin the rules, not today's minutes.
LESSONS = content().lessons
BY_ID = {x.id: x for x in LESSONS}
REQUIRED = required_lessons(LESSONS)
KEEP_PRACTICE = kept_practice(LESSONS)
PRIORITY = priority_order(LESSONS)
FULL = sum(lesson.minutes for lesson in LESSONS)
OPTIONAL = [x.id for x in LESSONS if x.id not in REQUIRED]
# Optional lessons in the order they get time (PRIORITY first, then course order).
RANKED = [i for i in PRIORITY if i in OPTIONAL] + [i for i in OPTIONAL if i not in PRIORITY]
BUILDER = REQUIRED[-1]
# The required lessons' teaching plus the practice that never goes home, breaks aside.
CORE = sum(BY_ID[r].teaching_minutes for r in REQUIRED) + sum(
    practice_of(BY_ID[r]) for r in REQUIRED if r in KEEP_PRACTICE
)


def minimum(**kwargs: int) -> int:
    """The shortest workshop :func:`plan_agenda` accepts, as its error reports it."""
    with pytest.raises(AgendaError) as err:
        plan_agenda(LESSONS, 0, **kwargs)
    return err.value.minimum


MINIMUM = minimum()


def cli(*argv: str) -> int:
    p = argparse.ArgumentParser(prog="course")
    register(p.add_subparsers(dest="command", required=True))
    args = p.parse_args(list(argv))
    return args.func(args)


def lesson(id: str, teaching: int, practice: int, quiz: int = 0) -> Lesson:
    return Lesson(
        id=id,
        title=f"Lesson {id}",
        objectives=["o"],
        teaching_minutes=teaching,
        practice_minutes=practice,
        quiz_minutes=quiz,
        key_points=["k"],
    )


def check_invariants(agenda: Agenda, every: int = 60, pause: int = 10) -> None:
    """What holds for every agenda of the course, whatever the budget and break rule."""
    items = agenda.items
    assert agenda.total <= agenda.budget
    assert not items[0].is_break and not items[-1].is_break
    for a, b in zip(items, items[1:], strict=False):
        assert a.end == b.start  # no gaps, no overlaps
        assert not (a.is_break and b.is_break)
    ids = [i.lesson_id for i in agenda.lessons]
    assert ids == [x.id for x in LESSONS if x.id in ids]  # course order kept
    assert set(REQUIRED) <= set(ids)
    for item in agenda.lessons:
        whole = BY_ID[item.lesson_id]
        assert item.teaching == whole.teaching_minutes  # teaching is never cut
        assert item.practice + item.homework_practice == practice_of(whole)
        assert item.practice in (0, practice_of(whole))  # practice stays or goes whole
        assert item.minutes == item.teaching + item.practice
        if item.lesson_id in KEEP_PRACTICE:
            assert item.homework_practice == 0  # the safety quiz is never homework
    # Everything of the course is either in the room or in the homework, once.
    homework = {h.lesson_id: h for h in agenda.homework}
    for x in LESSONS:
        if x.id not in ids:
            assert homework[x.id].whole_lesson and homework[x.id].minutes == x.minutes
        elif practice_of(x) and not next(i for i in agenda.lessons if i.lesson_id == x.id).practice:
            assert not homework[x.id].whole_lesson and homework[x.id].minutes == practice_of(x)
        else:
            assert x.id not in homework
    for b in agenda.breaks:
        assert b.minutes == pause
    check_breaks(agenda, every, pause)


def check_breaks(agenda: Agenda, every: int, pause: int) -> None:
    """The break rule of ``_schedule``: a break ends a stretch of ``every`` minutes or more, or
    comes early (after half of it) rather than let the next lesson run past ``every * 1.25``."""
    longest = every + every // 4
    since = 0
    for n, item in enumerate(agenda.items):
        if item.is_break:
            assert since >= every / 2  # never a break after a short stretch
            since = 0
            continue
        if n and not agenda.items[n - 1].is_break and every and pause:
            # No break here, so none was due.
            assert since < every and not (since >= every / 2 and since + item.minutes > longest)
        since += item.minutes


@pytest.mark.parametrize(
    "minutes", sorted({MINIMUM, MINIMUM + 5, 90, 120, 180, FULL, FULL + 40, 600})
)
def test_plans_fit_and_keep_the_safety_lessons(minutes):
    agenda = plan_agenda(LESSONS, minutes)
    check_invariants(agenda)
    for kept in KEEP_PRACTICE:
        safety = next(i for i in agenda.lessons if i.lesson_id == kept)
        assert safety.practice == practice_of(BY_ID[kept]) > 0


def test_the_minimum_is_the_core_only():
    agenda = plan_agenda(LESSONS, MINIMUM)
    assert [i.lesson_id for i in agenda.items] == list(REQUIRED)
    assert agenda.total == MINIMUM
    builder = agenda.items[-1]
    assert (builder.teaching, builder.practice, builder.homework_practice) == (
        BY_ID[BUILDER].teaching_minutes,
        0,
        practice_of(BY_ID[BUILDER]),
    )
    assert [h.lesson_id for h in agenda.practice_homework] == [BUILDER]
    assert {h.lesson_id for h in agenda.dropped} == set(OPTIONAL)


def test_the_builder_keeps_its_practice_before_any_optional_lesson():
    # Without breaks the arithmetic is exact: core + the builder's practice, one minute short.
    builder_practice = practice_of(BY_ID[BUILDER])
    full = plan_agenda(LESSONS, CORE + builder_practice, break_minutes=0)
    assert full.items[-1].practice == builder_practice and set(OPTIONAL) == {
        h.lesson_id for h in full.dropped
    }
    short = plan_agenda(LESSONS, CORE + builder_practice - 1, break_minutes=0)
    assert short.items[-1].practice == 0
    assert BUILDER in {h.lesson_id for h in short.practice_homework}


def test_practice_goes_home_before_lessons():
    # Exactly enough for every lesson's teaching and the builder's practice: all are taught,
    # every optional lesson's practice and quiz go home.
    budget = CORE + practice_of(BY_ID[BUILDER]) + sum(BY_ID[o].teaching_minutes for o in OPTIONAL)
    agenda = plan_agenda(LESSONS, budget, break_minutes=0)
    check_invariants(agenda, pause=0)
    assert agenda.dropped == [] and agenda.total == budget
    assert {h.lesson_id for h in agenda.practice_homework} == {
        o for o in OPTIONAL if practice_of(BY_ID[o])
    }
    # One minute less: the lowest-priority lesson goes home whole, no other lesson does.
    agenda = plan_agenda(LESSONS, budget - 1, break_minutes=0)
    assert [h.lesson_id for h in agenda.dropped] == [RANKED[-1]]


def test_a_minute_short_of_everything_moves_only_practice_home():
    agenda = plan_agenda(LESSONS, FULL - 1, break_minutes=0)
    assert agenda.dropped == [] and agenda.practice_homework
    assert {h.lesson_id for h in agenda.practice_homework} <= set(OPTIONAL)


def test_a_generous_budget_is_the_whole_course_with_breaks():
    agenda = plan_agenda(LESSONS, 600)
    check_invariants(agenda)
    assert agenda.complete and agenda.homework == ()
    assert [i.lesson_id for i in agenda.lessons] == [x.id for x in LESSONS]
    assert sum(i.minutes for i in agenda.lessons) == FULL
    assert agenda.breaks and agenda.total == FULL + 10 * len(agenda.breaks)


def test_too_short_names_the_minimum():
    with pytest.raises(AgendaError) as err:
        plan_agenda(LESSONS, MINIMUM - 1)
    assert err.value.minimum == MINIMUM
    assert f"at least {MINIMUM} minutes" in str(err.value)
    assert all(r in str(err.value) for r in REQUIRED)
    plan_agenda(LESSONS, MINIMUM)  # the minimum itself fits
    # The minimum is the core and nothing else: without breaks exactly, with them plus
    # whole breaks.
    assert minimum(break_minutes=0) == CORE
    assert MINIMUM >= CORE and (MINIMUM - CORE) % 10 == 0


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
    agenda = plan_agenda(LESSONS, FULL, break_minutes=0)
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
        assert minutes < exc.minimum == MINIMUM
        assert str(exc.minimum) in str(exc)
    else:
        check_invariants(agenda)
        assert minutes >= MINIMUM


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


def row(agenda: Agenda, item) -> str:
    """The Markdown row an item should get, from the agenda's own numbers."""
    when = f"{clock(agenda.start, item.start)}–{clock(agenda.start, item.end)}"
    if item.is_break:
        return f"| {when} | {item.minutes} | *Break* | break |"
    return f"| {when} | {item.minutes} | {item.title} (`{item.lesson_id}`) |"


def test_markdown_rendering():
    agenda = plan_agenda(LESSONS, MINIMUM, start="13:30")
    text = render_markdown(agenda)
    assert text.startswith(f"# Workshop agenda: {MINIMUM} minutes from 13:30\n")
    assert f"{MINIMUM} of {MINIMUM} minutes planned (0 spare)" in text
    for item in agenda.items:
        assert row(agenda, item) in text
    first = agenda.items[0]
    assert f"| 13:30–{clock('13:30', first.minutes)} |" in text
    assert "## Homework" in text
    assert "Practice and quiz minutes become homework" in text
    builder = BY_ID[BUILDER]
    assert (
        f"- {BUILDER} ({builder.title}): {practice_of(builder)} min {activity_of(builder)}"
    ) in text
    assert "Lessons to drop or assign as homework:" in text
    for o in OPTIONAL:
        assert f"- {o} ({BY_ID[o].title}): {BY_ID[o].minutes} min\n" in text


def test_quiz_minutes_are_called_a_quiz_not_practice():
    # A lesson whose only activity is a quiz, one with both, one with only practice.
    course = [lesson("a", 10, 0), lesson("b", 10, 0, quiz=4), lesson("c", 10, 5, quiz=3)]
    course.append(lesson("d", 10, 6))
    text = render_markdown(plan_agenda(course, 40, required=["a"], priority=[]))
    assert "10 min teaching, quiz (4 min) as homework" in text
    assert "10 min teaching, practice and quiz (8 min) as homework" in text
    assert "10 min teaching, practice (6 min) as homework" in text
    assert "- b (Lesson b): 4 min quiz" in text
    assert "- c (Lesson c): 8 min practice and quiz" in text
    text = render_markdown(plan_agenda(course, 100, required=["a"], priority=[]))
    assert "10 min teaching, 4 min quiz |" in text
    assert "10 min teaching, 8 min practice and quiz |" in text
    assert "10 min teaching, 6 min practice |" in text


def test_markdown_shows_breaks_and_no_homework_when_complete():
    agenda = plan_agenda(LESSONS, 600)
    text = render_markdown(agenda)
    assert agenda.breaks and text.count("*Break*") == len(agenda.breaks)
    for item in agenda.items:
        assert row(agenda, item) in text
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
    assert capsys.readouterr().out == render_markdown(plan_agenda(LESSONS, 90))


def test_cli_writes_html_to_a_file(tmp_path):
    out = tmp_path / "agenda.html"
    assert cli("agenda", "--minutes", "180", "--out", str(out), "--start", "10:00") == 0
    assert out.read_text() == render_html(plan_agenda(LESSONS, 180, start="10:00"))
    assert "<title>Workshop agenda: 180 minutes from 10:00</title>" in out.read_text()


def test_cli_break_options(capsys):
    assert cli("agenda", "--minutes", "600", "--break-every", "90", "--break-minutes", "15") == 0
    out = capsys.readouterr().out
    agenda = plan_agenda(LESSONS, 600, break_every=90, break_minutes=15)
    check_invariants(agenda, every=90, pause=15)
    assert out == render_markdown(agenda)
    # The options change the plan: fewer, longer breaks than the default hourly 10 minutes.
    assert out.count("| 15 | *Break* |") == len(agenda.breaks) >= 1
    assert len(agenda.breaks) < len(plan_agenda(LESSONS, 600).breaks)


def test_cli_too_short_exits_1_with_the_minimum(capsys):
    assert cli("agenda", "--minutes", str(MINIMUM - 1)) == 1
    assert f"need at least {MINIMUM} minutes" in capsys.readouterr().err


def test_cli_bad_start_exits_2(capsys):
    assert cli("agenda", "--minutes", "90", "--start", "25:00") == 2
    assert "not a clock time" in capsys.readouterr().err


def test_cli_rejects_negative_minutes(capsys):
    with pytest.raises(SystemExit) as exc:
        cli("agenda", "--minutes", "-3")
    assert exc.value.code == 2


def test_the_rules_come_from_lessons_yaml():
    """The gate quiz's lesson is always taught with its practice in the room, and every
    lesson is either required or ranked (or, unranked, comes last)."""
    from course.quiz import gate_quiz

    gate_lesson = gate_quiz(content())[0].id
    assert gate_lesson in REQUIRED and gate_lesson in KEEP_PRACTICE
    assert not set(PRIORITY) & set(REQUIRED)
    budget = (MINIMUM + FULL) // 2
    assert plan_agenda(LESSONS, budget) == plan_agenda(
        LESSONS, budget, required=REQUIRED, keep_practice=KEEP_PRACTICE, priority=PRIORITY
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"keep_practice": True}, "keep_practice needs required: true"),
        ({"required": True, "priority": 1}, "a required lesson takes no priority"),
    ],
)
def test_agenda_fields_that_contradict_each_other(fields, message):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=message):
        Lesson(id="x", title="X", objectives=["o"], teaching_minutes=1, practice_minutes=0,
               key_points=["k"], **fields)
