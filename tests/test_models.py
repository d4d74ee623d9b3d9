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


# --- issue 10, item 13: hostile or careless content gets one line naming file, entry, field ---


def replace_text(root: Path, filename: str, old: str, new: str) -> None:
    path = root / filename
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(root: Path) -> list[str]:
    with pytest.raises(ContentError) as err:
        load_content(root)
    assert all("\n" not in line for line in err.value.problems)
    return err.value.problems


def test_a_key_given_twice_is_an_error(content_dir):
    replace_text(
        content_dir,
        "goals.yaml",
        "    pressure_cap: 6\n",
        "    pressure_cap: 6\n    pressure_cap: 9\n",
    )
    (line,) = problems_of(content_dir)
    assert line.startswith("goals.yaml: not valid YAML at line 9, column 5: duplicate key")
    assert "'pressure_cap' in entry 'relax'" in line


def test_an_unknown_top_level_key_is_an_error(content_dir):
    path = content_dir / "areas.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "aeras:\n  - id: x\n", encoding="utf-8")
    (line,) = problems_of(content_dir)
    assert line.startswith("areas.yaml: (file): aeras: unknown top-level key (expected areas)")


def test_an_unknown_key_in_a_quiz_bank_is_an_error(content_dir):
    replace_text(
        content_dir, "quizzes/benefits.yaml", "pass_mark: 0.75\n", "pass_mark: 0.75\npassmark: 1\n"
    )
    (line,) = problems_of(content_dir)
    assert line == "quizzes/benefits.yaml: (bank): passmark: unknown field (misspelt?)"


@pytest.mark.parametrize(
    ("filename", "old", "new", "expected"),
    [
        (
            "techniques.yaml",
            "seconds: 90",
            "seconds: true",
            "techniques.yaml: thumb: steps[2].seconds: true is not a number",
        ),
        (
            "goals.yaml",
            "thumb: 2, tennis_ball",
            "thumb: true, tennis_ball",
            "goals.yaml: relax: weights.thumb: true is not a number",
        ),
        (
            "quizzes/safety.yaml",
            "pass_mark: 0.8",
            "pass_mark: true",
            "quizzes/safety.yaml: (bank): pass_mark: true is not a number",
        ),
    ],
)
def test_true_is_not_read_as_one(content_dir, filename, old, new, expected):
    replace_text(content_dir, filename, old, new)
    assert any(line.startswith(expected) for line in problems_of(content_dir))


def test_a_goal_whose_weights_are_all_zero(content_dir):
    edit(
        content_dir,
        "goals.yaml",
        set_field("goals", "relax", "weights", {t: 0 for t in ("thumb", "tennis_ball")}),
    )
    assert problems_of(content_dir) == [
        "goals.yaml: relax: weights: all are 0, so no technique would get any time"
    ]


def test_a_caution_that_caps_nothing(content_dir):
    edit(
        content_dir,
        "contraindications.yaml",
        set_field("contraindications", "pregnancy", "max_pressure", 10),
    )
    assert problems_of(content_dir) == [
        "contraindications.yaml: pregnancy: max_pressure: 10 is the top of the 0-10 scale, so "
        "it caps nothing; give a lower cap or leave it out"
    ]


def gate_marks(data: dict) -> list[dict]:
    return [lq for lesson in data["lessons"] for lq in lesson.get("quizzes", []) if lq.get("gate")]


def test_the_gate_quiz_must_be_marked(content_dir):
    edit(content_dir, "lessons.yaml", lambda data: gate_marks(data)[0].pop("gate"))
    assert problems_of(content_dir) == [
        "lessons.yaml: (file): quizzes: the routine builder's gate needs exactly one lesson "
        "quiz marked 'gate: true', found 0"
    ]


def test_only_one_quiz_may_be_the_gate(content_dir):
    def second_gate(data: dict) -> None:
        lq = next(lq for lesson in data["lessons"] for lq in lesson.get("quizzes", [])
                  if not lq.get("gate"))
        lq["gate"] = True

    edit(content_dir, "lessons.yaml", second_gate)
    [problem] = problems_of(content_dir)
    assert problem.startswith(
        "lessons.yaml: (file): quizzes: the routine builder's gate needs exactly one lesson "
        "quiz marked 'gate: true', found 2 (in "
    )


def test_the_gate_bank_must_exist(content_dir):
    data = yaml.safe_load((content_dir / "lessons.yaml").read_text(encoding="utf-8"))
    bank = gate_marks(data)[0]["bank"]
    (content_dir / f"quizzes/{bank}.yaml").unlink()
    problems = problems_of(content_dir)
    assert any(f"quizzes[0].bank: unknown quiz bank '{bank}'" in p for p in problems), problems


def test_the_gate_bank_must_exist_in_the_cli(content_dir):
    from course.__main__ import main

    (content_dir / "quizzes/safety.yaml").unlink()
    assert main(["check", "--content", str(content_dir)]) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("faq:\n" + "  " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 50 levels deep"),
        ("faq:\n  - id: x\n    n: " + "9" * 5000 + "\n", "a number with 5000 digits"),
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
                for i in range(12)
            )
            + "faq: [*m]\n",
            "more than 100 aliases",
        ),
    ],
    ids=["deep", "long_number", "alias_bomb"],
)
def test_deep_nesting_and_huge_numbers(content_dir, text, expected):
    (content_dir / "faq.yaml").write_text(text, encoding="utf-8")
    (line,) = problems_of(content_dir)
    assert line.startswith("faq.yaml: not valid YAML at line") and expected in line


def test_a_fifo_at_a_content_path_does_not_hang(content_dir):
    import os
    import threading

    (content_dir / "notes.yaml").unlink()
    os.mkfifo(content_dir / "notes.yaml")
    os.mkfifo(content_dir / "quizzes" / "extra.yaml")
    result: list = []
    worker = threading.Thread(target=lambda: result.append(problems_of(content_dir)), daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "load_content hung on a FIFO"
    assert "notes.yaml: is not a regular file (a folder, pipe or device); not read" in result[0]
    assert any(line.startswith("quizzes/extra.yaml: is not a regular file") for line in result[0])


def test_a_huge_content_file_is_refused_quickly(content_dir):
    import time

    entry_text = "  - id: n{n}\n    text: A note.\n    sources: [s1]\n"
    with (content_dir / "notes.yaml").open("w", encoding="utf-8") as fh:
        fh.write("notes:\n")
        n = 0
        while fh.tell() < 52 * 1024 * 1024:
            fh.write("".join(entry_text.format(n=n + i) for i in range(1000)))
            n += 1000
    start = time.monotonic()
    (line,) = problems_of(content_dir)
    assert time.monotonic() - start < 5
    assert line.startswith("notes.yaml: is ") and "more than the 2 MB a content file may be" in line


@pytest.mark.parametrize("key", ["equipment", "positions"])
def test_equipment_and_positions_must_map_ids_to_names(content_dir, key):
    def spoil(data: dict) -> None:
        data[key] = ["a list", "not a mapping"]

    edit(content_dir, "techniques.yaml", spoil)
    problems = problems_of(content_dir)
    assert problems[0] == f"techniques.yaml: {key}: expected a mapping id -> name"


def test_a_bank_id_used_twice_and_a_question_without_id(content_dir):
    first = sorted((content_dir / "quizzes").glob("*.yaml"))[0]
    copy = content_dir / "quizzes" / "zz_copy.yaml"
    data = yaml.safe_load(first.read_text(encoding="utf-8"))
    for q in data["questions"]:
        q["id"] = f"{q['id']}_copy"
    del data["questions"][1]["id"]
    copy.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert problems_of(content_dir) == [
        "quizzes/zz_copy.yaml: question 2: id: is missing",
    ]
    data["questions"][1]["id"] = "q_new_copy"
    copy.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert problems_of(content_dir) == [
        f"quizzes: {data['id']}: id: bank id is used more than once"
    ]
