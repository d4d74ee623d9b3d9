"""Issue 10, item 14: a control set from code to None or to a value out of its range gives
the learner a message, never an exception; what the widget shows stays consistent."""

from __future__ import annotations

import pytest

from course.models import Kind, content
from course.ui import builder as ub
from course.ui.display import install_value_messages, value_error_message, visible
from course.ui.pressure import NO_PRESSURE, PressureExplainer
from course.ui.quiz import Checks, QuizWidget


def test_pressure_set_to_none_from_code_is_a_message():
    """Before the fix: TypeError in band() from the slider's observer."""
    p = PressureExplainer()
    p.slider.value = None
    assert NO_PRESSURE in p.explanation.value and 'role="alert"' in p.explanation.value
    assert p._repr_mimebundle_()["text/plain"] == "Pressure explainer: no pressure chosen"
    p.slider.value = 3
    assert "3/10" in p._repr_mimebundle_()["text/plain"]


@pytest.mark.parametrize("bad", [42, -1, "hard", 5.5, ()])
def test_pressure_out_of_range_from_code_is_a_message_and_keeps_the_value(bad):
    """Before the fix: TraitError (or TypeError for ()) out of ipywidgets."""
    p = PressureExplainer(4)
    p.slider.value = bad
    assert p.slider.value == 4
    assert "is not one of its choices" in p.explanation.value
    assert "stays at 4" in p.explanation.value


def _quiz(kind: Kind) -> QuizWidget:
    bank = content().quiz["safety"]
    question = next(q for q in bank.questions if q.kind is kind)
    return QuizWidget([question], bank="safety", title="t")


@pytest.mark.parametrize("bad", ["nonsense", 3, ("a", "b")])
def test_a_quiz_answer_out_of_range_from_code_is_a_message(bad):
    w = _quiz(Kind.SINGLE)
    w.choice.value = bad
    assert w.choice.value is None and "is not one of its choices" in w.status.value
    w.check_button.click()  # nothing picked: the usual prompt, no exception
    assert "Pick an answer first" in w.status.value


@pytest.mark.parametrize("bad", [None, 3, "not-an-option", ["x", None]])
def test_tick_boxes_set_from_code_never_raise(bad):
    """Before the fix: ``Checks.value = None`` raised TypeError."""
    box = Checks([("First", "a"), ("Second", "b")])
    box.value = ["a"]
    box.value = bad
    assert box.value == (() if bad != "a" else ("a",))


def test_builder_choices_out_of_range_from_code_are_messages():
    """The builder is being rewritten elsewhere: a small guard, checked here."""
    b = ub.RoutineBuilder(require_quiz=False, live=False)
    goal, pressure = b.goal.value, b.pressure.value
    b.goal.value = "nonsense"
    assert b.goal.value == goal and visible(b.message)
    assert "is not one of its choices" in b.message.value
    b.pressure.value = 42
    assert b.pressure.value == pressure and "42" in b.message.value
    b.goal.value = None  # no goal: the builder says so instead of building
    assert b.routine is None and visible(b.message)
    b.goal.value = goal
    assert b.routine is not None


def test_a_refused_value_in_a_notebook_cell_is_one_sentence_not_a_traceback(capsys):
    """Wrong-kind values (checkbox.value = None) are refused by ipywidgets' type checks
    before any course code runs; in a kernel the course turns that into a sentence."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        assert install_value_messages(shell)
        assert not install_value_messages(shell)  # once per kernel
        shell.run_cell("import ipywidgets as w\nbox = w.Checkbox()\nbox.value = None")
        shell.run_cell("1 / 0")  # anything else keeps its traceback
        out = capsys.readouterr()
    finally:
        InteractiveShell.clear_instance()
    text = out.out + out.err
    assert "That value cannot be set on this control" in text
    assert text.count("Traceback") <= 1 and "ZeroDivisionError" in text
    assert value_error_message(ValueError("x")) is None
