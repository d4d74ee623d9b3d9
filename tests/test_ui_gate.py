"""One screening before any practice: every practice timer goes through the gate.

The gate reads the real progress record (a private COURSE_DATA_DIR per test); stored
screenings are dated with a fake clock, and the gate is given its own "now", so the 30-day
and 6-month boundaries are exact. The checklist is a small stand-in with the contract's
signature (``checklist(initial, on_done=...)``); test_gate_uses_the_core_checklist drives the
real one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import ipywidgets as w
import pytest

from course.progress import Progress
from course.routine import build
from course.safety import Profile
from course.screening import policy
from course.ui import gate as ug
from course.ui import timer as ut
from course.ui.builder import save_routine

NOW = datetime(2025, 6, 15, 10, 0, tzinfo=UTC)
PREGNANT = Profile.of("pregnancy")
SURGERY_RIGHT = Profile.of(
    "injury_or_surgery", injury_or_surgery=["knee_front"], sides={"injury_or_surgery": "right"}
)


class FakeChecklist:
    """Stands in for CORE's checklist: remembers what it was given; ``done`` answers it."""

    made: list[FakeChecklist] = []

    def __init__(self, initial: Profile | None, on_done: Any):
        self.initial, self.on_done = initial, on_done
        self.widget = w.VBox()
        FakeChecklist.made.append(self)

    def done(self, profile: Profile) -> None:
        self.on_done(profile)

    def _repr_mimebundle_(self, **_: Any) -> dict[str, str]:
        return {"text/plain": "checklist", "text/html": "<p>STATIC CHECKLIST</p>"}


def store(profile: Profile, when: datetime = NOW) -> None:
    with Progress.open(clock=lambda: when) as p:
        p.save_screening(profile.to_dict())


def clear(conditions: list[str], on: date, when: datetime = NOW) -> None:
    with Progress.open(clock=lambda: when) as p:
        p.record_clearance(on, policy().clearance_wording, conditions)


def gate(technique: str = "thumb", now: datetime = NOW, **kw: Any) -> ug.PracticeGate:
    return ut.practice_timer(
        technique=technique, now=lambda: now, checklist=FakeChecklist, live=False, **kw
    )


# --- asking ------------------------------------------------------------------------------


def test_no_screening_asks_it_first_and_stores_the_answers():
    g = gate()
    assert g.state == "ask" and g.timer is None and g.practice.children == ()
    assert "Take your personal screening first" in g.status.value
    assert "not taken" in g.status.value
    assert g.form.initial is None and g.asking.children == (g.form.widget,)
    g.form.done(Profile())
    assert g.state == "practice" and g.timer is not None
    assert g.timer.routine.goal_name == "Practise: Thumb technique (foot)"
    with Progress.open() as p:
        (stored,) = p.screenings()
    assert stored.answers == Profile().to_dict()


def test_a_current_screening_is_used_without_asking():
    store(Profile(), NOW - timedelta(days=29, hours=23))
    g = gate()
    assert g.state == "practice" and g.form is None
    assert "Using your screening of 16 May 2025" in g.status.value


def test_a_screening_30_days_old_is_asked_again_starting_from_the_old_answers():
    old = Profile.of("varicose_veins", varicose_veins=["calf"])
    store(old, NOW - timedelta(days=30))
    g = gate()
    assert g.state == "ask" and "30 days old" in g.status.value
    assert g.form.initial == old  # the learner changes what changed, not everything
    g.form.done(old)
    assert g.state == "practice"


def test_something_changed_asks_again_and_then_clears_the_tick():
    store(Profile(), NOW - timedelta(days=1))
    g = gate()
    assert g.state == "practice" and g.changed.description == " ".join(
        policy().changed_question.split()
    )
    g.changed.value = True
    assert g.state == "ask" and g.timer is None and "changed" in g.status.value
    g.form.done(Profile())
    assert g.state == "practice" and g.changed.value is False
    with Progress.open() as p:
        assert len(p.screenings()) == 2


# --- refusing ----------------------------------------------------------------------------


def test_a_stop_refuses_practice_with_the_reason():
    store(Profile.of("dvt_signs"))
    g = gate()
    assert g.state == "stop" and g.timer is None
    assert "STOP: do not massage" in g.refusal.value and "blood clot" in g.refusal.value
    assert "STOP" in g.summary()


def test_a_hold_without_clearance_refuses_and_offers_to_record_it():
    store(PREGNANT)
    g = gate("finishing_strokes")
    assert g.state == "hold" and g.timer is None
    assert "see a clinician first" in g.refusal.value.lower()
    assert ug.visible(g.clearance_box)
    assert g.answers.held == ("pregnancy",)


def test_recording_the_clinicians_ok_opens_practice():
    store(PREGNANT)
    g = gate("finishing_strokes")
    g.record_button.click()  # nothing ticked: a message, nothing recorded
    assert "Tick the sentence" in g.clearance_note.value
    g.cleared_box.value = True
    g.cleared_on.value = NOW.date() + timedelta(days=1)
    g.record_button.click()
    assert "future" in g.clearance_note.value and g.state == "hold"
    g.cleared_on.value = NOW.date() - timedelta(days=3)
    g.record_button.click()
    assert g.state == "practice" and g.timer is not None
    with Progress.open() as p:
        c = p.latest_clearance()
    assert (c.confirmed_on, c.conditions) == (NOW.date() - timedelta(days=3), ("pregnancy",))
    assert c.wording == policy().clearance_wording


def test_a_clearance_is_asked_again_after_six_months():
    store(PREGNANT)
    clear(["pregnancy"], date(2024, 12, 16))
    assert gate("finishing_strokes").state == "practice"  # 5 months 30 days
    clear(["pregnancy"], date(2024, 12, 15))
    g = gate("finishing_strokes")
    assert g.state == "hold" and "more than 6 months old" in g.refusal.value
    g.cleared_box.value = True
    g.cleared_on.value = date(2024, 12, 1)
    g.record_button.click()  # an OK that is already too old is not recorded as current
    assert "more than 6 months old" in g.clearance_note.value and g.state == "hold"


def test_a_clearance_for_another_condition_does_not_cover_a_new_hold():
    store(Profile.of("pregnancy", "arterial_disease"))
    clear(["pregnancy"], NOW.date())
    g = gate("finishing_strokes")
    assert g.state == "hold" and "not given for everything" in g.refusal.value
    assert g.answers.held == ("arterial_disease", "pregnancy")  # content order


def test_the_stored_cleared_flag_alone_does_not_lift_a_hold():
    store(Profile.of("pregnancy", cleared=True))
    assert gate("finishing_strokes").state == "hold"


def test_an_excluded_technique_refuses_that_timer_only():
    store(PREGNANT)
    clear(["pregnancy"], NOW.date())
    ball = gate("tennis_ball")
    assert ball.state == "refused" and ball.timer is None
    assert "Tennis ball" in ball.refusal.value and "Pregnancy" in ball.refusal.value
    strokes = gate("finishing_strokes")
    assert strokes.state == "practice"
    assert {s.technique for s in strokes.timer.routine.steps} == {"finishing_strokes"}


def test_a_held_leg_is_left_out_of_the_timer_not_the_other_leg():
    store(SURGERY_RIGHT)
    g = gate("thumb")
    assert g.state == "practice"
    assert {s.side for s in g.timer.routine.steps} == {"left"}
    assert "Right leg waits for a clinician" in g.refusal.value and ug.visible(g.clearance_box)
    g.cleared_box.value = True
    g.cleared_on.value = NOW.date()
    g.record_button.click()
    assert g.state == "practice" and {s.side for s in g.timer.routine.steps} == {"left", "right"}
    assert not ug.visible(g.clearance_box) and g.refusal.value == ""


def test_an_unreadable_record_refuses_with_the_reason():
    class Broken:
        def __enter__(self):
            raise OSError("disk gone")

        def __exit__(self, *exc):
            return False

    g = gate(opener=Broken)
    assert g.state == "error" and "disk gone" in g.refusal.value and g.timer is None


def test_the_timer_records_practice_when_done():
    store(Profile())
    g = gate("finishing_strokes")
    for _ in g.timer.routine.steps:
        g.timer.next()
    with Progress.open() as p:
        (session,) = p.practice_sessions()
    assert session.steps_completed == len(g.timer.routine.steps)


# --- the saved routine ---------------------------------------------------------------------


def test_the_saved_routine_goes_through_the_gate(tmp_path):
    r = build(Profile(), minutes=10, equipment=["tennis_ball"])
    _path, rid = save_routine(r, "Mine", folder=tmp_path)
    g = ut.practice_timer(now=lambda: NOW, checklist=FakeChecklist, live=False)
    assert g.state == "ask" and g.routine_id == rid
    g.form.done(Profile())
    assert g.state == "practice" and g.timer.routine == r and g.timer.routine_id == rid


def test_a_saved_routine_that_no_longer_fits_is_refused_with_the_steps(tmp_path):
    r = build(Profile(), goal="recover", minutes=15, equipment=["tennis_ball"])
    assert any(s.technique == "tennis_ball" for s in r.steps)
    save_routine(r, "Mine", folder=tmp_path)
    store(Profile.of("varicose_veins", varicose_veins=["calf"], sides={"varicose_veins": "left"}))
    g = ut.practice_timer(now=lambda: NOW, checklist=FakeChecklist, live=False)
    assert g.state == "refused" and g.timer is None
    assert "does not fit your answers today" in g.refusal.value
    assert "Calf kept out" in g.refusal.value and "Build it again in lesson 09" in g.refusal.value


# --- what a viewer without a kernel sees -------------------------------------------------------


def test_static_output_without_a_screening_shows_the_checklist_fallback():
    bundle = gate()._repr_mimebundle_()
    assert bundle["text/plain"] == (
        "Guided practice: Thumb technique (foot): take your personal screening first"
    )
    assert "Take your personal screening first" in bundle["text/html"]
    assert "STATIC CHECKLIST" in bundle["text/html"]
    assert bundle["text/html"] == gate()._repr_mimebundle_()["text/html"]


def test_unknown_technique_is_a_message_without_asking():
    bad = ut.practice_timer(technique="elbow")
    assert bad.routine is None and "Unknown technique" in bad.status.value


@pytest.mark.parametrize("technique", ["thumb", "tennis_ball", "finishing_strokes"])
def test_technique_timers_use_the_whole_technique_on_both_legs(technique):
    from course.models import content

    t = content().technique[technique]
    r = ut.technique_plan(technique)(Profile())
    assert {s.technique for s in r.steps} == {technique}
    assert {s.side for s in r.steps} == {"left", "right"}
    assert {s.step for s in r.steps} == {x.id for x in t.steps}
    assert all(t.pressure_min <= s.pressure <= min(t.pressure_max, 5) for s in r.steps)


# --- lesson 05: the personal screening itself ----------------------------------------------


def test_personal_screening_asks_stores_and_says_what_it_means():
    g = ug.personal_screening(now=lambda: NOW, checklist=FakeChecklist)
    assert g.state == "ask" and "30 days" in g.intro and "6 months" in g.intro
    assert "30 days" in g._repr_mimebundle_()["text/html"]
    g.form.done(Profile.of("varicose_veins", varicose_veins=["calf"]))
    assert g.state == "screened" and g.timer is None
    assert "kept out" in g.refusal.value and "Using your screening of 15 June 2025" in (
        g.status.value
    )
    assert g.summary() == "Your personal screening: Using your screening of 15 June 2025."
    with Progress.open() as p:
        assert p.latest_screening().taken_at == NOW


def test_personal_screening_with_a_hold_offers_the_clearance():
    store(PREGNANT)
    g = ug.personal_screening(now=lambda: NOW, checklist=FakeChecklist)
    assert g.state == "hold" and ug.visible(g.clearance_box)


# --- with CORE's real checklist ------------------------------------------------------------


def real_gate(technique: str = "finishing_strokes") -> ug.PracticeGate:
    return ut.practice_timer(technique=technique, now=lambda: NOW, live=False)


def test_gate_uses_the_core_checklist():
    from course.ui.builder import ScreeningChecklist

    store(Profile.of("varicose_veins", varicose_veins=["calf"]), NOW - timedelta(days=40))
    g = real_gate()
    assert isinstance(g.form, ScreeningChecklist)
    assert g.form.conditions["varicose_veins"].value  # starts from the old answers
    assert "Screening checklist:" in g._repr_mimebundle_()["text/html"]
    g.form.conditions["varicose_veins"].value = False
    g.form.done_button.click()
    assert g.state == "practice"
    with Progress.open() as p:
        assert p.latest_screening().answers == Profile().to_dict()


def test_incomplete_answers_are_not_stored():
    g = real_gate()
    g.form.conditions["varicose_veins"].value = True  # an area answer without "where"
    g.form.done_button.click()
    assert g.state == "ask" and "Say where" in g.status.value
    with Progress.open() as p:
        assert p.screenings() == []


def test_the_checklists_clearance_box_records_a_dated_clearance():
    g = real_gate()
    g.form.conditions["pregnancy"].value = True
    assert ug.visible(g.form.clearance)
    g.form.clearance.value = True
    g.form.done_button.click()
    assert g.state == "practice"
    with Progress.open() as p:
        c = p.latest_clearance()
    assert (c.confirmed_on, c.conditions) == (NOW.date(), ("pregnancy",))


def test_personal_screening_static_output_asks_to_answer():
    bundle = ug.personal_screening(now=lambda: NOW, checklist=FakeChecklist)._repr_mimebundle_()
    assert bundle["text/plain"] == "Your personal screening: answer the checklist"
    assert "Answer the checklist below." in bundle["text/html"]
    assert "STATIC CHECKLIST" in bundle["text/html"]


def test_answering_again_never_extends_a_clinicians_ok():
    given = NOW.date() - timedelta(days=100)
    store(Profile.of("pregnancy", cleared=True), NOW - timedelta(days=31))
    clear(["pregnancy"], given)
    g = real_gate()
    assert g.state == "ask" and g.form.clearance.value  # still covered: box starts ticked
    g.form.done_button.click()
    assert g.state == "practice"
    with Progress.open() as p:
        assert [c.confirmed_on for c in p.clearances()] == [given]  # not re-dated today


def test_an_expired_ok_is_not_carried_into_the_checklist():
    store(Profile.of("pregnancy", cleared=True), NOW - timedelta(days=31))
    clear(["pregnancy"], NOW.date() - timedelta(days=200))
    g = real_gate()
    assert g.form.conditions["pregnancy"].value and not g.form.clearance.value
    g.form.done_button.click()
    assert g.state == "hold"  # pressing the button does not renew it
    with Progress.open() as p:
        assert len(p.clearances()) == 1
