"""The learner's dashboard: lessons done, quiz scores over time, the safety pass, what is due,
saved routines, practice time, and an "Export my results" button for the instructor.

Why it is built this way:

* It only reads the progress record (one short read at display time) and writes only when the
  export button is pressed, so opening the dashboard can never damage a learner's record.
* The score plot and the best scores count *quiz* sittings only. Review rounds are stored
  under ``review-...`` sessions and are left out: three re-asked questions answered right
  would otherwise show as a 100% "quiz" and flatter the learner.
* Whether the safety quiz is passed comes from :meth:`Progress.passed` with the bank's
  question ids, i.e. from :func:`course.quiz.passed`, the rule the builder's gate and the
  class report use too: only a sitting that answered every question counts, so a short
  lesson quiz or a review round of two lucky answers can never show the safety quiz as passed.
* For an empty record the static view holds no dates, times or random ids, so a stored,
  executed notebook compares equal under ``pytest --nbval``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import ipywidgets as w

from course import plots
from course.models import content
from course.progress import Attempt, Progress, data_dir
from course.quiz import gate_quiz, sittings
from course.ui.display import Fallback, error_html, esc, notice_html
from course.ui.store import DB_ERRORS, problem, take_notice, using

REVIEW_PREFIX = "review-"
EXPORT_BUTTON = "Export my results"


@dataclass(frozen=True)
class Sitting:
    when: datetime
    bank: str
    percent: float
    questions: int


def quiz_sittings(attempts: Sequence[Attempt]) -> list[Sitting]:
    """Quiz sittings per bank, oldest first, grouped and scored by :func:`course.quiz.sittings`
    (a question's first answer in a sitting counts), without review rounds."""
    by_bank: dict[str, list[Attempt]] = {}
    for a in attempts:
        if not a.session.startswith(REVIEW_PREFIX):
            by_bank.setdefault(a.bank, []).append(a)
    out = [
        Sitting(s.when, bank, s.percent, s.questions)
        for bank, answers in by_bank.items()
        for s in sittings(answers)
    ]
    return sorted(out, key=lambda s: (s.when, s.bank))


@dataclass(frozen=True)
class Snapshot:
    """Everything the dashboard shows, read from the record in one go."""

    lessons_done: frozenset[str]
    sittings: list[Sitting]
    safety_passed: bool
    due: Counter[str]
    next_due: date | None
    routines: list[str] = field(default_factory=list)
    practice_seconds: int = 0
    practice_sessions: int = 0

    @classmethod
    def read(cls, p: Progress, today: date) -> Snapshot:
        c = content()
        bank_of = {q.id: b.id for b in c.quizzes for q in b.questions}
        # The builder's own rule (the gate quiz, one sitting), so the two never disagree.
        _, gate, asked = gate_quiz(c)
        states = [s for s in p.review_states() if s.question_id in bank_of]
        practice = p.practice_sessions()
        return cls(
            lessons_done=frozenset(p.completed_lessons()),
            sittings=quiz_sittings(p.attempts()),
            safety_passed=p.passed(
                gate.bank, c.quiz[gate.bank].pass_mark, questions=[q.id for q in asked]
            ),
            due=Counter(bank_of[s.question_id] for s in states if s.due <= today),
            next_due=min((s.due for s in states if s.due > today), default=None),
            routines=[r.name for r in p.routines()],
            practice_seconds=sum(s.seconds for s in practice),
            practice_sessions=len(practice),
        )


def _lessons_html(done: frozenset[str]) -> str:
    lessons = content().lessons
    n = sum(1 for lesson in lessons if lesson.id in done)
    rows = "".join(
        f"<li>{'✓ done' if lesson.id in done else '○ not yet'}: {esc(lesson.title)}</li>"
        for lesson in lessons
    )
    head = f"<p><strong>{n} of {len(lessons)} lessons done</strong></p>"
    return f"<h4>Lessons</h4>{head}<ul>{rows}</ul>"


def _scores_html(s: Snapshot) -> str:
    c = content()
    lesson, gate, asked = gate_quiz(c)
    verdict = "passed" if s.safety_passed else "not passed yet"
    rows = []
    for bank in c.quizzes:
        mine = [x for x in s.sittings if x.bank == bank.id]
        best = max(mine, key=lambda x: (x.percent, x.questions), default=None)
        score = "not taken yet"
        if best:
            score = f"{best.percent:.0f}% ({best.questions} question{'s' * (best.questions != 1)})"
        rows.append(
            f'<tr><th scope="row">{esc(bank.title)}</th><td>{score}</td><td>{len(mine)}</td></tr>'
        )
    return (
        f"<h4>Quizzes</h4><p><strong>Safety quiz: {verdict}</strong> (it takes "
        f"{c.quiz[gate.bank].pass_mark:.0%} on all {len(asked)} questions of lesson "
        f"{esc(lesson.number)}'s quiz in one sitting).</p>"
        '<table><thead><tr><th scope="col">Quiz</th><th scope="col">Best score</th>'
        f'<th scope="col">Sittings</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _plot_html(s: Snapshot) -> str:
    if not s.sittings:
        return "<p>No quiz taken yet, so there is no score history to plot.</p>"
    rows = [(x.when, x.bank, x.percent) for x in s.sittings]
    c = content()
    return plots.figure_html(plots.score_history(rows, c.quiz[gate_quiz(c)[1].bank].pass_mark))


def _due_html(s: Snapshot) -> str:
    n = sum(s.due.values())
    if n:
        banks = ", ".join(f"{b} {k}" for b, k in sorted(s.due.items()))
        text = f"{n} question{'s' * (n != 1)} due for review today ({banks}): run review()."
    else:
        text = "Nothing is due for review today."
        if s.next_due is not None:
            text += f" Next review: {s.next_due.isoformat()}."
    return f"<h4>Review</h4><p>{esc(text)}</p>"


def _practice_html(s: Snapshot) -> str:
    names = f": {', '.join(s.routines)}" if s.routines else ""
    minutes = round(s.practice_seconds / 60)
    return (
        f"<h4>Practice</h4><p>{len(s.routines)} saved routine{'s' * (len(s.routines) != 1)}"
        f"{esc(names)}. {minutes} minute{'s' * (minutes != 1)} of practice in "
        f"{s.practice_sessions} session{'s' * (s.practice_sessions != 1)}.</p>"
    )


def summary_html(s: Snapshot) -> str:
    parts = (
        _lessons_html(s.lessons_done),
        _scores_html(s),
        _plot_html(s),
        _due_html(s),
        _practice_html(s),
    )
    return '<div class="lm-dashboard">' + "".join(parts) + "</div>"


class Dashboard(Fallback):
    """The live view (summary, export button, status) with the summary as static fallback."""

    def __init__(self, progress: Progress | None = None, today: date | None = None):
        self.progress = progress
        self.today = date.today() if today is None else today
        self.snapshot: Snapshot | None = None
        try:
            with using(progress) as p:
                self.snapshot = Snapshot.read(p, self.today)
            warning = take_notice()
        except DB_ERRORS as exc:
            warning = ""
            self.html = error_html(problem(exc, "read your progress record"))
            self.text = "Dashboard: the progress record could not be read."
        else:
            self.html = summary_html(self.snapshot)
            if warning:
                self.html = warning + self.html
            n = len(self.snapshot.lessons_done & set(content().lesson))
            self.text = f"Dashboard: {n} of {len(content().lessons)} lessons done."
        self.summary = w.HTML(self.html)
        self.export_button = w.Button(description=EXPORT_BUTTON, icon="download")
        self.export_button.add_class("lm-export")
        self.export_button.on_click(self.export)
        self.status = w.HTML()
        self.status.add_class("lm-status")
        box = w.VBox([self.summary, w.HBox([self.export_button]), self.status])
        box.add_class("lm-dashboard-widget")
        super().__init__(box, html=self.html, text=self.text)

    def export_path(self, learner: str, moment: datetime | None = None) -> Path:
        """``results-<learner>-<UTC time to the microsecond>.json`` beside the record: learners
        who share a folder (or one learner exporting twice) never overwrite each other's
        file, and the instructor sees whose file it is."""
        folder = self.progress.path.parent if self.progress is not None else data_dir()
        when = (moment or datetime.now(UTC)).astimezone(UTC)
        who = re.sub(r"[^A-Za-z0-9_-]+", "-", learner).strip("-")[:40] or "learner"
        return folder / f"results-{who}-{when.strftime('%Y%m%dT%H%M%S%fZ')}.json"

    def export(self, _button: Any = None) -> Path | None:
        """Write the results file; show (and return) its path, or show why it failed."""
        try:
            with using(self.progress) as p:
                path = p.export(self.export_path(p.learner_id))
        except DB_ERRORS as exc:
            self.status.value = error_html(problem(exc, "export your results"))
            return None
        self.status.value = notice_html(
            f"Saved to {path}. Send this file to your instructor if they asked for it.",
            title="Exported.",
        )
        return path


def dashboard(progress: Progress | None = None, today: date | None = None) -> Dashboard:
    """The learner's dashboard (``today`` defaults to the computer's date)."""
    return Dashboard(progress, today)
