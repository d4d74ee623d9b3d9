"""Content is data: the Python that screens, plans, builds and grades never names an entry of
the content (a lesson, a technique, a quiz bank, a piece of equipment, a condition). A new
lesson or a renamed bank is a YAML edit, not a code change."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import course
from course.models import Content, content

ROOT = Path(course.__file__).parent
# The modules that hold the course's rules: the loader, the safety gate, the routine, the
# quizzes, the builder, the agenda and the exercise generator.
RULE_MODULES = (
    "models.py",
    "safety.py",
    "routine.py",
    "quiz.py",
    "ui/builder.py",
    "instructor/agenda.py",
    "exercises.py",
)


def code_strings(*names: str, root: Path = ROOT) -> set[str]:
    """Every string constant in these modules of ``course/``, docstrings left out (their
    examples may name real entries)."""
    strings: set[str] = set()
    for name in names:
        tree = ast.parse((root / name).read_text(encoding="utf-8"))
        docs = {id(node.body[0].value) for node in ast.walk(tree)
                if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
                and node.body and isinstance(node.body[0], ast.Expr)}
        strings |= {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                    and isinstance(node.value, str) and id(node) not in docs}
    return strings


def content_ids() -> dict[str, set[str]]:
    """The ids of each kind of entry, less the words that are also names of the content's own
    parts (a bank called ``benefits`` cannot be told from the ``benefits`` field)."""
    c = content()
    parts = set(Content.model_fields)
    return {
        "lesson": {x.id for x in c.lessons},
        "technique": {x.id for x in c.techniques},
        "quiz bank": {x.id for x in c.quizzes} - parts,
        "equipment": set(c.equipment),
        "goal": {x.id for x in c.goals},
    }


@pytest.mark.parametrize("kind", sorted(content_ids()))
def test_no_content_id_is_written_into_the_rule_modules(kind):
    ids = content_ids()[kind]
    strings = code_strings(*RULE_MODULES)
    assert sorted(ids & strings) == []
    assert not [s for s in strings for i in ids if f'"{i}"' in s or f"{i}.ipynb" in s]


def test_the_check_finds_a_written_id(tmp_path):
    """The walker sees ids in code (not in docstrings), so the test above can fail."""
    lesson = content().lessons[0].id
    (tmp_path / "m.py").write_text(
        f'"""Docstring naming {lesson}."""\nX = "{lesson}"\nY = "{lesson}.ipynb"\n',
        encoding="utf-8")
    assert code_strings("m.py", root=tmp_path) == {lesson, f"{lesson}.ipynb"}
