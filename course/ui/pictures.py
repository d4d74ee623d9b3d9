"""The drawn pictures as self-displaying outputs for the lessons (one-line cells).

Each returns a :class:`~course.ui.display.Static`: an ``<img>`` with its alt text as
``text/html`` and the alt text itself as ``text/plain``, so the stored notebooks read the same
on any viewer and nbval compares words, not pixels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

from course.ui.display import Static, chart

KEPT_LEG_DPI = 60  # small: it sits under the routine table in the builder


def leg(technique: str | None = None,
        kept_out: Iterable[str] | Mapping[str, Iterable[str]] | None = None,
        sides: tuple[str, ...] | None = None, highlight: Iterable[str] = ()) -> Static:
    """The leg from four sides (or both legs, front and back, when ``kept_out`` is given per
    side): where each technique works, the never-zones and the hand's-width margin."""
    from course.figures.leg import leg_figure

    return chart(leg_figure(technique, kept_out, sides=sides, highlight=highlight))


def step_pictures(technique: str, side: str = "right") -> Static:
    """One picture per step of ``technique``, in order: where the hands or the ball go,
    which way to stroke, the numbered holds, the body position and the pressure."""
    from course import plots
    from course.figures.steps import step_figure
    from course.models import content

    c = content()
    if technique not in c.technique:
        raise ValueError(f"Unknown technique '{technique}': choose one of {', '.join(c.technique)}")
    figs = [step_figure(technique, s.id, side=side) for s in c.technique[technique].steps]
    alts = [plots.alt_text(f) for f in figs]
    imgs = "".join(f"<figure style='margin:4px'>{plots.figure_html(f)}</figure>" for f in figs)
    return Static(f'<div class="lm-step-pictures" style="display:flex;flex-wrap:wrap">{imgs}'
                  "</div>", "\n".join(alts))


def step_motion(technique: str, step: str, side: str = "right") -> Static:
    """The step as a short looping animation (the still picture where no JavaScript runs)."""
    from course.figures.steps import motion_html, step_alt

    return Static(motion_html(technique, step, side=side),
                  "Animation: " + step_alt(technique, step, side=side))


def kept_leg_html(kept_out: Iterable[str] | Mapping[str, Iterable[str]] = ()) -> str:
    """Both legs (front and back) with what is kept out shaded on its leg, as an ``<img>``:
    the builder shows it under the routine. Rendered once per set of kept-out areas (a
    change of minutes or pressure leaves it as it was), so the builder stays quick."""
    from course.figures.leg import kept_by_side

    kept = kept_by_side(kept_out)
    return _kept_leg_html(tuple((side, tuple(sorted(areas))) for side, areas in kept.items()))


@lru_cache(maxsize=64)
def _kept_leg_html(kept: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    from course import plots
    from course.figures.leg import leg_figure

    fig = leg_figure(kept_out={side: set(areas) for side, areas in kept},
                     sides=("left", "right"))
    fig.set_dpi(KEPT_LEG_DPI)
    return plots.figure_html(fig)
