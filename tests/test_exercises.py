"""The practice notebooks and the exercise generator.

solutions/ is the single source; exercises/ is generated from it. These tests hold the
generator to nbgrader's conventions (every solution region stubbed, hints kept, check cells
kept), prove it is byte-stable, and fail the build when exercises/ was edited by hand or not
regenerated after a solution changed.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import nbformat
import pytest

from course import exercises as ex
from course.__main__ import main as cli
from course.safety import Profile

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
SOLUTION_PATHS = sorted(SOLUTIONS.glob("*.ipynb"))
SOLUTION_KEYS = {"grade", "grade_id", "locked", "schema_version", "solution", "task"}


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def python(source: str) -> ast.Module:
    """Parse a code cell, without its IPython magics."""
    lines = ["" if line.lstrip().startswith("%") else line for line in source.splitlines()]
    return ast.parse("\n".join(lines))


def notebook(*cells) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=list(cells))


def solution_cell(source: str, grade_id: str = "answer", markdown: bool = False):
    make = nbformat.v4.new_markdown_cell if markdown else nbformat.v4.new_code_cell
    cell = make(source)
    cell.metadata["nbgrader"] = {
        "grade": False,
        "grade_id": grade_id,
        "locked": False,
        "schema_version": 3,
        "solution": True,
        "task": False,
    }
    return cell


def check_cell(source: str, grade_id: str = "check", points: int = 1):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": grade_id,
        "locked": True,
        "points": points,
        "schema_version": 3,
        "solution": False,
        "task": False,
    }
    return cell


def hint_of(region: str) -> str | None:
    """The first ``# HINT:`` line of a solution region, as the generator reads it."""
    return next((m["hint"] for line in region.splitlines() if (m := ex.HINT.match(line))), None)


def tagged(cell) -> bool:
    return ex.RAISES in cell.metadata.get("tags", [])


# --- the check helper --------------------------------------------------------------------


def test_check_prints_the_reason_when_right(capsys):
    ex.check(1 + 1 == 2, "Two, as expected.", "never shown")
    assert capsys.readouterr().out == "✓ Two, as expected.\n"


def test_check_fails_with_the_hint_when_wrong(capsys):
    with pytest.raises(AssertionError, match=r"^Not yet\. Count again\.$"):
        ex.check([], "never shown", "Count again.")
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        (Profile(), "go ahead"),
        (Profile.of("fever"), "stop"),
        (Profile.of("varicose_veins", varicose_veins=["calf"]), "keep out"),
        # a "see a clinician first" answer waits, numb feet too (they were "lighter" once)
        (Profile.of("bleeding_risk"), "wait"),
        (Profile.of("diabetic_neuropathy"), "wait"),
        # a hold on one leg is still a wait: nothing happens on that leg until it is cleared
        (Profile.of("injury_or_surgery", injury_or_surgery=["knee_front"],
                    sides={"injury_or_surgery": "right"}), "wait"),
        # after the clinician's OK the limits stay: a gentler routine, or an area kept out
        (Profile.of("bleeding_risk", cleared=True), "lighter"),
        (Profile.of("diabetic_neuropathy", cleared=True), "lighter"),
        (Profile.of("injury_or_surgery", injury_or_surgery=["knee_front"],
                    sides={"injury_or_surgery": "right"}, cleared=True), "keep out"),
        # a risk factor without a hold: no ball on the calves, moderate pressure at most
        (Profile.of("recent_immobility"), "lighter"),
        (Profile.of("varicose_veins", varicose_veins=["calf"], sides={"varicose_veins": "left"}),
         "keep out"),
        # the strongest effect wins, whatever the order of the answers
        (Profile.of("bleeding_risk", "fever"), "stop"),
        (Profile.of("bleeding_risk", "varicose_veins", varicose_veins=["calf"]), "wait"),
        (Profile.of("bleeding_risk", "varicose_veins", varicose_veins=["calf"], cleared=True),
         "keep out"),
    ],
)
def test_decision_names_what_the_safety_check_does(profile, expected):
    assert ex.decision(profile) == expected


def test_decision_of_an_unknown_answer_is_the_screening_error():
    with pytest.raises(ValueError, match="Unknown screening answer: flu"):
        ex.decision(Profile.of("flu"))


# --- stripping solution regions ----------------------------------------------------------


def test_region_becomes_a_stub_with_its_hint():
    source = (
        "x = 1\n### BEGIN SOLUTION\n# HINT: add one to x\ny = x + 1\n### END SOLUTION\nprint(y)"
    )
    assert ex.strip_solutions(source) == (
        'x = 1\nraise NotImplementedError("add one to x")\nprint(y)'
    )


def test_region_without_hint_gets_the_generic_one():
    out = ex.strip_solutions("### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION")
    assert out == f'raise NotImplementedError("{ex.GENERIC_HINT}")'


def test_stub_keeps_the_indentation_of_the_region():
    source = (
        "def total(week):\n"
        "    ### BEGIN SOLUTION\n"
        "    # HINT: use sum\n"
        "    return sum(week.values())\n"
        "    ### END SOLUTION\n"
    )
    out = ex.strip_solutions(source)
    assert out == 'def total(week):\n    raise NotImplementedError("use sum")'
    ast.parse(out)


def test_every_region_of_a_cell_is_replaced():
    source = (
        "### BEGIN SOLUTION\n# HINT: first\na = 1\n### END SOLUTION\n"
        "between = True\n"
        "### BEGIN SOLUTION\n# HINT: second\nb = 2\n### END SOLUTION"
    )
    out = ex.strip_solutions(source)
    assert out.splitlines() == [
        'raise NotImplementedError("first")',
        "between = True",
        'raise NotImplementedError("second")',
    ]


def test_hints_with_quotes_and_accents_stay_valid_python():
    for hint in ['use Profile.of("dvt_signs")', "it's 37-40 °C", "both ' and \" here"]:
        out = ex.strip_solutions(f"### BEGIN SOLUTION\n# HINT: {hint}\nx = 1\n### END SOLUTION")
        call = python(out).body[0].exc
        assert call.args[0].value == hint


def test_solution_cell_without_markers_is_replaced_whole():
    out = ex.strip_solutions("# HINT: name it n\nn = 3\nprint(n)")
    assert out == 'raise NotImplementedError("name it n")'


def test_written_answers_get_nbgrader_markdown_stub():
    source = "Intro kept.\n### BEGIN SOLUTION\nBecause ten minutes fit my day.\n### END SOLUTION"
    assert ex.strip_solutions(source, code=False) == f"Intro kept.\n{ex.MARKDOWN_STUB}"


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("### BEGIN SOLUTION\nx = 1", "never closed"),
        ("x = 1\n### END SOLUTION", "without"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside another region"),
    ],
)
def test_broken_markers_are_reported_with_the_cell(source, problem):
    with pytest.raises(ex.SolutionError, match=problem) as info:
        ex.strip_solutions(source, where="03_x.ipynb: cell 4")
    assert "03_x.ipynb: cell 4" in str(info.value)


# --- raises-exception tags ---------------------------------------------------------------


def test_stub_cells_and_cells_that_use_their_names_are_tagged():
    nb = notebook(
        nbformat.v4.new_code_cell("%matplotlib inline\nimport math"),
        solution_cell("### BEGIN SOLUTION\nweek = {'Mon': 10}\n### END SOLUTION"),
        nbformat.v4.new_code_cell("print(math.pi)"),
        nbformat.v4.new_code_cell("total = sum(week.values())"),
        nbformat.v4.new_code_cell("print(total)"),
        check_cell("check(total > 0, 'ok', 'hint')"),
        nbformat.v4.new_code_cell("print(math.e)"),
    )
    out = ex.exercise_of(nb)
    assert [tagged(c) for c in out.cells] == [False, True, False, True, True, True, False]


def test_a_cell_that_updates_a_stubbed_name_counts_as_using_it():
    nb = notebook(
        nbformat.v4.new_code_cell("plan = []"),
        solution_cell("### BEGIN SOLUTION\nplan.append(10)\n### END SOLUTION"),
        nbformat.v4.new_code_cell("print(plan)"),
    )
    assert [tagged(c) for c in ex.exercise_of(nb).cells] == [False, True, True]


def test_after_an_unparsable_stub_every_later_code_cell_is_tagged():
    nb = notebook(
        solution_cell("### BEGIN SOLUTION\n%time x = 1\nif:\n### END SOLUTION"),
        nbformat.v4.new_code_cell("print(1)"),
        nbformat.v4.new_markdown_cell("text"),
    )
    assert [tagged(c) for c in ex.exercise_of(nb).cells] == [True, True, False]


def test_generation_does_not_change_the_solution():
    nb = notebook(solution_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION"))
    before = nbformat.writes(nb)
    ex.exercise_of(nb)
    assert nbformat.writes(nb) == before


# --- the solution notebooks --------------------------------------------------------------


def test_there_are_at_least_five_practice_notebooks():
    assert len(SOLUTION_PATHS) >= 5


@pytest.mark.parametrize("path", SOLUTION_PATHS, ids=lambda p: p.stem)
def test_solution_and_check_cells_carry_nbgrader_metadata(path):
    nb = read(path)
    grade_ids = []
    solutions = checks = 0
    for cell in nb.cells:
        meta = nbgrader(cell)
        if ex.BEGIN in cell.source:
            assert meta.get("solution") is True, f"{path.name}: region outside a solution cell"
            assert SOLUTION_KEYS <= meta.keys()
            # nbgrader rejects a written (markdown) answer that is not graded by hand
            assert meta["grade"] is (cell.cell_type == "markdown") and meta["locked"] is False
            assert meta["schema_version"] == 3 and meta["task"] is False
            solutions += 1
        if cell.cell_type == "code" and "check(" in cell.source and ex.BEGIN not in cell.source:
            assert SOLUTION_KEYS | {"points"} <= meta.keys(), f"{path.name}: bare check cell"
            assert meta["grade"] is True and meta["solution"] is False
            assert meta["locked"] is True and meta["points"] > 0
            checks += 1
        if meta:
            grade_ids.append(meta["grade_id"])
    assert solutions >= 3 and checks >= 3
    assert len(grade_ids) == len(set(grade_ids)), f"{path.name}: grade_id used twice"


@pytest.mark.parametrize("path", SOLUTION_PATHS, ids=lambda p: p.stem)
def test_written_answers_are_graded_by_hand_with_a_rubric(path):
    """nbgrader needs points on a written answer; the grader needs a rubric to give them by.
    The rubric sits inside the solution region, so the exercise never shows it."""
    for cell in read(path).cells:
        meta = nbgrader(cell)
        if cell.cell_type == "markdown" and meta.get("solution"):
            assert meta["grade"] is True and meta["points"] > 0, meta["grade_id"]
            region = cell.source.split(ex.BEGIN, 1)[1].split(ex.END, 1)[0]
            assert f"Rubric ({meta['points']} points" in region, meta["grade_id"]
            assert region.count("\n- ") >= 2, f"{meta['grade_id']}: rubric without criteria"


@pytest.mark.parametrize("path", SOLUTION_PATHS, ids=lambda p: p.stem)
def test_every_solution_region_has_a_hint(path):
    for cell in read(path).cells:
        if nbgrader(cell).get("solution") and cell.cell_type == "code":
            region = cell.source.split(ex.BEGIN, 1)[1].split(ex.END, 1)[0]
            assert hint_of(region), f"{path.name}: no # HINT: in {cell.source[:60]!r}"


@pytest.mark.parametrize("path", SOLUTION_PATHS, ids=lambda p: p.stem)
def test_solutions_are_stored_executed_in_order_without_errors(path):
    code = [c for c in read(path).cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    for cell in code:
        assert "execution" not in cell.metadata, (
            "run with --ExecutePreprocessor.record_timing=False"
        )
        for out in cell.outputs:
            assert out.output_type != "error", f"{path.name}: {out.get('ename')}"
            assert out.get("name") != "stderr", f"{path.name}: stderr output {out.get('text')}"
    assert any(c.outputs for c in code if nbgrader(c).get("grade")), "checks printed nothing"
    assert all(
        "✓" in "".join(o.get("text", "") for o in c.outputs)
        for c in code
        if nbgrader(c).get("grade")
    )


# --- the generated exercises -------------------------------------------------------------


@pytest.mark.parametrize("path", SOLUTION_PATHS, ids=lambda p: p.stem)
def test_generation_replaces_every_region_and_keeps_the_checks(path):
    solution = read(path)
    exercise = ex.exercise_of(solution, path.name)
    assert len(exercise.cells) == len(solution.cells)
    for before, after in zip(solution.cells, exercise.cells, strict=True):
        assert after.cell_type == before.cell_type and after.id == before.id
        assert ex.BEGIN not in after.source and ex.END not in after.source
        if nbgrader(before).get("solution"):
            region = before.source.split(ex.BEGIN, 1)[1].split(ex.END, 1)[0]
            answer = [line for line in region.splitlines() if line and not ex.HINT.match(line)]
            assert not any(line in after.source.splitlines() for line in answer), after.source
            if before.cell_type == "code":
                assert "raise NotImplementedError(" in after.source
                stub = python(after.source).body[0].exc
                assert stub.args[0].value == hint_of(region)
                assert tagged(after)
            else:
                assert ex.MARKDOWN_STUB in after.source
        else:
            assert after.source == before.source
        assert nbgrader(after) == nbgrader(before)
        if ex._is_check(before):
            assert tagged(after), "a check cell that follows a stub must be allowed to fail"
            assert after.metadata["editable"] is False and after.metadata["deletable"] is False
        if after.cell_type == "code":
            assert after.outputs == [] and after.execution_count is None
            python(after.source)  # every exercise cell is still valid Python


@pytest.mark.parametrize("path", SOLUTION_PATHS, ids=lambda p: p.stem)
def test_cells_before_the_first_stub_are_not_tagged(path):
    cells = ex.exercise_of(read(path), path.name).cells
    first = next(i for i, c in enumerate(cells) if nbgrader(c).get("solution"))
    assert not any(tagged(c) for c in cells[:first])


def test_generator_is_deterministic():
    first = ex.generate(SOLUTIONS)
    assert first == ex.generate(SOLUTIONS)
    assert sorted(first) == [p.name for p in SOLUTION_PATHS]
    assert all(text.endswith("}\n") for text in first.values())


def test_exercises_on_disk_match_the_solutions():
    """Fails when a solution changed without `python -m course exercises`, or an exercise was
    edited by hand: exercises/ must be exactly what the generator makes."""
    generated = ex.generate(SOLUTIONS)
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in sorted(EXERCISES.glob("*.ipynb"))}
    assert sorted(on_disk) == sorted(generated), "exercises/ and solutions/ hold different files"
    stale = [name for name, text in generated.items() if on_disk[name] != text]
    assert not stale, f"out of sync, run `python -m course exercises`: {stale}"


# --- the command -------------------------------------------------------------------------


@pytest.fixture
def copies(tmp_path):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    shutil.copytree(SOLUTIONS, solutions)
    assert cli(["exercises", "--solutions", str(solutions), "--exercises", str(exercises)]) == 0
    return solutions, exercises


def run_check(solutions: Path, exercises: Path) -> int:
    return cli(
        ["exercises", "--check", "--solutions", str(solutions), "--exercises", str(exercises)]
    )


def test_command_writes_every_exercise(copies, capsys):
    solutions, exercises = copies
    assert sorted(p.name for p in exercises.glob("*.ipynb")) == [p.name for p in SOLUTION_PATHS]
    capsys.readouterr()
    assert run_check(solutions, exercises) == 0
    assert "in sync" in capsys.readouterr().out


def test_check_mode_names_a_hand_edited_exercise_and_writes_nothing(copies, capsys):
    solutions, exercises = copies
    edited = exercises / SOLUTION_PATHS[0].name
    nb = read(edited)
    cell = next(c for c in nb.cells if nbgrader(c).get("solution"))
    cell.source = "answer = 'typed into the exercise by hand'"
    nbformat.write(nb, edited)
    text = edited.read_text(encoding="utf-8")
    capsys.readouterr()

    assert run_check(solutions, exercises) == 1
    err = capsys.readouterr().err
    assert f"{edited}: differs from its solution" in err
    assert all(p.name not in err for p in SOLUTION_PATHS[1:])
    assert edited.read_text(encoding="utf-8") == text  # --check writes nothing

    assert cli(["exercises", "--solutions", str(solutions), "--exercises", str(exercises)]) == 0
    assert run_check(solutions, exercises) == 0


def test_check_mode_names_missing_and_stale_exercises(copies, capsys):
    solutions, exercises = copies
    (exercises / SOLUTION_PATHS[-1].name).unlink()
    shutil.copy(SOLUTION_PATHS[0], exercises / "99_no_such_solution.ipynb")
    capsys.readouterr()
    assert run_check(solutions, exercises) == 1
    err = capsys.readouterr().err
    assert f"{SOLUTION_PATHS[-1].name}: is missing" in err
    assert "99_no_such_solution.ipynb: has no solution notebook" in err

    assert cli(["exercises", "--solutions", str(solutions), "--exercises", str(exercises)]) == 0
    assert not (exercises / "99_no_such_solution.ipynb").exists()
    assert run_check(solutions, exercises) == 0


def test_unchanged_exercises_are_not_rewritten(copies):
    solutions, exercises = copies
    before = {p: p.stat().st_mtime_ns for p in exercises.glob("*.ipynb")}
    assert cli(["exercises", "--solutions", str(solutions), "--exercises", str(exercises)]) == 0
    assert {p: p.stat().st_mtime_ns for p in exercises.glob("*.ipynb")} == before


def test_a_broken_solution_is_reported_not_half_written(tmp_path, capsys):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    nb = notebook(solution_cell("### BEGIN SOLUTION\nx = 1"))
    nbformat.write(nb, solutions / "01_broken.ipynb")
    assert cli(["exercises", "--solutions", str(solutions), "--exercises", str(exercises)]) == 2
    assert "01_broken.ipynb: cell 1" in capsys.readouterr().err
    assert not exercises.exists()


def test_missing_solutions_folder_is_a_clear_error(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert cli(["exercises", "--solutions", str(missing), "--exercises", str(tmp_path)]) == 2
    assert "no such folder" in capsys.readouterr().err
