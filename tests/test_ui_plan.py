"""Choosing practice days writes an .ics plan for the routine saved last."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from icalendar import Calendar

from course.progress import Progress
from course.routine import build
from course.safety import Profile
from course.ui.plan import PlanMaker
from course.ui.store import save_routine


def test_no_saved_routine_says_what_to_do(tmp_path):
    maker = PlanMaker(opener=Progress.open, folder=tmp_path)
    assert maker.save() is None
    assert "Save a routine in the builder first" in maker.result.value
    assert list(tmp_path.iterdir()) == []


def test_chosen_days_time_and_weeks_reach_the_calendar(tmp_path):
    r = build(Profile(), minutes=10)
    save_routine(r, "Evening legs", Progress.open, folder=tmp_path / "cards")
    maker = PlanMaker(opener=Progress.open, folder=tmp_path)
    assert maker.chosen() == ["MO", "WE", "FR"]  # the default, as Save's own plan
    maker.days["WE"].value = False
    maker.days["SA"].value = True
    maker.at.value = time(7, 30)
    maker.weeks.value = 6
    maker.minutes.value = 12
    path = maker.save()
    assert path == tmp_path / "evening-legs-plan.ics"
    ev = Calendar.from_ical(path.read_bytes()).walk("VEVENT")[0]
    assert ev["rrule"]["BYDAY"] == ["MO", "FR", "SA"] and ev["rrule"]["COUNT"] == [18]
    start = ev.decoded("dtstart")
    assert isinstance(start, datetime) and start.time() == time(7, 30)
    assert ev.decoded("duration") == timedelta(minutes=12)
    assert "Monday, Friday, Saturday at 07:30" in maker.result.value
    assert maker.summary() == "Practice plan: MO, FR, SA at 07:30, 6 weeks"


def test_no_day_chosen_is_named(tmp_path):
    save_routine(build(Profile(), minutes=5), "Short", Progress.open, folder=tmp_path / "c")
    maker = PlanMaker(opener=Progress.open, folder=tmp_path)
    for box in maker.days.values():
        box.value = False
    assert maker.save() is None
    assert "none chosen" in maker.result.value
