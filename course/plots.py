"""The course's figures: leg map, routine timeline, evidence chart, score history.

Design choices, and why:

* matplotlib is imported inside the functions, so ``import course`` stays cheap.
* Figures are made with ``matplotlib.figure.Figure`` and an Agg canvas, never through
  ``pyplot``: nothing is registered in pyplot's figure manager, so no figure can leak or pop
  up a GUI window, whatever backend the kernel runs (``plt.get_fignums()`` stays empty).
* Every figure has a fixed size and dpi and is drawn from its inputs alone: same inputs, same
  picture, same alt text. The alt text travels with the figure (its label, see
  :func:`alt_text`), so :func:`figure_html` can never pair a figure with the wrong words.
* Colours are the Okabe-Ito palette, distinguishable with the common colour-vision
  deficiencies; areas that must not be massaged are also hatched and labelled in words, so
  nothing rests on colour alone.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from course.figures.leg import workers as area_workers
from course.figures.palette import OKABE_ITO
from course.formats import clock
from course.models import content

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from course.routine import Routine

# Okabe-Ito (2008) colour-blind-safe palette: one place for every figure (course.figures).
GREY = "#DDDDDD"
DPI = 100
LEG_MAP_SIZE = (7.0, 5.0)
TIMELINE_SIZE = (7.0, 3.2)
TIMELINE_DPI = 72  # the builder redraws it on every change: small and quick
EVIDENCE_SIZE = (7.0, 3.2)
HISTORY_SIZE = (7.0, 3.0)

# Leg outline as simple shapes on a 0..10 x 0..100 canvas (hip at the top, sole at the bottom).
# kind, geometry: ("poly", points) | ("ellipse", (x, y, w, h)). Drawing, not subject matter:
# which area is on which side, and which is never massaged, comes from areas.yaml.
_SHAPES: dict[str, dict[str, tuple[str, Any]]] = {
    "front": {
        "thigh_front": ("poly", [(2.2, 100), (6.2, 100), (5.9, 60), (3.1, 60)]),
        "inner_thigh": ("poly", [(6.2, 100), (7.8, 100), (6.6, 74), (6.0, 74)]),
        "knee_front": ("ellipse", (4.5, 55.5, 3.0, 8.0)),
        "shin": ("poly", [(3.2, 51), (5.8, 51), (5.2, 17), (3.8, 17)]),
        "ankle": ("ellipse", (4.5, 13.5, 2.4, 6.0)),
        "foot": ("poly", [(3.3, 10), (5.7, 10), (6.6, 0), (2.4, 0)]),
    },
    "back": {
        "hamstring": ("poly", [(2.2, 100), (7.8, 100), (6.9, 60), (3.1, 60)]),
        "knee_hollow": ("ellipse", (5.0, 55.5, 3.4, 7.0)),
        "calf": ("poly", [(3.0, 51), (7.0, 51), (6.0, 17), (4.0, 17)]),
        "ankle": ("ellipse", (5.0, 13.5, 2.4, 6.0)),
        "foot": ("ellipse", (5.0, 5.0, 3.2, 9.0)),
    },
}


def technique_colours() -> dict[str, str]:
    """One palette colour per technique, in content order (stable across figures)."""
    ids = [t.id for t in content().techniques]
    return {t: OKABE_ITO[i % len(OKABE_ITO)] for i, t in enumerate(ids)}


def alt_text(fig: Figure) -> str:
    """The figure's alt text (set by every function of this module)."""
    return fig.get_label()


def new_figure(size: tuple[float, float], dpi: int, alt: str) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=dpi, layout=None)
    FigureCanvasAgg(fig)
    fig.set_label(alt)
    return fig


def png_bytes(fig: Figure) -> bytes:
    """Render with Agg at the figure's own dpi; no date or version stamp, so repeatable."""
    buf = io.BytesIO()
    # compress_level 1: a third quicker than the default for a few more kilobytes
    fig.savefig(buf, format="png", dpi=fig.dpi, metadata={"Software": None},
                pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def figure_html(fig: Figure, alt: str | None = None, *, close: bool = True) -> str:
    """An ``<img>`` with alt text and the PNG inline as base64.

    ``close`` (the default) releases the figure after rendering: it is cleared and, should
    anyone have registered it with pyplot, closed there too. The builder keeps its timeline
    figure open (``close=False``) to redraw into it.
    """
    from course.markup import esc

    text = alt_text(fig) if alt is None else alt
    data = base64.b64encode(png_bytes(fig)).decode("ascii")
    width = round(fig.get_figwidth() * fig.dpi)
    if close:
        _close(fig)
    return (
        f'<img class="lm-figure" alt="{esc(text)}" width="{width}" '
        f'style="max-width:100%;height:auto" src="data:image/png;base64,{data}">'
    )


def _close(fig: Figure) -> None:
    import sys

    fig.clear()
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)


# --- leg map ------------------------------------------------------------------------------


def leg_map_alt(technique: str | None = None, kept_out: Iterable[str] = ()) -> str:
    """What the leg map shows, in words: the text a screen reader reads instead."""
    c = content()
    workers = area_workers(technique)
    kept = sorted(set(kept_out))
    title = f"Leg map for the {c.technique[technique].name}" if technique else "Leg map"
    parts = []
    for area in c.areas:
        if area.never:
            parts.append(f"{area.name}: never massaged")
        elif area.id in kept:
            parts.append(f"{area.name}: kept out")
        elif area.id in workers:
            names = ", ".join(c.technique[t].name for t in workers[area.id])
            parts.append(f"{area.name}: {names}")
    return f"{title}, front and back views. " + "; ".join(parts) + "."


def leg_map(
    technique: str | None = None, kept_out: Iterable[str] = (), highlight: Iterable[str] = ()
) -> Figure:
    """The leg seen from the front and the back, each area coloured by the techniques that
    work it (stripes when several do), never-massage and kept-out areas hatched and labelled.
    """
    from matplotlib.patches import Ellipse, Patch, Polygon, Rectangle

    c = content()
    kept = set(kept_out)
    marked = set(highlight)
    unknown = sorted((kept | marked) - c.area.keys())
    if unknown:
        raise ValueError(f"Unknown area: {', '.join(unknown)}")
    workers = area_workers(technique)
    colours = technique_colours()
    fig = new_figure(LEG_MAP_SIZE, DPI, leg_map_alt(technique, kept))
    axes = fig.subplots(1, 2)
    fig.subplots_adjust(left=0.02, right=0.72, top=0.9, bottom=0.02, wspace=0.05)
    for ax, view in zip(axes, ("front", "back"), strict=True):
        ax.set_xlim(0, 10)
        ax.set_ylim(-3, 103)
        ax.set_aspect(0.12)
        ax.set_axis_off()
        ax.set_title(f"{view.capitalize()} view", fontsize=10)
        for area_id, (kind, geo) in _SHAPES[view].items():
            area = c.area[area_id]
            if kind == "poly":
                shape = Polygon(geo, closed=True)
                xs = [p[0] for p in geo]
                ys = [p[1] for p in geo]
                box = (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
            else:
                x, y, w, h = geo
                shape = Ellipse((x, y), w, h)
                box = (x - w / 2, y - h / 2, w, h)
            shape.set(facecolor="white", edgecolor="black", linewidth=1.0, zorder=1)
            ax.add_patch(shape)
            label = area_id.replace("_", " ")
            if area.never or area_id in kept:
                never = area.never
                shape.set(facecolor="#BBBBBB" if never else GREY, hatch="////" if never else "xx")
                label = "never" if never else "kept out"
            else:
                techs = workers.get(area_id, [])
                for i, t in enumerate(techs):  # vertical stripes, one per technique
                    w = box[2] / len(techs)
                    band = Rectangle((box[0] + i * w, box[1]), w, box[3], facecolor=colours[t],
                                     edgecolor="none", zorder=0.5)
                    ax.add_patch(band)
                    band.set_clip_path(shape)
                shape.set(facecolor="none" if techs else GREY, zorder=2)
            if area_id in marked:
                shape.set(linewidth=3.0)
            cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
            ax.text(cx, cy, label, ha="center", va="center", fontsize=7, zorder=3,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.8,
                          "linewidth": 0})
    handles = [Patch(facecolor=colours[t.id], edgecolor="black", label=t.name)
               for t in c.techniques if any(t.id in ts for ts in workers.values())]
    handles.append(Patch(facecolor="#BBBBBB", edgecolor="black", hatch="////",
                         label="never massaged"))
    idle = [a.id for a in c.areas if not a.never and a.id not in kept and a.id not in workers]
    if idle:
        handles.append(Patch(facecolor=GREY, edgecolor="black", label="not worked"))
    if kept:
        handles.append(Patch(facecolor=GREY, edgecolor="black", hatch="xx", label="kept out"))
    fig.legend(handles=handles, loc="center right", fontsize=8, frameon=False)
    title = f"Where the {c.technique[technique].name} works" if technique else "Areas of the leg"
    fig.suptitle(title, fontsize=11)
    return fig


# --- routine timeline ------------------------------------------------------------------------


def timeline_alt(routine: Routine) -> str:
    steps = "; ".join(
        f"{clock(s.start)} to {clock(s.end)} {s.technique_name} on {', '.join(s.areas)}"
        for s in routine.steps
    )
    return (
        f"Timeline of the routine, {len(routine.steps)} steps, total {clock(routine.total_seconds)}"
        f": {steps}."
    )


class TimelineFigure:
    """A routine timeline that redraws in place.

    The builder redraws the timeline on every change of a slider, so the figure, its axes and
    their ticks are made once and only the bars and limits change; text is what costs most to
    render, so the step rows are labelled by number (the table's # column) and, with
    ``key=False``, the title and legend are left to the HTML around the image.
    """

    def __init__(self, key: bool = True, dpi: int = TIMELINE_DPI):
        from matplotlib.ticker import FuncFormatter, MaxNLocator

        self.key = key
        self.fig = new_figure(TIMELINE_SIZE, dpi, "")
        self.ax = self.fig.add_axes((0.06, 0.24, 0.92, 0.62) if key else (0.04, 0.1, 0.94, 0.86))
        self.ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 1.5, 2, 3, 5, 6, 10]))
        self.ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: clock(v)))
        self.ax.tick_params(labelsize=7)
        if key:  # without the key, the HTML caption around the image names the axes
            self.ax.set_xlabel("time (mm:ss)", fontsize=8)
            self.ax.set_ylabel("step", fontsize=8)
        self._bars: Any = None
        self._legend: Any = None

    def draw(self, routine: Routine) -> Figure:
        from matplotlib.patches import Patch

        colours = technique_colours()
        steps = routine.steps
        n = len(steps)
        total = routine.total_seconds
        self.fig.set_label(timeline_alt(routine))
        if self._bars is not None:
            self._bars.remove()
        self._bars = self.ax.barh(
            [n - s.number for s in steps], [s.seconds for s in steps],
            left=[s.start for s in steps], height=0.8, edgecolor="black", linewidth=0.5,
            color=[colours.get(s.technique, GREY) for s in steps],
        )
        self.ax.set_yticks([n - s.number for s in steps], [str(s.number) for s in steps])
        self.ax.set_xlim(0, max(total, 1))
        self.ax.set_ylim(-0.6, max(n, 1) - 0.4)
        if self.key:
            self.ax.set_title(f"Your routine: total {clock(total)}", fontsize=9)
            if self._legend is not None:
                self._legend.remove()
            names = {s.technique: s.technique_name for s in steps}
            self._legend = self.ax.legend(
                handles=[Patch(color=colours.get(t, GREY), label=n) for t, n in names.items()],
                loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, fontsize=7,
                frameon=False,
            )
        return self.fig


def timeline(routine: Routine) -> Figure:
    """One bar per step along the routine's clock (mm:ss), coloured by technique, with the
    total in the title and a legend of the techniques."""
    return TimelineFigure(key=True, dpi=DPI).draw(routine)


# --- evidence chart ------------------------------------------------------------------------


def evidence_alt(highlight: str | None = None) -> str:
    """The chart in words, with the same qualifiers: "Less stress: limited (self) / moderate
    (therapist)"."""
    c = content()
    parts = [f"{b.name}: {b.level_text}" for b in c.benefits]
    marked = f" Highlighted: {c.benefit[highlight].name}." if highlight else ""
    return "How strong the evidence is for each claimed benefit of leg massage. " + (
        "; ".join(parts) + "." + marked
    )


def evidence_chart(highlight: str | None = None) -> Figure:
    """The seven benefits on the evidence scale (not supported .. strong), one row each.

    A benefit whose level depends on who or what was studied (``Benefit.scoped``) is drawn
    as a solid bar up to the level for the group listed first (self-massage, healthy people)
    and a dotted extension to the better level of the other group, with an open marker there;
    its label names both, "limited (self) / moderate (therapist)", so the best case never
    stands without its qualifier.
    """
    from matplotlib.ticker import FixedLocator

    from course.models import Level

    c = content()
    if highlight is not None and highlight not in c.benefit:
        raise ValueError(f"Unknown benefit '{highlight}': choose one of {', '.join(c.benefit)}")
    fig = new_figure(EVIDENCE_SIZE, DPI, evidence_alt(highlight))
    ax = fig.add_axes((0.28, 0.14, 0.70, 0.74))
    benefits = list(c.benefits)
    n = len(benefits)
    for i, b in enumerate(benefits):
        y = n - 1 - i
        on = b.id == highlight
        colour = "#D55E00" if on else ("#0072B2" if highlight is None else "#9BB7CF")
        first = b.scoped[0].level.rank if b.scoped else b.level.rank
        ax.plot([0, first], [y, y], color=colour, linewidth=6 if on else 4,
                solid_capstyle="butt")
        ax.plot([first], [y], marker="o", markersize=10 if on else 7, color=colour,
                markeredgecolor="black")
        for scoped in b.scoped[1:]:
            rank = scoped.level.rank
            ax.plot([first, rank], [y, y], color=colour, linewidth=2, linestyle=":")
            ax.plot([rank], [y], marker="o", markersize=10 if on else 7,
                    markerfacecolor="white", markeredgecolor=colour, markeredgewidth=2)
        right = max([first] + [s.level.rank for s in b.scoped])
        ax.text(right + 0.12, y, b.level_text, va="center", fontsize=7.5,
                fontweight="bold" if on else "normal")
    ax.set_yticks(range(n), [b.name for b in reversed(benefits)], fontsize=8)
    for label, b in zip(ax.get_yticklabels(), reversed(benefits), strict=True):
        if b.id == highlight:
            label.set_fontweight("bold")
    levels = sorted(Level, key=lambda lv: lv.rank)
    ax.xaxis.set_major_locator(FixedLocator([lv.rank for lv in levels]))
    ax.set_xticklabels([lv.label for lv in levels], fontsize=8)
    ax.set_xlim(-0.3, 4.7)  # room right of "strong" for the qualified labels
    ax.set_ylim(-0.7, n - 0.3)
    ax.grid(axis="x", color="#DDDDDD")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title("What the evidence says (open dot: holds only for the group named second)",
                 fontsize=9)
    return fig


# --- score history -------------------------------------------------------------------------

Row = tuple[datetime, str, float]


def history_alt(rows: Sequence[Row], pass_mark: float) -> str:
    if not rows:
        return "Quiz scores over time: no quiz taken yet."
    banks: dict[str, list[float]] = {}
    for _when, bank, percent in rows:
        banks.setdefault(bank, []).append(percent)
    parts = [f"{b}: {len(v)} sittings, latest {v[-1]:.0f}%" for b, v in sorted(banks.items())]
    return f"Quiz scores over time (pass mark {pass_mark:.0%}). " + "; ".join(parts) + "."


def score_history(rows: Iterable[Row], pass_mark: float = 0.8) -> Figure:
    """Scores (percent) per quiz sitting over time, one line per bank, with the pass mark.

    ``rows`` are ``(when, bank, percent)`` as ``Progress.score_history()`` returns them.
    """
    from matplotlib.dates import AutoDateLocator, DateFormatter

    data = sorted(rows, key=lambda r: (r[0], r[1]))
    fig = new_figure(HISTORY_SIZE, DPI, history_alt(data, pass_mark))
    ax = fig.add_axes((0.1, 0.2, 0.68, 0.68))
    ax.axhline(pass_mark * 100, color="black", linestyle="--", linewidth=1)
    ax.text(1.01, pass_mark * 100, f"pass mark {pass_mark:.0%}", transform=ax.get_yaxis_transform(),
            va="center", fontsize=7)
    ax.set_ylim(0, 105)
    ax.set_ylabel("score (%)", fontsize=8)
    ax.tick_params(labelsize=7)
    if not data:
        ax.text(0.5, 0.5, "No quiz taken yet", transform=ax.transAxes, ha="center", fontsize=9)
        ax.set_xticks([])
    else:
        banks = sorted({r[1] for r in data})
        markers = "osD^v"
        for i, bank in enumerate(banks):
            pts = [(w, p) for w, b, p in data if b == bank]
            ax.plot([w for w, _ in pts], [p for _, p in pts], marker=markers[i % len(markers)],
                    color=OKABE_ITO[i % len(OKABE_ITO)], label=bank, linewidth=1.5)
        ax.xaxis.set_major_locator(AutoDateLocator(minticks=2, maxticks=6,
                                                   interval_multiples=True))
        ax.xaxis.set_major_formatter(DateFormatter("%d %b"))
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 0.6), fontsize=7, frameon=False)
    ax.set_title("Your quiz scores", fontsize=10)
    return fig
