"""Reading a class's results files, which are untrusted, and counting what they say.

Learners send their :meth:`course.progress.Progress.export` files by mail or a shared drive,
so a folder of them can hold anything: a huge file, a renamed photo, a hand-edited file, a
symlink (even a loop), a name that is not UTF-8, the same learner twice. Every file goes
through :func:`read_results`: it is checked for what it *is* (a regular file inside the
folder, under the size limit) before it is opened, then validated by
:func:`course.progress.import_results`. A bad file is skipped with a reason; nothing in a
file is ever executed or used to build a path, and one bad file never stops the others.

Nothing a file claims about itself is believed. Every answer is RE-GRADED from the question
bank (:func:`course.quiz.grade`); the file's own ``correct`` and ``score`` only serve to flag
files whose claims disagree with the re-grading. Whether a learner passed is decided by
:func:`course.quiz.passed`, the same rule the routine builder's gate uses.

Files are streamed: each one is read, boiled down to a small :class:`Learner` summary and let
go, so a class of thousands costs little memory. When several files hold the same learner
(copies, hard links, two exports), the newest export counts and the others are skipped.

The counting here is shared by the class report and the instructor guide, so both say the
same thing about which wrong answers are popular.
"""

from __future__ import annotations

import os
import re
import stat
from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

from course.models import Content, Question, QuizBank
from course.progress import MAX_IMPORT_BYTES, Results, import_results
from course.quiz import best_sitting, grade, sittings
from course.quiz import passed as quiz_passed

# Characters that would make a shown name lie: control characters (terminal escapes) and
# the Unicode controls that reorder text. They are shown as escapes, never skipped.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_TOLERANCE = 1e-6


def shown(name: str) -> str:
    """A name as it may be printed or put on a page: bytes that are not UTF-8 (a file name
    made on another system) and control characters become visible escapes. HTML escaping
    is the page's job on top of this."""
    try:
        text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate from a JSON escape, not from a file name
        text = name.encode("utf-8", "backslashreplace").decode("utf-8")
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True)
class Skipped:
    """A file that was not read (or not counted): its shown name and why."""

    name: str
    reason: str

    def __str__(self) -> str:
        return f"skipped {self.name}: {self.reason}"


@dataclass(frozen=True)
class BankResult:
    """A learner on one quiz bank: the best sitting's score on the whole bank (0..1; None if
    no answer to it), how many of its questions that sitting answered, and whether any
    sitting passed (:func:`course.quiz.passed`)."""

    best: float | None
    answered: int
    passed: bool


@dataclass(frozen=True, slots=True)
class Learner:
    """What the report keeps of one results file once it has been re-graded.

    ``answers`` packs, per answered question of the banks, ``[question index, right at the
    first attempt (0/1), attempts, n, n option indices of wrong picks]`` into a flat integer
    array: a few hundred bytes a learner, so 10,000 learners fit easily in memory.
    """

    file: str
    name: str
    exported_at: datetime
    answers: array
    banks: Mapping[str, BankResult]
    ignored: int = 0  # answers to questions no longer in the banks
    disagree: int = 0  # answers whose claimed correct/score differ from the re-grading
    invalid: int = 0  # answers that do not fit their question (unknown option, two picks...)

    @property
    def shown_name(self) -> str:
        return shown(self.name)

    def bank(self, bank_id: str) -> BankResult:
        return self.banks.get(bank_id, BankResult(None, 0, False))

    def per_question(self) -> Iterator[tuple[int, bool, int, list[int]]]:
        """``(question index, right first, attempts, wrong option indices)`` per answered
        question, unpacked from :attr:`answers`."""
        a, i = self.answers, 0
        while i < len(a):
            n = a[i + 3]
            yield a[i], bool(a[i + 1]), a[i + 2], list(a[i + 4 : i + 4 + n])
            i += 4 + n


@dataclass
class ClassResults:
    learners: list[Learner] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def flagged(self) -> list[Learner]:
        """Learners whose file claims scores the re-grading does not give them."""
        return [x for x in self.learners if x.disagree or x.invalid]


@dataclass(frozen=True)
class _Regraded:
    """One answer of a file as the question bank grades it (a :class:`course.quiz.Answer`)."""

    session: str
    question_id: str
    score: float
    answered_at: datetime


class QuestionTable:
    """The banks' questions in a fixed order, so a learner's answers can be packed as
    indices (see :class:`Learner`), and per bank the quiz a pass is judged on: the whole
    bank, unless ``quizzes`` names the question ids of that bank's quiz (the gate quiz a
    lesson asks may be a part of its bank)."""

    def __init__(self, content: Content, quizzes: Mapping[str, Collection[str]] | None = None):
        self.keys: list[tuple[QuizBank, Question]] = [
            (bank, q) for bank in content.quizzes for q in bank.questions
        ]
        self.index = {(b.id, q.id): n for n, (b, q) in enumerate(self.keys)}
        chosen = dict(quizzes or {})
        self.banks = {
            b.id: (b, frozenset(chosen.get(b.id) or (q.id for q in b.questions)))
            for b in content.quizzes
        }
        self.options = [[o.id for o in q.options] for _, q in self.keys]
        self.right = [frozenset(o.id for o in q.options if o.correct) for _, q in self.keys]
        self._grades: dict[tuple[int, tuple[str, ...]], tuple[float, bool, bool]] = {}

    def grade(self, n: int, chosen: list[str]) -> tuple[float, bool, bool]:
        """``(score, correct, invalid)`` of an answer to question ``n`` by
        :func:`course.quiz.grade`; remembered, since a class gives the same few answers
        thousands of times (bounded, so hostile files cannot grow it without end)."""
        key = (n, tuple(chosen))
        found = self._grades.get(key)
        if found is None:
            try:
                g = grade(self.keys[n][1], chosen)
                found = (g.score, g.correct, False)
            except ValueError:  # an answer the question cannot have: worth nothing
                found = (0.0, False, True)
            if len(self._grades) < 100_000:
                self._grades[key] = found
        return found


def summarise(results: Results, file: str, table: QuestionTable) -> Learner:
    """Re-grade every answer of ``results`` and keep only what the report counts."""
    ignored = disagree = invalid = 0
    per_q: dict[int, list] = {}
    graded: dict[str, list[_Regraded]] = {}
    ordered = sorted(results.attempts, key=lambda a: (a.answered_at, a.attempt))
    for a in ordered:
        n = table.index.get((a.bank, a.question_id))
        if n is None:
            ignored += 1
            continue
        score, correct, bad = table.grade(n, a.chosen)
        invalid += bad
        if a.correct != correct or abs(a.score - score) > _TOLERANCE:
            disagree += 1
        graded.setdefault(a.bank, []).append(
            _Regraded(a.session, a.question_id, score, a.answered_at)
        )
        right, options = table.right[n], table.options[n]
        wrong = [options.index(c) for c in a.chosen if c in options and c not in right]
        entry = per_q.get(n)
        if entry is None:
            # The learner's first attempt at the question, across sittings.
            per_q[n] = [int(correct), 1, wrong]
        else:
            entry[1] += 1
            entry[2] += wrong
    packed = array("i")
    for n, (right_first, attempts, wrong) in per_q.items():
        packed.extend((n, right_first, attempts, len(wrong), *wrong))
    banks = {}
    for bank_id, answers in graded.items():
        bank, ids = table.banks[bank_id]
        mine = sittings(answers)
        best = best_sitting(mine, ids)
        banks[bank_id] = BankResult(
            best[1] if best else None,
            sum(1 for q in ids if q in best[0].first) if best else 0,
            any(quiz_passed(s, ids, bank.pass_mark) for s in mine),
        )
    return Learner(
        file,
        results.learner,
        results.exported_at,
        packed,
        MappingProxyType(banks),
        ignored,
        disagree,
        invalid,
    )


def _reason(path: Path, message: str) -> str:
    """import_results starts its messages with the path; the report names the file itself."""
    prefix = f"{path}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def read_results(path: Path, folder: Path) -> tuple[Results, tuple[int, int]]:
    """Read one results file from ``folder``; ValueError says what is wrong with it.
    Returns the results and the file's identity (device, inode), to spot a second link.

    The checks on what the path is come first, because opening a FIFO would block and a
    symlink could lead anywhere on the instructor's disk (or round in a loop).
    """
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            target = path.resolve(strict=True)
            if not target.is_relative_to(folder.resolve()):
                raise ValueError("is a symlink pointing outside the folder; not followed")
            info = path.stat()
    except RuntimeError:  # Python < 3.13 reports a symlink loop so
        raise ValueError("is a symlink loop; not followed") from None
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            raise ValueError("is a symlink loop; not followed") from None
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
        raise ValueError(shown(_reason(path, str(exc)))) from None
    except RecursionError:
        raise ValueError("not valid JSON (nested too deeply)") from None
    return results, (info.st_dev, info.st_ino)


def _json_files(folder: Path) -> list[Path]:
    """Every ``*.json`` entry directly inside ``folder``, in name order; a name that is
    not valid UTF-8 is kept (Python carries its bytes as surrogates)."""
    with os.scandir(folder) as entries:
        names = sorted(e.name for e in entries if e.name.endswith(".json"))
    return [folder / n for n in names]


def load_class(
    folder: Path,
    content: Content | None = None,
    *,
    quizzes: Mapping[str, Collection[str]] | None = None,
    on_file: Callable[[int, int], None] | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
) -> ClassResults:
    """Read every ``*.json`` directly inside ``folder``, in name order, one at a time.

    A learner passed a bank when a sitting passed its quiz (:func:`course.quiz.passed`):
    the whole bank, or the question ids ``quizzes`` gives for that bank.

    ``on_file(done, total)`` is called after each file (for a progress bar) and ``on_skip``
    with each skipped file as it happens, so a long run reports problems as it goes. The
    same learner in several files counts once: the newest export (ties: the first file).
    """
    if content is None:
        from course.models import content as course_content

        content = course_content()
    table = QuestionTable(content, quizzes)
    paths = _json_files(folder)
    out = ClassResults()
    by_name: dict[str, Learner] = {}
    seen: dict[tuple[int, int], str] = {}

    def skip(name: str, reason: str) -> None:
        s = Skipped(name, reason)
        out.skipped.append(s)
        if on_skip:
            on_skip(s)

    for n, path in enumerate(paths, 1):
        name = shown(path.name)
        try:
            results, identity = read_results(path, folder)
            if identity in seen:
                raise ValueError(f"is a second link to {seen[identity]}; counted once")
            seen[identity] = name
            learner = summarise(results, name, table)
        except ValueError as exc:
            skip(name, str(exc))
        else:
            kept = by_name.get(learner.name)
            if kept is None:
                by_name[learner.name] = learner
            elif learner.exported_at > kept.exported_at:
                by_name[learner.name] = learner
                skip(
                    kept.file,
                    f"an older export of learner {learner.shown_name!r} than {name}; "
                    "the newest counts, once",
                )
            else:
                older = "the same" if learner.exported_at == kept.exported_at else "an older"
                skip(
                    name,
                    f"{older} export of learner {learner.shown_name!r} as {kept.file}; "
                    "the newest counts, once",
                )
        if on_file:
            on_file(n, len(paths))
    out.learners = sorted(by_name.values(), key=lambda x: x.file)
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


def question_stats(content: Content, learners: Iterable[Learner]) -> ClassStats:
    """Per question of the current banks: learners who answered, how many were right (as
    re-graded) at their first attempt, all attempts, and which wrong options they picked.

    A learner's first attempt is their earliest answer to the question, across sittings.
    Answers to questions that are no longer in the banks are counted in
    ``ignored_answers`` only; option ids a question does not have are ignored.
    """
    table = QuestionTable(content)
    stats = [QuestionStats(bank, q) for bank, q in table.keys]
    ignored = 0
    for learner in learners:
        ignored += learner.ignored
        for n, right_first, attempts, wrong in learner.per_question():
            s = stats[n]
            options = s.question.options
            s.learners += 1
            s.attempts += attempts
            s.right_first += right_first
            for i in wrong:
                s.wrong_times[options[i].id] += 1
            s.wrong.update({options[i].id for i in wrong})
    return ClassStats(stats, ignored)


@dataclass(frozen=True)
class SafetyStatus:
    learner: Learner
    result: BankResult
    questions: int  # in the bank

    @property
    def best(self) -> float | None:
        return self.result.best

    @property
    def never_taken(self) -> bool:
        return self.result.best is None


def not_passed(
    learners: Iterable[Learner], bank: QuizBank, questions: int | None = None
) -> list[SafetyStatus]:
    """Learners with no sitting that passed ``bank``'s quiz (by :func:`course.quiz.passed`,
    as :func:`load_class` judged it); ``questions`` is the size of that quiz (default: the
    whole bank)."""
    size = len(bank.questions) if questions is None else questions
    return [
        SafetyStatus(x, x.bank(bank.id), size)
        for x in learners
        if not x.bank(bank.id).passed
    ]


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
