"""The routine builder widget, driven as a learner would: tick, slide, click, read."""

from __future__ import annotations

import importlib
import re
import sys
import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import course.ui
from course.models import Effect, content
from course.progress import Progress
from course.ui import builder as ub
from course.ui.display import WIDGET_VIEW, error_html, visible

C = content()
STOPS = [x.id for x in C.screening_items if x.effect is Effect.STOP]
WHERE = [x.id for x in C.screening_items if x.asks_where]
LEGGED = [x.id for x in C.screening_items if x.asks_leg]
MASSAGEABLE = [a.id for a in C.areas if not a.never]
PNG = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")


def rows(html: str) -> int:
    return html.count("<tr>") - 1  # minus the header row


@pytest.fixture
def b() -> ub.RoutineBuilder:
    return ub.RoutineBuilder(require_quiz=False, live=False)


def test_default_shows_a_routine_table_timeline_and_notes(b):
    assert b.routine is not None
    assert rows(b.table.value) == len(b.routine.steps) > 0
    assert "Total 15:00" in b.total.value
    assert 'class="lm-figure" alt="Timeline of the routine' in b.figure.value
    assert "Tips for these techniques" in b.notes.value
    assert "Your cautions" not in b.notes.value  # nothing ticked, no caution of yours
    assert visible(b.result) and visible(b.choices) and not visible(b.stop)
    assert not b.save_button.disabled and not b.practice_button.disabled
    # the default choices are the documented ones
    assert (b.minutes.value, b.pressure.value, b.goal.value) == (15, 5, "relax")
    assert all(box.value for box in b.areas.values()) and set(b.areas) == set(MASSAGEABLE)


def test_widgets_are_labelled_and_classed(b):
    assert "lm-builder" in b.widget._dom_classes
    assert "lm-step-table" in b.table._dom_classes
    assert "lm-total" in b.total._dom_classes
    assert "lm-stop" in b.stop._dom_classes
    for box in [*b.conditions.values(), *b.areas.values(), b.minutes, b.pressure, b.goal]:
        assert box.description and box.description_allow_html is False
    assert all(box.tooltip for box in b.conditions.values())


def test_changes_update_live(b):
    b.minutes.value = 30
    assert "Total 30:00" in b.total.value
    b.kit["tennis_ball"].value = True
    assert "Tennis ball" in b.table.value
    b.pressure.value = 1
    assert all(s.pressure <= max(1, 3) for s in b.routine.steps)


def test_stop_condition_shows_stop_and_hides_the_rest(b):
    b.conditions["dvt_signs"].value = True
    assert b.routine is None and b.table.value == ""
    assert visible(b.stop) and not visible(b.choices) and not visible(b.result)
    assert "STOP: do not massage." in b.stop.value and 'role="alert"' in b.stop.value
    assert "Get a medical assessment today." in b.stop.value
    assert "Swelling of one leg" in b.stop.value  # a red flag
    assert b.save_button.disabled and b.practice_button.disabled
    b.conditions["dvt_signs"].value = False
    assert b.routine is not None and not visible(b.stop)


def test_area_condition_asks_where_and_keeps_the_area_out(b):
    pick = b.where["varicose_veins"]
    assert not visible(pick)
    b.conditions["varicose_veins"].value = True
    assert visible(pick)
    assert "Say where on the leg" in b.message.value and b.table.value == ""
    b.kit["tennis_ball"].value = True
    pick.value = ("calf",)
    assert b.routine is not None
    assert all("calf" not in s.areas for s in b.routine.steps)
    assert "Left leg: Calf (Varicose veins)" in b.notes.value
    assert "Right leg: Calf (Varicose veins)" in b.notes.value


def test_build_errors_are_messages_not_exceptions(b):
    with b.hold():
        for box in b.areas.values():
            box.value = False
    assert visible(b.message) and 'role="alert"' in b.message.value
    assert "No area left to massage" in b.message.value
    assert b.table.value == "" and not visible(b.result)


def test_gate_blocks_until_the_safety_quiz_is_passed(monkeypatch):
    monkeypatch.delenv(ub.GATE_ENV, raising=False)
    gated = ub.routine_builder()
    assert gated.gated and visible(gated.gate)
    assert "Pass the safety quiz in lesson 05 first" in gated.gate.value
    assert "05_when_not_to_massage.ipynb" in gated.gate.value
    assert gated.routine is None and gated.table.value == ""
    assert gated.minutes.disabled and gated.conditions["fever"].disabled
    assert "locked" in gated._repr_mimebundle_()["text/plain"]
    bank = C.quiz["safety"]
    with Progress.open() as p:
        for q in bank.questions:
            p.record_answer("safety", q.id, ["a"], True, 1.0)
    gated.recheck_button.click()
    assert not gated.gated and gated.routine is not None and not visible(gated.gate)
    assert not gated.minutes.disabled


@pytest.mark.parametrize(("env", "gated"), [("0", False), ("off", False), ("1", True)])
def test_gate_env_var(monkeypatch, env, gated):
    monkeypatch.setenv(ub.GATE_ENV, env)
    assert ub.quiz_required() is gated
    assert ub.quiz_required(False) is False


def test_save_writes_the_card_and_records_it(b, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    b.name.value = "Evening wind-down!"
    b.save_button.click()
    path = tmp_path / "routines" / "evening-wind-down-1.md"
    assert path.read_text(encoding="utf-8") == b.routine.to_markdown("Evening wind-down!")
    assert str(path) in b.saved.value and b.saved_path == path
    b.save_button.click()
    assert (tmp_path / "routines" / "evening-wind-down-2.md").exists()
    with Progress.open() as p:
        saved = p.routines()
    assert [r.name for r in saved] == ["Evening wind-down!"] * 2
    assert saved[-1].id == b.routine_id


def test_save_failures_are_shown(b, tmp_path):
    b.name.value = "   "
    b.save_button.click()
    assert 'role="alert"' in b.saved.value and "name" in b.saved.value

    class Broken:
        def __enter__(self):
            raise OSError("disk full")

        def __exit__(self, *exc):
            return False

    b.name.value = "Mine"
    b._opener = Broken
    b.save_button.click()
    assert "Could not save the routine: disk full" in b.saved.value


def test_save_routine_goes_through_the_opener_seam(b, tmp_path):
    calls = []

    class Stub:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def save_routine(self, name, routine_json, card_md):
            calls.append((name, routine_json, card_md))
            return 7

    path, rid = ub.save_routine(b.routine, "Mine", Stub, folder=tmp_path)
    assert (path.name, rid) == ("mine-1.md", 7)
    assert calls == [("Mine", b.routine.to_json(), path.read_text(encoding="utf-8"))]


def test_start_practice_opens_the_timer_on_the_current_routine(b):
    b.practice_button.click()
    assert b.timer is not None and b.timer.routine == b.routine
    assert b.practice.children == (b.timer.widget,)
    b.save_button.click()
    b.practice_button.click()
    assert b.timer.routine_id == b.routine_id


def test_display_bundle_is_widget_plus_deterministic_static(b):
    bundle = b._repr_mimebundle_()
    assert WIDGET_VIEW in bundle
    assert bundle["text/plain"] == "Routine builder: Relax and unwind, 12 steps, total 15:00"
    html = bundle["text/html"]
    assert html.count("<li>☐") == len(C.screening_items)
    assert 'class="lm-steps"' in html and "<img" in html
    other = ub.RoutineBuilder(require_quiz=False, live=False)._repr_mimebundle_()["text/html"]
    assert PNG.sub("<PNG>", html) == PNG.sub("<PNG>", other)
    b.conditions["fever"].value = True
    stopped = b._repr_mimebundle_()
    assert "STOP" in stopped["text/plain"] and "lm-stop-box" in stopped["text/html"]
    assert "<table" not in stopped["text/html"]


def test_error_html_escapes_and_alerts():
    html = error_html("<b>bad</b>\nsecond line")
    assert 'role="alert"' in html and "&lt;b&gt;" in html and "<br>" in html


# --- course.ui exports ---------------------------------------------------------------------


def test_course_ui_exports_lazily():
    assert course.ui.routine_builder is ub.routine_builder
    assert set(course.ui.__all__) >= {
        "routine_builder", "practice_timer", "pressure_explainer", "leg_map", "evidence_chart",
        "quiz", "review", "dashboard", "lesson_header", "key_points", "benefit", "technique",
        "contraindications", "red_flags", "faq", "lessons_table"}
    with pytest.raises(AttributeError):
        course.ui.no_such_view  # noqa: B018


def test_self_named_view_module_stays_callable(monkeypatch):
    """``course.ui.quiz`` is both the module and the function, whatever was imported first."""
    name = "course.ui.quiz"
    if name not in sys.modules:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:  # not written yet: stand in a module as the import would
            fake = types.ModuleType(name)
            fake.quiz = lambda bank: f"quiz on {bank}"
            monkeypatch.setitem(sys.modules, name, fake)
            monkeypatch.setattr(course.ui, "quiz", fake, raising=False)
    module = sys.modules[name]
    assert callable(course.ui.quiz) and course.ui.quiz is module
    assert type(module).__name__ == "_CallableModule"


# --- property: any input gives a routine or a message, never an exception -----------------

_builder: list[ub.RoutineBuilder] = []


def shared_builder() -> ub.RoutineBuilder:
    if not _builder:
        _builder.append(ub.RoutineBuilder(require_quiz=False, live=False))
    return _builder[0]


@settings(max_examples=150, deadline=None)
@given(
    ticked=st.sets(st.sampled_from(list(C.screening_item))),
    where=st.fixed_dictionaries({c: st.sets(st.sampled_from(list(C.area))) for c in WHERE}),
    sides=st.fixed_dictionaries({c: st.sampled_from(["both", "left", "right"]) for c in LEGGED}),
    cleared=st.booleans(),
    goal=st.sampled_from(list(C.goal)),
    minutes=st.integers(1, 60),
    areas=st.sets(st.sampled_from(MASSAGEABLE)),
    ball=st.booleans(),
    towel=st.booleans(),
    pressure=st.integers(0, 10),
)
def test_any_input_gives_a_routine_or_a_message(ticked, where, sides, cleared, goal, minutes,
                                                areas, ball, towel, pressure):
    b = shared_builder()
    with b.hold():
        for cid, box in b.conditions.items():
            box.value = cid in ticked
        for cid, pick in b.where.items():
            pick.value = tuple(sorted(where[cid]))
        for cid, side in b.sides.items():
            side.value = sides[cid]
        b.clearance.value = cleared
        b.goal.value, b.minutes.value, b.pressure.value = goal, minutes, pressure
        for aid, box in b.areas.items():
            box.value = aid in areas
        b.kit["tennis_ball"].value, b.kit["warm_towel"].value = ball, towel
    shown = b.routine is not None
    assert shown == (b.table.value != "") == visible(b.result)
    assert shown != (visible(b.stop) or visible(b.message) or visible(b.hold_box))
    if set(ticked) & set(STOPS):
        assert not shown and b.table.value == ""
    if shown:
        never = {a.id for a in C.areas if a.never}
        for s in b.routine.steps:
            kept = {a for c in ticked if c in where and C.screening_item[c].keeps_out
                    and sides.get(c, "both") in ("both", s.side) for a in where[c]}
            assert set(s.areas) <= set(areas) - never - kept
        assert rows(b.table.value) == len(b.routine.steps)
        assert b.routine.total_seconds == minutes * 60


def test_sides_keep_an_area_out_of_one_leg_only(b):
    with b.hold():
        b.conditions["open_wound_or_burn"].value = True
        b.where["open_wound_or_burn"].value = ("foot",)
        b.sides["open_wound_or_burn"].value = "right"
    assert visible(b.sides["open_wound_or_burn"])
    feet = {s.side for s in b.routine.steps if "foot" in s.areas}
    assert feet == {"left"}
    assert "Right leg: Foot (sole, arch and toes) (Open wound, burn or broken skin)" in (
        b.notes.value)
    assert "<td>Left leg</td>" in b.table.value


def test_a_hold_waits_until_the_clearance_is_ticked(b):
    assert not visible(b.clearance)
    b.conditions["arterial_disease"].value = True
    assert visible(b.clearance) and visible(b.hold_box) and b.routine is None
    assert "WAIT: see a clinician first." in b.hold_box.value
    wording = "a clinician has said gentle self-massage is fine for me"
    assert wording in b.clearance.description.lower()
    assert "WAIT" in b._repr_mimebundle_()["text/plain"]
    b.clearance.value = True
    assert b.routine is not None and not visible(b.hold_box)
    assert all(s.pressure <= 2 for s in b.routine.steps)
    assert "Clearance (your confirmation)" in b.notes.value


def test_advice_and_left_out_reasons_show_in_the_builder_and_on_the_card(b, tmp_path):
    with b.hold():
        b.conditions["varicose_veins"].value = True
        b.where["varicose_veins"].value = ("calf",)
        b.kit["tennis_ball"].value = True
        b.pressure.value = 2
    advice = C.contraindication["varicose_veins"].instead.split(".")[0]
    assert advice in b.notes.value
    assert "you chose 2/10" in b.notes.value and "Left out, and why" in b.notes.value
    path, _ = ub.save_routine(b.routine, "Veins", b._opener, folder=tmp_path)
    card = path.read_text(encoding="utf-8")
    assert advice in card and "you chose 2/10" in card and "| Left leg |" in card


@pytest.mark.parametrize("minutes", [0, -5, 500])
def test_minutes_out_of_range_are_reported_never_clamped(b, minutes):
    b.minutes.value = minutes
    assert b.minutes.value == minutes  # not silently changed
    assert b.routine is None and visible(b.message)
    assert "Minutes must be" in b.message.value


def test_initial_profile_and_on_profile_callback():
    got = []
    start = ub.Profile.of("varicose_veins", varicose_veins=["shin"],
                          sides={"varicose_veins": "left"})
    b = ub.RoutineBuilder(require_quiz=False, live=False, initial=start, on_profile=got.append)
    assert b.profile() == start and b.conditions["varicose_veins"].value
    assert b.sides["varicose_veins"].value == "left"
    b.checklist.done_button.click()
    assert got == [start]
    b.practice_button.click()  # Save and Start practice hand the answers over too
    assert got == [start, start]


def test_screening_checklist_alone_reports_changes_and_done():
    changes, done = [], []
    ck = ub.screening_checklist(on_change=changes.append, on_done=done.append)
    ck.conditions["pregnancy"].value = True
    assert changes[-1].conditions == {"pregnancy"} and visible(ck.clearance)
    ck.clearance.value = True
    ck.done_button.click()
    assert done == [ub.Profile.of("pregnancy", cleared=True)]
    assert "1 answer(s) ticked" in ck._repr_mimebundle_()["text/plain"]


def test_the_saved_card_shows_the_recorded_clearance_and_its_date(b, tmp_path):
    from datetime import date

    with b.hold():
        b.conditions["bleeding_risk"].value = True
        b.clearance.value = True
    with Progress.open() as p:
        p.record_clearance(date(2026, 5, 4), b.clearance.description, ["bleeding_risk"])
    path, _ = ub.save_routine(b.routine, "Gentle", folder=tmp_path)
    card = path.read_text(encoding="utf-8")
    assert "**Clearance (your confirmation):** A clinician has said gentle self-massage is fine " \
        "for me. (confirmed on 2026-05-04)" in card


def sit(quiz, wrong: int = 0) -> None:
    """Answer every question of a quiz widget as a learner would, the first ``wrong`` of them
    with a wrong option, the rest right."""
    from course.ui.quiz import Checks

    for n, q in enumerate(quiz.questions):
        quiz._go(n)
        right = [o.id for o in q.options if o.correct]
        other = [o.id for o in q.options if not o.correct][:1]
        picks = other if n < wrong else right
        quiz.choice.value = picks if isinstance(quiz.choice, Checks) else picks[0]
        quiz.check()


def test_passing_lesson_05s_quiz_opens_the_builder(monkeypatch):
    """The gate is the quiz lessons.yaml marks ``gate: true`` (lesson 05 asks it): passing
    that sitting, not the whole bank, is what opens the builder."""
    from course.quiz import gate_quiz
    from course.ui.quiz import lesson_quiz

    monkeypatch.delenv(ub.GATE_ENV, raising=False)
    lesson, lq, questions = gate_quiz(C)
    assert len(questions) < len(C.quiz[lq.bank].questions)  # a sitting, not the whole bank
    assert not ub.safety_passed()
    quiz = lesson_quiz(lesson.id)
    failing = len(questions) - int(C.quiz[lq.bank].pass_mark * len(questions)) + 1
    sit(quiz, wrong=failing)  # just under the pass mark: stays locked
    assert not ub.safety_passed()
    again = lesson_quiz(lesson.id)  # a new sitting, all right
    sit(again)
    assert ub.safety_passed()
    assert not ub.routine_builder().gated


def test_the_review_draw_of_lesson_10_does_not_open_the_builder(monkeypatch):
    from course.quiz import gate_quiz, lesson_questions
    from course.ui.quiz import lesson_quiz

    monkeypatch.delenv(ub.GATE_ENV, raising=False)
    _, gate, _ = gate_quiz(C)
    review = [
        lq.bank for lq, _ in lesson_questions(C, "10_review_and_faq") if lq.bank == gate.bank
    ]
    assert review  # lesson 10 asks from the gate's bank...
    sit(lesson_quiz("10_review_and_faq", gate.bank))
    assert not ub.safety_passed()  # ...but a short all-right draw is not the gate


def test_one_box_per_piece_of_equipment_in_the_content():
    """The equipment boxes come from techniques.yaml: one per entry, "I have <name>", marked
    optional when only warm-up techniques use it; ticking one hands its id to the routine."""
    c = content()
    b = ub.RoutineBuilder(require_quiz=False, live=False)
    assert list(b.kit) == list(c.equipment)
    for e, box in b.kit.items():
        assert box.description.startswith(f"I have {c.equipment[e]}")
        users = [t for t in c.techniques if e in t.equipment]
        warm_up_only = bool(users) and all(t.phase.value == "warm_up" for t in users)
        assert box.description.endswith("(optional warm-up)") == warm_up_only
    assert any(d.endswith("(optional warm-up)") for d in (x.description for x in b.kit.values()))
    first = next(iter(b.kit))
    b.kit[first].value = True
    assert b.equipment() == [first]
    assert b.routine is not None


def test_the_locked_builder_names_the_gate_lesson(monkeypatch):
    """The lesson and notebook the locked builder sends the learner to are the gate quiz's."""
    from course.quiz import gate_quiz

    monkeypatch.delenv(ub.GATE_ENV, raising=False)
    lesson = gate_quiz(content())[0]
    b = ub.routine_builder()
    assert b.gated
    assert f"lesson {lesson.number} first" in b.gate.value
    assert f'href="{lesson.id}.ipynb"' in b.gate.value
    assert f"lesson {lesson.number} first" in b.summary()
