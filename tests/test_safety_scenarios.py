"""Named clinical situations (tests/safety_scenarios.yaml), each run through the core
(``screen`` and ``build``) and through the routine builder widget, which must show exactly
what the core decides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from course.models import Urgency, content
from course.routine import PRESSURE_NAMES, Routine, SafetyHold, SafetyStop, build
from course.safety import LEGS, Profile, screen
from course.ui import builder as ub
from course.ui.display import visible

C = content()
SCENARIOS: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "safety_scenarios.yaml").read_text(encoding="utf-8")
)["scenarios"]
CHOICES = {"goal": "recover", "minutes": 20, "equipment": ["tennis_ball", "warm_towel"],
           "pressure": "firm"}
STEPS = {(t.id, s.id): s for t in C.techniques for s in t.steps}


def profile_of(sc: dict[str, Any]) -> Profile:
    return Profile.of(*sc.get("answers", []), sides=sc.get("sides"),
                      cleared=sc.get("cleared", False), **sc.get("where", {}))


def test_the_scenarios_are_many_named_and_sourced():
    assert len(SCENARIOS) >= 40
    ids = [sc["id"] for sc in SCENARIOS]
    assert len(ids) == len(set(ids))
    for sc in SCENARIOS:
        assert sc["rationale"].strip() and sc["source"] in C.source, sc["id"]
        assert {"stop", "hold", "urgency"} <= set(sc["expect"]), sc["id"]
    # every screening question is exercised by at least one scenario
    assert {a for sc in SCENARIOS for a in sc.get("answers", [])} == set(C.screening_item)


def core_routine(sc: dict[str, Any]) -> Routine | None:
    """What the core decides for a scenario, checked against its expectations."""
    e = sc["expect"]
    p = profile_of(sc)
    s = screen(p)
    assert s.stopped is e["stop"]
    assert s.held is e["hold"]
    assert s.urgency is Urgency(e["urgency"])
    if "held_legs" in e:
        assert list(s.held_legs) == e["held_legs"]
    for side, areas in e.get("kept_out", {}).items():
        assert set(s.legs[side].kept_out) == set(areas), side
    for side, cap in e.get("cap", {}).items():
        assert s.legs[side].max_pressure == cap, side
    try:
        r = build(p, **CHOICES)
    except SafetyStop:
        assert e["stop"]
        return None
    except SafetyHold:
        assert e["hold"] and not e["stop"]
        return None
    assert not e["stop"] and not e["hold"]
    used = {st.technique for st in r.steps} | {f"{st.technique}.{st.step}" for st in r.steps}
    assert not used & set(e.get("absent", [])), used & set(e.get("absent", []))
    if "legs_worked" in e:
        assert sorted({st.side for st in r.steps}) == sorted(e["legs_worked"])
    for st in r.steps:
        leg = s.legs[st.side]
        assert not leg.held
        step = STEPS[(st.technique, st.step)]
        assert not (set(step.areas) | set(step.touches)) & set(leg.kept_out)
        assert st.pressure <= min(leg.max_pressure, PRESSURE_NAMES[CHOICES["pressure"]])
    return r


@pytest.mark.parametrize("sc", SCENARIOS, ids=[sc["id"] for sc in SCENARIOS])
def test_scenario_through_the_core(sc):
    core_routine(sc)


_builder: list[ub.RoutineBuilder] = []


def shared_builder() -> ub.RoutineBuilder:
    if not _builder:
        _builder.append(ub.RoutineBuilder(require_quiz=False, live=False))
    return _builder[0]


@pytest.mark.parametrize("sc", SCENARIOS, ids=[sc["id"] for sc in SCENARIOS])
def test_scenario_through_the_builder_widget(sc):
    expected = core_routine(sc)
    b = shared_builder()
    with b.hold():
        b.checklist.set_profile(profile_of(sc))
        b.goal.value, b.minutes.value = CHOICES["goal"], CHOICES["minutes"]
        b.pressure.value = PRESSURE_NAMES[CHOICES["pressure"]]
        for box in b.kit.values():  # all the equipment, so only safety leaves a technique out
            box.value = True
        for box in b.areas.values():
            box.value = True
    assert b.profile() == profile_of(sc)
    e = sc["expect"]
    assert visible(b.stop) is e["stop"]
    assert visible(b.hold_box) is (e["hold"] and not e["stop"])
    assert b.routine == expected  # the widget shows exactly the core's routine
    if expected is not None:
        for side in LEGS:
            assert (f"<td>{ub.LEG_NAMES[side]}</td>" in b.table.value) is (
                side in {st.side for st in expected.steps})
        for line in expected.cautions:
            assert ub.esc(line) in b.notes.value
