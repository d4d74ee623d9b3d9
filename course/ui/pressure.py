"""The pressure explainer: a 0-10 slider and what that pressure means.

The bands are the practitioners' convention the course teaches (lesson 01), not a validated
rule, and the widget says so. The caps come from the content (the screening items' and areas'
``max_pressure``, techniques' pressure ranges), so the explainer and the routine builder can
never disagree about them; a screening item with a ``pressure_cue`` (numb feet) shows the cue,
not a number the learner cannot feel.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from course.models import content
from course.ui.display import Fallback, error_html, esc, html_list, tolerate

# (lowest, highest, name, what it feels like)
BANDS = [
    (0, 1, "barely a touch", "Resting your hands on the skin; calming, but it works no muscle."),
    (2, 3, "light", "Gentle strokes that move the skin, not the muscle underneath."),
    (4, 7, "firm but comfortable",
     "You feel the muscle under your hands, and the discomfort fades as you hold."),
    (8, 10, "too much", "It hurts, you tense up or hold your breath: ease off."),
]
TOO_MUCH = [
    "sharp, shooting or burning pain",
    "numbness or tingling",
    "bruising the next day",
]
CONVENTION = "Practitioners' convention, not a validated rule."
NO_PRESSURE = "No pressure chosen: pick one from 0 to 10."


def band(value: int) -> tuple[str, str]:
    """The name and feel of a pressure on the 0-10 scale."""
    for low, high, name, feel in BANDS:
        if low <= value <= high:
            return name, feel
    raise ValueError(f"Pressure must be a whole number from 0 to 10, not {value!r}")


def explain_html(value: int) -> str:
    """Everything the explainer shows for one pressure, as HTML (deterministic)."""
    c = content()
    name, feel = band(value)
    capped = [f"{x.name}: at most {x.max_pressure}/10" for x in c.screening_items
              if x.max_pressure is not None and not x.pressure_cue and x.max_pressure < value]
    # Where the skin cannot judge pressure (numb feet) a number on a discomfort scale means
    # nothing: the condition's objective cue is shown instead, whatever the value.
    cues = [f"{x.name}: {x.pressure_cue}" for x in c.screening_items if x.pressure_cue]
    areas = [f"{a.name}: at most {a.max_pressure}/10" for a in c.areas
             if not a.never and a.max_pressure < value]
    fits = [f"{t.name} ({t.pressure_min}-{t.pressure_max}/10)" for t in c.techniques
            if t.pressure_min <= value <= t.pressure_max]
    return "".join([
        f'<div class="lm-pressure-band"><p><strong>{value}/10: {esc(name)}.</strong> '
        f"{esc(feel)} <em>{esc(CONVENTION)}</em></p></div>",
        "<p><strong>Too much, whatever the number:</strong> stop or ease off at</p>",
        html_list(TOO_MUCH),
        "<p><strong>Too high for these cautions:</strong></p>" + html_list(capped)
        if capped else "<p>No caution in the screening caps a pressure this low.</p>",
        "<p><strong>Where the skin cannot feel pressure, use this instead of a number:"
        "</strong></p>" + html_list(cues) if cues else "",
        "<p><strong>Too high for these areas:</strong></p>" + html_list(areas) if areas else "",
        "<p><strong>Techniques that use this pressure:</strong></p>" + html_list(fits)
        if fits else "<p>No technique of the course works at this pressure.</p>",
    ])


class PressureExplainer(Fallback):
    """A 0-10 scale (default 5) and the explanation of the pressure chosen."""

    def __init__(self, value: int = 5):
        # A row of eleven buttons, 0 to 10, works as the scale: unlike an ipywidgets slider
        # (whose handle has no accessible name), every button has a name a screen reader reads.
        self.slider = w.ToggleButtons(
            options=[(str(n), n) for n in range(11)], value=value,
            description="Pressure (0-10)", tooltips=[band(n)[0] for n in range(11)],
            style={"button_width": "2.6em", "description_width": "initial"},
            description_allow_html=False)
        self.slider.add_class("lm-pressure-slider")
        self.explanation = w.HTML(explain_html(value))
        self.explanation.add_class("lm-pressure")
        self.widget = w.VBox([self.slider, self.explanation])
        self.widget.add_class("lm-pressure-explainer")
        self.slider.observe(self._update, "value")
        tolerate(self.explanation, self.slider)  # slider.value = 42 from code: a message
        super().__init__(
            self.widget,
            html=lambda: f'<div class="lm-pressure-static">{self.explanation.value}</div>',
            text=self._summary,
        )

    def _summary(self) -> str:
        if self.slider.value is None:
            return "Pressure explainer: no pressure chosen"
        return f"Pressure explainer: {self.slider.value}/10, {band(self.slider.value)[0]}"

    def _update(self, change: Any) -> None:
        # None means no button pressed (set from code): a message, not a crash in band().
        self.explanation.value = (
            error_html(NO_PRESSURE) if change["new"] is None else explain_html(change["new"])
        )


def pressure_explainer(value: int = 5) -> PressureExplainer:
    return PressureExplainer(value)
