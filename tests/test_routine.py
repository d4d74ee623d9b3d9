"""The routine builder on chosen cases; the properties over many profiles are in
test_safety_properties.py."""

from __future__ import annotations

import pytest

from course.routine import Routine, SafetyHold, SafetyStop, build, check, clock
from course.safety import Profile


def test_sleep_fifteen_minutes_no_ball_fills_the_budget():
    r = build(Profile(), goal="sleep", minutes=15)
    assert r.total_seconds == 15 * 60
    assert {s.technique for s in r.steps} == {"thumb", "finishing_strokes"}
    assert any("Tennis ball" in reason for reason in r.left_out)
    assert r.steps[-1].phase == "finish"
    assert [s.start for s in r.steps] == [
        sum(x.seconds for x in r.steps[:i]) for i in range(len(r.steps))
    ]


def test_left_leg_then_right_each_warm_up_then_main_then_finish():
    r = build(Profile(), goal="recover", minutes=30, equipment={"tennis_ball", "warm_towel"})
    sides = [s.side for s in r.steps]
    assert sides == sorted(sides, key=["left", "right"].index) and set(sides) == {"left", "right"}
    for side in ("left", "right"):
        phases = [s.phase for s in r.steps if s.side == side]
        assert phases == sorted(phases, key=["warm_up", "main", "finish"].index)
        assert phases[0] == "warm_up" and phases[-1] == "finish"
        # recovery weighs the tennis ball most: it comes first among the main techniques
        assert [s.technique for s in r.steps if s.phase == "main" and s.side == side][0] == (
            "tennis_ball")
    # the same plan on both legs when the answers name no leg
    left = [(s.step, s.seconds, s.pressure) for s in r.steps if s.side == "left"]
    assert left == [(s.step, s.seconds, s.pressure) for s in r.steps if s.side == "right"]


def test_numb_feet_no_heat_no_ball_and_an_objective_pressure_cue():
    r = build(Profile.of("diabetic_neuropathy", cleared=True), goal="relax", minutes=20,
              equipment={"warm_towel", "tennis_ball"})
    assert {s.technique for s in r.steps}.isdisjoint({"warm_towel", "tennis_ball"})
    assert any(x.startswith("Warm towel") and "Numb feet" in x for x in r.left_out)
    assert all(s.pressure <= 2 for s in r.steps)
    assert all(s.cue == "hand strokes no firmer than spreading lotion" for s in r.steps)
    assert "2/10: hand strokes no firmer than spreading lotion" in r.to_markdown()


def test_kept_out_area_never_appears():
    r = build(
        Profile.of("varicose_veins", varicose_veins=["calf"]),
        goal="recover",
        minutes=20,
        equipment={"tennis_ball"},
    )
    assert all("calf" not in s.areas for s in r.steps)
    assert r.kept_out_areas == ("calf",)
    assert "**Kept out:** Calf" in r.to_markdown()


def test_pregnancy_after_clearance_gentle_strokes_no_ball_and_says_why():
    r = build(Profile.of("pregnancy", cleared=True), goal="recover", minutes=10,
              equipment={"tennis_ball"}, pressure=7)
    assert max(s.pressure for s in r.steps) == 3
    assert any("Capped at 3/10 by pregnancy" in s.why for s in r.steps)
    assert "tennis_ball" not in {s.technique for s in r.steps}
    assert "Tennis ball (thigh and calf): left out because of Pregnancy" in r.left_out


def test_low_cap_leaves_out_firm_technique():
    r = build(Profile.of("bleeding_risk", cleared=True), goal="recover", minutes=10,
              equipment={"tennis_ball"})
    assert "tennis_ball" not in {s.technique for s in r.steps}
    assert any("needs at least 3/10" in x and "capped at 2/10" in x for x in r.left_out)


def test_one_minute_keeps_the_goals_main_technique():
    r = build(Profile(), goal="recover", minutes=1, equipment={"tennis_ball"})
    assert r.total_seconds == 60
    assert r.steps[0].technique == "tennis_ball"


def test_named_pressures():
    assert build(Profile(), pressure="light").pressure == 3
    assert build(Profile(), pressure="firm").pressure == 7


def test_red_flag_raises_safety_stop_with_screening():
    with pytest.raises(SafetyStop) as err:
        build(Profile.of("dvt_signs"), goal="sleep", minutes=15)
    assert err.value.screening.stopped
    assert "same" in str(err.value).lower() or "today" in str(err.value).lower()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"minutes": 0}, "Minutes must be more than 0"),
        ({"minutes": -3}, "Minutes must be more than 0"),
        ({"minutes": 61}, "Minutes must be 60 or fewer"),
        ({"minutes": 2.5}, "Minutes must be a whole number"),
        ({"goal": "flying"}, "Unknown goal 'flying'"),
        ({"areas": ["elbow"]}, "Unknown area: elbow"),
        ({"equipment": ["foam_roller"]}, "Unknown equipment: foam_roller"),
        ({"pressure": 11}, "Pressure must be a whole number from 0 to 10"),
        ({"pressure": "hard"}, "Unknown pressure 'hard'"),
        (
            {"areas": ["knee_hollow"]},
            "No area left to massage after screening \\(knee_hollow kept out\\)",
        ),
        ({"areas": ["hamstring"]}, "No massage step fits your choices"),
    ],
)
def test_bad_input_gives_one_clear_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        build(Profile(), **kwargs)


def test_no_area_left_after_screening():
    with pytest.raises(
        ValueError, match="No area left to massage after screening \\(calf kept out\\)"
    ):
        build(Profile.of("open_wound_or_burn", open_wound_or_burn=["calf"]), areas=["calf"])


def test_markdown_card_holds_steps_cautions_and_disclaimer():
    r = build(Profile.of("pregnancy", cleared=True), goal="sleep", minutes=15)
    card = r.to_markdown()
    assert card.startswith("# My leg self-massage routine")
    assert card.count("\n| ") == len(r.steps) + 1  # header row + one row per step
    assert "Pregnancy" in card and "no substitute" in card
    assert "15:00" in card


def test_clock():
    assert clock(0) == "00:00" and clock(75) == "01:15" and clock(3600) == "60:00"


def test_cautions_come_from_answers_tips_from_techniques():
    plain = build(Profile(), goal="sleep", minutes=15)
    assert plain.cautions == ()
    assert plain.tips and all(isinstance(t, str) for t in plain.tips)
    careful = build(Profile.of("pregnancy", cleared=True), goal="sleep", minutes=15)
    assert careful.cautions[0].startswith("Pregnancy:")


def test_table_and_card_use_area_names():
    r = build(Profile(), goal="sleep", minutes=15)
    assert r.steps[0].area_names == ("Foot (sole, arch and toes)",)
    assert "Foot (sole, arch and toes)" in r.to_markdown()


def test_json_round_trip():
    r = build(
        Profile.of("varicose_veins", varicose_veins=["calf"]),
        goal="recover",
        minutes=12,
        equipment={"tennis_ball"},
    )
    assert Routine.from_json(r.to_json()) == r
    with pytest.raises(ValueError, match="the saved routine could not be read"):
        Routine.from_json('{"goal": "x"}')
    with pytest.raises(ValueError, match="the saved routine could not be read"):
        Routine.from_json("not json")


def test_capped_step_stops_growing_and_the_others_fill_the_time():
    r = build(Profile(), goal="sleep", minutes=60)
    hold = next(s for s in r.steps if s.step == "hold")
    assert hold.seconds == 30
    assert r.total_seconds == 3600


def test_a_hold_raises_safety_hold_until_cleared():
    with pytest.raises(SafetyHold) as err:
        build(Profile.of("arterial_disease"))
    assert isinstance(err.value, ValueError) and err.value.screening.held
    assert "clinician" in str(err.value)
    r = build(Profile.of("arterial_disease", cleared=True))
    assert max(s.pressure for s in r.steps) <= 2  # still capped after clearance
    assert r.cleared and "Clearance" in r.to_markdown()


def test_techniques_restricts_the_routine_and_assumes_their_equipment():
    r = build(Profile(), minutes=5, techniques=["tennis_ball"])
    assert {s.technique for s in r.steps} == {"tennis_ball"}
    assert r.total_seconds == 300


def test_a_technique_the_screening_excludes_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="Tennis ball .*left out because of Pregnancy"):
        build(Profile.of("pregnancy", cleared=True), techniques=["tennis_ball"])
    with pytest.raises(ValueError, match="Unknown technique: juggling"):
        build(Profile(), techniques=["juggling"])


def test_pressure_is_never_raised_above_the_learners_choice():
    r = build(Profile(), goal="recover", minutes=10, equipment={"tennis_ball"}, pressure=2)
    assert all(s.pressure <= 2 for s in r.steps)
    assert "tennis_ball" not in {s.technique for s in r.steps}
    assert any(x.startswith("Tennis ball") and "you chose 2/10" in x for x in r.left_out)


def test_check_accepts_a_routine_under_the_same_answers_and_names_new_problems():
    r = build(Profile(), goal="recover", minutes=15, equipment={"tennis_ball"}, pressure=7)
    assert check(r, Profile()) == []
    problems = check(r, Profile.of("long_journey"))
    assert problems and all("calf holds" in p for p in problems)
    assert any("Left leg" in p or "calf holds" in p for p in problems)
    capped = check(r, Profile.of("varicose_veins", varicose_veins=["calf"],
                                 sides={"varicose_veins": "right"}))
    assert capped and all("Right leg" in p for p in capped)
    assert check(r, Profile.of("dvt_signs"))[0].startswith("STOP")
    assert check(r, Profile.of("pregnancy"))[0].startswith("WAIT")


def test_no_heat_on_a_kept_out_area_the_towel_would_cover():
    r = build(Profile.of("open_wound_or_burn", open_wound_or_burn=["shin"],
                         sides={"open_wound_or_burn": "right"}),
              goal="relax", minutes=20, equipment={"warm_towel"})
    towel = [s.side for s in r.steps if s.technique == "warm_towel"]
    assert towel == ["left"]
    assert any(x.startswith("Right leg: Warm towel") and "Shin kept out" in x for x in r.left_out)


def test_finishing_strokes_never_start_on_a_kept_out_ankle():
    r = build(Profile.of("inflamed_joint", inflamed_joint=["ankle"]), goal="relax", minutes=20)
    strokes = [s for s in r.steps if s.step == "leg_strokes"]
    assert strokes and all("from the ankle" not in s.instruction for s in strokes)
    assert all("above the ankle" in s.instruction for s in strokes)
    assert not any(s.step == "foot_strokes" for s in r.steps)  # works on the ankle itself


def test_calf_hold_starts_a_hands_width_below_the_knee_crease():
    r = build(Profile(), goal="recover", minutes=20, equipment={"tennis_ball"})
    hold = next(s for s in r.steps if s.step == "calf_holds")
    assert "a hand's width below the knee crease" in hold.instruction


def test_operated_leg_waits_and_the_card_says_which_leg():
    surgery = Profile.of("injury_or_surgery", injury_or_surgery=["knee_front"],
                         sides={"injury_or_surgery": "left"})
    r = build(surgery, goal="recover", minutes=10, equipment={"tennis_ball"}, pressure="firm")
    assert {s.side for s in r.steps} == {"right"}
    assert r.held_legs == ("left",)
    card = r.to_markdown()
    assert "| Right leg |" in card and "Waiting for a clinician's OK:** Left leg" in card
    cleared = build(Profile(surgery.conditions, surgery.where, surgery.sides, cleared=True),
                    goal="recover", minutes=10, equipment={"tennis_ball"}, pressure="firm")
    left = [s for s in cleared.steps if s.side == "left"]
    assert left and max(s.pressure for s in left) <= 3
    assert not any(s.step == "calf_holds" for s in cleared.steps)
    assert all("knee_front" not in s.areas for s in left)


def test_thigh_strokes_start_above_a_kept_out_knee():
    r = build(Profile.of("inflamed_joint", inflamed_joint=["knee_front"],
                         sides={"inflamed_joint": "right"}), goal="relax", minutes=20)
    thigh = {s.side: s.instruction for s in r.steps if s.step == "thigh_strokes"}
    assert "just above the knee" in thigh["left"]
    assert "a hand's width above the knee (keep off the knee)" in thigh["right"]


def test_the_default_goal_is_the_first_of_goals_yaml():
    """No goal named in Python: left out, the routine is for the first goal of the content
    (the builder's default), and a goal that is not a choice is still an error."""
    from course.models import content

    assert build(Profile()).goal == content().goals[0].id
    with pytest.raises(ValueError, match="Unknown goal 'None'"):
        build(Profile(), goal=None)  # type: ignore[arg-type]
