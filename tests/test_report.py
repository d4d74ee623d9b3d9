"""The class report: exact numbers on a small class, and every hostile file skipped safely."""

from __future__ import annotations

import argparse
import html
import io
import json
import os
from pathlib import Path

import pytest

from course.instructor import register
from course.instructor.classdata import load_class, question_stats
from course.instructor.report import build_report
from course.models import content
from course.progress import Progress, import_results
from course.quiz import draw, grade

C = content()
FLIGHT = next(q for q in C.quiz["safety"].questions if q.id == "q_dvt_flight")
# Ben's right answer on q_sleep, read from the bank so rebalancing the key needs no test edit.
SLEEP_RIGHT = [
    o.id for q in C.quiz["benefits"].questions if q.id == "q_sleep" for o in q.options if o.correct
]


def cli(*argv: str) -> int:
    p = argparse.ArgumentParser(prog="course")
    register(p.add_subparsers(dest="command", required=True))
    args = p.parse_args(list(argv))
    return args.func(args)


def answer(p: Progress, bank: str, qid: str, chosen: list[str], session: str = "s1") -> None:
    question = next(q for q in C.quiz[bank].questions if q.id == qid)
    g = grade(question, chosen)
    p.record_answer(bank, qid, chosen, g.correct, g.score, session=session)


def learner(folder: Path, name: str, answers: list[tuple[str, str, list[str], str]]) -> Path:
    """Export a real progress database holding ``answers`` (bank, question, picks, session)."""
    db = folder.parent / "dbs" / f"{name}.sqlite3"
    with Progress(db) as p:
        for bank, qid, chosen, session in answers:
            answer(p, bank, qid, chosen, session)
        return p.export(folder / f"{name}.json", learner=name)


@pytest.fixture
def small_class(tmp_path):
    """Ann and Cat miss q_dvt_flight first, Ben gets it; Dan never sat the safety quiz."""
    folder = tmp_path / "class"
    learner(
        folder,
        "ann",
        [("safety", "q_dvt_flight", ["b"], "s1"), ("safety", "q_dvt_flight", ["a"], "s1")],
    )
    learner(
        folder,
        "ben",
        [("safety", "q_dvt_flight", ["a"], "s1"), ("benefits", "q_sleep", SLEEP_RIGHT, "s2")],
    )
    learner(
        folder,
        "cat",
        [
            ("safety", "q_dvt_flight", ["b"], "s1"),
            ("safety", "q_dvt_flight", ["c"], "s1"),
            ("safety", "q_dvt_flight", ["a"], "s1"),
        ],
    )
    learner(folder, "dan", [])
    return folder


def test_difficulty_numbers_are_exact(small_class):
    data = load_class(small_class)
    assert [x.name for x in data.learners] == ["ann", "ben", "cat", "dan"] and not data.skipped
    stats = {(s.bank.id, s.question.id): s for s in question_stats(C, data.learners).questions}
    flight = stats[("safety", "q_dvt_flight")]
    assert (flight.learners, flight.right_first, flight.attempts) == (3, 1, 6)
    assert flight.share_right_first == pytest.approx(1 / 3)
    assert flight.mean_attempts == 2
    assert dict(flight.wrong) == {"b": 2, "c": 1}
    assert dict(flight.wrong_times) == {"b": 2, "c": 1}
    sleep = stats[("benefits", "q_sleep")]
    assert (sleep.learners, sleep.attempts) == (1, 1)
    assert stats[("safety", "q_dvt_signs")].learners == 0


def test_safety_score_is_the_best_sitting_on_first_answers(small_class):
    by_name = {x.name: x for x in load_class(small_class).learners}
    n = len(C.quiz["safety"].questions)
    assert by_name["ann"].bank("safety").best == 0.0  # the retry does not count
    assert by_name["ben"].bank("safety").best == pytest.approx(1 / n)  # 1 of the whole bank
    assert by_name["ben"].bank("safety").answered == 1
    assert not any(x.bank("safety").passed for x in by_name.values())
    assert by_name["dan"].bank("safety").best is None


def test_report_page(small_class, tmp_path):
    out = tmp_path / "out"
    report = build_report(C, small_class, out, stderr=io.StringIO())
    assert report.learners == 4 and report.skipped == []
    page = (out / "report.html").read_text()
    assert "<title>Class report</title>" in page
    assert "4 learner file(s) read, 0 skipped." in page
    # The safety list: ann and cat failed, dan never sat it; ben answered one question of
    # the bank right, which is not the safety quiz.
    n = len(C.quiz["safety"].questions)
    assert "4 learner(s) have not passed the safety quiz" in page
    assert f"<td>ann</td><td>ann.json</td><td>0% (1 of {n} questions answered)</td>" in page
    assert f"<td>cat</td><td>cat.json</td><td>0% (1 of {n} questions answered)</td>" in page
    assert "<td>dan</td><td>dan.json</td><td>never taken</td>" in page
    assert f"<td>ben</td><td>ben.json</td><td>{100 / n:.0f}% (1 of {n} questions" in page
    # Difficulty and the most-chosen wrong answers, by option text.
    assert "<td>1/3 (33%)</td><td>6 (2.0 per learner)</td>" in page
    b_text = html.escape(FLIGHT.options[1].text)
    c_text = html.escape(FLIGHT.options[2].text)
    assert f"<li>{b_text} — 2 learner(s), 2 time(s)</li><li>{c_text} — 1 learner(s)" in page
    # The chart sits next to the page and is embedded with alt text.
    assert report.chart_path == out / "difficulty.png"
    assert (out / "difficulty.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert '<img src="difficulty.png" alt="Bar chart: share of learners' in page



def test_chart_bands_come_from_the_course_palette_and_are_named(small_class, tmp_path):
    """The difficulty chart uses the kit's colour-blind-safe palette and says in words (alt
    text, legend) which band each question is in: q_dvt_flight 1/3 right first, q_sleep 1/1."""
    from course.figures.palette import OKABE_ITO
    from course.instructor.report import BANDS

    assert {colour for _, _, colour, _ in BANDS} <= set(OKABE_ITO)
    build_report(C, small_class, tmp_path / "out", stderr=io.StringIO())
    page = (tmp_path / "out/report.html").read_text()
    assert "(2 questions: 1 under 50%, 0 50-79%, 1 80% or more)" in page

def test_everyone_passed(tmp_path):
    folder = tmp_path / "class"
    answers = [
        ("safety", q.id, [o.id for o in q.options if o.correct], "s1")
        for q in C.quiz["safety"].questions
    ]
    learner(folder, "eve", answers)
    build_report(C, folder, tmp_path / "out", stderr=io.StringIO())
    assert "Every learner has passed the safety quiz." in (tmp_path / "out/report.html").read_text()


def test_no_answers_means_no_chart(tmp_path):
    folder = tmp_path / "class"
    learner(folder, "fay", [])
    report = build_report(C, folder, tmp_path / "out", stderr=io.StringIO())
    assert report.chart_path is None and not (tmp_path / "out/difficulty.png").exists()
    assert "No quiz answers in these files yet." in report.html_path.read_text()


def test_names_are_escaped(tmp_path):
    folder = tmp_path / "class"
    learner(folder, "O'Brien & Co", [])
    page = build_report(C, folder, tmp_path / "out", stderr=io.StringIO()).html_path.read_text()
    assert "<td>O&#x27;Brien &amp; Co</td>" in page


# --- hostile files ---------------------------------------------------------------------


def valid_doc(tmp_path: Path) -> dict:
    path = learner(tmp_path / "src", "model", [("safety", "q_dvt_flight", ["a"], "s1")])
    return json.loads(path.read_text())


def with_learner(name):
    def make(path: Path, doc: dict) -> None:
        path.write_text(json.dumps({**doc, "learner": name}))

    return make


def with_attempt_field(key, value):
    def make(path: Path, doc: dict) -> None:
        doc["attempts"][0][key] = value
        path.write_text(json.dumps(doc))

    return make


HOSTILE = {
    "huge": (
        lambda p, d: p.write_bytes(b" " * (5 * 1024 * 1024 + 1)),
        "more than the 5 MB a results file may be",
    ),
    "malformed": (lambda p, d: p.write_text('{"format": "legmassage-results",'), "not valid JSON"),
    "binary": (lambda p, d: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff"), "not a UTF-8 text file"),
    "plain_text": (
        lambda p, d: p.write_text("Dear teacher, here are my results"),
        "not valid JSON",
    ),
    "typed": (with_attempt_field("attempt", "1"), "attempts[0].attempt: Input should be"),
    "bool_score": (with_attempt_field("score", True), "attempts[0].score"),
    "deep": (lambda p, d: p.write_text("[" * 200_000 + "]" * 200_000), "not valid JSON"),
    "deep_field": (
        lambda p, d: p.write_text(
            json.dumps({**d, "lessons": []})[:-1] + ', "x": ' + "[" * 5000 + "]" * 5000 + "}"
        ),
        "not valid JSON",
    ),
    "huge_array": (
        lambda p, d: p.write_text(json.dumps({**d, "attempts": [d["attempts"][0]] * 20_001})),
        "attempts: List should have at most 20000 items",
    ),
    "path_id": (with_attempt_field("question_id", "../../etc/passwd"), "question_id"),
    "path_bank": (with_attempt_field("bank", "/etc/passwd"), "attempts[0].bank"),
    "unknown_field": (
        lambda p, d: p.write_text(json.dumps({**d, "__class__": "os.system"})),
        "__class__: unknown field",
    ),
    "wrong_format": (
        lambda p, d: p.write_text(json.dumps({**d, "format": "something-else"})),
        "format: Input should be 'legmassage-results'",
    ),
    "empty": (lambda p, d: p.write_text(""), "not valid JSON"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_file_is_skipped_with_a_reason(tmp_path, case):
    make, expected = HOSTILE[case]
    doc = valid_doc(tmp_path)
    folder = tmp_path / "class"
    learner(folder, "good", [])
    make(folder / f"{case}.json", doc)
    err = io.StringIO()
    report = build_report(C, folder, tmp_path / "out", stderr=err)
    assert report.learners == 1
    assert [s.name for s in report.skipped] == [f"{case}.json"]
    assert expected in report.skipped[0].reason
    assert f"skipped {case}.json: " in err.getvalue()
    page = report.html_path.read_text()
    assert f"<li><code>{case}.json</code>: " in page
    assert "<script>" not in page and "<img src=x" not in page and "\x1b" not in page


def test_symlink_outside_the_folder_is_not_followed(tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps(valid_doc(tmp_path)))
    folder = tmp_path / "class"
    learner(folder, "good", [])
    (folder / "link.json").symlink_to(secret)
    report = build_report(C, folder, tmp_path / "out", stderr=io.StringIO())
    assert report.learners == 1
    assert report.skipped[0].name == "link.json"
    assert "symlink pointing outside the folder" in report.skipped[0].reason


def test_symlink_inside_the_folder_counts_once(tmp_path):
    folder = tmp_path / "class"
    learner(folder, "good", [])
    (folder / "zz-copy.json").symlink_to(folder / "good.json")
    report = build_report(C, folder, tmp_path / "out", stderr=io.StringIO())
    assert report.learners == 1 and "counted once" in report.skipped[0].reason


def test_directory_and_fifo_named_json_are_skipped(tmp_path):
    folder = tmp_path / "class"
    learner(folder, "good", [])
    (folder / "folder.json").mkdir()
    os.mkfifo(folder / "pipe.json")  # opening it would block for ever
    report = build_report(C, folder, tmp_path / "out", stderr=io.StringIO())
    reasons = {s.name: s.reason for s in report.skipped}
    assert reasons == {
        "folder.json": "is a directory, not a results file",
        "pipe.json": "is not a regular file (a device, pipe or socket)",
    }


def test_a_file_name_with_markup_is_escaped(tmp_path):
    folder = tmp_path / "class"
    learner(folder, "good", [])
    (folder / "<b>x.json").write_text("nope")
    page = build_report(C, folder, tmp_path / "out", stderr=io.StringIO()).html_path.read_text()
    assert "<code>&lt;b&gt;x.json</code>" in page and "<b>x" not in page


def snapshot(root: Path) -> dict[str, bytes | str]:
    out: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            out[rel] = path.read_bytes() if path.stat().st_size < 10_000_000 else "big"
    return out


def test_nothing_is_written_outside_outdir(tmp_path):
    folder = tmp_path / "class"
    learner(folder, "good", [("safety", "q_dvt_flight", ["b"], "s1")])
    for case, (make, _) in HOSTILE.items():
        make(folder / f"{case}.json", valid_doc(tmp_path))
    outside = tmp_path / "outside.html"
    outside.write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").symlink_to(outside)  # a planted link is replaced, not followed
    before = snapshot(tmp_path)
    report = build_report(C, folder, out, stderr=io.StringIO())
    after = snapshot(tmp_path)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed == {"out/report.html", "out/difficulty.png"}
    assert outside.read_text() == "keep me"
    assert not (out / "report.html").is_symlink()
    assert report.learners == 1 and len(report.skipped) == len(HOSTILE)


def test_progress_bar_when_asked(small_class, tmp_path):
    err = io.StringIO()
    build_report(C, small_class, tmp_path / "out", progress=True, stderr=err)
    assert "\r[" + "#" * 30 + "] 4/4 files\n" in err.getvalue()
    assert "1/4 files" in err.getvalue()


def test_unknown_safety_bank(small_class, tmp_path):
    with pytest.raises(ValueError, match="unknown quiz bank 'nope'"):
        build_report(C, small_class, tmp_path / "out", safety_bank="nope")


# --- the command ----------------------------------------------------------------------


def test_cli_default_outdir_and_exit_0(small_class, capsys):
    assert cli("report", str(small_class)) == 0
    assert (small_class / "report" / "report.html").is_file()
    captured = capsys.readouterr()
    assert "4 learner(s), 0 file(s) skipped" in captured.out
    assert "files\n" not in captured.err  # no bar: stderr is not a terminal here


def test_cli_progress_flag(small_class, tmp_path, capsys):
    assert cli("report", str(small_class), "--out", str(tmp_path / "o"), "--progress") == 0
    assert "4/4 files" in capsys.readouterr().err


def test_cli_exit_1_when_nothing_could_be_read(tmp_path, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "bad.json").write_text("{")
    assert cli("report", str(folder)) == 1
    err = capsys.readouterr().err
    assert "skipped bad.json: not valid JSON" in err and "no results file" in err
    assert "bad.json" in (folder / "report" / "report.html").read_text()


def test_cli_exit_1_for_an_empty_or_missing_folder(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert cli("report", str(tmp_path / "empty")) == 1
    assert cli("report", str(tmp_path / "missing")) == 1
    assert "is not a folder" in capsys.readouterr().err
    assert not (tmp_path / "missing").exists()


def test_cli_refuses_a_planted_report_symlink(small_class, tmp_path, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (small_class / "report").symlink_to(elsewhere)
    assert cli("report", str(small_class)) == 1
    assert "is a symlink" in capsys.readouterr().err
    assert list(elsewhere.iterdir()) == []


def test_cli_safety_bank_option(small_class, tmp_path, capsys):
    out = tmp_path / "o"
    assert cli("report", str(small_class), "--out", str(out), "--safety-bank", "benefits") == 0
    page = (out / "report.html").read_text()
    assert "4 learner(s) have not passed" in page  # ben's one answer is not the quiz
    assert cli("report", str(small_class), "--safety-bank", "nope") == 1
    assert "unknown quiz bank" in capsys.readouterr().err


# --- issue 10: a report that re-grades, one rule for "passed", junk that cannot stop it ---


def dangerous(q) -> list[str]:
    """A wrong option of ``q`` (the answer a learner must not give)."""
    return [next(o.id for o in q.options if not o.correct)]


def forged(folder: Path, name: str, tmp_path: Path) -> Path:
    """A file whose every safety answer is a wrong option, each claimed correct, score 1."""
    path = learner(
        folder, name, [("safety", q.id, dangerous(q), "s1") for q in C.quiz["safety"].questions]
    )
    doc = json.loads(path.read_text())
    for a in doc["attempts"]:
        a["correct"], a["score"] = True, 1.0
    path.write_text(json.dumps(doc))
    return path


def test_claimed_scores_are_ignored_and_flagged(tmp_path):
    folder = tmp_path / "class"
    forged(folder, "mallory", tmp_path)
    err = io.StringIO()
    report = build_report(C, folder, tmp_path / "out", stderr=err)
    page = report.html_path.read_text()
    assert "Every learner has passed" not in page
    assert "1 learner(s) have not passed the safety quiz" in page
    assert "<td>mallory</td><td>mallory.json</td><td>0%</td>" in page
    n = len(C.quiz["safety"].questions)
    assert [(x.name, x.disagree) for x in report.flagged] == [("mallory", n)]
    assert "Files whose claims disagree with the re-grading" in page
    assert f"<td>mallory</td><td>mallory.json</td><td>{n}</td><td>0</td>" in page
    assert f"flagged mallory.json: {n} answer(s)" in err.getvalue()
    # The difficulty table counts the re-graded answers: nobody was right first.
    stats = question_stats(C, load_class(folder).learners)
    assert all(s.right_first == 0 for s in stats.answered())


def test_an_honest_file_is_not_flagged(small_class, tmp_path):
    assert build_report(C, small_class, tmp_path / "out", stderr=io.StringIO()).flagged == []


def lesson10_draw(folder: Path, name: str = "leo") -> Path:
    """10 of 10 right on lesson 10's draw from the safety bank, in one sitting."""
    questions = draw(C.quiz["safety"], 10, seed=10)
    right = [
        ("safety", q.id, [o.id for o in q.options if o.correct], "lesson10") for q in questions
    ]
    return learner(folder, name, right)


def test_ten_of_ten_on_the_lesson_10_draw_is_not_a_pass_anywhere(tmp_path, monkeypatch):
    from course.ui import builder as ub
    from course.ui.dashboard import dashboard

    folder = tmp_path / "class"
    path = lesson10_draw(folder)
    db = tmp_path / "dbs" / "leo.sqlite3"
    # the report
    page = build_report(C, folder, tmp_path / "out", stderr=io.StringIO()).html_path.read_text()
    assert "1 learner(s) have not passed the safety quiz" in page
    n = len(C.quiz["safety"].questions)
    assert f"<td>leo</td><td>leo.json</td><td>{100 * 10 / n:.0f}% (10 of {n} questions" in page
    # the builder's gate and the dashboard, on the learner's own record
    assert ub.safety_passed(lambda: Progress(db)) is False
    with Progress(db) as p:
        assert "Safety quiz: not passed yet" in dashboard(p).static_html()
    # the one rule, directly
    from course.quiz import passed, sittings

    answers = import_results(path).attempts
    ids = [q.id for q in C.quiz["safety"].questions]
    assert not any(passed(s, ids, 0.8) for s in sittings(answers))
    assert [s.percent for s in sittings(answers)] == [100.0]


def test_the_whole_bank_in_one_sitting_passes_everywhere(tmp_path):
    from course.ui import builder as ub
    from course.ui.dashboard import dashboard

    folder = tmp_path / "class"
    bank = C.quiz["safety"]
    right = [("safety", q.id, [o.id for o in q.options if o.correct], "s1") for q in bank.questions]
    learner(folder, "eve", right)
    db = tmp_path / "dbs" / "eve.sqlite3"
    page = build_report(C, folder, tmp_path / "out", stderr=io.StringIO()).html_path.read_text()
    assert "Every learner has passed the safety quiz." in page
    assert ub.safety_passed(lambda: Progress(db)) is True
    with Progress(db) as p:
        assert "Safety quiz: passed" in dashboard(p).static_html()


def test_a_non_utf8_file_name_does_not_stop_the_report(tmp_path, capsys):
    folder = tmp_path / "class"
    learner(folder, "good", [])
    source = learner(tmp_path / "src", "zoe", [])
    raw = os.fsencode(folder) + b"/caf\xe9.json"
    os.rename(source, raw)
    assert cli("report", str(folder)) == 0
    page = (folder / "report" / "report.html").read_text()
    assert "2 learner(s)" in capsys.readouterr().out
    assert "caf\\xe9.json" in page


def test_a_symlink_loop_is_skipped(tmp_path, capsys):
    folder = tmp_path / "class"
    learner(folder, "good", [])
    (folder / "a.json").symlink_to(folder / "b.json")
    (folder / "b.json").symlink_to(folder / "a.json")
    (folder / "self.json").symlink_to(folder / "self.json")
    assert cli("report", str(folder)) == 0
    report = (folder / "report" / "report.html").read_text()
    assert "1 learner file(s) read, 3 skipped." in report
    assert report.count("symlink loop") == 3


def test_duplicates_count_once_and_the_newest_wins(tmp_path):
    import shutil

    folder = tmp_path / "class"
    db = tmp_path / "dbs" / "ann.sqlite3"
    with Progress(db) as p:
        answer(p, "safety", "q_dvt_flight", ["b"])
        p.export(folder / "ann-old.json", learner="ann")
    bank = C.quiz["safety"]
    with Progress(db) as p:
        for q in bank.questions:
            answer(p, "safety", q.id, [o.id for o in q.options if o.correct], session="s2")
        p.export(folder / "ann-new.json", learner="ann")
    shutil.copy(folder / "ann-old.json", folder / "ann-old-copy.json")
    os.link(folder / "ann-new.json", folder / "zz-hardlink.json")
    learner(folder, "ben", [("safety", "q_dvt_flight", ["b"], "s1")])
    shutil.copy(folder / "ben.json", folder / "zz-ben-copy.json")  # ties: first name wins
    data = load_class(folder)
    kept = [(x.name, x.file) for x in data.learners]
    assert kept == [("ann", "ann-new.json"), ("ben", "ben.json")]
    assert sorted(s.name for s in data.skipped) == [
        "ann-old-copy.json", "ann-old.json", "zz-ben-copy.json", "zz-hardlink.json"
    ]
    assert all("once" in s.reason for s in data.skipped)
    stats = {s.question.id: s for s in question_stats(C, data.learners).questions}
    assert stats["q_dvt_flight"].learners == 2  # ann's newest file and ben
    page = build_report(C, folder, tmp_path / "out", stderr=io.StringIO()).html_path.read_text()
    assert "1 learner(s) have not passed" in page and "<td>ben</td>" in page


def test_a_file_with_a_byte_order_mark_is_read(tmp_path):
    folder = tmp_path / "class"
    path = learner(folder, "bom", [("safety", "q_dvt_flight", ["a"], "s1")])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    data = load_class(folder)
    assert [x.name for x in data.learners] == ["bom"] and data.skipped == []


@pytest.mark.parametrize(
    ("name", "shown_as"),
    [
        ("../../etc/passwd", "../../etc/passwd"),
        ("..\\..\\boot.ini", "..\\..\\boot.ini"),
        ("a/b", "a/b"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("eve\x1b[31m", "eve\\x1b[31m"),
        ("rtl\u202eexe.txt", "rtl\\u202eexe.txt"),
    ],
)
def test_odd_learner_names_are_shown_escaped_not_skipped(tmp_path, name, shown_as):
    folder = tmp_path / "class"
    learner(folder, "model", [])
    path = folder / "odd.json"
    doc = json.loads((folder / "model.json").read_text())
    path.write_text(json.dumps({**doc, "learner": name}))
    (folder / "model.json").unlink()
    report = build_report(C, folder, tmp_path / "out", stderr=io.StringIO())
    assert report.learners == 1 and report.skipped == []
    page = report.html_path.read_text()
    assert f"<td>{shown_as}</td><td>odd.json</td>" in page
    assert "<script>" not in page and "\x1b" not in page and "\u202e" not in page


def test_the_report_judges_the_quiz_the_gate_asks(tmp_path):
    """When the gate quiz is a part of the bank, the report takes its ids (as the builder
    does): the same sitting passes that quiz and not the whole bank."""
    folder = tmp_path / "class"
    lesson10_draw(folder)
    asked = [q.id for q in draw(C.quiz["safety"], 10, seed=10)]
    whole = build_report(C, folder, tmp_path / "a", stderr=io.StringIO())
    assert "1 learner(s) have not passed" in whole.html_path.read_text()
    gate = build_report(C, folder, tmp_path / "b", gate_questions=asked, stderr=io.StringIO())
    assert "Every learner has passed the safety quiz." in gate.html_path.read_text()
    extra = next(q.id for q in C.quiz["safety"].questions if q.id not in asked)
    bigger = build_report(
        C, folder, tmp_path / "c", gate_questions=[*asked, extra], stderr=io.StringIO()
    )
    assert "91% (10 of 11 questions answered)" in bigger.html_path.read_text()
    with pytest.raises(ValueError, match="not in it: q_sleep"):
        build_report(C, folder, tmp_path / "d", gate_questions=["q_sleep"], stderr=io.StringIO())


def test_the_cli_report_judges_the_builders_gate_quiz(tmp_path, capsys):
    """`course report` and the builder's gate judge the same sitting: every question of
    lesson 05's quiz answered right in one sitting is a pass, though the bank holds more."""
    from course.quiz import gate_quiz

    _, gate, asked = gate_quiz(C)
    assert len(asked) < len(C.quiz[gate.bank].questions)
    right = [
        (gate.bank, q.id, [o.id for o in q.options if o.correct], "s1") for q in asked
    ]
    learner(tmp_path / "class", "ana", right)
    learner(tmp_path / "class", "ben", right[:-1])  # one gate question short
    assert cli("report", str(tmp_path / "class"), "--out", str(tmp_path / "out")) == 0
    page = (tmp_path / "out" / "report.html").read_text()
    assert "1 learner(s) have not passed" in page and "ben" in page
