"""Safety proven over many generated profiles (Hypothesis, >= 10,000 examples each).

For every profile and every choice a learner can make: a red flag always stops; no step
ever touches a kept-out or never-massage area; no step exceeds the allowed pressure; the
total never exceeds the budget; the same input always gives the same routine.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from course.models import Effect, content
from course.routine import SafetyStop, build
from course.safety import Profile, screen

C = content()
CONDITIONS = [x.id for x in C.contraindications]
STOPS = {x.id for x in C.contraindications if x.effect is Effect.STOP}
ASKS_WHERE = [x.id for x in C.contraindications if x.asks_where]
AREAS = [a.id for a in C.areas]
EXAMPLES = 10_000


@st.composite
def profiles(draw, allow_stops: bool = True) -> Profile:
    pool = CONDITIONS if allow_stops else [c for c in CONDITIONS if c not in STOPS]
    conditions = draw(st.frozensets(st.sampled_from(pool), max_size=6))
    where = {
        cid: draw(st.frozensets(st.sampled_from(AREAS), min_size=1, max_size=4))
        for cid in ASKS_WHERE
        if cid in conditions or draw(st.booleans())
    }
    return Profile(conditions, where)


choices = st.fixed_dictionaries(
    {
        "goal": st.sampled_from([g.id for g in C.goals]),
        "minutes": st.integers(1, 60),
        "areas": st.one_of(st.none(), st.frozensets(st.sampled_from(AREAS), max_size=len(AREAS))),
        "equipment": st.frozensets(st.sampled_from(list(C.equipment))),
        "pressure": st.one_of(st.integers(0, 10), st.sampled_from(["light", "moderate", "firm"])),
    }
)


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


@settings(max_examples=EXAMPLES)
@given(profile=profiles(), red_flag=st.sampled_from(sorted(STOPS)), kw=choices)
def test_a_red_flag_always_stops(profile, red_flag, kw):
    flagged = Profile(profile.conditions | {red_flag}, profile.where)
    s = screen(flagged)
    assert s.stopped and s.allowed_areas == ()
    try:
        build(flagged, **kw)
    except SafetyStop:
        return
    raise AssertionError("a routine was built despite a red flag")
