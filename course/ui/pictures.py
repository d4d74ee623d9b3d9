"""The drawn pictures as self-displaying outputs for the lessons (one-line cells).

Each returns a :class:`~course.ui.display.Static`: an ``<img>`` with its alt text as
``text/html`` and the alt text itself as ``text/plain``, so the stored notebooks read the same
on any viewer and nbval compares words, not pixels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from course.ui.display import Static, chart


def leg(technique: str | None = None,
        kept_out: Iterable[str] | Mapping[str, Iterable[str]] | None = None,
        sides: tuple[str, ...] | None = None, highlight: Iterable[str] = ()) -> Static:
    """The leg from four sides (or both legs, front and back, when ``kept_out`` is given per
    side): where each technique works, the never-zones and the hand's-width margin."""
    from course.figures.leg import leg_figure

    return chart(leg_figure(technique, kept_out, sides=sides, highlight=highlight))
