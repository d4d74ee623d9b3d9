"""Faults the learner's record must survive: damaged or foreign files, a kernel killed mid-write,
two processes writing at once, bad arguments and bad results files. Real files, real
processes, no mocks of SQLite."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from course import progress
from course.progress import Progress, import_results

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2025, 3, 3, 9, 30, 15, tzinfo=UTC)
STAMP = "20250303T093015Z"


def clock() -> datetime:
    return NOW


def _child_env(data_dir: Path) -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "COURSE_DATA_DIR": str(data_dir)}


def _real_db(path: Path, answers: int = 120) -> None:
    """A genuine progress file with enough rows to span many pages."""
    with Progress(path, clock=clock) as p:
        for i in range(answers):
            p.record_answer("safety", f"q{i % 40}", ["a"], i % 2 == 0, 1.0, session="s")
        p.save_routine("r", "{}", "x" * 20_000)
        # Fold the WAL into the main file so cutting the file really loses pages.
        p._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(7).randbytes(8192))


def _text_file(path: Path) -> None:
    path.write_text("lesson,done\n00_welcome,yes\n")


def _truncated(path: Path) -> None:
    _real_db(path)
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.truncate(size // 2 // 4096 * 4096)


def _header_only(path: Path) -> None:
    _real_db(path)
    with path.open("r+b") as fh:
        fh.truncate(50)


def _foreign_tables(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")
        conn.execute("INSERT INTO users (email) VALUES ('a@example.org')")
    conn.close()


def _foreign_application_id(path: Path) -> None:
    """Our very tables, but stamped by another program: still not ours."""
    with sqlite3.connect(path) as conn:
        for statement in progress._SCHEMA:
            conn.execute(statement)
        conn.execute("PRAGMA application_id = 42")
        conn.execute("PRAGMA user_version = 1")
    conn.close()


BAD_FILES = {
    "random_bytes": _random_bytes,
    "text_file": _text_file,
    "truncated_database": _truncated,
    "truncated_header": _header_only,
    "foreign_tables": _foreign_tables,
    "foreign_application_id": _foreign_application_id,
}


@pytest.mark.parametrize("make_bad", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_file_is_moved_aside_and_a_fresh_record_starts(db, make_bad):
    make_bad(db)
    original = db.read_bytes()
    with Progress.open(clock=clock) as p:
        moved = db.with_name(f"progress.sqlite3.corrupt-{STAMP}")
        assert p.warning is not None
        assert str(db) in p.warning and str(moved) in p.warning
        assert "fresh" in p.warning
        assert moved.read_bytes() == original  # kept, byte for byte
        assert p.completed_lessons() == [] and p.attempts() == []
        p.complete_lesson("00_welcome")
    with Progress.open(clock=clock) as p:
        assert p.warning is None
        assert p.completed_lessons() == ["00_welcome"]


def test_an_earlier_moved_aside_file_is_never_overwritten(db):
    _text_file(db)
    with Progress.open(clock=clock) as p:
        first_warning = p.warning
    db.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    _random_bytes(db)
    second = db.read_bytes()
    with Progress.open(clock=clock) as p:  # same clock: same timestamp
        second_warning = p.warning
    first_moved = db.with_name(f"progress.sqlite3.corrupt-{STAMP}")
    second_moved = db.with_name(f"progress.sqlite3.corrupt-{STAMP}-1")
    assert str(first_moved) in first_warning
    assert str(second_moved) in second_warning
    assert first_moved.read_text() == "lesson,done\n00_welcome,yes\n"
    assert second_moved.read_bytes() == second


def test_the_wal_of_a_bad_file_moves_with_it(db):
    _random_bytes(db)
    wal = Path(f"{db}-wal")
    wal.write_bytes(b"stale frames of the old file")
    with Progress.open(clock=clock) as p:
        assert p.warning is not None
        p.complete_lesson("00_welcome")
    moved_wal = db.with_name(f"progress.sqlite3.corrupt-{STAMP}-wal")
    assert moved_wal.read_bytes() == b"stale frames of the old file"
    with Progress.open(clock=clock) as p:
        assert p.completed_lessons() == ["00_welcome"]


def test_an_empty_file_is_a_fresh_record_not_a_corrupt_one(db):
    db.write_bytes(b"")
    with Progress.open(clock=clock) as p:
        assert p.warning is None
    assert list(db.parent.glob("*.corrupt-*")) == []


def test_a_newer_schema_is_refused_not_moved(db):
    with Progress.open(clock=clock):
        pass
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(ValueError, match="newer version"):
        Progress.open(clock=clock)
    assert db.exists() and list(db.parent.glob("*.corrupt-*")) == []


def test_a_locked_file_is_an_error_not_corruption(db, monkeypatch):
    with Progress.open(clock=clock) as p:
        p.complete_lesson("00_welcome")
    monkeypatch.setattr(progress, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            Progress.open(clock=clock)
    finally:
        holder.rollback()
        holder.close()
    assert list(db.parent.glob("*.corrupt-*")) == []
    with Progress.open(clock=clock) as p:
        assert p.completed_lessons() == ["00_welcome"]


# --- a process killed mid-write ------------------------------------------------------------

WRITER = """
import sys
from course.progress import Progress
p = Progress.open()
i = 0
while True:
    i += 1
    aid = p.record_answer("safety", f"q{i % 25}", ["a", "b"], i % 3 == 0, 0.5,
                          session=sys.argv[1])
    print(aid, flush=True)
"""


def test_a_killed_writer_loses_at_most_the_answer_in_flight(db):
    reported: dict[str, list[int]] = {}
    for round_ in ("r1", "r2", "r3"):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, round_],
            stdout=subprocess.PIPE,
            text=True,
            env=_child_env(db.parent),
        )
        ids = reported[round_] = []
        assert child.stdout is not None
        for line in child.stdout:
            ids.append(int(line))
            if len(ids) >= 40:
                break
        child.kill()  # SIGKILL on POSIX: no cleanup, no atexit, no close
        child.wait()
        # Ids printed before the kill are still in the pipe: each was committed.
        ids.extend(int(x) for x in child.stdout.read().split())
        child.stdout.close()

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = conn.execute("SELECT id, session FROM attempts").fetchall()
    finally:
        conn.close()
    stored = {rid for rid, _ in rows}
    per_round = Counter(session for _, session in rows)
    for round_, ids in reported.items():
        assert set(ids) <= stored, f"{round_}: a committed answer was lost"
        # The one answer that may be unreported is the one being written at the kill.
        assert len(ids) <= per_round[round_] <= len(ids) + 1
    with Progress.open(clock=clock) as p:
        assert p.warning is None
        assert len(p.attempts()) == len(rows)


# --- two writers at once ---------------------------------------------------------------------

RACER = """
import sys
from course.progress import Progress
assert sys.stdin.readline().strip() == "go"
with Progress.open() as p:
    assert p.warning is None, p.warning
    ids = [p.record_answer("safety", f"q{i % 10}", ["a"], i % 2 == 0, 1.0, session=sys.argv[1])
           for i in range(int(sys.argv[2]))]
print(len(set(ids)), flush=True)
"""


def test_two_processes_writing_at_once_lose_nothing(db):
    n = 200
    children = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, name, str(n)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_child_env(db.parent),
        )
        for name in ("A", "B")
    ]
    # Both start from a missing file, so creating it is raced too.
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        assert out.strip() == str(n)

    with Progress.open(clock=clock) as p:
        attempts = p.attempts()
        assert len(attempts) == 2 * n
        assert Counter(a.session for a in attempts) == {"A": n, "B": n}
        assert len({a.id for a in attempts}) == 2 * n
        # Attempt numbers come from a read-then-write; under a race they would repeat.
        for q in {a.question_id for a in attempts}:
            numbers = sorted(a.attempt_no for a in attempts if a.question_id == q)
            assert numbers == list(range(1, 2 * n // 10 + 1)), q
        assert len(p.review_states()) == 10


# --- bad input writes nothing ------------------------------------------------------------


def _dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


BAD_CALLS = [
    ("complete_lesson", ("",), {}, "lesson_id must not be empty"),
    ("complete_lesson", (7,), {}, "lesson_id must be a string"),
    ("complete_lesson", ("Welcome Lesson",), {}, "not a valid id"),
    ("record_answer", ("", "q1", ["a"], True, 1.0), {}, "bank must not be empty"),
    ("record_answer", ("safety", "", ["a"], True, 1.0), {}, "question_id must not be empty"),
    ("record_answer", ("safety", "q1", "a", True, 1.0), {}, "chosen must be a list"),
    ("record_answer", ("safety", "q1", [1], True, 1.0), {}, "chosen option must be a string"),
    ("record_answer", ("safety", "q1", ["a", "a"], True, 1.0), {}, "repeats"),
    ("record_answer", ("safety", "q1", ["a"], 1, 1.0), {}, "correct must be True or False"),
    ("record_answer", ("safety", "q1", ["a"], True, 1.5), {}, "between 0 and 1"),
    ("record_answer", ("safety", "q1", ["a"], True, -0.1), {}, "between 0 and 1"),
    ("record_answer", ("safety", "q1", ["a"], True, float("nan")), {}, "between 0 and 1"),
    ("record_answer", ("safety", "q1", ["a"], True, "1"), {}, "score must be a number"),
    ("record_answer", ("safety", "q1", ["a"], True, 1.0), {"session": ""}, "session must not"),
    ("save_routine", ("", "{}", "card"), {}, "name must not be empty"),
    ("save_routine", ("Mine", "{not json", "card"), {}, "not valid JSON"),
    ("save_routine", ("Mine", {"steps": []}, "card"), {}, "routine_json must be a string"),
    ("save_routine", ("Mine", "{}", None), {}, "card_md must be a string"),
    ("record_practice", (999, 60, 3), {}, "not a saved routine"),
    ("record_practice", (None, -1, 3), {}, "seconds must be"),
    ("record_practice", (None, 60.5, 3), {}, "seconds must be an integer"),
    ("record_practice", (None, 60, True), {}, "steps_completed must be an integer"),
    ("record_practice", ("1", 60, 3), {}, "routine_id must be an integer"),
]


@pytest.mark.parametrize(("method", "args", "kwargs", "message"), BAD_CALLS)
def test_bad_input_raises_and_writes_nothing(db, method, args, kwargs, message):
    with Progress.open(clock=clock) as p:
        p.record_answer("safety", "q1", ["a"], True, 1.0, session="s")
        before = _dump(db)
        with pytest.raises(ValueError, match=message):
            getattr(p, method)(*args, **kwargs)
        assert _dump(db) == before


# --- bad results files -------------------------------------------------------------------


def _good_results(tmp_path: Path) -> dict:
    with Progress(tmp_path / "src.sqlite3", clock=clock) as p:
        p.complete_lesson("00_welcome")
        p.record_answer("safety", "q1", ["a"], True, 1.0, session="s")
        out = p.export(tmp_path / "good.json", learner="Ana")
    return json.loads(out.read_text())


def _mutations():
    def unknown_top(d):
        d["grade"] = "A"

    def unknown_nested(d):
        d["attempts"][0]["hint_used"] = True

    def score_as_string(d):
        d["attempts"][0]["score"] = "1.0"

    def score_too_high(d):
        d["attempts"][0]["score"] = 2

    def correct_as_int(d):
        d["attempts"][0]["correct"] = 1

    def wrong_format(d):
        d["format"] = "something-else"

    def wrong_version(d):
        d["version"] = 2

    def long_name(d):
        d["learner"] = "x" * 101

    def too_many_lessons(d):
        d["lessons"] = d["lessons"] * 1001

    def bad_id(d):
        d["attempts"][0]["question_id"] = "../../etc/passwd"

    def naive_time(d):
        d["exported_at"] = "2025-03-03T09:30:15"

    def missing_field(d):
        del d["practice"]

    return {
        f.__name__: f
        for f in (
            unknown_top,
            unknown_nested,
            score_as_string,
            score_too_high,
            correct_as_int,
            wrong_format,
            wrong_version,
            long_name,
            too_many_lessons,
            bad_id,
            naive_time,
            missing_field,
        )
    }


MUTATIONS = _mutations()


@pytest.mark.parametrize("mutate", MUTATIONS.values(), ids=MUTATIONS.keys())
def test_bad_results_file_names_file_and_problem(tmp_path, mutate):
    data = _good_results(tmp_path)
    import_results(tmp_path / "good.json")  # the unmutated file is fine
    mutate(data)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=r"bad\.json: not a valid results file: .+"):
        import_results(bad)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"!!python/object/apply:os.system ['echo pwned']", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not a UTF-8 text file"),
        (b"[]", "not a valid results file"),
    ],
)
def test_results_file_that_is_not_results(tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    with pytest.raises(ValueError, match=rf"bad\.json: {message}"):
        import_results(bad)


def test_results_file_over_5_mb_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.json"
    with big.open("wb") as fh:
        fh.truncate(5 * 1024 * 1024 + 1)
    with pytest.raises(ValueError, match=r"big\.json: file is 5242881 bytes"):
        import_results(big)


def test_missing_results_file(tmp_path):
    with pytest.raises(ValueError, match=r"nope\.json: cannot read"):
        import_results(tmp_path / "nope.json")


def test_import_writes_nothing(tmp_path):
    _good_results(tmp_path)
    before = {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in tmp_path.iterdir()}
    import_results(tmp_path / "good.json")
    after = {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in tmp_path.iterdir()}
    assert after == before
