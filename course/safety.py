"""The safety gate: a learner's screening answers in, a decision per leg out.

Safety is a gate, not a hint. :func:`screen` is pure (values in, values out) so that the
routine builder, the widgets, the practice timers, the CLI and the property tests all ask the
very same function, and a red flag can never be shown in one place and missed in another.

Every rule is data in ``course/content/`` (``contraindications.yaml``, ``risk_factors.yaml``,
``escalations.yaml``); this module only knows the five strengths (stop, hold, keep out,
exclude, cap) and how they combine. No condition id appears here. The combination is
monotonic: an extra answer can only add stops, holds, kept-out areas and exclusions, lower
caps and raise the urgency.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from course.models import Content, Contraindication, Effect, Escalation, Hold, Urgency, content

# Most urgent first: a stop shows the most urgent advice at the top.
URGENCY_ORDER = [Urgency.EMERGENCY, Urgency.SAME_DAY, Urgency.SEE_CLINICIAN, Urgency.NONE]

URGENCY_ADVICE = {
    Urgency.EMERGENCY: "Call the emergency services now.",
    Urgency.SAME_DAY: "Get a medical assessment today.",
    Urgency.SEE_CLINICIAN: "See a clinician before you massage.",
    Urgency.NONE: "Do not massage today.",
}

# The two legs, in the order a routine works them; "both" is how an answer names both.
LEGS = ("left", "right")
SIDE_CHOICES = ("both", "left", "right")
LEG_NAMES = {"left": "Left leg", "right": "Right leg"}


def clearance_wording() -> str:
    """The clearance sentence the learner confirms; its words live in content/policy.yaml."""
    from course.screening import policy

    return " ".join(policy().clearance_wording.split())


def more_urgent(a: Urgency, b: Urgency) -> Urgency:
    """The more urgent of two levels."""
    return a if URGENCY_ORDER.index(a) <= URGENCY_ORDER.index(b) else b


@dataclass(frozen=True)
class Profile:
    """A learner's answers to the screening checklist.

    ``conditions`` are the contraindication ids answered "yes". ``where`` says, for the
    conditions that ask it, which areas are affected, and ``sides`` on which leg ("left",
    "right" or "both", the default). Answers for conditions not ticked are ignored, so a
    widget can keep them while a box is unticked. ``cleared`` means the learner confirms that
    "a clinician has said gentle self-massage is fine for me": it lifts holds, never stops,
    kept-out areas, exclusions or caps.
    """

    conditions: frozenset[str] = frozenset()
    where: Mapping[str, frozenset[str]] = field(default_factory=dict)
    sides: Mapping[str, str] = field(default_factory=dict)
    cleared: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "conditions", frozenset(self.conditions))
        object.__setattr__(self, "where", {k: frozenset(v) for k, v in dict(self.where).items()})
        object.__setattr__(self, "sides", dict(self.sides))
        object.__setattr__(self, "cleared", bool(self.cleared))

    @classmethod
    def of(
        cls, *conditions: str, sides: Mapping[str, str] | None = None, cleared: bool = False,
        **where: Iterable[str],
    ) -> Profile:
        """Short form for lessons and tests.

        ``Profile.of("varicose_veins", varicose_veins=["calf"], sides={"varicose_veins": "left"})``
        """
        return cls(frozenset(conditions), {k: frozenset(v) for k, v in where.items()},
                   dict(sides or {}), cleared)

    def legs(self, condition: str) -> tuple[str, ...]:
        """The legs an answer names: both unless the learner chose one."""
        side = self.sides.get(condition, "both")
        return LEGS if side == "both" else (side,)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe answers (sorted, so equal profiles give equal JSON)."""
        return {
            "conditions": sorted(self.conditions),
            "where": {k: sorted(v) for k, v in sorted(self.where.items()) if k in self.conditions},
            "sides": {k: v for k, v in sorted(self.sides.items())
                      if k in self.conditions and v != "both"},
            "cleared": self.cleared,
        }

    @classmethod
    def from_dict(cls, data: Any, course: Content | None = None) -> Profile:
        """Rebuild stored answers; ``ValueError`` naming what is wrong if they are not valid
        (a stored screening from an older course, or a damaged record, must not half-load)."""
        c = course or content()
        if not isinstance(data, Mapping):
            raise ValueError("stored screening answers are not a mapping")
        extra = sorted(set(data) - {"conditions", "where", "sides", "cleared"})
        if extra:
            raise ValueError(f"stored screening answers have unknown fields: {', '.join(extra)}")
        conditions = data.get("conditions", [])
        if not isinstance(conditions, list) or not all(isinstance(x, str) for x in conditions):
            raise ValueError("stored screening answers: 'conditions' must be a list of ids")
        where = data.get("where", {})
        if not isinstance(where, Mapping) or not all(
            isinstance(v, list) and all(isinstance(a, str) for a in v) for v in where.values()
        ):
            raise ValueError("stored screening answers: 'where' must map ids to lists of areas")
        sides = data.get("sides", {})
        if not isinstance(sides, Mapping) or not all(isinstance(v, str) for v in sides.values()):
            raise ValueError("stored screening answers: 'sides' must map ids to a side")
        cleared = data.get("cleared", False)
        if not isinstance(cleared, bool):
            raise ValueError("stored screening answers: 'cleared' must be true or false")
        profile = cls(frozenset(conditions), {k: frozenset(v) for k, v in where.items()},
                      dict(sides), cleared)
        validate(profile, c)
        return profile


@dataclass(frozen=True)
class Finding:
    """One answered condition (or a combination rule) and what it means, in plain words."""

    id: str
    name: str
    effect: Effect
    why: str
    instead: str
    urgency: Urgency = Urgency.NONE
    red_flags: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    legs: tuple[str, ...] = LEGS
    hold: Hold = Hold.NONE
    keeps_out: bool = False
    max_pressure: int | None = None
    pressure_cue: str = ""
    no_heat: bool = False
    excludes: tuple[str, ...] = ()  # techniques, "technique.step" and positions, as ids

    @classmethod
    def of(cls, item: Contraindication, profile: Profile) -> Finding:
        areas = profile.where.get(item.id, frozenset()) if item.asks_where else ()
        legs = profile.legs(item.id) if item.asks_leg else LEGS
        ex = item.exclude
        return cls(
            id=item.id,
            name=item.name,
            effect=item.effect,
            why=" ".join(item.why.split()),
            instead=" ".join(item.instead.split()),
            urgency=item.urgency,
            red_flags=tuple(item.red_flags),
            areas=tuple(sorted(areas)),
            legs=legs,
            hold=item.hold,
            keeps_out=item.keeps_out,
            max_pressure=item.max_pressure,
            pressure_cue=item.pressure_cue,
            no_heat=item.no_heat,
            excludes=(*ex.techniques, *ex.steps, *ex.positions),
        )

    @classmethod
    def of_rule(cls, rule: Escalation) -> Finding:
        advice = " ".join(rule.advice.split())
        return cls(id=rule.id, name=rule.name, effect=Effect.STOP, why=advice, instead=advice,
                   urgency=rule.urgency)

    @property
    def stops(self) -> bool:
        return self.effect is Effect.STOP

@dataclass(frozen=True)
class LegPlan:
    """What one leg allows: held or not, the areas kept out, the cap, heat, cues."""

    side: str
    holds: tuple[Finding, ...]
    kept_out: Mapping[str, tuple[Finding, ...]]
    max_pressure: int
    capped_by: tuple[Finding, ...]
    no_heat: tuple[Finding, ...]
    cues: tuple[str, ...]
    allowed_areas: tuple[str, ...]

    @property
    def held(self) -> bool:
        return bool(self.holds)

    @property
    def name(self) -> str:
        return LEG_NAMES[self.side]


@dataclass(frozen=True)
class Screening:
    """The decision: stop, hold, or per leg which areas stay out and how gently to work.

    ``holds`` are every answered condition that waits for a clinician's OK (whether or not the
    learner has confirmed it: a record of a clearance needs to know what it covered);
    ``held`` is true while a hold still stops the whole routine.
    """

    stops: tuple[Finding, ...]
    findings: tuple[Finding, ...]
    holds: tuple[Finding, ...]
    cleared: bool
    legs: Mapping[str, LegPlan]
    excluded: Mapping[str, tuple[Finding, ...]]
    never_areas: tuple[str, ...]

    @property
    def stopped(self) -> bool:
        return bool(self.stops)

    @property
    def waiting(self) -> bool:
        """A hold is answered and not yet cleared (for the whole routine or one leg)."""
        return bool(self.holds) and not self.cleared

    @property
    def held(self) -> bool:
        """No routine until a clinician clears it: a whole-routine hold, or both legs held."""
        if not self.waiting or self.stopped:
            return False
        return all(leg.held for leg in self.legs.values())

    @property
    def held_legs(self) -> tuple[str, ...]:
        return tuple(side for side, leg in self.legs.items() if leg.held)

    @property
    def urgency(self) -> Urgency:
        """The most urgent advice among stops, escalations and holds."""
        level = Urgency.NONE
        for f in self.stops:
            level = more_urgent(level, f.urgency)
        if self.waiting:
            level = more_urgent(level, Urgency.SEE_CLINICIAN)
        return level

    @property
    def red_flags(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(flag for f in self.stops for flag in f.red_flags))

    @property
    def cautions(self) -> tuple[Finding, ...]:
        """Every answered condition that does not stop, in content order."""
        return tuple(f for f in self.findings if not f.stops)

    @property
    def advice(self) -> tuple[str, ...]:
        """What to do instead, for every answer: shown in the builder and on the card."""
        return tuple(dict.fromkeys(f"{f.name}: {f.instead}" for f in self.findings
                                   if not f.stops))

    # Simple views over both legs, for lessons and practice notebooks.
    @property
    def kept_out(self) -> dict[str, tuple[Finding, ...]]:
        """Area -> the findings that keep it out, on either leg."""
        out: dict[str, dict[str, Finding]] = {}
        for leg in self.legs.values():
            for area, why in leg.kept_out.items():
                out.setdefault(area, {}).update({f.id: f for f in why})
        return {a: tuple(v.values()) for a, v in out.items()}

    @property
    def allowed_areas(self) -> tuple[str, ...]:
        """Areas a routine may work on, on at least one leg that is not held."""
        if self.stopped or self.held:
            return ()
        seen: dict[str, None] = {}
        for leg in self.legs.values():
            if not leg.held:
                seen.update(dict.fromkeys(leg.allowed_areas))
        order = {a: i for i, a in enumerate(_area_order())}
        return tuple(sorted(seen, key=order.__getitem__))

    @property
    def max_pressure(self) -> int:
        """The lowest cap of any leg."""
        return min(leg.max_pressure for leg in self.legs.values())

    @property
    def no_heat(self) -> bool:
        return any(leg.no_heat for leg in self.legs.values())

    def summary(self) -> str:
        """Plain-text explanation, the same words the widget and the CLI show."""
        lines: list[str] = []
        if self.stopped:
            lines.append(f"STOP: do not massage. {URGENCY_ADVICE[self.urgency]}")
            for f in self.stops:
                lines.append(f"- {f.name}: {f.why}" + ("" if f.why == f.instead
                                                       else f" {f.instead}"))
            return "\n".join(lines)
        if self.held:
            lines.append("WAIT: see a clinician first. Nothing is planned until a clinician has "
                         "said gentle self-massage is fine for you.")
            for f in self.holds:
                lines.append(f"- {f.name}: {f.instead}")
            return "\n".join(lines)
        for leg in self.legs.values():
            if leg.held:
                lines.append(f"{leg.name}: left out until a clinician clears it ("
                             + "; ".join(f.name for f in leg.holds) + ").")
        for leg in self.legs.values():
            if leg.kept_out and not leg.held:
                lines.append(f"{leg.name}, kept out: " + "; ".join(
                    f"{_area_name(a)} ({', '.join(f.name for f in why)})"
                    for a, why in leg.kept_out.items()))
        for leg in self.legs.values():
            if leg.capped_by and not leg.held:
                cue = f", {leg.cues[0]}" if leg.cues else ""
                lines.append(f"{leg.name}: pressure at most {leg.max_pressure}/10{cue}.")
        if self.excluded:
            lines.append("Left out: " + "; ".join(
                f"{exclusion_name(x)} ({', '.join(f.name for f in why)})"
                for x, why in self.excluded.items()))
        if self.cleared and self.holds:
            lines.append(f"Cleared: {clearance_wording()}")
        if self.cautions:
            lines.append("What to do:")
            lines += [f"- {a}" for a in self.advice]
        if not lines:
            lines.append("Nothing in your answers rules massage out. Start gently.")
        return "\n".join(lines)


def _area_order() -> list[str]:
    return [a.id for a in content().areas]


def _area_name(area: str) -> str:
    a = content().area.get(area)
    return a.name if a else area


def exclusion_name(x: str) -> str:
    c = content()
    if x in c.technique:
        return c.technique[x].name
    if x in c.positions:
        return c.positions[x]
    t, _, s = x.partition(".")
    if t in c.technique:
        return f"{c.technique[t].name}: {s.replace('_', ' ')}"
    return x


def validate(profile: Profile, course: Content | None = None) -> None:
    """``ValueError`` for an unknown answer, area or side, or an area answer without a place.

    Guessing would either block the learner for nothing or let a routine touch the affected
    area, so a missing "where" is an error, not a default.
    """
    c = course or content()
    items = c.screening_item
    unknown = sorted(profile.conditions - items.keys())
    if unknown:
        raise ValueError(f"Unknown screening answer: {', '.join(unknown)}")
    for cond, where in profile.where.items():
        bad = sorted(set(where) - c.area.keys())
        if bad:
            raise ValueError(f"Unknown area for {cond}: {', '.join(bad)}")
    for cond, side in profile.sides.items():
        if side not in SIDE_CHOICES:
            raise ValueError(f"Unknown leg for {cond}: '{side}' (choose left, right or both)")
    for cid in profile.conditions:
        if items[cid].keeps_out and not profile.where.get(cid):
            raise ValueError(f"Say where on the leg: {items[cid].name}")


def screen(profile: Profile, course: Content | None = None) -> Screening:
    """Decide what the answers allow, leg by leg.

    Raises ``ValueError`` for an unknown condition, area or side, and when a condition that
    keeps an area out does not say where.
    """
    c = course or content()
    validate(profile, c)
    findings = tuple(Finding.of(x, profile) for x in c.screening_items
                     if x.id in profile.conditions)  # content order keeps the output stable
    rules = tuple(Finding.of_rule(e) for e in c.escalations
                  if all(profile.conditions & set(group) for group in e.when))
    stops = sorted([f for f in findings if f.stops] + [r for r in rules],
                   key=lambda f: URGENCY_ORDER.index(f.urgency))
    holds = tuple(f for f in findings if f.hold is not Hold.NONE)
    waiting = () if profile.cleared else holds

    never = tuple(a.id for a in c.areas if a.never)
    legs: dict[str, LegPlan] = {}
    for side in LEGS:
        kept: dict[str, list[Finding]] = {}
        for f in findings:
            if f.keeps_out and side in f.legs:
                for area in f.areas:
                    kept.setdefault(area, []).append(f)
        capped = tuple(f for f in findings if f.max_pressure is not None and side in f.legs)
        legs[side] = LegPlan(
            side=side,
            holds=tuple(f for f in waiting if f.hold is Hold.ALL or side in f.legs),
            kept_out={a.id: tuple(kept[a.id]) for a in c.areas if a.id in kept},
            max_pressure=min((f.max_pressure for f in capped if f.max_pressure is not None),
                             default=10),
            capped_by=capped,
            no_heat=tuple(f for f in findings if f.no_heat and side in f.legs),
            cues=tuple(dict.fromkeys(f.pressure_cue for f in capped if f.pressure_cue)),
            allowed_areas=tuple(a.id for a in c.areas if not a.never and a.id not in kept),
        )
    excluded: dict[str, list[Finding]] = {}
    for f in findings:
        for x in f.excludes:
            excluded.setdefault(x, []).append(f)
    return Screening(
        stops=tuple(stops),
        findings=findings,
        holds=holds,
        cleared=profile.cleared,
        legs=legs,
        excluded={x: tuple(v) for x, v in excluded.items()},
        never_areas=never,
    )
