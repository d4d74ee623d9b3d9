"""The routine is safe for every profile, proven over generated profiles (10,000 cases by
default, in batches per Hypothesis example; ``SAFETY_EXAMPLES=100000`` for a long run).
Red flags are proven in test_safety_properties.py, so the cases here carry none and most of
them reach the builder.

For every profile and every choice a learner can make, on each leg: no step works, covers or
starts on a kept-out or never-massage area; no excluded technique, step or position appears;
no step on a held leg; pressure is at most every cap of that leg and never above the
learner's choice; no heat on a leg that must not be heated; the routine fills the budget
exactly; the same input always gives the same routine.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, note, settings

from course.routine import PRESSURE_NAMES, SafetyHold, SafetyStop, build
from course.safety import screen
from tests.strategies import AREAS, BATCH, EXAMPLES, C, cases

FAST = settings(max_examples=max(1, EXAMPLES // BATCH), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
STEP = {(t.id, s.id): s for t in C.techniques for s in t.steps}


@FAST
@given(batch=cases(allow_stops=False))
def test_routine_is_safe_for_every_profile(batch):
    for n, (profile, kw, _) in enumerate(batch):
        note(f"case {n}: {profile} {kw}")
        check_one(profile, kw)


def check_one(profile, kw) -> None:
    s = screen(profile)
    try:
        r = build(profile, **kw)
    except SafetyStop as stop:
        assert s.stopped and stop.screening.stopped, "stopped without a red flag"
        return
    except SafetyHold as hold:
        assert s.held and hold.screening.held and not profile.cleared
        return
    except ValueError as err:
        # A refusal is fine; it must be one of the plain messages a widget shows.
        assert str(err).startswith(("No area left", "No massage step fits")), str(err)
        assert not s.stopped and not s.held
        return
    assert not s.stopped and not s.held, "a red flag or a hold did not stop the builder"
    wanted = kw["pressure"] if isinstance(kw["pressure"], int) else PRESSURE_NAMES[kw["pressure"]]
    goal = C.goal[kw["goal"]]
    chosen = set(AREAS) if kw["areas"] is None else set(kw["areas"])
    for step in r.steps:
        leg = s.legs[step.side]
        t = C.technique[step.technique]
        st = STEP[(step.technique, step.step)]
        assert not leg.held, step
        forbidden = set(leg.kept_out) | set(s.never_areas)
        assert not forbidden & (set(st.areas) | set(st.touches)), (step, forbidden)
        if st.starts_at in forbidden:
            assert step.instruction == " ".join(st.start_elsewhere.split())
        assert set(step.areas) <= chosen
        assert t.id not in s.excluded and f"{t.id}.{st.id}" not in s.excluded
        assert st.position not in s.excluded
        assert step.pressure <= wanted
        assert step.pressure <= leg.max_pressure
        assert step.pressure <= min(C.area[a].max_pressure for a in step.areas)
        assert step.pressure <= t.pressure_max and step.pressure <= goal.pressure_cap
        assert step.pressure >= t.pressure_min
        if leg.no_heat:
            assert not t.needs_heat
        if leg.cues:
            assert step.cue == leg.cues[0]
    budget = kw["minutes"] * 60
    assert r.total_seconds == budget  # fills the budget to the second, never more
    assert all(step.seconds > 0 for step in r.steps)
    assert r.steps[-1].phase != "warm_up"
    sides = [step.side for step in r.steps]
    assert sides == sorted(sides, key=["left", "right"].index)  # left leg, then right
    assert build(profile, **kw) == r  # deterministic
