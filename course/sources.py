"""Source quality: the lint ``python -m course check`` runs on ``sources.yaml``, and its counts.

Why a lint and not only the schema: a source must load even when a field is still missing, so
an author sees every gap in one run ("s12: year: missing; s14: authors: ..."), and two rules
span files, which the schema of one entry cannot see:

* every source names who wrote it (authors or an organisation), when (a year, or an explicit
  ``undated: true`` for a living web page) and what (a title), and a kind of document;
* a blog, forum, consumer page or the popular article is ``weak``, whatever else it says;
* a claim whose sources are all weak says "practitioners advise" (content-facts.md: weak
  sources never support "research shows"). The claims checked are the texts that carry
  ``sources``: benefits, FAQ answers, notes, contraindications, risk factors and escalations.

Everything here is pure: content in, lines or counts out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from course.models import WEAK_KINDS, Content, Source, SourceKind

# The phrase a weak-only claim must carry (content-facts.md, "Source quality").
PRACTITIONERS_ADVISE = "practitioners advise"

# Files whose weak-only findings are reported as warnings, not failures, while another
# branch re-sources them. Empty since the red flags moved onto the NHS pages s66-s68
# (docs/content-decisions.md C1/C2): every file is held to the rule.
PENDING_FILES: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Claim:
    """A text that cites sources: where it lives, its words and the ids it cites."""

    file: str
    entry: str
    field: str
    text: str
    sources: tuple[str, ...]


def claims(content: Content) -> list[Claim]:
    """Every text of the course that carries ``sources``, with the fields a learner reads."""
    out: list[Claim] = []
    for b in content.benefits:
        text = " ".join((b.explanation, b.evidence, b.level_note))
        out.append(Claim("benefits.yaml", b.id, "evidence", text, tuple(b.sources)))
    for f in content.faq:
        out.append(Claim("faq.yaml", f.id, "answer", f.answer, tuple(f.sources)))
    for n in content.notes:
        out.append(Claim("notes.yaml", n.id, "text", n.text, tuple(n.sources)))
    for x in content.contraindications:
        text = " ".join((x.why, x.instead))
        out.append(Claim("contraindications.yaml", x.id, "why", text, tuple(x.sources)))
    for x in content.risk_factors:
        text = " ".join((x.why, x.instead))
        out.append(Claim("risk_factors.yaml", x.id, "why", text, tuple(x.sources)))
    for e in content.escalations:
        out.append(Claim("escalations.yaml", e.id, "advice", e.advice, tuple(e.sources)))
    return out


def _source_problems(s: Source) -> list[str]:
    label = f"sources.yaml: {s.id}"
    problems = []
    waived = set(s.unverified)
    if not s.authors and not s.organisation and "authors" not in waived:
        problems.append(f"{label}: authors: no author or organisation")
    if s.year is None and not s.undated and "year" not in waived:
        problems.append(f"{label}: year: missing (or say undated: true for a web page)")
    if s.undated and not s.url:
        problems.append(f"{label}: undated: only a web page (with a url) can be undated")
    if not s.title.strip():
        problems.append(f"{label}: title: missing")
    if s.kind is None:
        problems.append(f"{label}: kind: missing (one of {', '.join(k.value for k in SourceKind)})")
    elif s.kind in WEAK_KINDS and not s.weak:
        problems.append(f"{label}: weak: a {s.kind.label} must be marked weak: true")
    return problems


def weak_only(content: Content) -> list[tuple[Claim, list[str]]]:
    """Claims whose sources are all weak and whose text does not say "practitioners advise"."""
    weak = {s.id for s in content.sources if s.weak}
    found = []
    for claim in claims(content):
        cited = list(dict.fromkeys(claim.sources))
        if cited and all(i in weak for i in cited):
            if PRACTITIONERS_ADVISE not in claim.text.lower():
                found.append((claim, cited))
    return found


def lint_sources(
    content: Content, pending: Iterable[str] = PENDING_FILES
) -> tuple[list[str], list[str]]:
    """``(problems, warnings)``, one line each as ``file: entry: field: what is wrong``.

    Problems fail ``course check``; warnings are weak-only claims in ``pending`` files, which
    another branch is re-sourcing (see :data:`PENDING_FILES`).
    """
    pending = set(pending)
    problems = [p for s in content.sources for p in _source_problems(s)]
    warnings = []
    for claim, cited in weak_only(content):
        line = (
            f"{claim.file}: {claim.entry}: {claim.field}: every source is weak "
            f"({', '.join(cited)}), so the text must say \"{PRACTITIONERS_ADVISE}\" "
            "(or cite a guideline or review)"
        )
        (warnings if claim.file in pending else problems).append(line)
    return problems, warnings


@dataclass(frozen=True)
class SourceQuality:
    """The counts ``course check`` prints, so a reviewer sees the evidence base at a glance."""

    total: int
    by_kind: dict[str, int]
    weak: int
    with_identifier: int
    by_identifier: dict[str, int]
    undated: int
    unverified: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{n} {k}" for k, n in self.by_kind.items())
        ids = ", ".join(f"{n} {k}" for k, n in self.by_identifier.items())
        out = [
            f"Sources: {self.total} ({kinds})",
            f"  weak: {self.weak}; with an identifier: {self.with_identifier} ({ids}); "
            f"undated web pages: {self.undated}",
        ]
        if self.unverified:
            out.append(f"  fields not verified offline: {'; '.join(self.unverified)}")
        return out


def source_quality(sources: Sequence[Source]) -> SourceQuality:
    """Count sources by kind, weak, identifier; list the fields that could not be verified."""
    kinds = Counter(s.kind.label if s.kind else "no kind" for s in sources)
    order = [k.label for k in SourceKind] + ["no kind"]
    by_kind = {k: kinds[k] for k in order if kinds[k]}
    ids = Counter(name for s in sources for name, _ in s.identifiers)
    return SourceQuality(
        total=len(sources),
        by_kind=by_kind,
        weak=sum(s.weak for s in sources),
        with_identifier=sum(bool(s.identifiers) for s in sources),
        by_identifier={k: ids[k] for k in ("DOI", "PMID", "PMCID", "URL") if ids[k]},
        undated=sum(s.undated for s in sources),
        unverified=[f"{s.id} {', '.join(s.unverified)}" for s in sources if s.unverified],
    )
