"""Eyes-off practice for the guided timer: the step's picture, tones, a mute switch, keys.

Kept apart from :mod:`course.ui.timer` so the timer only calls four hooks
(:meth:`EyesOff.show`, :meth:`cue`, :meth:`passed`, and the widgets it lays out): the clock
logic stays where it was, and what the learner sees and hears is decided here.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from course.ui.sound import HOLD_SECONDS, cue_html

PICTURE_DPI = 72


class EyesOff:
    """The picture, sound, mute toggle and keyboard area of one practice timer."""

    def __init__(self, timer: Any):
        from course.ui.keys import KeyControl

        self.timer = timer
        self.picture = w.HTML()
        self.picture.add_class("lm-timer-picture")
        self.sound = w.HTML()
        self.sound.add_class("lm-sound")
        self.mute = w.ToggleButton(False, description="Sound on", icon="volume-up",
                                   tooltip="Mute or unmute the tones")
        self.mute.add_class("lm-mute")
        self.mute.observe(self._muted, "value")
        self.keys = KeyControl(self.key)
        self.controls = w.HBox([self.mute, self.keys])
        self.count = 0
        self.cues: list[str] = []  # every cue played, in order (what a test listens to)
        self._shown: tuple | None = None

    # -- sound ---------------------------------------------------------------------------

    def cue(self, kind: str) -> None:
        """Play ``kind`` (step, hold, end) unless muted."""
        if self.mute.value:
            return
        self.count += 1
        self.cues.append(kind)
        self.sound.value = cue_html(kind, self.count)

    def passed(self, step: Any, before: float, after: float, holds: bool | None = None) -> None:
        """The clock moved from ``before`` to ``after`` seconds into ``step``: a soft tone
        when it crosses a hold change (every 30 s) in a step that holds the ball."""
        if holds is None:
            holds = _has_holds(step)
        if holds and int(after // HOLD_SECONDS) > int(before // HOLD_SECONDS) \
                and after < step.seconds:
            self.cue("hold")

    def _muted(self, change: Any) -> None:
        on = not change["new"]
        self.mute.description = "Sound on" if on else "Muted"
        self.mute.icon = "volume-up" if on else "volume-off"
        if not on:
            self.sound.value = ""

    # -- keys ----------------------------------------------------------------------------

    def key(self, action: str) -> None:
        """``toggle`` (space), ``back`` (left arrow) or ``next`` (right arrow)."""
        t = self.timer
        if action == "toggle":
            t.pause() if t.playing else t.play()
        elif action == "back":
            t.back()
        elif action == "next":
            t.next()

    # -- picture -------------------------------------------------------------------------

    def show(self, step: Any, total: int) -> None:
        """The current step's picture (rendered once per step and pressure)."""
        from course.figures.steps import step_picture_html

        key = (step.technique, step.step, step.pressure, getattr(step, "side", "right"),
               step.number)
        if key == self._shown:
            return
        self._shown = key
        try:
            self.picture.value = step_picture_html(*key, dpi=PICTURE_DPI)
        except ValueError:  # a step nobody has drawn yet: the words still say it all
            self.picture.value = ""


def _has_holds(step: Any) -> bool:
    from course.figures.data import drawing

    sd = drawing().steps.get(step.technique, {}).get(step.step)
    return bool(sd and sd.holds)
