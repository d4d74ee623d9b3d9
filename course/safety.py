"""The safety gate: a learner's screening answers in, a decision out.

Safety is a gate, not a hint. :func:`screen` is pure (values in, values out) so that the
routine builder, the widgets, the CLI and the property tests all ask the very same function,
and a red flag can never be shown in one place and missed in another.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from course.models import Content, Contraindication, Effect, Urgency, content

# Most urgent first: a stop shows the most urgent advice at the top.
URGENCY_ORDER = [Urgency.EMERGENCY, Urgency.SAME_DAY, Urgency.SEE_CLINICIAN, Urgency.NONE]

URGENCY_ADVICE = {
    Urgency.EMERGENCY: "Call the emergency services now.",
    Urgency.SAME_DAY: "Get a medical assessment today.",
    Urgency.SEE_CLINICIAN: "See a clinician before you massage.",
    Urgency.NONE: "Do not massage today.",
}


@dataclass(frozen=True)
class Profile:
    """A learner's answers to the screening checklist.

    ``conditions`` are the contraindication ids answered "yes"; ``where`` says, for the
    conditions that ask it, which areas of the leg are affected. Answers for conditions not
    ticked are ignored, so a widget can keep them while a box is unticked.
    """

    conditions: frozenset[str] = frozenset()
    where: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "conditions", frozenset(self.conditions))
        object.__setattr__(self, "where", {k: frozenset(v) for k, v in dict(self.where).items()})

    @classmethod
    def of(cls, *conditions: str, **where: Iterable[str]) -> Profile:
        """Short form for lessons and tests.

        ``Profile.of("varicose_veins", varicose_veins=["calf"])``
        """
        return cls(frozenset(conditions), {k: frozenset(v) for k, v in where.items()})


@dataclass(frozen=True)
class Finding:
    """One answered condition and what it means for the routine, in plain words."""

    id: str
    name: str
    effect: Effect
    why: str
    instead: str
    urgency: Urgency = Urgency.NONE
    red_flags: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    max_pressure: int | None = None
    no_heat: bool = False

    @classmethod
    def of(cls, item: Contraindication, areas: Iterable[str] = ()) -> Finding:
        return cls(
            id=item.id,
            name=item.name,
            effect=item.effect,
            why=item.why.strip(),
            instead=item.instead.strip(),
            urgency=item.urgency,
            red_flags=tuple(item.red_flags),
            areas=tuple(sorted(areas)),
            max_pressure=item.max_pressure,
            no_heat=item.no_heat,
        )


@dataclass(frozen=True)
class Screening:
    """The decision: stop, or which areas stay out and which cautions apply.

    ``allowed_areas`` is what a routine may work on: every area of the leg that is not a
    never-massage area and not kept out by an answer.
    """

    stops: tuple[Finding, ...]
    kept_out: Mapping[str, tuple[Finding, ...]]
    cautions: tuple[Finding, ...]
    max_pressure: int
    no_heat: bool
    allowed_areas: tuple[str, ...]
    never_areas: tuple[str, ...]

    @property
    def stopped(self) -> bool:
        return bool(self.stops)

    @property
    def urgency(self) -> Urgency:
        """The most urgent advice among the stops (``none`` when nothing stops)."""
        levels = [f.urgency for f in self.stops]
        return min(levels, key=URGENCY_ORDER.index, default=Urgency.NONE)

    @property
    def red_flags(self) -> tuple[str, ...]:
        return tuple(flag for f in self.stops for flag in f.red_flags)

    def summary(self) -> str:
        """Plain-text explanation, the same words the widget and the CLI show."""
        lines: list[str] = []
        if self.stopped:
            lines.append(f"STOP: do not massage. {URGENCY_ADVICE[self.urgency]}")
            for f in self.stops:
                lines.append(f"- {f.name}: {f.why} {f.instead}")
            return "\n".join(lines)
        if self.kept_out:
            lines.append("Kept out of your routine:")
            for area, reasons in self.kept_out.items():
                lines.append(f"- {area}: " + "; ".join(r.name for r in reasons))
        if self.cautions:
            lines.append(f"Cautions (pressure at most {self.max_pressure}/10):")
            for f in self.cautions:
                lines.append(f"- {f.name}: {f.instead}")
        if not lines:
            lines.append("Nothing in your answers rules massage out. Start gently.")
        return "\n".join(lines)


def screen(profile: Profile, course: Content | None = None) -> Screening:
    """Decide what the answers allow.

    Raises ``ValueError`` for an unknown condition or area, and when a condition that keeps
    an area out does not say where: guessing would either block the learner for nothing or
    let a routine touch the affected area.
    """
    c = course or content()
    items = c.contraindication
    areas = c.area
    unknown = sorted(profile.conditions - items.keys())
    if unknown:
        raise ValueError(f"Unknown screening answer: {', '.join(unknown)}")
    for cond, where in profile.where.items():
        bad = sorted(set(where) - areas.keys())
        if bad:
            raise ValueError(f"Unknown area for {cond}: {', '.join(bad)}")

    stops: list[Finding] = []
    cautions: list[Finding] = []
    kept: dict[str, list[Finding]] = {}
    for item in c.contraindications:  # content order keeps the output stable
        if item.id not in profile.conditions:
            continue
        where = profile.where.get(item.id, frozenset())
        if item.effect is Effect.AREA and not where:
            raise ValueError(f"Say where on the leg: {item.name}")
        finding = Finding.of(item, where if item.asks_where else ())
        if item.effect is Effect.STOP:
            stops.append(finding)
        elif item.effect is Effect.CAUTION:
            cautions.append(finding)
        for area in finding.areas:
            kept.setdefault(area, []).append(finding)

    stops.sort(key=lambda f: URGENCY_ORDER.index(f.urgency))
    caps = [f.max_pressure for f in cautions if f.max_pressure is not None]
    never = tuple(a.id for a in c.areas if a.never)
    allowed = tuple(a.id for a in c.areas if not a.never and a.id not in kept)
    return Screening(
        stops=tuple(stops),
        kept_out={a: tuple(kept[a]) for a in areas if a in kept},
        cautions=tuple(cautions),
        max_pressure=min(caps, default=10),
        no_heat=any(f.no_heat for f in cautions),
        allowed_areas=() if stops else allowed,
        never_areas=never,
    )
