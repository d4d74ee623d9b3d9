"""Issue 10, item 5: no test and no notebook run writes into the learner's real data folder."""

from __future__ import annotations

import re
from pathlib import Path

import platformdirs

from course import progress
from tests.conftest import REAL_DATA_DIR

ROOT = Path(__file__).resolve().parents[1]


def test_the_record_a_test_opens_is_not_the_learners_real_one(tmp_path_factory):
    temp_root = tmp_path_factory.getbasetemp()
    assert progress.default_path().resolve().is_relative_to(temp_root)
    assert not progress.default_path().resolve().is_relative_to(REAL_DATA_DIR.resolve())


def test_without_the_override_the_platform_folder_is_a_temporary_one_too(monkeypatch):
    """Code that forgets COURSE_DATA_DIR (or a kernel that loses it) still misses the real
    folder: the platform's own data-folder variable points into the test's temp dir."""
    monkeypatch.delenv("COURSE_DATA_DIR")
    fallback = Path(platformdirs.user_data_dir(progress.APP_NAME))
    assert progress.data_dir() == fallback
    assert fallback != REAL_DATA_DIR
    assert not fallback.resolve().is_relative_to(Path.home().resolve() / ".local")


def _recipe(makefile: str, target: str) -> list[str]:
    block = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n?)+)", makefile, re.M)
    assert block, f"no {target} target in the Makefile"
    return [line.strip() for line in block.group(1).splitlines()]


def test_every_notebook_run_in_make_test_uses_a_temporary_data_folder():
    """nbval kernels do not pass through the test fixtures: before the fix lesson 10's run
    read (and a CI run created) ~/.local/share/legmassage-course/progress.sqlite3."""
    makefile = (ROOT / "Makefile").read_text()
    tmpdata = re.search(r"^TMPDATA := (.*)$", makefile, re.M)
    if tmpdata:  # expand the one variable the recipes use for it
        makefile = makefile.replace("$(TMPDATA)", tmpdata.group(1))
    runs = [line for line in _recipe(makefile, "test") if "pytest" in line]
    assert runs
    for line in runs:
        assert re.match(r"COURSE_DATA_DIR=\$\$\(mktemp -d[^)]*\) ", line), line
    for line in _recipe(makefile, "test-faults"):
        assert "COURSE_DATA_DIR=$$(mktemp -d" in line, line


def test_stored_notebooks_are_executed_against_an_empty_folder():
    tool = (ROOT / "tools" / "execute_notebooks.py").read_text()
    assert 'os.environ["COURSE_DATA_DIR"] = data' in tool
    assert "tempfile.TemporaryDirectory" in tool
