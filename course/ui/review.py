"""Review mode: the questions the Leitner schedule says are due, asked with the quiz widget.

Spaced review is what makes the safety facts stick weeks after the workshop, so it reuses the
quiz's exact question view (same feedback, same sources) instead of a second, simpler one.
Answers go through :meth:`Progress.record_answer`, which moves each question between the
boxes; review sittings are stored under ``review-...`` session ids so the dashboard can tell
them from real quiz sittings. Review is practice: it shows a score but no pass or fail.
"""

from __future__ import annotations

import html
import re
from datetime import date

from course.models import Question, content
from course.progress import Progress
from course.ui.display import Static, error_html, notice_html
from course.ui.quiz import QuizWidget
from course.ui.store import DB_ERRORS, problem, take_notice, using

NOTHING_YET = (
    "Nothing to review yet. Every quiz question you answer comes back here: a wrong answer "
    "the next day, a right one after 2, 4, 8 and then 16 days."
)


def _long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def review(
    today: date | None = None, progress: Progress | None = None, seed: int | str = 0
) -> QuizWidget | Static:
    """The questions due on ``today`` (default: the computer's date), oldest first; or a
    note saying nothing is due and when the next review is."""
    day = date.today() if today is None else today
    try:
        with using(progress) as p:
            due = p.due_questions(day)
            states = p.review_states()
    except DB_ERRORS as exc:
        message = problem(exc, "read your progress record, so there is nothing to review")
        return Static(error_html(message), "Review: the progress record could not be read.")
    banks = {q.id: (b.id, q) for b in content().quizzes for q in b.questions}
    # Ids the course no longer has (a question removed from a bank) are skipped, not errors.
    questions: list[Question] = [banks[i][1] for i in dict.fromkeys(due) if i in banks]
    if questions:
        n = len(questions)
        return QuizWidget(
            questions,
            bank={q.id: banks[q.id][0] for q in questions},
            title=f"Review: {n} question{'s' * (n != 1)} due today",
            pass_mark=None,
            seed=seed,
            progress=progress,
            session_prefix="review",
        )
    upcoming = sorted(s.due for s in states if s.due > day and s.question_id in banks)
    notice = take_notice()  # a record moved aside on opening: say so before "nothing due"
    if not upcoming:
        return Static(notice + notice_html(NOTHING_YET), _text(notice, NOTHING_YET))
    first = upcoming[0]
    count = upcoming.count(first)
    message = (
        f"Nothing is due for review today. The next review is on {_long_date(first)} "
        f"({count} question{'s' * (count != 1)})."
    )
    return Static(notice + notice_html(message), _text(notice, message))


def _text(notice: str, message: str) -> str:
    """The plain-text form: the warning (if any) first, as the HTML shows it."""
    return f"{html.unescape(re.sub(r'<[^>]+>', ' ', notice)).strip()}\n{message}".strip()
