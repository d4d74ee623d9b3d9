"""The screening, proven over generated profiles (10,000 cases per property by default, in
batches of ``BATCH`` per Hypothesis example; ``SAFETY_EXAMPLES=100000`` for a long run):

- every red flag, and every escalation rule that fires, stops the builder;
- MONOTONIC: adding any answer never makes the result less strict (no un-stop, no lower
  urgency, no lifted hold, no fewer kept-out areas on any leg, no higher cap, no heat where
  there was none, no technique, step or position back in);
- a clearance lifts holds and nothing else.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from course.routine import SafetyHold, SafetyStop, build
from course.safety import LEGS, URGENCY_ORDER, Profile, Screening, screen
from tests.strategies import BATCH, EXAMPLES, STOPS, C, add_answer, cases

FAST = settings(max_examples=max(1, EXAMPLES // BATCH), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
RED_FLAGS = sorted(STOPS)


@FAST
@given(batch=cases(), pick=st.integers(0, len(RED_FLAGS) * BATCH))
def test_a_red_flag_always_stops(batch, pick):
    for n, (profile, kw, _) in enumerate(batch):
        red_flag = RED_FLAGS[(pick + n) % len(RED_FLAGS)]
        flagged = Profile(profile.conditions | {red_flag}, profile.where, profile.sides,
                          profile.cleared)
        note(f"case {n}: {flagged} {kw}")
        s = screen(flagged)
        assert s.stopped and s.allowed_areas == () and not s.held
        assert "STOP" in s.summary()
        try:
            build(flagged, **kw)
        except SafetyStop:
            continue
        raise AssertionError("a routine was built despite a red flag")


@FAST
@given(batch=cases())
def test_every_escalation_that_fires_stops_and_every_hold_holds(batch):
    for n, (profile, kw, _) in enumerate(batch):
        note(f"case {n}: {profile} {kw}")
        s = screen(profile)
        for rule in C.escalations:
            if all(profile.conditions & set(group) for group in rule.when):
                assert s.stopped
                assert URGENCY_ORDER.index(s.urgency) <= URGENCY_ORDER.index(rule.urgency)
                assert rule.id in {f.id for f in s.stops}
        if not s.stopped and s.held:
            try:
                build(profile, **kw)
            except SafetyHold:
                continue
            raise AssertionError("a routine was built while a hold waits for a clinician")


def strictness(s: Screening) -> dict:
    """What 'at least as strict' compares, leg by leg."""
    return {
        "stopped": s.stopped,
        "urgency": URGENCY_ORDER.index(s.urgency),
        "holds": {f.id for f in s.holds},
        "held": s.held,
        "held_legs": set(s.held_legs),
        "excluded": set(s.excluded),
        "legs": {
            side: (set(s.legs[side].kept_out), s.legs[side].max_pressure,
                   bool(s.legs[side].no_heat), set(s.legs[side].cues))
            for side in LEGS
        },
    }


def assert_at_least_as_strict(more: dict, less: dict) -> None:
    assert more["stopped"] >= less["stopped"]
    assert more["urgency"] <= less["urgency"]  # lower index = more urgent
    assert more["holds"] >= less["holds"]
    if not more["stopped"]:
        assert more["held"] >= less["held"]
        assert more["held_legs"] >= less["held_legs"]
    assert more["excluded"] >= less["excluded"]
    for side in LEGS:
        kept_m, cap_m, heat_m, cues_m = more["legs"][side]
        kept_l, cap_l, heat_l, cues_l = less["legs"][side]
        assert kept_m >= kept_l, side
        assert cap_m <= cap_l, side
        assert heat_m >= heat_l, side
        assert cues_m >= cues_l, side


@FAST
@given(batch=cases())
def test_adding_any_answer_never_makes_the_screening_less_strict(batch):
    for n, (profile, _, answer) in enumerate(batch):
        more = add_answer(profile, answer)
        note(f"case {n}: {profile} + {answer}")
        assert more.conditions >= profile.conditions
        assert_at_least_as_strict(strictness(screen(more)), strictness(screen(profile)))


@FAST
@given(batch=cases(cleared=False))
def test_a_clearance_lifts_holds_and_nothing_else(batch):
    for n, (profile, _, _) in enumerate(batch):
        note(f"case {n}: {profile}")
        before = screen(profile)
        after = screen(Profile(profile.conditions, profile.where, profile.sides, cleared=True))
        assert not after.held and after.held_legs == ()
        assert after.stopped == before.stopped
        assert {f.id for f in after.holds} == {f.id for f in before.holds}
        assert set(after.excluded) == set(before.excluded)
        for side in LEGS:
            assert set(after.legs[side].kept_out) == set(before.legs[side].kept_out)
            assert after.legs[side].max_pressure == before.legs[side].max_pressure
            assert bool(after.legs[side].no_heat) == bool(before.legs[side].no_heat)
