"""The loader: the real content loads, and broken content fails with one clear line each."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from course.models import CONTENT_DIR, ContentError, load_content


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A writable copy of the real content, to break on purpose."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def edit(root: Path, filename: str, change) -> None:
    path = root / filename
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def entry(data: dict, key: str, entry_id: str) -> dict:
    return next(e for e in data[key] if e["id"] == entry_id)


def test_real_content_loads_with_expected_counts():
    c = load_content()
    assert len(c.benefits) == 7
    assert {t.id for t in c.techniques} >= {"thumb", "tennis_ball", "finishing_strokes"}
    assert len(c.contraindications) >= 13
    assert [area.id for area in c.areas if area.never] == ["knee_hollow", "inner_thigh"]
    assert {g.id for g in c.goals} >= {"relax", "sleep", "recover", "sitting"}


def set_field(key, entry_id, field, value):
    def change(data):
        entry(data, key, entry_id)[field] = value

    return change


def set_step(index, field, value):
    def change(data):
        entry(data, "techniques", "thumb")["steps"][index][field] = value

    return change


def drop_field(key, entry_id, field):
    def change(data):
        del entry(data, key, entry_id)[field]

    return change


def duplicate_first(key):
    def change(data):
        data[key].append(dict(data[key][0]))

    return change


CASES = [
    (
        "techniques.yaml",
        set_step(2, "seconds", 0),
        "techniques.yaml: thumb: steps[2].seconds: must be > 0",
    ),
    (
        "techniques.yaml",
        set_step(1, "seconds", -5),
        "techniques.yaml: thumb: steps[1].seconds: must be > 0",
    ),
    (
        "techniques.yaml",
        set_step(0, "areas", ["elbow"]),
        "techniques.yaml: thumb: steps[0].areas: unknown area 'elbow'",
    ),
    (
        "techniques.yaml",
        set_step(0, "areas", ["knee_hollow"]),
        "techniques.yaml: thumb: steps[0].areas: 'knee_hollow' is never massaged",
    ),
    (
        "techniques.yaml",
        set_step(0, "max_seconds", 5),
        "techniques.yaml: thumb: steps[0]: max_seconds (5) is less than seconds (15)",
    ),
    (
        "techniques.yaml",
        set_step(0, "secconds", 10),
        "techniques.yaml: thumb: steps[0].secconds: unknown field (misspelt?)",
    ),
    (
        "techniques.yaml",
        set_field("techniques", "thumb", "pressure_max", 11),
        "techniques.yaml: thumb: pressure_max: Input should be less than or equal to 10",
    ),
    (
        "techniques.yaml",
        set_field("techniques", "thumb", "pressure_min", 9),
        "techniques.yaml: thumb: (entry): pressure_min (9) is more than pressure_max (6)",
    ),
    (
        "techniques.yaml",
        set_field("techniques", "tennis_ball", "equipment", ["foam_roller"]),
        "techniques.yaml: tennis_ball: equipment: unknown equipment 'foam_roller'",
    ),
    (
        "techniques.yaml",
        set_field("techniques", "thumb", "sources", ["s999"]),
        "techniques.yaml: thumb: sources: unknown source 's999'",
    ),
    (
        "contraindications.yaml",
        set_field("contraindications", "fever", "effect", "maybe"),
        "contraindications.yaml: fever: effect: Input should be 'stop', 'area' or 'caution'",
    ),
    (
        "contraindications.yaml",
        set_field("contraindications", "varicose_veins", "asks_where", False),
        "contraindications.yaml: varicose_veins: (entry): effect 'area' needs asks_where: true",
    ),
    (
        "contraindications.yaml",
        drop_field("contraindications", "fever", "instead"),
        "contraindications.yaml: fever: instead: is missing",
    ),
    (
        "contraindications.yaml",
        duplicate_first("contraindications"),
        "contraindications.yaml: dvt_signs: id: is used more than once",
    ),
    (
        "benefits.yaml",
        set_field("benefits", "sleep", "level", "amazing"),
        "benefits.yaml: sleep: level: Input should be",
    ),
    (
        "benefits.yaml",
        set_field("benefits", "stress", "sources", []),
        "benefits.yaml: stress: sources: List should have at least 1 item",
    ),
    (
        "lessons.yaml",
        set_field("lessons", "02_stress_and_sleep", "benefits", ["flying"]),
        "lessons.yaml: 02_stress_and_sleep: benefits: unknown benefit 'flying'",
    ),
    (
        "lessons.yaml",
        set_field("lessons", "00_welcome", "teaching_minutes", "ten"),
        "lessons.yaml: 00_welcome: teaching_minutes: Input should be a valid integer",
    ),
    (
        "goals.yaml",
        set_field("goals", "sleep", "weights", {"karate": 1}),
        "goals.yaml: sleep: weights: unknown technique 'karate'",
    ),
    (
        "areas.yaml",
        set_field("areas", "shin", "side", "inside"),
        "areas.yaml: shin: side: Input should be",
    ),
    (
        "faq.yaml",
        set_field("faq", "slimming", "id", "Slimming!"),
        "faq.yaml: Slimming!: id: String should match pattern",
    ),
]


@pytest.mark.parametrize(("filename", "change", "expected"), CASES, ids=[c[2][:60] for c in CASES])
def test_malformed_content_names_file_entry_and_field(content_dir, filename, change, expected):
    edit(content_dir, filename, change)
    with pytest.raises(ContentError) as err:
        load_content(content_dir)
    assert any(line.startswith(expected) for line in err.value.problems), err.value.problems


def test_not_yaml_names_line(content_dir):
    (content_dir / "faq.yaml").write_text(
        "faq:\n  - id: x\n    question: [unclosed\n", encoding="utf-8"
    )
    with pytest.raises(ContentError) as err:
        load_content(content_dir)
    assert err.value.problems[0].startswith("faq.yaml: not valid YAML at line")


def test_missing_file(content_dir):
    (content_dir / "areas.yaml").unlink()
    with pytest.raises(ContentError, match="areas.yaml: file is missing"):
        load_content(content_dir)


def test_wrong_top_level_shape(content_dir):
    (content_dir / "benefits.yaml").write_text("benefits: just a sentence\n", encoding="utf-8")
    with pytest.raises(
        ContentError, match="benefits.yaml: expected a list of entries under 'benefits:'"
    ):
        load_content(content_dir)


def test_entry_not_a_mapping(content_dir):
    edit(content_dir, "faq.yaml", lambda d: d["faq"].append("a stray line"))
    with pytest.raises(ContentError, match=r"faq.yaml: entry 5: expected a mapping of fields"):
        load_content(content_dir)


def test_all_problems_reported_at_once(content_dir):
    edit(content_dir, "techniques.yaml", set_step(2, "seconds", 0))
    edit(content_dir, "benefits.yaml", set_field("benefits", "sleep", "level", "amazing"))
    with pytest.raises(ContentError) as err:
        load_content(content_dir)
    assert len(err.value.problems) == 2


def test_the_learners_level_is_the_first_scoped_level():
    """Practice 2 asks what is "not supported" for a learner (self-massage, healthy legs): that
    is the first scoped level, never the best one measured in other people (review item 11)."""
    from course.models import Benefit, Level

    benefits = load_content().benefit
    assert benefits["lymphatic"].learner_level is Level.NOT_SUPPORTED
    assert benefits["lymphatic"].level is Level.LIMITED
    assert benefits["stress"].learner_level is Level.LIMITED
    base = benefits["stress"].model_dump()
    flipped = Benefit.model_validate({**base, "scoped": base["scoped"][::-1]})
    assert flipped.learner_level is Level.MODERATE
    unscoped = Benefit.model_validate({**base, "scoped": []})
    assert unscoped.learner_level is unscoped.level
