"""The lessons as files: stored executed, in order, without errors, one per lesson, and
between them teaching everything the content holds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from course.models import content

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
C = content()


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def code(path: Path) -> str:
    return "\n".join("".join(c["source"]) for c in cells(path) if c["cell_type"] == "code")


def test_every_lesson_has_a_notebook_and_the_reverse():
    assert [p.stem for p in LESSONS] == [lesson.id for lesson in C.lessons]


@pytest.mark.parametrize("path", LESSONS + SOLUTIONS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_stored_executed_in_order_without_errors(path):
    code_cells = [c for c in cells(path) if c["cell_type"] == "code"]
    assert code_cells, "a lesson without code cells"
    counts = [c["execution_count"] for c in code_cells]
    assert counts == list(range(1, len(counts) + 1)), f"stored out of order: {counts}"
    for c in code_cells:
        for out in c["outputs"]:
            assert out["output_type"] != "error", "".join(c["source"])
            if out["output_type"] == "stream":
                assert out["name"] != "stderr", f"stderr output: {''.join(out['text'])[:200]}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_opens_with_header_and_ends_with_key_points(path):
    src = code(path)
    assert f'lesson_header("{path.stem}")' in src
    assert f'key_points("{path.stem}")' in src
    last_code = [c for c in cells(path) if c["cell_type"] == "code"][-1]
    assert "key_points(" in "".join(last_code["source"])


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_code_cells_stay_short(path):
    for c in cells(path):
        if c["cell_type"] == "code":
            lines = [line for line in "".join(c["source"]).splitlines() if line.strip()]
            assert len(lines) <= 2, "".join(c["source"])


def taught(kind: str, call: str) -> set[str]:
    """Ids of ``kind`` that some lesson both lists in lessons.yaml and shows in its notebook."""
    found: set[str] = set()
    for path in LESSONS:
        listed = set(getattr(C.lesson[path.stem], kind))
        shown = set(re.findall(rf'{call}\(\s*(?:\w+=)?"(\w+)"', code(path)))
        found |= listed & shown if call else listed
    return found


def test_every_benefit_is_taught():
    assert taught("benefits", "benefit") == set(C.benefit)


def test_every_technique_is_taught():
    shown = taught("techniques", "technique") | taught("techniques", "leg_map")
    assert shown >= {"thumb", "tennis_ball", "finishing_strokes"}
    assert {t.id for t in C.techniques} <= {
        t for lesson in C.lessons for t in lesson.techniques
    }


def test_every_contraindication_is_taught():
    listed = {x for lesson in C.lessons for x in lesson.contraindications}
    assert listed == set(C.contraindication)
    src = code(ROOT / "notebooks" / "05_when_not_to_massage.ipynb")
    assert "contraindications()" in src and "red_flags()" in src


def test_every_faq_is_taught():
    listed = {x for lesson in C.lessons for x in lesson.faq}
    assert listed == {f.id for f in C.faq}
    assert "faq()" in code(ROOT / "notebooks" / "10_review_and_faq.ipynb")


def test_every_quiz_bank_is_used_in_a_lesson():
    """Each lesson shows the quizzes lessons.yaml declares for it, all of them, and only its
    own; between them the lessons ask from every bank."""
    used = set()
    for path in LESSONS:
        lesson = C.lesson[path.stem]
        calls = re.findall(r'lesson_quiz\(\s*"(\w+)"(?:\s*,\s*"(\w+)")?', code(path))
        assert {lid for lid, _ in calls} <= {lesson.id}, f"{path.name} shows another lesson's quiz"
        banks = {bank for _, bank in calls}
        shown = set(lesson.banks) if "" in banks else banks
        assert shown == set(lesson.banks), f"{path.name} shows {shown}, declares {lesson.banks}"
        used |= shown
    assert used == set(C.quiz)
