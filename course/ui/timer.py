"""The guided practice timer: one step of a routine at a time.

Time is injected (``clock=time.monotonic``) and the timer only moves when :meth:`tick` is
called, so tests drive it with a fake clock and no sleeping. In a live kernel a small
background thread calls ``tick()`` once a second while the timer plays, and stops when it is
paused or done; outside a kernel nothing runs in the background.
"""

from __future__ import annotations

import math
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from course.models import content
from course.routine import Routine, RoutineStep, clock
from course.ui.display import LABEL, Fallback, esc, html_list, notice_html, show_error
from course.ui.eyes_off import EyesOff
from course.ui.store import open_progress, problem, take_notice

DEFAULT_PRESSURE = 5
MAX_RECORDED_SECONDS = 24 * 3600


def in_kernel() -> bool:
    """True inside a running IPython kernel (where widgets are live)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


def technique_routine(technique_id: str) -> Routine:
    """A routine of one technique alone, at each step's base time, for the technique lessons.

    Pressure starts from a moderate 5/10, kept inside the technique's range and under the
    caps of the areas each step works on.
    """
    c = content()
    if technique_id not in c.technique:
        raise ValueError(
            f"Unknown technique '{technique_id}': choose one of {', '.join(c.technique)}"
        )
    t = c.technique[technique_id]
    steps, start = [], 0
    for n, step in enumerate(t.steps, start=1):
        cap = min([t.pressure_max, DEFAULT_PRESSURE] + [c.area[a].max_pressure for a in step.areas])
        steps.append(RoutineStep(
            number=n, start=start, seconds=step.seconds, technique=t.id, technique_name=t.name,
            step=step.id, phase=t.phase.value, areas=tuple(step.areas),
            area_names=tuple(c.area[a].name for a in step.areas),
            pressure=max(t.pressure_min, cap), instruction=" ".join(step.instruction.split()),
            why=" ".join(t.summary.split()),
        ))
        start += step.seconds
    return Routine(goal="practice", goal_name=f"Practise: {t.name}",
                   minutes=max(1, math.ceil(start / 60)), pressure=DEFAULT_PRESSURE,
                   steps=tuple(steps), cautions=(), tips=tuple(t.cautions), left_out=(),
                   kept_out_areas=())


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
        with self._lock:
            if self.done or self.current is None:
                return
            self.tick()
            if not self.done:
                self._go(self.index + 1)
            self.render()

    def back(self) -> None:
        """Back to the start of the previous step (or of the first one)."""
        with self._lock:
            if self.done or self.current is None:
                return
            self.tick()
            self._go(max(self.index - 1, 0))
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
        except (OSError, ValueError, sqlite3.Error) as exc:
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
            f"<p><strong>Step {s.number} of {n} · {esc(s.technique_name)}</strong></p>"
            f"<p>{esc(s.instruction)}</p>"
            f"<p>Areas: {esc(', '.join(s.area_names))} · Pressure: {s.pressure}/10 · "
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
                f"{clock(s.start)}–{clock(s.end)} {s.technique_name}: {', '.join(s.area_names)}"
                for s in self.routine.steps
            )]
        parts.append("<p><em>Run the notebook to use the timer.</em></p></div>")
        return "".join(parts)


def practice_timer(routine: Routine | None = None, technique: str | None = None) -> PracticeTimer:
    """The guided timer on ``routine``, on one ``technique`` alone, or on the routine saved
    last (when neither is given)."""
    if routine is not None and technique is not None:
        return PracticeTimer(None, message="Give a routine or a technique, not both.")
    if technique is not None:
        try:
            return PracticeTimer(technique_routine(technique))
        except ValueError as exc:
            return PracticeTimer(None, message=str(exc))
    if routine is not None:
        return PracticeTimer(routine)
    try:
        with open_progress() as progress:
            saved = progress.routines()
        if not saved:
            return PracticeTimer(None, message="No saved routine yet: build and save one in "
                                 "lesson 09, or pick a technique.")
        return PracticeTimer(routine_from_json(saved[-1].routine_json), routine_id=saved[-1].id)
    except (OSError, ValueError, sqlite3.Error) as exc:
        return PracticeTimer(None, message=f"Your saved routine could not be opened: {exc}")
