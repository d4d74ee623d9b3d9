"""The interactive layer: ipywidgets views over the pure core (``course.safety``,
``course.routine``, ``course.quiz``, ``course.progress``).

Every name here is loaded on first use (PEP 562 ``__getattr__``), for two reasons: a
notebook's ``import course.ui`` stays cheap (no ipywidgets, no matplotlib until a widget is
asked for), and the package imports even while a view module is still being written.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import Any

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # routine widgets and figures
    "routine_builder": "course.ui.builder",
    "RoutineBuilder": "course.ui.builder",
    "example_routine": "course.ui.builder",
    "screening": "course.ui.builder",
    "practice_timer": "course.ui.timer",
    "PracticeTimer": "course.ui.timer",
    "personal_screening": "course.ui.gate",
    "PracticeGate": "course.ui.gate",
    "screening_checklist": "course.ui.builder",
    "ScreeningChecklist": "course.ui.builder",
    "pressure_explainer": "course.ui.pressure",
    "PressureExplainer": "course.ui.pressure",
    "leg_map": "course.ui.display",
    "evidence_chart": "course.ui.display",
    "Fallback": "course.ui.display",
    # quiz, review and dashboard views
    "quiz": "course.ui.quiz",
    "lesson_quiz": "course.ui.quiz",
    "review": "course.ui.review",
    "dashboard": "course.ui.dashboard",
    # static content views
    "lesson_header": "course.lesson",
    "key_points": "course.lesson",
    "benefit": "course.lesson",
    "technique": "course.lesson",
    "contraindications": "course.lesson",
    "red_flags": "course.lesson",
    "faq": "course.lesson",
    "lessons_table": "course.lesson",
    # drawn pictures: the leg, every technique step, their motion
    "leg": "course.ui.pictures",
    "step_pictures": "course.ui.pictures",
    "step_motion": "course.ui.pictures",
    "practice_plan_maker": "course.ui.plan",
}

__all__ = sorted(_EXPORTS)

# Views whose module and main function share a name (course.ui.quiz the module, quiz() the
# function). Python's import system sets the submodule as an attribute of this package, so a
# plain re-export would be shadowed by the module as soon as anything imported it; instead
# the module itself becomes callable, and both ``course.ui.quiz("safety")`` and
# ``from course.ui.quiz import ...`` keep working whatever was imported first.
_SELF_NAMED = {name for name, mod in _EXPORTS.items() if mod == f"{__name__}.{name}"}


class _CallableModule(types.ModuleType):
    """A view module that calls its same-named function when called."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(self, self.__name__.rpartition(".")[2])(*args, **kwargs)


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SELF_NAMED and type(value) is types.ModuleType:
            value.__class__ = _CallableModule
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'course.ui' has no attribute {name!r}")
    loaded = import_module(module)
    if name in _SELF_NAMED:
        return loaded  # the import made it callable (see _Package)
    value = getattr(loaded, name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
