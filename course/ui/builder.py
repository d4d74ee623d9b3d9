"""The routine builder: screening checklist -> choices -> a live routine.

A thin shell over the pure core. The widget only collects answers, hands them to
:func:`course.safety.screen` and :func:`course.routine.build`, and shows what comes back:
whether to stop, what is kept out, and the routine. It never decides anything about safety
itself, so the property tests of the core hold for what the learner sees here.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ipywidgets as w

from course.models import Effect, content
from course.routine import MAX_MINUTES, Routine, build, clock
from course.safety import URGENCY_ADVICE, Profile, Screening, screen
from course.ui.display import (
    LABEL,
    Fallback,
    Static,
    error_html,
    esc,
    html_list,
    notice_html,
    show,
    show_error,
    visible,
)
from course.ui.pressure import band

GATE_ENV = "COURSE_REQUIRE_SAFETY_QUIZ"
GATE_BANK = "safety"
GATE_LESSON = "05_when_not_to_massage.ipynb"
GROUPS = {
    Effect.STOP: "Stop: any of these means no massage today",
    Effect.AREA: "Keep an area out: you will say where",
    Effect.CAUTION: "Go gently: lighter pressure and advice first",
}


# --- the seams to the learner's record (one small function each, easy to stub) -------------


def open_progress() -> Any:
    """The learner's progress record (``Progress.open()``), imported only when needed."""
    from course.progress import Progress

    return Progress.open()


def quiz_required(require_quiz: bool | None = None) -> bool:
    """Explicit argument first, else ``$COURSE_REQUIRE_SAFETY_QUIZ`` (default on)."""
    if require_quiz is not None:
        return bool(require_quiz)
    return os.environ.get(GATE_ENV, "1").strip().lower() not in {"0", "false", "no", "off"}


def safety_passed(opener: Callable[[], Any] = open_progress) -> bool:
    """Whether the learner passed the gate quiz (lesson 05's, marked ``gate: true`` in
    lessons.yaml) at its bank's pass mark.

    A sitting must have answered at least as many questions as the gate asks: a short review
    round or lesson 10's draw scoring 100 % must not open the gate. The gate asks a sitting
    of the safety bank, not the whole bank, so the whole bank's size would never be reached.
    """
    from course.quiz import gate_quiz

    c = content()
    _, gate, questions = gate_quiz(c)
    with opener() as progress:
        return bool(
            progress.passed(gate.bank, c.quiz[gate.bank].pass_mark, questions=len(questions))
        )


def slug(name: str) -> str:
    """``"Evening wind-down!"`` -> ``evening-wind-down``: a safe, readable file name."""
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-")
    return text or "routine"


def save_routine(
    routine: Routine, name: str, opener: Callable[[], Any] = open_progress,
    folder: Path | None = None,
) -> tuple[Path, int]:
    """Write the printable card to ``<data dir>/routines/<slug>-<n>.md`` and record the
    routine in progress. Returns the card's path and the routine's id.

    The card is written first with exclusive creation (``"x"``), so an existing card is never
    overwritten, even by a second kernel saving at the same moment.
    """
    from course.progress import data_dir

    name = name.strip()
    if not name:
        raise ValueError("Give your routine a name first.")
    target = Path(folder) if folder is not None else data_dir() / "routines"
    target.mkdir(parents=True, exist_ok=True)
    card = routine.to_markdown(title=name)
    n = 1
    while True:
        path = target / f"{slug(name)}-{n}.md"
        try:
            with path.open("x", encoding="utf-8") as fh:
                fh.write(card)
            break
        except FileExistsError:
            n += 1
    with opener() as progress:
        routine_id = progress.save_routine(name, routine.to_json(), card)
    return path, int(routine_id)


# --- HTML renderings (pure functions of core values) ----------------------------------------


def stop_html(s: Screening) -> str:
    """The stop message: what to do, why, and the red flags that need urgent help."""
    items = "".join(
        f"<li><strong>{esc(f.name)}</strong>: {esc(f.why)} {esc(f.instead)}</li>" for f in s.stops
    )
    flags = html_list(s.red_flags)
    flags = f"<p>Get help urgently if you notice:</p>{flags}" if flags else ""
    return (
        '<div class="lm-stop-box" role="alert" style="border:3px solid #D55E00;padding:8px">'
        f"<p><strong>STOP: do not massage.</strong> {esc(URGENCY_ADVICE[s.urgency])}</p>"
        f"<ul>{items}</ul>{flags}</div>"
    )


def table_html(r: Routine) -> str:
    from course.plots import technique_colours

    colours = technique_colours()
    rows = "".join(
        "<tr>"
        f"<td>{s.number}</td><td>{clock(s.start)}–{clock(s.end)}</td>"
        f"<td>{esc(', '.join(s.area_names))}</td>"
        f'<td><span aria-hidden="true" style="color:{colours.get(s.technique, "#999")}">'
        f"■</span> {esc(s.technique_name)}</td>"
        f"<td>{s.pressure}/10</td><td>{esc(s.why)}</td></tr>"
        for s in r.steps
    )
    head = "".join(
        f'<th scope="col">{h}</th>' for h in ("#", "Time", "Area", "Technique", "Pressure", "Why")
    )
    return (
        f'<table class="lm-steps"><caption>{esc(r.goal_name)}: {len(r.steps)} steps, '
        f"total {clock(r.total_seconds)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def legend_html(r: Routine) -> str:
    from course.plots import technique_colours

    colours = technique_colours()
    names = {s.technique: s.technique_name for s in r.steps}
    return '<span class="lm-legend">' + " · ".join(
        f'<span aria-hidden="true" style="color:{colours.get(t, "#999")}">■</span> {esc(n)}'
        for t, n in names.items()
    ) + "</span>"


def notes_html(r: Routine, s: Screening) -> str:
    parts = []
    kept = [f"{a}: {'; '.join(f.name for f in why)}" for a, why in s.kept_out.items()]
    if kept:
        parts.append("<p><strong>Kept out of your routine</strong></p>" + html_list(kept))
    if r.cautions:
        parts.append("<p><strong>Your cautions</strong></p>" + html_list(r.cautions))
    if r.tips:
        parts.append("<p><strong>Tips for these techniques</strong></p>" + html_list(r.tips))
    if r.left_out:
        parts.append("<p><strong>Left out, and why</strong></p>" + html_list(r.left_out))
    return "".join(parts)


# --- the widget -----------------------------------------------------------------------------


class RoutineBuilder(Fallback):
    """Screening checklist, choices and the live routine, with Save and Start practice.

    Child widgets are attributes so tests and browser tests can drive them:
    ``conditions[id]``, ``where[id]``, ``goal``, ``minutes``, ``areas[id]``, ``tennis_ball``,
    ``warm_towel``, ``pressure``, ``name``, ``save_button``, ``practice_button``, ``table``,
    ``total``, ``figure``, ``notes``, ``stop``, ``message``, ``saved``, ``gate``.
    """

    def __init__(
        self, require_quiz: bool | None = None, *, opener: Callable[[], Any] = open_progress,
        live: bool | None = None,
    ):
        from course.plots import TimelineFigure

        c = content()
        self._opener = opener
        self._live = live
        self._holding = 0
        self._timeline = TimelineFigure(key=False)
        self._drawn: tuple = ()
        self.routine: Routine | None = None
        self.screening: Screening | None = None
        self.routine_id: int | None = None
        self.saved_path: Path | None = None
        self._saved_routine: Routine | None = None
        self.timer: Any = None

        # step 1: screening
        self.conditions: dict[str, w.Checkbox] = {}
        self.where: dict[str, w.SelectMultiple] = {}
        rows: list[w.Widget] = []
        for effect, heading in GROUPS.items():
            rows.append(w.HTML(f"<strong>{esc(heading)}</strong>"))
            for item in (x for x in c.contraindications if x.effect is effect):
                # The label is the plain-language question itself: it is what the learner
                # answers, and what a screen reader announces for the box.
                box = w.Checkbox(False, description=" ".join(item.question.split()),
                                 tooltip=item.name, indent=False,
                                 layout=w.Layout(width="auto"), **LABEL)
                box.add_class("lm-condition")
                self.conditions[item.id] = box
                rows.append(box)
                if item.asks_where:
                    pick = w.SelectMultiple(
                        options=[(a.name, a.id) for a in c.areas], rows=4,
                        description=f"Where? ({item.name})", tooltip="Select every area affected",
                        layout=w.Layout(width="auto", display="none"), **LABEL)
                    pick.add_class("lm-where")
                    self.where[item.id] = pick
                    rows.append(pick)
        self.screening_box = w.VBox(
            [w.HTML("<h4>Step 1 · Screening: tick anything that applies to you today</h4>"),
             *rows])
        self.screening_box.add_class("lm-screening")
        self.stop = w.HTML(layout=w.Layout(display="none"))
        self.stop.add_class("lm-stop")

        # step 2: choices
        self.goal = w.Dropdown(options=[(g.name, g.id) for g in c.goals], value=c.goals[0].id,
                               description="Goal", tooltip="What the routine is for", **LABEL)
        # Number boxes and drop-downs rather than sliders: an ipywidgets slider handle has no
        # accessible name (axe-core: aria-input-field-name), these have proper labels.
        self.minutes = w.BoundedIntText(
            15, min=1, max=MAX_MINUTES, step=1, description="Minutes",
            tooltip=f"How long the whole routine lasts (1-{MAX_MINUTES})",
            layout=w.Layout(width="14em"), **LABEL)
        self.areas: dict[str, w.Checkbox] = {
            a.id: w.Checkbox(True, description=a.name, tooltip=a.note or a.name, indent=False,
                             layout=w.Layout(width="auto"), **LABEL)
            for a in c.areas if not a.never
        }
        self.tennis_ball = w.Checkbox(False, description="I have a tennis ball", indent=False,
                                      tooltip=c.equipment.get("tennis_ball", ""), **LABEL)
        self.warm_towel = w.Checkbox(False, description="Warm towel (optional warm-up)",
                                     indent=False, tooltip=c.equipment.get("warm_towel", ""),
                                     **LABEL)
        self.pressure = w.Dropdown(
            options=[(f"{n} · {band(n)[0]}", n) for n in range(11)], value=5,
            description="Pressure (0-10)", tooltip="0 barely a touch, 10 far too much", **LABEL)
        area_box = w.Box(list(self.areas.values()),
                         layout=w.Layout(flex_flow="row wrap", grid_gap="0 12px"))
        self.choices = w.VBox([
            w.HTML("<h4>Step 2 · Your choices</h4>"), self.goal, self.minutes,
            w.HTML("Areas to work on:"), area_box, self.tennis_ball, self.warm_towel,
            self.pressure])
        self.choices.add_class("lm-choices")

        # result
        self.message = w.HTML(layout=w.Layout(display="none"))
        self.message.add_class("lm-message")
        self.total = w.HTML()
        self.total.add_class("lm-total")
        self.table = w.HTML()
        self.table.add_class("lm-step-table")
        self.figure = w.HTML()
        self.figure.add_class("lm-timeline")
        self.notes = w.HTML()
        self.notes.add_class("lm-notes")
        self.name = w.Text("My leg routine", description="Name", tooltip="Name of the card",
                           **LABEL)
        self.save_button = w.Button(description="Save routine", icon="save",
                                    tooltip="Save the printable card and record the routine")
        self.save_button.add_class("lm-save")
        self.practice_button = w.Button(description="Start practice", icon="play",
                                        tooltip="Open the guided timer on this routine")
        self.practice_button.add_class("lm-practice")
        self.saved = w.HTML()
        self.saved.add_class("lm-saved")
        self.result = w.VBox([
            w.HTML("<h4>Your routine</h4>"), self.total, self.table, self.figure, self.notes,
            w.HBox([self.name, self.save_button, self.practice_button]), self.saved])
        self.result.add_class("lm-result")
        self.practice = w.VBox()
        self.practice.add_class("lm-practice-area")

        # gate
        self.gate = w.HTML(layout=w.Layout(display="none"))
        self.gate.add_class("lm-gate")
        self.recheck_button = w.Button(description="I passed it: check again",
                                       tooltip="Look again for a passed safety quiz",
                                       layout=w.Layout(display="none"))
        self.gated = quiz_required(require_quiz)

        self.widget = w.VBox([
            w.HTML("<h3>Build your routine</h3>"), self.gate, self.recheck_button,
            self.stop, self.screening_box, self.message, self.choices, self.result,
            self.practice])
        self.widget.add_class("lm-builder")
        super().__init__(self.widget, html=self.static_html_now, text=self.summary)

        for box in [*self.conditions.values(), *self.areas.values()]:
            box.observe(self.refresh, "value")
        for control in [*self.where.values(), self.goal, self.minutes, self.tennis_ball,
                        self.warm_towel, self.pressure]:
            control.observe(self.refresh, "value")
        self.save_button.on_click(self.on_save)
        self.practice_button.on_click(self.on_practice)
        self.recheck_button.on_click(self.on_recheck)
        self.on_recheck()

    # -- reading the inputs -----------------------------------------------------------------

    def profile(self) -> Profile:
        ticked = {cid for cid, box in self.conditions.items() if box.value}
        where = {cid: frozenset(pick.value) for cid, pick in self.where.items() if cid in ticked}
        return Profile(frozenset(ticked), where)

    def equipment(self) -> list[str]:
        return [e for e, box in (("tennis_ball", self.tennis_ball),
                                 ("warm_towel", self.warm_towel)) if box.value]

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Change many inputs, refresh once at the end (tests, presets)."""
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1
            if not self._holding:
                self.refresh()

    # -- reacting ---------------------------------------------------------------------------

    def on_recheck(self, _button: Any = None) -> None:
        """Apply the safety-quiz gate, then refresh."""
        problem = ""
        if self.gated:
            try:
                self.gated = not safety_passed(self._opener)
            except (OSError, ValueError, sqlite3.Error) as exc:
                problem = f" (Your progress could not be read: {exc})"
        if self.gated:
            self.gate.value = (
                '<div class="lm-gate-box" role="status" style="border:2px solid #0072B2;'
                'padding:6px 10px"><strong>Pass the safety quiz in lesson 05 first.</strong> '
                f'Open <a href="{GATE_LESSON}">{GATE_LESSON}</a>, pass its quiz, then come '
                f"back and press “check again”.{esc(problem)}</div>"
            )
        show(self.gate, self.gated)
        show(self.recheck_button, self.gated)
        for control in [*self.conditions.values(), *self.where.values(), *self.areas.values(),
                        self.goal, self.minutes, self.tennis_ball, self.warm_towel,
                        self.pressure, self.save_button, self.practice_button]:
            control.disabled = self.gated
        self.refresh()

    def refresh(self, _change: Any = None) -> None:
        """Screen, build and show: called on every change of any input."""
        if self._holding:
            return
        ticked = self.profile().conditions
        for cid, pick in self.where.items():
            show(pick, cid in ticked)
        self.routine = self.screening = None
        show(self.stop, False)
        show(self.message, False)
        if self.gated:
            self._show_result(False, choices=False)
            return
        profile = self.profile()
        try:
            s = screen(profile)
        except ValueError as exc:
            show_error(self.message, str(exc))
            self._show_result(False, choices=False)
            return
        self.screening = s
        if s.stopped:
            self.stop.value = stop_html(s)
            show(self.stop, True)
            self._show_result(False, choices=False)
            return
        try:
            r = build(profile, goal=self.goal.value, minutes=self.minutes.value,
                      areas=[a for a, box in self.areas.items() if box.value],
                      equipment=self.equipment(), pressure=self.pressure.value)
        except ValueError as exc:  # SafetyStop is a ValueError too
            show_error(self.message, str(exc))
            self._show_result(False, choices=True)
            return
        from course.plots import figure_html

        self.routine = r
        self.total.value = (
            f"<p><strong>Total {clock(r.total_seconds)}</strong> · {esc(r.goal_name)}</p>"
        )
        self.table.value = table_html(r)
        drawn = tuple((st.start, st.seconds, st.technique, st.areas) for st in r.steps)
        if drawn != self._drawn:  # a pressure change alone leaves the timeline as it was
            self._timeline.draw(r)
            self._drawn = drawn
            self.figure.value = (
                figure_html(self._timeline.fig, close=False)
                + '<div class="lm-caption">Steps (rows, numbered as in the table) along the '
                "time of the routine (mm:ss). " + legend_html(r) + "</div>"
            )
        self.notes.value = notes_html(r, s)
        if r != self._saved_routine:
            self.saved.value = ""
        self._show_result(True, choices=True)

    def _show_result(self, on: bool, *, choices: bool) -> None:
        show(self.choices, choices)
        show(self.result, on)
        if not on:
            self.table.value = self.total.value = self.figure.value = self.notes.value = ""
            self._drawn = ()
        self.save_button.disabled = self.practice_button.disabled = not on

    def on_save(self, _button: Any = None) -> None:
        if self.routine is None:
            show_error(self.saved, "There is no routine to save yet.")
            return
        try:
            path, rid = save_routine(self.routine, self.name.value, self._opener)
        except (OSError, ValueError, sqlite3.Error) as exc:
            show_error(self.saved, f"Could not save the routine: {exc}")
            return
        self.saved_path, self.routine_id, self._saved_routine = path, rid, self.routine
        self.saved.value = notice_html(f"Your card is in {path}", title="Saved.")

    def on_practice(self, _button: Any = None) -> None:
        from course.ui.timer import PracticeTimer

        if self.routine is None:
            show_error(self.saved, "Build a routine first: there is nothing to practise yet.")
            return
        if self.timer is not None:
            self.timer.stop()
        rid = self.routine_id if self.routine == self._saved_routine else None
        self.timer = PracticeTimer(self.routine, routine_id=rid, opener=self._opener,
                                   live=self._live)
        self.practice.children = (self.timer.widget,)

    # -- static renderings --------------------------------------------------------------------

    def summary(self) -> str:
        if self.gated:
            return "Routine builder (locked: pass the safety quiz in lesson 05 first)"
        if self.screening is not None and self.screening.stopped:
            return "Routine builder: STOP, do not massage (see the message)"
        if self.routine is None:
            return "Routine builder: no routine (see the message)"
        r = self.routine
        return (f"Routine builder: {r.goal_name}, {len(r.steps)} steps, "
                f"total {clock(r.total_seconds)}")

    def static_html_now(self) -> str:
        """What the widget shows now, as plain HTML, for viewers without a kernel."""
        items = "".join(
            f"<li>{'☑' if box.value else '☐'} {esc(box.description)}: "
            f"{esc(box.tooltip)}</li>" for box in self.conditions.values()
        )
        parts = ['<div class="lm-builder-static"><h3>Build your routine</h3>']
        if self.gated:
            parts.append(self.gate.value)
        parts.append(f"<p>Step 1 · Screening checklist:</p><ul>{items}</ul>")
        for part in (self.stop, self.message):
            if visible(part):
                parts.append(part.value)
        if self.routine is not None:
            parts += [self.total.value, self.table.value, self.figure.value, self.notes.value]
        parts.append("<p><em>Run the notebook to change the answers and choices.</em></p></div>")
        return "".join(parts)


def screening(*conditions: str, **where: list[str]) -> Static:
    """What the safety gate says for some answers, e.g. ``screening("varicose_veins",
    varicose_veins=["calf"])``: a stop message, or what is kept out and which cautions apply.
    Used by the lessons to show the three kinds side by side."""
    s = screen(Profile.of(*conditions, **where))
    if s.stopped:
        return Static(stop_html(s), s.summary())
    parts = []
    kept = [f"{a}: {'; '.join(f.name for f in why)}" for a, why in s.kept_out.items()]
    if kept:
        parts.append("<p><strong>Kept out of every routine</strong></p>" + html_list(kept))
    if s.cautions:
        parts.append(
            f"<p><strong>Cautions: pressure at most {s.max_pressure}/10</strong></p>"
            + html_list(f"{f.name}: {f.instead}" for f in s.cautions)
        )
    if not parts:
        parts.append("<p>Nothing in these answers rules massage out. Start gently.</p>")
    return Static('<div class="lm-screening" role="status">' + "".join(parts) + "</div>",
                  s.summary())


def example_routine(*conditions: str, where: dict | None = None, **choices: Any) -> Static:
    """A worked example: the routine ``build`` makes for these answers and choices, with its
    table, timeline and notes, shown without widgets (so it reads the same on any viewer)."""
    from course import plots

    profile = Profile.of(*conditions, **(where or {}))
    try:
        r = build(profile, **choices)
    except ValueError as exc:  # a stop or a refusal is itself the lesson
        return Static(error_html(str(exc)), str(exc))
    fig = plots.timeline(r)
    html = (
        f"<p><strong>Total {clock(r.total_seconds)}</strong> · {esc(r.goal_name)}</p>"
        + table_html(r) + plots.figure_html(fig, plots.alt_text(fig))
        + notes_html(r, screen(profile))
    )
    lines = [f"{s.number}. {clock(s.start)}-{clock(s.end)} {s.technique_name} "
             f"({', '.join(s.area_names)}, {s.pressure}/10)" for s in r.steps]
    return Static(html, f"{r.goal_name}, total {clock(r.total_seconds)}\n" + "\n".join(lines))


def routine_builder(require_quiz: bool | None = None) -> RoutineBuilder:
    """The routine builder (``require_quiz=False`` switches off the safety-quiz gate)."""
    return RoutineBuilder(require_quiz)


__all__ = [
    "RoutineBuilder",
    "example_routine",
    "routine_builder",
    "safety_passed",
    "save_routine",
    "screening",
]
