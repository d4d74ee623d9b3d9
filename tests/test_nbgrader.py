"""The practice set works in nbgrader, as an instructor would use it.

One temporary nbgrader course holds every solution notebook as the assignment source. The
real nbgrader command line releases it (``generate_assignment``, which validates the cell
metadata) and autogrades three submissions in kernels that import this checkout's ``course``:

* ``solution``: the solution notebooks themselves: every autograded check earns full marks,
  and every written answer waits for a person (nbgrader cannot grade prose);
* ``release``: nbgrader's own release, untouched: zero;
* ``exercises``: the notebooks of ``exercises/`` (what learners get from the repository),
  untouched: zero as well, so an instructor may hand out either.

Fifteen kernels make this the slowest test file: about 30 s of CPU, 70-90 s on a shared
two-core machine. Everything runs once per module; the tests only read the results.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
EXERCISES = ROOT / "exercises"
ASSIGNMENT = "practice"
CONFIG = """\
c = get_config()
c.CourseDirectory.course_id = "legmassage"
c.CourseDirectory.db_url = "sqlite:///{db}"
c.ExecutePreprocessor.timeout = 120
"""

def nbgrader(course: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """Run the nbgrader command line in ``course``; fail with its log when it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout}{done.stderr}"
    # nbgrader logs a failed notebook as an ERROR but may still exit 0
    assert "| ERROR]" not in done.stderr, done.stderr
    return done


def scores(db: Path) -> dict[tuple[str, str], dict]:
    """(student, notebook) -> totals and the grade of every graded cell, as plain values."""
    out: dict[tuple[str, str], dict] = {}
    with Gradebook(f"sqlite:///{db}") as gb:
        assignment = gb.find_assignment(ASSIGNMENT)
        for student in ("solution", "release", "exercises"):
            for notebook in assignment.notebooks:
                sub = gb.find_submission_notebook(notebook.name, ASSIGNMENT, student)
                out[student, notebook.name] = {
                    "score": sub.score,
                    "max_score": sub.max_score,
                    "grades": {
                        g.name: {
                            "kind": g.cell.cell_type,
                            "auto": g.auto_score,
                            "max": g.max_score,
                            "manual": g.needs_manual_grade,
                        }
                        for g in sub.grades
                    },
                }
    return out


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """The nbgrader course folder, after release and autograding."""
    course = tmp_path_factory.mktemp("nbgrader-course")
    db = course / "gradebook.db"
    (course / "nbgrader_config.py").write_text(CONFIG.format(db=db), encoding="utf-8")
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    for path in SOLUTIONS:
        shutil.copy(path, source)

    bin_dir = str(Path(sys.executable).parent)  # nbgrader calls `alembic` from PATH
    env = dict(
        os.environ,
        PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""),
        PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        COURSE_DATA_DIR=str(tmp_path_factory.mktemp("course-data")),
        MPLBACKEND="Agg",
    )
    nbgrader(course, env, "generate_assignment", ASSIGNMENT, "--force")

    release = course / "release" / ASSIGNMENT
    submissions = {"solution": source, "release": release, "exercises": EXERCISES}
    for student, folder in submissions.items():
        target = course / "submitted" / student / ASSIGNMENT
        target.mkdir(parents=True)
        for path in SOLUTIONS:
            shutil.copy(folder / path.name, target)
    nbgrader(course, env, "autograde", ASSIGNMENT, "--force")
    return course


@pytest.fixture(scope="module")
def graded(course) -> dict[tuple[str, str], dict]:
    return scores(course / "gradebook.db")


def test_every_practice_notebook_is_released(graded):
    assert {name for _, name in graded} == {p.stem for p in SOLUTIONS}


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_the_release_shows_no_answer_and_no_rubric(course, path):
    released = nbformat.read(course / "release" / ASSIGNMENT / path.name, as_version=4)
    solution = nbformat.read(path, as_version=4)
    answers = [c.source for c in solution.cells if "### BEGIN SOLUTION" in c.source]
    assert answers
    text = "\n".join(c.source for c in released.cells)
    lines = set(text.splitlines())
    for source in answers:
        region = source.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
        # lines of the worked answer, the hint and the rubric (not a lone bracket)
        kept = [line for line in region.splitlines() if len(line.strip()) > 3 and line in lines]
        assert not kept, f"{path.name}: the release still shows {kept}"
    assert "Rubric" not in text and "Model answer" not in text


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_the_solution_earns_every_automatic_point(graded, path):
    result = graded["solution", path.stem]
    checks = {k: g for k, g in result["grades"].items() if g["kind"] == "code"}
    assert checks, "no autograded check"
    for grade_id, g in checks.items():
        assert g["auto"] == g["max"] > 0, f"{grade_id}: {g['auto']} of {g['max']}"
        assert not g["manual"]
    for grade_id, g in result["grades"].items():
        if g["kind"] == "markdown":  # a written answer: a person grades it
            assert g["manual"], f"{grade_id} was not left for manual grading"


@pytest.mark.parametrize("student", ["release", "exercises"])
@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_an_untouched_notebook_scores_zero(graded, path, student):
    result = graded[student, path.stem]
    assert result["max_score"] > 0
    assert result["score"] == 0
    earned = {k: g["auto"] for k, g in result["grades"].items() if g["auto"]}
    assert not earned, f"points for doing nothing: {earned}"
    # an unanswered written cell is scored 0 by nbgrader, not queued for a grader
    assert not any(g["manual"] for g in result["grades"].values())
