"""Reading a class's results files, which are untrusted, and counting what they say.

Learners send their :meth:`course.progress.Progress.export` files by mail or a shared drive,
so a folder of them can hold anything: a huge file, a renamed photo, a hand-edited file, a
symlink, markup in a name. Every file goes through :func:`read_results`: it is checked for
what it *is* (a regular file inside the folder, under the size limit) before it is opened,
validated by :func:`course.progress.import_results`, and then checked for text that has no
business in a results file. A bad file is skipped with a reason; nothing in a file is ever
executed or used to build a path.

The counting here is shared by the class report and the instructor guide, so both say the
same thing about which wrong answers are popular.
"""

from __future__ import annotations

import os
import re
import stat
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from course.models import Content, Question, QuizBank
from course.progress import MAX_IMPORT_BYTES, AttemptOut, Results, import_results

# Characters that turn a name into a path or into markup. Learner names and session labels
# are identifiers; they never need them, and a file that carries them was crafted or broken.
_PATH_LIKE = re.compile(r"[/\\]|\.\.|^~")
_MARKUP = re.compile(r"[<>]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Skipped:
    """A file that was not read: its name (within the folder) and why."""

    name: str
    reason: str

    def __str__(self) -> str:
        return f"skipped {self.name}: {self.reason}"


@dataclass(frozen=True)
class Learner:
    file: str
    results: Results

    @property
    def name(self) -> str:
        return self.results.learner


@dataclass
class ClassResults:
    learners: list[Learner] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _reason(path: Path, message: str) -> str:
    """import_results starts its messages with the path; the report names the file itself."""
    prefix = f"{path}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def _text_problems(results: Results) -> list[str]:
    """Text a valid-looking file should never hold. The report escapes everything anyway;
    refusing the file as well tells the instructor that someone tampered with it."""
    out = []

    def check(where: str, value: str, *, identifier: bool) -> None:
        if _CONTROL.search(value):
            out.append(f"{where} holds control characters")
        elif _MARKUP.search(value):
            out.append(f"{where} holds HTML markup (< or >)")
        elif identifier and _PATH_LIKE.search(value):
            out.append(f"{where} looks like a file path ({value[:40]!r})")

    check("learner", results.learner, identifier=True)
    for n, a in enumerate(results.attempts):
        check(f"attempts[{n}].session", a.session, identifier=True)
    for n, r in enumerate(results.routines):
        check(f"routines[{n}].name", r.name, identifier=False)
    for n, p in enumerate(results.practice):
        if p.routine is not None:
            check(f"practice[{n}].routine", p.routine, identifier=False)
    return out


def read_results(path: Path, folder: Path) -> Results:
    """Read one results file from ``folder``; ValueError says what is wrong with it.

    The checks on what the path is come first, because opening a FIFO would block and a
    symlink could lead anywhere on the instructor's disk.
    """
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            target = path.resolve()
            if not target.is_relative_to(folder.resolve()):
                raise ValueError("is a symlink pointing outside the folder; not followed")
            info = path.stat()
    except OSError as exc:
        raise ValueError(f"cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ValueError("is a directory, not a results file")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("is not a regular file (a device, pipe or socket)")
    if info.st_size > MAX_IMPORT_BYTES:
        raise ValueError(
            f"is {info.st_size} bytes, more than the {MAX_IMPORT_BYTES // (1024 * 1024)} MB "
            "a results file may be; not read"
        )
    try:
        results = import_results(path)
    except ValueError as exc:
        raise ValueError(_reason(path, str(exc))) from None
    except RecursionError:
        raise ValueError("not valid JSON (nested too deeply)") from None
    problems = _text_problems(results)
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise ValueError("suspicious content: " + "; ".join(problems[:3]) + more)
    return results


def load_class(
    folder: Path,
    *,
    on_file: Callable[[int, int], None] | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
) -> ClassResults:
    """Read every ``*.json`` directly inside ``folder``, in name order.

    ``on_file(done, total)`` is called after each file (for a progress bar) and ``on_skip``
    with each skipped file as it happens, so a long run reports problems as it goes.
    """
    paths = sorted(folder.glob("*.json"), key=lambda p: p.name)
    out = ClassResults()
    seen: set[Path] = set()
    for n, path in enumerate(paths, 1):
        try:
            real = path.resolve()
            if real in seen:
                raise ValueError("is a second link to a file already read; counted once")
            results = read_results(path, folder)
        except ValueError as exc:
            skip = Skipped(path.name, str(exc))
            out.skipped.append(skip)
            if on_skip:
                on_skip(skip)
        else:
            seen.add(real)
            out.learners.append(Learner(path.name, results))
        if on_file:
            on_file(n, len(paths))
    return out


# --- counting ----------------------------------------------------------------------------


@dataclass
class QuestionStats:
    """How a class did on one question; ``wrong`` counts learners per wrong option id."""

    bank: QuizBank
    question: Question
    learners: int = 0
    right_first: int = 0
    attempts: int = 0
    wrong: Counter[str] = field(default_factory=Counter)
    wrong_times: Counter[str] = field(default_factory=Counter)

    @property
    def share_right_first(self) -> float | None:
        return self.right_first / self.learners if self.learners else None

    @property
    def mean_attempts(self) -> float | None:
        return self.attempts / self.learners if self.learners else None

    def option_text(self, option_id: str) -> str:
        return next(o.text for o in self.question.options if o.id == option_id)


@dataclass
class ClassStats:
    questions: list[QuestionStats]
    ignored_answers: int = 0

    def answered(self) -> list[QuestionStats]:
        return [q for q in self.questions if q.learners]


def _order(a: AttemptOut) -> tuple:
    return (a.attempt, a.answered_at)


def question_stats(content: Content, learners: Iterable[Learner]) -> ClassStats:
    """Per question of the current banks: learners who answered, how many were right at
    their first attempt, all attempts, and which wrong options they picked.

    A learner's first attempt is their lowest attempt number (the progress store numbers a
    question's attempts across sittings). Answers to questions that are no longer in the
    banks are counted in ``ignored_answers`` only; option ids a question does not have are
    ignored.
    """
    table = {
        (bank.id, q.id): QuestionStats(bank, q) for bank in content.quizzes for q in bank.questions
    }
    ignored = 0
    for learner in learners:
        mine: dict[tuple[str, str], list[AttemptOut]] = defaultdict(list)
        for a in learner.results.attempts:
            if (a.bank, a.question_id) in table:
                mine[(a.bank, a.question_id)].append(a)
            else:
                ignored += 1
        for key, attempts in mine.items():
            stats = table[key]
            right = {o.id for o in stats.question.options if o.correct}
            known = {o.id for o in stats.question.options}
            stats.learners += 1
            stats.attempts += len(attempts)
            stats.right_first += min(attempts, key=_order).correct
            picked: set[str] = set()
            for a in attempts:
                for option in a.chosen:
                    if option in known and option not in right:
                        stats.wrong_times[option] += 1
                        picked.add(option)
            stats.wrong.update(picked)
    return ClassStats(list(table.values()), ignored)


@dataclass(frozen=True)
class SafetyStatus:
    learner: Learner
    best: float | None  # best sitting's score, 0..1; None if never taken

    @property
    def never_taken(self) -> bool:
        return self.best is None


def best_session(results: Results, bank: str) -> float | None:
    """The best sitting's score on ``bank``: the first answer to each question in a sitting
    counts, as in :meth:`course.progress.Progress.sessions` (which the builder's gate uses)."""
    sessions: dict[str, dict[str, float]] = defaultdict(dict)
    for a in sorted((a for a in results.attempts if a.bank == bank), key=_order):
        sessions[a.session].setdefault(a.question_id, a.score)
    scores = [sum(first.values()) / len(first) for first in sessions.values() if first]
    return max(scores) if scores else None


def not_passed(learners: Iterable[Learner], bank: QuizBank) -> list[SafetyStatus]:
    """Learners whose best sitting on ``bank`` is below its pass mark, or who never sat it."""
    out = []
    for learner in learners:
        best = best_session(learner.results, bank.id)
        if best is None or best < bank.pass_mark - 1e-9:
            out.append(SafetyStatus(learner, best))
    return out


def progress_bar(stream, enabled: bool) -> Callable[[int, int], None]:
    """A dependency-free text bar that redraws in place; a no-op when not enabled."""

    def draw(done: int, total: int) -> None:
        if not enabled or total == 0:
            return
        width = 30
        filled = width * done // total
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
        if done == total:
            stream.write("\n")
        stream.flush()

    return draw


def is_tty(stream) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False
