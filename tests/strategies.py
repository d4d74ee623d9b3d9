"""Hypothesis strategies for screening profiles and builder choices, shared by the
property tests of the core and of the widgets."""

from __future__ import annotations

from hypothesis import strategies as st

from course.models import Effect, content
from course.safety import Profile

C = content()
CONDITIONS = [x.id for x in C.contraindications]
STOPS = {x.id for x in C.contraindications if x.effect is Effect.STOP}
ASKS_WHERE = [x.id for x in C.contraindications if x.asks_where]
AREAS = [a.id for a in C.areas]


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
