"""Workshop agenda: fit the lessons into the time an instructor has, safety first.

:func:`plan_agenda` is pure (lessons and numbers in, an :class:`Agenda` out) so every rule
can be pinned down by tests; :func:`render_markdown` and :func:`render_html` only format it.

How a short workshop is cut, in this order, because a learner can catch up on a notebook at
home but not on a safety discussion they never had:

1. The welcome, the safety lesson (with its practice and its quiz, which gates the routine
   builder) and the routine builder's teaching are always kept. A lesson's quiz minutes count
   as practice: they stay in the room or go home together.
2. Optional lessons' practice becomes homework first, the lowest priority first.
3. Then whole optional lessons become homework, the lowest priority first.
4. The builder's own practice is the last thing to go.

The time is filled greedily in priority order, so a short lesson of lower priority can still
fill a gap a longer one leaves. Breaks are counted in the budget; if even the required lessons
cannot fit, :class:`AgendaError` names the minimum.

Which lessons are required, which keep their practice and the optional lessons' priority are
fields of lessons.yaml (``required``, ``keep_practice``, ``priority``), not Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from course.markup import esc
from course.models import Lesson
from course.page import html_page


def required_lessons(lessons: Sequence[Lesson]) -> tuple[str, ...]:
    """The lessons always taught (``required: true`` in lessons.yaml), in course order: the
    welcome, the safety lesson and the routine builder's teaching."""
    return tuple(x.id for x in lessons if x.required)


def kept_practice(lessons: Sequence[Lesson]) -> tuple[str, ...]:
    """Lessons whose practice never becomes homework (``keep_practice: true``): the safety
    quiz is discussed in the room, and the builder only opens once it is passed."""
    return tuple(x.id for x in lessons if x.keep_practice)


def priority_order(lessons: Sequence[Lesson]) -> tuple[str, ...]:
    """Optional lessons with a ``priority`` in lessons.yaml, most important first. The
    hands-on techniques are what the builder assembles; the evidence lessons read well at
    home. Lessons without a priority come after these, in course order."""
    ranked = sorted((x for x in lessons if x.priority is not None), key=lambda x: x.priority)
    return tuple(x.id for x in ranked)


class AgendaError(ValueError):
    """The time is too short even for the required lessons; ``minimum`` is what they need."""

    def __init__(self, message: str, minimum: int):
        super().__init__(message)
        self.minimum = minimum


@dataclass(frozen=True)
class Item:
    """One row of the agenda: a lesson (``lesson_id`` set) or a break (``lesson_id`` None).

    ``start`` is in minutes from the start of the workshop.
    """

    start: int
    minutes: int
    title: str
    lesson_id: str | None = None
    teaching: int = 0
    practice: int = 0
    homework_practice: int = 0
    activity: str = "practice"

    @property
    def is_break(self) -> bool:
        return self.lesson_id is None

    @property
    def end(self) -> int:
        return self.start + self.minutes


@dataclass(frozen=True)
class Homework:
    """Something not done in the room: a whole lesson, or only its practice."""

    lesson_id: str
    title: str
    minutes: int
    whole_lesson: bool
    activity: str = "practice"


@dataclass(frozen=True)
class Agenda:
    budget: int
    start: str
    items: tuple[Item, ...]
    homework: tuple[Homework, ...] = field(default_factory=tuple)

    @property
    def total(self) -> int:
        return self.items[-1].end if self.items else 0

    @property
    def lessons(self) -> list[Item]:
        return [i for i in self.items if not i.is_break]

    @property
    def breaks(self) -> list[Item]:
        return [i for i in self.items if i.is_break]

    @property
    def dropped(self) -> list[Homework]:
        return [h for h in self.homework if h.whole_lesson]

    @property
    def practice_homework(self) -> list[Homework]:
        return [h for h in self.homework if not h.whole_lesson]

    @property
    def complete(self) -> bool:
        return not self.homework


def parse_clock(text: str) -> int:
    """``"09:00"`` -> 540 (minutes after midnight); ValueError names the bad value."""
    hours, sep, minutes = text.strip().partition(":")
    if sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2:
        h, m = int(hours), int(minutes)
        if 0 <= h < 24 and 0 <= m < 60:
            return 60 * h + m
    raise ValueError(f"start time {text!r} is not a clock time like 09:00")


def clock(start: str, offset: int) -> str:
    """The clock time ``offset`` minutes after ``start`` (wrapping past midnight)."""
    total = (parse_clock(start) + offset) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"


def practice_of(lesson: Lesson) -> int:
    """A lesson's hands-on practice and its quiz together: both are done in the room or both
    become homework (the safety lesson's quiz, the builder's gate, is never homework)."""
    return lesson.practice_minutes + lesson.quiz_minutes


def activity_of(lesson: Lesson) -> str:
    """What a lesson's :func:`practice_of` minutes are, in the instructor's words: a lesson
    with only a quiz must not be announced as hands-on practice (nor the reverse)."""
    if lesson.practice_minutes and lesson.quiz_minutes:
        return "practice and quiz"
    return "quiz" if lesson.quiz_minutes else "practice"


def _schedule(blocks: Sequence[tuple[Lesson, int]], every: int, pause: int) -> list[Item]:
    """Lay out (lesson, practice minutes kept) blocks with breaks between lessons.

    A break follows a stretch of at least ``every`` minutes, or comes early (after at least
    half of ``every``) when the next lesson would stretch the session past ``every * 1.25``:
    lessons are never split, so "every 60" means roughly every 60 to 75 minutes. A break is
    never first, never last and never next to another break.
    """
    items: list[Item] = []
    t = since = 0
    longest = every + every // 4
    for lesson, practice in blocks:
        minutes = lesson.teaching_minutes + practice
        early = since >= every / 2 and since + minutes > longest
        if items and pause > 0 and every > 0 and (since >= every or early):
            items.append(Item(t, pause, "Break"))
            t, since = t + pause, 0
        items.append(
            Item(
                t,
                minutes,
                lesson.title,
                lesson.id,
                lesson.teaching_minutes,
                practice,
                practice_of(lesson) - practice,
                activity_of(lesson),
            )
        )
        t += minutes
        since += minutes
    return items


def plan_agenda(
    lessons: Sequence[Lesson],
    minutes: int,
    *,
    start: str = "09:00",
    break_every: int = 60,
    break_minutes: int = 10,
    required: Sequence[str] | None = None,
    keep_practice: Sequence[str] | None = None,
    priority: Sequence[str] | None = None,
) -> Agenda:
    """The best agenda of ``lessons`` (in their order) that fits in ``minutes``, breaks included.

    ``required``, ``keep_practice`` and ``priority`` default to what lessons.yaml declares
    (:func:`required_lessons`, :func:`kept_practice`, :func:`priority_order`).
    Raises :class:`AgendaError` when even the required lessons do not fit, and ValueError
    for nonsense input (negative numbers, a bad start time, an unknown required lesson).
    """
    required = required_lessons(lessons) if required is None else required
    _check_input(lessons, minutes, start, break_every, break_minutes, required)
    keep = kept_practice(lessons) if keep_practice is None else keep_practice
    priority = priority_order(lessons) if priority is None else priority

    def layout(teach: set[str], practice: set[str]) -> list[Item]:
        blocks = [(x, practice_of(x) if x.id in practice else 0) for x in lessons if x.id in teach]
        return _schedule(blocks, break_every, break_minutes)

    teach, practice = set(required), {r for r in required if r in keep}
    items = layout(teach, practice)
    _check_core_fits(items, minutes, required)
    # Time is given out in the reverse of the order things are cut (see the module docstring):
    # the builder's practice, then optional lessons, then their practice, best first.
    optional = _ranked_optional(lessons, required, priority)
    steps = (
        [("practice", r) for r in required if r not in keep]
        + [("teach", o) for o in optional]
        + [("practice", o) for o in optional]
    )
    practice_minutes = {x.id: practice_of(x) for x in lessons}
    for kind, lid in steps:
        if kind == "practice" and (lid not in teach or practice_minutes[lid] == 0):
            continue
        trial_teach = teach | {lid} if kind == "teach" else teach
        trial_practice = practice | {lid} if kind == "practice" else practice
        trial = layout(trial_teach, trial_practice)
        if trial[-1].end <= minutes:
            teach, practice, items = trial_teach, trial_practice, trial
    return Agenda(minutes, start, tuple(items), _homework(lessons, teach, practice))


def _check_input(
    lessons: Sequence[Lesson], minutes: int, start: str, break_every: int, break_minutes: int,
    required: Sequence[str],
) -> None:
    """ValueError for numbers that are not whole minutes, a bad clock time or a required
    lesson the course does not have."""
    for name, value in (
        ("minutes", minutes),
        ("break_every", break_every),
        ("break_minutes", break_minutes),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number of minutes, 0 or more, got {value!r}")
    parse_clock(start)
    known = {lesson.id for lesson in lessons}
    missing = [r for r in required if r not in known]
    if missing:
        raise ValueError(f"required lesson(s) not in the course: {', '.join(missing)}")


def _check_core_fits(items: list[Item], minutes: int, required: Sequence[str]) -> None:
    """:class:`AgendaError` with the minimum when the required lessons alone overrun."""
    need = items[-1].end if items else 0
    if need > minutes:
        raise AgendaError(
            f"{minutes} minutes is too short: the required lessons ({', '.join(required)}) need "
            f"at least {need} minutes. Plan for {need} minutes or more.",
            need,
        )


def _ranked_optional(
    lessons: Sequence[Lesson], required: Sequence[str], priority: Sequence[str]
) -> list[str]:
    """The optional lessons in the order they get time: ``priority`` first, then course order."""
    rank = {lid: n for n, lid in enumerate(priority)}
    order = [x.id for x in lessons]
    return sorted(
        (lid for lid in order if lid not in required),
        key=lambda lid: (rank.get(lid, len(rank)), order.index(lid)),
    )


def _homework(
    lessons: Sequence[Lesson], teach: set[str], practice: set[str]
) -> tuple[Homework, ...]:
    """What goes home: whole lessons not taught, and the practice of lessons taught without it."""
    out = []
    for lesson in lessons:
        if lesson.id not in teach:
            out.append(Homework(lesson.id, lesson.title, lesson.minutes, True))
        elif lesson.id not in practice and practice_of(lesson):
            out.append(
                Homework(lesson.id, lesson.title, practice_of(lesson), False, activity_of(lesson))
            )
    return tuple(out)


# --- rendering ---------------------------------------------------------------------------


def _what(item: Item) -> str:
    if item.is_break:
        return "break"
    parts = [f"{item.teaching} min teaching"]
    if item.practice:
        parts.append(f"{item.practice} min {item.activity}")
    if item.homework_practice:
        parts.append(f"{item.activity} ({item.homework_practice} min) as homework")
    return ", ".join(parts)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _summary(agenda: Agenda) -> list[str]:
    spare = agenda.budget - agenda.total
    lines = [
        f"{agenda.total} of {agenda.budget} minutes planned ({spare} spare), "
        f"{_count(len(agenda.lessons), 'lesson')}, {_count(len(agenda.breaks), 'break')}."
    ]
    if agenda.complete:
        lines.append("Every lesson fits, with its practice.")
    return lines


def _homework_groups(agenda: Agenda) -> list[tuple[str, list[str]]]:
    """(heading, lines) pairs: practice that moves home first, then whole lessons."""
    out = []
    if agenda.practice_homework:
        out.append(
            (
                "Practice and quiz minutes become homework (done at home with the notebook):",
                [
                    f"{h.lesson_id} ({h.title}): {h.minutes} min {h.activity}"
                    for h in agenda.practice_homework
                ],
            )
        )
    if agenda.dropped:
        out.append(
            (
                "Lessons to drop or assign as homework:",
                [f"{h.lesson_id} ({h.title}): {h.minutes} min" for h in agenda.dropped],
            )
        )
    return out


def render_markdown(agenda: Agenda) -> str:
    """The agenda as a Markdown table, then the homework."""
    rows = [
        f"# Workshop agenda: {agenda.budget} minutes from {agenda.start}",
        "",
        *_summary(agenda),
        "",
        "| Time | Min | Lesson | What |",
        "|---|---:|---|---|",
    ]
    for item in agenda.items:
        when = f"{clock(agenda.start, item.start)}–{clock(agenda.start, item.end)}"
        name = "*Break*" if item.is_break else f"{item.title} (`{item.lesson_id}`)"
        rows.append(f"| {when} | {item.minutes} | {name} | {_what(item)} |")
    if agenda.practice_homework or agenda.dropped:
        rows += ["", "## Homework"]
        for heading, group in _homework_groups(agenda):
            rows += ["", heading, ""] + [f"- {line}" for line in group]
    return "\n".join(rows) + "\n"


def render_html(agenda: Agenda) -> str:
    """The agenda as a standalone HTML page; every text is escaped."""
    title = f"Workshop agenda: {agenda.budget} minutes from {agenda.start}"
    body = [f"<h1>{esc(title)}</h1>"] + [f"<p>{esc(line)}</p>" for line in _summary(agenda)]
    body.append("<table>")
    body.append(
        '<thead><tr><th scope="col">Time</th><th scope="col">Minutes</th>'
        '<th scope="col">Lesson</th><th scope="col">What</th></tr></thead><tbody>'
    )
    for item in agenda.items:
        when = f"{clock(agenda.start, item.start)}–{clock(agenda.start, item.end)}"
        name = "Break" if item.is_break else f"{item.title} ({item.lesson_id})"
        cls = ' class="break"' if item.is_break else ""
        body.append(
            f"<tr{cls}><td>{esc(when)}</td><td>{item.minutes}</td><td>{esc(name)}</td>"
            f"<td>{esc(_what(item))}</td></tr>"
        )
    body.append("</tbody></table>")
    groups = _homework_groups(agenda)
    if groups:
        body.append("<h2>Homework</h2>")
        for heading, lines in groups:
            body.append(f"<p>{esc(heading)}</p>")
            body.append("<ul>" + "".join(f"<li>{esc(line)}</li>" for line in lines) + "</ul>")
    return html_page(title, "\n".join(body), css="tr.break{background:#eee}")
