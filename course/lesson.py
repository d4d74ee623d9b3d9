"""Static content views for the lessons: headers, key points, benefits, techniques, safety, FAQ.

Every view is built from the YAML content only; Python adds headings and labels, never lesson
text, so a correction to a benefit or a contraindication is one YAML edit that every notebook
picks up. Each view is a small document tree (:class:`Block` values) rendered three ways:

* HTML for Jupyter, with every YAML string passed through :func:`html.escape`, tables with
  ``scope`` on their headers and ``role="note"``/``role="alert"`` on the boxes; meaning is
  always carried by text (an evidence badge reads "Evidence: limited"), never by colour alone;
* Markdown, with Markdown punctuation backslash-escaped so YAML text cannot inject markup;
* plain text, for terminals and for ``text/plain`` in stored notebooks.

The output depends on the content alone (no clock, no database, no random ids), so notebooks
store it executed and ``pytest --nbval`` compares it exactly. The one interactive part, the
"Mark this lesson complete" button of :func:`key_points`, writes to the progress database only
when pressed; what it displays statically never reads the database.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from course.formats import clock
from course.markup import md as _md
from course.markup import squash as _plain
from course.models import Content, Contraindication, Effect, Source, Urgency, content

# The one-line form of course.DISCLAIMER shown under every lesson title.
SHORT_DISCLAIMER = "This course is no substitute for a health professional."

EFFECT_LABELS: dict[Effect, tuple[str, str]] = {
    Effect.STOP: ("Stop", "no massage at all; get the advice shown"),
    Effect.AREA: ("Keep the area out", "massage the rest of the leg, never that area"),
    Effect.CAUTION: (
        "Caution",
        "limits on pressure, techniques or heat; often a clinician's OK first",
    ),
}

URGENCY_LABELS: dict[Urgency, str] = {
    # NHS wording for a suspected lung clot (sources.yaml s67): name the numbers, and say
    # not to drive, which people in pain often try (content review §3 item 27).
    Urgency.EMERGENCY: (
        "Emergency: call an ambulance now (999 in the UK, 112 in the EU, 911 in the US); "
        "do not drive yourself"
    ),
    Urgency.SAME_DAY: "Same day: get a medical assessment today",
    Urgency.SEE_CLINICIAN: "See a clinician before any massage",
    Urgency.NONE: "Not urgent in itself",
}

LEVEL_MARKS = {0: "○○○", 1: "●○○", 2: "●●○", 3: "●●●"}


# --- a tiny document model -----------------------------------------------------------------

Inline = tuple[str, str]  # (style, text): style is "text", "strong", "em", "cite" or "badge"
Line = Sequence[Inline]


def t(text: str) -> Inline:
    return ("text", text)


def strong(text: str) -> Inline:
    return ("strong", text)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Para:
    line: Line
    cls: str = ""


@dataclass(frozen=True)
class Items:
    items: Sequence[Line]
    ordered: bool = False


@dataclass(frozen=True)
class Pairs:
    """A definition list: (term, description) pairs."""

    pairs: Sequence[tuple[str, Line]]


@dataclass(frozen=True)
class Table:
    caption: str
    head: Sequence[str]
    rows: Sequence[Sequence[Line]]  # the first cell of each row is the row header
    foot: Sequence[Line] = ()


@dataclass(frozen=True)
class Box:
    """A framed group of blocks; ``role`` is "note", "alert" or "" (a plain section)."""

    role: str
    cls: str
    blocks: Sequence[Any] = field(default_factory=tuple)
    label: str = ""


Block = Heading | Para | Items | Pairs | Table | Box

_STYLE = {
    "box": "border:1px solid; border-radius:6px; padding:0.5em 1em; margin:0.5em 0;",
    "alert": "border:3px solid; border-radius:6px; padding:0.5em 1em; margin:0.5em 0;",
    "badge": "border:1px solid; border-radius:4px; padding:0 0.4em; font-weight:bold;",
    "table": "border-collapse:collapse; margin:0.5em 0;",
    "cell": "border:1px solid; padding:0.25em 0.5em; text-align:left; vertical-align:top;",
}


def _wrap(marker: str, text: str) -> str:
    """``**text**`` with the outer spaces moved outside, where CommonMark needs them."""
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{marker}{core}{marker}{trail}"


def _html_inline(line: Line) -> str:
    out = []
    for style, text in line:
        esc = html.escape(_plain(text))
        if style == "strong":
            out.append(f"<strong>{esc}</strong>")
        elif style == "em":
            out.append(f"<em>{esc}</em>")
        elif style == "cite":
            out.append(f"<cite>{esc}</cite>")
        elif style == "badge":
            out.append(f'<span class="lm-badge" style="{_STYLE["badge"]}">{esc}</span>')
        else:
            out.append(esc)
    return "".join(out)


def _md_inline(line: Line) -> str:
    out = []
    for style, text in line:
        esc = _md(text)
        marker = {"strong": "**", "badge": "**", "em": "*", "cite": "*"}.get(style, "")
        out.append(_wrap(marker, esc) if marker else esc)
    return "".join(out)


def _plain_inline(line: Line) -> str:
    return "".join(
        f"[{_plain(text)}]" if style == "badge" else _plain(text) for style, text in line
    )


def _html(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{html.escape(block.text)}</h{block.level}>"
    if isinstance(block, Para):
        cls = f' class="{block.cls}"' if block.cls else ""
        return f"<p{cls}>{_html_inline(block.line)}</p>"
    if isinstance(block, Items):
        tag = "ol" if block.ordered else "ul"
        items = "".join(f"<li>{_html_inline(i)}</li>" for i in block.items)
        return f"<{tag}>{items}</{tag}>"
    if isinstance(block, Pairs):
        body = "".join(
            f"<dt><strong>{html.escape(term)}</strong></dt><dd>{_html_inline(desc)}</dd>"
            for term, desc in block.pairs
        )
        return f"<dl>{body}</dl>"
    if isinstance(block, Table):
        cell = _STYLE["cell"]
        head = "".join(f'<th scope="col" style="{cell}">{html.escape(h)}</th>' for h in block.head)
        rows = []
        for row in block.rows:
            first, *rest = row
            cells = f'<th scope="row" style="{cell}">{_html_inline(first)}</th>' + "".join(
                f'<td style="{cell}">{_html_inline(c)}</td>' for c in rest
            )
            rows.append(f"<tr>{cells}</tr>")
        foot = ""
        if block.foot:
            first, *rest = block.foot
            cells = f'<th scope="row" style="{cell}">{_html_inline(first)}</th>' + "".join(
                f'<td style="{cell}">{_html_inline(c)}</td>' for c in rest
            )
            foot = f"<tfoot><tr>{cells}</tr></tfoot>"
        return (
            f'<table style="{_STYLE["table"]}"><caption style="text-align:left">'
            f"<strong>{html.escape(block.caption)}</strong></caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>{foot}</table>"
        )
    if isinstance(block, Box):
        role = f' role="{block.role}"' if block.role else ""
        label = f' aria-label="{html.escape(block.label)}"' if block.label else ""
        style = _STYLE["alert" if block.role == "alert" else "box"]
        inner = "".join(_html(b) for b in block.blocks)
        return f'<div class="lm-{block.cls}"{role}{label} style="{style}">{inner}</div>'
    raise TypeError(f"not a block: {block!r}")


def _md_cell(line: Line) -> str:
    return _md_inline(line) or " "


def _markdown(block: Block, plain: bool = False) -> list[str]:
    """Markdown lines of a block; ``plain`` drops the escapes and emphasis (text/plain)."""
    text = _plain if plain else _md
    inline = _plain_inline if plain else _md_inline
    if isinstance(block, Heading):
        return ["#" * block.level + " " + text(block.text), ""]
    if isinstance(block, Para):
        return [inline(block.line), ""]
    if isinstance(block, Items):
        return [
            (f"{n}. " if block.ordered else "- ") + inline(i) for n, i in enumerate(block.items, 1)
        ] + [""]
    if isinstance(block, Pairs):
        out = []
        for term, desc in block.pairs:
            label = f"{text(term)}:" if plain else f"**{text(term)}:**"
            out += [f"{label} {inline(desc)}", ""]
        return out
    if isinstance(block, Table):
        cell = (lambda c: inline(c).replace("|", "/") or " ") if plain else _md_cell
        out = [text(block.caption) if plain else f"**{text(block.caption)}**", ""]
        out.append("| " + " | ".join(text(h) for h in block.head) + " |")
        out.append("|" + "|".join("---" for _ in block.head) + "|")
        for row in [*block.rows, *([block.foot] if block.foot else [])]:
            out.append("| " + " | ".join(cell(c) for c in row) + " |")
        return out + [""]
    if isinstance(block, Box):
        inner = [line for b in block.blocks for line in _markdown(b, plain)]
        while inner and not inner[-1]:
            inner.pop()
        return [("> " + line).rstrip() for line in inner] + [""]
    raise TypeError(f"not a block: {block!r}")


class View:
    """A static content view: displays as HTML in Jupyter, Markdown or plain text elsewhere.

    ``str(view)`` and ``repr(view)`` give the plain text, so a view printed in a terminal or
    stored as ``text/plain`` reads well and never carries a memory address.
    """

    def __init__(self, kind: str, key: str, blocks: Sequence[Block]):
        self.kind = kind
        self.key = key
        self.blocks = tuple(blocks)

    @property
    def html(self) -> str:
        body = "".join(_html(b) for b in self.blocks)
        key = html.escape(self.key)
        return f'<section class="lm-view lm-{self.kind}" data-view="{key}">{body}</section>'

    @property
    def markdown(self) -> str:
        return "\n".join(line for b in self.blocks for line in _markdown(b)).strip() + "\n"

    @property
    def text(self) -> str:
        lines = [line for b in self.blocks for line in _markdown(b, plain=True)]
        return "\n".join(lines).strip()

    def _repr_html_(self) -> str:
        return self.html

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


class KeyPoints(View):
    """Key points plus the "Mark this lesson complete" button.

    In a live kernel the widget (the same HTML, a button and a status line) is shown; viewers
    without a kernel show the static HTML, which never depends on the database. The database
    is opened only when the button is pressed, so a learner who only reads writes nothing.
    """

    BUTTON = "Mark this lesson complete"

    def __init__(self, lesson_id: str, blocks: Sequence[Block], static_blocks: Sequence[Block]):
        super().__init__("key-points", lesson_id, blocks)
        self.lesson_id = lesson_id
        self.recorded = False
        self._static = View("key-points", lesson_id, [*blocks, *static_blocks])

    def complete(self) -> str:
        """Record the lesson as complete; return the message shown to the learner.

        :attr:`recorded` says whether it worked: after a failure (full disk, read-only
        folder, a record locked by another program) the button stays usable for a retry.
        """
        from course.ui import store

        try:
            with store.using() as progress:
                first = progress.complete_lesson(self.lesson_id)
        except store.DB_ERRORS as exc:
            self.recorded = False
            return store.problem(exc, "record this lesson")
        self.recorded = True
        done = "Lesson marked complete." if first else "This lesson was already marked complete."
        return " ".join([*store.take_warnings(), done])

    def widget(self) -> Any:
        """The live view: key points, the button and a status line (ipywidgets)."""
        import ipywidgets as w

        button = w.Button(description=self.BUTTON, icon="check", tooltip=self.BUTTON,
                           layout=w.Layout(width="auto"))
        status = w.HTML(value="")

        def on_click(_: Any) -> None:
            message = self.complete()
            role = "status" if self.recorded else "alert"
            status.value = f'<p role="{role}">{html.escape(message)}</p>'
            button.disabled = self.recorded

        button.on_click(on_click)
        box = w.VBox([w.HTML(value=self.html), w.HBox([button, status])])
        box.add_class("lm-key-points-widget")
        return box

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = {
            "text/html": self._static.html,
            "text/markdown": self._static.markdown,
            "text/plain": self._static.text,
        }
        try:
            live = self.widget()._repr_mimebundle_()
        except Exception:  # no widget support (plain IPython): the static view is complete
            return bundle
        if isinstance(live, tuple):
            live = live[0]
        view = live.get("application/vnd.jupyter.widget-view+json") if live else None
        if view:
            bundle["application/vnd.jupyter.widget-view+json"] = view
        return bundle


# --- helpers ---------------------------------------------------------------------------------


def _c(data: Content | None) -> Content:
    return data if data is not None else content()


def _get(mapping: dict[str, Any], key: str, kind: str) -> Any:
    try:
        return mapping[key]
    except KeyError:
        known = ", ".join(sorted(mapping))
        raise KeyError(f"unknown {kind} {key!r}; known: {known}") from None


def _ref(source_id: str) -> str:
    """``s24`` -> ``[24]``: the numbering of content-facts.md's source list."""
    return f"[{source_id[1:]}]" if source_id[1:].isdigit() else f"[{source_id}]"


def _citation(src: Source) -> Line:
    line: list[Inline] = [t(_ref(src.id) + " "), ("cite", src.citation)]
    if src.weak:
        line.append(("em", " (weak source)"))
    return line


def _sources(ids: Iterable[str], c: Content, heading: str = "Sources") -> list[Block]:
    ids = sorted(set(ids), key=lambda i: (len(i), i))  # s2 before s10: the facts file's order
    if not ids:
        return []
    return [
        Heading(4, heading),
        Items([_citation(_get(c.source, i, "source")) for i in ids]),
    ]


def _minutes(total: int) -> str:
    hours, minutes = divmod(total, 60)
    return f"{total} min" if not hours else f"{total} min ({hours} h {minutes:02d} min)"


def _lesson_number(lesson_id: str) -> str:
    head = lesson_id.split("_", 1)[0]
    return f"Lesson {int(head)}: " if head.isdigit() else ""


# --- the views -------------------------------------------------------------------------------


def lesson_header(lesson_id: str, *, data: Content | None = None) -> View:
    """Title, minutes, objectives and the one-line disclaimer that opens each notebook."""
    c = _c(data)
    lesson = _get(c.lesson, lesson_id, "lesson")
    minutes = f"Teaching {lesson.teaching_minutes} min · Practice {lesson.practice_minutes} min"
    if lesson.quiz_minutes:  # the quiz takes time too: the parts add up to the lesson
        minutes += f" · Quiz {lesson.quiz_minutes} min"
    blocks: list[Block] = [
        Heading(1, _lesson_number(lesson.id) + lesson.title),
        Para([strong(minutes)]),
        Heading(2, "Objectives"),
        Para([t("By the end of this lesson you will be able to:")]),
        Items([[t(o)] for o in lesson.objectives]),
        Box("note", "disclaimer", [Para([strong("Note: "), t(SHORT_DISCLAIMER)])], "Disclaimer"),
    ]
    return View("lesson-header", lesson.id, blocks)


def key_points(lesson_id: str, *, data: Content | None = None) -> KeyPoints:
    """The lesson's key points and the button that records the lesson as complete."""
    c = _c(data)
    lesson = _get(c.lesson, lesson_id, "lesson")
    blocks: list[Block] = [
        Box(
            "note",
            "key-points",
            [Heading(2, "Key points"), Items([[t(p)] for p in lesson.key_points])],
            "Key points",
        )
    ]
    static = [Para([t(f"{KeyPoints.BUTTON}: open this notebook in Jupyter and run this cell.")])]
    return KeyPoints(lesson.id, blocks, static)


def level_badge(level: Any, text: str | None = None) -> Inline:
    """The evidence level as text plus a three-dot scale (the dots are decoration).

    ``text`` replaces the bare label when the level depends on who was studied, e.g.
    "limited (self) / moderate (therapist)" (``Benefit.level_text``); the dots then show the
    first, qualified level, the one that applies to self-massage in healthy people.
    """
    return ("badge", f"Evidence: {text or level.label} {LEVEL_MARKS[level.rank]}")


def benefit(benefit_id: str, *, data: Content | None = None) -> View:
    """A claimed benefit: the claim, the idea in plain words, the evidence and its level."""
    c = _c(data)
    b = _get(c.benefit, benefit_id, "benefit")
    shown = b.scoped[0].level if b.scoped else b.level
    level_line: list[Inline] = [level_badge(shown, b.level_text)]
    if b.level_note:
        level_line += [t(" "), t(b.level_note)]
    pairs: list[tuple[str, Line]] = [
        ("The claim", [t(b.claim)]),
        ("In plain words", [t(b.explanation)]),
        ("What the evidence says", [t(b.evidence)]),
    ]
    if b.corrects:
        pairs.append(("Popular claim corrected", [t(b.corrects)]))
    blocks: list[Block] = [
        Box(
            "",
            "benefit",
            [
                Heading(3, b.name),
                Para(level_line, "lm-level"),
                Pairs(pairs),
                *_sources(b.sources, c),
            ],
        )
    ]
    return View("benefit", b.id, blocks)


def technique(technique_id: str, *, data: Content | None = None) -> View:
    """A technique: summary, timed steps, pressure range, positions, equipment and cautions."""
    c = _c(data)
    tq = _get(c.technique, technique_id, "technique")
    steps = []
    start = 0
    for step in tq.steps:
        where = ", ".join(_get(c.area, a, "area").name for a in step.areas)
        steps.append(
            [
                strong(f"{clock(start)}–{clock(start + step.seconds)} ({clock(step.seconds)}) "),
                t(step.instruction),
                ("em", f" Area: {where}."),
            ]
        )
        start += step.seconds
    equipment = [c.equipment.get(e, e) for e in tq.equipment]
    avoid = list(tq.avoid) + [a.id for a in c.areas if a.never and a.id not in tq.avoid]
    avoid_items: list[Line] = []
    for area_id in avoid:
        area = _get(c.area, area_id, "area")
        line: list[Inline] = [strong(area.name)]
        if area.note:
            line.append(t(": " + area.note))
        avoid_items.append(line)
    pairs: list[tuple[str, Line]] = [
        (
            "Pressure",
            [t(f"{tq.pressure_min} to {tq.pressure_max} on the 0 to 10 discomfort scale")],
        ),
        ("Positions", [t("; ".join(tq.positions))]),
        ("Equipment", [t("; ".join(equipment) if equipment else "none")]),
        ("Total time", [t(clock(tq.seconds))]),
    ]
    blocks: list[Block] = [
        Box(
            "",
            "technique",
            [
                Heading(3, tq.name),
                Para([t(tq.summary)]),
                Pairs(pairs),
                Heading(4, "Steps (mm:ss)"),
                Items(steps, ordered=True),
                *(
                    [Heading(4, "Cautions"), Items([[t(x)] for x in tq.cautions])]
                    if tq.cautions
                    else []
                ),
                Heading(4, "Areas to avoid"),
                Items(avoid_items),
                *_sources(tq.sources, c),
            ],
        )
    ]
    return View("technique", tq.id, blocks)


def _refs(ids: Iterable[str]) -> str:
    return " ".join(_ref(i) for i in ids)


def _excluded_name(x: str, c: Content) -> str:
    """A technique, ``technique.step`` or position id as the learner reads it."""
    if x in c.technique:
        return c.technique[x].name
    if x in c.positions:
        return c.positions[x]
    tid, _, sid = x.partition(".")
    return f"{c.technique[tid].name}: {sid.replace('_', ' ')}" if tid in c.technique else x


def _limits(x: Contraindication, c: Content) -> list[str]:
    """What a "yes" leaves in force after any clinician's OK: cap (or the objective cue where
    numb skin cannot judge a number), heat and what is left out."""
    limits = []
    if x.pressure_cue:
        limits.append(x.pressure_cue)
    elif x.max_pressure is not None:
        limits.append(f"pressure at most {x.max_pressure} of 10")
    if x.no_heat:
        limits.append("no heat")
    ex = x.exclude
    left_out = [_excluded_name(i, c) for i in (*ex.techniques, *ex.steps, *ex.positions)]
    if left_out:
        limits.append("left out: " + ", ".join(left_out))
    return limits


def contraindications(*, data: Content | None = None) -> View:
    """Every screening question (contraindications, then the risk factors), grouped by what
    it does to a routine (stop, area, caution), with the limits that stay in force."""
    c = _c(data)
    blocks: list[Block] = [Heading(3, "When not to massage")]
    cited: list[str] = []
    for effect, (label, meaning) in EFFECT_LABELS.items():
        rows = []
        for x in c.screening_items:
            if x.effect is not effect:
                continue
            instead: list[Inline] = [t(x.instead)]
            limits = _limits(x, c)
            if limits:
                instead.append(strong(" Limits: " + "; ".join(limits) + "."))
            flags = "; ".join(x.red_flags) if x.red_flags else "—"
            why = [t(x.why)]
            if x.sources:
                why.append(t(" " + _refs(x.sources)))
                cited += x.sources
            rows.append(
                [
                    [t(x.name)],
                    [t(x.level)],
                    why,
                    instead,
                    [t(flags)],
                    [t(URGENCY_LABELS[x.urgency])],
                ]
            )
        if rows:
            blocks.append(
                Table(
                    f"{label}: {meaning}",
                    ["Condition", "Level", "Why", "What to do instead", "Red flags", "Urgency"],
                    rows,
                )
            )
    # Answers that are more urgent together than alone (escalations.yaml): each group reads
    # "one of these", and the rule needs one answer from every group.
    rows = []
    for e in c.escalations:
        groups = " And one of: ".join(
            "; ".join(c.screening_item[i].name for i in group) + "." for group in e.when
        )
        cited += e.sources
        rows.append(
            [
                [t(e.name)],
                [t("One of: " + groups)],
                [t(e.advice + " " + _refs(e.sources))],
                [t(URGENCY_LABELS[e.urgency])],
            ]
        )
    if rows:
        blocks.append(
            Table(
                "More urgent together: a yes in every list raises the urgency",
                ["Combination", "When you answer yes to", "What to do", "Urgency"],
                rows,
            )
        )
    blocks += _sources(cited, c)
    return View("contraindications", "all", blocks)


def red_flags(*, data: Content | None = None) -> View:
    """The urgent-help box: the signs that mean stop and get help, and how fast."""
    c = _c(data)
    # content-facts §1 [1][3]: the box must say that clots are often silent, or learners read
    # "no symptoms" as "no risk" (notes.yaml: silent_clots).
    silent = c.note["silent_clots"]
    inner: list[Block] = [Heading(3, "⚠ Warning signs: stop and get help")]
    for urgency in (Urgency.EMERGENCY, Urgency.SAME_DAY):
        for x in c.contraindications:
            if x.urgency is urgency and x.red_flags:
                inner += [
                    Heading(4, f"{URGENCY_LABELS[urgency]}: {x.name}"),
                    Items([[t(f)] for f in x.red_flags]),
                    Para([strong("What to do: "), t(x.instead)]),
                ]
    others = [
        x
        for x in c.contraindications
        if x.red_flags and x.urgency not in (Urgency.EMERGENCY, Urgency.SAME_DAY)
    ]
    if others:
        inner += [
            Heading(4, "Also get checked promptly"),
            Items([[strong(x.name + ": "), t("; ".join(x.red_flags))] for x in others]),
        ]
    inner.append(
        Para([strong("Silent clots: "), t(silent.text + " " + _refs(silent.sources))])
    )
    cited = [
        s
        for x in c.contraindications
        if x.urgency in (Urgency.EMERGENCY, Urgency.SAME_DAY)
        for s in x.sources
    ]
    inner += _sources([*cited, *silent.sources], c)
    return View("red-flags", "all", [Box("alert", "red-flags", inner, "Warning signs")])


def faq(*, data: Content | None = None) -> View:
    """The four common questions: what people often hear versus what the evidence says."""
    c = _c(data)
    blocks: list[Block] = [Heading(3, "Frequently asked questions")]
    for f in c.faq:
        blocks.append(
            Box(
                "",
                "faq",
                [
                    Heading(4, f.question),
                    Pairs(
                        [
                            ("What you often hear", [t(f.popular_answer)]),
                            ("What the evidence says", [t(f.answer)]),
                        ]
                    ),
                    *_sources(f.sources, c),
                ],
            )
        )
    return View("faq", "all", blocks)


def lessons_table(*, data: Content | None = None) -> View:
    """The lessons in order with their minutes, and the totals (for the welcome lesson)."""
    c = _c(data)
    rows = [
        [
            [t(_lesson_number(lesson.id).rstrip(": ") or lesson.id)],
            [t(lesson.title)],
            [t(str(lesson.teaching_minutes))],
            [t(str(lesson.practice_minutes))],
            [t(str(lesson.quiz_minutes))],
            [t(str(lesson.minutes))],
        ]
        for lesson in c.lessons
    ]
    teach = sum(lesson.teaching_minutes for lesson in c.lessons)
    practice = sum(lesson.practice_minutes for lesson in c.lessons)
    quiz = sum(lesson.quiz_minutes for lesson in c.lessons)
    foot = [
        [t("Total")],
        [t(f"{len(c.lessons)} lessons")],
        [t(str(teach))],
        [t(str(practice))],
        [t(str(quiz))],
        [t(_minutes(teach + practice + quiz))],
    ]
    table = Table(
        "The lessons and their minutes",
        ["Lesson", "Title", "Teaching (min)", "Practice (min)", "Quiz (min)", "Total (min)"],
        rows,
        foot,
    )
    return View("lessons", "all", [table])


__all__ = [
    "KeyPoints",
    "SHORT_DISCLAIMER",
    "View",
    "benefit",
    "contraindications",
    "faq",
    "key_points",
    "lesson_header",
    "lessons_table",
    "red_flags",
    "technique",
]
