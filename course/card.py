"""Take it with you: a one-page printable card (PDF) and a practice plan (.ics calendar).

The card is drawn with matplotlib's own PDF backend (already a course dependency, so no new
PDF library): one page, A4 or US Letter, with the routine per leg, a small picture of every
step, its time, pressure and instruction, the learner's cautions and the red flags that mean
stop and get help. The plan is an iCalendar file made with ``icalendar`` (a maintained
library): one repeating event, e.g. 10 minutes at 21:00 on the chosen weekdays for 4 weeks,
that any calendar program imports.

Both are pure functions of the routine and their arguments (no clock read inside unless no
date is given), so tests parse them back and get what was put in.
"""

from __future__ import annotations

import hashlib
import io
import math
import textwrap
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course.files import PRIVATE, write_atomic
from course.formats import clock
from course.models import Urgency, content

if TYPE_CHECKING:
    from course.routine import Routine, RoutineStep

PAPER = {"A4": (8.27, 11.69), "Letter": (8.5, 11.0)}  # inches
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DEFAULT_DAYS = ("MO", "WE", "FR")
DEFAULT_AT = time(21, 0)
DEFAULT_WEEKS = 4  # programmes longer than 4 weeks helped most (content-facts §3 [53])
DISCLAIMER = ("Stop for sharp, shooting or burning pain, numbness or tingling. This card is no "
              "substitute for advice from a health professional.")


# --- the card -------------------------------------------------------------------------------


def _side(step: RoutineStep) -> str:
    """The leg of a step: routines per leg carry ``side``; older ones mean both legs."""
    return getattr(step, "side", "") or "both"


def _groups(routine: Routine) -> list[tuple[str, list[RoutineStep]]]:
    groups: dict[str, list[RoutineStep]] = {}
    for s in routine.steps:
        groups.setdefault(_side(s), []).append(s)
    order = ["left", "right", "both"]
    return [(k, groups[k]) for k in sorted(groups, key=order.index)]


def _heading(side: str) -> str:
    return {"left": "Left leg", "right": "Right leg"}.get(
        side, "Each leg: do the steps on one leg, then on the other")


def red_flag_lines() -> list[str]:
    """The signs that mean stop and get help now or today, with what to do (from content)."""
    from course.safety import URGENCY_ADVICE

    c = content()
    lines = []
    for urgency in (Urgency.EMERGENCY, Urgency.SAME_DAY):
        for x in c.contraindications:
            if x.urgency is urgency and x.red_flags:
                lines.append(f"{x.name}: {'; '.join(x.red_flags)}. {URGENCY_ADVICE[urgency]}")
    return lines


def card_alt(routine: Routine, title: str) -> str:
    return (f"Printable card '{title}': {routine.goal_name}, {len(routine.steps)} steps, total "
            f"{clock(routine.total_seconds)}; a picture, the time, the pressure and what to do "
            "for each step; the cautions and the warning signs.")


def card_figure(routine: Routine, title: str = "My leg self-massage routine",
                paper: str = "A4") -> Any:
    """The card as one matplotlib figure of the paper's size (see :func:`card_pdf`)."""
    from course import plots
    from course.figures.steps import draw_step_leg

    if paper not in PAPER:
        raise ValueError(f"Unknown paper '{paper}': choose {' or '.join(PAPER)}")
    if not routine.steps:
        raise ValueError("The routine has no steps: there is nothing to print.")
    width, height = PAPER[paper]
    fig = plots.new_figure((width, height), 72, card_alt(routine, title))
    margin = 0.45 / width, 0.45 / height
    y = 1 - margin[1]

    def line(text: str, size: float, *, weight: str = "normal", gap: float = 0.0,
             x: float = margin[0], chars: int = 110) -> None:
        nonlocal y
        for part in textwrap.wrap(text, chars) or [""]:
            fig.text(x, y, part, fontsize=size, fontweight=weight, va="top")
            y -= (size * 1.35) / 72 / height
        y -= gap

    line(title, 16, weight="bold", gap=0.004)
    top = max((s.pressure for s in routine.steps), default=0)
    line(f"Goal: {routine.goal_name} · Time: {clock(routine.total_seconds)} · "
         f"Pressure: up to {top}/10 (0 = nothing, 10 = far too much)", 9, gap=0.006)

    groups = _groups(routine)
    rows = sum(len(g) for _s, g in groups)
    tail_lines = 6 + len(routine.cautions) + len(red_flag_lines()) * 2
    tail = tail_lines * 8.5 * 1.35 / 72 / height
    space = y - margin[1] - tail - 0.02 * len(groups)
    row_h = min(1.25 / height, space / max(rows, 1))
    pic_w = row_h * height / width * 1.2  # a picture a little wider than it is tall
    chars = 95 if row_h * height > 0.9 else 120
    for side, steps in groups:
        line(_heading(side), 11, weight="bold", gap=0.002)
        for s in steps:
            ax = fig.add_axes((margin[0], y - row_h, pic_w, row_h * 0.96))
            try:
                draw_step_leg(ax, s.technique, s.step, fontsize=4,
                              side=side if side in ("left", "right") else "right")
            except ValueError:  # a step with no drawing yet: the words still say it
                ax.set_axis_off()
            x = margin[0] + pic_w + 0.015
            top_y = y
            y -= 0.002
            line(f"{s.number}. {clock(s.start)}–{clock(s.end)}  {s.technique_name} · "
                 f"{', '.join(s.area_names)} · pressure {s.pressure}/10", 8.5, weight="bold",
                 x=x, chars=chars)
            line(s.instruction, 7.5, x=x, chars=chars + 4)
            y = min(y, top_y - row_h)
        y -= 0.01
    if routine.kept_out_areas:
        names = content().area
        line("Kept out: " + ", ".join(names[a].name if a in names else a
                                      for a in routine.kept_out_areas), 8.5, weight="bold")
    if routine.cautions:
        line("Your cautions", 9.5, weight="bold")
        for c in routine.cautions:
            line("• " + c, 7.5)
    y -= 0.004
    line("Warning signs: stop and get help", 9.5, weight="bold")
    for flag in red_flag_lines():
        line("• " + flag, 7.5, chars=130)
    y -= 0.004
    line(DISCLAIMER, 7.5, chars=130)
    return fig


def card_pdf(routine: Routine, title: str = "My leg self-massage routine",
             paper: str = "A4") -> bytes:
    """The one-page card as PDF bytes (matplotlib's PDF backend; no date stamp, so the same
    routine gives the same file)."""
    from matplotlib.backends.backend_pdf import PdfPages

    fig = card_figure(routine, title, paper)
    buf = io.BytesIO()
    with PdfPages(buf, metadata={"Title": title, "Subject": card_alt(routine, title),
                                 "Creator": "Leg self-massage course kit",
                                 "CreationDate": None}) as pdf:
        pdf.savefig(fig)
    from course import plots

    plots._close(fig)
    return buf.getvalue()


# --- the practice plan ----------------------------------------------------------------------


def _first_day(start: date, days: Sequence[str]) -> date:
    wanted = {WEEKDAYS.index(d) for d in days}
    for k in range(7):
        day = start + timedelta(days=k)
        if day.weekday() in wanted:
            return day
    raise AssertionError("unreachable: at least one weekday is wanted")


def practice_plan(routine: Routine, title: str = "Leg self-massage", *,
                  days: Sequence[str] = DEFAULT_DAYS, at: time = DEFAULT_AT,
                  weeks: int = DEFAULT_WEEKS, minutes: int | None = None,
                  start: date | None = None, stamp: datetime | None = None) -> bytes:
    """An .ics calendar: one event ``minutes`` long (default: the routine, rounded up) at
    ``at`` on each of ``days`` (``MO`` .. ``SU``) for ``weeks`` weeks from ``start`` (default
    today). Local ("floating") times, so 21:00 stays 21:00 wherever the learner is."""
    from icalendar import Alarm, Calendar, Event, vRecur

    days = [d.strip().upper()[:2] for d in days]
    bad = [d for d in days if d not in WEEKDAYS]
    if bad or not days:
        raise ValueError(f"Unknown weekday: {', '.join(bad) or 'none chosen'} "
                         f"(use {', '.join(WEEKDAYS)})")
    if not 1 <= weeks <= 52:
        raise ValueError(f"Weeks must be from 1 to 52, not {weeks}")
    length = minutes if minutes is not None else max(1, math.ceil(routine.total_seconds / 60))
    if not 1 <= length <= 120:
        raise ValueError(f"Minutes must be from 1 to 120, not {length}")
    first = _first_day(start or date.today(), days)
    begin = datetime.combine(first, at)
    stamp = stamp or datetime.now(UTC)

    cal = Calendar()
    cal.add("prodid", "-//Leg self-massage course kit//practice plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", title)
    ev = Event()
    digest = hashlib.sha1(f"{title}|{begin.isoformat()}|{','.join(days)}|{weeks}|"
                          f"{routine.to_json()}".encode()).hexdigest()[:16]
    ev.add("uid", f"{digest}@leg-massage-course")
    ev.add("dtstamp", stamp.astimezone(UTC))
    ev.add("dtstart", begin)
    ev.add("duration", timedelta(minutes=length))
    ev.add("summary", f"{title} ({length} min)")
    steps = "\n".join(f"{s.number}. {s.technique_name}: {', '.join(s.area_names)} "
                      f"({clock(s.seconds)}, {s.pressure}/10)" for s in routine.steps)
    ev.add("description", f"{routine.goal_name}\n{steps}\n\n{DISCLAIMER}")
    ev.add("rrule", vRecur(freq="weekly", byday=list(days), count=weeks * len(days)))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"{title}: time to practise")
    alarm.add("trigger", timedelta(minutes=-5))
    ev.add_component(alarm)
    cal.add_component(ev)
    return cal.to_ical()


def takeaway_paths(card_path: Path) -> list[Path]:
    """Where the takeaways of a Markdown card go: ``<name>-a4.pdf``, ``<name>-letter.pdf``
    and ``<name>.ics``, next to it."""
    stem = card_path.with_suffix("")
    return [stem.parent / f"{stem.name}-{p.lower()}.pdf" for p in PAPER] + [
        stem.parent / f"{stem.name}.ics"]


def write_takeaways(routine: Routine, title: str, card_path: Path) -> list[Path]:
    """Write the PDF cards (A4, Letter) and the practice plan next to the Markdown card."""
    paths = takeaway_paths(card_path)
    for paper, path in zip(PAPER, paths, strict=False):
        write_atomic(path, card_pdf(routine, title, paper), mode=PRIVATE)
    write_atomic(paths[-1], practice_plan(routine, title), mode=PRIVATE)  # lists conditions
    return paths


def saved_message(card_path: Path) -> str:
    """What Save tells the learner: where the card, the printable PDFs and the plan are."""
    names = ", ".join(p.name for p in takeaway_paths(card_path))
    return f"Your card is in {card_path} (to print and to import into a calendar: {names})"
