"""A picture for every technique step, and its motion.

What a step shows is data (``drawing.yaml`` → ``steps``): which view of the leg, the crop,
the hands, thumbs, palms or ball and where they sit, the stroke arrows, the numbered hold
positions, the hand's-width margin and the body position. This module only draws it, so a
new technique is drawn by adding its entries to the YAML, with no Python change.

Each picture has three parts: the leg with what sits on it (left), a small pictogram of the
body position (top right) and the pressure on the 0-10 scale as a shade (bottom right). The
alt text says all of it in words.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from course.figures import palette as pal
from course.figures.data import Mark, StepDrawing, drawing
from course.figures.leg import draw_leg, kept_by_side, margin_note, mirrored
from course.models import content

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

STEP_SIZE = (5.0, 3.6)
STEP_DPI = 100
MOTION_SIZE = (2.6, 3.0)
MOTION_DPI = 64
MOTION_FPS = 3
DEFAULT_PRESSURE = 5
BALL_RADIUS = 3.35  # a tennis ball is about 6.7 cm across


def step_drawing(technique: str, step: str) -> StepDrawing:
    """The drawing data of one step; ValueError naming what is missing."""
    c = content()
    if technique not in c.technique:
        raise ValueError(f"Unknown technique '{technique}': choose one of {', '.join(c.technique)}")
    ids = [s.id for s in c.technique[technique].steps]
    if step not in ids:
        raise ValueError(f"Unknown step '{step}' of {technique}: choose one of {', '.join(ids)}")
    found = drawing().steps.get(technique, {}).get(step)
    if found is None:
        raise ValueError(f"The step '{technique}.{step}' has no drawing in drawing.yaml")
    return found


def default_pressure(technique: str, step: str) -> int:
    """A moderate 5/10, kept inside the technique's range and under the areas' caps (what
    the lessons' practice timer uses when no routine sets the pressure)."""
    c = content()
    t = c.technique[technique]
    s = next(x for x in t.steps if x.id == step)
    cap = min([t.pressure_max, DEFAULT_PRESSURE] + [c.area[a].max_pressure for a in s.areas])
    return max(t.pressure_min, cap)


def _step_name(step: str) -> str:
    return step.replace("_", " ")


def step_alt(technique: str, step: str, *, pressure: int | None = None, side: str = "right",
             number: int | None = None) -> str:
    """The picture in words: what is where, which way, in what position and how hard."""
    c = content()
    t = c.technique[technique]
    sd = step_drawing(technique, step)
    d = drawing()
    p = default_pressure(technique, step) if pressure is None else pressure
    ids = [s.id for s in t.steps]
    n = number if number is not None else ids.index(step) + 1
    view = d.views[sd.view].describe.replace("right", side)
    parts = [f"Step {n}, {t.name}: {_step_name(step)}. Drawn on {view} ({side} leg).",
             " ".join(sd.describe.split())]
    if sd.holds:
        parts.append(f"Ball positions numbered 1 to {len(sd.holds)}, in the order to use them.")
    if sd.margin:
        parts.append(f"The dotted band is a hand's width {sd.margin} the knee crease: "
                     "no ball there.")
    parts.append(f"Body position: {d.positions[sd.position].name}.")
    parts.append(f"Pressure {p} of 10 (this technique: {t.pressure_min} to {t.pressure_max}).")
    return " ".join(parts)


# --- glyphs -------------------------------------------------------------------------------


def _rot(points: Iterable[tuple[float, float]], angle: float, at: tuple[float, float],
         mirror: bool) -> list[tuple[float, float]]:
    a = math.radians(-angle if mirror else angle)
    ca, sa = math.cos(a), math.sin(a)
    x0 = -at[0] if mirror else at[0]
    return [(x0 + x * ca - y * sa, at[1] + x * sa + y * ca) for x, y in points]


def _palm_points() -> list[tuple[float, float]]:
    """A flat hand (palm and fingers together, thumb alongside), about 8 x 17 cm, pointing
    up the leg (+y) before it is turned."""
    from course.figures.leg import smooth

    outline = [(-3.6, -6.5), (-4.0, -1), (-3.9, 4), (-3.3, 8.6), (-1.5, 9.6), (0.6, 9.8),
               (2.5, 9.0), (3.4, 6.5), (3.4, 1.5), (5.6, 3.5), (6.4, 2.6), (4.6, -2.5),
               (3.6, -6.5)]
    return smooth(outline, 4)


def draw_mark(ax: Axes, mark: Mark, mirror: bool, zorder: float = 7) -> list[Any]:
    """One thumb, palm, fingers, ball or towel on the leg."""
    from matplotlib.patches import Circle, Ellipse, Polygon, Rectangle

    x = -mark.at[0] if mirror else mark.at[0]
    y = mark.at[1]
    out: list[Any] = []
    if mark.kind == "thumb":
        out.append(Ellipse((x, y), 1.7, 2.6, angle=-mark.angle if mirror else mark.angle,
                           facecolor=pal.HAND, edgecolor=pal.HAND_EDGE, linewidth=1.2))
        nail = _rot([(0, 0.55)], mark.angle, mark.at, mirror)[0]
        out.append(Ellipse(nail, 0.8, 1.0, angle=-mark.angle if mirror else mark.angle,
                           facecolor="white", edgecolor=pal.HAND_EDGE, linewidth=0.6))
    elif mark.kind == "palm":
        k = mark.scale
        pts = _rot([(px * k, py * k) for px, py in _palm_points()], mark.angle, mark.at, mirror)
        out.append(Polygon(pts, closed=True, facecolor=pal.HAND, alpha=0.8,
                           edgecolor=pal.HAND_EDGE, linewidth=1.2))
        for fx in (-1.6, 0.0, 1.6):  # the gaps between the fingers, so it reads as a hand
            gap = _rot([(fx * k, 9.3 * k), (fx * k, 5.0 * k)], mark.angle, mark.at, mirror)
            line, = ax.plot([g[0] for g in gap], [g[1] for g in gap], color=pal.HAND_EDGE,
                            linewidth=0.9, zorder=zorder + 0.1)
            out.append(line)
    elif mark.kind == "fingers":
        for dx in (-2.4, -0.8, 0.8, 2.4):
            c = _rot([(dx, 0)], mark.angle, mark.at, mirror)[0]
            out.append(Ellipse(c, 1.4, 3.2, angle=-mark.angle if mirror else mark.angle,
                               facecolor=pal.HAND, edgecolor=pal.HAND_EDGE, linewidth=1.0))
    elif mark.kind == "ball":
        out.append(Circle((x, y), BALL_RADIUS, facecolor=pal.BALL, edgecolor=pal.BLACK,
                          linewidth=1.2))
    elif mark.kind == "towel":
        w, h = mark.size or (10.0, 10.0)
        out.append(Rectangle((x - w / 2, y - h / 2), w, h, facecolor=pal.TOWEL, alpha=0.35,
                             edgecolor=pal.TOWEL, hatch="--", linewidth=1.0))
    for patch in out:
        if patch.axes is None:  # finger gaps are lines, already on the axes
            patch.set_zorder(zorder)
            ax.add_patch(patch)
    if mark.kind == "ball":  # the seam, so it reads as a tennis ball
        seam = [(x - 2.4 + 4.8 * k / 12, y + 1.4 * math.sin(math.pi * k / 6)) for k in range(13)]
        line, = ax.plot([p[0] for p in seam], [p[1] for p in seam], color="white",
                        linewidth=1.2, zorder=zorder + 0.1)
        out.append(line)
    return out


def _arrow(ax: Axes, path: list[tuple[float, float]], *, both: bool, dashed: bool,
           mirror: bool) -> Any:
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.path import Path

    pts = [(-x if mirror else x, y) for x, y in path]
    codes = [Path.MOVETO] + [Path.LINETO] * (len(pts) - 1)
    arrow = FancyArrowPatch(path=Path(pts, codes), arrowstyle="<|-|>" if both else "-|>",
                            mutation_scale=9, color=pal.ARROW, linewidth=1.8,
                            linestyle="--" if dashed else "-", zorder=8)
    ax.add_patch(arrow)
    return arrow


def _holds(ax: Axes, holds: list[tuple[float, float]], mirror: bool) -> None:
    from matplotlib.patches import Circle, FancyArrowPatch

    pts = [(-x if mirror else x, y) for x, y in holds]
    for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
        ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=8,
                                     color=pal.HOLD, linewidth=1.2, linestyle=(0, (2, 1.5)),
                                     shrinkA=10, shrinkB=10, zorder=7.5))
    for i, (x, y) in enumerate(pts, start=1):
        ax.add_patch(Circle((x, y), BALL_RADIUS * 0.8, facecolor=pal.BALL, edgecolor=pal.BLACK,
                            linewidth=1.0 if i > 1 else 1.8, zorder=7))
        ax.text(x, y, str(i), ha="center", va="center", fontsize=8, fontweight="bold", zorder=8)


def draw_position(ax: Axes, position: str) -> None:
    """The body-position pictogram in a 10 x 10 box."""
    from matplotlib.patches import Circle, Rectangle

    pos = drawing().positions[position]
    fills = {"ball": pal.BALL, "towel": pal.TOWEL, "skin": pal.SKIN}
    for shape in pos.shapes:
        if shape.line is not None:
            ax.plot([p[0] for p in shape.line], [p[1] for p in shape.line], color=pal.BLACK,
                    linewidth=1.6, solid_capstyle="round", solid_joinstyle="round")
        elif shape.circle is not None:
            x, y, r, *role = shape.circle
            ax.add_patch(Circle((x, y), r, facecolor=fills.get(role[0] if role else "", "white"),
                                edgecolor=pal.BLACK, linewidth=1.4, zorder=3))
        elif shape.rect is not None:
            x, y, w, h, *role = shape.rect
            ax.add_patch(Rectangle((x, y), w, h, facecolor=fills.get(role[0] if role else "",
                                                                   "white"),
                                   edgecolor=pal.BLACK, linewidth=0.8, alpha=0.7, zorder=2))
    ax.set_xlim(-0.5, 10.5)
    ax.set_ylim(-0.5, 10.5)
    ax.set_aspect("equal")
    ax.set_axis_off()


def draw_pressure(ax: Axes, pressure: int, low: int, high: int) -> None:
    """The 0-10 scale as eleven cells, each in its shade; the technique's range outlined,
    the step's pressure marked with a triangle and its number (shade is not the only cue)."""
    from matplotlib.patches import Rectangle

    for v in range(11):
        ax.add_patch(Rectangle((v, 0), 1, 1, facecolor=pal.pressure_shade(v),
                               edgecolor="#888888", linewidth=0.4))
    ax.add_patch(Rectangle((low, -0.12), high - low + 1, 1.24, facecolor="none",
                           edgecolor=pal.BLACK, linewidth=1.2))
    ax.plot([pressure + 0.5], [1.45], marker="v", color=pal.BLACK, markersize=6)
    ax.text(pressure + 0.5, 1.75, f"{pressure}/10", ha="center", va="bottom", fontsize=8,
            fontweight="bold")
    ax.text(0, -0.3, "0", ha="left", va="top", fontsize=6)
    ax.text(11, -0.3, "10", ha="right", va="top", fontsize=6)
    ax.set_xlim(-0.3, 11.3)
    ax.set_ylim(-1.0, 2.8)
    ax.set_axis_off()


def _kept_status(kept: Mapping[str, frozenset[str]], side: str,
                 areas: Iterable[str]) -> dict[str, str]:
    status = {a: "worked" for a in areas}
    for a in kept[side]:
        status[a] = "kept"
    return status


def draw_step_leg(ax: Axes, technique: str, step: str, *, side: str = "right",
                  kept_out: Iterable[str] | Mapping[str, Iterable[str]] | None = None,
                  moving: bool = True, fontsize: float = 6) -> StepDrawing:
    """The leg view of a step with everything that sits on it (shared by the still picture,
    the motion and the card). ``moving=False`` leaves out the marks the motion moves."""
    sd = step_drawing(technique, step)
    c = content()
    mirror = mirrored(side)
    areas = next(s.areas for s in c.technique[technique].steps if s.id == step)
    status = _kept_status(kept_by_side(kept_out), side, areas)
    draw_leg(ax, sd.view, side=side, status=status,
             fills={a: [pal.WORKED] for a in areas}, margins=[sd.margin] if sd.margin else [],
             labels=False, fontsize=fontsize)
    if sd.margin:
        margin_note(ax, sd.view, side, sd.margin, fontsize=fontsize, inside=True)
    for mark in sd.marks:
        if moving or mark.kind not in ("ball",):
            draw_mark(ax, mark, mirror)
    for arrow in sd.arrows:
        _arrow(ax, arrow.path, both=arrow.both, dashed=arrow.dashed, mirror=mirror)
    if sd.holds:
        _holds(ax, sd.holds, mirror)
    for note in sd.notes:
        x, y = note.at
        ax.text(-x if mirror else x, y, note.text, ha="center", va="center", fontsize=fontsize,
                zorder=9, bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                                "alpha": 0.9, "linewidth": 0})
    x0, x1, y0, y1 = sd.crop
    ax.set_xlim(*((-x1, -x0) if mirror else (x0, x1)))
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return sd


def step_figure(technique: str, step: str, *, pressure: int | None = None,
                side: str = "right",
                kept_out: Iterable[str] | Mapping[str, Iterable[str]] | None = None,
                number: int | None = None, dpi: int = STEP_DPI) -> Figure:
    """The picture of one step: the leg with hands/ball/arrows/holds, the body position and
    the pressure. Its label is the alt text."""
    from course import plots

    c = content()
    t = c.technique[technique] if technique in c.technique else None
    step_drawing(technique, step)  # names an unknown technique or step
    assert t is not None
    p = default_pressure(technique, step) if pressure is None else pressure
    if not 0 <= p <= 10:
        raise ValueError(f"Pressure must be from 0 to 10, not {p}")
    alt = step_alt(technique, step, pressure=p, side=side, number=number)
    fig = plots.new_figure(STEP_SIZE, dpi, alt)
    leg_ax = fig.add_axes((0.0, 0.0, 0.6, 0.88))
    sd = draw_step_leg(leg_ax, technique, step, side=side, kept_out=kept_out)
    pos_ax = fig.add_axes((0.63, 0.42, 0.34, 0.40))
    draw_position(pos_ax, sd.position)
    fig.text(0.80, 0.40, drawing().positions[sd.position].name, ha="center", va="top",
             fontsize=7, wrap=True)
    gauge = fig.add_axes((0.62, 0.04, 0.36, 0.2))
    draw_pressure(gauge, p, t.pressure_min, t.pressure_max)
    fig.text(0.80, 0.27, "pressure (0-10)", ha="center", fontsize=7)
    ids = [s.id for s in t.steps]
    n = number if number is not None else ids.index(step) + 1
    fig.suptitle(f"{n}. {_step_name(step).capitalize()} · {t.name}", fontsize=9, y=0.97)
    return fig


# --- motion -------------------------------------------------------------------------------


def _motion_track(sd: StepDrawing) -> list[tuple[float, float]]:
    """Where the moving hand or ball is, frame by frame: along each stroke (there and back
    for up-and-down strokes), or resting on each hold in turn."""
    if sd.holds:
        return [p for p in sd.holds for _ in range(3)]
    track: list[tuple[float, float]] = []
    for arrow in (a for a in sd.arrows if not a.dashed):
        pts = list(arrow.path)
        seg = []
        for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
            seg += [(x0 + (x1 - x0) * k / 3, y0 + (y1 - y0) * k / 3) for k in range(3)]
        seg.append(pts[-1])
        track += seg + (seg[-2::-1] if arrow.both else [])
        if len(track) > 16:  # a few strokes show the motion; more only weigh the page
            break
    return track


def has_motion(technique: str, step: str) -> bool:
    return step_drawing(technique, step).moves


def motion_html(technique: str, step: str, *, side: str = "right") -> str:
    """A short looping animation of the step (strokes along their path, the ball from hold
    to hold) as self-contained HTML and JavaScript (no ffmpeg, works offline), preceded by
    the still picture for viewers that run no JavaScript; the player hides the still."""
    from matplotlib.animation import FuncAnimation
    from matplotlib.patches import Circle

    from course import plots
    from course.markup import esc

    sd = step_drawing(technique, step)
    if not sd.moves:
        raise ValueError(f"The step '{technique}.{step}' has no stroke or hold to animate")
    alt = step_alt(technique, step, side=side)
    still = plots.figure_html(step_figure(technique, step, side=side), alt)
    fig = plots.new_figure(MOTION_SIZE, MOTION_DPI, alt)
    ax = fig.add_axes((0, 0, 1, 1))
    draw_step_leg(ax, technique, step, side=side, moving=False)
    mirror = mirrored(side)
    track = [(-x if mirror else x, y) for x, y in _motion_track(sd)]
    hand = sd.holds or any(m.kind == "ball" for m in sd.marks)
    dot = Circle(track[0], BALL_RADIUS if hand else 1.6,
                 facecolor=pal.BALL if hand else pal.BLUE, edgecolor=pal.BLACK,
                 linewidth=1.5, zorder=12)
    ax.add_patch(dot)

    def update(i: int) -> list[Any]:
        dot.center = track[i]
        return [dot]

    anim = FuncAnimation(fig, update, frames=len(track), interval=1000 // MOTION_FPS,
                         blit=False, repeat=True)
    player = offline_player(anim.to_jshtml(fps=MOTION_FPS, embed_frames=True,
                                           default_mode="loop"), alt)
    plots._close(fig)
    key = "lm-still-" + hashlib.sha1(alt.encode()).hexdigest()[:12]
    name = f"{content().technique[technique].name}: {_step_name(step)}"
    return (f'<div class="lm-motion" role="group" aria-label="Animation, {esc(name)}">'
            f'<div id="{key}">{still}</div>{player}'
            f"<script>(function(){{var s=document.getElementById('{key}');"
            "if(s){s.style.display='none';}})();</script></div>")


# matplotlib's player draws its buttons with Font Awesome loaded from a CDN: offline (the
# lesson site, a closed classroom network) they would be blank, so they get plain characters
# (their aria-labels stay, for screen readers)
_ICONS = {"fa-minus": "−", "fa-fast-backward": "|◀◀", "fa-step-backward": "|◀",
          "fa-play fa-flip-horizontal": "◀", "fa-pause": "||", "fa-play": "▶",
          "fa-step-forward": "▶|", "fa-fast-forward": "▶▶|", "fa-plus": "+"}


def offline_player(html: str, alt: str) -> str:
    """The jshtml player without network needs: no CDN stylesheet, text icons, and its image
    element carrying the first frame and the alt text (so it is never an empty image)."""
    import re

    from course.markup import esc

    # one unbroken base64 token per frame (matplotlib breaks them with backslash-newlines):
    # the notebooks' nbval sanitiser then replaces each whole frame, so strict checks compare
    # words, not pixels that differ between freetype builds
    html = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=\\\n]+",
                  lambda m: m[0].replace("\\\n", ""), html)
    html = re.sub(r'<link rel="stylesheet"\s+href="[^"]*font-awesome[^"]*"\s*/?>', "", html)
    html = html.replace('type="range" class="anim-slider"',
                        'type="range" class="anim-slider" aria-label="Frame of the animation"')
    for icon, text in _ICONS.items():
        html = html.replace(f'<i class="fa {icon}"></i>', f'<span aria-hidden="true">{text}</span>')
    # matplotlib names the player's elements with a random uuid: name them after the picture
    # instead, so a lesson stored twice is stored the same (two players on a page still differ)
    made = re.search(r"_anim_img([0-9a-f]{32})", html)
    if made:
        html = html.replace(made[1], hashlib.sha1(alt.encode()).hexdigest()[:32])
    first = re.search(r'frames\[0\] = "(data:image/png;base64,[A-Za-z0-9+/=\s\\]+)"', html)
    if first:
        src = re.sub(r"[\s\\]", "", first[1])
        html = re.sub(r'<img id="(_anim_img\w+)">',
                      lambda m: f'<img id="{m[1]}" alt="{esc(alt)}" src="{src}">',
                      html, count=1)
    return f'<div class="lm-motion-player">{html}</div>'


@lru_cache(maxsize=256)
def step_picture_html(technique: str, step: str, pressure: int | None = None,
                      side: str = "right", number: int | None = None, dpi: int = 72) -> str:
    """The step's picture as an ``<img>`` with alt text, rendered once per arguments (the
    timer shows it at every tick; a step's picture never changes while it runs)."""
    from course import plots

    return plots.figure_html(step_figure(technique, step, pressure=pressure, side=side,
                                         number=number, dpi=dpi))
