"""Build a timed, ordered, explained self-massage routine (pure).

``build`` first asks the safety gate, then picks the technique steps that the answers, the
chosen areas and the equipment allow, caps every step's pressure, and shares the time budget
out so the routine fills it to the second. Everything is decided from the inputs alone, so
the same answers always give the same routine: a learner, an instructor and a test all see
one result.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from course.models import Content, Phase, Step, Technique, content
from course.safety import Profile, Screening, screen

MAX_MINUTES = 60
PRESSURE_NAMES = {"light": 3, "moderate": 5, "firm": 7}
PHASE_ORDER = {Phase.WARM_UP: 0, Phase.MAIN: 1, Phase.FINISH: 2}


class SafetyStop(ValueError):
    """A red flag: no routine. Carries the screening so the stop message can be shown.

    It is a ``ValueError`` so that any caller showing bad-input messages also shows this one,
    never a routine.
    """

    def __init__(self, screening: Screening):
        self.screening = screening
        super().__init__(screening.summary())


@dataclass(frozen=True)
class RoutineStep:
    number: int
    start: int
    seconds: int
    technique: str
    technique_name: str
    step: str
    phase: str
    areas: tuple[str, ...]
    area_names: tuple[str, ...]
    pressure: int
    instruction: str
    why: str

    @property
    def end(self) -> int:
        return self.start + self.seconds


@dataclass(frozen=True)
class Routine:
    goal: str
    goal_name: str
    minutes: int
    pressure: int
    steps: tuple[RoutineStep, ...]
    cautions: tuple[str, ...]
    tips: tuple[str, ...]
    left_out: tuple[str, ...]
    kept_out_areas: tuple[str, ...]

    @property
    def total_seconds(self) -> int:
        return sum(s.seconds for s in self.steps)

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Routine:
        """Rebuild a routine saved with :meth:`to_json`; ``ValueError`` if it is not one."""

        def tuples(d: dict) -> dict:
            return {k: tuple(v) if isinstance(v, list) else v for k, v in d.items()}

        try:
            data = json.loads(text)
            steps = tuple(RoutineStep(**tuples(step)) for step in data.pop("steps"))
            return cls(**tuples(data), steps=steps)
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"the saved routine could not be read ({exc})") from None

    def to_markdown(self, title: str = "My leg self-massage routine") -> str:
        """A printable card: the steps in a table, then the cautions and the disclaimer."""
        lines = [
            f"# {title}",
            "",
            f"**Goal:** {self.goal_name} · **Time:** {clock(self.total_seconds)} · "
            f"**Pressure:** up to {max((s.pressure for s in self.steps), default=0)}/10",
            "",
            "| # | Time | Area | Technique | Pressure | What to do | Why |",
            "|---|------|------|-----------|----------|------------|-----|",
        ]
        for s in self.steps:
            cells = [
                str(s.number),
                f"{clock(s.start)}–{clock(s.end)}",
                ", ".join(s.area_names),
                s.technique_name,
                f"{s.pressure}/10",
                s.instruction,
                s.why,
            ]
            lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
        if self.kept_out_areas:
            names = content().area
            lines += ["", "**Kept out:** " + ", ".join(names[a].name for a in self.kept_out_areas)]
        if self.cautions:
            lines += ["", "**Your cautions**", ""] + [f"- {c}" for c in self.cautions]
        if self.tips:
            lines += ["", "**Tips for these techniques**", ""] + [f"- {t}" for t in self.tips]
        lines += [
            "",
            "Stop for sharp, shooting or burning pain, numbness or tingling. "
            "This card is no substitute for advice from a health professional.",
        ]
        return "\n".join(lines) + "\n"


def clock(seconds: int) -> str:
    """``75`` -> ``01:15``: how the routine shows time everywhere."""
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def _pressure(value: int | str) -> int:
    if isinstance(value, str):
        if value.strip().lower() in PRESSURE_NAMES:
            return PRESSURE_NAMES[value.strip().lower()]
        raise ValueError(
            f"Unknown pressure '{value}': choose {', '.join(PRESSURE_NAMES)} or a number 0-10"
        )
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ValueError(f"Pressure must be a whole number from 0 to 10, not {value!r}")
    return value


def _minutes(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"Minutes must be a whole number, not {value!r}")
    if value <= 0:
        raise ValueError(f"Minutes must be more than 0 (got {value})")
    if value > MAX_MINUTES:
        raise ValueError(f"Minutes must be {MAX_MINUTES} or fewer (got {value})")
    return value


@dataclass
class _Pick:
    technique: Technique
    step: Step
    pressure: int
    cap_note: str
    weight: float
    low: int
    high: int | None


def _share(picks: list[_Pick], budget: int) -> list[int]:
    """Share ``budget`` seconds by weight, within each step's bounds, summing exactly.

    Water-filling: steps whose share falls outside their bounds are pinned to the bound and
    the rest is shared again among the others; then whole seconds are handed out by largest
    remainder, ties to the earlier step, so the result is deterministic.
    """
    free = set(range(len(picks)))
    fixed: dict[int, float] = {}
    while True:
        left = budget - sum(fixed.values())
        total_w = sum(picks[i].weight for i in free)
        share = {i: left * picks[i].weight / total_w for i in free}
        low = [i for i in free if share[i] < picks[i].low]
        high = [i for i in free if picks[i].high is not None and share[i] > picks[i].high]
        if not low and not high:
            fixed.update(share)
            break
        for i in low:
            fixed[i] = picks[i].low
        for i in high if not low else []:
            fixed[i] = picks[i].high
        free -= set(low) if low else set(high)
        if not free:
            break
    exact = [fixed[i] for i in range(len(picks))]
    whole = [int(x) for x in exact]
    spare = budget - sum(whole)
    order = sorted(range(len(picks)), key=lambda i: (-(exact[i] - whole[i]), i))
    growable = [i for i in order if picks[i].high is None] or order
    for n in range(max(spare, 0)):
        whole[growable[n % len(growable)]] += 1
    # Rounding can never push the total past the budget, but pinned bounds could in theory:
    # take surplus seconds from the steps with most room above their minimum.
    while sum(whole) > budget:
        i = max(range(len(picks)), key=lambda k: (whole[k] - picks[k].low, -k))
        whole[i] -= 1
    return whole


def build(
    profile: Profile,
    goal: str = "relax",
    minutes: int = 10,
    areas: Iterable[str] | None = None,
    equipment: Iterable[str] = (),
    pressure: int | str = "moderate",
    course: Content | None = None,
) -> Routine:
    """The learner's routine, or an error that says what to change.

    Raises :class:`SafetyStop` when the screening finds a red flag, and ``ValueError`` with
    one plain sentence for any input a learner can get wrong.
    """
    c = course or content()
    minutes = _minutes(minutes)
    wanted_pressure = _pressure(pressure)
    if goal not in c.goal:
        raise ValueError(f"Unknown goal '{goal}': choose one of {', '.join(c.goal)}")
    g = c.goal[goal]
    kit = set(equipment)
    unknown_kit = sorted(kit - c.equipment.keys())
    if unknown_kit:
        raise ValueError(f"Unknown equipment: {', '.join(unknown_kit)}")
    chosen = set(c.area) if areas is None else set(areas)
    unknown_areas = sorted(chosen - c.area.keys())
    if unknown_areas:
        raise ValueError(f"Unknown area: {', '.join(unknown_areas)}")

    s = screen(profile, c)
    if s.stopped:
        raise SafetyStop(s)
    usable = chosen & set(s.allowed_areas)
    if not usable:
        kept = sorted(chosen & (set(s.kept_out) | set(s.never_areas)))
        why = f" ({', '.join(kept)} kept out)" if kept else ""
        raise ValueError(f"No area left to massage after screening{why}: choose other areas")

    picks: list[_Pick] = []
    left_out: list[str] = []
    techniques = sorted(
        c.techniques,
        key=lambda t: (PHASE_ORDER[t.phase], -g.weights.get(t.id, 0), c.techniques.index(t)),
    )
    for t in techniques:
        weight = g.weights.get(t.id, 0)
        missing = [e for e in t.equipment if e not in kit]
        if weight <= 0 or missing:
            if missing and t.phase is not Phase.WARM_UP:
                left_out.append(f"{t.name}: needs {', '.join(c.equipment[e] for e in missing)}")
            continue
        if t.needs_heat and s.no_heat:
            left_out.append(f"{t.name}: no heat on numb skin")
            continue
        caps = {"the technique": t.pressure_max, "your goal": g.pressure_cap}
        for f in s.cautions:
            if f.max_pressure is not None:
                caps[f.name.lower()] = f.max_pressure
        for step in t.steps:
            if not set(step.areas) <= usable:
                continue
            step_caps = dict(caps)
            for a in step.areas:
                step_caps[c.area[a].name.lower()] = c.area[a].max_pressure
            cap = min(step_caps.values())
            if cap < t.pressure_min:
                left_out.append(
                    f"{t.name} ({step.id}): needs at least {t.pressure_min}/10, "
                    f"but pressure is capped at {cap}/10"
                )
                continue
            value = max(t.pressure_min, min(wanted_pressure, cap))
            limiting = sorted(k for k, v in step_caps.items() if v == cap)
            note = (
                f" Capped at {cap}/10 by {', '.join(limiting)}."
                if value == cap < wanted_pressure
                else ""
            )
            warm = t.phase is Phase.WARM_UP
            picks.append(
                _Pick(
                    t,
                    step,
                    value,
                    note,
                    weight * step.seconds,
                    step.min_seconds,
                    step.seconds if warm else step.max_seconds,
                )
            )

    budget = minutes * 60

    # Drop the least important steps until the shortest version of each fits the budget:
    # the warm-up first, then the steps of the technique the goal weighs least (main work
    # before finishing strokes, and the closing stroke of the finish last of all).
    def drop_rank(i: int) -> tuple:
        p = picks[i]
        finish = p.technique.phase is Phase.FINISH
        return (
            p.technique.phase is not Phase.WARM_UP,
            g.weights.get(p.technique.id, 0),
            finish,
            i if finish else -i,
        )

    while picks and sum(p.low for p in picks) > budget:
        victim = min(range(len(picks)), key=drop_rank)
        left_out.append(f"{picks[victim].technique.name} ({picks[victim].step.id}): no time left")
        picks.pop(victim)
    if not any(p.technique.phase is not Phase.WARM_UP for p in picks):
        reasons = "; ".join(dict.fromkeys(left_out)) or "nothing matches the areas chosen"
        raise ValueError(f"No massage step fits your choices ({reasons})")

    seconds = _share(picks, budget)
    steps: list[RoutineStep] = []
    start = 0
    for n, (p, secs) in enumerate(zip(picks, seconds, strict=True), start=1):
        reason = g.reasons.get(p.technique.id, p.technique.summary).strip()
        steps.append(
            RoutineStep(
                number=n,
                start=start,
                seconds=secs,
                technique=p.technique.id,
                technique_name=p.technique.name,
                step=p.step.id,
                phase=p.technique.phase.value,
                areas=tuple(p.step.areas),
                area_names=tuple(c.area[a].name for a in p.step.areas),
                pressure=p.pressure,
                instruction=" ".join(p.step.instruction.split()),
                why=reason + p.cap_note,
            )
        )
        start += secs
    # What the learner's own answers call for, kept apart from the general tips of the
    # techniques used, so a caution never reads as if it came from an answer not given.
    cautions = [f"{f.name}: {f.instead}" for f in s.cautions]
    tips = [tip for t_id in dict.fromkeys(st.technique for st in steps)
            for tip in c.technique[t_id].cautions]
    return Routine(
        goal=g.id,
        goal_name=g.name,
        minutes=minutes,
        pressure=wanted_pressure,
        steps=tuple(steps),
        cautions=tuple(dict.fromkeys(cautions)),
        tips=tuple(dict.fromkeys(tips)),
        left_out=tuple(dict.fromkeys(left_out)),
        kept_out_areas=tuple(a for a in c.area if a in chosen & set(s.kept_out)),
    )
