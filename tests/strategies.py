"""Hypothesis strategies for screening profiles and builder choices, shared by the property
tests of the core and of the widgets.

Profiles are drawn as a few small integers (which answers, a bit mask of areas per
"where" question, a leg per "which leg" question) and turned into a :class:`Profile` directly:
no pydantic validation and no content loading per example, so each example costs little more
than the function under test. Integers shrink towards fewer answers and fewer areas, so a
failure still shrinks to a small, readable profile.
"""

from __future__ import annotations

import os

from hypothesis import strategies as st

from course.models import Effect, content
from course.safety import SIDE_CHOICES, Profile

C = content()
ITEMS = C.screening_items
CONDITIONS = [x.id for x in ITEMS]
STOPS = {x.id for x in ITEMS if x.effect is Effect.STOP}
ASKS_WHERE = [x.id for x in ITEMS if x.asks_where]
ASKS_LEG = [x.id for x in ITEMS if x.asks_leg]
AREAS = [a.id for a in C.areas]
ALL_AREAS = (1 << len(AREAS)) - 1

# Generated cases per safety property: 10,000 by default; SAFETY_EXAMPLES=100000 for a long
# run. Hypothesis costs far more per example than the screening does, so each Hypothesis
# example decodes a BATCH of cases from one integer draw: EXAMPLES // BATCH examples check
# EXAMPLES cases, and a failure still shrinks (towards fewer answers) and names its case.
EXAMPLES = int(os.environ.get("SAFETY_EXAMPLES", "10000"))
BATCH = int(os.environ.get("SAFETY_BATCH", "5"))


def areas_of(mask: int) -> frozenset[str]:
    return frozenset(a for i, a in enumerate(AREAS) if mask >> i & 1)


def make_profile(
    picked: list[int], masks: list[int], sides: list[int], cleared: bool,
    pool: list[str] = CONDITIONS,
) -> Profile:
    """A profile from drawn integers: ``picked`` index ``pool``; ``masks`` give the areas of
    each "where" question, ``sides`` the leg of each "which leg" question."""
    conditions = frozenset(pool[i] for i in picked)
    where = {cid: areas_of(m) for cid, m in zip(ASKS_WHERE, masks, strict=True)
             if cid in conditions}
    legs = {cid: SIDE_CHOICES[s] for cid, s in zip(ASKS_LEG, sides, strict=True)
            if cid in conditions and s}
    return Profile(conditions, where, legs, cleared)


class _Bits:
    """Read fields off one big drawn integer, low bits first."""

    def __init__(self, value: int):
        self.value = value

    def take(self, bits: int) -> int:
        out = self.value & ((1 << bits) - 1)
        self.value >>= bits
        return out


SLOT_BITS = 6  # each answer slot picks one of 64: past the end of the pool means "no answer"
AREA_BITS = len(AREAS)
SIDE_BITS = 2  # 0 both, 1 left, 2 right, 3 both


def decode_profile(value: int, pool: list[str], cleared: bool | None,
                   max_answers: int) -> Profile:
    """A profile from one integer (0 is the empty profile: it shrinks to few answers)."""
    bits = _Bits(value)
    picked = [i for i in (bits.take(SLOT_BITS) for _ in range(max_answers)) if i < len(pool)]
    masks = [bits.take(AREA_BITS) or 1 << (i % AREA_BITS) for i in range(len(ASKS_WHERE))]
    sides = [bits.take(SIDE_BITS) % len(SIDE_CHOICES) for _ in ASKS_LEG]
    flag = bool(bits.take(1)) if cleared is None else cleared
    return make_profile(picked, masks, sides, flag, pool)


PROFILE_BITS = 6 * SLOT_BITS + len(ASKS_WHERE) * AREA_BITS + len(ASKS_LEG) * SIDE_BITS + 1


def profiles(allow_stops: bool = True, cleared: bool | None = None,
             max_answers: int = 6) -> st.SearchStrategy[Profile]:
    """Any valid profile: up to ``max_answers`` answers, each "where" with at least one area.

    One integer draw per profile: Hypothesis's cost per draw, not the screening, dominated
    when every answer was its own draw.
    """
    assert max_answers <= 6
    pool = CONDITIONS if allow_stops else [c for c in CONDITIONS if c not in STOPS]
    size = (PROFILE_BITS + 7) // 8
    return st.builds(lambda b: decode_profile(int.from_bytes(b, "little"), pool, cleared,
                                              max_answers),
                     st.binary(min_size=size, max_size=size))


# One more answer: which question, which areas (if it asks), which leg (if it asks).
extra_answers = st.tuples(
    st.sampled_from(CONDITIONS),
    st.integers(1, ALL_AREAS),
    st.sampled_from(SIDE_CHOICES),
)


def add_answer(profile: Profile, answer: tuple[str, int, str]) -> Profile:
    """``profile`` plus one answer, as a learner ticking one more box (or naming one more
    area or leg for a box already ticked) would give it."""
    cid, mask, side = answer
    item = C.screening_item[cid]
    side = side if item.asks_leg else "both"
    areas = areas_of(mask) if item.asks_where else ()
    where = dict(profile.where)
    if areas:
        where[cid] = frozenset(where.get(cid, frozenset()) | set(areas))
    sides = dict(profile.sides)
    if cid in profile.conditions and sides.get(cid, "both") != side:
        side = "both"  # one leg, then the other: both
    sides[cid] = side
    return Profile(profile.conditions | {cid}, where, sides, profile.cleared)


GOALS = [g.id for g in C.goals]
KITS = [frozenset(), *[frozenset({e}) for e in C.equipment], frozenset(C.equipment)]
PRESSURES: list[int | str] = [*range(11), "light", "moderate", "firm"]


def decode_choices(value: int) -> dict:
    """Builder choices from one integer: goal, minutes 1-60, areas (or all), kit, pressure."""
    bits = _Bits(value)
    mask = bits.take(AREA_BITS + 1)
    # Half the time every area (None); otherwise a set of areas (rarely none at all).
    return {
        "goal": GOALS[bits.take(4) % len(GOALS)],
        "minutes": 1 + bits.take(6) % 60,
        "areas": None if mask >> AREA_BITS else areas_of(mask),
        "equipment": KITS[bits.take(3) % len(KITS)],
        "pressure": PRESSURES[bits.take(4) % len(PRESSURES)],
    }


choices = st.builds(lambda b: decode_choices(int.from_bytes(b, "little")),
                    st.binary(min_size=4, max_size=4))


CHOICE_BITS = AREA_BITS + 1 + 4 + 6 + 3 + 4
ANSWER_BITS = SLOT_BITS + AREA_BITS + SIDE_BITS


def decode_answer(value: int) -> tuple[str, int, str]:
    bits = _Bits(value)
    return (CONDITIONS[bits.take(SLOT_BITS) % len(CONDITIONS)],
            bits.take(AREA_BITS) or 1, SIDE_CHOICES[bits.take(SIDE_BITS) % len(SIDE_CHOICES)])


def cases(allow_stops: bool = True, cleared: bool | None = None, batch: int = BATCH,
          ) -> st.SearchStrategy[list[tuple[Profile, dict, tuple[str, int, str]]]]:
    """``batch`` cases (profile, builder choices, one extra answer) from ONE integer draw."""
    pool = CONDITIONS if allow_stops else [c for c in CONDITIONS if c not in STOPS]
    width = PROFILE_BITS + CHOICE_BITS + ANSWER_BITS

    def decode(value: int) -> list[tuple[Profile, dict, tuple[str, int, str]]]:
        out = []
        for _ in range(batch):
            bits = _Bits(value & ((1 << width) - 1))
            value >>= width
            profile = decode_profile(bits.take(PROFILE_BITS), pool, cleared, 6)
            kw = decode_choices(bits.take(CHOICE_BITS))
            out.append((profile, kw, decode_answer(bits.take(ANSWER_BITS))))
        return out

    size = (width * batch + 7) // 8
    # Bytes, not one huge integer: Hypothesis draws a big integer mostly small, which left
    # the later cases of a batch empty; bytes are drawn evenly and shrink towards zeros.
    return st.builds(lambda b: decode(int.from_bytes(b, "little")),
                     st.binary(min_size=size, max_size=size))
