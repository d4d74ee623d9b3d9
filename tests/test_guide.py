"""The generated instructor guide: complete, deterministic, and in step with the content."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from course.instructor import register
from course.instructor.classdata import load_class, question_stats
from course.instructor.guide import assign_questions, md, render_guide
from course.models import content
from course.progress import Progress
from course.quiz import grade, lesson_questions

C = content()
GUIDE = Path(__file__).resolve().parent.parent / "docs" / "instructor-guide.md"


def cli(*argv: str) -> int:
    p = argparse.ArgumentParser(prog="course")
    register(p.add_subparsers(dest="command", required=True))
    args = p.parse_args(list(argv))
    return args.func(args)


def section(text: str, lesson_id: str) -> str:
    start = text.index(f"## `{lesson_id}`")
    nxt = text.find("\n## `", start + 1)
    return text[start : nxt if nxt != -1 else len(text)]


@pytest.fixture(scope="module")
def guide() -> str:
    return render_guide(C)


def test_committed_guide_is_up_to_date(guide):
    assert GUIDE.read_text(encoding="utf-8") == guide, (
        "docs/instructor-guide.md is stale: run `python -m course guide "
        "--out docs/instructor-guide.md`"
    )


def test_deterministic_and_dateless(guide):
    assert render_guide(C) == guide
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", guide)


def test_every_lesson_has_its_header(guide):
    for lesson in C.lessons:
        part = section(guide, lesson.id)
        assert f"Timing: {lesson.teaching_minutes} min teaching, " in part
        quiz = f", {lesson.quiz_minutes} min quiz" if lesson.quiz_minutes else ""
        assert f"{lesson.practice_minutes} min practice{quiz} ({lesson.minutes} min)." in part
        for text in lesson.objectives + lesson.key_points + lesson.instructor_notes:
            assert md(text) in part


def test_every_question_has_one_answer_key(guide):
    for bank in C.quizzes:
        for q in bank.questions:
            tag = f"(`{bank.id}: {q.id}`,"
            assert guide.count(tag) == 1, tag
            after = guide[guide.index(tag) :]
            key = after[: after.index("  - Why: ")]
            for option in q.options:
                if option.correct:
                    assert md(option.text) in key
            assert f"  - Why: {md(q.explanation)}" in after


def test_questions_sit_with_the_lesson_that_asks_them_first():
    homes = assign_questions(C)
    where = {q.id: lid for lid, qs in homes.items() for _, q in qs}
    assert len(where) == len(C.questions)
    assert where["q_dvt_flight"] == "05_when_not_to_massage"
    assert where["q_sleep"] == "02_stress_and_sleep"
    assert where["q_slimming"] == "04_circulation_lymph_joints"  # review item 21
    assert homes["00_welcome"] == []
    for lid, qs in homes.items():
        asked = {q.id for _, questions in lesson_questions(C, lid) for q in questions}
        assert {q.id for _, q in qs} <= asked, lid


def test_review_lesson_points_to_the_keys(guide):
    part = section(guide, "10_review_and_faq")
    assert "The benefits quiz draws 5 (seed 10):" in part
    assert "(key under `0" in part
    assert "No quiz in this lesson." in section(guide, "00_welcome")


def test_misconceptions_from_the_banks(guide):
    assert "Common misconceptions are taken from the question banks" in guide
    part = section(guide, "05_when_not_to_massage")
    flight = next(q for q in C.quiz["safety"].questions if q.id == "q_dvt_flight")
    for option in flight.options:
        line = f'- "{md(option.text)}" ({md(flight.prompt)}): {md(option.feedback)}'
        assert (line in part) is (not option.correct)


def export(folder: Path, name: str, answers: list[tuple[str, str, list[str]]]) -> None:
    with Progress(folder.parent / "dbs" / f"{name}.sqlite3") as p:
        for bank, qid, chosen in answers:
            q = next(q for q in C.quiz[bank].questions if q.id == qid)
            g = grade(q, chosen)
            p.record_answer(bank, qid, chosen, g.correct, g.score, session="s")
        p.export(folder / f"{name}.json", learner=name)


@pytest.fixture
def results(tmp_path) -> Path:
    folder = tmp_path / "results"
    export(folder, "a", [("safety", "q_dvt_flight", ["b"]), ("benefits", "q_sleep", ["a"])])
    export(folder, "b", [("safety", "q_dvt_flight", ["b"]), ("safety", "q_dvt_flight", ["c"])])
    export(folder, "c", [("safety", "q_dvt_flight", ["c"])])
    export(folder, "d", [("safety", "q_dvt_flight", ["b"])])
    return folder


def test_misconceptions_from_results_are_ranked(results):
    data = load_class(results)
    text = render_guide(C, question_stats(C, data.learners), len(data.learners))
    assert "Common misconceptions are taken from the results files of 4 learner(s)" in text
    part = section(text, "05_when_not_to_massage")
    flight = next(q for q in C.quiz["safety"].questions if q.id == "q_dvt_flight")
    b, c = md(flight.options[1].text), md(flight.options[2].text)
    first = part.index(f'- "{b}", chosen by 3 of 4 learner(s)')
    second = part.index(f'- "{c}", chosen by 2 of 4 learner(s)')
    assert first < second
    assert "chosen by 1 of 1 learner(s)" in section(text, "02_stress_and_sleep")
    assert "No wrong answers to this lesson's questions" in section(text, "06_thumb_technique")


def test_md_escapes_markup():
    assert md("<b>bold</b> *x* [link](y)") == r"\<b\>bold\</b\> \*x\* \[link\](y)"
    assert md("two\nlines") == "two lines"


def test_cli_writes_the_guide(tmp_path, guide):
    out = tmp_path / "docs" / "guide.md"
    assert cli("guide", "--out", str(out)) == 0
    assert out.read_text(encoding="utf-8") == guide


def test_cli_with_results(results, tmp_path, capsys):
    (results / "junk.json").write_text("not json")
    out = tmp_path / "g.md"
    assert cli("guide", "--results", str(results), "--out", str(out)) == 0
    assert "results files of 4 learner(s)" in out.read_text()
    assert "skipped junk.json: not valid JSON" in capsys.readouterr().err


def test_cli_with_unusable_results(tmp_path, capsys):
    assert cli("guide", "--results", str(tmp_path / "missing")) == 1
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.json").write_text("{}")
    assert cli("guide", "--results", str(tmp_path / "bad")) == 1
    err = capsys.readouterr().err
    assert "is not a folder" in err and "no results file" in err
