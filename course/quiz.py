"""Quizzes as pure functions: shuffle, draw, grade, score, schedule reviews, lint banks.

Everything here takes plain values (the pydantic models of :mod:`course.models`, ids, dates,
seeds) and returns plain values. There are no widgets, files, prints or global random state,
so the quiz widget, the progress store and the instructor's class report all get the same
answer for the same input, and the tests can pin every rule down.

Randomness always comes from a ``random.Random`` seeded with a string built from the caller's
seed and an id: the same learner sees the same order on every re-run of a notebook (stored
executed notebooks stay deterministic), while different seeds give different orders.
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Protocol

from course.models import Content, Kind, Lesson, LessonQuiz, Option, Question, QuizBank

# Kinds with exactly one right answer; only ``multiple`` allows several picks.
ONE_ANSWER = frozenset({Kind.SINGLE, Kind.SCENARIO, Kind.TRUE_FALSE})
KIND_NAME = {
    Kind.SINGLE: "single choice",
    Kind.MULTIPLE: "multiple choice",
    Kind.TRUE_FALSE: "true/false question",
    Kind.SCENARIO: "scenario question",
}
TRUE_FALSE_IDS = ("true", "false")

# Leitner boxes 1..5: a right answer moves a question up one box, a wrong one back to box 1.
# The interval doubles with each box, so well-known questions come back rarely.
INTERVALS = {1: 1, 2: 2, 3: 4, 4: 8, 5: 16}
FIRST_BOX, LAST_BOX = min(INTERVALS), max(INTERVALS)

MIN_QUESTIONS = 40
MIN_CONTRAINDICATION_QUESTIONS = 25


def _rng(seed: int | str, key: str) -> random.Random:
    """A private generator: seeding with a string is stable across runs and Python hashes."""
    return random.Random(f"{seed}:{key}")


# --- order and selection -----------------------------------------------------------------


def shuffled(question: Question, seed: int | str) -> list[Option]:
    """The question's options in a deterministic, seed-dependent order.

    True/false options keep their authored order: "True" then "False" in a random order only
    confuses, and nothing is gained by hiding a two-way choice.
    """
    options = list(question.options)
    if question.kind is Kind.TRUE_FALSE:
        return options
    _rng(seed, question.id).shuffle(options)
    return options


def draw(
    bank: QuizBank,
    n: int,
    seed: int | str,
    about: str | Iterable[str] | None = None,
    topic: str | None = None,
) -> list[Question]:
    """Pick up to ``n`` questions from ``bank``, deterministically for a given seed.

    ``about`` keeps questions that test at least one of the given content ids (a lesson on
    varicose veins asks ``about="varicose_veins"``); ``topic`` keeps one topic. Asking for more
    questions than match returns all that match, in a seeded order.
    """
    if n < 0:
        raise ValueError(f"draw from bank '{bank.id}': n must be 0 or more, got {n}")
    wanted = {about} if isinstance(about, str) else set(about) if about is not None else None
    pool = [
        q
        for q in bank.questions
        if (topic is None or q.topic == topic) and (wanted is None or wanted & set(q.about))
    ]
    return _rng(seed, bank.id).sample(pool, min(n, len(pool)))


# --- grading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Grade:
    """The outcome of one answer: what was right, what each pick means, what was missed.

    ``score`` gives partial credit on multiple-choice questions; ``correct`` is only true for an
    exact answer, so the review schedule never promotes a half-known question.
    """

    question_id: str
    correct: bool
    score: float
    chosen: tuple[str, ...]
    feedback: Mapping[str, str]
    missed: tuple[str, ...]
    explanation: str


def _clean_choice(question: Question, chosen: Iterable[str]) -> tuple[str, ...]:
    """Validate an answer: known ids, not empty, one pick for one-answer kinds."""
    picks = (chosen,) if isinstance(chosen, str) else tuple(chosen)
    picks = tuple(dict.fromkeys(picks))  # a double click is one pick, order kept
    if not picks:
        raise ValueError(f"question '{question.id}': no option chosen")
    known = {o.id for o in question.options}
    unknown = [p for p in picks if p not in known]
    if unknown:
        raise ValueError(
            f"question '{question.id}': unknown option id(s) {', '.join(map(repr, unknown))}; "
            f"options are {', '.join(map(repr, sorted(known)))}"
        )
    if question.kind in ONE_ANSWER and len(picks) > 1:
        raise ValueError(
            f"question '{question.id}': a {KIND_NAME[question.kind]} takes one answer, "
            f"got {len(picks)}: {', '.join(map(repr, picks))}"
        )
    return picks


def grade(question: Question, chosen: Iterable[str]) -> Grade:
    """Grade an answer (option ids) to ``question``.

    Multiple choice earns ``max(0, (right picks - wrong picks) / number correct)``: guessing
    every box cancels out, so ticking all options never scores.
    Raises ``ValueError`` naming the question and the bad id(s) for unknown ids, an empty
    answer, or several answers to a one-answer question.
    """
    picks = _clean_choice(question, chosen)
    right_ids = [o.id for o in question.options if o.correct]
    right = sum(1 for p in picks if p in right_ids)
    wrong = len(picks) - right
    exact = set(picks) == set(right_ids)
    if question.kind is Kind.MULTIPLE:
        score = max(0.0, (right - wrong) / len(right_ids)) if right_ids else 0.0
    else:
        score = 1.0 if exact else 0.0
    by_id = {o.id: o for o in question.options}
    return Grade(
        question_id=question.id,
        correct=exact,
        score=score,
        chosen=picks,
        feedback=MappingProxyType({p: by_id[p].feedback for p in picks}),
        missed=tuple(i for i in right_ids if i not in picks),
        explanation=question.explanation,
    )


# --- scoring and runs --------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    points: float
    total: int
    percent: float
    passed: bool


def score(grades: Iterable[Grade], pass_mark: float, total: int | None = None) -> Score:
    """Sum the grades against ``pass_mark`` (a fraction, as in a bank's ``pass_mark``).

    ``total`` is the number of questions in the quiz; it defaults to the number of grades, and
    is larger when some questions were left unanswered (they count as zero).
    """
    if not 0 < pass_mark <= 1:
        raise ValueError(f"pass_mark must be a fraction in (0, 1], got {pass_mark}")
    grades = list(grades)
    total = len(grades) if total is None else total
    if total <= 0:
        raise ValueError("nothing to score: the quiz has no questions")
    if len(grades) > total:
        raise ValueError(f"{len(grades)} grades for a quiz of {total} questions")
    points = sum(g.score for g in grades)
    fraction = points / total
    return Score(
        points=round(points, 6),
        total=total,
        percent=round(100 * fraction, 1),
        passed=fraction >= pass_mark - 1e-9,
    )


@dataclass
class QuizRun:
    """One sitting of a quiz. Retries are allowed, for learning: after the feedback a learner
    may answer again and see it right. The score counts each question's FIRST attempt, the
    same rule the progress database uses for the safety gate, so retrying after being told
    the answer cannot turn a failed sitting into a pass. The number of attempts is kept."""

    questions: Sequence[Question]
    pass_mark: float = 0.8
    _attempts: dict[str, list[Grade]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        ids = [q.id for q in self.questions]
        if len(ids) != len(set(ids)):
            raise ValueError(f"a quiz run lists a question twice: {sorted(_repeats(ids))}")
        self._by_id = {q.id: q for q in self.questions}

    def answer(self, question_id: str, chosen: Iterable[str]) -> Grade:
        if question_id not in self._by_id:
            raise ValueError(f"question '{question_id}' is not in this quiz run")
        result = grade(self._by_id[question_id], chosen)
        self._attempts.setdefault(question_id, []).append(result)
        return result

    def attempts(self, question_id: str) -> int:
        return len(self._attempts.get(question_id, []))

    def last(self, question_id: str) -> Grade | None:
        tries = self._attempts.get(question_id)
        return tries[-1] if tries else None

    @property
    def grades(self) -> list[Grade]:
        """The counting grade (the first attempt) of each answered question, in quiz order."""
        return [self._attempts[q.id][0] for q in self.questions if q.id in self._attempts]

    @property
    def finished(self) -> bool:
        return all(q.id in self._attempts for q in self.questions)

    def score(self) -> Score:
        return score(self.grades, self.pass_mark, total=len(self.questions))


def _repeats(ids: Iterable[str]) -> set[str]:
    return {i for i, n in Counter(ids).items() if n > 1}


# --- sittings and passing: the one definition ----------------------------------------------
# The builder's gate (through Progress.passed), the dashboard and the instructor's class
# report all decide "passed" here, so they cannot disagree about a learner.


class Answer(Protocol):
    """What :func:`sittings` needs of a stored answer (``progress.Attempt`` has it, and so
    has the class report's re-graded answer)."""

    @property
    def session(self) -> str: ...
    @property
    def question_id(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def answered_at(self) -> datetime: ...


@dataclass(frozen=True)
class Sitting:
    """One sitting of a quiz: the answers given under one session id.

    ``first`` holds each question's FIRST answer score in the sitting: a retry after the
    feedback is good practice, but it must not lift a score. ``when`` is its last answer.
    """

    session: str
    when: datetime
    first: Mapping[str, float]

    @property
    def questions(self) -> int:
        """How many distinct questions the sitting answered."""
        return len(self.first)

    @property
    def percent(self) -> float:
        """Score on the questions it answered, in percent (what a learner saw at the end)."""
        return 100 * sum(self.first.values()) / len(self.first) if self.first else 0.0

    def score_on(self, questions: Collection[str]) -> float:
        """The fraction earned on the quiz made of ``questions``; a question of the quiz the
        sitting did not answer counts 0, and answers to other questions do not count."""
        ids = _quiz_ids(questions)
        return sum(self.first.get(q, 0.0) for q in ids) / len(ids)

    def covers(self, questions: Collection[str]) -> bool:
        """Whether every question of the quiz was answered in this sitting."""
        return all(q in self.first for q in _quiz_ids(questions))


def _quiz_ids(questions: Collection[str]) -> frozenset[str]:
    if isinstance(questions, str):
        raise TypeError("questions must be a collection of question ids, not one string")
    ids = frozenset(questions)
    if not ids:
        raise ValueError("a quiz needs at least one question")
    return ids


def sittings(answers: Iterable[Answer]) -> list[Sitting]:
    """Group answers (oldest first) into sittings by session id, oldest sitting first.

    Within a sitting a question counts with its first answer. Callers filter the answers
    first (one bank, no review rounds) when they want less than every sitting.
    """
    groups: dict[str, tuple[datetime, dict[str, float]]] = {}
    for a in answers:
        when, first = groups.get(a.session, (a.answered_at, {}))
        first.setdefault(a.question_id, a.score)
        groups[a.session] = (max(when, a.answered_at), first)
    out = [
        Sitting(session, when, MappingProxyType(first))
        for session, (when, first) in groups.items()
    ]
    return sorted(out, key=lambda s: s.when)  # stable: ties keep the order first seen


def passed(sitting: Sitting, questions: Collection[str], pass_mark: float) -> bool:
    """Whether ``sitting`` passes the quiz made of ``questions`` at ``pass_mark`` (0..1].

    The sitting must have answered EVERY question of the quiz, and its first answers must
    score at least the pass mark over all of them. So a ten-question draw from the safety
    bank answered perfectly, or a review round of two lucky answers, is not a pass of the
    whole safety quiz.
    """
    if not 0 < pass_mark <= 1:
        raise ValueError(f"pass_mark must be a fraction in (0, 1], got {pass_mark}")
    return sitting.covers(questions) and sitting.score_on(questions) >= pass_mark - 1e-9


def best_sitting(
    all_sittings: Iterable[Sitting], questions: Collection[str]
) -> tuple[Sitting, float] | None:
    """The sitting that did best on the quiz made of ``questions`` and its score (0..1), a
    complete sitting winning a tie; None when no sitting answered any of its questions."""
    ids = _quiz_ids(questions)
    scored = [(s.score_on(ids), s.covers(ids), s) for s in all_sittings if ids & s.first.keys()]
    if not scored:
        return None
    value, _, best = max(scored, key=lambda t: (t[0], t[1]))
    return best, value


def any_passed(
    all_sittings: Iterable[Sitting], questions: Collection[str], pass_mark: float
) -> bool:
    """Whether any of the sittings passes the quiz (see :func:`passed`)."""
    return any(passed(s, questions, pass_mark) for s in all_sittings)


# --- Leitner review scheduling -----------------------------------------------------------


def next_review(box: int, correct: bool, today: date) -> tuple[int, date]:
    """Leitner step: wrong -> box 1, due tomorrow; right -> next box (capped at 5), due after
    that box's interval (1, 2, 4, 8, 16 days for boxes 1..5)."""
    if isinstance(box, bool) or not isinstance(box, int) or box not in INTERVALS:
        raise ValueError(f"box must be an integer {FIRST_BOX}..{LAST_BOX}, got {box!r}")
    if not isinstance(correct, bool):
        raise ValueError(f"correct must be True or False, got {correct!r}")
    if not isinstance(today, date) or isinstance(today, datetime):
        raise ValueError(f"today must be a date, got {today!r}")
    new_box = min(box + 1, LAST_BOX) if correct else FIRST_BOX
    return new_box, today + timedelta(days=INTERVALS[new_box])


# --- question-bank lint ------------------------------------------------------------------


def _lint_question(label: str, q: Question, sources: set[str], known: set[str]) -> list[str]:
    where = f"{label}: {q.id}"
    out: list[str] = []
    ids = [o.id for o in q.options]
    for dup in sorted(_repeats(ids)):
        out.append(f"{where}: options: option id '{dup}' is used more than once")
    n_right = sum(1 for o in q.options if o.correct)
    kind = KIND_NAME.get(q.kind, str(q.kind))
    if q.kind in ONE_ANSWER and n_right != 1:
        out.append(f"{where}: options: {n_right} correct, a {kind} needs exactly 1")
    if q.kind is Kind.MULTIPLE:
        if n_right == 0:
            out.append(f"{where}: options: 0 correct, a {kind} needs at least 1")
        if n_right == len(q.options):
            out.append(f"{where}: options: all correct, a {kind} needs at least 1 wrong option")
    if q.kind is Kind.TRUE_FALSE and sorted(ids) != sorted(TRUE_FALSE_IDS):
        out.append(
            f"{where}: options: a {kind} needs exactly the options 'true' and 'false', found {ids}"
        )
    for o in q.options:
        if not o.correct and not o.feedback.strip():
            out.append(f"{where}: options.{o.id}.feedback: a wrong option must say why it is wrong")
    if q.kind is Kind.SCENARIO and not q.scenario.strip():
        out.append(f"{where}: scenario: a scenario question needs a scenario text")
    for s in q.sources:
        if s not in sources:
            out.append(f"{where}: sources: unknown source '{s}'")
    for a in q.about:
        if a not in known:
            out.append(f"{where}: about: unknown content id '{a}'")
    return out


def lint(content: Content) -> list[str]:
    """Problems with the question banks that the schema alone cannot see, one line each,
    as ``file: question: field: what is wrong``. An empty list means the banks are fine.

    The course promises that every contraindication, risk factor, escalation rule and benefit
    is tested somewhere, and that safety carries most of the weight; the coverage and count
    checks hold it to that.
    """
    problems: list[str] = []
    sources = {s.id for s in content.sources}
    known = {
        i.id
        for group in (
            content.contraindications,
            content.risk_factors,
            content.escalations,
            content.benefits,
            content.techniques,
        )
        for i in group
    } | {a.id for a in content.areas}
    seen: dict[str, str] = {}
    for bank in content.quizzes:
        label = f"quizzes/{bank.id}.yaml"
        for q in bank.questions:
            problems += _lint_question(label, q, sources, known)
            if q.id in seen:
                problems.append(f"{label}: {q.id}: id: already used in {seen[q.id]}")
            else:
                seen[q.id] = label
    questions = content.questions
    about = {a for q in questions for a in q.about}
    # Risk factors and escalation rules change routines as much as contraindications do.
    for kind, items in (
        ("contraindication", content.contraindications),
        ("risk factor", content.risk_factors),
        ("escalation rule", content.escalations),
        ("benefit", content.benefits),
    ):
        for item in items:
            if item.id not in about:
                problems.append(f"quizzes: {item.id}: about: no question tests {kind} '{item.id}'")
    if len(questions) < MIN_QUESTIONS:
        problems.append(
            f"quizzes: (all): questions: {len(questions)} in all, the course needs at least "
            f"{MIN_QUESTIONS}"
        )
    on_safety = sum(1 for q in questions if q.topic == "contraindications")
    if on_safety < MIN_CONTRAINDICATION_QUESTIONS:
        problems.append(
            f"quizzes: (all): topic: {on_safety} on contraindications, the course needs at "
            f"least {MIN_CONTRAINDICATION_QUESTIONS}"
        )
    return problems


# --- test-wise guessers and key balance ---------------------------------------------------
#
# A quiz measures understanding only if someone who read nothing cannot pass it with the
# tricks every test-taker knows. Each strategy below answers every question without reading
# the course; its expected score on a bank is compared with blind chance and with the pass
# mark. Where a strategy has nothing to go on (no "all of the above" option, a question that is
# not true/false) it guesses blindly, so its score differs from chance only where the bank
# gives the trick something to use.

GUESS_MARGIN = 15  # points a strategy may beat chance by
PASS_MARGIN = 30  # points a strategy must stay under the pass mark
TRUE_SHARE = (0.4, 0.6)  # share of true/false items keyed True
LONGEST_SHARE = 0.35  # share of one-answer items whose right option is the longest (or shortest)
POSITION_SHARE = (0.10, 0.40)  # share of right answers any one letter may hold
MIN_POSITION_ITEMS = 12  # below this, positions are too few to judge
MIN_PLAUSIBLE_WRONG = 2  # wrong options, each with a misconception, per multiple-answer item
SECONDS_PER_QUESTION = (30, 40)  # what a lesson's quiz_minutes must allow per question
MIN_TOTAL_QUESTIONS = 90
MIN_SAFETY_QUESTIONS = 50

_WORD = re.compile(r"[a-z0-9]+")
HEDGES = frozenset(
    "may might can could usually often some sometimes about around likely probably possibly "
    "generally most mostly limited small first check ask gently gentle".split()
)
ABSOLUTES = frozenset(
    "always never all none every exactly completely cure cures proven only must".split()
)
ALL_OF_THE_ABOVE = re.compile(r"\b(all|both) of (the above|these|them)\b|\ball the above\b")
STOPWORDS = frozenset(
    "a an the and or of to in on at for with by is are be it its this that as from your you "
    "he she his her they their them what which who how when why does do should would than "
    "then so if not no".split()
)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _content_words(text: str) -> set[str]:
    return {w for w in _words(text) if w not in STOPWORDS and len(w) > 2}


def _hedge(text: str) -> int:
    words = _words(text)
    return sum(w in HEDGES for w in words) - sum(w in ABSOLUTES for w in words)


def _multiple_score(question: Question, picks: set[str]) -> float:
    return grade(question, picks).score if picks else 0.0


def chance(question: Question) -> float:
    """Expected score of a blind guess: one option at random, or for a multiple-answer item
    a random non-empty set of options (each set equally likely)."""
    if question.kind is not Kind.MULTIPLE:
        return 1 / len(question.options)
    ids = [o.id for o in question.options]
    subsets = [{i for n, i in enumerate(ids) if mask >> n & 1} for mask in range(1, 2 ** len(ids))]
    return sum(_multiple_score(question, s) for s in subsets) / len(subsets)


def _pick_best(question: Question, key: Callable[[Option], float]) -> float:
    """Expected score of picking the option(s) with the highest ``key``; ties split evenly."""
    values = {o.id: key(o) for o in question.options}
    top = max(values.values())
    tied = [o for o in question.options if values[o.id] == top]
    return sum(o.correct for o in tied) / len(tied)


def _tick_top_half(question: Question, key: Callable[[Option], float]) -> float:
    """A multiple-answer guess: tick the half of the options that ``key`` ranks highest (ties
    broken by the order the learner sees, the seeded shuffle)."""
    order = shuffled(question, 0)
    ranked = sorted(order, key=lambda o: -key(o))
    k = max(1, (len(order) + 1) // 2)
    return _multiple_score(question, {o.id for o in ranked[:k]})


def _by_ranking(key_of: Callable[[Question], Callable[[Option], float]]) -> Strategy:
    def play(q: Question) -> float:
        key = key_of(q)
        if q.kind is Kind.MULTIPLE:
            return _tick_top_half(q, key)
        if q.kind is Kind.TRUE_FALSE:
            return chance(q)
        return _pick_best(q, key)

    return play


def _longest(q: Question) -> Callable[[Option], float]:
    return lambda o: len(o.text)


def _shortest(q: Question) -> Callable[[Option], float]:
    """The reverse giveaway: an author who trims right answers to a crisp line."""
    return lambda o: -len(o.text)


def _most_hedged(q: Question) -> Callable[[Option], float]:
    return lambda o: _hedge(o.text)


def _stem_overlap(q: Question) -> Callable[[Option], float]:
    stem = _content_words(f"{q.scenario} {q.prompt}")
    return lambda o: len(_content_words(o.text) & stem)


def _all_of_the_above(q: Question) -> float:
    """Tick every box of a multiple-answer item; pick an "all of the above" option if any."""
    if q.kind is Kind.MULTIPLE:
        return _multiple_score(q, {o.id for o in q.options})
    marked = [o for o in q.options if ALL_OF_THE_ABOVE.search(o.text.lower())]
    return sum(o.correct for o in marked) / len(marked) if marked else chance(q)


def _always_false(q: Question) -> float:
    if q.kind is Kind.TRUE_FALSE:
        return float(any(o.correct for o in q.options if o.id == "false"))
    return chance(q)


def _all_but_odd_one(q: Question) -> float:
    """Multiple-answer: tick everything except the option least like the others (fewest
    words shared), the "one silly distractor" trick. Ties split evenly."""
    if q.kind is not Kind.MULTIPLE:
        return chance(q)
    words = {o.id: _content_words(o.text) for o in q.options}

    def likeness(o: Option) -> float:
        others = [words[p.id] for p in q.options if p.id != o.id]
        return sum(len(words[o.id] & w) / (len(words[o.id] | w) or 1) for w in others)

    values = {o.id: likeness(o) for o in q.options}
    low = min(values.values())
    odd = [o for o in q.options if values[o.id] == low]
    everyone = {o.id for o in q.options}
    return sum(_multiple_score(q, everyone - {o.id}) for o in odd) / len(odd)


Strategy = Callable[[Question], float]
STRATEGIES: dict[str, Strategy] = {
    "longest option": _by_ranking(_longest),
    "shortest option": _by_ranking(_shortest),
    "most hedged option": _by_ranking(_most_hedged),
    "all of the above / tick all": _all_of_the_above,
    "always False": _always_false,
    "most words shared with the question": _by_ranking(_stem_overlap),
    "tick all but the odd one out": _all_but_odd_one,
}


@dataclass(frozen=True)
class GuesserReport:
    """Expected scores (percent) of blind chance and of each strategy on one bank, or on the
    questions one lesson quiz asks (``where`` then says which quiz, for the problem lines)."""

    bank: str
    pass_mark: float
    questions: int
    chance: float
    strategies: Mapping[str, float]
    where: str = ""

    @property
    def location(self) -> str:
        """Where a problem points: the lesson quiz, or the bank file."""
        return self.where or f"quizzes/{self.bank}.yaml: (bank)"

    def summary(self) -> str:
        """One line for ``course check``: size, pass mark, chance and every strategy's score."""
        scores = ", ".join(f"{name} {pct:g}%" for name, pct in self.strategies.items())
        return (
            f"({self.questions} questions, pass mark {100 * self.pass_mark:g}%): "
            f"chance {self.chance:g}%; {scores}"
        )

    def problems(self) -> list[str]:
        out = []
        limit = 100 * self.pass_mark - PASS_MARGIN
        for name, pct in self.strategies.items():
            if pct - self.chance > GUESS_MARGIN:
                out.append(
                    f"{self.location}: guessing: '{name}' scores {pct:.0f}%, "
                    f"{pct - self.chance:.0f} points above chance ({self.chance:.0f}%); "
                    f"at most {GUESS_MARGIN} allowed"
                )
            if pct > limit:
                out.append(
                    f"{self.location}: guessing: '{name}' scores {pct:.0f}%, "
                    f"within {PASS_MARGIN} points of the {100 * self.pass_mark:.0f}% pass mark "
                    f"(must stay at or under {limit:.0f}%)"
                )
        return out


def guessers(
    bank: QuizBank, questions: Sequence[Question] | None = None, where: str = ""
) -> GuesserReport:
    """How far each test-wise strategy gets on ``bank`` without knowing anything.

    ``questions`` narrows it to what one sitting asks (a lesson quiz), judged against the
    bank's pass mark; by default the whole bank.
    """
    qs = list(bank.questions if questions is None else questions)
    if not qs:
        raise ValueError(f"no questions to guess at in {where or bank.id}")
    n = len(qs)
    return GuesserReport(
        bank=bank.id,
        pass_mark=bank.pass_mark,
        questions=n,
        chance=round(100 * sum(chance(q) for q in qs) / n, 1),
        strategies={
            name: round(100 * sum(play(q) for q in qs) / n, 1) for name, play in STRATEGIES.items()
        },
        where=where,
    )


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole} ({100 * part / whole:.0f}%)"


def key_balance(bank: QuizBank, seed: int | str = 0) -> list[str]:
    """Answer-pattern giveaways in ``bank``, one line each (empty when balanced).

    * true/false items: 40-60 % keyed True (or as near as an odd count allows);
    * the right option's letter (a, b, c, ...) as the learner sees it, i.e. after the course's
      seeded shuffle with ``seed`` (lesson quizzes use seed 0 unless they declare one): no
      letter holds more than 40 % or under 10 % of the right answers;
    * the right option is the longest in at most 35 % of one-answer items (and, so that
      trimming right answers is no giveaway either, the shortest in at most 35 %);
    * every multiple-answer item has at least two wrong options, each naming the
      misconception it stands for.
    """
    label = f"quizzes/{bank.id}.yaml"
    out: list[str] = []
    tf = [q for q in bank.questions if q.kind is Kind.TRUE_FALSE]
    if tf:
        trues = sum(1 for q in tf if any(o.correct and o.id == "true" for o in q.options))
        low, high = TRUE_SHARE
        near = abs(trues - len(tf) / 2) <= 0.5
        if not (low <= trues / len(tf) <= high or near):
            out.append(
                f"{label}: (bank): true/false: {_share(trues, len(tf))} keyed True; "
                f"keep it between {low:.0%} and {high:.0%}"
            )
    one = [q for q in bank.questions if q.kind in (Kind.SINGLE, Kind.SCENARIO)]
    if len(one) >= MIN_POSITION_ITEMS:
        letters: Counter[int] = Counter()
        width = min(len(q.options) for q in one)
        for q in one:  # an item with no right option is the structural lint's to report
            right = [i for i, o in enumerate(shuffled(q, seed)) if o.correct]
            letters[right[0] if right else -1] += 1
        low, high = POSITION_SHARE
        for i in range(width):
            if not low <= letters[i] / len(one) <= high:
                out.append(
                    f"{label}: (bank): positions: the right answer is option "
                    f"{'abcdefgh'[i]} in {_share(letters[i], len(one))} of one-answer items "
                    f"(after the seeded shuffle, seed {seed}); keep each letter between "
                    f"{low:.0%} and {high:.0%}"
                )
    for extreme, word in ((max, "longest"), (min, "shortest")):
        # Test-wise learners pick the longest (or shortest) option: it must not give it away.
        def stands_out(q: Question, extreme: Callable = extreme) -> bool:
            size = extreme(len(o.text) for o in q.options)
            at_size = [o for o in q.options if len(o.text) == size]
            return len(at_size) == 1 and at_size[0].correct

        marked = [q.id for q in one if stands_out(q)]
        if one and len(marked) > LONGEST_SHARE * len(one):
            out.append(
                f"{label}: (bank): lengths: the right option is the {word} in "
                f"{_share(len(marked), len(one))} one-answer items; at most "
                f"{LONGEST_SHARE:.0%} allowed ({', '.join(marked)})"
            )
    for q in bank.questions:
        if q.kind is not Kind.MULTIPLE:
            continue
        wrong = [o for o in q.options if not o.correct]
        plausible = [o for o in wrong if o.misconception.strip()]
        if len(plausible) < MIN_PLAUSIBLE_WRONG:
            bare = [o.id for o in wrong if not o.misconception.strip()]
            out.append(
                f"{label}: {q.id}: options: {len(plausible)} wrong option(s) with a "
                f"misconception, a multiple-answer item needs at least {MIN_PLAUSIBLE_WRONG} "
                f"(add wrong options, or say what mistake {', '.join(bare) or 'they'} stand for)"
            )
    return out


# --- lesson quizzes -----------------------------------------------------------------------


def lesson_questions(content: Content, lesson_id: str) -> list[tuple[LessonQuiz, list[Question]]]:
    """Each quiz of a lesson with the questions a sitting asks, in the order asked.

    A listed quiz asks its questions in the listed order; a draw picks ``draw`` questions from
    the whole bank with its seed (:func:`draw`), the same every time.
    """
    if lesson_id not in content.lesson:
        raise ValueError(f"unknown lesson '{lesson_id}': choose one of {', '.join(content.lesson)}")
    out = []
    for lq in content.lesson[lesson_id].quizzes:
        bank = content.quiz[lq.bank]
        by_id = {q.id: q for q in bank.questions}
        if lq.draw is not None:
            questions = draw(bank, lq.draw, lq.seed)
        else:
            questions = [by_id[i] for i in lq.questions]
        out.append((lq, questions))
    return out


def gate_quiz(content: Content) -> tuple[Lesson, LessonQuiz, list[Question]]:
    """The quiz whose pass opens the routine builder (the one marked ``gate: true`` in
    lessons.yaml), its lesson and its questions. A sitting of the gate should be judged on
    exactly these question ids: ``{q.id for q in gate_quiz(c)[2]}``."""
    found = [
        (lesson, lq, questions)
        for lesson in content.lessons
        for lq, questions in lesson_questions(content, lesson.id)
        if lq.gate
    ]
    if len(found) != 1:
        raise ValueError(
            f"the course needs exactly one gate quiz in lessons.yaml, found {len(found)}"
        )
    return found[0]


@dataclass(frozen=True)
class LessonGuess:
    """The guessers' report on one lesson quiz (see :func:`lesson_guessers`)."""

    lesson: Lesson
    index: int
    quiz: LessonQuiz
    report: GuesserReport


def lesson_guessers(content: Content) -> list[LessonGuess]:
    """The guessers run on every lesson quiz, on the questions a sitting asks, in course order.

    A lesson quiz of three to six questions is too small for the bank rules (one guessable
    item moves a strategy 15-30 points), so these reports are shown to the author, not
    judged; only the gate, the quiz whose pass opens the builder, is held to the bank rules
    (:func:`measure_lint`), because passing it by tricks would let a learner skip the safety
    lesson.
    """
    out = []
    for lesson in content.lessons:
        for i, (lq, questions) in enumerate(lesson_questions(content, lesson.id)):
            where = f"lessons.yaml: {lesson.id}: quizzes[{i}]"
            report = guessers(content.quiz[lq.bank], questions, where)
            out.append(LessonGuess(lesson, i, lq, report))
    return out


def lesson_lint(content: Content) -> list[str]:
    """Lesson quizzes against the lesson order, the timings and the banks.

    * every question names the lesson that teaches it;
    * no lesson's quiz asks a question a later lesson teaches (a draw may only draw from a
      bank whose every question is taught by then);
    * every question is asked somewhere (orphans teach nothing);
    * ``quiz_minutes`` allows 30-40 s per question;
    * exactly one quiz is the builder's gate.
    """
    out: list[str] = []
    order = {lesson.id: n for n, lesson in enumerate(content.lessons)}
    for bank in content.quizzes:
        for q in bank.questions:
            if not q.lesson:
                out.append(
                    f"quizzes/{bank.id}.yaml: {q.id}: lesson: missing; name the lesson that "
                    "teaches it"
                )
    asked: set[str] = set()
    gates = 0
    for lesson in content.lessons:
        n_questions = 0
        for i, (lq, questions) in enumerate(lesson_questions(content, lesson.id)):
            gates += lq.gate
            n_questions += len(questions)
            asked.update(q.id for q in questions)
            pool = content.quiz[lq.bank].questions if lq.draw is not None else questions
            for q in pool:
                if q.lesson in order and order[q.lesson] > order[lesson.id]:
                    how = "draws from a bank with" if lq.draw is not None else "asks"
                    out.append(
                        f"lessons.yaml: {lesson.id}: quizzes[{i}]: {how} '{q.id}', taught "
                        f"later in {q.lesson}"
                    )
        low, high = (n_questions * s / 60 for s in SECONDS_PER_QUESTION)
        if n_questions and not math.floor(low) <= lesson.quiz_minutes <= math.ceil(high):
            out.append(
                f"lessons.yaml: {lesson.id}: quiz_minutes: {lesson.quiz_minutes} min for "
                f"{n_questions} questions; allow {math.floor(low)}-{math.ceil(high)} min "
                f"({SECONDS_PER_QUESTION[0]}-{SECONDS_PER_QUESTION[1]} s a question)"
            )
        if not n_questions and lesson.quiz_minutes:
            out.append(
                f"lessons.yaml: {lesson.id}: quiz_minutes: {lesson.quiz_minutes} min but the "
                "lesson has no quiz"
            )
    for bank in content.quizzes:
        for q in bank.questions:
            if q.id not in asked:
                out.append(
                    f"quizzes/{bank.id}.yaml: {q.id}: (question): never asked: no lesson quiz "
                    "lists or draws it"
                )
    if gates != 1:
        out.append(
            f"lessons.yaml: (all): quizzes: {gates} quizzes marked gate: true; exactly one "
            "(the quiz that opens the routine builder) is needed"
        )
    return out


def measure_lint(content: Content) -> list[str]:
    """Everything that keeps the banks a measure of understanding: the guessers (on every bank
    and on the gate quiz), the key balance, the lesson order and the size of the course's
    banks."""
    out: list[str] = []
    for bank in content.quizzes:
        out += guessers(bank).problems()
        out += key_balance(bank)
    out += lesson_lint(content)
    out += [p for g in lesson_guessers(content) if g.quiz.gate for p in g.report.problems()]
    total = len(content.questions)
    if total < MIN_TOTAL_QUESTIONS:
        out.append(
            f"quizzes: (all): questions: {total} in all, the course needs at least "
            f"{MIN_TOTAL_QUESTIONS}"
        )
    # The gate's bank (the safety quiz) must be deep enough to draw reviews from.
    safety = content.quiz[gate_quiz(content)[1].bank]
    if len(safety.questions) < MIN_SAFETY_QUESTIONS:
        out.append(
            f"quizzes/{safety.id}.yaml: (bank): questions: {len(safety.questions)}, the safety "
            f"bank needs at least {MIN_SAFETY_QUESTIONS}"
        )
    return out
