"""Issue 10, data loss: the learner's record must survive a new record being created by two
kernels at once, a stray -wal beside it, odd files at its path, and it must be private.
Real files and real processes; SQLite is only ever wrapped to choose *when* another
connection acts, never to fake what it does."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from course import progress
from course.progress import Progress
from tests.faults import suite

NOW = datetime(2025, 3, 3, 9, 30, 15, tzinfo=UTC)
STAMP = "20250303T093015Z"
ROOT = Path(__file__).resolve().parents[1]


def clock() -> datetime:
    return NOW


def _create_like_another_kernel(path: Path) -> bool:
    """What a second kernel's Progress does to a new file: the whole record in one
    transaction. False if the file was held (the opener has it locked)."""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        for statement in progress._SCHEMA:
            conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {progress.APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {progress.SCHEMA_VERSION}")
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [("application", progress.APP_NAME), ("schema_version", "1"),
             ("learner_id", "anon-other"), ("created_at", NOW.isoformat())],
        )
        conn.execute("COMMIT")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        conn.close()


# --- 1. two processes opening a new record at once ----------------------------------------


def test_a_record_created_between_the_ownership_reads_is_not_taken_for_foreign(db, monkeypatch):
    """The exact interleaving of the race, made certain: another kernel finishes creating the
    record after this one has read the application id and before it reads the schema version.
    Before the fix the checks were separate reads and the healthy record was moved aside."""
    real_connect = sqlite3.connect
    fired: list[bool] = []

    def between_reads(statement: str) -> None:
        if "user_version" in statement and not fired:
            fired.append(_create_like_another_kernel(db))

    def connect(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(between_reads)
        return conn

    with monkeypatch.context() as patch:
        patch.setattr(sqlite3, "connect", connect)
        with Progress.open(clock=clock) as p:
            assert p.warning is None
            p.record_answer("safety", "q1", ["a"], True, 1.0)
    assert fired, "the interleaving was not exercised"
    assert list(db.parent.glob("*.corrupt-*")) == []
    with Progress.open(clock=clock) as p:
        assert p.warning is None and len(p.attempts()) == 1


@pytest.mark.parametrize("procs", [2, 4])
def test_processes_racing_to_create_one_record_lose_nothing(tmp_path, procs):
    """Real processes released together by a barrier on a missing record, many rounds."""
    result = suite.race(tmp_path, procs=procs, rounds=6, answers=20)
    assert result["errors"] == [], result["errors"][:3]
    assert result["moved_aside"] == 0 and result["warnings"] == 0
    assert result["answers_lost"] == 0 and result["answers"] == 6 * procs * 20


# --- 2. a stray -wal ---------------------------------------------------------------------------


def test_a_stray_wal_does_not_destroy_the_record(db):
    """A -wal from another database beside a healthy record. Before the fix the inspection
    replayed it into the record (read-write) and the "kept" copy held 0 of 120 answers."""
    suite.make_record(db, answers=120)
    wal = suite.foreign_wal(db.parent / "other.sqlite3")
    shutil.copy(wal, f"{db}-wal")
    stray = Path(f"{db}-wal").read_bytes()
    with Progress.open(clock=clock) as p:
        assert len(p.attempts()) == 120  # the record is kept, in place
        assert p.warning is not None and "leftover journal" in p.warning
        assert "unchanged" in p.warning
    kept = db.with_name(f"progress.sqlite3.stray-{STAMP}-wal")
    assert str(kept) in p.warning and kept.read_bytes() == stray
    assert list(db.parent.glob("*.corrupt-*")) == []
    assert suite.count_answers(db) == 120


def test_a_bad_file_and_its_wal_are_kept_exactly_as_found(db):
    """A foreign database with committed frames still in its -wal: what is moved aside is
    byte for byte what was there (the inspection is read-only)."""
    wal = suite.foreign_wal(db)  # leaves other's db + -wal at the record's path
    assert wal == Path(f"{db}-wal")
    before = {s: Path(f"{db}{s}").read_bytes() for s in ("", "-wal")}
    with Progress.open(clock=clock) as p:
        assert p.warning is not None and "another program" in p.warning
    moved = db.with_name(f"progress.sqlite3.corrupt-{STAMP}")
    for suffix, data in before.items():
        assert Path(f"{moved}{suffix}").read_bytes() == data


def test_a_stray_wal_beside_a_missing_record_is_not_replayed_into_a_new_one(db):
    wal = suite.foreign_wal(db.parent / "other.sqlite3")
    shutil.copy(wal, f"{db}-wal")
    with Progress.open(clock=clock) as p:
        assert p.warning is not None and "leftover journal" in p.warning
        assert p.attempts() == [] and p.learner_id.startswith("anon-")
    assert db.with_name(f"progress.sqlite3.stray-{STAMP}-wal").exists()


def test_a_healthy_wal_left_by_a_killed_kernel_is_kept_not_moved(db):
    """The other side of item 2: the -wal of a record whose kernel died holds real answers."""
    code = (
        "import os\nfrom course.progress import Progress\np = Progress.open()\n"
        "p._conn.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "for i in range(30): p.record_answer('safety', f'q{i}', ['a'], True, 1.0)\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=suite.child_env(db.parent))
    assert Path(f"{db}-wal").stat().st_size > 0
    with Progress.open(clock=clock) as p:
        assert p.warning is None and len(p.attempts()) == 30
    assert list(db.parent.glob("*.stray-*")) == list(db.parent.glob("*.corrupt-*")) == []


# --- 6. private files ----------------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_the_record_and_its_folder_are_private(tmp_path, monkeypatch):
    folder = tmp_path / "new" / "course-data"
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    old = os.umask(0o022)  # the usual default, which gave 0644 files before the fix
    try:
        with Progress.open(clock=clock) as p:
            p.complete_lesson("00_welcome")
            files = [p.path, Path(f"{p.path}-wal"), Path(f"{p.path}-shm")]
            modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}
    finally:
        os.umask(old)
    assert modes == {f.name: 0o600 for f in files}
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_an_existing_record_of_ours_is_made_private(db):
    with Progress.open(clock=clock):
        pass
    db.chmod(0o644)
    with Progress.open(clock=clock):
        pass
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


# --- 14. odd files at the record's path ----------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_a_fifo_at_the_record_path_is_a_message_not_a_hang(db, suffix):
    """Before the fix, opening read the file's header and blocked on the FIFO for ever."""
    os.mkfifo(f"{db}{suffix}")
    code = (
        "from course.progress import Progress\n"
        "try:\n    Progress.open()\nexcept ValueError as e:\n    print(e)\n"
    )
    try:
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=20,
            env=suite.child_env(db.parent),
        )
    except subprocess.TimeoutExpired:
        pytest.fail("opening the record hung on a FIFO")
    assert out.returncode == 0, out.stderr
    assert "is a pipe or device, not a file" in out.stdout and "COURSE_DATA_DIR" in out.stdout
    assert stat.S_ISFIFO(os.stat(f"{db}{suffix}").st_mode)  # left alone


def test_a_folder_at_the_record_path_is_a_message(db):
    db.mkdir()
    with pytest.raises(ValueError, match="is a folder"):
        Progress.open(clock=clock)
    assert db.is_dir()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_the_platform_data_folder_is_made_private_but_a_chosen_one_is_left_alone(
    tmp_path, monkeypatch
):
    """The default folder (platformdirs; the test's XDG_DATA_HOME is temporary) is the
    learner's own: tightened to 0700. A folder named by COURSE_DATA_DIR may be a share."""
    monkeypatch.delenv("COURSE_DATA_DIR")
    folder = progress.data_dir()
    folder.mkdir(parents=True, mode=0o755)
    folder.chmod(0o755)
    with Progress.open(clock=clock):
        pass
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    shared = tmp_path / "share"
    shared.mkdir()
    shared.chmod(0o755)
    monkeypatch.setenv("COURSE_DATA_DIR", str(shared))
    with Progress.open(clock=clock):
        pass
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755
