"""Practice notebooks: feedback for learners, and exercises generated from the solutions.

Two jobs live here because they share one convention, nbgrader's:

* :func:`check` is what the check cells of a practice notebook call. A learner who is not a
  programmer learns nothing from a bare ``AssertionError``; the check prints what was right, or
  fails with a hint that says what to look at again. :func:`decision` gives check cells the
  safety check's verdict in the words the notebooks teach, so no answer key is typed twice.
* :func:`generate` turns ``solutions/*.ipynb`` (the single source, stored executed) into
  ``exercises/*.ipynb``: every region between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
  in a cell carrying nbgrader solution metadata becomes ``raise NotImplementedError("<hint>")``,
  the hint taken from a ``# HINT: ...`` line inside the region. Solutions are never typed twice,
  so an exercise can never drift from its worked answer; ``--check`` catches a hand edit.

The exercise notebook must still run under ``pytest --nbval-lax``: the stub cells raise, and
so do the cells that use what the stubs should have defined. Those cells get the
``raises-exception`` tag, found by a static pass over the code (names assigned in stubbed cells
are "missing"; a cell that reads a missing name is tagged, and what it assigns goes missing too).
The pass is deliberately conservative: a tag on a cell that happens to run is harmless, a
missing tag fails the build.

nbformat is imported inside the generator functions so that ``from course.exercises import
check`` in a notebook stays cheap.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from course.safety import Profile

from course.cli import OutputError, check_output

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
HINT = re.compile(r"^\s*#\s*HINT:\s*(?P<hint>.+?)\s*$")
GENERIC_HINT = "Replace this line with your answer."
MARKDOWN_STUB = "YOUR ANSWER HERE"  # nbgrader's own stub text for written answers
RAISES = "raises-exception"  # the cell tag nbval honours
NOTE = (
    "Generated from {source} by `python -m course exercises`. Do not edit: edit the solution "
    "notebook and generate again."
)


# --- feedback for learners ---------------------------------------------------------------


def check(condition: object, ok: str, hint: str) -> None:
    """Print ``✓ ok`` when ``condition`` holds, else fail with ``hint``.

    A check cell says *why* an answer is right, so the learner also reads the reasoning when
    they got it right by luck; and a failing one points at what to change instead of showing
    only "AssertionError".
    """
    if not condition:
        raise AssertionError(f"Not yet. {hint}")
    print(f"✓ {ok}")


def decision(profile: Profile) -> str:
    """What the safety check does with a profile, in the practice notebooks' five words.

    ``"stop"`` (no massage at all), ``"wait"`` (wait for a clinician: nothing is planned, on
    the whole routine or on the held leg, until the learner confirms a clinician's OK),
    ``"keep out"`` (an area stays out of the routine, on the leg the answer names),
    ``"lighter"`` (a gentler routine: pressure capped or a technique left out) or
    ``"go ahead"``; the strongest effect wins. A cleared hold is no longer "wait": what its
    answer still asks (a cap, no ball, an area kept out) decides. A check cell compares a
    learner's sorting with this instead of a typed answer key, so the key follows the screening
    rules in ``course/content/`` whenever they change.
    """
    from course.safety import screen

    result = screen(profile)
    if result.stopped:
        return "stop"
    if result.waiting:
        return "wait"
    if result.kept_out:
        return "keep out"
    if result.cautions:
        return "lighter"
    return "go ahead"


# --- generating exercises from solutions -------------------------------------------------


class SolutionError(ValueError):
    """A solution notebook the generator cannot turn into an exercise (names file and cell)."""


def _is_solution(cell: Any) -> bool:
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def _is_check(cell: Any) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


def _stub_line(indent: str, hint: str, code: bool) -> str:
    if not code:
        return f"{indent}{MARKDOWN_STUB}" + (f" ({hint})" if hint != GENERIC_HINT else "")
    # Both give a valid Python literal for any text; the hint should read cleanly, so hints
    # that quote code ("that_id") get single quotes rather than backslashes.
    single = '"' in hint and "'" not in hint
    literal = repr(hint) if single else json.dumps(hint, ensure_ascii=False)
    return f"{indent}raise NotImplementedError({literal})"


def strip_solutions(source: str, code: bool = True, where: str = "cell") -> str:
    """The cell text with each solution region replaced by a stub.

    The stub keeps the indentation of the ``### BEGIN SOLUTION`` line, so a region inside a
    function body still gives valid code. A cell marked as a solution without any markers is
    replaced whole, as nbgrader does.
    """
    lines = source.splitlines()
    if not any(line.strip() == BEGIN for line in lines):
        if any(line.strip() == END for line in lines):
            raise SolutionError(f"{where}: '{END}' without '{BEGIN}'")
        hints = [m["hint"] for line in lines if (m := HINT.match(line))]
        return _stub_line("", hints[0] if hints else GENERIC_HINT, code)
    out: list[str] = []
    region: list[str] | None = None
    indent = ""
    for number, line in enumerate(lines, start=1):
        marker = line.strip()
        if marker == BEGIN:
            if region is not None:
                raise SolutionError(f"{where}: line {number}: '{BEGIN}' inside another region")
            region, indent = [], line[: len(line) - len(line.lstrip())]
        elif marker == END:
            if region is None:
                raise SolutionError(f"{where}: line {number}: '{END}' without '{BEGIN}'")
            hints = [m["hint"] for text in region if (m := HINT.match(text))]
            out.append(_stub_line(indent, hints[0] if hints else GENERIC_HINT, code))
            region = None
        elif region is not None:
            region.append(line)
        else:
            out.append(line)
    if region is not None:
        raise SolutionError(f"{where}: '{BEGIN}' is never closed by '{END}'")
    return "\n".join(out)


def _names(source: str) -> tuple[set[str], set[str]] | None:
    """(names read, names bound) by a code cell; ``None`` when it does not parse.

    IPython magics and shell lines (``%matplotlib inline``, ``!ls``) are dropped first: they
    bind nothing a later cell could miss.
    """
    code = "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    read: set[str] = set()
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            # `week["Wed"] = 0` and `total += 5` change an existing name: count it as bound.
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bound |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            # `plan.append(...)`, `ax.bar(...)`: a method call may change its object.
            base = node.func.value
            if isinstance(base, ast.Name):
                bound.add(base.id)
    return read, bound


@dataclass
class _Taint:
    """Names an exercise cannot count on, because a stubbed cell should have made them."""

    missing: set[str] = field(default_factory=set)
    unknown: bool = False  # a stubbed cell we could not parse: any later cell may fail

    def stubbed(self, solution_source: str) -> None:
        found = _names(solution_source)
        if found is None:
            self.unknown = True
        else:
            self.missing |= found[1]

    def raises(self, source: str) -> bool:
        """Whether a later cell may fail; if so, what it binds goes missing as well."""
        found = _names(source)
        if found is None or self.unknown:
            return True
        read, bound = found
        if read & self.missing:
            self.missing |= bound
            return True
        return False


def _tag(cell: Any) -> None:
    tags = cell.setdefault("metadata", {}).setdefault("tags", [])
    if RAISES not in tags:
        tags.append(RAISES)


def exercise_of(solution: Any, name: str = "notebook") -> Any:
    """The exercise notebook for one solution notebook (an ``nbformat`` node; not modified)."""
    nb = copy.deepcopy(solution)
    taint = _Taint()
    for index, cell in enumerate(nb.cells, start=1):
        code = cell.cell_type == "code"
        if _is_solution(cell):
            original = cell.source
            cell.source = strip_solutions(original, code, where=f"{name}: cell {index}")
            if code:
                taint.stubbed(original)
                _tag(cell)
        elif code and taint.raises(cell.source):
            _tag(cell)
        if _is_check(cell):
            # nbgrader locks check cells the same way: a learner cannot delete or edit them.
            cell.metadata["deletable"] = False
            cell.metadata["editable"] = False
        if code:
            cell.outputs = []
            cell.execution_count = None
        # Run timestamps (nbclient's record_timing) would change the exercise on every
        # re-execution of its solution, though nothing a learner sees changed.
        cell.metadata.pop("execution", None)
    nb.metadata["course"] = {"generated": NOTE.format(source=f"solutions/{name}")}
    return nb


def render(nb: Any) -> str:
    """Notebook text exactly as written to disk: same notebook, same bytes."""
    import nbformat

    nbformat.validate(nb)
    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


def generate(solutions: Path | str) -> dict[str, str]:
    """File name -> exercise text, for every ``*.ipynb`` in ``solutions`` (sorted by name)."""
    import nbformat

    root = Path(solutions)
    if not root.is_dir():
        raise SolutionError(f"{root}: no such folder of solution notebooks")
    out: dict[str, str] = {}
    for path in sorted(root.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        out[path.name] = render(exercise_of(nb, path.name))
    return out


@dataclass(frozen=True)
class Sync:
    """How ``exercises/`` differs from what the solutions generate."""

    changed: tuple[str, ...]  # differ from the generated text
    missing: tuple[str, ...]  # not generated yet
    stale: tuple[str, ...]  # exercises with no solution any more

    @property
    def in_sync(self) -> bool:
        return not (self.changed or self.missing or self.stale)


def compare(generated: dict[str, str], exercises: Path | str) -> Sync:
    root = Path(exercises)
    missing = tuple(n for n in generated if not (root / n).is_file())
    changed = tuple(
        n
        for n, text in generated.items()
        if n not in missing and (root / n).read_text(encoding="utf-8") != text
    )
    on_disk = sorted(p.name for p in root.glob("*.ipynb")) if root.is_dir() else []
    stale = tuple(n for n in on_disk if n not in generated)
    return Sync(changed, missing, stale)


def write(generated: dict[str, str], exercises: Path | str) -> Sync:
    """Bring ``exercises`` in line with ``generated``; returns what had to change.

    Files already identical are left untouched (their timestamps too); stale exercise notebooks
    are removed, since ``exercises/`` holds generated files only.
    """
    root = Path(exercises)
    root.mkdir(parents=True, exist_ok=True)
    sync = compare(generated, root)
    for name in sync.changed + sync.missing:
        (root / name).write_text(generated[name], encoding="utf-8", newline="\n")
    for name in sync.stale:
        (root / name).unlink()
    return sync


def run(solutions: Path | str, exercises: Path | str, check_only: bool) -> tuple[int, list[str]]:
    """The ``python -m course exercises`` command as a function: (exit code, lines to print)."""
    try:
        generated = generate(solutions)
    except (SolutionError, OSError, ValueError) as exc:
        return 2, [f"Cannot generate exercises: {exc}"]
    if not generated:
        return 2, [f"Cannot generate exercises: no notebooks in {solutions}"]
    exercises = Path(exercises)
    if check_only:
        sync = compare(generated, exercises)
        if sync.in_sync:
            return 0, [f"Exercises in sync: {len(generated)} notebook(s) in {exercises}"]
        lines = ["Exercises out of sync with the solutions (run `python -m course exercises`):"]
        lines += [f"  {exercises / n}: differs from its solution" for n in sync.changed]
        lines += [f"  {exercises / n}: is missing" for n in sync.missing]
        lines += [f"  {exercises / n}: has no solution notebook" for n in sync.stale]
        return 1, lines
    try:
        check_output(exercises, folder=True)
        sync = write(generated, exercises)
    except OutputError as exc:
        return 1, [f"Cannot write the exercises: {exc}"]
    except OSError as exc:
        return 1, [f"Cannot write the exercises: {exc.filename}: {exc.strerror or exc}"]
    lines = [f"  wrote {exercises / n}" for n in sync.changed + sync.missing]
    lines += [f"  removed {exercises / n}" for n in sync.stale]
    return 0, lines + [f"Exercises up to date: {len(generated)} notebook(s) in {exercises}"]


# --- command line ------------------------------------------------------------------------


def cmd_exercises(args: argparse.Namespace) -> int:
    code, lines = run(args.solutions, args.exercises, args.check)
    for line in lines:
        print(line, file=sys.stderr if code else sys.stdout)
    return code


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``python -m course exercises [--check]`` (called by ``course.__main__``)."""
    about = "generate exercises/ from solutions/ (--check: only report)"
    p = subparsers.add_parser("exercises", help=about, description=about)
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and name the files when exercises/ is out of sync",
    )
    p.add_argument(
        "--solutions", default="solutions", help="solution notebooks (default: %(default)s)"
    )
    p.add_argument(
        "--exercises",
        "--out",
        dest="exercises",
        default="exercises",
        help="output folder (default: %(default)s)",
    )
    p.set_defaults(func=cmd_exercises)
