"""The guided practice timer: one step of a routine at a time.

Time is injected (``clock=time.monotonic``) and the timer only moves when :meth:`tick` is
called, so tests drive it with a fake clock and no sleeping. In a live kernel a small
background thread calls ``tick()`` once a second while the timer plays, and stops when it is
paused or done; outside a kernel nothing runs in the background.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import ipywidgets as w

from course.models import content
from course.routine import MAX_MINUTES, Routine, RoutineStep, build, check, clock
from course.safety import LEGS, Profile
from course.ui.display import LABEL, Fallback, esc, html_list, notice_html, show_error
from course.ui.eyes_off import EyesOff
from course.ui.store import DB_ERRORS, open_progress, problem, take_notice

DEFAULT_PRESSURE = 5
MAX_RECORDED_SECONDS = 24 * 3600


def in_kernel() -> bool:
    """True inside a running IPython kernel (where widgets are live)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


def technique_plan(technique_id: str) -> Callable[[Profile], Routine]:
    """How a technique lesson's timer plans its practice: that technique alone, on both legs,
    as :func:`course.routine.build` makes it under the learner's answers (so a kept-out area,
    a held leg, a cap or an excluded technique acts here exactly as in the builder).

    The goal is the one that weights the technique most, the time is its base step times on
    each leg, and the pressure a moderate 5/10 (lowered by every cap, never raised).
    Unknown technique ids raise ValueError at once, before any screening is asked.
    """
    c = content()
    if technique_id not in c.technique:
        raise ValueError(
            f"Unknown technique '{technique_id}': choose one of {', '.join(c.technique)}"
        )
    t = c.technique[technique_id]
    goal = max(c.goals, key=lambda g: g.weights.get(t.id, 0)).id
    minutes = min(MAX_MINUTES, max(1, math.ceil(t.seconds * len(LEGS) / 60)))

    def plan(profile: Profile) -> Routine:
        r = build(profile, goal=goal, minutes=minutes, pressure=DEFAULT_PRESSURE,
                  techniques=[t.id])
        return replace(r, goal_name=f"Practise: {t.name}")

    return plan


def saved_plan(routine: Routine) -> Callable[[Profile], Routine]:
    """How the saved-routine timer plans: the saved routine itself, if today's answers still
    allow every step of it (:func:`course.routine.check`); otherwise a refusal
    that says which steps and why, and to build it again."""

    def plan(profile: Profile) -> Routine:
        problems = check(routine, profile)
        if problems:
            raise ValueError(
                "Your saved routine does not fit your answers today: "
                + "; ".join(problems)
                + ". Build it again in lesson 09, then practise the new one."
            )
        return routine

    return plan


def routine_from_json(text: str) -> Routine:
    """Rebuild a saved routine (``Routine.to_json``); ValueError if it is not one."""
    return Routine.from_json(text)


class PracticeTimer(Fallback):
    """Play / Pause / Next / Back through a routine; records the session when done."""

    def __init__(
        self, routine: Routine | None, *, routine_id: int | None = None,
        clock: Callable[[], float] = time.monotonic, opener: Callable[[], Any] = open_progress,
        live: bool | None = None, message: str = "",
    ):
        self.routine = routine
        self.routine_id = routine_id
        self._clock = clock
        self._opener = opener
        self._live = in_kernel() if live is None else live
        self._lock = threading.RLock()
        self._ticker: threading.Event | None = None
        self.index = 0
        self.remaining = float(routine.steps[0].seconds) if routine and routine.steps else 0.0
        self.elapsed = 0.0
        self.playing = False
        self.done = False
        self.recorded: int | None = None
        self._last = 0.0

        self.step = w.HTML()
        self.step.add_class("lm-timer-step")
        self.clock_text = w.HTML()
        self.clock_text.add_class("lm-remaining")
        self.bar = w.IntProgress(0, min=0, max=1, description="Step", **LABEL)
        self.play_button = w.Button(description="Play", icon="play", tooltip="Start the clock")
        self.pause_button = w.Button(description="Pause", icon="pause", tooltip="Pause the clock")
        self.back_button = w.Button(description="Back", icon="step-backward",
                                    tooltip="Go back one step")
        self.next_button = w.Button(description="Next", icon="step-forward",
                                    tooltip="Go on to the next step")
        self.status = w.HTML()
        self.status.add_class("lm-timer-status")
        self.play_button.on_click(lambda _b: self.play())
        self.pause_button.on_click(lambda _b: self.pause())
        self.next_button.on_click(lambda _b: self.next())
        self.back_button.on_click(lambda _b: self.back())
        buttons = w.HBox([self.back_button, self.play_button, self.pause_button,
                          self.next_button])
        self.eyes = EyesOff(self)  # picture, tones, mute, keys (course.ui.eyes_off)
        self.widget = w.VBox([w.HTML("<h4>Guided practice</h4>"), self.step, self.eyes.picture,
                              self.clock_text, self.bar, buttons, self.eyes.controls,
                              self.eyes.sound, self.status])
        self.widget.add_class("lm-timer")
        super().__init__(self.widget, html=self.static_html_now, text=self.summary)
        if routine is None or not routine.steps:
            show_error(self.status, message or "There is no routine to practise.")
            for b in (self.play_button, self.pause_button, self.next_button, self.back_button):
                b.disabled = True
        self.render()
        self.status.value = take_notice() + self.status.value  # a record moved aside on opening

    # -- the clock ----------------------------------------------------------------------------

    @property
    def current(self) -> RoutineStep | None:
        return self.routine.steps[self.index] if self.routine and self.routine.steps else None

    def tick(self) -> None:
        """Move the clock on by the time passed since the last tick (only while playing)."""
        with self._lock:
            if not self.playing or self.done:
                return
            now = self._clock()
            passed, self._last = max(0.0, now - self._last), now
            self.elapsed += passed
            while passed > 0 and not self.done:
                if passed < self.remaining:
                    before = self.current.seconds - self.remaining  # type: ignore[union-attr]
                    self.remaining -= passed
                    self.eyes.passed(self.current, before, before + passed)
                    passed = 0
                else:
                    passed -= self.remaining
                    self._go(self.index + 1)
            self.render()

    def play(self) -> None:
        with self._lock:
            if self.done or self.current is None or self.playing:
                return
            self.playing = True
            self._last = self._clock()
            self.render()
        self._start_ticker()

    def pause(self) -> None:
        with self._lock:
            self.tick()
            self.playing = False
            self._stop_ticker()
            self.render()

    def next(self) -> None:
        self._move(1)

    def back(self) -> None:
        """Back to the start of the previous step (or of the first one)."""
        self._move(-1)

    def _move(self, offset: int) -> None:
        """Count the time so far, then go ``offset`` steps on (never before the first; not
        forward once counting the time has finished the routine)."""
        with self._lock:
            if self.done or self.current is None:
                return
            self.tick()
            if offset < 0 or not self.done:
                self._go(max(self.index + offset, 0))
            self.render()

    def stop(self) -> None:
        """Pause and stop the background ticker (the builder calls it on a new timer)."""
        self.pause()

    def _go(self, index: int) -> None:
        assert self.routine is not None
        if index >= len(self.routine.steps):
            self._finish()
            return
        self.index = index
        self.remaining = float(self.routine.steps[index].seconds)
        self.eyes.cue("step")

    def _finish(self) -> None:
        assert self.routine is not None
        self.done, self.playing = True, False
        self.index = len(self.routine.steps) - 1
        self.remaining = 0.0
        self._stop_ticker()
        self.eyes.cue("end")
        seconds = min(int(round(self.elapsed)), MAX_RECORDED_SECONDS)
        try:
            with self._opener() as progress:
                self.recorded = progress.record_practice(
                    self.routine_id, seconds, len(self.routine.steps))
        except DB_ERRORS as exc:
            show_error(self.status, "Done. " + problem(exc, "record this practice session"))
            return
        self.status.value = take_notice() + notice_html(
            f"You practised for {clock(seconds)}. Notice how your legs feel now.", title="Done."
        )

    # -- the background ticker (live kernels only) ---------------------------------------------

    def _start_ticker(self) -> None:
        if not self._live:
            return
        self._stop_ticker()
        stop = self._ticker = threading.Event()

        def run() -> None:
            while not stop.wait(1.0) and self.playing and not self.done:
                self.tick()

        threading.Thread(target=run, name="lm-practice-timer", daemon=True).start()

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.set()
            self._ticker = None

    # -- display -------------------------------------------------------------------------------

    def render(self) -> None:
        s = self.current
        if s is None or self.routine is None:
            self.step.value = self.clock_text.value = ""
            return
        n = len(self.routine.steps)
        self.eyes.show(s, n)  # first: the picture takes a moment to draw the first time
        self.step.value = self._step_html(s, n)
        left = math.ceil(self.remaining - 1e-9)
        state = "Done" if self.done else ("playing" if self.playing else "paused")
        self.clock_text.value = (
            f'<p><strong>{"Done" if self.done else clock(left) + " left"}</strong>'
            f" · {state} · step {self.index + 1} of {n}</p>"
        )
        self.bar.max = s.seconds
        self.bar.value = s.seconds if self.done else min(s.seconds, int(s.seconds - self.remaining))
        self.play_button.disabled = self.done or self.playing
        self.pause_button.disabled = self.done or not self.playing
        self.next_button.disabled = self.back_button.disabled = self.done

    @staticmethod
    def _step_html(s: RoutineStep, n: int) -> str:
        return (
            f"<p><strong>Step {s.number} of {n} · {esc(s.leg_name)} · "
            f"{esc(s.technique_name)}</strong></p>"
            f"<p>{esc(s.instruction)}</p>"
            f"<p>Areas: {esc(', '.join(s.area_names))} · Pressure: {esc(s.pressure_text)} · "
            f"{clock(s.seconds)}</p>"
        )

    def summary(self) -> str:
        if self.routine is None or not self.routine.steps:
            return "Practice timer: no routine"
        r = self.routine
        return (f"Practice timer: {r.goal_name}, {len(r.steps)} steps, "
                f"total {clock(r.total_seconds)}")

    def static_html_now(self) -> str:
        parts = ['<div class="lm-timer-static"><h4>Guided practice</h4>']
        if self.routine is None or not self.routine.steps:
            parts.append(self.status.value)
        else:
            parts += [self.step.value, self.eyes.picture.value, self.clock_text.value,
                      "<p>All steps:</p>", html_list(
                f"{clock(s.start)}–{clock(s.end)} {s.leg_name} · {s.technique_name}: "
                f"{', '.join(s.area_names)}"
                for s in self.routine.steps
            )]
        parts.append("<p><em>Run the notebook to use the timer.</em></p></div>")
        return "".join(parts)


def practice_timer(
    routine: Routine | None = None, technique: str | None = None, **gate: Any
) -> Any:
    """The guided timer on one ``technique`` alone, on ``routine``, or on the routine saved
    last (when neither is given), always behind the screening gate
    (:class:`course.ui.gate.PracticeGate`): no practice without a current screening."""
    from course.ui.gate import PracticeGate

    if routine is not None and technique is not None:
        return PracticeTimer(None, message="Give a routine or a technique, not both.")
    if technique is not None:
        try:
            plan = technique_plan(technique)
        except ValueError as exc:
            return PracticeTimer(None, message=str(exc))
        name = content().technique[technique].name
        return PracticeGate(plan, title=f"Guided practice: {name}", **gate)
    if routine is not None:
        return PracticeGate(saved_plan(routine), title="Guided practice", **gate)
    opener = gate.get("opener") or open_progress
    try:
        with opener() as progress:
            saved = progress.routines()
        if not saved:
            return PracticeTimer(None, message="No saved routine yet: build and save one in "
                                 "lesson 09, or pick a technique.")
        last = routine_from_json(saved[-1].routine_json)
    except DB_ERRORS as exc:
        return PracticeTimer(None, message=f"Your saved routine could not be opened: {exc}")
    return PracticeGate(
        saved_plan(last), title=f"Guided practice: {saved[-1].name}", routine_id=saved[-1].id,
        **gate,
    )
