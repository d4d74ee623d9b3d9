"""Issue 10, items 3, 4 and 14 (Save): the one seam between the views and the learner's
record. Every entry point tells the learner when the record was moved aside; every button
that writes says clearly why a write failed (full disk, read-only folder, locked record),
keeps what was saved and stays usable; a failed Save leaves no card behind."""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from course import lesson as L
from course import progress
from course.progress import Progress, default_path
from course.routine import build
from course.safety import Profile
from course.ui import builder as ub
from course.ui import store
from course.ui import timer as ut
from course.ui.dashboard import dashboard
from course.ui.quiz import quiz
from course.ui.review import review
from tests.faults import suite

MOVED = "moved to"


@pytest.fixture
def damaged() -> Path:
    """A record the course cannot use (not a database at all) in the learner's data folder."""
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("lesson,done\n00_welcome,yes\n")
    return path


def _finish(t: ut.PracticeTimer) -> None:
    assert t.routine is not None
    for _ in t.routine.steps:
        t.next()
    assert t.done


def _pick_right(w) -> None:
    ids = [o.id for o in w.question.options if o.correct]
    w.choice.value = ids if isinstance(w.choice.value, tuple) else ids[0]


# --- item 3: the moved-aside warning reaches the learner at every entry point ----------------

ENTRY_POINTS = {
    # Each opens the learner's record its own way and returns what the learner sees.
    "builder gate": lambda: ub.RoutineBuilder(require_quiz=True, live=False).gate.value,
    "builder Save": lambda: (
        b := ub.RoutineBuilder(require_quiz=False, live=False), b.on_save(), b.saved.value)[-1],
    "timer": lambda: (
        t := ut.PracticeTimer(build(Profile(), minutes=5), live=False, clock=lambda: 0.0),
        _finish(t), t.status.value)[-1],
    "practice_timer()": lambda: ut.practice_timer().status.value,
    "review()": lambda: (r := review(date(2025, 3, 3)), r._repr_mimebundle_()["text/html"])[-1],
    "dashboard": lambda: dashboard(today=date(2025, 3, 3)).static_html(),
    "lesson complete": lambda: L.key_points("00_welcome").complete(),
    "quiz answer": lambda: (
        w := quiz("safety", n=1), _pick_right(w), w.check_button.click(), w.status.value)[-1],
}


@pytest.mark.parametrize("entry", ENTRY_POINTS.values(), ids=ENTRY_POINTS.keys())
def test_every_entry_point_says_the_record_was_moved_aside(damaged, entry):
    """Before the fix the builder gate, Save, the timer, practice_timer() and review()
    dropped the warning: progress silently started again from nothing."""
    shown = entry()
    assert MOVED in shown and "fresh progress record" in shown
    moved = next(damaged.parent.glob("progress.sqlite3.corrupt-*"))
    assert moved.read_text() == "lesson,done\n00_welcome,yes\n"
    assert str(moved) in shown.replace("&#x27;", "'")


def test_the_warning_is_news_once(damaged):
    first = ENTRY_POINTS["dashboard"]()
    assert MOVED in first
    assert MOVED not in ENTRY_POINTS["dashboard"]()
    assert MOVED not in ENTRY_POINTS["lesson complete"]()


def test_a_record_passed_in_by_the_caller_is_warned_about_too(tmp_path):
    bad = tmp_path / "mine.sqlite3"
    bad.write_bytes(b"\x00" * 64)
    with Progress(bad) as p:
        assert MOVED in dashboard(p, today=date(2025, 3, 3)).static_html()
        assert MOVED not in dashboard(p, today=date(2025, 3, 3)).static_html()


# --- item 4: every button that writes says why a write failed, and stays usable --------------


class _FullDisk(sqlite3.Connection):
    """A connection whose writes fail as SQLite's do when the disk is full."""

    def execute(self, sql, *args):  # type: ignore[override]
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            exc = sqlite3.OperationalError("database or disk is full")
            exc.sqlite_errorcode = 13  # SQLITE_FULL
            raise exc
        return super().execute(sql, *args)


@pytest.fixture
def record() -> Path:
    """An existing record with one lesson done: whatever fails next must keep it."""
    with Progress.open() as p:
        p.complete_lesson("00_welcome")
        p.record_answer("safety", "q_saved", ["a"], True, 1.0)
    return default_path()


@pytest.fixture
def full_disk(record, monkeypatch):
    """SQLite's writes fail with SQLITE_FULL, and so does any other file written (the
    export's rename into place)."""
    real, real_replace = sqlite3.connect, os.replace

    def no_space(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: real(*a, factory=_FullDisk, **k))
    monkeypatch.setattr(os, "replace", no_space)
    yield
    monkeypatch.setattr(sqlite3, "connect", real)
    monkeypatch.setattr(os, "replace", real_replace)


@pytest.fixture
def locked(record, monkeypatch):
    monkeypatch.setattr(progress, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(record, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program writing, for longer than we wait
    yield holder
    holder.close()


def _kept(record: Path) -> None:
    with Progress(record) as p:
        assert p.completed_lessons()[:1] == ["00_welcome"]
        assert [a.question_id for a in p.attempts()][:1] == ["q_saved"]
    assert list(record.parent.glob("*.corrupt-*")) == []


def _lesson_button() -> tuple[str, bool]:
    box = L.key_points("03_recovery_and_injuries").widget()
    button, status = box.children[1].children
    button.click()
    return status.value, button.disabled


def _save_button() -> tuple[str, bool]:
    b = ub.RoutineBuilder(require_quiz=False, live=False)
    b.save_button.click()
    return b.saved.value, b.save_button.disabled


def _export_button() -> tuple[str, bool]:
    d = dashboard(today=date(2025, 3, 3))
    d.export_button.click()
    return d.status.value, d.export_button.disabled


def _quiz_answer() -> tuple[str, bool]:
    w = quiz("safety", n=2)
    _pick_right(w)
    w.check_button.click()
    w.next_button.click()  # the quiz goes on
    return w.status.value or "", w.check_button.disabled


BUTTONS = {"lesson complete": _lesson_button, "builder Save": _save_button,
           "dashboard export": _export_button, "quiz answer": _quiz_answer}


@pytest.mark.parametrize("press", BUTTONS.values(), ids=BUTTONS.keys())
def test_full_disk_is_a_clear_message_and_the_button_stays_usable(full_disk, record, press):
    """Before the fix "Mark this lesson complete" let the SQLite error escape to the widget
    log and disabled itself."""
    message, disabled = press()
    if press is _quiz_answer:  # the quiz moved on; the message was shown on the answer
        message = _quiz_failure()
    assert "the disk is full" in message and "Free some space" in message
    assert 'role="alert"' in message and not disabled
    _kept(record)


def _quiz_failure() -> str:
    w = quiz("safety", n=2)
    _pick_right(w)
    w.check_button.click()
    return w.status.value


@pytest.mark.parametrize("press", BUTTONS.values(), ids=BUTTONS.keys())
def test_a_locked_record_is_a_clear_message_and_the_button_stays_usable(locked, record, press):
    message, disabled = press()
    if press is _quiz_answer:
        message = _quiz_failure()
    assert "busy: another notebook or program" in message and "Wait a moment" in message
    assert not disabled
    locked.rollback()
    _kept(record)


def test_the_lesson_button_works_again_once_there_is_room(record, monkeypatch):
    real = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: real(*a, factory=_FullDisk, **k))
    box = L.key_points("03_recovery_and_injuries").widget()
    button, status = box.children[1].children
    button.click()
    assert "disk is full" in status.value and not button.disabled
    monkeypatch.setattr(sqlite3, "connect", real)
    button.click()
    assert "Lesson marked complete." in status.value and button.disabled


READ_ONLY_CHILD = textwrap.dedent("""
    import json, os, sys
    from datetime import date
    from course import lesson as L
    from course.ui import builder as ub, store
    from course.ui.dashboard import Dashboard, dashboard
    from tests.faults.suite import as_reader
    # Everything imported and drawn first: as nobody, the interpreter's own files may be
    # out of reach (a Python installed under /root).
    box = L.key_points("03_recovery_and_injuries").widget()
    b = ub.RoutineBuilder(require_quiz=False, live=False)
    as_reader()  # as root: become nobody, so the folder is really read-only
    out = {}
    button, status = box.children[1].children
    button.click()
    out["lesson complete"] = [status.value, button.disabled]
    b.save_button.click()
    out["builder Save"] = [b.saved.value, b.save_button.disabled]
    d = dashboard(today=date(2025, 3, 3))
    d.export_button.click()
    out["dashboard export"] = [d.status.value, d.export_button.disabled]
    print(json.dumps(out))
""")


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_read_only_folder_is_a_clear_message_and_nothing_is_lost(monkeypatch):
    """A real read-only folder (run as another user when the tests run as root)."""
    base = suite.shared_tmp()
    folder = base / "course-data"
    folder.mkdir()
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    with Progress.open() as p:
        p.complete_lesson("00_welcome")
    before = {f.name: f.read_bytes() for f in folder.iterdir()}
    suite.make_read_only(folder)
    try:
        out = subprocess.run([sys.executable, "-c", READ_ONLY_CHILD], capture_output=True,
                             text=True, timeout=120, env=suite.child_env(folder))
    finally:
        suite.make_writable(folder)
        after = {f.name: f.read_bytes() for f in folder.iterdir()}
        shutil.rmtree(base, ignore_errors=True)
    assert out.returncode == 0, out.stderr
    for name, (message, disabled) in json.loads(out.stdout).items():
        assert "cannot be written (read-only, or not yours)" in message, (name, message)
        assert "Traceback" not in message and not disabled, name
    assert after == before


# --- item 14: a failed Save leaves no card behind ------------------------------------------


def test_a_failed_save_leaves_no_orphan_card(full_disk, record):
    """Before the fix the card was written first and stayed when the record refused it."""
    folder = record.parent / "routines"
    message, _ = _save_button()
    assert "the disk is full" in message
    assert not folder.exists() or list(folder.iterdir()) == []


def test_cards_are_private_and_never_overwritten(tmp_path):
    r = build(Profile(), minutes=5)
    first, _ = store.save_routine(r, "Evening!", folder=tmp_path / "cards")
    second, _ = store.save_routine(r, "Evening!", folder=tmp_path / "cards")
    assert (first.name, second.name) == ("evening-1.md", "evening-2.md")
    assert first.read_text(encoding="utf-8") == r.to_markdown(title="Evening!")
    if os.name == "posix":
        assert oct(first.stat().st_mode & 0o777) == oct(0o600)
        assert oct((tmp_path / "cards").stat().st_mode & 0o777) == oct(0o700)
    cards = sorted(p for p in (tmp_path / "cards").iterdir() if p.suffix == ".md")
    assert [p.name for p in cards] == [first.name, second.name]
    # the printable takeaways (PDF cards, calendar plan) list the same conditions: private too
    takeaways = [p for p in (tmp_path / "cards").iterdir() if p.suffix != ".md"]
    assert {p.suffix for p in takeaways} == {".pdf", ".ics"}
    if os.name == "posix":
        assert all(p.stat().st_mode & 0o777 == 0o600 for p in takeaways)


def test_problem_names_each_kind_of_failure():
    full = sqlite3.OperationalError("database or disk is full")
    ro = sqlite3.OperationalError("attempt to write a readonly database")
    busy = sqlite3.OperationalError("database is locked")
    assert "the disk is full" in store.problem(full, "save")
    assert "read-only" in store.problem(ro, "save")
    assert "busy" in store.problem(busy, "save")
    assert "read-only" in store.problem(PermissionError(13, "Permission denied"), "save")
    assert store.problem(ValueError("Give your routine a name first."), "save") == (
        "Could not save: Give your routine a name first. Everything saved before is kept.")

