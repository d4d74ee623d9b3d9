"""The source lint and its counts: bad sources and weak-only claims fail ``course check``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from course.__main__ import main
from course.models import CONTENT_DIR, Source, SourceKind, load_content
from course.sources import PENDING_FILES, lint_sources, source_quality, weak_only


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A writable copy of the real content, to break on purpose."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def edit(root: Path, filename: str, key: str, entry_id: str, change) -> None:
    path = root / filename
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(next(e for e in data[key] if e["id"] == entry_id))
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_real_sources_pass_the_lint():
    problems, _warnings = lint_sources(load_content())
    assert problems == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda e: e.pop("year"), "sources.yaml: s24: year: missing"),
        (lambda e: e.pop("authors"), "sources.yaml: s24: authors: no author or organisation"),
        (lambda e: e.update(title=""), "sources.yaml: s24: title: missing"),
        (lambda e: e.pop("kind"), "sources.yaml: s24: kind: missing"),
        (
            lambda e: e.update(kind="practitioner_page"),
            "sources.yaml: s24: weak: a practitioner page must be marked weak: true",
        ),
        (
            lambda e: e.update(undated=True, year=None),
            "sources.yaml: s24: undated: only a web page (with a url) can be undated",
        ),
    ],
)
def test_lint_names_each_gap_in_a_bad_source(content_dir, change, expected):
    edit(content_dir, "sources.yaml", "sources", "s24", change)
    problems, _ = lint_sources(load_content(content_dir))
    assert [p for p in problems if p.startswith(expected)], problems


def test_a_source_with_nothing_but_a_title_fails_three_ways():
    src = Source(id="s1", citation="a bare address")  # older content: read as the title
    c = load_content()
    bad = c.model_copy(update={"sources": [src, *c.sources[1:]]})
    problems, _ = lint_sources(bad)
    mine = [p for p in problems if p.startswith("sources.yaml: s1:")]
    assert [p.split(": ")[2] for p in mine] == ["authors", "year", "kind"]


def test_weak_only_claim_without_practitioners_advise_fails(content_dir):
    # The FAQ on pain, cited only to weak pages and worded as a finding: the lint must fail it.
    def weak_only_finding(e):
        e["sources"] = ["s47", "s49"]
        e["answer"] = "Research shows bruising means the pressure was too high."

    edit(content_dir, "faq.yaml", "faq", "why_it_hurts", weak_only_finding)
    c = load_content(content_dir)
    problems, _ = lint_sources(c)
    assert any(
        p.startswith("faq.yaml: why_it_hurts: answer: every source is weak (s47, s49)")
        for p in problems
    )
    assert [claim.entry for claim, _ in weak_only(c)] == ["why_it_hurts"] + [
        claim.entry for claim, _ in weak_only(load_content()) if claim.entry != "why_it_hurts"
    ]


def test_weak_only_claim_that_says_practitioners_advise_passes(content_dir):
    def worded(e):
        e["sources"] = ["s47", "s49"]
        e["answer"] = "Practitioners advise easing off: bruising means too much pressure."

    edit(content_dir, "faq.yaml", "faq", "why_it_hurts", worded)
    problems, _ = lint_sources(load_content(content_dir))
    assert not any("why_it_hurts" in p for p in problems)


def test_pending_file_findings_are_warnings_until_the_file_is_resourced(content_dir):
    def weak(e):
        e["sources"] = ["s2"]

    edit(content_dir, "contraindications.yaml", "contraindications", "lung_clot_signs", weak)
    c = load_content(content_dir)
    problems, warnings = lint_sources(c, pending={"contraindications.yaml"})
    assert not any("lung_clot_signs" in p for p in problems)
    assert any(w.startswith("contraindications.yaml: lung_clot_signs: why:") for w in warnings)
    strict, _ = lint_sources(c, pending=())
    assert any(p.startswith("contraindications.yaml: lung_clot_signs: why:") for p in strict)


def test_nothing_is_pending_and_no_claim_rests_on_weak_sources_alone():
    """C1/C2 landed: contraindications are held to the rule like every other file."""
    assert PENDING_FILES == frozenset()
    problems, warnings = lint_sources(load_content())
    assert problems == [] and warnings == []
    assert weak_only(load_content()) == []


@pytest.mark.parametrize(
    ("filename", "key", "entry", "text_field", "expected"),
    [
        ("risk_factors.yaml", "risk_factors", "breathless", "why",
         "risk_factors.yaml: breathless: why: every source is weak (s2)"),
        ("escalations.yaml", "escalations", "infection_with_fever", "advice",
         "escalations.yaml: infection_with_fever: advice: every source is weak (s10, s11)"),
    ],
)
def test_risk_factors_and_escalations_are_held_to_the_weak_source_rule(
    content_dir, filename, key, entry, text_field, expected
):
    def weak(e):
        e["sources"] = expected.split("(")[1].rstrip(")").split(", ")

    edit(content_dir, filename, key, entry, weak)
    problems, _ = lint_sources(load_content(content_dir))
    assert any(p.startswith(expected) for p in problems), problems


def test_quality_counts_kinds_weak_and_identifiers():
    sources = [
        Source(id="a", authors=["X"], year=2020, title="t", kind=SourceKind.TRIAL,
               doi="10.1000/xyz", pmid="123"),
        Source(id="b", organisation="NHS", undated=True, title="t",
               kind=SourceKind.GUIDELINE, url="https://www.nhs.uk/x"),
        Source(id="c", organisation="Blog", year=2019, title="t",
               kind=SourceKind.PRACTITIONER_PAGE, weak=True, unverified=["url"]),
    ]
    q = source_quality(sources)
    assert q.total == 3 and q.weak == 1 and q.with_identifier == 2 and q.undated == 1
    assert q.by_kind == {"trial": 1, "guideline": 1, "practitioner page": 1}
    assert q.by_identifier == {"DOI": 1, "PMID": 1, "URL": 1}
    assert q.unverified == ["c url"]
    assert q.lines()[0] == "Sources: 3 (1 trial, 1 guideline, 1 practitioner page)"


def test_citation_reads_who_year_title_venue_identifiers_kind():
    c = load_content()
    assert c.source["s61"].citation == (
        "Barlow A, Clarke R, Johnson N, Seabourne B, Thomas D, Gal J (2004). Effect of massage "
        "of the hamstring muscle group on performance of the sit and reach test. British "
        "Journal of Sports Medicine 38(3):349-351. doi: 10.1136/bjsm.2002.003673 "
        "https://bjsm.bmj.com/content/38/3/349 [trial]"
    )
    assert c.source["s66"].citation.startswith("NHS (n.d.). Deep vein thrombosis (DVT).")
    # A gap is said, not hidden behind empty brackets.
    assert c.source["s6"].citation.startswith("Authors not verified (2010). Venous")
    assert c.source["s69"].citation.startswith("Mulligan A (year not verified). [Article")


def test_check_prints_source_counts_and_fails_on_a_bad_source(content_dir, capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Content OK: ") and "\nSources: 69 (" in out
    assert "weak: 25; with an identifier: " in out
    edit(content_dir, "sources.yaml", "sources", "s61", lambda e: e.pop("year"))
    assert main(["check", "--content", str(content_dir)]) == 1
    err = capsys.readouterr().err
    assert "Source lint failed: 1 problem(s)" in err
    assert "sources.yaml: s61: year: missing" in err
