"""The learner's record: lessons done, quiz answers, saved routines, practice, review state.

It is a real SQLite file (stdlib ``sqlite3``) in the learner's data folder, because a notebook
kernel can die at any moment and a learner's weeks of answers must not die with it:

* WAL journal, ``synchronous=FULL`` and one transaction per write, so a process killed mid-write
  loses at most the answer it was writing, and a reader never blocks the writer;
* ``BEGIN IMMEDIATE`` plus a 5 s busy timeout, so two kernels (or a kernel and the CLI) writing
  at once queue up instead of losing rows or numbering two attempts the same;
* ``PRAGMA application_id`` + ``user_version`` stamp the file, so a corrupt file or somebody
  else's database found under our name is recognised, moved aside (never deleted) and replaced
  by a fresh one, with :attr:`Progress.warning` saying so in plain words;
* a file is moved aside only when that is certain: every course process opens the record
  under one file lock (``<record>.lock``), judges an existing file through a read-only
  connection in one read transaction (a read-write one would replay a stray -wal into it
  first), and creates a new record in the same IMMEDIATE transaction that checks it is empty;
* the record and its -wal/-shm are created 0600 and the data folder 0700: routine cards and
  screenings name health conditions.

Results leave the machine only through :meth:`Progress.export` (one JSON file for an
instructor) and come back only through :func:`import_results`, which validates strictly and
never writes or executes anything.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import math
import os
import re
import sqlite3
import stat
import time
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import platformdirs
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from course.files import PRIVATE, write_atomic
from course.quiz import any_passed as quiz_any_passed  # one rule for passing
from course.quiz import next_review as leitner_next  # one schedule for all
from course.quiz import sittings as quiz_sittings

log = logging.getLogger(__name__)

APP_NAME = "legmassage-course"
DB_NAME = "progress.sqlite3"
ENV_DATA_DIR = "COURSE_DATA_DIR"
# "LMAS" in ASCII: marks the file as ours for `PRAGMA application_id` (and for `file(1)`).
APPLICATION_ID = 0x4C4D4153
SCHEMA_VERSION = 2
BUSY_TIMEOUT_MS = 5000
SQLITE_HEADER = b"SQLite format 3\x00"
# The record lists health conditions (routine cards, screenings): the learner's eyes only.
FILE_MODE = PRIVATE
DIR_MODE = 0o700
SIDECARS = ("-wal", "-shm", "-journal")
LOCK_SUFFIX = ".lock"
# Primary result codes that mean "this file is damaged or not a database at all". Anything
# else (locked, read-only, disk full) is a passing condition and must never move a file.
_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB

ID_PATTERN = r"^[a-z0-9][a-z0-9_]*$"
MAX_ID = 60
MAX_CHOSEN = 20
MAX_SESSION = 100
MAX_NAME = 100
MAX_ROUTINE_JSON = 200_000
MAX_CARD_MD = 200_000
MAX_PRACTICE_SECONDS = 24 * 3600
MAX_STEPS = 1000
MAX_SCREENING_JSON = 20_000
MAX_WORDING = 500

EXPORT_FORMAT = "legmassage-results"
EXPORT_VERSION = 1
MAX_IMPORT_BYTES = 5 * 1024 * 1024

Clock = Callable[[], datetime]

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS lessons (
        lesson_id TEXT PRIMARY KEY CHECK (length(lesson_id) > 0),
        completed_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS attempts (
        id INTEGER PRIMARY KEY,
        session TEXT NOT NULL CHECK (length(session) > 0),
        bank TEXT NOT NULL CHECK (length(bank) > 0),
        question_id TEXT NOT NULL CHECK (length(question_id) > 0),
        chosen TEXT NOT NULL,
        correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
        score REAL NOT NULL CHECK (score >= 0 AND score <= 1),
        attempt_no INTEGER NOT NULL CHECK (attempt_no >= 1),
        answered_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS attempts_question ON attempts (bank, question_id)",
    "CREATE INDEX IF NOT EXISTS attempts_session ON attempts (bank, session)",
    """CREATE TABLE IF NOT EXISTS routines (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(name) > 0),
        routine_json TEXT NOT NULL,
        card_md TEXT NOT NULL,
        saved_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS practice (
        id INTEGER PRIMARY KEY,
        routine_id INTEGER REFERENCES routines (id) ON DELETE SET NULL,
        seconds INTEGER NOT NULL CHECK (seconds >= 0),
        steps_completed INTEGER NOT NULL CHECK (steps_completed >= 0),
        practised_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS review (
        bank TEXT NOT NULL,
        question_id TEXT NOT NULL,
        box INTEGER NOT NULL CHECK (box BETWEEN 1 AND 5),
        due TEXT NOT NULL,
        PRIMARY KEY (bank, question_id)
    )""",
)

# Tables added after version 1, by the version that added them. A new file gets all of them;
# an older file of ours gets the missing ones when it is opened (see Progress._upgrade), so a
# learner's record is carried forward, never replaced.
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    2: (
        # The learner's personal screening (issue 9): the answers as the safety model's own
        # JSON (Profile.to_dict()), with the time they were given, so every practice timer
        # can use the current one and ask again when it is stale.
        """CREATE TABLE IF NOT EXISTS screenings (
            id INTEGER PRIMARY KEY,
            answers_json TEXT NOT NULL CHECK (json_valid(answers_json)),
            taken_at TEXT NOT NULL
        )""",
        # "A clinician has said gentle self-massage is fine for me": the day the learner says
        # it was confirmed, the words they confirmed, and which held conditions it covered.
        """CREATE TABLE IF NOT EXISTS clearances (
            id INTEGER PRIMARY KEY,
            confirmed_on TEXT NOT NULL,
            wording TEXT NOT NULL CHECK (length(wording) > 0),
            conditions_json TEXT NOT NULL CHECK (json_valid(conditions_json)),
            recorded_at TEXT NOT NULL
        )""",
    ),
}


# --- where the file lives ----------------------------------------------------------------


def data_dir() -> Path:
    """The learner's data folder: ``$COURSE_DATA_DIR`` if set (tests, classrooms with shared
    drives), else the platform's per-user data folder."""
    override = os.environ.get(ENV_DATA_DIR, "").strip()
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME))


def default_path() -> Path:
    return data_dir() / DB_NAME


# --- the review schedule -----------------------------------------------------------------


# --- records handed back to callers ------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    id: int
    session: str
    bank: str
    question_id: str
    chosen: tuple[str, ...]
    correct: bool
    score: float
    attempt_no: int
    answered_at: datetime


@dataclass(frozen=True)
class SavedRoutine:
    id: int
    name: str
    routine_json: str
    card_md: str
    saved_at: datetime


@dataclass(frozen=True)
class PracticeSession:
    id: int
    routine_id: int | None
    seconds: int
    steps_completed: int
    practised_at: datetime


@dataclass(frozen=True)
class ReviewState:
    bank: str
    question_id: str
    box: int
    due: date


@dataclass(frozen=True)
class StoredScreening:
    """One personal screening as stored: the answers (``Profile.to_dict()``) and when."""

    id: int
    answers: dict[str, Any]
    taken_at: datetime


@dataclass(frozen=True)
class Clearance:
    """A learner's record that a clinician cleared gentle self-massage.

    ``confirmed_on`` is the day the learner says the clinician confirmed it (what the
    six-month rule counts from); ``conditions`` the held conditions it was given for.
    """

    id: int
    confirmed_on: date
    wording: str
    conditions: tuple[str, ...]
    recorded_at: datetime


@dataclass(frozen=True)
class SessionScore:
    """One quiz sitting: when it ended, on which bank, and its score in percent."""

    when: datetime
    bank: str
    percent: float
    questions: int


# --- input checks ------------------------------------------------------------------------
# Every public write checks its arguments before a transaction starts, so bad input raises a
# ValueError naming the argument and writes nothing. The table CHECKs are a second net.


def _check_id(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string id, got {type(value).__name__}")
    if not value:
        raise ValueError(f"{name} must not be empty")
    if len(value) > MAX_ID or not re.fullmatch(ID_PATTERN, value):
        raise ValueError(
            f"{name} {value!r} is not a valid id (lower-case letters, digits and _, "
            f"at most {MAX_ID} characters)"
        )
    return value


def _check_text(name: str, value: Any, limit: int, *, empty: bool = False) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {type(value).__name__}")
    if not empty and not value.strip():
        raise ValueError(f"{name} must not be empty")
    if len(value) > limit:
        raise ValueError(f"{name} is too long ({len(value)} characters, at most {limit})")
    return value


def _check_int(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer, got {type(value).__name__}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be {low}..{high}, got {value}")
    return value


def _check_score(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"score must be a number 0..1, got {type(value).__name__}")
    if not math.isfinite(value) or not 0 <= value <= 1:
        raise ValueError(f"score must be between 0 and 1, got {value}")
    return float(value)


def _check_chosen(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence | set | frozenset):
        raise ValueError(f"chosen must be a list of option ids, got {type(value).__name__}")
    # A set has no order; sorting keeps the stored answer (and the export) deterministic.
    items = sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
    if len(items) > MAX_CHOSEN:
        raise ValueError(f"chosen has {len(items)} options, at most {MAX_CHOSEN}")
    for item in items:
        _check_id("chosen option", item)
    if len(set(items)) != len(items):
        raise ValueError(f"chosen repeats an option id: {items}")
    return tuple(items)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _CORRUPT_CODES
    # Older sqlite3 modules carry no code: fall back to the two messages SQLite uses.
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


class _Unusable(Exception):
    """Internal: the file at the path is corrupt or not ours; ``reason`` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _StrayJournal(_Unusable):
    """Internal: the main file is a healthy record of ours (or empty), its -wal is not."""


def _judge(conn: sqlite3.Connection, ownership: Callable[[sqlite3.Connection], bool]) -> bool:
    """Ask whose file it is and whether it is intact in ONE read transaction (a consistent
    snapshot). True for an empty file; False for a healthy one of ours; raises otherwise."""
    conn.execute("BEGIN")
    try:
        if ownership(conn):
            return True
        problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise _Unusable(f"damaged: {problems[0]}")
        return False
    finally:
        conn.execute("ROLLBACK")


# --- files the learner's health notes go into: private, regular, opened one at a time ------


def _private_dir(folder: Path, *, tighten: bool = False) -> None:
    """Create the data folder readable by the learner alone (0700). An existing folder is
    tightened only when it is the platform's default one (``tighten``): a folder named by
    ``$COURSE_DATA_DIR`` may be a classroom share whose rights are not ours to change."""
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if tighten and os.name == "posix":
        with contextlib.suppress(OSError):
            if folder.stat().st_mode & 0o077:
                folder.chmod(DIR_MODE)


def _refuse_special_files(path: Path) -> None:
    """A FIFO, device or folder at the record's path (or its -wal) would make opening it
    hang or fail obscurely; say so plainly and touch nothing."""
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = candidate.stat().st_mode
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise ValueError(f"{candidate}: cannot be read ({exc.strerror or exc})") from None
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "a pipe or device, not a file"
            raise ValueError(
                f"{candidate} is {kind}; the progress record must be a regular file. Move it "
                f"away, or set {ENV_DATA_DIR} to another folder."
            )


def _create_private_file(path: Path) -> bool:
    """Create the record's file empty and 0600 if it is missing (SQLite gives its -wal and
    -shm the same rights); True if it was created. An existing file of the learner's own
    gets its group/other rights removed (best effort: a file owned by someone else stays)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        if os.name == "posix":
            for f in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                with contextlib.suppress(OSError):
                    if f.stat().st_mode & 0o077:
                        f.chmod(FILE_MODE)
        return False
    os.close(fd)
    return True


def _try_lock(fd: int) -> bool:
    """One non-blocking attempt at the exclusive open lock."""
    try:
        if os.name == "posix":
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # Windows: lock the first byte of the lock file
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except (BlockingIOError, PermissionError):
        return False
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EDEADLK):
            return False
        raise
    return True


@contextmanager
def _open_lock(path: Path) -> Iterator[None]:
    """Hold ``<record>.lock`` while the record is opened, waiting at most the busy timeout.

    The lock lives on a file of its own (never deleted: deleting lock files races) and is
    released by the kernel when the process dies, so a kernel killed mid-open never leaves it
    held. Where the lock file cannot be made (a read-only folder) nothing can be created or
    moved either, and opening goes on without it.
    """
    try:
        fd = os.open(f"{path}{LOCK_SUFFIX}", os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError:
        yield
        return
    try:
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        pause = 0.002
        while not _try_lock(fd):
            if time.monotonic() > deadline:
                raise sqlite3.OperationalError(
                    "database is locked (another program has been opening the progress "
                    f"record for {BUSY_TIMEOUT_MS / 1000:g} s)"
                )
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


# --- the record --------------------------------------------------------------------------


class Progress:
    """The learner's record in one SQLite file; one connection per object.

    ``clock`` returns the current time as an aware datetime (UTC by default); tests pass a
    fixed one. "Today" for the review schedule is the clock's own calendar date, so a caller
    that wants the learner's local day passes a local clock.

    If the file is corrupt or belongs to another program it is renamed to
    ``<name>.corrupt-<timestamp>`` (with its -wal/-shm files), a fresh record is started and
    :attr:`warning` holds a message for the learner; otherwise :attr:`warning` is ``None``.
    """

    def __init__(self, path: Path | str | None = None, *, clock: Clock | None = None):
        self.path = Path(path) if path is not None else default_path()
        self._clock = clock or (lambda: datetime.now(UTC))
        self.warning: str | None = None
        # Answers recorded without an explicit session form one sitting per Progress object.
        self._default_session = f"s-{uuid.uuid4().hex[:16]}"
        # Only the platform's own folder is tightened: a $COURSE_DATA_DIR may be a share.
        default = not os.environ.get(ENV_DATA_DIR, "").strip() and self.path.parent == data_dir()
        _private_dir(self.path.parent, tighten=default)
        _refuse_special_files(self.path)
        # Every course process opens the record under one file lock: creating a new record,
        # judging whose file it is and moving a bad one aside then never interleave, so a
        # record another kernel is creating this very moment is never taken for a foreign one.
        with _open_lock(self.path):
            self._conn = self._open()

    @classmethod
    def open(cls, *, clock: Clock | None = None) -> Progress:
        """The record in the learner's data folder (``$COURSE_DATA_DIR`` overrides it)."""
        return cls(default_path(), clock=clock)

    # -- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _now(self) -> datetime:
        now = self._clock()
        if not isinstance(now, datetime) or now.tzinfo is None:
            raise ValueError(f"clock must return a timezone-aware datetime, got {now!r}")
        return now

    def _open(self) -> sqlite3.Connection:
        """Connect; move aside (never delete) what is certainly not ours, then try again."""
        notes: list[str] = []
        for _ in range(3):
            try:
                conn = self._connect()
            except _StrayJournal as stray:
                moved = self._move_aside("stray", main=False)
                notes.append(
                    f"A leftover journal file next to your progress file ({stray.reason}) did "
                    f"not belong to it. It was moved to {moved}-wal and kept there; your "
                    "progress is unchanged."
                )
            except _Unusable as bad:
                moved = self._move_aside("corrupt")
                notes.append(
                    f"The progress file {self.path} could not be used ({bad.reason}). "
                    f"It was moved to {moved} and kept there; a fresh progress record was "
                    "started."
                )
            else:
                if notes:
                    self.warning = " ".join(notes)
                    log.warning(self.warning)
                return conn
        raise ValueError(f"{self.path}: cannot start a fresh record ({notes[-1]})")

    def _connect(self) -> sqlite3.Connection:
        """Inspect read-only, then open, initialise (if new) and check the file; raise
        _Unusable or _StrayJournal if it is not ours. Called with the open lock held."""
        self._check_header()
        checked = False
        if _create_private_file(self.path):
            self._check_stray_journal()
        else:
            checked = self._inspect()
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            # Whose file it is and, if nobody's yet, creating it: one IMMEDIATE transaction,
            # so no other writer can change the answer between the question and the act. A
            # foreign database is only read here: the transaction rolls back untouched.
            with self._write(conn):
                if not self._init_or_check(conn) and not checked:
                    problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
                    if problems != ["ok"]:
                        raise _Unusable(f"damaged: {problems[0]}")
            _enable_wal(conn)
            # FULL costs one fsync per answer, which a learner never notices, and keeps the
            # last answers even through a power cut, not only through a killed process.
            conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.DatabaseError as exc:
            conn.close()
            if _is_corrupt(exc):
                raise _Unusable(f"damaged: {exc}") from exc
            raise
        except BaseException:
            conn.close()
            raise
        return conn

    def _check_header(self) -> None:
        """Reject a file that is not SQLite at all before SQLite sees it; an empty file is a
        fresh database (SQLite's own view)."""
        try:
            with self.path.open("rb") as fh:
                head = fh.read(len(SQLITE_HEADER))
        except FileNotFoundError:
            return
        if head and head != SQLITE_HEADER:
            raise _Unusable("not a SQLite database")

    def _check_stray_journal(self) -> None:
        """An empty or new main file has no journal of its own: a -wal beside it is left over
        from another file, and SQLite would replay it into the new record."""
        wal = Path(f"{self.path}-wal")
        if wal.is_file() and wal.stat().st_size > 0:
            raise _StrayJournal(f"{wal.name} beside an empty record")

    def _inspect(self) -> bool:
        """Judge an existing file read-only, before any read-write connection touches it.

        A read-write connection replays the -wal into the main file and checkpoints it on
        close; if that -wal is a stray one, the file "kept" aside would already be destroyed.
        A ``mode=ro`` connection never writes the main file. Anything other than a clear
        verdict (the folder is read-only, the file is locked) is left to the read-write open,
        whose own checks run inside a transaction. True if the file is a healthy record.
        """
        try:
            conn = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
            )
        except sqlite3.Error:
            return False
        try:
            return not _judge(conn, self._ownership)
        except sqlite3.DatabaseError as exc:
            if not _is_corrupt(exc):
                return False
            bad = _Unusable(f"damaged: {exc}")
        except _Unusable as exc:
            bad = exc
        finally:
            conn.close()
        # Unusable as SQLite sees it with its -wal. If the main file alone is a healthy record
        # of ours, the -wal is what does not belong: keep the record, move the -wal aside.
        wal = Path(f"{self.path}-wal")
        if wal.is_file() and wal.stat().st_size > 0 and self._main_alone_is_ours():
            raise _StrayJournal(f"{wal.name}: {bad.reason}")
        raise bad

    def _main_alone_is_ours(self) -> bool:
        """The main file read as it is on disk (``immutable=1``: no -wal, no locks)."""
        try:
            conn = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                isolation_level=None,
            )
        except sqlite3.Error:
            return False
        try:
            return not _judge(conn, self._ownership)
        except (sqlite3.Error, _Unusable, ValueError):
            return False
        finally:
            conn.close()

    def _init_or_check(self, conn: sqlite3.Connection) -> bool:
        """Inside an IMMEDIATE transaction, so two processes creating the file at once see
        one another's work instead of both initialising it. True if it created the record;
        a record of ours from an older version is upgraded in the same transaction."""
        if not self._ownership(conn):
            self._upgrade(conn)
            return False
        for statement in _SCHEMA:
            conn.execute(statement)
        for version in sorted(_MIGRATIONS):  # a new file gets every version's tables
            for statement in _MIGRATIONS[version]:
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        now = _stamp(self._now())
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [
                ("application", APP_NAME),
                ("schema_version", str(SCHEMA_VERSION)),
                ("learner_id", f"anon-{uuid.uuid4().hex[:12]}"),
                ("created_at", now),
            ],
        )
        return True

    def _upgrade(self, conn: sqlite3.Connection) -> None:
        """Bring an older file of ours up to :data:`SCHEMA_VERSION` (inside the same
        IMMEDIATE transaction as the check): add the tables of each later version and
        restamp it. Only ever adds; nothing the learner saved is changed."""
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version >= SCHEMA_VERSION:
            return
        for step in sorted(v for v in _MIGRATIONS if v > version):
            for statement in _MIGRATIONS[step]:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(SCHEMA_VERSION),),
        )
        log.info(
            "%s: progress record upgraded from schema %s to %s", self.path, version, SCHEMA_VERSION
        )

    def _ownership(self, conn: sqlite3.Connection) -> bool:
        """True for an empty database (ours to create), False for one of ours; raises
        _Unusable for anybody else's, ValueError for one a newer course kit wrote.

        Callers ask inside one transaction: three separate reads could straddle another
        process's creation of the file and see a half-made answer."""
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
        if app_id == 0 and version == 0 and not tables:
            return True
        if app_id != APPLICATION_ID:
            raise _Unusable(
                f"another program's database (application id {app_id}, tables: "
                f"{', '.join(sorted(tables)[:5]) or 'none'})"
            )
        if version > SCHEMA_VERSION:
            # Not damage: a newer course kit wrote it. Moving it aside would hide real
            # progress, so refuse and let the learner update instead.
            raise ValueError(
                f"{self.path} was written by a newer version of the course (schema {version}, "
                f"this one knows {SCHEMA_VERSION}); update the course kit to open it"
            )
        if version < 1:
            raise _Unusable(f"unknown schema version {version}")
        meta = conn.execute("SELECT value FROM meta WHERE key = 'application'").fetchone()
        if meta is None or meta[0] != APP_NAME:
            raise _Unusable("its meta table does not name this course")
        return False

    def _move_aside(self, label: str, *, main: bool = True) -> Path:
        """Rename the file (and its -wal/-shm) to ``<name>.<label>-<UTC time>[-n]``; with
        ``main=False`` only the -wal/-shm/-journal move and the record stays.

        Nothing has written to these files since they were found (the inspection is
        read-only), so what is kept is exactly what was there. ``os.link`` + ``unlink``
        never replaces an existing file, so an earlier moved-aside file is never
        overwritten, even by a second process doing the same at the same time.
        """
        stamp = self._now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        base = f"{self.path.name}.{label}-{stamp}"
        n = 0
        while True:
            target = self.path.with_name(base if n == 0 else f"{base}-{n}")
            free = not any(Path(f"{target}{s}").exists() for s in ("", *SIDECARS))
            if free and (not main or _move_no_clobber(self.path, target)):
                break
            n += 1
        for suffix in SIDECARS:
            side = Path(f"{self.path}{suffix}")
            if side.exists():
                _move_no_clobber(side, Path(f"{target}{suffix}"))
        return target

    @staticmethod
    @contextmanager
    def _write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        """One write transaction: ``with conn`` commits or rolls back; BEGIN IMMEDIATE takes
        the write lock up front, so a read-then-write (attempt numbers, Leitner boxes) is
        never interleaved with another process's write."""
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            yield conn

    # -- lessons --------------------------------------------------------------------------

    def complete_lesson(self, lesson_id: str) -> bool:
        """Mark a lesson done; True if it was not done before (the first time is kept)."""
        _check_id("lesson_id", lesson_id)
        when = _stamp(self._now())
        with self._write(self._conn) as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO lessons (lesson_id, completed_at) VALUES (?, ?)",
                (lesson_id, when),
            )
            return cur.rowcount == 1

    def completed_lessons(self) -> list[str]:
        """Ids of the lessons done, in the order they were first completed."""
        rows = self._conn.execute("SELECT lesson_id FROM lessons ORDER BY completed_at, rowid")
        return [r[0] for r in rows]

    def _lesson_rows(self) -> list[tuple[str, datetime]]:
        rows = self._conn.execute(
            "SELECT lesson_id, completed_at FROM lessons ORDER BY completed_at, rowid"
        )
        return [(r[0], datetime.fromisoformat(r[1])) for r in rows]

    # -- quiz answers and review ----------------------------------------------------------

    def record_answer(
        self,
        bank: str,
        question_id: str,
        chosen: Sequence[str],
        correct: bool,
        score: float,
        *,
        session: str | None = None,
    ) -> int:
        """Store one answer and move the question in the review schedule; returns its id.

        ``session`` groups answers into one quiz sitting for :meth:`sessions`; without
        it, all answers given through this Progress object form one sitting per bank.
        """
        _check_id("bank", bank)
        _check_id("question_id", question_id)
        picked = _check_chosen(chosen)
        if not isinstance(correct, bool):
            raise ValueError(f"correct must be True or False, got {type(correct).__name__}")
        value = _check_score(score)
        session = self._default_session if session is None else session
        _check_text("session", session, MAX_SESSION)
        now = self._now()
        with self._write(self._conn) as conn:
            (previous,) = conn.execute(
                "SELECT count(*) FROM attempts WHERE bank = ? AND question_id = ?",
                (bank, question_id),
            ).fetchone()
            cur = conn.execute(
                "INSERT INTO attempts (session, bank, question_id, chosen, correct, score,"
                " attempt_no, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session,
                    bank,
                    question_id,
                    json.dumps(list(picked)),
                    int(correct),
                    value,
                    previous + 1,
                    _stamp(now),
                ),
            )
            row = conn.execute(
                "SELECT box FROM review WHERE bank = ? AND question_id = ?", (bank, question_id)
            ).fetchone()
            box, due = leitner_next(row[0] if row else 1, correct, now.date())
            conn.execute(
                "INSERT INTO review (bank, question_id, box, due) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (bank, question_id) DO UPDATE SET box = excluded.box,"
                " due = excluded.due",
                (bank, question_id, box, due.isoformat()),
            )
            return int(cur.lastrowid)

    def attempts(self, bank: str | None = None) -> list[Attempt]:
        """Every answer, oldest first, optionally of one bank."""
        sql = (
            "SELECT id, session, bank, question_id, chosen, correct, score, attempt_no,"
            " answered_at FROM attempts"
        )
        args: tuple[Any, ...] = ()
        if bank is not None:
            sql, args = sql + " WHERE bank = ?", (bank,)
        rows = self._conn.execute(sql + " ORDER BY id", args)
        return [
            Attempt(
                r[0],
                r[1],
                r[2],
                r[3],
                tuple(json.loads(r[4])),
                bool(r[5]),
                r[6],
                r[7],
                datetime.fromisoformat(r[8]),
            )
            for r in rows
        ]

    def review_states(self, bank: str | None = None) -> list[ReviewState]:
        """Where each answered question sits in the Leitner schedule."""
        sql, args = "SELECT bank, question_id, box, due FROM review", ()
        if bank is not None:
            sql, args = sql + " WHERE bank = ?", (bank,)
        rows = self._conn.execute(sql + " ORDER BY due, bank, question_id", args)
        return [ReviewState(r[0], r[1], r[2], date.fromisoformat(r[3])) for r in rows]

    def due_questions(self, today: date, bank: str | None = None) -> list[str]:
        """Ids of the questions due on or before ``today``, the longest-waiting first (ties by
        id, so the order is stable)."""
        if not isinstance(today, date) or isinstance(today, datetime):
            raise ValueError(f"today must be a date, got {today!r}")
        sql, args = "SELECT question_id FROM review WHERE due <= ?", (today.isoformat(),)
        if bank is not None:
            sql, args = sql + " AND bank = ?", (*args, bank)
        rows = self._conn.execute(sql + " ORDER BY due, question_id, bank", args)
        return [r[0] for r in rows]

    def sessions(self, bank: str | None = None) -> list[SessionScore]:
        """Each quiz sitting on each bank with its score, oldest first. A sitting is grouped
        and scored by :func:`course.quiz.sittings` (a question counts once per sitting, with
        its first answer), the one definition the gate, the dashboard and the class report
        share."""
        by_bank: dict[str, list[Attempt]] = {}
        for a in self.attempts(bank):
            by_bank.setdefault(a.bank, []).append(a)
        out = [
            SessionScore(s.when, b, s.percent, s.questions)
            for b, answers in by_bank.items()
            for s in quiz_sittings(answers)
        ]
        return sorted(out, key=lambda s: s.when)

    def passed(
        self,
        bank: str,
        pass_mark: float,
        *,
        questions: Collection[str] | int | None = None,
    ) -> bool:
        """Whether a sitting on ``bank`` passed the quiz made of ``questions`` (question ids)
        at ``pass_mark`` (0..1), by :func:`course.quiz.passed`: every question answered in
        one sitting, first answers scoring at least the mark.

        ``None`` means the whole bank as the course's content defines it, and so does an
        int equal to the bank's size (what older callers pass). Any other int is the older,
        looser rule kept only so callers not yet passing ids keep working: a sitting of at
        least that many questions, scored on what it answered. Pass the ids.
        """
        _check_id("bank", bank)
        mark = _check_score(pass_mark)
        if mark == 0:
            raise ValueError("pass_mark must be more than 0")
        mine = quiz_sittings(self.attempts(bank))
        if questions is None or isinstance(questions, int):
            from course.models import content  # the course's own banks, loaded once

            quiz_bank = content().quiz.get(bank)
            ids = [q.id for q in quiz_bank.questions] if quiz_bank is not None else []
            if isinstance(questions, int) and questions != len(ids):
                _check_int("questions", questions, 1, 10_000)
                return any(
                    s.questions >= questions and s.percent / 100 >= mark - 1e-9 for s in mine
                )
            if not ids:
                raise ValueError(f"no quiz bank {bank!r} in the course content")
        else:
            ids = list(questions)
        return quiz_any_passed(mine, ids, mark)

    # -- routines and practice ------------------------------------------------------------

    def save_routine(self, name: str, routine_json: str, card_md: str) -> int:
        """Keep a built routine (as JSON text) and its printable Markdown card; returns its id."""
        _check_text("name", name, MAX_NAME)
        _check_text("routine_json", routine_json, MAX_ROUTINE_JSON)
        try:
            json.loads(routine_json)
        except json.JSONDecodeError as exc:
            raise ValueError(f"routine_json is not valid JSON: {exc}") from None
        _check_text("card_md", card_md, MAX_CARD_MD, empty=True)
        when = _stamp(self._now())
        with self._write(self._conn) as conn:
            cur = conn.execute(
                "INSERT INTO routines (name, routine_json, card_md, saved_at) VALUES (?, ?, ?, ?)",
                (name.strip(), routine_json, card_md, when),
            )
            return int(cur.lastrowid)

    def routines(self) -> list[SavedRoutine]:
        rows = self._conn.execute(
            "SELECT id, name, routine_json, card_md, saved_at FROM routines ORDER BY id"
        )
        return [SavedRoutine(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4])) for r in rows]

    def record_practice(self, routine_id: int | None, seconds: int, steps_completed: int) -> int:
        """Log one practice session (of a saved routine, or free practice if None)."""
        if routine_id is not None:
            _check_int("routine_id", routine_id, 1, 2**62)
        _check_int("seconds", seconds, 0, MAX_PRACTICE_SECONDS)
        _check_int("steps_completed", steps_completed, 0, MAX_STEPS)
        when = _stamp(self._now())
        with self._write(self._conn) as conn:
            if (
                routine_id is not None
                and not conn.execute(
                    "SELECT 1 FROM routines WHERE id = ?", (routine_id,)
                ).fetchone()
            ):
                raise ValueError(f"routine_id {routine_id} is not a saved routine")
            cur = conn.execute(
                "INSERT INTO practice (routine_id, seconds, steps_completed, practised_at)"
                " VALUES (?, ?, ?, ?)",
                (routine_id, seconds, steps_completed, when),
            )
            return int(cur.lastrowid)

    def practice_sessions(self) -> list[PracticeSession]:
        rows = self._conn.execute(
            "SELECT id, routine_id, seconds, steps_completed, practised_at FROM practice"
            " ORDER BY id"
        )
        return [PracticeSession(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4])) for r in rows]

    # -- the personal screening and clinician clearances (issue 9) ----------------------
    # Health answers stay on the learner's machine: export() leaves them out, as it leaves
    # out routine cards. The rules on when a screening or a clearance is current live in
    # course.screening; these methods only keep and return them.

    def save_screening(self, answers: Mapping[str, Any]) -> int:
        """Keep one personal screening (``Profile.to_dict()``), dated now; returns its id."""
        if not isinstance(answers, Mapping):
            raise ValueError(
                f"answers must be a mapping (Profile.to_dict()), got {type(answers).__name__}"
            )
        try:
            text = json.dumps(dict(answers), sort_keys=True, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"answers cannot be stored as JSON: {exc}") from None
        _check_text("answers", text, MAX_SCREENING_JSON)
        when = _stamp(self._now())
        with self._write(self._conn) as conn:
            cur = conn.execute(
                "INSERT INTO screenings (answers_json, taken_at) VALUES (?, ?)", (text, when)
            )
            return int(cur.lastrowid)

    def screenings(self) -> list[StoredScreening]:
        """Every stored screening, oldest first."""
        rows = self._conn.execute("SELECT id, answers_json, taken_at FROM screenings ORDER BY id")
        return [StoredScreening(r[0], json.loads(r[1]), datetime.fromisoformat(r[2])) for r in rows]

    def latest_screening(self) -> StoredScreening | None:
        """The screening given last, or None if the learner has never taken one."""
        r = self._conn.execute(
            "SELECT id, answers_json, taken_at FROM screenings ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return StoredScreening(r[0], json.loads(r[1]), datetime.fromisoformat(r[2])) if r else None

    def record_clearance(
        self, confirmed_on: date, wording: str, conditions: Sequence[str] = ()
    ) -> int:
        """Record "a clinician has said gentle self-massage is fine for me".

        ``confirmed_on`` is the day the clinician said it (not in the future: the six-month
        renewal counts from it); ``wording`` the sentence the learner confirmed;
        ``conditions`` the ids of the held conditions it was given for.
        """
        if not isinstance(confirmed_on, date) or isinstance(confirmed_on, datetime):
            raise ValueError(f"confirmed_on must be a date, got {confirmed_on!r}")
        now = self._now()
        if confirmed_on > now.date():
            raise ValueError(
                f"confirmed_on {confirmed_on.isoformat()} is in the future; give the day the "
                "clinician said it"
            )
        _check_text("wording", wording, MAX_WORDING)
        if isinstance(conditions, str) or not isinstance(conditions, Sequence | set | frozenset):
            raise ValueError(
                f"conditions must be a list of condition ids, got {type(conditions).__name__}"
            )
        ids = sorted({_check_id("condition", c) for c in conditions})
        with self._write(self._conn) as conn:
            cur = conn.execute(
                "INSERT INTO clearances (confirmed_on, wording, conditions_json, recorded_at)"
                " VALUES (?, ?, ?, ?)",
                (confirmed_on.isoformat(), " ".join(wording.split()), json.dumps(ids), _stamp(now)),
            )
            return int(cur.lastrowid)

    def clearances(self) -> list[Clearance]:
        """Every recorded clearance, oldest record first."""
        rows = self._conn.execute(
            "SELECT id, confirmed_on, wording, conditions_json, recorded_at FROM clearances"
            " ORDER BY id"
        )
        return [_clearance(r) for r in rows]

    def latest_clearance(self) -> Clearance | None:
        """The clearance recorded last (the learner's latest word), or None."""
        r = self._conn.execute(
            "SELECT id, confirmed_on, wording, conditions_json, recorded_at FROM clearances"
            " ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return _clearance(r) if r else None

    # -- meta and export ------------------------------------------------------------------

    @property
    def learner_id(self) -> str:
        """The anonymous id made when the record was created; used when no name is given."""
        return self._conn.execute("SELECT value FROM meta WHERE key = 'learner_id'").fetchone()[0]

    def export(self, path: Path | str, *, learner: str | None = None) -> Path:
        """Write the learner's results as one JSON file for an instructor.

        Routines go out as names only: the learner's card may hold health notes that are not
        the instructor's business. The document is built through the same model that
        :func:`import_results` checks, so every export can be imported.
        """
        who = self.learner_id if learner is None else _check_text("learner", learner, MAX_NAME)
        names = {r.id: r.name for r in self.routines()}
        doc = Results(
            format=EXPORT_FORMAT,
            version=EXPORT_VERSION,
            learner=who.strip(),
            exported_at=self._now().astimezone(UTC),
            lessons=[LessonOut(lesson_id=i, completed_at=w) for i, w in self._lesson_rows()],
            attempts=[
                AttemptOut(
                    session=a.session,
                    bank=a.bank,
                    question_id=a.question_id,
                    chosen=list(a.chosen),
                    correct=a.correct,
                    score=a.score,
                    attempt=a.attempt_no,
                    answered_at=a.answered_at,
                )
                for a in self.attempts()
            ],
            routines=[RoutineOut(name=r.name, saved_at=r.saved_at) for r in self.routines()],
            practice=[
                PracticeOut(
                    routine=names.get(p.routine_id) if p.routine_id else None,
                    seconds=p.seconds,
                    steps_completed=p.steps_completed,
                    practised_at=p.practised_at,
                )
                for p in self.practice_sessions()
            ],
        )
        data = doc.model_dump_json(indent=1).encode()
        if len(data) > MAX_IMPORT_BYTES:
            raise ValueError(
                f"the results are {len(data)} bytes, more than an import accepts "
                f"({MAX_IMPORT_BYTES}); export fewer attempts"
            )
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Never half a results file; private, as the results name the learner's answers.
        return write_atomic(target, data, mode=FILE_MODE)


def _clearance(row: Sequence[Any]) -> Clearance:
    return Clearance(
        row[0],
        date.fromisoformat(row[1]),
        row[2],
        tuple(json.loads(row[3])),
        datetime.fromisoformat(row[4]),
    )


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, retrying while another process holds the file.

    Changing the journal mode needs an exclusive lock and SQLite gives up at once instead of
    calling the busy handler, which two kernels opening a new file together do hit; so wait
    here, up to the same 5 s as every other lock. WAL is stored in the file: once set, the
    pragma is a no-op read.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            code = getattr(exc, "sqlite_errorcode", 5) & 0xFF
            if code not in (5, 6) or time.monotonic() > deadline:  # SQLITE_BUSY, SQLITE_LOCKED
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)
            continue
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"cannot switch the journal to WAL (got {mode!r})")
        return


def _move_no_clobber(src: Path, dst: Path) -> bool:
    """Rename ``src`` to ``dst`` unless ``dst`` exists; False if it does."""
    try:
        os.link(src, dst)
    except FileExistsError:
        return False
    except OSError:
        # No hard links here (some network or FAT drives): check, then rename.
        if dst.exists():
            return False
        os.rename(src, dst)
        return True
    src.unlink()
    return True


# --- the results file --------------------------------------------------------------------

ExportId = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=MAX_ID)]
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME)]


class _Strict(BaseModel):
    """Strict types, no unknown fields, frozen: an instructor's tool must not guess."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class LessonOut(_Strict):
    lesson_id: ExportId
    completed_at: AwareDatetime


class AttemptOut(_Strict):
    session: Annotated[str, Field(min_length=1, max_length=MAX_SESSION)]
    bank: ExportId
    question_id: ExportId
    chosen: list[ExportId] = Field(max_length=MAX_CHOSEN)
    correct: bool
    score: float = Field(ge=0, le=1, allow_inf_nan=False)
    attempt: int = Field(ge=1, le=1_000_000)
    answered_at: AwareDatetime


class RoutineOut(_Strict):
    name: Name
    saved_at: AwareDatetime


class PracticeOut(_Strict):
    routine: Name | None
    seconds: int = Field(ge=0, le=MAX_PRACTICE_SECONDS)
    steps_completed: int = Field(ge=0, le=MAX_STEPS)
    practised_at: AwareDatetime


class Results(_Strict):
    """One learner's exported results (``format: legmassage-results``, ``version: 1``)."""

    format: Literal["legmassage-results"]
    version: Literal[1]
    learner: Name
    exported_at: AwareDatetime
    lessons: list[LessonOut] = Field(max_length=1000)
    attempts: list[AttemptOut] = Field(max_length=20_000)
    routines: list[RoutineOut] = Field(max_length=1000)
    practice: list[PracticeOut] = Field(max_length=10_000)


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out or "(top level)"


def import_results(path: Path | str) -> Results:
    """Read and validate a results file made by :meth:`Progress.export`.

    Only JSON is parsed (nothing is ever executed), nothing is written, and the size is
    checked before reading, so a stray or hostile file costs little. Any problem raises
    ValueError naming the file and what is wrong.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise ValueError(f"{p}: file is {size} bytes, at most {MAX_IMPORT_BYTES} accepted")
        with p.open("rb") as fh:
            raw = fh.read(MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        raise ValueError(f"{p}: cannot read the file ({exc.strerror or exc})") from None
    if len(raw) > MAX_IMPORT_BYTES:
        raise ValueError(f"{p}: file is larger than {MAX_IMPORT_BYTES} bytes")
    try:
        # "utf-8-sig": a byte-order mark (Windows Notepad adds one on saving) is dropped.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{p}: not a UTF-8 text file") from None
    try:
        return Results.model_validate_json(text)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        if first["type"] == "json_invalid":
            raise ValueError(f"{p}: not valid JSON ({first['msg']})") from None
        lines = [
            f"{_where(tuple(e['loc']))}: "
            + ("unknown field" if e["type"] == "extra_forbidden" else e["msg"])
            for e in errors[:5]
        ]
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise ValueError(f"{p}: not a valid results file: {'; '.join(lines)}{more}") from None
