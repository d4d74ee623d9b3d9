"""The quiz widget: one question at a time, graded in the kernel, every answer recorded.

Why it is built this way:

* Grading happens in Python (:func:`course.quiz.grade`), never in the browser, so the kernel
  sees every answer and the progress database, the review schedule and the instructor's class
  report all agree with what the learner was told.
* One question at a time with Back/Next keeps long scenario texts readable and lets the
  feedback sit right under the answer it explains.
* "Try again" is allowed and counted, for learning: after the feedback the learner may answer
  again and see it right. The score counts each question's first try (:class:`QuizRun`, the
  same rule as the progress record and the safety gate), so retrying after being shown the
  answer cannot turn a failed sitting into a pass. Every attempt is stored.
* The database is opened per answer and its failures are caught: a full disk or a locked file
  shows a sentence in the widget and the quiz goes on. A learner is never shown a traceback.
* Viewers without a kernel get a static copy (questions, options, an answer key folded in a
  ``<details>``), built from the content and the seed only, so it is deterministic.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import ipywidgets as w

from course.models import Kind, Question, content
from course.progress import Progress
from course.quiz import Grade, QuizRun, draw, shuffled
from course.ui.display import Fallback, error_html, esc, show, tolerate
from course.ui.store import DB_ERRORS, problem, take_notice, using

LETTERS = "abcdefghijklmnopqrstuvwxyz"
CHECK, RETRY, NEXT, BACK = "Check answer", "Try again", "Next", "Back"
NO_CHOICE = "Pick an answer first, then press “Check answer”."
FIRST_TRIES = "Retries are for learning: the score counts each question's first try."
NO_CHOICE_MULTIPLE = "Tick at least one option first, then press “Check answer”."


# Kept for callers of the old names: the store is the one way in (course.ui.store).
using_progress = using


class Checks(w.VBox):
    """Checkboxes for a multiple-choice question, with a ``value`` like RadioButtons has
    (a tuple of the ticked option ids), so the quiz treats both kinds the same."""

    def __init__(self, options: Sequence[tuple[str, str]]):
        super().__init__()
        self.boxes = {
            oid: w.Checkbox(
                value=False, description=text, indent=False, layout=w.Layout(width="100%")
            )
            for text, oid in options
        }
        self.children = tuple(self.boxes.values())

    @property
    def value(self) -> tuple[str, ...]:
        return tuple(oid for oid, box in self.boxes.items() if box.value)

    @value.setter
    def value(self, ids: Iterable[str] | str | None) -> None:
        # Set from code, None clears the ticks and one id ticks that option; ids that are
        # not options (or anything else) tick nothing rather than raise.
        if ids is None:
            ids = ()
        elif isinstance(ids, str):
            ids = (ids,)
        try:
            wanted = set(ids)
        except TypeError:
            wanted = set()
        for oid, box in self.boxes.items():
            box.value = oid in wanted

    @property
    def disabled(self) -> bool:
        return all(box.disabled for box in self.boxes.values())

    @disabled.setter
    def disabled(self, flag: bool) -> None:
        for box in self.boxes.values():
            box.disabled = flag


def _choice_widget(question: Question, seed: int | str) -> w.RadioButtons | Checks:
    options = [(o.text, o.id) for o in shuffled(question, seed)]
    if question.kind is Kind.MULTIPLE:
        return Checks(options)
    return w.RadioButtons(
        options=options, value=None, description="", layout=w.Layout(width="100%")
    )


def _picked(choice: w.RadioButtons | Checks) -> tuple[str, ...]:
    value = choice.value
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def citations(question: Question) -> list[str]:
    sources = content().source
    return [sources[s].citation if s in sources else s for s in question.sources]


def question_html(question: Question, number: int, total: int) -> str:
    scenario = f'<p class="lm-scenario"><em>{esc(question.scenario)}</em></p>' * bool(
        question.scenario.strip()
    )
    hint = " <small>(pick all that apply)</small>" * (question.kind is Kind.MULTIPLE)
    return (
        f'<p class="lm-counter">Question {number} of {total}</p>{scenario}'
        f"<p><strong>{esc(question.prompt)}</strong>{hint}</p>"
    )


def feedback_html(question: Question, result: Grade, attempt: int) -> str:
    """What the learner needs after checking: a verdict in words (never colour alone), why
    each pick is right or wrong, the right answers missed, the explanation and the sources."""
    by_id = {o.id: o for o in question.options}
    if result.correct:
        verdict = "Right."
    elif result.score > 0:
        verdict = f"Partly right: {result.score:.2g} of 1 point."
    else:
        verdict = "Not quite."
    rows = "".join(
        f"<li>{'✓ right' if by_id[p].correct else '✗ wrong'}: <em>{esc(by_id[p].text)}</em>"
        + (f" — {esc(result.feedback[p])}" if result.feedback[p] else "")
        + "</li>"
        for p in result.chosen
    )
    missed = "".join(
        f"<li><em>{esc(by_id[m].text)}</em>"
        + (f" — {esc(by_id[m].feedback)}" if by_id[m].feedback else "")
        + "</li>"
        for m in result.missed
    )
    label = "Correct options you did not pick" if question.kind is Kind.MULTIPLE else "Right answer"
    missed_html = f"<p>{label}:</p><ul>{missed}</ul>" if missed else ""
    sources = "; ".join(esc(c) for c in citations(question))
    return (
        f"<p><strong>{verdict}</strong> <small>(attempt {attempt})</small></p><ul>{rows}</ul>"
        f"{missed_html}<p>{esc(result.explanation)}</p>"
        f'<p class="lm-sources"><small>Sources: {sources}</small></p>'
    )


def static_html(title: str, questions: Sequence[Question], seed: int | str) -> str:
    """The quiz for viewers without a kernel: numbered questions, lettered options in the
    widget's order, and an answer key folded away so the reader can try first."""
    items, key = [], []
    for q in questions:
        opts = shuffled(q, seed)
        scenario = f"<p><em>{esc(q.scenario)}</em></p>" if q.scenario.strip() else ""
        hint = " (pick all that apply)" if q.kind is Kind.MULTIPLE else ""
        rows = "".join(f"<li>{esc(o.text)}</li>" for o in opts)
        items.append(
            f'<li class="lm-question">{scenario}<p><strong>{esc(q.prompt)}</strong>{hint}</p>'
            f'<ol type="a">{rows}</ol></li>'
        )
        right = ", ".join(f"({LETTERS[i]}) {esc(o.text)}" for i, o in enumerate(opts) if o.correct)
        key.append(f"<li>{right}. {esc(q.explanation)}</li>")
    return (
        f'<div class="lm-quiz lm-static"><h4>{esc(title)}</h4>'
        "<p><em>Run the notebook to answer interactively and save your score.</em></p>"
        f"<ol>{''.join(items)}</ol>"
        f"<details><summary>Answer key</summary><ol>{''.join(key)}</ol></details></div>"
    )


class QuizWidget(Fallback):
    """A quiz over an explicit list of questions (a drawn quiz, or the review of due ones).

    ``bank`` names the bank of every question (one id, or a question id -> bank id map when
    the questions come from several banks, as in review). ``pass_mark=None`` shows a score
    without pass or fail (review is practice, not a test).
    """

    def __init__(
        self,
        questions: Sequence[Question],
        *,
        bank: str | Mapping[str, str],
        title: str,
        pass_mark: float | None = 0.8,
        seed: int | str = 0,
        progress: Progress | None = None,
        session_prefix: str = "quiz",
    ):
        if not questions:
            raise ValueError("a quiz needs at least one question")
        self.questions = list(questions)
        self.title = title
        self.pass_mark = pass_mark
        self.seed = seed
        self.progress = progress
        self.session = f"{session_prefix}-{uuid.uuid4().hex}"
        self._bank = bank
        self.run = QuizRun(self.questions, pass_mark=pass_mark or 1.0)
        self._retrying: set[str] = set()
        self._choices = {q.id: _choice_widget(q, seed) for q in self.questions}
        self.index = 0
        self._build()
        tolerate(self.status, *self._choices.values())  # .value = "nonsense": a message
        super().__init__(
            self.widget,
            html=lambda: static_html(self.title, self.questions, self.seed),
            text=f"Quiz: {self.title} ({len(self.questions)} questions)",
        )
        self._show()
        self.status.value = take_notice()  # e.g. review() found the record moved aside

    # -- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.heading = w.HTML(f"<h4>{esc(self.title)}</h4>")
        self.question_view = w.HTML()
        self.question_view.add_class("lm-question")
        self.choice_box = w.VBox()
        self.check_button = w.Button(description=CHECK, button_style="primary", icon="check")
        self.check_button.add_class("lm-check")
        self.retry_button = w.Button(description=RETRY, icon="undo")
        self.back_button = w.Button(description=BACK, icon="arrow-left")
        self.next_button = w.Button(description=NEXT, icon="arrow-right")
        self.feedback = w.HTML()
        self.feedback.add_class("lm-feedback")
        self.status = w.HTML()
        self.status.add_class("lm-status")
        self.score_label = w.HTML()
        self.score_label.add_class("lm-score")
        self.check_button.on_click(self.check)
        self.retry_button.on_click(self.retry)
        self.back_button.on_click(self.back)
        self.next_button.on_click(self.next)
        buttons = w.HBox([self.back_button, self.check_button, self.retry_button, self.next_button])
        self.widget = w.VBox(
            [
                self.heading,
                self.question_view,
                self.choice_box,
                buttons,
                self.status,
                self.feedback,
                self.score_label,
            ]
        )
        self.widget.add_class("lm-quiz")

    @property
    def question(self) -> Question:
        return self.questions[self.index]

    @property
    def choice(self) -> w.RadioButtons | Checks:
        """The selection widget of the current question (RadioButtons or :class:`Checks`)."""
        return self._choices[self.question.id]

    def bank_of(self, question_id: str) -> str:
        return self._bank if isinstance(self._bank, str) else self._bank[question_id]

    def _show(self) -> None:
        """Draw the current question from the state; the only place that sets what is seen."""
        q = self.question
        last = self.run.last(q.id)
        locked = last is not None and q.id not in self._retrying
        self.question_view.value = question_html(q, self.index + 1, len(self.questions))
        self.choice_box.children = (self.choice,)
        self.choice.disabled = locked
        self.check_button.disabled = locked
        self.retry_button.disabled = not locked or bool(last and last.correct)
        self.back_button.disabled = self.index == 0
        self.next_button.disabled = self.index == len(self.questions) - 1
        if locked and last is not None:
            self.feedback.value = feedback_html(q, last, self.run.attempts(q.id))
        else:
            self.feedback.value = ""
        show(self.feedback, locked)
        self.score_label.value = self.score_text()

    # -- handlers (each takes the clicked button, as ipywidgets passes it) --------------

    def check(self, _button: Any = None) -> None:
        """Grade the current selection, show the feedback, record the answer."""
        q = self.question
        if self.run.last(q.id) is not None and q.id not in self._retrying:
            return  # already checked: the button is disabled, "Try again" unlocks it
        picked = _picked(self.choice)
        if not picked:
            self.status.value = error_html(
                NO_CHOICE_MULTIPLE if isinstance(self.choice, Checks) else NO_CHOICE
            )
            return
        try:
            result = self.run.answer(q.id, picked)
        except ValueError as exc:  # cannot happen through the widgets; say it, never raise
            self.status.value = error_html(str(exc))
            return
        self._retrying.discard(q.id)
        self.status.value = self._record(q, result)
        self._show()

    def retry(self, _button: Any = None) -> None:
        """Unlock the current question for another attempt, with a clean selection."""
        q = self.question
        if self.run.last(q.id) is None:
            return
        self._retrying.add(q.id)
        self.choice.value = None if isinstance(self.choice, w.RadioButtons) else ()
        self.status.value = ""
        self._show()

    def next(self, _button: Any = None) -> None:
        self._go(self.index + 1)

    def back(self, _button: Any = None) -> None:
        self._go(self.index - 1)

    def _go(self, index: int) -> None:
        if 0 <= index < len(self.questions):
            self.index = index
            self.status.value = ""
            self._show()

    # -- the record and the score -------------------------------------------------------

    def _record(self, q: Question, result: Grade) -> str:
        """Store the answer; return the status to show (empty when all is well)."""
        try:
            with using(self.progress) as progress:
                progress.record_answer(
                    self.bank_of(q.id),
                    q.id,
                    list(result.chosen),
                    result.correct,
                    result.score,
                    session=self.session,
                )
        except DB_ERRORS as exc:
            return error_html(
                problem(exc, "save this answer")
                + " The quiz goes on; this answer is not in your progress record."
            )
        return take_notice()  # a moved-aside record is news once, not on every answer

    def score_text(self) -> str:
        """The running score, or at the end the final one with pass or fail."""
        total = len(self.questions)
        answered = len(self.run.grades)
        if not answered:
            return f"<p>{total} questions. No answer checked yet.</p>"
        s = self.run.score()
        if not self.run.finished:
            pts = f"{s.points:g} point{'s' * (s.points != 1)}"
            line = f"<p>Score so far: {pts} from {answered} of {total} answered.</p>"
        elif self.pass_mark is None:
            line = f"<p><strong>Final score: {s.points:g} of {total} ({s.percent:g}%).</strong></p>"
        else:
            verdict = "passed" if s.passed else "not passed yet"
            line = (
                f"<p><strong>Final score: {s.points:g} of {total} ({s.percent:g}%): {verdict}"
                f"</strong> (pass mark {self.pass_mark:.0%}).</p>"
            )
        if any(self.run.attempts(q.id) > 1 for q in self.questions):
            line += f"<p><small>{esc(FIRST_TRIES)}</small></p>"
        return line


def quiz(
    bank: str,
    about: str | Iterable[str] | None = None,
    n: int | None = None,
    seed: int | str = 0,
    progress: Progress | None = None,
) -> QuizWidget:
    """A quiz on one bank; ``about`` keeps questions on given content ids (a lesson's topics),
    ``n`` draws that many with ``seed`` (without ``n`` the bank's own order is kept)."""
    banks = content().quiz
    if bank not in banks:
        raise ValueError(f"Unknown quiz bank '{bank}': choose one of {', '.join(sorted(banks))}")
    b = banks[bank]
    wanted = {about} if isinstance(about, str) else set(about) if about is not None else None
    if n is None:
        questions = [q for q in b.questions if wanted is None or wanted & set(q.about)]
    else:
        questions = draw(b, n, seed, about=wanted)
    if not questions:
        raise ValueError(
            f"No question in bank '{bank}' is about {', '.join(sorted(wanted or ()))}"
            if wanted
            else f"n must be at least 1, got {n}"
        )
    return QuizWidget(
        questions, bank=bank, title=b.title, pass_mark=b.pass_mark, seed=seed, progress=progress
    )


class LessonQuizzes(Fallback):
    """Several quizzes of one lesson, one under the other (lesson 10's final quizzes), each
    with its own bank, pass mark and sitting."""

    def __init__(self, parts: Sequence[QuizWidget]):
        self.parts = list(parts)
        super().__init__(
            w.VBox([p.widget for p in self.parts]),
            html=lambda: "".join(p.static_html() for p in self.parts),
            text=" · ".join(p.static_text() for p in self.parts),
        )


def lesson_quiz(
    lesson_id: str, bank: str | None = None, progress: Progress | None = None
) -> QuizWidget | LessonQuizzes:
    """The lesson's check for understanding, as declared under ``quizzes`` in lessons.yaml.

    Notebooks call this instead of naming questions, so what a lesson asks lives in the
    content (and the lint can hold it to the lesson order). ``bank`` picks one of several
    quizzes; without it a lesson with several gets them all, one under the other.
    """
    from course.quiz import lesson_questions

    c = content()
    parts = lesson_questions(c, lesson_id)  # ValueError names the lessons for a bad id
    if bank is not None:
        parts = [(lq, qs) for lq, qs in parts if lq.bank == bank]
        if not parts:
            raise ValueError(
                f"Lesson '{lesson_id}' has no quiz on bank '{bank}': it asks from "
                f"{', '.join(c.lesson[lesson_id].banks) or 'no bank'}"
            )
    if not parts:
        raise ValueError(f"Lesson '{lesson_id}' has no quiz")
    widgets = [
        QuizWidget(
            questions,
            bank=lq.bank,
            title=c.quiz[lq.bank].title,
            pass_mark=c.quiz[lq.bank].pass_mark,
            seed=lq.seed,
            progress=progress,
        )
        for lq, questions in parts
    ]
    return widgets[0] if len(widgets) == 1 else LessonQuizzes(widgets)
