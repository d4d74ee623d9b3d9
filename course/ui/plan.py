"""Choose your practice days: an .ics calendar file for the routine saved last.

Save already writes a plan for Monday, Wednesday and Friday at 21:00; here the learner picks
the weekdays, the time, the length and the number of weeks, and gets a new calendar file
next to the card. The calendar itself is made by :func:`course.card.practice_plan`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from pathlib import Path
from typing import Any

import ipywidgets as w

from course.card import DEFAULT_AT, DEFAULT_DAYS, DEFAULT_WEEKS, WEEKDAYS, practice_plan
from course.files import PRIVATE, write_atomic
from course.ui.display import LABEL, Fallback, esc, notice_html, show_error
from course.ui.store import DB_ERRORS, open_progress, slug

DAY_NAMES = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                "Saturday", "Sunday"), strict=True))
TIMES = [time(h, m) for h in range(6, 24) for m in (0, 30)]


class PlanMaker(Fallback):
    """Weekday boxes, a time, minutes and weeks, and a button that writes the .ics file."""

    def __init__(self, *, opener: Callable[[], Any] = open_progress,
                 folder: Path | None = None):
        self._opener = opener
        self._folder = folder
        self.path: Path | None = None
        self.days = {d: w.Checkbox(d in DEFAULT_DAYS, description=DAY_NAMES[d], indent=False,
                                   layout=w.Layout(width="auto"), **LABEL) for d in WEEKDAYS}
        self.at = w.Dropdown(options=[(t.strftime("%H:%M"), t) for t in TIMES],
                             value=DEFAULT_AT, description="Time", **LABEL)
        self.minutes = w.BoundedIntText(10, min=1, max=120, description="Minutes",
                                        layout=w.Layout(width="12em"), **LABEL)
        self.weeks = w.BoundedIntText(DEFAULT_WEEKS, min=1, max=52, description="Weeks",
                                      layout=w.Layout(width="12em"), **LABEL)
        self.button = w.Button(description="Save calendar file", icon="calendar",
                               tooltip="Write an .ics file your calendar can import")
        self.button.on_click(self.save)
        self.result = w.HTML()
        self.result.add_class("lm-plan-result")
        self.widget = w.VBox([
            w.HTML("<h4>Your practice plan</h4><p>Pick the days and the time: the calendar "
                   "file reminds you five minutes before.</p>"),
            w.Box(list(self.days.values()), layout=w.Layout(flex_flow="row wrap",
                                                             grid_gap="0 12px")),
            self.at, self.minutes, self.weeks, self.button, self.result])
        self.widget.add_class("lm-plan")
        super().__init__(self.widget, html=self.static_html_now, text=self.summary)

    def chosen(self) -> list[str]:
        return [d for d, box in self.days.items() if box.value]

    def save(self, _button: Any = None) -> Path | None:
        """Write ``<data dir>/routines/<name>-plan.ics`` for the routine saved last."""
        from course.progress import data_dir
        from course.routine import Routine

        try:
            with self._opener() as progress:
                saved = progress.routines()
            if not saved:
                show_error(self.result, "Save a routine in the builder first: the plan is "
                           "made for the routine you saved last.")
                return None
            routine = Routine.from_json(saved[-1].routine_json)
            ics = practice_plan(routine, saved[-1].name, days=self.chosen(), at=self.at.value,
                                weeks=self.weeks.value, minutes=self.minutes.value)
            folder = self._folder if self._folder is not None else data_dir() / "routines"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{slug(saved[-1].name)}-plan.ics"
            write_atomic(path, ics, mode=PRIVATE)  # like the card's plan: names the routine
        except DB_ERRORS as exc:
            show_error(self.result, f"The calendar file was not written: {exc}")
            return None
        self.path = path
        days = ", ".join(DAY_NAMES[d] for d in self.chosen())
        self.result.value = notice_html(
            f"{days} at {self.at.value:%H:%M}, {self.minutes.value} minutes, for "
            f"{self.weeks.value} weeks: import {path} into your calendar.", title="Saved.")
        return path

    def summary(self) -> str:
        return (f"Practice plan: {', '.join(self.chosen()) or 'no day'} at "
                f"{self.at.value:%H:%M}, {self.weeks.value} weeks")

    def static_html_now(self) -> str:
        days = ", ".join(DAY_NAMES[d] for d in self.chosen()) or "no day chosen"
        return (f'<div class="lm-plan-static"><h4>Your practice plan</h4><p>{esc(days)} at '
                f"{self.at.value:%H:%M}, {self.minutes.value} minutes, for {self.weeks.value} "
                "weeks.</p><p><em>Run the notebook to choose the days and save the calendar "
                "file.</em></p></div>")


def practice_plan_maker() -> PlanMaker:
    """Choose weekdays, time and weeks, and save an .ics plan for the routine saved last."""
    return PlanMaker()
