"""A leg that looks like a leg: outlines and areas from ``drawing.yaml``, drawn with matplotlib.

:func:`draw_leg` draws one view of one leg into an axes (the step pictures use it too);
:func:`leg_figure` is the leg map of the lessons: one leg from four sides, or both legs
(front and back) when what is kept out differs between the legs.

Design choices, and why:

* The outlines are points in centimetres of an adult leg, smoothed by a Catmull-Rom curve:
  proportions come from the data, so the picture can be corrected without code.
* An area's shape is clipped to the outline, so a rough rectangle in the data follows the
  leg's own edge, and the areas always tile the leg without gaps at the border.
* Never-zones are vermillion, hatched and labelled "never"; kept-out areas grey, hatched and
  labelled "kept out"; the hand's-width margin yellow, dotted and labelled: colour is never
  the only cue (the palette is :mod:`course.figures.palette`).
* Figures are ``matplotlib.figure.Figure`` objects on an Agg canvas (never pyplot), with a
  fixed size and dpi and alt text as their label (see :mod:`course.plots`): same inputs, same
  picture, same words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from course.figures import palette as pal
from course.figures.data import View, drawing
from course.models import content

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.path import Path as MplPath

SIDES = ("left", "right")
ALL_VIEWS = ("front", "back", "outer", "inner")
PAIR_VIEWS = ("front", "back")
LEG_SIZE = (8.0, 5.4)
DPI = 100
Y_RANGE = (-4.0, 97.0)


# --- geometry -----------------------------------------------------------------------------


def smooth(points: Sequence[tuple[float, float]],
           per_segment: int = 8) -> list[tuple[float, float]]:
    """A Catmull-Rom curve through ``points`` (an open chain; the ends are kept)."""
    pts = [tuple(map(float, p)) for p in points]
    if len(pts) < 3:
        return list(pts)
    ext = [pts[0], *pts, pts[-1]]
    out: list[tuple[float, float]] = []
    for i in range(1, len(ext) - 2):
        p0, p1, p2, p3 = ext[i - 1], ext[i], ext[i + 1], ext[i + 2]
        for k in range(per_segment):
            t = k / per_segment
            t2, t3 = t * t, t * t * t
            out.append(tuple(  # type: ignore[arg-type]
                0.5 * (2 * p1[j] + (-p0[j] + p2[j]) * t + (2 * p0[j] - 5 * p1[j] + 4 * p2[j]
                       - p3[j]) * t2 + (-p0[j] + 3 * p1[j] - 3 * p2[j] + p3[j]) * t3)
                for j in (0, 1)))
    out.append(pts[-1])
    return out


def _flip(points: Iterable[tuple[float, float]], mirror: bool) -> list[tuple[float, float]]:
    return [(-x if mirror else x, y) for x, y in points]


def mirrored(side: str) -> bool:
    """The data draws the right leg; the left leg is its mirror image."""
    if side not in SIDES:
        raise ValueError(f"Unknown side '{side}': choose left or right")
    return side == "left"


def outline_path(view: View, mirror: bool) -> MplPath:
    """The leg's outline on a view as one compound path (the clip for every area)."""
    from matplotlib.patches import Ellipse
    from matplotlib.path import Path

    paths = []
    for part in view.parts:
        if part.curve is not None:
            pts = _flip(smooth(part.curve), mirror)
            paths.append(Path([*pts, pts[0]], closed=True))
        elif part.ellipse is not None:
            x, y, w, h = part.ellipse
            e = Ellipse((-x if mirror else x, y), w, h)
            paths.append(e.get_patch_transform().transform_path(e.get_path()))
    return Path.make_compound_path(*paths)


def _shape_patch(shape: Any, mirror: bool) -> Any:
    from matplotlib.patches import Ellipse, Polygon

    if shape.rect is not None:
        x0, y0, x1, y1 = shape.rect
        pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        return Polygon(_flip(pts, mirror), closed=True)
    if shape.ellipse is not None:
        x, y, w, h = shape.ellipse
        return Ellipse((-x if mirror else x, y), w, h)
    return Polygon(_flip(shape.poly, mirror), closed=True)


def margin_box(view: View, where: str, mirror: bool) -> tuple[float, float, float, float] | None:
    """The hand's-width margin on ``view`` as (x0, y0, x1, y1), or None if the view has no
    knee. ``where`` is ``below`` (calf side) or ``above`` (thigh side) the crease. On the side
    views it covers the back half of the leg, where the hollow of the knee is."""
    if not view.knee or not any(s.area == "knee_hollow" for s in view.areas):
        return None  # the margin guards the hollow of the knee: only where it is seen
    knee = drawing().knee
    y0, y1 = ((knee.crease - knee.hand_width, knee.crease) if where == "below"
              else (knee.crease, knee.crease + knee.hand_width))
    hollow = next((s for s in view.areas if s.area == "knee_hollow"), None)
    x0, x1 = -20.0, 20.0
    if hollow is not None and hollow.ellipse is not None:
        cx, _cy, w, _h = hollow.ellipse
        if cx < -1:
            x1 = cx + w / 2 + 1
        elif cx > 1:
            x0 = cx - w / 2 - 1
    if mirror:
        x0, x1 = -x1, -x0
    return (x0, y0, x1, y1)


def _bbox(shape: Any, mirror: bool) -> tuple[float, float, float, float]:
    if shape.rect is not None:
        x0, y0, x1, y1 = shape.rect
        pts = [(x0, y0), (x1, y1)]
    elif shape.ellipse is not None:
        x, y, w, h = shape.ellipse
        pts = [(x - w / 2, y - h / 2), (x + w / 2, y + h / 2)]
    else:
        pts = list(shape.poly)
    pts = _flip(pts, mirror)
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def _signed_area(pts: Any) -> float:
    return 0.5 * sum(pts[i - 1][0] * pts[i][1] - pts[i][0] * pts[i - 1][1]
                     for i in range(len(pts)))


def outside(path: MplPath, reach: float = 500.0) -> MplPath:
    """Everything but ``path``: a huge square with the outline's parts as holes (each part
    wound against the square, so the fill leaves them open)."""
    from matplotlib.path import Path

    square = [(-reach, -reach), (reach, -reach), (reach, reach), (-reach, reach)]
    pieces = [Path([*square, square[0]], closed=True)]
    for poly in path.to_polygons(closed_only=True):
        pts = [tuple(p) for p in poly]
        if _signed_area(pts) > 0:  # the square runs counter-clockwise: holes run clockwise
            pts = pts[::-1]
        pieces.append(Path(pts, closed=True))
    return Path.make_compound_path(*pieces)


# --- drawing one view ---------------------------------------------------------------------


def draw_leg(
    ax: Axes, view_id: str, *, side: str = "right", status: Mapping[str, str] | None = None,
    fills: Mapping[str, Sequence[str]] | None = None, margins: Iterable[str] = ("below",),
    labels: bool = True, highlight: Iterable[str] = (), fontsize: float = 6.5,
) -> dict[str, Any]:
    """Draw one view of one leg into ``ax``; returns area id -> its patch.

    ``status`` maps area ids to ``never``, ``kept`` or ``worked`` (anything else: plain
    skin); ``fills`` gives the colours of a worked area (one stripe per colour). Area names
    are written on the leg when ``labels`` is true; "never" and "kept out" always are.
    """
    from matplotlib.patches import PathPatch, Polygon, Rectangle

    d = drawing()
    if view_id not in d.views:
        raise ValueError(f"Unknown view '{view_id}': choose one of {', '.join(d.views)}")
    view = d.views[view_id]
    c = content()
    mirror = mirrored(side)
    status = dict(status or {})
    for area in c.areas:
        if area.never:
            status[area.id] = "never"
    fills = fills or {}
    marked = set(highlight)
    clip = outline_path(view, mirror)
    ax.add_patch(PathPatch(clip, facecolor=pal.SKIN, edgecolor="none", zorder=0))
    patches: dict[str, Any] = {}

    for shape in view.areas:
        state = status.get(shape.area, "")
        patch = _shape_patch(shape, mirror)
        ax.add_patch(patch)
        if state == "never":
            patch.set(facecolor=pal.NEVER_FILL, hatch=pal.HATCH_NEVER, edgecolor=pal.NEVER,
                      linewidth=0.8, zorder=2)
        elif state == "kept":
            patch.set(facecolor=pal.KEPT_OUT, hatch=pal.HATCH_KEPT, edgecolor="#555555",
                      linewidth=0.6, zorder=1.5)
        elif state == "worked" and fills.get(shape.area):
            colours = list(fills[shape.area])
            patch.set(facecolor="none", edgecolor="#666666", linewidth=0.4, zorder=1.2)
            x0, y0, x1, y1 = _bbox(shape, mirror)
            width = (x1 - x0) / len(colours)
            for i, colour in enumerate(colours):  # vertical stripes, one per technique
                band = Rectangle((x0 + i * width, y0), width, y1 - y0, facecolor=colour,
                                 edgecolor="none", alpha=0.55, zorder=1.0)
                ax.add_patch(band)
                band.set_clip_path(patch)
        else:
            patch.set(facecolor="none", edgecolor="#999999", linewidth=0.4, zorder=1.1)
        if shape.area in marked:
            patch.set(linewidth=2.2, edgecolor=pal.BLACK)
        patches[shape.area] = patch

    for where in margins:
        box = margin_box(view, where, mirror)
        if box is None:
            continue
        x0, y0, x1, y1 = box
        band = Polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], closed=True,
                       facecolor=pal.MARGIN, alpha=0.55, hatch=pal.HATCH_MARGIN,
                       edgecolor="#8A7D00", linewidth=0.6, zorder=1.8)
        ax.add_patch(band)
        band.set_gid(f"margin-{where}")

    # everything outside the outline is masked: areas are rough shapes, the leg's edge is
    # the outline's (matplotlib has one clip path per artist, the stripes use theirs)
    ax.add_patch(PathPatch(outside(clip), facecolor="white", edgecolor="none", zorder=2.5))
    for part in view.details:
        _detail(ax, part, mirror)
    ax.add_patch(PathPatch(clip, facecolor="none", edgecolor=pal.OUTLINE, linewidth=1.2,
                           zorder=4))

    for shape in view.areas:
        state = status.get(shape.area, "")
        text = {"never": "never", "kept": "kept out"}.get(state)
        if text is None and labels:
            text = shape.area.replace("_", " ")
        if text is None:
            continue
        cx, cy = shape.centre()
        if shape.area == "inner_thigh" and view_id in ("front", "back"):
            cx += 1.5  # the strip is narrow: nudge the word into it
        ax.text(-cx if mirror else cx, cy, text, ha="center", va="center", fontsize=fontsize,
                zorder=6, clip_on=True,
                fontweight="bold" if state in ("never", "kept") else "normal",
                bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "alpha": 0.85,
                      "linewidth": 0})
    for label in view.labels if labels else []:
        x, y = label.at
        ax.text(-x if mirror else x, y, label.text, fontsize=fontsize, va="center",
                ha="left" if (x > 0) != mirror else "right", zorder=6, clip_on=True)
    return patches


def _detail(ax: Axes, part: Any, mirror: bool) -> None:
    from matplotlib.patches import Ellipse

    if part.ellipse is not None:
        x, y, w, h = part.ellipse
        ax.add_patch(Ellipse((-x if mirror else x, y), w, h, facecolor="none",
                             edgecolor="#444444", linewidth=0.7, zorder=3))
    else:
        pts = _flip(part.line or part.curve or [], mirror)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], color="#444444", linewidth=0.7,
                zorder=3)


def margin_note(ax: Axes, view_id: str, side: str, where: str = "below",
                fontsize: float = 6.5, *, inside: bool = False) -> None:
    """A bracket beside the margin with the words "a hand's width" (colour is not enough);
    ``inside`` writes the words on the band itself (close-ups, where the side is cropped)."""
    view = drawing().views[view_id]
    box = margin_box(view, where, mirrored(side))
    if box is None:
        return
    x0, y0, x1, y1 = box
    if inside:
        centre = next((s.centre()[0] for s in view.areas if s.area == "knee_hollow"), 0.0)
        cx = -centre if mirrored(side) else centre
        ax.text(cx, (y0 + y1) / 2 + (-1.2 if where == "below" else 1.2), "a hand's width",
                fontsize=fontsize, ha="center", va="center", zorder=9, clip_on=True,
                bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "alpha": 0.85,
                      "linewidth": 0})
        return
    xs = [abs(x) for x in (x0, x1)]
    edge = min(max(xs), 10.5)
    if abs(abs(x1) - abs(x0)) < 1e-9:  # seen from behind: away from the crease's label
        right = not mirrored(side)
    else:
        right = abs(x1) > abs(x0)
    x = edge if right else -edge
    ax.annotate("", xy=(x, y0), xytext=(x, y1),
                arrowprops={"arrowstyle": "|-|", "color": pal.BLACK, "linewidth": 0.8,
                            "shrinkA": 0, "shrinkB": 0, "mutation_scale": 3}, zorder=6)
    ax.text(x + (0.8 if right else -0.8), (y0 + y1) / 2, "a hand's\nwidth", fontsize=fontsize,
            ha="left" if right else "right", va="center", zorder=6, clip_on=True)


# --- the leg map --------------------------------------------------------------------------


def kept_by_side(kept_out: Iterable[str] | Mapping[str, Iterable[str]] | None
                 ) -> dict[str, frozenset[str]]:
    """Normalise ``kept_out``: a plain list of areas (today's routines) counts for both legs;
    a mapping ``{"left": {...}, "right": {...}}`` (routines per leg) is taken as given."""
    if kept_out is None:
        return {s: frozenset() for s in SIDES}
    if isinstance(kept_out, Mapping):
        unknown = set(kept_out) - set(SIDES)
        if unknown:
            raise ValueError(f"Unknown side: {', '.join(sorted(unknown))} (use left, right)")
        return {s: frozenset(kept_out.get(s, ())) for s in SIDES}
    both = frozenset(kept_out)
    return {s: both for s in SIDES}


def workers(technique: str | None = None) -> dict[str, list[str]]:
    """Area id -> ids of the techniques that work it (only ``technique`` if one is given)."""
    c = content()
    if technique is not None and technique not in c.technique:
        raise ValueError(f"Unknown technique '{technique}': choose one of {', '.join(c.technique)}")
    out: dict[str, list[str]] = {}
    for t in c.techniques:
        if technique is None or t.id == technique:
            for area in t.areas:
                out.setdefault(area, []).append(t.id)
    return out


def leg_alt(technique: str | None = None,
            kept_out: Iterable[str] | Mapping[str, Iterable[str]] | None = None,
            sides: Sequence[str] | None = None) -> str:
    """What the leg figure shows, in words (what a screen reader reads instead)."""
    c = content()
    kept = kept_by_side(kept_out)
    legs = _sides(kept_out, sides)
    work = workers(technique)
    knee = drawing().knee
    if len(legs) == 1:
        head = (f"The {legs[0]} leg seen from the front, the back, the outer and the inner side"
                + (f", for the {c.technique[technique].name}" if technique else ""))
    else:
        head = ("Both legs, left and right, each seen from the front and the back"
                + (f", for the {c.technique[technique].name}" if technique else ""))
    parts = []
    for area in c.areas:
        if area.never:
            parts.append(f"{area.name}: never massaged")
        elif area.id in work:
            names = ", ".join(c.technique[t].name for t in work[area.id])
            parts.append(f"{area.name}: {names}")
    for side in legs:
        if kept[side]:
            names = ", ".join(c.area[a].name for a in c.area if a in kept[side])
            parts.append(f"kept out on the {side} leg: {names}")
    margin = (f"A dotted band a hand's width (about {knee.hand_width:.0f} cm) below the knee "
              "crease marks where no ball or firm pressure goes")
    return f"{head}. " + "; ".join(parts) + f". {margin}."


def _sides(kept_out: Any, sides: Sequence[str] | None) -> tuple[str, ...]:
    if sides is not None:
        for s in sides:
            mirrored(s)
        return tuple(sides)
    return SIDES if isinstance(kept_out, Mapping) else ("right",)


def leg_figure(
    technique: str | None = None,
    kept_out: Iterable[str] | Mapping[str, Iterable[str]] | None = None,
    *, sides: Sequence[str] | None = None, highlight: Iterable[str] = (),
) -> Figure:
    """The leg map: where each technique works, the never-zones, the hand's-width margin
    below the knee crease, and what is kept out, on the leg it is kept out of.

    With ``kept_out`` as a mapping by side (or ``sides=("left", "right")``) both legs are
    drawn, front and back; otherwise one leg (the right) from four sides.
    """
    from course import plots
    from course.figures.palette import OKABE_ITO

    c = content()
    kept = kept_by_side(kept_out)
    legs = _sides(kept_out, sides)
    marked = set(highlight)
    unknown = sorted((set().union(*kept.values()) | marked) - c.area.keys())
    if unknown:
        raise ValueError(f"Unknown area: {', '.join(unknown)}")
    work = workers(technique)
    ids = [t.id for t in c.techniques]
    colour = {t: OKABE_ITO[i % len(OKABE_ITO)] for i, t in enumerate(ids)}
    panels = ([(legs[0], v) for v in ALL_VIEWS] if len(legs) == 1
              else [(s, v) for s in legs for v in PAIR_VIEWS])
    d = drawing()
    widths = []
    for _side, v in panels:
        xs = [p[0] for part in d.views[v].parts for p in (part.curve or [])]
        widths.append(max(xs) - min(xs) + 6)
    fig = plots.new_figure(LEG_SIZE, DPI, leg_alt(technique, kept_out, sides))
    grid = fig.add_gridspec(1, len(panels), width_ratios=widths, left=0.01, right=0.99,
                            top=0.9, bottom=0.13, wspace=0.08)
    for i, (side, view_id) in enumerate(panels):
        ax = fig.add_subplot(grid[0, i])
        view = d.views[view_id]
        status = {}
        for area in c.areas:
            if area.id in kept[side]:
                status[area.id] = "kept"
            elif area.id in work:
                status[area.id] = "worked"
        fills = {a: [colour[t] for t in ts] for a, ts in work.items()}
        draw_leg(ax, view_id, side=side, status=status, fills=fills, highlight=marked,
                 labels=view_id in ("front", "back"), fontsize=6)
        if view_id == "back":
            margin_note(ax, view_id, side, fontsize=6)
        xs = [p[0] for part in view.parts for p in (part.curve or [])]
        lo, hi = (-max(xs), -min(xs)) if mirrored(side) else (min(xs), max(xs))
        ax.set_xlim(lo - 3, hi + 3)
        ax.set_ylim(*Y_RANGE)
        ax.set_aspect("equal")
        ax.set_axis_off()
        title = view.title if len(legs) == 1 else f"{side.capitalize()} leg · {view.title.lower()}"
        ax.set_title(title, fontsize=8)
    fig.legend(handles=_legend(work, colour, kept, legs), loc="lower center", ncols=4,
               fontsize=7, frameon=False)
    head = f"Where the {c.technique[technique].name} works" if technique else "Areas of the leg"
    fig.suptitle(head + ("" if len(legs) > 1 else f" (the {legs[0]} leg; the other is its mirror)"),
                 fontsize=10)
    return fig


def _legend(work: Mapping[str, list[str]], colour: Mapping[str, str],
            kept: Mapping[str, frozenset[str]], legs: Sequence[str]) -> list[Any]:
    from matplotlib.patches import Patch

    c = content()
    handles = [Patch(facecolor=colour[t.id], alpha=0.55, edgecolor="#666666", label=t.name)
               for t in c.techniques if any(t.id in ts for ts in work.values())]
    handles.append(Patch(facecolor=pal.NEVER_FILL, hatch=pal.HATCH_NEVER,
                         edgecolor=pal.NEVER, label="never massaged"))
    handles.append(Patch(facecolor=pal.MARGIN, alpha=0.55, hatch=pal.HATCH_MARGIN,
                         edgecolor="#8A7D00", label="a hand's width: no ball, no firm pressure"))
    if any(kept[s] for s in legs):
        handles.append(Patch(facecolor=pal.KEPT_OUT, hatch=pal.HATCH_KEPT, edgecolor="#555555",
                             label="kept out"))
    return handles
