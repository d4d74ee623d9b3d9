"""The routine is safe for every profile, proven over >= 10,000 generated profiles.

For every profile and every choice a learner can make: no step ever touches a kept-out or
never-massage area; no step exceeds the allowed pressure; the total never exceeds (and in
fact fills) the budget; the same input always gives the same routine.
"""

from __future__ import annotations

from hypothesis import given, settings

from course.routine import SafetyStop, build
from course.safety import screen
from tests.strategies import AREAS, STOPS, C, choices, profiles

EXAMPLES = 10_000


@settings(max_examples=EXAMPLES)
@given(profile=profiles(), kw=choices)
def test_routine_is_safe_for_every_profile(profile, kw):
    s = screen(profile)
    try:
        r = build(profile, **kw)
    except SafetyStop as stop:
        assert profile.conditions & STOPS, "stopped without a red flag"
        assert stop.screening.stopped
        return
    except ValueError as err:
        # A refusal is fine; it must be one of the plain messages a widget shows.
        assert str(err).startswith(("No area left", "No massage step fits")), str(err)
        assert not profile.conditions & STOPS
        return
    assert not profile.conditions & STOPS, "a red flag did not stop the builder"
    forbidden = set(s.kept_out) | set(s.never_areas)
    chosen = set(AREAS) if kw["areas"] is None else set(kw["areas"])
    for step in r.steps:
        assert not forbidden & set(step.areas), (step, forbidden)
        assert set(step.areas) <= chosen
        assert step.pressure <= s.max_pressure
        assert step.pressure <= min(C.area[a].max_pressure for a in step.areas)
        assert step.pressure <= C.technique[step.technique].pressure_max
        if s.no_heat:
            assert not C.technique[step.technique].needs_heat
    budget = kw["minutes"] * 60
    assert r.total_seconds <= budget
    assert r.total_seconds == budget  # fills the budget to the second
    assert all(step.seconds > 0 for step in r.steps)
    assert r.steps[-1].phase != "warm_up"
    assert build(profile, **kw) == r  # deterministic
