"""The drawing data (``course/content/drawing.yaml``), loaded and checked once.

Typed models (pydantic, ``extra="forbid"``) turn a misspelt key into an error naming the
file and the entry; :func:`check` then checks the cross references against the course
content (every area has a shape, every step a drawing, every id exists), so a new
technique that nobody drew is caught by the tests, not by a learner.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

if TYPE_CHECKING:
    from course.models import Area

DRAWING_FILE = Path(__file__).resolve().parents[1] / "content" / "drawing.yaml"

Point = tuple[float, float]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _exactly_one(model: BaseModel, keys: tuple[str, ...], prefix: str) -> None:
    """A shape is given one way only: ValueError naming the choices and what was given."""
    given = [k for k in keys if getattr(model, k) is not None]
    if len(given) != 1:
        raise ValueError(f"{prefix}give exactly one of {', '.join(keys)} "
                         f"(got {', '.join(given) or 'none'})")


class Part(_Strict):
    """One piece of an outline or a detail: a smooth ``curve``, an ``ellipse`` or a ``line``."""

    curve: list[Point] | None = None
    ellipse: tuple[float, float, float, float] | None = None
    line: list[Point] | None = None

    @model_validator(mode="after")
    def _one(self) -> Part:
        _exactly_one(self, ("curve", "ellipse", "line"), "")
        return self


class AreaShape(_Strict):
    """Where an area of ``areas.yaml`` lies on a view (clipped to the leg's outline)."""

    area: str
    rect: tuple[float, float, float, float] | None = None
    ellipse: tuple[float, float, float, float] | None = None
    poly: list[Point] | None = None

    @model_validator(mode="after")
    def _one(self) -> AreaShape:
        _exactly_one(self, ("rect", "ellipse", "poly"), f"area '{self.area}': ")
        return self

    def centre(self) -> Point:
        if self.rect is not None:
            x0, y0, x1, y1 = self.rect
            return ((x0 + x1) / 2, (y0 + y1) / 2)
        if self.ellipse is not None:
            return (self.ellipse[0], self.ellipse[1])
        assert self.poly is not None
        return (sum(p[0] for p in self.poly) / len(self.poly),
                sum(p[1] for p in self.poly) / len(self.poly))


class Label(_Strict):
    text: str
    at: Point


class View(_Strict):
    title: str
    describe: str
    knee: bool = True  # whether the knee crease (and so the margin) is on this view
    parts: list[Part] = Field(min_length=1)
    details: list[Part] = Field(default_factory=list)
    labels: list[Label] = Field(default_factory=list)
    areas: list[AreaShape] = Field(min_length=1)


class Shape(_Strict):
    """A stroke of a body-position pictogram: ``line``, ``circle`` [x, y, r, role?] or
    ``rect`` [x, y, w, h, role?] (role: a fill from the palette, e.g. ``ball``)."""

    line: list[Point] | None = None
    circle: tuple[float, float, float] | tuple[float, float, float, str] | None = None
    rect: tuple[float, float, float, float] | tuple[float, float, float, float, str] | None = None


class Position(_Strict):
    name: str
    shapes: list[Shape] = Field(min_length=1)


class Mark(_Strict):
    """Something on the leg: a ``thumb``, ``palm``, ``fingers``, ``ball`` or ``towel``."""

    kind: Literal["thumb", "palm", "fingers", "ball", "towel"]
    at: Point
    angle: float = 0.0
    scale: float = Field(default=1.0, gt=0)  # a hand is drawn full adult size at 1.0
    size: Point | None = None  # width and height of a towel


class Arrow(_Strict):
    path: list[Point] = Field(min_length=2)
    both: bool = False  # up and down (back and forth)
    dashed: bool = False  # where the hands travel over the passes, not a stroke itself


class StepDrawing(_Strict):
    view: str
    crop: tuple[float, float, float, float]  # x0, x1, y0, y1
    position: str
    marks: list[Mark] = Field(default_factory=list)
    arrows: list[Arrow] = Field(default_factory=list)
    holds: list[Point] = Field(default_factory=list)
    margin: Literal["below", "above"] | None = None
    notes: list[Label] = Field(default_factory=list)
    describe: str

    @property
    def moves(self) -> bool:
        """Whether there is motion to animate (a stroke or a sequence of holds)."""
        return bool(self.holds) or any(not a.dashed for a in self.arrows)


class Knee(_Strict):
    crease: float
    hand_width: float = Field(gt=0)


class Drawing(_Strict):
    knee: Knee
    views: dict[str, View]
    positions: dict[str, Position]
    steps: dict[str, dict[str, StepDrawing]]


@lru_cache(maxsize=1)
def drawing() -> Drawing:
    """The drawing data, loaded once; ValueError naming the file and the problem if bad."""
    return load(DRAWING_FILE)


def load(path: Path) -> Drawing:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Drawing.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path.name}: cannot be read ({exc})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"{path.name}: {where}: {first['msg']}") from None


def check(d: Drawing | None = None) -> list[str]:
    """Problems between the drawing data and the course content (empty list: none).

    Every area of ``areas.yaml`` must have a shape on some view (and on the front or back
    view its ``side`` names), every step of every technique a drawing, and every id the
    drawing names must exist.
    """
    from course.models import content

    d = d or drawing()
    c = content()
    problems: list[str] = []
    drawn = {s.area for v in d.views.values() for s in v.areas}
    for area in c.areas:
        if area.id not in drawn:
            problems.append(f"area '{area.id}' has no shape on any view")
    problems += _side_problems(d, c.areas)
    for view_id, view in d.views.items():
        for s in view.areas:
            if s.area not in c.area:
                problems.append(f"view '{view_id}': unknown area '{s.area}'")
    for t in c.techniques:
        for step in t.steps:
            if step.id not in d.steps.get(t.id, {}):
                problems.append(f"step '{t.id}.{step.id}' has no drawing")
    for tid, steps in d.steps.items():
        for sid, sd in steps.items():
            name = f"{tid}.{sid}"
            if tid not in c.technique or sid not in {s.id for s in c.technique[tid].steps}:
                problems.append(f"drawing '{name}': no such technique step")
            if sd.view not in d.views:
                problems.append(f"drawing '{name}': unknown view '{sd.view}'")
            if sd.position not in d.positions:
                problems.append(f"drawing '{name}': unknown position '{sd.position}'")
    return problems


def _side_problems(d: Drawing, areas: list[Area]) -> list[str]:
    """An area's ``side`` (front, back or both) says where the leg map shows it: on that view
    of the front/back pair, and not on the other one, so the map and areas.yaml agree."""
    problems = []
    for area in areas:
        wanted = {"front", "back"} if area.side.value == "both" else {area.side.value}
        for view_id in ("front", "back"):
            if view_id not in d.views:
                continue
            drawn = any(s.area == area.id for s in d.views[view_id].areas)
            if drawn != (view_id in wanted):
                state = "has no shape on" if not drawn else "is drawn on"
                problems.append(
                    f"area '{area.id}' (side: {area.side.value}) {state} the {view_id} view"
                )
    return problems
