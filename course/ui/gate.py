"""One screening before any practice: the gate every practice timer goes through.

The lessons teach "check before you massage". So no timer (the technique timers of lessons
06-08, the saved routine, the builder app) starts on its own: it asks this gate, which

1. reads the learner's stored personal screening and clearance from the progress record;
2. asks the screening (again) first when there is none, when it is older than the policy's
   days, or when the learner ticks "something has changed", and stores the new answers;
3. refuses with the reason when the answers stop massage or hold it for a clinician (and
   then offers to record the clinician's OK, with its date);
4. otherwise hands the answers to ``plan``, which returns the routine to practise or raises
   ``ValueError`` (a technique the answers leave out) with the words to show.

The decisions are made by pure functions (:func:`course.screening.current_answers`,
:func:`course.safety.screen`, ``plan``); this module only wires widgets to them and to the
record.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import ipywidgets as w

from course.progress import Clearance, StoredScreening
from course.routine import Routine
from course.safety import LEG_NAMES, Profile, screen
from course.screening import (
    Answers,
    clearance_cover,
    clearance_freshness,
    current_answers,
    policy,
)
from course.ui.builder import stop_html
from course.ui.display import LABEL, Fallback, error_html, esc, show, visible
from course.ui.store import DB_ERRORS

Plan = Callable[[Profile], Routine]
Checklist = Callable[..., Any]


def _statement(wording: str) -> w.Checkbox:
    """An unticked box the learner ticks to say ``wording`` (from the content, folded to
    one line) is true for them."""
    return w.Checkbox(False, description=" ".join(wording.split()), indent=False,
                      layout=w.Layout(width="auto"), **LABEL)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _progress(now: Callable[[], datetime]) -> Any:
    from course.progress import Progress

    return Progress.open(clock=now)


def _default_checklist(initial: Profile | None, on_done: Callable[[Profile], None]) -> Any:
    from course.ui import screening_checklist

    return screening_checklist(initial, on_done=on_done)


def _box(html: str, css: str) -> str:
    return (
        f'<div class="{css}" role="status" style="border:2px solid #0072B2;'
        f'padding:6px 10px">{html}</div>'
    )


def starting_answers(
    stored: StoredScreening | None, clearance: Clearance | None, today: date
) -> Profile | None:
    """What the checklist starts from when it is asked again: the last answers (the learner
    changes what changed), with the clearance box ticked only while a recorded clearance
    still covers them, so an old OK is never carried forward by pressing the button."""
    if stored is None:
        return None
    try:
        profile = Profile.from_dict(stored.answers)
        held = [f.id for f in screen(profile).holds]
    except ValueError:
        return None
    return replace(profile, cleared=clearance_cover(clearance, held, today).current)


def store_answers(progress: Any, profile: Profile, today: date) -> None:
    """Keep the learner's answers, dated now by the record's clock. A clearance ticked in the
    checklist is recorded (dated ``today``) only when it is a new claim: one already covered
    by a current clearance keeps that clearance's own date, so re-screening never extends
    an OK past the policy's months. ValueError for incomplete answers (nothing is written)."""
    held = [f.id for f in screen(profile).holds]
    progress.save_screening(profile.to_dict())
    if profile.cleared and held:
        if not clearance_cover(progress.latest_clearance(), held, today).current:
            progress.record_clearance(today, policy().clearance_wording, held)


class PracticeGate(Fallback):
    """The screening check in front of one practice timer.

    ``state`` is ``"ask"`` (screening asked first), ``"stop"``, ``"hold"``, ``"refused"``
    (this practice is left out by the answers), ``"error"`` (the record could not be read),
    ``"practice"`` (the timer is shown: ``timer``) or, with no ``plan`` (lesson 05's personal
    screening), ``"screened"`` (what the answers mean is shown). Child widgets are attributes
    so tests can drive them: ``status``, ``changed``, ``asking``, ``refusal``, ``clearance_box``,
    ``cleared_box``, ``cleared_on``, ``record_button``, ``practice``.
    """

    def __init__(
        self,
        plan: Plan | None,
        *,
        title: str = "Guided practice",
        routine_id: int | None = None,
        opener: Callable[[], Any] | None = None,
        now: Callable[[], datetime] = utc_now,
        clock: Callable[[], float] = time.monotonic,
        live: bool | None = None,
        checklist: Checklist = _default_checklist,
        intro: str = "",
    ):
        self.plan = plan
        self.title = title
        self.intro = intro
        self.routine_id = routine_id
        # The record is stamped with the gate's own clock, so "taken at" and the 30 days the
        # gate counts are measured on one clock.
        self._opener = opener or (lambda: _progress(now))
        self._now = now
        self._clock = clock
        self._live = live
        self._checklist = checklist
        self._quiet = False
        rules = policy()
        self.state = ""
        self.answers: Answers | None = None
        self.timer: Any = None
        self.form: Any = None  # the checklist while it is asked

        self.status = w.HTML()
        self.status.add_class("lm-gate-status")
        self.changed = _statement(rules.changed_question)
        self.changed.add_class("lm-gate-changed")
        self.asking = w.VBox()
        self.asking.add_class("lm-gate-ask")
        self.refusal = w.HTML()
        self.refusal.add_class("lm-gate-refusal")
        self.cleared_box = _statement(rules.clearance_wording)
        self.cleared_on = w.DatePicker(description="On (date)", **LABEL)
        self.record_button = w.Button(
            description="Record my clinician's OK",
            icon="check",
            tooltip="Keep the date and the words in your progress record",
        )
        self.clearance_note = w.HTML()
        self.clearance_box = w.VBox(
            [self.cleared_box, self.cleared_on, self.record_button, self.clearance_note]
        )
        self.clearance_box.add_class("lm-gate-clearance")
        self.practice = w.VBox()
        self.practice.add_class("lm-gate-practice")
        self.widget = w.VBox(
            [
                w.HTML(f"<h4>{esc(title)}</h4>{intro}"),
                self.status,
                self.changed,
                self.asking,
                self.refusal,
                self.clearance_box,
                self.practice,
            ]
        )
        self.widget.add_class("lm-practice-gate")
        super().__init__(self.widget, html=self.static_html_now, text=self.summary)
        self.changed.observe(self._on_changed, "value")
        self.record_button.on_click(self.on_record_clearance)
        self.evaluate()

    # -- deciding ---------------------------------------------------------------------------

    def evaluate(self) -> None:
        """Read the record and decide: ask, refuse or show the timer."""
        if self.timer is not None:
            self.timer.stop()
        self.timer = self.form = None
        self.practice.children = self.asking.children = ()
        self.refusal.value = self.clearance_note.value = ""
        show(self.clearance_box, False)
        try:
            with self._opener() as progress:
                stored, clearance = progress.latest_screening(), progress.latest_clearance()
        except DB_ERRORS as exc:
            self._refuse(
                "error",
                f"Your progress record could not be read ({exc}), so your screening cannot be "
                "checked. Practice waits until it can.",
            )
            show(self.changed, False)
            return
        a = self.answers = current_answers(
            stored, clearance, self._now(), changed=self.changed.value
        )
        if a.ask:
            self._ask(a, starting_answers(stored, clearance, self._now().date()))
            return
        assert a.profile is not None
        show(self.changed, True)
        self.status.value = _box(f"<p>{esc(a.reason)}</p>", "lm-gate-box")
        s = screen(a.profile)
        if s.stopped:
            self.state = "stop"
            self.refusal.value = stop_html(s)
            return
        if s.held:
            self._hold(a, s.summary())
            return
        if self.plan is None:  # lesson 05: the screening itself, no timer
            self.state = "screened"
            self.refusal.value = _box(
                "".join(f"<p>{esc(line)}</p>" for line in s.summary().splitlines()),
                "lm-gate-result",
            )
            return
        try:
            routine = self.plan(a.profile)
        except ValueError as exc:  # SafetyStop and SafetyHold are ValueErrors too
            self._refuse("refused", str(exc))
            return
        self.state = "practice"
        from course.ui.timer import PracticeTimer

        self.timer = PracticeTimer(
            routine,
            routine_id=self.routine_id,
            clock=self._clock,
            opener=self._opener,
            live=self._live,
        )
        self.practice.children = (self.timer.widget,)
        if s.held_legs:  # one leg waits: practise the other, and offer to record the OK
            waiting = [f"{LEG_NAMES[x]} waits for a clinician's OK." for x in s.held_legs]
            self._hold(a, "\n".join(waiting), state="practice")

    def _ask(self, a: Answers, initial: Profile | None) -> None:
        self.state = "ask"
        show(self.changed, False)
        if self.plan is None:  # lesson 05: the screening is the point, not a step before it
            lead, then = "Answer the checklist below.", "It is saved with today's date."
        else:
            lead, then = (
                "Take your personal screening first.",
                "Practice starts when you have answered it.",
            )
        self.status.value = _box(
            f"<p><strong>{lead}</strong> {esc(a.reason)} {then}</p>", "lm-gate-box"
        )
        self.form = self._checklist(initial, on_done=self.on_screened)
        self.asking.children = (self.form.widget,)

    def _hold(self, a: Answers, summary: str, *, state: str = "hold") -> None:
        self.state = state
        lines = summary.splitlines()
        body = "".join(f"<p>{esc(line)}</p>" for line in lines)
        if a.clearance:
            body += f"<p>{esc(a.clearance)}</p>"
        self.refusal.value = (
            '<div class="lm-hold-box" role="alert" style="border:3px solid #E69F00;'
            f'padding:8px">{body}<p>When a clinician has said gentle self-massage is fine for '
            "you, tick the box below and give the date they said it.</p></div>"
        )
        self.cleared_box.value = False
        self.cleared_on.value = None
        show(self.clearance_box, True)

    def _refuse(self, state: str, message: str) -> None:
        self.state = state
        self.refusal.value = error_html(message)

    # -- reacting ---------------------------------------------------------------------------

    def _on_changed(self, _change: Any = None) -> None:
        if not self._quiet:
            self.evaluate()

    def on_screened(self, profile: Profile) -> None:
        """The checklist is done: store the answers with today's date, then decide again.

        Incomplete answers (an area problem without "where") are not stored: the learner is
        told what is missing and the checklist stays open with the answers as they are."""
        try:
            screen(profile)
        except ValueError as exc:
            self.status.value = error_html(f"{exc}. Complete your answers, then press the button.")
            return
        try:
            with self._opener() as progress:
                store_answers(progress, profile, self._now().date())
        except DB_ERRORS as exc:
            self.status.value = error_html(f"Your screening could not be saved: {exc}")
            return
        self._quiet = True
        try:
            self.changed.value = False
        finally:
            self._quiet = False
        self.evaluate()

    def on_record_clearance(self, _button: Any = None) -> None:
        """Record "a clinician has said gentle self-massage is fine for me" with its date."""
        a = self.answers
        if a is None or not a.held:
            return
        day = self.cleared_on.value
        if not self.cleared_box.value:
            self.clearance_note.value = error_html("Tick the sentence first, if it is true.")
            return
        if not isinstance(day, date):
            self.clearance_note.value = error_html("Give the date the clinician said it.")
            return
        today = self._now().date()
        if day > today:
            self.clearance_note.value = error_html("That date is in the future.")
            return
        fresh = clearance_freshness(day, today)
        if not fresh.current:
            self.clearance_note.value = error_html(fresh.reason)
            return
        try:
            with self._opener() as progress:
                progress.record_clearance(day, policy().clearance_wording, list(a.held))
        except DB_ERRORS as exc:
            self.clearance_note.value = error_html(f"Could not record it: {exc}")
            return
        self.evaluate()

    def stop(self) -> None:
        """Stop the timer's background ticker (when the gate is replaced)."""
        if self.timer is not None:
            self.timer.stop()

    # -- static renderings --------------------------------------------------------------------

    def summary(self) -> str:
        if self.state == "practice" and self.timer is not None:
            return self.timer.summary()
        if self.state == "ask":
            ask = (
                "answer the checklist"
                if self.plan is None
                else "take your personal screening first"
            )
            return f"{self.title}: {ask}"
        if self.state == "stop":
            return f"{self.title}: STOP, do not massage (see the message)"
        if self.state == "hold":
            return f"{self.title}: waiting for a clinician's OK"
        if self.state == "screened" and self.answers is not None:
            return f"{self.title}: {self.answers.reason}"
        return f"{self.title}: not available (see the message)"

    def static_html_now(self) -> str:
        """What the gate shows now, for viewers without a kernel."""
        parts = [
            f'<div class="lm-gate-static"><h4>{esc(self.title)}</h4>{self.intro}',
            self.status.value,
        ]
        if self.form is not None:
            bundle = self.form._repr_mimebundle_()
            parts.append(bundle.get("text/html", ""))
        if self.refusal.value:
            parts.append(self.refusal.value)
        if self.timer is not None:
            parts.append(self.timer.static_html_now())
        elif visible(self.clearance_box) or self.form is not None:
            parts.append("<p><em>Run the notebook to answer.</em></p>")
        parts.append("</div>")
        return "".join(parts)


def personal_screening(**kw: Any) -> PracticeGate:
    """The personal screening at the end of lesson 05: asked, stored with today's date, and
    shown with what it means; every practice timer of lessons 06-09 then uses it."""
    rules = policy()
    intro = (
        f"<p>Your answers count for {rules.screening_valid_days} days; a clinician's OK for a "
        f'"see a clinician first" answer counts for {rules.clearance_valid_months} months.</p>'
    )
    return PracticeGate(None, title="Your personal screening", intro=intro, **kw)
