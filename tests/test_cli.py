"""The command line, run as a user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from course.__main__ import main
from course.models import CONTENT_DIR


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "course", *args], capture_output=True, text=True, timeout=60
    )


def test_help_lists_every_command():
    out = run("--help")
    assert out.returncode == 0
    for command in ("check", "exercises", "agenda", "guide", "report", "app", "site"):
        assert f"    {command}" in out.stdout, command


def test_agenda_through_the_real_entry_point(capsys):
    assert main(["agenda", "--minutes", "90"]) == 0
    out = capsys.readouterr().out
    assert "05" in out and "When not to massage" in out.replace("when", "When")


def test_agenda_too_short_exits_1(capsys):
    from course.instructor.agenda import AgendaError, plan_agenda
    from course.models import content

    try:  # the minimum follows the content's timings
        plan_agenda(content().lessons, 0)
    except AgendaError as exc:
        least = exc.minimum
    assert main(["agenda", "--minutes", str(least - 1)]) == 1
    assert f"need at least {least} minutes" in capsys.readouterr().err


def test_check_prints_summary():
    out = run("check")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Content OK: 7 benefits,")
    assert "17 contraindications" in out.stdout and "11 lessons" in out.stdout
    assert "questions" in out.stdout


def test_check_prints_the_guessers_for_every_bank_and_lesson_quiz():
    from course.models import content
    from course.quiz import lesson_questions

    out = run("check")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    c = content()
    for bank in c.quizzes:
        assert any(x.startswith(f"  {bank.id} ({len(bank.questions)} questions") for x in lines)
    for lesson in c.lessons:
        for i, (lq, qs) in enumerate(lesson_questions(c, lesson.id)):
            head = f"  {lesson.id} quizzes[{i}] {lq.bank}{' (the gate)' * lq.gate} "
            row = next(x for x in lines if x.startswith(head))
            assert f"({len(qs)} questions, pass mark" in row and "longest option" in row
    assert sum("(the gate)" in x for x in lines) == 1


def test_check_fails_with_the_problems(tmp_path, capsys):
    broken = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, broken)
    path = broken / "techniques.yaml"
    path.write_text(path.read_text().replace("seconds: 90", "seconds: 0", 1))
    assert main(["check", "--content", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "Content check failed: 1 problem(s)" in err
    assert "techniques.yaml: thumb: steps[2].seconds: must be > 0" in err


def test_check_runs_the_bank_lint(tmp_path, capsys):
    broken = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, broken)
    path = broken / "quizzes" / "safety.yaml"
    text = path.read_text()
    path.write_text(text.replace("correct: true", "correct: false", 1))
    assert main(["check", "--content", str(broken)]) == 1
    assert "Question-bank lint failed" in capsys.readouterr().err


def test_check_checks_the_drawings_against_the_content(monkeypatch, capsys):
    """A technique step without its picture (or an area without its shape) fails the check."""
    import course.figures.data as data

    assert data.check() == []
    monkeypatch.setattr(data, "check", lambda: ["step 'thumb.hold' has no drawing"])
    assert main(["check"]) == 1
    assert "drawing.yaml: step 'thumb.hold' has no drawing" in capsys.readouterr().err


def test_unknown_command_exits_2():
    assert run("fly").returncode == 2


# --- issue 10, item 12: bad input gets one clear line, never a traceback --------------------

REPO = CONTENT_DIR.parent.parent


def _class_folder(tmp_path):
    from course.progress import Progress

    folder = tmp_path / "class"
    with Progress(tmp_path / "p.sqlite3") as p:
        p.export(folder / "a.json", learner="a")
    return folder


# Each command, whether its --out is a file or a folder, and the rest of its arguments.
WRITERS = {
    "agenda": (False, lambda tmp: ["agenda", "--minutes", "240"]),
    "guide": (False, lambda tmp: ["guide"]),
    "report": (True, lambda tmp: ["report", str(_class_folder(tmp))]),
    "exercises": (True, lambda tmp: ["exercises", "--solutions", str(REPO / "solutions")]),
    "site": (True, lambda tmp: ["site", "--notebooks", str(REPO / "notebooks")]),
}


def _bad_out(kind, tmp_path, folder):
    """A path that cannot be written as the command's output."""
    if kind == "read_only":
        if os.geteuid() == 0:  # root writes through any mode bits; sysfs refuses even root
            return "/sys/course-test-out"
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        return str(locked / "out")
    if kind == "wrong_kind":  # a folder where a file is wanted, a file where a folder is
        target = tmp_path / "taken"
        target.mkdir() if not folder else target.write_text("x")
        return str(target)
    if kind == "under_a_file":
        (tmp_path / "plain").write_text("x")
        return str(tmp_path / "plain" / "out")
    if kind == "proc":
        return "/proc/course-out/x"
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["read_only", "wrong_kind", "under_a_file", "proc"])
@pytest.mark.parametrize("command", sorted(WRITERS))
def test_an_output_that_cannot_be_written_is_one_line(tmp_path, command, kind):
    folder, argv = WRITERS[command]
    out = _bad_out(kind, tmp_path, folder)
    result = run(*argv(tmp_path), "--out", out)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and out in lines[0], result.stderr


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["app", "--ip", "not-an-ip"], "is not an IP address"),
        (["agenda", "--minutes", str(10**30)], "at most 10080"),
        (["agenda", "--minutes", "10^30"], "is not a whole number"),
        (["agenda", "--minutes", "9" * 5000], "at most 10080"),
    ],
)
def test_bad_arguments_are_one_clear_line(argv, expected):
    result = run(*argv)
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    assert expected in result.stderr
