"""The takeaways of Save: a one-page PDF card (A4 and Letter) and an .ics practice plan,
both parsed back. No PDF parser is installed (pypdf etc. are not dependencies), so the PDF is
checked by a small pure reading of its structure: the page count and MediaBox, the metadata,
and the text in its (zlib-compressed) content streams."""

from __future__ import annotations

import re
import zlib
from datetime import UTC, date, datetime, time, timedelta

import pytest
from icalendar import Calendar

from course import card
from course.routine import build
from course.safety import Profile


@pytest.fixture(scope="module")
def routine():
    return build(Profile.of("varicose_veins", varicose_veins=["shin"]), goal="recover",
                 minutes=20, equipment=["tennis_ball"])


def pdf_pages(pdf: bytes) -> list[bytes]:
    return re.findall(rb"/Type /Page\b[^s]", pdf)


def pdf_text(pdf: bytes) -> str:
    """The strings drawn by the content streams, decompressed (matplotlib writes Flate)."""
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out.append(zlib.decompress(m[1]))
        except zlib.error:
            continue
    lines = re.findall(rb"\[(.*?)\]\s*TJ", b"".join(out), re.S)  # [(W) 1.2 (a) ...] TJ
    return "\n".join(b"".join(re.findall(rb"\((.*?)(?<!\\)\)", line)).decode("latin-1")
                     for line in lines)


@pytest.mark.parametrize(("paper", "box"), [("A4", (595.44, 841.68)), ("Letter", (612, 792))])
def test_card_is_one_page_of_the_papers_size(routine, paper, box):
    pdf = card.card_pdf(routine, "Evening legs", paper)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf_pages(pdf)) == 1
    media = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert media and (float(media[1]), float(media[2])) == pytest.approx(box, abs=0.05)
    assert b"/Title (Evening legs)" in pdf
    assert b"/CreationDate" not in pdf  # no date stamp: the same routine, the same file


def test_card_says_the_steps_pressures_and_red_flags(routine):
    fig = card.card_figure(routine, "Evening legs")
    words = " ".join(t.get_text() for t in fig.texts)
    for s in routine.steps:
        assert f"{s.number}. " in words and f"pressure {s.pressure}/10" in words
    assert "Warning signs: stop and get help" in words
    for line in card.red_flag_lines():
        assert line.split(":")[0] in words
    assert "Kept out: Shin" in words
    # the routine is planned per leg: the card groups its steps under each leg
    assert "Left leg" in words and "Right leg" in words
    pictures = [ax for ax in fig.axes if ax.patches]
    assert len(pictures) == len(routine.steps)  # a picture per step


def test_card_pdf_is_deterministic_and_carries_its_text(routine):
    a = card.card_pdf(routine, "Evening legs")
    assert a == card.card_pdf(routine, "Evening legs")
    text = pdf_text(a).splitlines()
    assert "Evening legs" in text
    assert "Warning signs: stop and get help" in text
    assert any(line.startswith(f"{routine.steps[-1].number}. ") for line in text)


def test_card_per_leg_when_steps_carry_a_side(routine):
    from dataclasses import dataclass, fields

    @dataclass(frozen=True)
    class SidedStep:
        side: str

    # a routine per leg (the coming safety model): same steps, with side left/right
    steps = []
    for side in ("left", "right"):
        for s in routine.steps:
            values = {f.name: getattr(s, f.name) for f in fields(s)}
            steps.append(type("Step", (), {**values, "side": side, "end": s.end})())
    per_leg = type("R", (), {**{f.name: getattr(routine, f.name) for f in fields(routine)},
                             "steps": tuple(steps), "total_seconds": routine.total_seconds * 2})()
    fig = card.card_figure(per_leg, "Both legs")
    words = [t.get_text() for t in fig.texts]
    assert "Left leg" in words and "Right leg" in words
    assert words.index("Left leg") < words.index("Right leg")


def test_bad_paper_and_empty_routine_are_named(routine):
    with pytest.raises(ValueError, match="Unknown paper 'A5'"):
        card.card_pdf(routine, "x", "A5")


def test_practice_plan_parses_back(routine):
    stamp = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    ics = card.practice_plan(routine, "Evening legs", days=["MO", "TH"], at=time(21, 0),
                             weeks=4, minutes=10, start=date(2026, 11, 28), stamp=stamp)
    cal = Calendar.from_ical(ics)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    ev = events[0]
    assert ev.decoded("dtstart") == datetime(2026, 11, 30, 21, 0)  # the first Monday
    assert ev.decoded("duration") == timedelta(minutes=10)
    rule = ev["rrule"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] == ["MO", "TH"]
    assert rule["COUNT"] == [8]
    assert str(ev["summary"]) == "Evening legs (10 min)"
    assert routine.steps[0].technique_name in str(ev["description"])
    assert "no substitute for advice" in str(ev["description"])
    assert ev.walk("VALARM")[0].decoded("trigger") == timedelta(minutes=-5)
    again = card.practice_plan(routine, "Evening legs", days=["MO", "TH"], weeks=4,
                               minutes=10, start=date(2026, 11, 28), stamp=stamp)
    assert again == ics


def test_practice_plan_default_is_the_routine_length_on_three_evenings(routine):
    ev = Calendar.from_ical(card.practice_plan(routine, start=date(2026, 12, 1))).walk(
        "VEVENT")[0]
    assert ev.decoded("dtstart") == datetime(2026, 12, 2, 21, 0)  # Wednesday
    assert ev.decoded("duration") == timedelta(minutes=20)
    assert ev["rrule"]["COUNT"] == [12]


@pytest.mark.parametrize(("kw", "message"), [
    ({"days": ["XX"]}, "Unknown weekday: XX"), ({"days": []}, "none chosen"),
    ({"weeks": 0}, "Weeks must be"), ({"minutes": 500}, "Minutes must be")])
def test_practice_plan_rejects_bad_input(routine, kw, message):
    with pytest.raises(ValueError, match=message):
        card.practice_plan(routine, **kw)


def test_save_writes_the_pdf_cards_and_the_plan(routine, tmp_path):
    from course.progress import Progress
    from course.ui.store import save_routine

    path, _rid = save_routine(routine, "Evening legs", Progress.open, folder=tmp_path)
    made = card.takeaway_paths(path)
    assert [p.name for p in made] == ["evening-legs-1-a4.pdf", "evening-legs-1-letter.pdf",
                                      "evening-legs-1.ics"]
    assert all(p.is_file() for p in made)
    assert len(pdf_pages(made[0].read_bytes())) == 1
    assert Calendar.from_ical(made[2].read_bytes()).walk("VEVENT")
    assert "evening-legs-1.ics" in card.saved_message(path)
