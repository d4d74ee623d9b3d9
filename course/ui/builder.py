"""The routine builder: screening checklist -> choices -> a live routine.

A thin shell over the pure core. The widget only collects answers, hands them to
:func:`course.safety.screen` and :func:`course.routine.build`, and shows what comes back:
whether to stop, what is kept out, and the routine. It never decides anything about safety
itself, so the property tests of the core hold for what the learner sees here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ipywidgets as w

from course.card import saved_message
from course.models import Contraindication, Effect, Hold, Phase, content
from course.routine import MAX_MINUTES, Routine, build, clock, reasons_text
from course.safety import (
    LEG_NAMES,
    SIDE_CHOICES,
    URGENCY_ADVICE,
    Profile,
    Screening,
    clearance_wording,
    exclusion_name,
    screen,
)
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
    tolerate,
    visible,
)
from course.ui.pictures import kept_leg_html
from course.ui.pressure import band
from course.ui.store import DB_ERRORS, open_progress, save_routine, take_notice
from course.ui.store import problem as problem_text

GATE_ENV = "COURSE_REQUIRE_SAFETY_QUIZ"
GROUPS = {
    "stop": "Stop: any of these means no massage today",
    "hold": "A clinician first: nothing (or nothing on that leg) until one has said it is fine",
    "area": "Keep an area out: you will say where and on which leg",
    "caution": "Go gently: lighter pressure, some techniques left out",
    "risk": "Clot risk factors and recent events: these change the routine too",
}
SIDE_LABELS = {"both": "Both legs", "left": "Left leg", "right": "Right leg"}


def group_of(item: Contraindication, risk_factor: bool) -> str:
    """Which heading of the checklist a question sits under (its strongest effect)."""
    if item.effect is Effect.STOP:
        return "stop"
    if risk_factor:
        return "risk"
    if item.hold is not Hold.NONE:
        return "hold"
    return "area" if item.effect is Effect.AREA else "caution"


# --- the seams to the learner's record (one small function each, easy to stub) -------------


def quiz_required(require_quiz: bool | None = None) -> bool:
    """Explicit argument first, else ``$COURSE_REQUIRE_SAFETY_QUIZ`` (default on)."""
    if require_quiz is not None:
        return bool(require_quiz)
    return os.environ.get(GATE_ENV, "1").strip().lower() not in {"0", "false", "no", "off"}


def safety_passed(opener: Callable[[], Any] = open_progress) -> bool:
    """Whether the learner passed the gate quiz (lesson 05's, marked ``gate: true`` in
    lessons.yaml) at its bank's pass mark.

    Judged by :func:`course.quiz.passed` on exactly the gate's question ids, the rule the
    dashboard and the class report use too: one sitting must have answered every one of them,
    so a short review round or lesson 10's draw scoring 100 % never opens the gate.
    """
    from course.quiz import gate_quiz

    c = content()
    _, gate, questions = gate_quiz(c)
    with opener() as progress:
        return bool(progress.passed(
            gate.bank, c.quiz[gate.bank].pass_mark, questions=[q.id for q in questions]
        ))


def gate_lesson() -> tuple[str, str]:
    """``("05", "05_when_not_to_massage.ipynb")``: the number and notebook of the lesson whose
    quiz is the gate (``gate: true`` in lessons.yaml), for the locked builder's message."""
    from course.quiz import gate_quiz

    lesson, _, _ = gate_quiz(content())
    return lesson.number, f"{lesson.id}.ipynb"


def equipment_label(item_id: str) -> str:
    """"I have a tennis ball": the checkbox text for an equipment entry of techniques.yaml,
    marked optional when only warm-up techniques use it (the routine works without it)."""
    c = content()
    users = [t for t in c.techniques if item_id in t.equipment]
    optional = bool(users) and all(t.phase is Phase.WARM_UP for t in users)
    return f"I have {c.equipment[item_id]}" + (" (optional warm-up)" if optional else "")


def classed(widget: Any, css_class: str) -> Any:
    """``widget`` with ``css_class`` added: the hook browser tests and the page's styles use."""
    widget.add_class(css_class)
    return widget


# --- HTML renderings (pure functions of core values) ----------------------------------------


def stop_html(s: Screening) -> str:
    """The stop message: what to do, why, and the red flags that need urgent help."""
    items = "".join(
        f"<li><strong>{esc(f.name)}</strong>: {esc(f.why)}"
        + ("" if f.instead == f.why else f" {esc(f.instead)}") + "</li>" for f in s.stops
    )
    flags = html_list(s.red_flags)
    flags = f"<p>Get help urgently if you notice:</p>{flags}" if flags else ""
    return (
        '<div class="lm-stop-box" role="alert" style="border:3px solid #D55E00;padding:8px">'
        f"<p><strong>STOP: do not massage.</strong> {esc(URGENCY_ADVICE[s.urgency])}</p>"
        f"<ul>{items}</ul>{flags}</div>"
    )


def hold_html(s: Screening) -> str:
    """The hold message: which answers wait for a clinician, and how to go on once cleared."""
    items = "".join(f"<li><strong>{esc(f.name)}</strong>: {esc(f.instead)}</li>"
                    for f in s.holds)
    return (
        '<div class="lm-hold-box" role="status" style="border:3px solid #E69F00;padding:8px">'
        "<p><strong>WAIT: see a clinician first.</strong> Nothing is planned until a clinician "
        "has said gentle self-massage is fine for you. Then tick “"
        f"{esc(clearance_wording())}” below.</p><ul>{items}</ul></div>"
    )


def table_html(r: Routine) -> str:
    from course.plots import technique_colours

    colours = technique_colours()
    rows = "".join(
        "<tr>"
        f"<td>{s.number}</td><td>{clock(s.start)}–{clock(s.end)}</td>"
        f"<td>{esc(s.leg_name)}</td><td>{esc(', '.join(s.area_names))}</td>"
        f'<td><span aria-hidden="true" style="color:{colours.get(s.technique, "#999")}">'
        f"■</span> {esc(s.technique_name)}</td>"
        f"<td>{esc(s.pressure_text)}</td><td>{esc(s.why)}</td></tr>"
        for s in r.steps
    )
    head = "".join(
        f'<th scope="col">{h}</th>'
        for h in ("#", "Time", "Leg", "Area", "Technique", "Pressure", "Why")
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


def notes_html(r: Routine, s: Screening | None = None) -> str:
    """What the answers did to the routine: kept out per leg, legs waiting, cautions (the
    advice of every answer), what was left out and why, then the technique tips."""
    parts = []
    if r.kept_out:
        parts.append("<p><strong>Kept out of your routine</strong></p>" + html_list(r.kept_out))
    if r.held_legs:
        parts.append("<p><strong>Waiting for a clinician's OK</strong></p>" + html_list(
            LEG_NAMES[x] for x in r.held_legs))
    if r.cleared:
        parts.append(f"<p><strong>Clearance (your confirmation):</strong> "
                     f"{esc(clearance_wording())}</p>")
    if r.cautions:
        parts.append("<p><strong>Your cautions</strong></p>" + html_list(r.cautions))
    if r.left_out:
        parts.append("<p><strong>Left out, and why</strong></p>" + html_list(r.left_out))
    if r.tips:
        parts.append("<p><strong>Tips for these techniques</strong></p>" + html_list(r.tips))
    return "".join(parts)


# --- the screening checklist ----------------------------------------------------------------


class ScreeningChecklist(Fallback):
    """Every screening question as a tick box; "where" and "which leg" appear once ticked;
    the clearance box appears once an answer waits for a clinician.

    Used by the routine builder (step 1) and by the practice gate. ``initial`` fills it in;
    ``on_change(profile)`` is called on every change and ``on_done(profile)`` when the learner
    presses "These are my answers". Children: ``conditions[id]``, ``where[id]``, ``sides[id]``,
    ``clearance``, ``done_button``.
    """

    def __init__(
        self, initial: Profile | None = None, *,
        on_change: Callable[[Profile], None] | None = None,
        on_done: Callable[[Profile], None] | None = None, done_button: bool = True,
    ):
        c = content()
        self.on_change = on_change
        self.on_done = on_done
        self._quiet = 0
        self.conditions: dict[str, w.Checkbox] = {}
        self.where: dict[str, w.SelectMultiple] = {}
        self.sides: dict[str, w.Dropdown] = {}
        risk = {x.id for x in c.risk_factors}
        grouped: dict[str, list[Contraindication]] = {g: [] for g in GROUPS}
        for item in c.screening_items:
            grouped[group_of(item, item.id in risk)].append(item)
        rows: list[w.Widget] = []
        for group, heading in GROUPS.items():
            if not grouped[group]:
                continue
            rows.append(w.HTML(f"<strong>{esc(heading)}</strong>"))
            for item in grouped[group]:
                # The label is the plain-language question itself: it is what the learner
                # answers, and what a screen reader announces for the box.
                box = w.Checkbox(False, description=" ".join(item.question.split()),
                                 tooltip=item.name, indent=False,
                                 layout=w.Layout(width="auto"), **LABEL)
                box.add_class("lm-condition")
                self.conditions[item.id] = box
                rows.append(box)
                if item.asks_leg:
                    side = w.Dropdown(options=[(SIDE_LABELS[x], x) for x in SIDE_CHOICES],
                                      value="both", description=f"Which leg? ({item.name})",
                                      tooltip="Left, right or both legs",
                                      layout=w.Layout(width="auto", display="none"), **LABEL)
                    side.add_class("lm-side")
                    self.sides[item.id] = side
                    rows.append(side)
                if item.asks_where:
                    pick = w.SelectMultiple(
                        options=[(a.name, a.id) for a in c.areas], rows=4,
                        description=f"Where? ({item.name})", tooltip="Select every area affected",
                        layout=w.Layout(width="auto", display="none"), **LABEL)
                    pick.add_class("lm-where")
                    self.where[item.id] = pick
                    rows.append(pick)
        self.clearance = w.Checkbox(False, description=clearance_wording(), indent=False,
                                    tooltip="Tick only when a clinician has told you so",
                                    layout=w.Layout(width="auto", display="none"), **LABEL)
        self.clearance.add_class("lm-clearance")
        self.done_button = w.Button(description="These are my answers", icon="check",
                                    tooltip="Use these answers",
                                    layout=w.Layout(display="flex" if done_button else "none"))
        self.done_button.add_class("lm-screening-done")
        self.widget = w.VBox([
            w.HTML("<h4>Screening: tick anything that applies to you today</h4>"), *rows,
            self.clearance, self.done_button])
        self.widget.add_class("lm-screening")
        super().__init__(self.widget, html=self.static_html_now, text=self.summary)
        if initial is not None:
            self.set_profile(initial)
        for control in [*self.conditions.values(), *self.where.values(), *self.sides.values(),
                        self.clearance]:
            control.observe(self._changed, "value")
        self.done_button.on_click(self._done)
        self._show_parts()

    def profile(self) -> Profile:
        """The answers as they stand (possibly incomplete: ``screen`` says what is missing)."""
        ticked = {cid for cid, box in self.conditions.items() if box.value}
        where = {cid: frozenset(p.value) for cid, p in self.where.items() if cid in ticked}
        sides = {cid: d.value for cid, d in self.sides.items()
                 if cid in ticked and d.value != "both"}
        return Profile(frozenset(ticked), where, sides, self.clearance.value)

    def set_profile(self, profile: Profile) -> None:
        """Fill the boxes from stored answers (unknown ids are ignored: the checklist asks)."""
        self._quiet += 1
        try:
            for cid, box in self.conditions.items():
                box.value = cid in profile.conditions
            for cid, pick in self.where.items():
                pick.value = tuple(o[1] for o in pick.options
                                   if o[1] in profile.where.get(cid, ()))
            for cid, side in self.sides.items():
                side.value = profile.sides.get(cid, "both")
            self.clearance.value = profile.cleared
        finally:
            self._quiet -= 1
        self._show_parts()

    def _holds_answered(self) -> bool:
        c = content()
        return any(box.value and c.screening_item[cid].hold is not Hold.NONE
                   for cid, box in self.conditions.items())

    def _show_parts(self) -> None:
        for cid, pick in self.where.items():
            show(pick, self.conditions[cid].value)
        for cid, side in self.sides.items():
            show(side, self.conditions[cid].value)
        show(self.clearance, self._holds_answered())

    def _changed(self, _change: Any = None) -> None:
        self._show_parts()
        if not self._quiet and self.on_change is not None:
            self.on_change(self.profile())

    def _done(self, _button: Any = None) -> None:
        if self.on_done is not None:
            self.on_done(self.profile())

    def summary(self) -> str:
        ticked = sum(box.value for box in self.conditions.values())
        return f"Screening checklist: {ticked} answer(s) ticked"

    def static_html_now(self) -> str:
        items = "".join(
            f"<li>{'☑' if box.value else '☐'} {esc(box.description)}</li>"
            for box in self.conditions.values()
        )
        return (f'<div class="lm-screening-static"><p>Screening checklist:</p><ul>{items}</ul>'
                "<p><em>Run the notebook to tick your answers.</em></p></div>")


def screening_checklist(
    initial: Profile | None = None, *, on_change: Callable[[Profile], None] | None = None,
    on_done: Callable[[Profile], None] | None = None,
) -> ScreeningChecklist:
    """The screening checklist widget (see :class:`ScreeningChecklist`)."""
    return ScreeningChecklist(initial, on_change=on_change, on_done=on_done)


# --- the widget -----------------------------------------------------------------------------


class RoutineBuilder(Fallback):
    """Screening checklist, choices and the live routine, with Save and Start practice.

    Child widgets are attributes so tests and browser tests can drive them:
    ``conditions[id]``, ``where[id]``, ``goal``, ``minutes``, ``areas[id]``, ``kit[id]`` (one
    box per equipment entry), ``pressure``, ``name``, ``save_button``, ``practice_button``,
    ``table``, ``total``, ``figure``, ``notes``, ``stop``, ``message``, ``saved``, ``gate``.
    """

    def __init__(
        self, require_quiz: bool | None = None, *, opener: Callable[[], Any] = open_progress,
        live: bool | None = None, initial: Profile | None = None,
        on_profile: Callable[[Profile], None] | None = None,
    ):
        from course.plots import TimelineFigure

        self._on_profile = on_profile
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
        self.gated = quiz_required(require_quiz)

        self.widget = w.VBox([
            w.HTML("<h3>Build your routine</h3>"), *self._make_gate(),
            *self._make_screening(initial, done_button=on_profile is not None),
            self.message, self._make_choices(), self._make_result(), self.practice])
        self.widget.add_class("lm-builder")
        super().__init__(self.widget, html=self.static_html_now, text=self.summary)
        self._wire()
        self.on_recheck()

    # -- building the widget, one step of the page each ----------------------------------------

    def _make_gate(self) -> list[w.Widget]:
        """The locked-builder notice and its "check again" button (hidden when open)."""
        self.gate = classed(w.HTML(layout=w.Layout(display="none")), "lm-gate")
        self.recheck_button = w.Button(description="I passed it: check again",
                                       tooltip="Look again for a passed safety quiz",
                                       layout=w.Layout(display="none"))
        return [self.gate, self.recheck_button]

    def _make_screening(self, initial: Profile | None, done_button: bool) -> list[w.Widget]:
        """Step 1: the stop and hold messages and the screening checklist (the same one the
        practice gate shows)."""
        self.checklist = ScreeningChecklist(initial, done_button=done_button,
                                            on_done=self._profile_done)
        self.conditions = self.checklist.conditions
        self.where = self.checklist.where
        self.sides = self.checklist.sides
        self.clearance = self.checklist.clearance
        self.screening_box = classed(w.VBox([
            w.HTML("<h4>Step 1 · Screening: tick anything that applies to you today</h4>"),
            self.checklist.widget]), "lm-screening")
        self.stop = classed(w.HTML(layout=w.Layout(display="none")), "lm-stop")
        self.hold_box = classed(w.HTML(layout=w.Layout(display="none")), "lm-hold")
        self.message = classed(w.HTML(layout=w.Layout(display="none")), "lm-message")
        return [self.stop, self.hold_box, self.screening_box]

    def _make_choices(self) -> w.VBox:
        """Step 2: goal, minutes, areas, equipment and pressure, all from the content."""
        c = content()
        self.goal = w.Dropdown(options=[(g.name, g.id) for g in c.goals], value=c.goals[0].id,
                               description="Goal", tooltip="What the routine is for", **LABEL)
        # Number boxes and drop-downs rather than sliders: an ipywidgets slider handle has no
        # accessible name (axe-core: aria-input-field-name), these have proper labels.
        # A plain number box: a value out of range gets a message, never a silent clamp.
        self.minutes = w.IntText(
            15, step=1, description="Minutes",
            tooltip=f"How long the whole routine lasts (1-{MAX_MINUTES})",
            layout=w.Layout(width="14em"), **LABEL)
        self.areas: dict[str, w.Checkbox] = {
            a.id: w.Checkbox(True, description=a.name, tooltip=a.note or a.name, indent=False,
                             layout=w.Layout(width="auto"), **LABEL)
            for a in c.areas if not a.never
        }
        self.kit: dict[str, w.Checkbox] = {
            e: w.Checkbox(False, description=equipment_label(e), indent=False, tooltip=name,
                          **LABEL)
            for e, name in c.equipment.items()
        }
        self.pressure = w.Dropdown(
            options=[(f"{n} · {band(n)[0]}", n) for n in range(11)], value=5,
            description="Pressure (0-10)", tooltip="0 barely a touch, 10 far too much", **LABEL)
        area_box = w.Box(list(self.areas.values()),
                         layout=w.Layout(flex_flow="row wrap", grid_gap="0 12px"))
        self.choices = classed(w.VBox([
            w.HTML("<h4>Step 2 · Your choices</h4>"), self.goal, self.minutes,
            w.HTML("Areas to work on:"), area_box, *self.kit.values(), self.pressure]),
            "lm-choices")
        return self.choices

    def _make_result(self) -> w.VBox:
        """The routine: total, table, timeline, notes, the legs, Save and Start practice."""
        self.total = classed(w.HTML(), "lm-total")
        self.table = classed(w.HTML(), "lm-step-table")
        self.figure = classed(w.HTML(), "lm-timeline")
        self.notes = classed(w.HTML(), "lm-notes")
        # both legs: never-zones, margin, what is kept out (cached)
        self.leg = classed(w.HTML(), "lm-builder-leg")
        self.name = w.Text("My leg routine", description="Name", tooltip="Name of the card",
                           **LABEL)
        self.save_button = classed(w.Button(
            description="Save routine", icon="save",
            tooltip="Save the printable card and record the routine"), "lm-save")
        self.practice_button = classed(w.Button(
            description="Start practice", icon="play",
            tooltip="Open the guided timer on this routine"), "lm-practice")
        self.saved = classed(w.HTML(), "lm-saved")
        self.result = classed(w.VBox([
            w.HTML("<h4>Your routine</h4>"), self.total, self.table, self.figure, self.notes,
            self.leg,
            w.HBox([self.name, self.save_button, self.practice_button]), self.saved]),
            "lm-result")
        self.practice = classed(w.VBox(), "lm-practice-area")
        return self.result

    def _inputs(self) -> list[w.Widget]:
        """Every input the learner changes: each change rebuilds the routine."""
        return [*self.conditions.values(), *self.where.values(), *self.sides.values(),
                self.clearance, *self.areas.values(), self.goal, self.minutes,
                *self.kit.values(), self.pressure]

    def _wire(self) -> None:
        """Every input refreshes the routine; the buttons do what they say."""
        for control in self._inputs():
            control.observe(self.refresh, "value")
        tolerate(self.message, self.goal, self.pressure, *self.where.values())
        self.save_button.on_click(self.on_save)
        self.practice_button.on_click(self.on_practice)
        self.recheck_button.on_click(self.on_recheck)

    # -- reading the inputs -----------------------------------------------------------------

    def profile(self) -> Profile:
        return self.checklist.profile()

    def _profile_done(self, profile: Profile) -> None:
        """Hand the answers to ``on_profile`` (done button, Save and Start practice)."""
        if self._on_profile is not None:
            self._on_profile(profile)

    def equipment(self) -> list[str]:
        return [e for e, box in self.kit.items() if box.value]

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
            except DB_ERRORS as exc:
                problem = " " + problem_text(exc, "read your progress")
        if self.gated:
            number, notebook = gate_lesson()
            self.gate.value = (
                '<div class="lm-gate-box" role="status" style="border:2px solid #0072B2;'
                f'padding:6px 10px"><strong>Pass the safety quiz in lesson {number} first.'
                f'</strong> Open <a href="{notebook}">{notebook}</a>, pass its quiz, then come '
                f"back and press “check again”.{esc(problem)}</div>" + take_notice()
            )
        show(self.gate, self.gated)
        show(self.recheck_button, self.gated)
        for control in [*self._inputs(), self.checklist.done_button, self.save_button,
                        self.practice_button]:
            control.disabled = self.gated
        self.refresh()

    def refresh(self, _change: Any = None) -> None:
        """Screen, build and show: called on every change of any input."""
        if self._holding:
            return
        self.routine = self.screening = None
        show(self.stop, False)
        show(self.hold_box, False)
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
        if s.held:
            self.hold_box.value = hold_html(s)
            show(self.hold_box, True)
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
        self.notes.value = notes_html(r)
        self.leg.value = kept_leg_html({side: set(leg.kept_out) for side, leg in s.legs.items()})
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
        except DB_ERRORS as exc:
            show_error(self.saved, problem_text(exc, "save the routine"))
            return
        self.saved_path, self.routine_id, self._saved_routine = path, rid, self.routine
        self._profile_done(self.profile())
        self.saved.value = take_notice() + notice_html(saved_message(path), title="Saved.")

    def on_practice(self, _button: Any = None) -> None:
        from course.ui.timer import PracticeTimer

        if self.routine is None:
            show_error(self.saved, "Build a routine first: there is nothing to practise yet.")
            return
        if self.timer is not None:
            self.timer.stop()
        self._profile_done(self.profile())
        rid = self.routine_id if self.routine == self._saved_routine else None
        self.timer = PracticeTimer(self.routine, routine_id=rid, opener=self._opener,
                                   live=self._live)
        self.practice.children = (self.timer.widget,)

    # -- static renderings --------------------------------------------------------------------

    def summary(self) -> str:
        if self.gated:
            return ("Routine builder (locked: pass the safety quiz in lesson "
                    f"{gate_lesson()[0]} first)")
        if self.screening is not None and self.screening.stopped:
            return "Routine builder: STOP, do not massage (see the message)"
        if self.screening is not None and self.screening.held:
            return "Routine builder: WAIT, see a clinician first (see the message)"
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
        for part in (self.stop, self.hold_box, self.message):
            if visible(part):
                parts.append(part.value)
        if self.routine is not None:
            parts += [self.total.value, self.table.value, self.figure.value, self.notes.value]
        parts.append("<p><em>Run the notebook to change the answers and choices.</em></p></div>")
        return "".join(parts)


def screening_html(s: Screening) -> str:
    """What the answers mean, without widgets: stop, wait, or per leg what changes."""
    if s.stopped:
        return stop_html(s)
    if s.held:
        return hold_html(s)
    parts = []
    for leg in s.legs.values():
        if leg.held:
            parts.append(f"<p><strong>{esc(leg.name)}: waits for a clinician's OK</strong> ("
                         + esc("; ".join(f.name for f in leg.holds)) + ")</p>")
    kept = [f"{leg.name}: " + "; ".join(f"{content().area[a].name} ("
                                        + ", ".join(f.name for f in why) + ")"
                                        for a, why in leg.kept_out.items())
            for leg in s.legs.values() if leg.kept_out]
    if kept:
        parts.append("<p><strong>Kept out of every routine</strong></p>" + html_list(kept))
    caps = [f"{leg.name}: at most {leg.max_pressure}/10" + (f" ({leg.cues[0]})" if leg.cues
                                                           else "")
            for leg in s.legs.values() if leg.capped_by]
    if caps:
        parts.append("<p><strong>Pressure</strong></p>" + html_list(caps))
    if s.excluded:
        parts.append("<p><strong>Left out</strong></p>" + html_list(
            f"{exclusion_name(x)} ({reasons_text(why)})" for x, why in s.excluded.items()))
    if s.advice:
        parts.append("<p><strong>What to do</strong></p>" + html_list(s.advice))
    if not parts:
        parts.append("<p>Nothing in these answers rules massage out. Start gently.</p>")
    return '<div class="lm-screening" role="status">' + "".join(parts) + "</div>"


def screening(*conditions: str, sides: dict[str, str] | None = None, cleared: bool = False,
              **where: list[str]) -> Static:
    """What the safety gate says for some answers, e.g. ``screening("varicose_veins",
    varicose_veins=["calf"], sides={"varicose_veins": "left"})``: a stop, a wait for a
    clinician, or per leg what is kept out, capped and left out. Used by the lessons."""
    s = screen(Profile.of(*conditions, sides=sides, cleared=cleared, **where))
    return Static(screening_html(s), s.summary())


def example_routine(*conditions: str, where: dict | None = None, sides: dict | None = None,
                    cleared: bool = False, **choices: Any) -> Static:
    """A worked example: the routine ``build`` makes for these answers and choices, with its
    table, timeline and notes, shown without widgets (so it reads the same on any viewer)."""
    from course import plots

    profile = Profile.of(*conditions, sides=sides, cleared=cleared, **(where or {}))
    try:
        r = build(profile, **choices)
    except ValueError as exc:  # a stop, a hold or a refusal is itself the lesson
        s = getattr(exc, "screening", None)
        if s is not None:
            return Static(screening_html(s), str(exc))
        return Static(error_html(str(exc)), str(exc))
    fig = plots.timeline(r)
    html = (
        f"<p><strong>Total {clock(r.total_seconds)}</strong> · {esc(r.goal_name)}</p>"
        + table_html(r) + plots.figure_html(fig, plots.alt_text(fig))
        + notes_html(r)
    )
    lines = [f"{s.number}. {clock(s.start)}-{clock(s.end)} {s.leg_name}: {s.technique_name} "
             f"({', '.join(s.area_names)}, {s.pressure_text})" for s in r.steps]
    return Static(html, f"{r.goal_name}, total {clock(r.total_seconds)}\n" + "\n".join(lines))


def routine_builder(require_quiz: bool | None = None, *, initial: Profile | None = None,
                    on_profile: Callable[[Profile], None] | None = None) -> RoutineBuilder:
    """The routine builder (``require_quiz=False`` switches off the safety-quiz gate);
    ``initial`` fills the checklist, ``on_profile`` receives the answers when confirmed."""
    return RoutineBuilder(require_quiz, initial=initial, on_profile=on_profile)


__all__ = [
    "RoutineBuilder",
    "ScreeningChecklist",
    "example_routine",
    "routine_builder",
    "safety_passed",
    "save_routine",
    "screening",
    "screening_checklist",
]
