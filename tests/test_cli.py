"""The command line, run as a user runs it."""

from __future__ import annotations

import shutil
import subprocess
import sys

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


def test_unknown_command_exits_2():
    assert run("fly").returncode == 2
