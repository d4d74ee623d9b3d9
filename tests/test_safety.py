"""The screening gate, case by case."""

from __future__ import annotations

import json

import pytest

from course.models import Effect, Urgency, content
from course.safety import Profile, screen


def test_no_answers_allows_every_massageable_area():
    s = screen(Profile())
    assert not s.stopped
    assert s.max_pressure == 10
    assert "knee_hollow" not in s.allowed_areas and "inner_thigh" not in s.allowed_areas
    assert set(s.never_areas) == {"knee_hollow", "inner_thigh"}
    assert "foot" in s.allowed_areas and "hamstring" in s.allowed_areas


@pytest.mark.parametrize(
    "cid", [x.id for x in content().contraindications if x.effect is Effect.STOP]
)
def test_every_stop_condition_stops(cid):
    s = screen(Profile.of(cid))
    assert s.stopped
    assert s.allowed_areas == ()
    assert "STOP" in s.summary()


def test_lung_clot_is_an_emergency_and_comes_first():
    s = screen(Profile.of("fever", "dvt_signs", "lung_clot_signs"))
    assert s.urgency is Urgency.EMERGENCY
    assert s.stops[0].id == "lung_clot_signs"
    assert "emergency" in s.summary().lower()
    assert "Sudden breathlessness" in s.red_flags


def test_dvt_signs_are_same_day_and_list_red_flags():
    s = screen(Profile.of("dvt_signs"))
    assert s.urgency is Urgency.SAME_DAY
    assert any("one calf or thigh" in flag.lower() for flag in s.red_flags)


def test_area_condition_keeps_area_out_with_reason():
    s = screen(Profile.of("varicose_veins", varicose_veins=["calf", "shin"]))
    assert not s.stopped
    assert "calf" not in s.allowed_areas and "shin" not in s.allowed_areas
    assert [f.id for f in s.kept_out["calf"]] == ["varicose_veins"]


def test_area_condition_without_location_is_an_error():
    with pytest.raises(ValueError, match="Say where on the leg: Varicose veins"):
        screen(Profile.of("varicose_veins"))


def test_location_of_unticked_condition_is_ignored():
    s = screen(Profile(frozenset(), {"varicose_veins": frozenset({"calf"})}))
    assert "calf" in s.allowed_areas


def test_cautions_cap_pressure_at_the_lowest():
    s = screen(Profile.of("pregnancy", "bleeding_risk"))
    assert s.max_pressure == 2
    assert {f.id for f in s.cautions} == {"pregnancy", "bleeding_risk"}
    assert s.held and {f.id for f in s.holds} == {"pregnancy", "bleeding_risk"}


def test_neuropathy_forbids_heat():
    assert screen(Profile.of("diabetic_neuropathy")).no_heat


def test_profile_round_trips_through_json_safe_dict():
    p = Profile.of("varicose_veins", "pregnancy", varicose_veins=["calf", "shin"],
                   sides={"varicose_veins": "left"}, cleared=True)
    d = p.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d == {"conditions": ["pregnancy", "varicose_veins"],
                 "where": {"varicose_veins": ["calf", "shin"]},
                 "sides": {"varicose_veins": "left"}, "cleared": True}
    assert Profile.from_dict(d) == p


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "not a mapping"),
        ({"conditions": "fever"}, "'conditions' must be a list"),
        ({"conditions": ["nope"]}, "Unknown screening answer: nope"),
        ({"conditions": ["varicose_veins"]}, "Say where on the leg: Varicose veins"),
        ({"conditions": ["varicose_veins"], "where": {"varicose_veins": ["calf"]},
          "sides": {"varicose_veins": "middle"}}, "Unknown leg for varicose_veins: 'middle'"),
        ({"cleared": "yes"}, "'cleared' must be true or false"),
        ({"colour": 1}, "unknown fields: colour"),
    ],
)
def test_profile_from_bad_dict_names_the_problem(data, message):
    with pytest.raises(ValueError, match=message):
        Profile.from_dict(data)


def test_one_leg_answer_keeps_the_area_out_of_that_leg_only():
    s = screen(Profile.of("open_wound_or_burn", open_wound_or_burn=["shin"],
                          sides={"open_wound_or_burn": "right"}))
    assert "shin" in s.legs["right"].kept_out and "shin" not in s.legs["left"].kept_out
    assert "shin" in s.allowed_areas  # still allowed on the left leg


def test_operated_leg_is_held_the_other_leg_is_not():
    s = screen(Profile.of("injury_or_surgery", injury_or_surgery=["knee_front"],
                          sides={"injury_or_surgery": "left"}))
    assert s.legs["left"].held and not s.legs["right"].held and not s.held
    assert s.held_legs == ("left",)
    cleared = screen(Profile.of("injury_or_surgery", injury_or_surgery=["knee_front"],
                                sides={"injury_or_surgery": "left"}, cleared=True))
    assert not cleared.legs["left"].held and cleared.legs["left"].max_pressure == 3
    assert cleared.legs["right"].max_pressure == 10


def test_cancer_keeps_affected_areas_out_when_named():
    s = screen(Profile.of("cancer", cancer=["thigh_front"]))
    assert "thigh_front" in s.kept_out and s.max_pressure == 3


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        (Profile.of("broken_heart"), "Unknown screening answer: broken_heart"),
        (
            Profile.of("varicose_veins", varicose_veins=["elbow"]),
            "Unknown area for varicose_veins: elbow",
        ),
    ],
)
def test_unknown_answers_are_named(profile, message):
    with pytest.raises(ValueError, match=message):
        screen(profile)


def test_every_contraindication_has_a_plain_question_and_advice():
    for item in content().contraindications:
        assert item.question.strip().endswith((".", "?")), item.id
        assert item.instead.strip(), item.id


def test_no_screening_id_is_written_into_the_safety_code():
    """Every rule is data: the code that screens, plans and shows never names a condition
    (docstring examples aside)."""
    from tests.test_ids_in_code import code_strings

    strings = code_strings("safety.py", "routine.py", "ui/builder.py")
    ids = {x.id for x in content().screening_items}
    assert sorted(ids & strings) == []
    assert not [s for s in strings for i in ids if f'"{i}"' in s]
