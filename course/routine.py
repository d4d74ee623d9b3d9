"""Build a timed, ordered, explained self-massage routine, leg by leg (pure).

:func:`build` runs four named steps, so each rule is visible where it acts:

1. :func:`select_techniques`: which techniques the goal, the equipment, the learner's
   pressure and the screening's exclusions allow (a technique whose minimum pressure is above
   the learner's choice is left out with a reason, never pushed harder);
2. :func:`place_on_leg`: for each leg (left, then right) the steps whose areas, the areas they
   cover and the place they start are not kept out there, under that leg's cap and heat rule;
3. :func:`fit_time`: drop the least important steps until the shortest version of each fits,
   then share the budget out so the routine fills it to the second;
4. :func:`explain`: the numbered steps, which leg, why, and what the answers call for.

Everything is decided from the inputs alone, so the same answers always give the same
routine: a learner, an instructor and a test all see one result.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

from course.formats import clock
from course.markup import cell
from course.models import Content, Goal, Phase, Step, Technique, content
from course.safety import LEG_NAMES, LEGS, LegPlan, Profile, Screening, clearance_wording, screen

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


class SafetyHold(ValueError):
    """A "see a clinician first" answer not yet cleared: no routine until the learner confirms
    that a clinician has said gentle self-massage is fine. Carries the screening."""

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
    # Which leg ("left", "right"); "both" only in routines saved before legs existed.
    side: str = "both"
    # An objective pressure cue that replaces the number (numb skin cannot judge it).
    cue: str = ""

    @property
    def end(self) -> int:
        return self.start + self.seconds

    @property
    def leg_name(self) -> str:
        return LEG_NAMES.get(self.side, "Both legs")

    @property
    def pressure_text(self) -> str:
        """``"5/10"``, or ``"2/10: hand strokes no firmer than spreading lotion"``."""
        return f"{self.pressure}/10" + (f": {self.cue}" if self.cue else "")


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
    # Per leg, in words: "Left leg: Calf (Varicose veins)".
    kept_out: tuple[str, ...] = ()
    held_legs: tuple[str, ...] = ()
    cleared: bool = False

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

    def to_markdown(self, title: str = "My leg self-massage routine",
                    cleared_on: date | None = None) -> str:
        """A printable card: the steps in a table (with the leg), then what the answers call
        for, what was left out and why, and the disclaimer. ``cleared_on`` is the day of the
        learner's recorded clearance, shown with it."""
        lines = [
            f"# {title}",
            "",
            f"**Goal:** {self.goal_name} · **Time:** {clock(self.total_seconds)} · "
            f"**Pressure:** up to {max((s.pressure for s in self.steps), default=0)}/10",
            "",
            "| # | Time | Leg | Area | Technique | Pressure | What to do | Why |",
            "|---|------|-----|------|-----------|----------|------------|-----|",
        ]
        for s in self.steps:
            cells = [
                str(s.number),
                f"{clock(s.start)}–{clock(s.end)}",
                s.leg_name,
                ", ".join(s.area_names),
                s.technique_name,
                s.pressure_text,
                s.instruction,
                s.why,
            ]
            lines.append("| " + " | ".join(cell(c) for c in cells) + " |")
        if self.kept_out_areas:
            names = content().area
            lines += ["", "**Kept out:** " + ", ".join(names[a].name for a in self.kept_out_areas)]
            lines += [f"- {k}" for k in self.kept_out]
        if self.held_legs:
            lines += ["", "**Waiting for a clinician's OK:** "
                      + ", ".join(LEG_NAMES[x] for x in self.held_legs)]
        if self.cleared:
            when = f" (confirmed on {cleared_on.isoformat()})" if cleared_on else ""
            lines += ["", f"**Clearance (your confirmation):** {clearance_wording()}{when}"]
        if self.cautions:
            lines += ["", "**Your cautions**", ""] + [f"- {c}" for c in self.cautions]
        if self.left_out:
            lines += ["", "**Left out, and why**", ""] + [f"- {x}" for x in self.left_out]
        if self.tips:
            lines += ["", "**Tips for these techniques**", ""] + [f"- {t}" for t in self.tips]
        lines += [
            "",
            "Stop for sharp, shooting or burning pain, numbness or tingling. "
            "This card is no substitute for advice from a health professional.",
        ]
        return "\n".join(lines) + "\n"


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
    side: str
    pressure: int
    cap_note: str
    instruction: str
    cue: str
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



def reasons_text(findings: Iterable) -> str:
    return ", ".join(dict.fromkeys(f.name for f in findings))


def select_techniques(
    c: Content, g: Goal, s: Screening, kit: set[str], wanted: int,
    only: set[str] | None,
) -> tuple[list[Technique], list[str]]:
    """Step 1: the techniques this routine may use, in routine order, and why others are out.

    Order: warm-up, then main, then finish; within a phase the goal's favourite first.
    """
    chosen: list[Technique] = []
    left_out: list[str] = []
    ordered = sorted(
        c.techniques,
        key=lambda t: (PHASE_ORDER[t.phase], -g.weights.get(t.id, 0), c.techniques.index(t)),
    )
    for t in ordered:
        if only is not None and t.id not in only:
            continue
        weight = g.weights.get(t.id, 0)
        if weight <= 0 and only is None:
            continue
        missing = [e for e in t.equipment if e not in kit]
        if missing:
            if t.phase is not Phase.WARM_UP or only is not None:
                left_out.append(f"{t.name}: needs {', '.join(c.equipment[e] for e in missing)}")
            continue
        if t.id in s.excluded:
            left_out.append(f"{t.name}: left out because of {reasons_text(s.excluded[t.id])}")
            continue
        if t.pressure_min > wanted:
            left_out.append(f"{t.name}: needs at least {t.pressure_min}/10, and you chose "
                            f"{wanted}/10 (the builder never presses harder than you chose)")
            continue
        chosen.append(t)
    return chosen, left_out


def step_problem(c: Content, s: Screening, leg: LegPlan, t: Technique, step: Step) -> str | None:
    """Why this step may not be done on this leg under this screening, or ``None``.

    The one place the per-step rules live (the builder and the re-check of a saved routine
    both ask it): an excluded technique, step or position; a worked, covered or starting area
    that is kept out or never massaged (unless the content gives another place to start);
    heat on a leg that must not be heated; a cap below the technique's minimum.
    """
    label = f"{t.name} ({step.id.replace('_', ' ')})"
    if t.id in s.excluded:
        return f"{t.name}: left out because of {reasons_text(s.excluded[t.id])}"
    key = f"{t.id}.{step.id}"
    if key in s.excluded:
        return f"{label}: left out because of {reasons_text(s.excluded[key])}"
    if step.position in s.excluded:
        return (f"{label}: no {c.positions[step.position]}, because of "
                f"{reasons_text(s.excluded[step.position])}")
    if leg.held:
        return f"{leg.name}: waits until a clinician clears it ({reasons_text(leg.holds)})"
    out = set(leg.kept_out) | set(s.never_areas)
    blocked = sorted((set(step.areas) | set(step.touches)) & out)
    if blocked:
        return f"{leg.name}: {label}: {', '.join(c.area[a].name for a in blocked)} kept out"
    if step.starts_at is not None and step.starts_at in out and not step.start_elsewhere:
        return (f"{leg.name}: {label}: it starts on the kept-out "
                f"{c.area[step.starts_at].name.lower()}")
    if t.needs_heat and leg.no_heat:
        return f"{leg.name}: {t.name}: no heat, because of {reasons_text(leg.no_heat)}"
    cap, _ = step_cap(c, leg, t, step)
    if cap < t.pressure_min:
        return (f"{leg.name}: {label}: needs at least {t.pressure_min}/10, "
                f"but pressure there is capped at {cap}/10")
    return None


def step_cap(c: Content, leg: LegPlan, t: Technique, step: Step,
             goal: Goal | None = None) -> tuple[int, list[str]]:
    """The highest pressure this step may use on this leg, and what sets it."""
    caps = {"the technique": t.pressure_max}
    if goal is not None:
        caps["your goal"] = goal.pressure_cap
    for f in leg.capped_by:
        if f.max_pressure is not None:
            caps[f.name.lower()] = min(f.max_pressure, caps.get(f.name.lower(), 10))
    for a in step.areas:
        caps[c.area[a].name.lower()] = c.area[a].max_pressure
    cap = min(caps.values())
    return cap, sorted(k for k, v in caps.items() if v == cap)


def step_instruction(leg: LegPlan, s: Screening, step: Step) -> str:
    """The step's instruction, or its other start when its usual start is kept out."""
    out = set(leg.kept_out) | set(s.never_areas)
    if step.starts_at is not None and step.starts_at in out and step.start_elsewhere:
        return " ".join(step.start_elsewhere.split())
    return " ".join(step.instruction.split())


def place_on_leg(
    c: Content, g: Goal, s: Screening, leg: LegPlan, techniques: list[Technique],
    chosen_areas: set[str], wanted: int,
) -> tuple[list[_Pick], list[str]]:
    """Step 2: the steps one leg gets, each under that leg's kept-out areas, cap and heat rule
    (see :func:`step_problem`). Pressure is the learner's choice, lowered to the cap, never
    raised."""
    picks: list[_Pick] = []
    left_out: list[str] = []
    for t in techniques:
        weight = g.weights.get(t.id, 0) or 1.0
        for step in t.steps:
            problem = step_problem(c, s, leg, t, step)
            if problem is not None:
                left_out.append(problem)
                continue
            if not set(step.areas) <= chosen_areas:
                continue
            cap, limiting = step_cap(c, leg, t, step, g)
            if cap < t.pressure_min:  # the goal's own cap
                left_out.append(f"{leg.name}: {t.name} ({step.id.replace('_', ' ')}): needs "
                                f"at least {t.pressure_min}/10, but your goal keeps it at "
                                f"{cap}/10")
                continue
            value = min(wanted, cap)
            note = (f" Capped at {cap}/10 by {', '.join(limiting)}."
                    if value == cap < wanted else "")
            warm = t.phase is Phase.WARM_UP
            picks.append(_Pick(
                t, step, leg.side, value, note, step_instruction(leg, s, step),
                leg.cues[0] if leg.cues else "", weight * step.seconds, step.min_seconds,
                step.seconds if warm else step.max_seconds,
            ))
    return picks, left_out


def check(routine: Routine, profile: Profile, course: Content | None = None) -> list[str]:
    """Re-check a saved routine against today's answers: one sentence per problem, or ``[]``.

    Each step is checked on its own leg (a step saved before legs existed, ``side="both"``,
    on both): the same per-step rules as the builder, a pressure above today's cap, and an
    instruction that starts on an area now kept out.
    """
    c = course or content()
    s = screen(profile, c)
    if s.stopped or s.held:
        return [s.summary()]
    problems: list[str] = []
    for rs in routine.steps:
        t = c.technique.get(rs.technique)
        step = next((x for x in t.steps if x.id == rs.step), None) if t else None
        if t is None or step is None:
            problems.append(f"Step {rs.number}: {rs.technique_name} is no longer in the course")
            continue
        for side in LEGS if rs.side not in LEGS else (rs.side,):
            leg = s.legs[side]
            problem = step_problem(c, s, leg, t, step)
            if problem is None:
                cap, limiting = step_cap(c, leg, t, step)
                if rs.pressure > cap:
                    problem = (f"{leg.name}: {t.name}: {rs.pressure}/10 is above today's cap "
                               f"of {cap}/10 ({', '.join(limiting)})")
                elif " ".join(rs.instruction.split()) != step_instruction(leg, s, step) and (
                        step.starts_at in set(leg.kept_out) | set(s.never_areas)):
                    problem = f"{leg.name}: {t.name}: it starts on an area now kept out"
            if problem is not None:
                problems.append(f"Step {rs.number}: {problem}")
    return list(dict.fromkeys(problems))


def fit_time(picks: list[_Pick], budget: int, g: Goal) -> tuple[list[_Pick], list[int], list[str]]:
    """Step 3: drop whole steps (on both legs at once) until the shortest version of each fits
    the budget, then share the seconds out.

    The warm-up goes first, then the steps of the technique the goal weighs least (main work
    before finishing strokes, and the closing stroke of the finish last of all).
    """
    left_out: list[str] = []
    picks = list(picks)
    keys = list(dict.fromkeys((p.technique.id, p.step.id) for p in picks))

    def drop_rank(key: tuple[str, str]) -> tuple:
        i = keys.index(key)
        p = next(p for p in picks if (p.technique.id, p.step.id) == key)
        finish = p.technique.phase is Phase.FINISH
        return (p.technique.phase is not Phase.WARM_UP, g.weights.get(p.technique.id, 0),
                finish, i if finish else -i)

    alive = list(keys)
    while picks and sum(p.low for p in picks) > budget:
        victim = min(alive, key=drop_rank)
        alive.remove(victim)
        dropped = [p for p in picks if (p.technique.id, p.step.id) == victim]
        left_out.append(f"{dropped[0].technique.name} ({victim[1].replace('_', ' ')}): "
                        "no time left")
        picks = [p for p in picks if (p.technique.id, p.step.id) != victim]
    return picks, _share(picks, budget) if picks else [], left_out


def explain(picks: list[_Pick], seconds: list[int], c: Content, g: Goal) -> list[RoutineStep]:
    """Step 4: number the steps, time them, and say for each which leg and why."""
    steps: list[RoutineStep] = []
    start = 0
    for n, (p, secs) in enumerate(zip(picks, seconds, strict=True), start=1):
        reason = " ".join(g.reasons.get(p.technique.id, p.technique.summary).split())
        steps.append(RoutineStep(
            number=n, start=start, seconds=secs, technique=p.technique.id,
            technique_name=p.technique.name, step=p.step.id, phase=p.technique.phase.value,
            areas=tuple(p.step.areas), area_names=tuple(c.area[a].name for a in p.step.areas),
            pressure=p.pressure, instruction=p.instruction, why=reason + p.cap_note,
            side=p.side, cue=p.cue,
        ))
        start += secs
    return steps


def build(
    profile: Profile,
    goal: str = "",
    minutes: int = 10,
    areas: Iterable[str] | None = None,
    equipment: Iterable[str] | None = None,
    pressure: int | str = "moderate",
    course: Content | None = None,
    techniques: Iterable[str] | None = None,
) -> Routine:
    """The learner's routine, left leg then right, or an error that says what to change.

    ``goal`` left empty is the first goal of goals.yaml (the builder's default too).
    ``techniques`` restricts the routine to some techniques (a practice timer for one
    technique); their equipment is then assumed unless ``equipment`` is given.

    Raises :class:`SafetyStop` when the screening finds a red flag, :class:`SafetyHold` when a
    "see a clinician first" answer is not cleared, and ``ValueError`` with one plain sentence
    for any input a learner can get wrong (or when nothing safe is left to do).
    """
    c = course or content()
    minutes = _minutes(minutes)
    wanted = _pressure(pressure)
    goal = goal if goal != "" else c.goals[0].id
    if goal not in c.goal:
        raise ValueError(f"Unknown goal '{goal}': choose one of {', '.join(c.goal)}")
    g = c.goal[goal]
    only: set[str] | None = None
    if techniques is not None:
        only = set(techniques)
        unknown_t = sorted(only - c.technique.keys())
        if unknown_t:
            raise ValueError(f"Unknown technique: {', '.join(unknown_t)}")
    if equipment is None:
        equipment = [e for t in only or () for e in c.technique[t].equipment]
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
    if s.held:
        raise SafetyHold(s)
    open_legs = [s.legs[side] for side in LEGS if not s.legs[side].held]
    usable = chosen & {a for leg in open_legs for a in leg.allowed_areas}
    if not usable:
        kept = sorted(chosen & (set(s.kept_out) | set(s.never_areas)))
        why = f" ({', '.join(kept)} kept out)" if kept else ""
        raise ValueError(f"No area left to massage after screening{why}: choose other areas")

    selected, left_out = select_techniques(c, g, s, kit, wanted, only)
    picks: list[_Pick] = []
    for side in LEGS:
        leg = s.legs[side]
        if leg.held:
            left_out.append(f"{leg.name}: waits until a clinician clears it "
                            f"({reasons_text(leg.holds)})")
            continue
        leg_picks, why = place_on_leg(c, g, s, leg, selected, chosen, wanted)
        picks += leg_picks
        left_out += why
    picks, seconds, why = fit_time(picks, minutes * 60, g)
    left_out += why
    if not any(p.technique.phase is not Phase.WARM_UP for p in picks):
        reasons = "; ".join(dict.fromkeys(left_out)) or "nothing matches the areas chosen"
        raise ValueError(f"No massage step fits your choices ({reasons})")
    steps = explain(picks, seconds, c, g)
    tips = [tip for t_id in dict.fromkeys(st.technique for st in steps)
            for tip in c.technique[t_id].cautions]
    kept_lines = [
        f"{leg.name}: " + "; ".join(f"{c.area[a].name} ({reasons_text(why)})"
                                    for a, why in leg.kept_out.items() if a in chosen)
        for leg in open_legs if any(a in chosen for a in leg.kept_out)
    ]
    return Routine(
        goal=g.id,
        goal_name=g.name,
        minutes=minutes,
        pressure=wanted,
        steps=tuple(steps),
        # What the learner's own answers call for, kept apart from the general tips of the
        # techniques used, so a caution never reads as if it came from an answer not given.
        cautions=s.advice,
        tips=tuple(dict.fromkeys(tips)),
        left_out=tuple(dict.fromkeys(left_out)),
        kept_out_areas=tuple(a for a in c.area if a in chosen & set(s.kept_out)),
        kept_out=tuple(kept_lines),
        held_legs=s.held_legs,
        cleared=bool(s.cleared and s.holds),
    )
