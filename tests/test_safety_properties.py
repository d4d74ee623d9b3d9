"""A red flag always stops the builder, proven over >= 10,000 generated profiles."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from course.routine import SafetyStop, build
from course.safety import Profile, screen
from tests.strategies import STOPS, choices, profiles

EXAMPLES = 10_000


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
