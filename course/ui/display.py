"""Shared display helpers for every widget the notebooks show.

A notebook is stored executed and read in places with no kernel (GitHub, nbviewer, a printed
handout) and checked by ``pytest --nbval`` in strict mode. A bare ipywidget leaves only a
``text/plain`` repr full of trait values there. :class:`Fallback` therefore displays the live
widget view *and* a static ``text/html`` rendering of the widget's current state plus a short,
deterministic ``text/plain`` line: viewers with a kernel show the widget, the others show the
HTML, and nbval compares only the two deterministic parts.

The HTML helpers escape everything they are given: content comes from YAML, learner names
from text boxes, and neither may inject markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from course.markup import esc

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


# Keyword arguments every labelled widget gets: plain-text labels (never HTML from content)
# shown in full rather than cut to ipywidgets' default width.
LABEL = {"description_allow_html": False, "style": {"description_width": "initial"}}


def html_list(items: Iterable[str], css: str = "") -> str:
    """A plain ``<ul>`` of escaped items (empty string for no items)."""
    rows = "".join(f"<li>{esc(i)}</li>" for i in items)
    if not rows:
        return ""
    cls = f' class="{esc(css)}"' if css else ""
    return f"<ul{cls}>{rows}</ul>"


def error_html(message: str) -> str:
    """A message box for bad input: ``role="alert"`` so screen readers announce it.

    Widgets show this instead of a traceback: a learner can act on a sentence, not on a
    stack of frames.
    """
    lines = "<br>".join(esc(line) for line in str(message).splitlines() if line.strip())
    return (
        '<div class="lm-alert" role="alert" style="border:2px solid #D55E00;'
        f'padding:6px 10px;border-radius:4px;margin:4px 0">{lines}</div>'
    )


def notice_html(message: str, *, title: str = "") -> str:
    """A calm information box (``role="status"``): saved paths, gates, 'Done'."""
    head = f"<strong>{esc(title)}</strong> " if title else ""
    return (
        '<div class="lm-notice" role="status" style="border:1px solid #0072B2;'
        f'padding:6px 10px;border-radius:4px;margin:4px 0">{head}{esc(message)}</div>'
    )


def show_error(target: Any, message: str) -> None:
    """Put an error box into an ``HTML`` widget (``target.value``) and make it visible."""
    target.value = error_html(message)
    show(target, True)


def tolerate(message: Any, *controls: Any) -> None:
    """Values set from code that a choice control cannot take become a message, not an error.

    ``builder.goal.value = "nonsense"`` or ``explainer.slider.value = 42`` in a cell would
    raise a TraitError out of ipywidgets. For each selection control (Dropdown,
    RadioButtons, ToggleButtons, SelectMultiple) the check of its value is wrapped, per
    instance: a value it refuses shows one sentence in ``message`` (an ``HTML`` widget) and
    the control keeps its current value, so nothing downstream ever sees it.
    """
    from traitlets import TraitError

    for control in controls:
        original = getattr(control, "_trait_validators", {}).get("value")
        if original is None:
            continue

        def check(obj: Any, proposal: Any, _original: Any = original) -> Any:
            try:
                return _original(obj, proposal)
            except (TraitError, TypeError, ValueError):
                label = obj.description or "This control"
                choices = ", ".join(str(v) for v in getattr(obj, "_options_values", ()))
                show_error(message, f"{label}: {proposal.value!r} is not one of its choices "
                                    f"({choices}); it stays at {obj.value!r}.")
                return obj.value

        control._register_validator(check, ["value"])


def value_error_message(exc: BaseException) -> str | None:
    """The sentence for a value a widget refused (a TraitError from ipywidgets), or None if
    the error is something else."""
    text = str(exc)
    if type(exc).__name__ == "TraitError" and ("'value' trait" in text or "selection" in text):
        return (f"That value cannot be set on this control: {text} Set it in the widget "
                "itself, or to one of its choices.")
    return None


def install_value_messages(shell: Any = None) -> bool:
    """In an IPython kernel, show a one-sentence message instead of a traceback when a cell
    sets a control to a value of the wrong kind (``checkbox.value = None``): those are
    refused by ipywidgets' own type checks, before any course code runs. Other errors keep
    their usual traceback. True if installed."""
    if shell is None:
        import sys

        ipython = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or getattr(shell, "_lm_value_messages", False):
        return False
    from traitlets import TraitError

    def handler(self: Any, etype: Any, value: Any, tb: Any, tb_offset: Any = None) -> Any:
        message = value_error_message(value)
        if message is None:
            return self.showtraceback((etype, value, tb), tb_offset=tb_offset)
        print(message)
        return None

    shell.set_custom_exc((TraitError,), handler)
    shell._lm_value_messages = True
    return True


def show(widget: Any, visible: bool) -> None:
    """Show or hide a widget without removing it (its state survives being hidden)."""
    widget.layout.display = None if visible else "none"


def visible(widget: Any) -> bool:
    return widget.layout.display != "none"


class Fallback:
    """Displays a live widget plus a static ``text/html`` and a short ``text/plain``.

    ``html`` and ``text`` may be strings or zero-argument callables; callables are called at
    display time so the static rendering always matches the widget's current state. Subclass
    it (and set ``self.widget``) or wrap any widget: ``Fallback(box, html=..., text=...)``.
    """

    widget: Any

    def __init__(
        self,
        widget: Any,
        html: str | Callable[[], str] = "",
        text: str | Callable[[], str] = "",
    ):
        self.widget = widget
        self._html = html
        self._text = text
        install_value_messages()  # in a kernel: a refused value is a sentence, not a traceback

    def static_html(self) -> str:
        """The rendering for viewers without a kernel; must be deterministic."""
        return self._html() if callable(self._html) else self._html

    def static_text(self) -> str:
        """One short deterministic line (``text/plain``)."""
        return self._text() if callable(self._text) else self._text

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle: dict[str, Any] = {}
        view = getattr(self.widget, "_repr_mimebundle_", None)
        if callable(view):  # a closed widget has no view left, only the static parts
            bundle.update(view() or {})
        bundle["text/plain"] = self.static_text()
        bundle["text/html"] = self.static_html()
        return bundle


class Static:
    """Static HTML that displays itself (figures, notices): no widget at all."""

    def __init__(self, html: str, text: str):
        self.html = html
        self.text = text

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/plain": self.text, "text/html": self.html}


def chart(fig: Any) -> Static:
    """Render a course figure once (PNG in an ``<img>`` with its alt text) and close it."""
    from course import plots

    alt = plots.alt_text(fig)
    return Static(plots.figure_html(fig, alt), alt)


def leg_map(technique: str | None = None, kept_out: Iterable[str] = (), highlight=()) -> Static:
    """The leg map (front and back views) as a self-displaying image with alt text."""
    from course import plots

    return chart(plots.leg_map(technique, kept_out=kept_out, highlight=highlight))


def evidence_chart(highlight: str | None = None) -> Static:
    """The seven benefits by evidence level, as a self-displaying image with alt text."""
    from course import plots

    return chart(plots.evidence_chart(highlight))
