"""The instructor guide, generated from the content: nothing in it is typed twice.

Per lesson: timings, objectives, key points, instructor notes, the answer key of the
questions the lesson teaches, and common misconceptions. The misconceptions come from the
class's results files when the instructor has them (the wrong options picked by most
learners), otherwise from the feedback the banks give on each wrong option; the guide says
which. The output has no dates or paths in it, so the committed ``docs/instructor-guide.md``
only changes when the content does.
"""

from __future__ import annotations

from collections.abc import Sequence

from course import markup
from course.instructor.classdata import ClassStats, QuestionStats
from course.models import Content, Lesson, Question, QuizBank
from course.quiz import lesson_questions

TOP_MISCONCEPTIONS = 5


def md(text: str) -> str:
    """Escape Markdown and HTML specials and fold line breaks, so any text stays one item."""
    return markup.md(text.strip())


def assign_questions(content: Content) -> dict[str, list[tuple[QuizBank, Question]]]:
    """Which lesson's answer key holds each question, so no key is printed twice.

    The keys follow what each notebook asks (``ui.lesson_quiz``, declared under ``quizzes``
    in lessons.yaml): a question's key sits with the first lesson, in course order, whose quiz
    asks it. A later quiz that asks it again (a review draw) points back there.
    """
    out: dict[str, list[tuple[QuizBank, Question]]] = {lesson.id: [] for lesson in content.lessons}
    seen: set[str] = set()
    for lesson in content.lessons:
        for lq, questions in lesson_questions(content, lesson.id):
            for q in questions:
                if q.id not in seen:
                    seen.add(q.id)
                    out[lesson.id].append((content.quiz[lq.bank], q))
    return out


def _asked_again(
    content: Content, lesson: Lesson, homes: dict[str, list[tuple[QuizBank, Question]]]
) -> list[str]:
    """Lines for the questions this lesson asks whose keys sit under an earlier lesson."""
    home = {q.id: lid for lid, qs in homes.items() for _, q in qs}
    mine = {q.id for _, q in homes[lesson.id]}
    lines = []
    for lq, questions in lesson_questions(content, lesson.id):
        how = f"draws {lq.draw} (seed {lq.seed})" if lq.draw is not None else "asks"
        again = [q for q in questions if q.id not in mine]
        if again:
            lines.append(
                f"- The {lq.bank} quiz {how}: "
                + ", ".join(f"`{q.id}` (key under `{home[q.id]}`)" for q in again)
                + "."
            )
    return lines


def _answer_key(bank: QuizBank, q: Question) -> list[str]:
    right = [o for o in q.options if o.correct]
    label = "Correct answers" if len(right) > 1 else "Correct answer"
    lines = [f"- **{md(q.prompt)}** (`{bank.id}: {q.id}`, {q.kind.value.replace('_', '/')})"]
    if q.scenario:
        lines.append(f"  - Scenario: {md(q.scenario)}")
    if len(right) == 1:
        lines.append(f"  - {label}: {md(right[0].text)}")
    else:
        lines.append(f"  - {label}:")
        lines += [f"    - {md(o.text)}" for o in right]
    lines.append(f"  - Why: {md(q.explanation)}")
    return lines


def _from_banks(questions: Sequence[tuple[QuizBank, Question]]) -> list[str]:
    lines = []
    for _, q in questions:
        for o in q.options:
            if not o.correct:
                lines.append(f'- "{md(o.text)}" ({md(q.prompt)}): {md(o.feedback)}')
    return lines


def _from_results(
    questions: Sequence[tuple[QuizBank, Question]], stats: dict[tuple[str, str], QuestionStats]
) -> list[str]:
    picks = []
    for bank, q in questions:
        s = stats[(bank.id, q.id)]
        for option_id, learners in s.wrong.items():
            picks.append((learners, bank.id, q.id, option_id, s))
    picks.sort(key=lambda p: (-p[0], p[1], p[2], p[3]))
    lines = []
    for learners, _, _, option_id, s in picks[:TOP_MISCONCEPTIONS]:
        option = next(o for o in s.question.options if o.id == option_id)
        lines.append(
            f'- "{md(option.text)}", chosen by {learners} of {s.learners} learner(s) '
            f"({md(s.question.prompt)}): {md(option.feedback)}"
        )
    return lines or ["- No wrong answers to this lesson's questions in the results."]


def _lesson(
    content: Content,
    lesson: Lesson,
    stats: dict[tuple[str, str], QuestionStats] | None,
    homes: dict[str, list[tuple[QuizBank, Question]]],
) -> list[str]:
    questions = homes[lesson.id]
    quiz = f", {lesson.quiz_minutes} min quiz" if lesson.quiz_minutes else ""
    out = [
        f"## `{lesson.id}`: {md(lesson.title)}",
        "",
        f"Timing: {lesson.teaching_minutes} min teaching, {lesson.practice_minutes} min "
        f"practice{quiz} ({lesson.minutes} min).",
        "",
        "### Objectives",
        "",
        *[f"- {md(x)}" for x in lesson.objectives],
        "",
        "### Key points",
        "",
        *[f"- {md(x)}" for x in lesson.key_points],
        "",
        "### Instructor notes",
        "",
        *([f"- {md(x)}" for x in lesson.instructor_notes] or ["- None for this lesson."]),
        "",
        "### Answer key",
        "",
    ]
    if any(lq.gate for lq in lesson.quizzes):
        out += ["Passing this lesson's safety quiz opens the routine builder.", ""]
    for bank, q in questions:
        out += _answer_key(bank, q)
    again = _asked_again(content, lesson, homes)
    if again:
        out += (["", "Also asked again here:", ""] if questions else []) + again
    if not lesson.quizzes:
        out.append("No quiz in this lesson.")
    if questions:
        out += ["", "### Common misconceptions", ""]
        out += _from_results(questions, stats) if stats is not None else _from_banks(questions)
    out.append("")
    return out


def render_guide(content: Content, stats: ClassStats | None = None, learners: int = 0) -> str:
    """The guide as Markdown. With ``stats`` (from results files), misconceptions are the
    wrong options most learners picked; without, the banks' feedback on every wrong option."""
    homes = assign_questions(content)
    by_key = {(s.bank.id, s.question.id): s for s in stats.questions} if stats else None
    teaching = sum(lesson.teaching_minutes for lesson in content.lessons)
    practice = sum(lesson.practice_minutes for lesson in content.lessons)
    quizzes = sum(lesson.quiz_minutes for lesson in content.lessons)
    source = (
        f"from the results files of {learners} learner(s): the wrong options picked by the "
        f"most learners, up to {TOP_MISCONCEPTIONS} per lesson"
        if stats is not None
        else "from the question banks: the feedback written for each wrong option (no class "
        "results were given; run `python -m course guide --results DIR` to rank them by what "
        "your learners actually chose)"
    )
    out = [
        "# Instructor guide",
        "",
        "Generated by `python -m course guide` from the course content "
        "(`course/content/`). Do not edit by hand: edit the content and generate again.",
        "",
        f"The course has {len(content.lessons)} lessons: {teaching} min of teaching, "
        f"{practice} min of practice and {quizzes} min of quizzes, "
        f"{teaching + practice + quizzes} min in all before breaks. "
        "`python -m course agenda --minutes N` fits them into a shorter workshop, safety first.",
        "",
        f"Common misconceptions are taken {source}.",
        "",
        "Pass marks: "
        + ", ".join(f"{b.id} {round(100 * b.pass_mark)}%" for b in content.quizzes)
        + ". The routine builder opens only after lesson 05's safety quiz is passed.",
        "",
        "| Lesson | Teaching | Practice | Quiz |",
        "|---|---:|---:|---:|",
        *[
            f"| `{lesson.id}`: {md(lesson.title)} | {lesson.teaching_minutes} | "
            f"{lesson.practice_minutes} | {lesson.quiz_minutes} |"
            for lesson in content.lessons
        ],
        "",
    ]
    for lesson in content.lessons:
        out += _lesson(content, lesson, by_key, homes)
    return "\n".join(out).rstrip("\n") + "\n"
