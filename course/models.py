"""Typed models of the course content, and the loader that reads them from YAML.

The subject lives once, as YAML under ``course/content/``. Everything else (the safety
gate, the routine builder, the quizzes, the lessons) reads it through these models, so a
typo in a content file must be caught here, with a message that names the file, the entry
and the field. A bare pydantic traceback would leave a course author guessing, which is
why :func:`load_content` turns every problem into one :class:`ContentError` line.
"""

from __future__ import annotations

import os
import stat
import types
import typing
from collections.abc import Iterable
from enum import StrEnum
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

CONTENT_DIR = Path(__file__).parent / "content"

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]*$", min_length=1, max_length=60)]
Text = Annotated[str, Field(min_length=1)]
PRESSURE_MAX = 10
Pressure = Annotated[int, Field(ge=0, le=PRESSURE_MAX)]


class Strict(BaseModel):
    """Base for every content model: unknown fields are errors, values are frozen.

    Forbidding extra fields turns a misspelt key (``secconds:``) into an error instead of a
    silently ignored line.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- sources -----------------------------------------------------------------------------


class SourceKind(StrEnum):
    """What kind of document a source is: a learner weighs a trial and a clinic blog differently,
    so the course says which it is (and counts them in ``python -m course check``)."""

    SYSTEMATIC_REVIEW = "systematic_review"  # systematic review or meta-analysis
    NARRATIVE_REVIEW = "narrative_review"
    TRIAL = "trial"  # randomised or controlled trial, crossover study
    OBSERVATIONAL = "observational"  # survey, cohort, cross-sectional study
    LAB_STUDY = "lab_study"  # physiology, animal or modelling study
    CASE_REPORT = "case_report"
    GUIDELINE = "guideline"  # guidance or patient information of a health service or agency
    COMMENTARY = "commentary"  # a science writer's or critic's review of studies
    PRACTITIONER_PAGE = "practitioner_page"  # a clinic's or therapist's own page or blog
    CONSUMER_PAGE = "consumer_page"  # health website, secondary copy, news summary
    FORUM = "forum"
    POPULAR_ARTICLE = "popular_article"  # the magazine article the course corrects

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


# Kinds that are weak by nature: a source of one of these kinds must carry ``weak: true``.
WEAK_KINDS = frozenset(
    {
        SourceKind.PRACTITIONER_PAGE,
        SourceKind.CONSUMER_PAGE,
        SourceKind.FORUM,
        SourceKind.POPULAR_ARTICLE,
    }
)


class Source(Strict):
    """One reference, as structured data a reader can follow up.

    ``authors`` (or ``organisation`` for a page with no named author), ``year`` and ``title``
    are what :func:`course.sources.lint_sources` insists on; ``doi``, ``pmid``, ``pmcid`` and
    ``url`` are the identifiers a reader types into a search box. ``weak`` marks blogs, forums,
    consumer pages and copies: a claim resting on weak sources only must say "practitioners
    advise". ``undated`` is an explicit "n.d." for a living web page whose date could not be
    checked; ``unverified`` names fields that could not be checked offline (shown, counted).

    The schema leaves the fields optional so that a draft source still loads and the lint can
    name every gap at once; a bare ``citation`` string (older content, quick tests) is read as
    the title.
    """

    id: Id
    authors: list[Text] = Field(default_factory=list)
    organisation: str = ""
    year: int | None = Field(default=None, ge=1800, le=2100)
    undated: bool = False
    title: str = ""
    venue: str = ""
    doi: str = Field(default="", pattern=r"^(10\.\d{4,9}/\S+)?$")
    pmid: str = Field(default="", pattern=r"^(\d{1,9})?$")
    pmcid: str = Field(default="", pattern=r"^(PMC\d+)?$")
    url: str = Field(default="", pattern=r"^(https?://\S+)?$")
    kind: SourceKind | None = None
    weak: bool = False
    unverified: list[Literal["authors", "year", "title", "venue", "url"]] = Field(
        default_factory=list
    )
    note: str = ""

    @model_validator(mode="before")
    @classmethod
    def _legacy_citation(cls, data: Any) -> Any:
        if isinstance(data, dict) and "citation" in data:
            data = dict(data)
            citation = data.pop("citation")
            data.setdefault("title", citation)
        return data

    @property
    def identifiers(self) -> list[tuple[str, str]]:
        """``[("DOI", "10.1136/..."), ("PMID", "123")]``: every identifier given, in order."""
        pairs = [("DOI", self.doi), ("PMID", self.pmid), ("PMCID", self.pmcid), ("URL", self.url)]
        return [(name, value) for name, value in pairs if value]

    @property
    def who(self) -> str:
        """Authors in Vancouver style (six, then "et al."), else the organisation."""
        if self.authors:
            names = self.authors[:6] + (["et al."] if len(self.authors) > 6 else [])
            return ", ".join(names)
        return self.organisation

    @property
    def citation(self) -> str:
        """One line a reader can follow up: who (year). Title. Venue. Identifiers. Kind."""
        if self.year is not None:
            when = str(self.year)
        else:
            when = "year not verified" if "year" in self.unverified else "n.d."
        who = self.who or ("Authors not verified" if "authors" in self.unverified else "")
        parts = [f"{who} ({when})." if who else f"({when})."]
        if self.title:
            parts.append(self.title.rstrip(".") + ".")
        if self.venue:
            parts.append(self.venue.rstrip(".") + ".")
        parts += [f"{name.lower() if name == 'DOI' else name}: {value}"
                  if name != "URL" else value for name, value in self.identifiers]
        if self.kind is not None:
            parts.append(f"[{self.kind.label}]")
        return " ".join(p for p in parts if p)


# --- areas of the leg --------------------------------------------------------------------


class Side(StrEnum):
    FRONT = "front"
    BACK = "back"
    BOTH = "both"


class Area(Strict):
    """A part of the leg on the leg map.

    ``never`` areas (the hollow of the knee, the inner thigh and groin) hold nerves and large
    vessels: no routine ever works on them, whatever the learner picks. ``side`` says on
    which view of the leg map (front, back or both) the area is drawn; the drawing check
    (:func:`course.figures.data.check`) holds the map to it.
    """

    id: Id
    name: Text
    side: Side
    never: bool = False
    max_pressure: Pressure = 10
    note: str = ""


# --- techniques --------------------------------------------------------------------------


class Phase(StrEnum):
    WARM_UP = "warm_up"
    MAIN = "main"
    FINISH = "finish"


class Step(Strict):
    """One timed step of a technique, on one or more areas.

    ``areas`` are the areas the step works on. ``touches`` are areas it covers without working
    them (a warm towel wrapped round the lower leg also covers the ankle and the shin), and
    ``starts_at`` is where the hands or the ball start when that is not one of ``areas``: a
    step is never placed on a leg where any of these is kept out, unless ``start_elsewhere``
    gives an instruction that starts somewhere else. ``position`` names the body position,
    so a screening answer can exclude it (pregnancy: no lying flat on the back).
    """

    id: Id
    instruction: Text
    areas: list[Id] = Field(min_length=1)
    touches: list[Id] = Field(default_factory=list)
    starts_at: Id | None = None
    start_elsewhere: str = ""
    position: Id
    seconds: int = Field(gt=0, le=600)
    min_seconds: int = Field(default=15, gt=0, le=600)
    # A step that does not get better longer (taking hold of the foot) stops growing here
    # when a long routine shares out its time; the other steps take the rest.
    max_seconds: int | None = Field(default=None, gt=0, le=3600)

    @model_validator(mode="after")
    def _min_not_above_base(self) -> Step:
        if self.min_seconds > self.seconds:
            raise ValueError(
                f"min_seconds ({self.min_seconds}) is more than seconds ({self.seconds})"
            )
        if self.max_seconds is not None and self.max_seconds < self.seconds:
            raise ValueError(
                f"max_seconds ({self.max_seconds}) is less than seconds ({self.seconds})"
            )
        return self


class Technique(Strict):
    """A self-massage technique: what it works on, how hard, with what, in which position."""

    id: Id
    name: Text
    phase: Phase
    summary: Text
    steps: list[Step] = Field(min_length=1)
    pressure_min: Pressure
    pressure_max: Pressure
    equipment: list[Id] = Field(default_factory=list)
    positions: list[Text] = Field(min_length=1)
    cautions: list[Text] = Field(default_factory=list)
    avoid: list[Id] = Field(default_factory=list)
    needs_heat: bool = False
    sources: list[Id] = Field(default_factory=list)

    @model_validator(mode="after")
    def _pressure_range(self) -> Technique:
        if self.pressure_min > self.pressure_max:
            raise ValueError(
                f"pressure_min ({self.pressure_min}) is more than "
                f"pressure_max ({self.pressure_max})"
            )
        ids = [s.id for s in self.steps]
        if len(ids) != len(set(ids)):
            raise ValueError(f"step ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
        return self

    @property
    def areas(self) -> list[str]:
        """Every area any step works on, in first-seen order."""
        seen: dict[str, None] = {}
        for step in self.steps:
            seen.update(dict.fromkeys(step.areas))
        return list(seen)

    @property
    def seconds(self) -> int:
        return sum(s.seconds for s in self.steps)


# --- contraindications -------------------------------------------------------------------


class Effect(StrEnum):
    """The headline of a contraindication, as the lessons group them (stop, area, caution).

    The detailed effect on a routine is in the other fields of :class:`Contraindication`
    (``hold``, ``exclude``, ``max_pressure``, ``no_heat``); ``effect`` says which group the
    lessons and the checklist show it in, and ``stop`` / ``area`` also act.
    """

    STOP = "stop"  # stop everything, no routine
    AREA = "area"  # keep an area out of every routine
    CAUTION = "caution"  # lighter pressure and advice first


class Hold(StrEnum):
    """What waits for a clinician's OK ("a clinician has said gentle self-massage is fine")."""

    NONE = "none"
    LEG = "leg"  # the leg(s) the answer names wait; the other leg may be planned
    ALL = "all"  # no routine at all until cleared


class Exclude(Strict):
    """Techniques, steps (``technique.step``) or body positions a condition leaves out."""

    techniques: list[Id] = Field(default_factory=list)
    steps: list[Annotated[str, Field(pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")]] = Field(
        default_factory=list
    )
    positions: list[Id] = Field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.techniques or self.steps or self.positions)


class Urgency(StrEnum):
    EMERGENCY = "emergency"  # call emergency services now
    SAME_DAY = "same_day"  # same-day medical assessment
    SEE_CLINICIAN = "see_clinician"  # book a clinician before massaging
    NONE = "none"


class Contraindication(Strict):
    """A reason not to massage, or to massage less, phrased as a screening question."""

    id: Id
    name: Text
    question: Text
    effect: Effect
    level: Text
    why: Text
    instead: Text
    urgency: Urgency = Urgency.NONE
    red_flags: list[Text] = Field(default_factory=list)
    # asks_where: the learner names the areas (and the leg); asks_side: only the leg.
    asks_where: bool = False
    asks_side: bool = False
    # Strength 2: wait for a clinician's OK (the named leg, or everything).
    hold: Hold = Hold.NONE
    # Strength 3: the named areas stay out (never worked, heated or started on).
    keep_out: bool = False
    # Strength 4: techniques, steps or positions left out (for the whole routine).
    exclude: Exclude = Field(default_factory=Exclude)
    # Strength 5: pressure at most N on the named leg(s), also after clearance.
    max_pressure: Pressure | None = None
    # An objective cue that replaces the number where the skin cannot judge pressure.
    pressure_cue: str = ""
    no_heat: bool = False
    sources: list[Id] = Field(default_factory=list)

    @model_validator(mode="after")
    def _effect_fields(self) -> Contraindication:
        if self.effect is Effect.AREA and not self.asks_where:
            raise ValueError("effect 'area' needs asks_where: true (which area to keep out?)")
        if self.keep_out and not self.asks_where:
            raise ValueError("keep_out needs asks_where: true (which area to keep out?)")
        if self.effect is Effect.STOP and self.max_pressure is not None:
            raise ValueError("effect 'stop' takes no max_pressure (nothing is massaged)")
        acts = (self.max_pressure is not None or self.no_heat or self.hold is not Hold.NONE
                or bool(self.exclude))
        if self.effect is Effect.CAUTION and not acts:
            raise ValueError("effect 'caution' needs max_pressure, no_heat, hold or exclude")
        return self

    @property
    def keeps_out(self) -> bool:
        """Whether the answered areas stay out (every 'area' condition does)."""
        return self.keep_out or self.effect is Effect.AREA

    @property
    def asks_leg(self) -> bool:
        """Whether the answer names a leg (left, right or both)."""
        return self.asks_where or self.asks_side


class Escalation(Strict):
    """A combination of answers that is more urgent than each answer alone.

    ``when`` is a list of groups: the rule fires when at least one answer of *every* group is
    given (pregnancy or recent surgery, AND leg pain). Firing can only add a stop and raise
    the urgency, so adding an answer never makes the result less strict.
    """

    id: Id
    name: Text
    when: list[list[Id]] = Field(min_length=2)
    stop: bool = True
    urgency: Urgency
    advice: Text
    sources: list[Id] = Field(min_length=1)


# --- goals ------------------------------------------------------------------------------


class Goal(Strict):
    """What a routine is for; its weights share the time out between techniques."""

    id: Id
    name: Text
    description: Text
    pressure_cap: Pressure
    weights: dict[Id, Annotated[float, Field(ge=0, le=10)]] = Field(min_length=1)
    reasons: dict[Id, Text] = Field(min_length=1)


# --- benefits, faq, lessons --------------------------------------------------------------


class Level(StrEnum):
    STRONG = "strong"
    MODERATE = "moderate"
    LIMITED = "limited"
    NOT_SUPPORTED = "not_supported"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def rank(self) -> int:
        """3 for strong down to 0 for not supported: used to sort and to plot."""
        return [Level.NOT_SUPPORTED, Level.LIMITED, Level.MODERATE, Level.STRONG].index(self)


class ScopedLevel(Strict):
    """The evidence level for one group or setting, e.g. ``limited`` for ``self`` massage.

    ``scope`` is the short qualifier the evidence chart prints in brackets: "limited (self)".
    """

    scope: Annotated[str, Field(min_length=1, max_length=20)]
    level: Level


class Benefit(Strict):
    """A claimed benefit of leg massage, with what the evidence actually says.

    ``level`` is the best evidence found for the claim. When it holds only for some people or
    some kind of massage (therapist massage, lymphoedema), ``scoped`` lists the level for each,
    the one that applies to this course's learners first, so the chart never shows the best
    case without its qualifier.
    """

    id: Id
    name: Text
    claim: Text
    explanation: Text
    evidence: Text
    level: Level
    level_note: str = ""
    scoped: list[ScopedLevel] = Field(default_factory=list)
    corrects: str = ""
    sources: list[Id] = Field(min_length=1)

    @model_validator(mode="after")
    def _level_is_the_best_scoped_level(self) -> Benefit:
        if self.scoped:
            best = max(self.scoped, key=lambda s: s.level.rank).level
            if best is not self.level:
                raise ValueError(
                    f"level ({self.level.value}) must be the best of the scoped levels "
                    f"({best.value})"
                )
            scopes = [s.scope for s in self.scoped]
            if len(scopes) != len(set(scopes)):
                raise ValueError(f"scoped: a scope repeats: {scopes}")
        return self

    @property
    def learner_level(self) -> Level:
        """The level for this course's learners: healthy people massaging their own legs.

        That is the first scoped level when there are any (``stress`` gives ``limited``, for
        self-massage; ``lymphatic`` gives ``not_supported``, for healthy people), else
        ``level``. Practice 2 checks "what is not supported for you" against this, so the
        best case measured in other people never passes for the learner's own.
        """
        return self.scoped[0].level if self.scoped else self.level

    @property
    def level_text(self) -> str:
        """``"limited (self) / moderate (therapist)"``, or the plain level label."""
        if not self.scoped:
            return self.level.label
        return " / ".join(f"{s.level.label} ({s.scope})" for s in self.scoped)


class Note(Strict):
    """A short note that belongs to no single entry (e.g. silent clots and risk factors)."""

    id: Id
    text: Text
    sources: list[Id] = Field(min_length=1)


class Faq(Strict):
    id: Id
    question: Text
    popular_answer: Text
    answer: Text
    sources: list[Id] = Field(default_factory=list)


class LessonQuiz(Strict):
    """A lesson's check for understanding: which bank, and which of its questions.

    Either ``questions`` lists them (shown in that order) or ``draw`` picks that many from the
    whole bank with ``seed`` (a review at the end, where everything has been taught). The
    lint holds both to the lesson order: no quiz asks what a later lesson teaches. ``gate``
    marks the quiz whose pass opens the routine builder (exactly one in the course), so no
    Python names the gate's questions.
    """

    bank: Id
    questions: list[Id] = Field(default_factory=list)
    draw: int | None = Field(default=None, gt=0, le=200)
    seed: int = 0
    gate: bool = False

    @model_validator(mode="after")
    def _questions_or_draw(self) -> LessonQuiz:
        if bool(self.questions) == (self.draw is not None):
            raise ValueError("give either questions (a list of ids) or draw (how many), not both")
        if len(self.questions) != len(set(self.questions)):
            twice = sorted({q for q in self.questions if self.questions.count(q) > 1})
            raise ValueError(f"questions repeat: {twice}")
        return self

    @property
    def size(self) -> int:
        """How many questions a sitting of this quiz asks (for timings)."""
        return self.draw if self.draw is not None else len(self.questions)


class Lesson(Strict):
    """One notebook of the course, with the Carpentries-style episode header.

    ``quiz_minutes`` is the time the lesson's quizzes take, kept apart from the hands-on
    practice so the lint can hold it to the number of questions (about 30-40 s each).
    """

    id: Id
    title: Text
    objectives: list[Text] = Field(min_length=1)
    teaching_minutes: int = Field(ge=0, le=240)
    practice_minutes: int = Field(ge=0, le=240)
    quiz_minutes: int = Field(default=0, ge=0, le=120)
    key_points: list[Text] = Field(min_length=1)
    instructor_notes: list[Text] = Field(default_factory=list)
    benefits: list[Id] = Field(default_factory=list)
    techniques: list[Id] = Field(default_factory=list)
    contraindications: list[Id] = Field(default_factory=list)
    faq: list[Id] = Field(default_factory=list)
    quizzes: list[LessonQuiz] = Field(default_factory=list)
    # The workshop agenda (course.instructor.agenda): a ``required`` lesson is always taught,
    # however short the workshop; ``keep_practice`` keeps its practice (and quiz) in the room
    # too; an optional lesson with a lower ``priority`` gets time first (none: after them all).
    required: bool = False
    keep_practice: bool = False
    priority: int | None = Field(default=None, ge=1, le=99)

    @model_validator(mode="after")
    def _agenda_fields(self) -> Lesson:
        if self.keep_practice and not self.required:
            raise ValueError("keep_practice needs required: true (only a required lesson's "
                             "practice is sure to stay in the room)")
        if self.required and self.priority is not None:
            raise ValueError("a required lesson takes no priority (it is always taught)")
        return self

    @property
    def minutes(self) -> int:
        return self.teaching_minutes + self.practice_minutes + self.quiz_minutes

    @property
    def number(self) -> str:
        """``"05"`` for ``05_when_not_to_massage``: how the lessons name each other."""
        return self.id.split("_", 1)[0]

    @property
    def banks(self) -> list[str]:
        """The ids of the banks this lesson's quizzes ask from, in order, without repeats."""
        return list(dict.fromkeys(q.bank for q in self.quizzes))


# --- quizzes -----------------------------------------------------------------------------


class Kind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    SCENARIO = "scenario"


class Option(Strict):
    """One answer option. ``misconception`` (wrong options) names the mistake people really
    make that the option stands for: the lint asks it of every wrong option of a
    multiple-answer question, so "pick all but the silly one" cannot work."""

    id: Id
    text: Text
    correct: bool = False
    feedback: str = ""
    misconception: str = ""


class Question(Strict):
    """A quiz question. Every option explains itself, right or wrong."""

    id: Id
    kind: Kind
    topic: Literal["contraindications", "benefits", "techniques", "pressure"]
    prompt: Text
    scenario: str = ""
    options: list[Option] = Field(min_length=2)
    explanation: Text
    sources: list[Id] = Field(min_length=1)
    about: list[Id] = Field(default_factory=list)
    # The lesson that teaches what the question asks (checked against lessons.yaml; the lint
    # requires it and fails when a lesson's quiz asks a question a later lesson teaches).
    lesson: str = ""


class QuizBank(Strict):
    id: Id
    title: Text
    pass_mark: float = Field(default=0.8, gt=0, le=1)
    questions: list[Question] = Field(min_length=1)


# --- the whole course --------------------------------------------------------------------


class Content(Strict):
    """All the content, cross-checked. Look entries up by id with the ``*_by_id`` maps."""

    sources: list[Source]
    areas: list[Area]
    techniques: list[Technique]
    goals: list[Goal]
    contraindications: list[Contraindication]
    risk_factors: list[Contraindication] = Field(default_factory=list)
    escalations: list[Escalation] = Field(default_factory=list)
    benefits: list[Benefit]
    faq: list[Faq]
    notes: list[Note]
    lessons: list[Lesson]
    quizzes: list[QuizBank] = Field(default_factory=list)
    equipment: dict[Id, Text] = Field(default_factory=dict)
    positions: dict[Id, Text] = Field(default_factory=dict)

    def by_id(self, kind: str) -> dict[str, Any]:
        return {item.id: item for item in getattr(self, kind)}

    @cached_property
    def area(self) -> dict[str, Area]:
        return self.by_id("areas")

    @cached_property
    def technique(self) -> dict[str, Technique]:
        return self.by_id("techniques")

    @cached_property
    def goal(self) -> dict[str, Goal]:
        return self.by_id("goals")

    @cached_property
    def contraindication(self) -> dict[str, Contraindication]:
        return self.by_id("contraindications")

    @cached_property
    def screening_items(self) -> list[Contraindication]:
        """Every screening question: the contraindications, then the risk factors."""
        return [*self.contraindications, *self.risk_factors]

    @cached_property
    def screening_item(self) -> dict[str, Contraindication]:
        return {x.id: x for x in self.screening_items}

    @cached_property
    def benefit(self) -> dict[str, Benefit]:
        return self.by_id("benefits")

    @cached_property
    def note(self) -> dict[str, Note]:
        return self.by_id("notes")

    @cached_property
    def lesson(self) -> dict[str, Lesson]:
        return self.by_id("lessons")

    @cached_property
    def quiz(self) -> dict[str, QuizBank]:
        return self.by_id("quizzes")

    @cached_property
    def source(self) -> dict[str, Source]:
        return self.by_id("sources")

    @cached_property
    def questions(self) -> list[Question]:
        return [q for bank in self.quizzes for q in bank.questions]


class ContentError(ValueError):
    """Content that does not load. ``problems`` holds one line per fault, each naming
    ``file: entry: field: what is wrong``."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# Which file holds which list, and the model of one entry of it.
FILES: dict[str, tuple[str, type[Strict]]] = {
    "sources": ("sources.yaml", Source),
    "areas": ("areas.yaml", Area),
    "techniques": ("techniques.yaml", Technique),
    "goals": ("goals.yaml", Goal),
    "contraindications": ("contraindications.yaml", Contraindication),
    "risk_factors": ("risk_factors.yaml", Contraindication),
    "escalations": ("escalations.yaml", Escalation),
    "benefits": ("benefits.yaml", Benefit),
    "faq": ("faq.yaml", Faq),
    "notes": ("notes.yaml", Note),
    "lessons": ("lessons.yaml", Lesson),
}
# Top-level keys a file may hold beside its list (anything else is a misspelt or stray key).
EXTRA_TOP_LEVEL: dict[str, set[str]] = {"techniques": {"equipment", "positions"}}


def _where(loc: tuple[Any, ...]) -> str:
    """``('steps', 2, 'seconds')`` -> ``steps[2].seconds``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _message(err: dict[str, Any]) -> str:
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        return "unknown field (misspelt?)"
    if err["type"] == "missing":
        return "is missing"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if msg.startswith("Input should be greater than"):
        msg = "must be > " + msg.rsplit(" ", 1)[-1]
    return msg


# Limits on what a content file may be, checked before PyYAML sees it: PyYAML is pure Python,
# so 52 MB of entries would take minutes, and a FIFO at a content path would block for ever.
MAX_CONTENT_BYTES = 2 * 1024 * 1024
MAX_INT_DIGITS = 30
MAX_DEPTH = 50
MAX_ALIASES = 100


class _Loader(yaml.SafeLoader):
    """``yaml.safe_load`` with the silent cases made errors: a key given twice in one
    mapping (PyYAML keeps the last), an integer of absurd length (Python refuses to
    convert more than 4,300 digits with a ValueError), nesting deeper than any content."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        self.flatten_mapping(node)
        seen: dict[Any, Any] = {}
        entry = next(
            (
                v.value
                for k, v in node.value
                if isinstance(k, yaml.ScalarNode) and k.value == "id"
                and isinstance(v, yaml.ScalarNode)
            ),
            None,
        )
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, list | dict):
                continue  # unhashable: the base class reports it
            if key in seen:
                where = f" in entry '{entry}'" if entry else ""
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key '{key}'{where} (the second would silently replace the "
                    "first)",
                    key_node.start_mark,
                )
            seen[key] = True
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        digits = sum(ch.isdigit() for ch in str(node.value))
        if digits > MAX_INT_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"a number with {digits} digits (at most {MAX_INT_DIGITS})",
                node.start_mark,
            )
        return super().construct_yaml_int(node)

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", mark
                )
            if self.check_event(yaml.AliasEvent):
                # Aliases share one object, but validation walks every reference: a few
                # lines of nested aliases ("billion laughs") would take for ever.
                self._aliases = getattr(self, "_aliases", 0) + 1
                if self._aliases > MAX_ALIASES:
                    mark = self.peek_event().start_mark
                    raise yaml.composer.ComposerError(
                        None, None, f"more than {MAX_ALIASES} aliases (*name)", mark
                    )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def _read_yaml(path: Path, label: str) -> tuple[Any, list[str]]:
    """Read one content file: only a regular file under the size limit, parsed with
    :class:`_Loader`; every problem is one line naming the file (and line, if known)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None, [f"{label}: file is missing"]
    except OSError as exc:
        return None, [f"{label}: cannot be read ({exc.strerror or exc})"]
    if not stat.S_ISREG(info.st_mode):
        return None, [f"{label}: is not a regular file (a folder, pipe or device); not read"]
    if info.st_size > MAX_CONTENT_BYTES:
        return None, [
            f"{label}: is {info.st_size} bytes, more than the {MAX_CONTENT_BYTES // 1024 // 1024}"
            " MB a content file may be; not read"
        ]
    try:
        # O_NONBLOCK: if the file was swapped for a FIFO since the check, open does not wait.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            raw = fh.read(MAX_CONTENT_BYTES + 1)
        if len(raw) > MAX_CONTENT_BYTES:
            return None, [f"{label}: is more than {MAX_CONTENT_BYTES} bytes; not read"]
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{label}: cannot be read ({exc})"]
    try:
        return yaml.load(text, Loader=_Loader), []  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [f"{label}: not valid YAML{where}: {problem}"]
    except (RecursionError, ValueError) as exc:  # a last net under the loader's own limits
        return None, [f"{label}: not valid YAML: {str(exc).splitlines()[0][:120]}"]


def _types(annotation: Any) -> list[Any]:
    """The types a field annotation allows: ``Annotated`` and unions unwrapped."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _types(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _types(arg)]
    return [annotation]


def _bools_for_numbers(
    raw: Any, annotation: Any, loc: tuple[Any, ...] = ()
) -> list[tuple[tuple[Any, ...], str]]:
    """Where the YAML says ``true``/``false`` but the field wants a number. Pydantic would
    quietly read ``seconds: true`` as 1, so the loader finds these first, walking the raw
    data along the model's field types (the models themselves stay as they are)."""
    out: list[tuple[tuple[Any, ...], str]] = []
    for t in _types(annotation):
        if isinstance(t, type) and issubclass(t, BaseModel):
            if isinstance(raw, dict):
                for name, field in t.model_fields.items():
                    if name in raw:
                        out += _bools_for_numbers(raw[name], field.annotation, (*loc, name))
            return out
    if isinstance(raw, bool):
        allowed = _types(annotation)
        if bool not in allowed and Any not in allowed and {int, float} & set(allowed):
            word = "true" if raw else "false"
            out.append((loc, f"{word} is not a number (YAML reads it as yes/no; write a number)"))
        return out
    for t in _types(annotation):
        origin, args = typing.get_origin(t), typing.get_args(t)
        if origin is list and isinstance(raw, list) and args:
            for i, item in enumerate(raw):
                out += _bools_for_numbers(item, args[0], (*loc, i))
            return out
        if origin is dict and isinstance(raw, dict) and len(args) == 2:
            for k, item in raw.items():
                out += _bools_for_numbers(item, args[1], (*loc, str(k)))
            return out
    return out


def _entries(data: Any, key: str, label: str, model: type[Strict]) -> tuple[list, list[str]]:
    """Validate a YAML list of entries, collecting one message per bad field."""
    if data is None:
        return [], [f"{label}: is empty (expected a list under '{key}:')"]
    top: list[str] = []
    if isinstance(data, dict):
        allowed = {key} | EXTRA_TOP_LEVEL.get(key, set())
        top = [
            f"{label}: (file): {k}: unknown top-level key (expected {', '.join(sorted(allowed))})"
            for k in data
            if k not in allowed
        ]
        if key in data:
            data = data[key]
    if not isinstance(data, list):
        return [], [*top, f"{label}: expected a list of entries under '{key}:'"]
    items, problems = [], top
    for index, raw in enumerate(data):
        name = raw.get("id") if isinstance(raw, dict) else None
        entry = name if isinstance(name, str) and name else f"entry {index + 1}"
        if not isinstance(raw, dict):
            problems.append(f"{label}: {entry}: expected a mapping of fields")
            continue
        bools = _bools_for_numbers(raw, model)
        problems += [f"{label}: {entry}: {_where(loc)}: {msg}" for loc, msg in bools]
        try:
            item = model.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                field = _where(err["loc"]) or "(entry)"
                problems.append(f"{label}: {entry}: {field}: {_message(err)}")
        else:
            if not bools:
                items.append(item)
    problems += [f"{label}: {dup}: id: is used more than once"
                 for dup in _repeats([i.id for i in items])]
    return items, problems


SINGULAR = {
    "areas": "area",
    "techniques": "technique",
    "contraindications": "contraindication",
    "escalations": "escalation rule",
    "risk_factors": "risk factor",
    "benefits": "benefit",
    "faq": "faq entry",
    "quizzes": "quiz bank",
    "sources": "source",
    "goals": "goal",
    "lessons": "lesson",
    "notes": "note",
}


def _check_refs(c: dict[str, Any]) -> list[str]:
    """Cross-references: every id an entry names must exist in the file it points into."""
    problems: list[str] = []
    ids = {k: {i.id for i in v} for k, v in c.items() if isinstance(v, list)}
    equipment = set(c.get("equipment", {}))

    def need(label: str, entry: str, field: str, values: Iterable[str], kind: str) -> None:
        for value in values:
            if value not in ids.get(kind, set()):
                problems.append(f"{label}: {entry}: {field}: unknown {SINGULAR[kind]} '{value}'")

    for t in c["techniques"]:
        for n, step in enumerate(t.steps):
            need("techniques.yaml", t.id, f"steps[{n}].areas", step.areas, "areas")
            never = [a for a in step.areas if a in ids["areas"] and _is_never(c, a)]
            for a in never:
                problems.append(
                    f"techniques.yaml: {t.id}: steps[{n}].areas: '{a}' is never massaged"
                )
        need("techniques.yaml", t.id, "avoid", t.avoid, "areas")
        need("techniques.yaml", t.id, "sources", t.sources, "sources")
        for e in t.equipment:
            if e not in equipment:
                problems.append(f"techniques.yaml: {t.id}: equipment: unknown equipment '{e}'")
    for g in c["goals"]:
        need("goals.yaml", g.id, "weights", g.weights, "techniques")
        need("goals.yaml", g.id, "reasons", g.reasons, "techniques")
        for t in c["techniques"]:
            if t.id not in g.reasons:
                problems.append(f"goals.yaml: {g.id}: reasons: no reason for technique '{t.id}'")
    positions = set(c.get("positions", {}))
    steps = {f"{t.id}.{s.id}" for t in c["techniques"] for s in t.steps}
    for t in c["techniques"]:
        for n, step in enumerate(t.steps):
            need("techniques.yaml", t.id, f"steps[{n}].touches", step.touches, "areas")
            if step.starts_at is not None:
                need("techniques.yaml", t.id, f"steps[{n}].starts_at", [step.starts_at], "areas")
            if step.position not in positions:
                problems.append(f"techniques.yaml: {t.id}: steps[{n}].position: "
                                f"unknown position '{step.position}'")
    screening_ids = {x.id for x in [*c["contraindications"], *c.get("risk_factors", [])]}
    for key in ("contraindications", "risk_factors"):
        label = FILES[key][0]
        for x in c.get(key, []):
            need(label, x.id, "sources", x.sources, "sources")
            need(label, x.id, "exclude.techniques", x.exclude.techniques, "techniques")
            for value in x.exclude.steps:
                if value not in steps:
                    problems.append(f"{label}: {x.id}: exclude.steps: unknown step '{value}'")
            for value in x.exclude.positions:
                if value not in positions:
                    problems.append(
                        f"{label}: {x.id}: exclude.positions: unknown position '{value}'")
    clash = sorted(x.id for x in c.get("risk_factors", [])
                   if x.id in {y.id for y in c["contraindications"]})
    for dup in clash:
        problems.append(f"risk_factors.yaml: {dup}: id: is also a contraindication")
    for e in c.get("escalations", []):
        need("escalations.yaml", e.id, "sources", e.sources, "sources")
        for n, group in enumerate(e.when):
            for value in group:
                if value not in screening_ids:
                    problems.append(f"escalations.yaml: {e.id}: when[{n}]: "
                                    f"unknown screening answer '{value}'")
    for b in c["benefits"]:
        need("benefits.yaml", b.id, "sources", b.sources, "sources")
    for f in c["faq"]:
        need("faq.yaml", f.id, "sources", f.sources, "sources")
    for n in c["notes"]:
        need("notes.yaml", n.id, "sources", n.sources, "sources")
    for lesson in c["lessons"]:
        for field in ("benefits", "techniques", "contraindications", "faq"):
            need("lessons.yaml", lesson.id, field, getattr(lesson, field), field)
        qids = {q.id for bank in c["quizzes"] for q in bank.questions}
        for n, lq in enumerate(lesson.quizzes):
            need("lessons.yaml", lesson.id, f"quizzes[{n}].bank", [lq.bank], "quizzes")
            bank_qids = {q.id for b in c["quizzes"] if b.id == lq.bank for q in b.questions}
            for qid in lq.questions:
                if qid not in qids:
                    problems.append(
                        f"lessons.yaml: {lesson.id}: quizzes[{n}].questions: unknown question "
                        f"'{qid}'"
                    )
                elif qid not in bank_qids:
                    problems.append(
                        f"lessons.yaml: {lesson.id}: quizzes[{n}].questions: '{qid}' is not in "
                        f"bank '{lq.bank}'"
                    )
    for bank in c["quizzes"]:
        label = f"quizzes/{bank.id}.yaml"
        for q in bank.questions:
            need(label, q.id, "sources", q.sources, "sources")
            known = (ids["contraindications"] | ids.get("risk_factors", set())
                     | ids.get("escalations", set()) | ids["benefits"] | ids["techniques"]
                     | ids["areas"])
            for a in q.about:
                if a not in known:
                    problems.append(f"{label}: {q.id}: about: unknown content id '{a}'")
            if q.lesson and q.lesson not in ids["lessons"]:
                problems.append(f"{label}: {q.id}: lesson: unknown lesson '{q.lesson}'")
    return problems


def _is_never(c: dict[str, Any], area_id: str) -> bool:
    return any(a.never for a in c["areas"] if a.id == area_id)


def load_content(content_dir: Path | str | None = None) -> Content:
    """Read, validate and cross-check every content file.

    Raises :class:`ContentError` carrying every problem found (not only the first), so an
    author fixes a file in one pass.
    """
    root = Path(content_dir) if content_dir is not None else CONTENT_DIR
    c, problems = _read_lists(root)
    c["quizzes"], bank_problems = _read_banks(root / "quizzes")
    problems += bank_problems
    problems += _check_gate(c["lessons"])
    problems += _check_sense(c)
    if not problems:
        problems += _check_refs(c)
    if problems:
        raise ContentError(problems)
    return Content(**c)


def _read_lists(root: Path) -> tuple[dict[str, Any], list[str]]:
    """Every file of :data:`FILES` as a list of validated entries (an empty list for a file
    that does not read), plus techniques.yaml's ``equipment`` and ``positions`` maps."""
    problems: list[str] = []
    c: dict[str, Any] = {}
    for key, (filename, model) in FILES.items():
        data, errs = _read_yaml(root / filename, filename)
        problems += errs
        c[key] = []
        if errs:
            continue
        if key == "techniques" and isinstance(data, dict):
            for name in sorted(EXTRA_TOP_LEVEL[key]):
                c[name], errs = _names(data, name, filename)
                problems += errs
        c[key], errs = _entries(data, key, filename, model)
        problems += errs
    return c, problems


def _names(data: dict, key: str, label: str) -> tuple[dict[str, str], list[str]]:
    """A top-level ``id: name`` mapping (equipment, positions); empty, with a problem, if the
    file holds something else there."""
    names = data.get(key, {})
    if isinstance(names, dict) and all(isinstance(v, str) for v in names.values()):
        return names, []
    return {}, [f"{label}: {key}: expected a mapping id -> name"]


def _repeats(ids: list[str]) -> list[str]:
    """The ids that occur more than once, sorted."""
    return sorted({i for i in ids if ids.count(i) > 1})


def _read_banks(quiz_dir: Path) -> tuple[list[QuizBank], list[str]]:
    """Every ``quizzes/*.yaml`` bank, validated, and the ids repeated across banks."""
    banks: list[QuizBank] = []
    problems: list[str] = []
    for path in sorted(quiz_dir.glob("*.yaml")) if quiz_dir.is_dir() else []:
        bank, errs = _read_bank(path, f"quizzes/{path.name}")
        problems += errs
        if bank is not None:
            banks.append(bank)
    qids = [q.id for bank in banks for q in bank.questions]
    problems += [f"quizzes: {dup}: id: is used more than once" for dup in _repeats(qids)]
    problems += [f"quizzes: {dup}: id: bank id is used more than once"
                 for dup in _repeats([b.id for b in banks])]
    return banks, problems


def _read_bank(path: Path, label: str) -> tuple[QuizBank | None, list[str]]:
    """One quiz bank, or None and one line per problem naming the question (by id, else by
    its place) and the field."""
    data, errs = _read_yaml(path, label)
    if errs:
        return None, errs
    if not isinstance(data, dict):
        return None, [f"{label}: expected a mapping with id, title and questions"]

    def problem(loc: tuple[Any, ...], message: str) -> str:
        entry = "(bank)"
        if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
            qs = data.get("questions") or []
            raw = qs[loc[1]] if isinstance(qs, list) and loc[1] < len(qs) else None
            qid = raw.get("id") if isinstance(raw, dict) else None
            entry = qid if isinstance(qid, str) else f"question {loc[1] + 1}"
            loc = loc[2:]
        return f"{label}: {entry}: {_where(loc) or '(entry)'}: {message}"

    problems = [problem(loc, msg) for loc, msg in _bools_for_numbers(data, QuizBank)]
    try:
        bank = QuizBank.model_validate(data)
    except ValidationError as exc:
        return None, problems + [problem(err["loc"], _message(err)) for err in exc.errors()]
    return (None if problems else bank), problems


def _check_gate(lessons: list[Lesson]) -> list[str]:
    """Exactly one lesson quiz carries ``gate: true``: the routine builder, the dashboard and
    the class report all judge the learner on that quiz (:func:`course.quiz.gate_quiz`)."""
    gates = [lesson.id for lesson in lessons for lq in lesson.quizzes if lq.gate]
    if len(gates) == 1 or not lessons:
        return []
    found = f"found {len(gates)}" + (f" (in {', '.join(gates)})" if gates else "")
    return [
        "lessons.yaml: (file): quizzes: the routine builder's gate needs exactly one lesson "
        f"quiz marked 'gate: true', {found}"
    ]


def _check_sense(c: dict[str, Any]) -> list[str]:
    """Values each valid alone that make no sense for the course: a goal that gives no
    technique any time, a caution that caps pressure at the top of the scale (caps nothing).
    Read with ``getattr`` so the checks hold whatever else the models grow."""
    problems = []
    top = PRESSURE_MAX
    for g in c.get("goals", []):
        if g.weights and all(w == 0 for w in g.weights.values()):
            problems.append(
                f"goals.yaml: {g.id}: weights: all are 0, so no technique would get any time"
            )
    for key in ("contraindications", "risk_factors"):
        label = FILES[key][0] if key in FILES else f"{key}.yaml"
        for x in c.get(key, []):
            cap = getattr(x, "max_pressure", None)
            if isinstance(cap, int) and cap >= top:
                problems.append(
                    f"{label}: {x.id}: max_pressure: {cap} is the top of the 0-{top} scale, "
                    "so it caps nothing; give a lower cap or leave it out"
                )
    return problems


@cache
def content() -> Content:
    """The course's own content, loaded once per process."""
    return load_content()
