"""The fault suite of issue 10: what a careful tester does to a learner's record.

``python -m tests.faults`` (``make test-faults``) runs the full counts and prints a
table; ``tests/test_fault_suite.py`` runs the same code with small counts in ``make test``.
Every scenario reports the two figures that matter: answers lost (goal 0) and records wrongly
moved aside (goal 0). Real processes, real SQLite files; the only things simulated are a full
disk (SQLite's own ``max_page_count`` limit, which fails exactly as a full disk does:
SQLITE_FULL, "database or disk is full") and, when run as root, who the reader is (a child
drops to user ``nobody`` so that a read-only folder really is read-only).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import multiprocessing as mp
import os
import random
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DB = "progress.sqlite3"
FULL = {"kills": 120, "race_rounds": 30, "race_procs": 4, "race_answers": 500}
SMALL = {"kills": 4, "race_rounds": 3, "race_procs": 4, "race_answers": 40}


def scratch() -> str | None:
    """Where the suite's records live: RAM (/dev/shm) when there is one. Every write still
    calls fsync (synchronous=FULL, as for a learner), it just costs nothing there; the faults
    tested (killed processes, races, stray files) are about the process, not the platters.
    None means the system's temporary folder."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def child_env(data_dir: Path) -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "COURSE_DATA_DIR": str(data_dir)}


def _context() -> Any:
    """A fork server preloaded with the course: a new process costs milliseconds, and no
    child is forked from a test process that may be running threads."""
    if sys.platform == "win32":
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["course.progress", "tests.faults.suite"])
    return ctx


def make_record(path: Path, answers: int = 120) -> None:
    """A genuine record with ``answers`` answers, its -wal folded into the main file."""
    from course.progress import Progress

    with Progress(path) as p:
        for i in range(answers):
            p.record_answer("safety", f"q{i % 40}", ["a"], i % 2 == 0, 1.0, session="s")
        p._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def foreign_wal(path: Path) -> Path:
    """Another program's WAL database at ``path`` as a crash leaves it: committed frames
    still in ``<path>-wal``. Returns the -wal's path."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.executemany("INSERT INTO notes (body) VALUES (?)", [("n" * 400,)] * 60)
    wal = Path(f"{path}-wal")
    snapshot = path.read_bytes(), wal.read_bytes()
    conn.close()  # checkpoints and removes the -wal: put back what a crash would leave
    path.write_bytes(snapshot[0])
    wal.write_bytes(snapshot[1])
    Path(f"{path}-shm").unlink(missing_ok=True)
    return wal


def count_answers(path: Path) -> int:
    """Answers in a record (with its -wal), read without writing anything."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM attempts").fetchone()[0]
    finally:
        conn.close()


def _moved(folder: Path) -> int:
    """Records moved aside (their -wal/-shm are not counted again)."""
    return len([f for f in folder.iterdir() if ".corrupt-" in f.name
                and not f.name.endswith(("-wal", "-shm", "-journal"))])


# --- 4 processes x 500 answers racing to create one new record ------------------------------


def _racer(path: str, barrier: Any, out: Any, name: str, answers: int) -> None:
    from course.progress import Progress

    try:
        barrier.wait(timeout=60)
        with Progress(path) as p:
            warning = p.warning
            for i in range(answers):
                p.record_answer("safety", f"q{i % 10}", ["a"], True, 1.0, session=name)
        out.put((name, warning, None))
    except Exception as exc:  # reported, not hidden: the parent counts it
        out.put((name, None, f"{type(exc).__name__}: {exc}"))


def race(tmp: Path, *, procs: int, rounds: int, answers: int) -> dict[str, Any]:
    ctx = _context()
    lost = moved = warnings = total = 0
    errors: list[str] = []
    for r in range(rounds):
        folder = tmp / f"race-{procs}-{r}"
        folder.mkdir()
        path = folder / DB
        barrier, out = ctx.Barrier(procs), ctx.Queue()
        children = [ctx.Process(target=_racer, args=(str(path), barrier, out, f"p{i}", answers))
                    for i in range(procs)]
        for c in children:
            c.start()
        results = [out.get(timeout=120) for _ in children]
        for c in children:
            c.join()
        errors += [e for _, _, e in results if e]
        warnings += sum(1 for _, w, _ in results if w)
        moved += _moved(folder)
        stored = count_answers(path) if path.exists() else 0
        total += stored
        lost += procs * answers - stored
    return {"answers": total, "answers_lost": lost, "moved_aside": moved,
            "warnings": warnings, "errors": errors}


# --- kill -9 during writes --------------------------------------------------------------------


def _writer(path: str, pipe: Any, session: str) -> None:
    from course.progress import Progress

    p = Progress(path)
    i = 0
    while True:
        i += 1
        aid = p.record_answer("safety", f"q{i % 25}", ["a", "b"], i % 3 == 0, 0.5,
                              session=session)
        pipe.send_bytes(str(aid).encode())  # reported only once committed


def kill9(tmp: Path, *, kills: int, seed: int = 10) -> dict[str, Any]:
    ctx = _context()
    rnd = random.Random(seed)
    folder = tmp / "kill9"
    folder.mkdir()
    path = folder / DB
    reported: set[int] = set()
    for k in range(kills):
        read, write = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_writer, args=(str(path), write, f"k{k}"))
        child.start()
        write.close()
        # Some kills land while the record is being opened or created, most mid-write.
        time.sleep(rnd.uniform(0.0, 0.25))
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.pid, signal.SIGKILL)  # no cleanup, no atexit, no close
        child.join()
        while True:  # every id sent before the kill was committed
            try:
                reported.add(int(read.recv_bytes()))
            except (EOFError, OSError):
                break
        read.close()
    conn = sqlite3.connect(path)
    try:
        healthy = conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        stored = {r[0] for r in conn.execute("SELECT id FROM attempts")}
    finally:
        conn.close()
    return {"kills": kills, "answers": len(reported), "answers_lost": len(reported - stored),
            "moved_aside": _moved(folder), "healthy": healthy}


# --- a stray WAL, a full disk, a read-only folder -----------------------------------------------


def stray_wal(tmp: Path) -> dict[str, Any]:
    import shutil

    from course.progress import Progress

    folder = tmp / "stray"
    folder.mkdir()
    path = folder / DB
    make_record(path, 120)
    shutil.copy(foreign_wal(folder / "other.sqlite3"), f"{path}-wal")
    with Progress(path) as p:
        kept, told = len(p.attempts()), p.warning is not None
    return {"answers": 120, "answers_lost": 120 - kept, "moved_aside": _moved(folder),
            "warned": told}


def disk_full(tmp: Path) -> dict[str, Any]:
    """Writes fail with SQLITE_FULL: each failure is one clear message, nothing stored before
    is lost, nothing is moved aside, and writing works again once there is room."""
    from course.progress import Progress
    from course.ui import store

    folder = tmp / "full"
    folder.mkdir()
    path = folder / DB
    make_record(path, 120)
    failures, messages = 0, set()
    with Progress(path) as p:
        pages = p._conn.execute("PRAGMA page_count").fetchone()[0]
        p._conn.execute(f"PRAGMA max_page_count = {pages}")
        for i in range(200):
            try:
                p.save_routine(f"r{i}", "{}", "x" * 50_000)
            except sqlite3.Error as exc:
                failures += 1
                messages.add(store.problem(exc, "save"))
        p._conn.execute("PRAGMA max_page_count = 1073741823")
        p.record_answer("safety", "q1", ["a"], True, 1.0, session="after")
        kept = len(p.attempts())
    return {"answers": 121, "answers_lost": 121 - kept, "moved_aside": _moved(folder),
            "failed_writes": failures, "messages": sorted(messages)}


NOBODY = 65534


def shared_tmp() -> Path:
    """A temporary folder another user can reach (not list): for the read-only scenario."""
    folder = Path(tempfile.mkdtemp(prefix="course-ro-", dir=scratch()))
    folder.chmod(0o711)
    return folder


def make_read_only(folder: Path) -> None:
    """Make ``folder`` and its files read-only for whoever will open them. Root writes
    anywhere, so as root they are given to ``nobody`` (the child then runs as nobody)."""
    for f in (*folder.iterdir(), folder):
        if os.geteuid() == 0:
            os.chown(f, NOBODY, NOBODY)
        f.chmod(0o500 if f.is_dir() else 0o400)


def make_writable(folder: Path) -> None:
    folder.chmod(0o700)
    for f in (*folder.iterdir(), folder):
        if os.geteuid() == 0:
            os.chown(f, 0, 0)
        if f.is_file():
            f.chmod(0o600)


def as_reader() -> None:
    """In a child process: when run as root, become nobody so permissions apply."""
    if os.geteuid() == 0:
        os.setgid(NOBODY)
        os.setuid(NOBODY)


def _read_only_child(path: str, out: Any) -> None:
    from course.progress import Progress
    from course.ui import store

    as_reader()
    try:
        with Progress(path) as p:
            p.record_answer("safety", "q1", ["a"], True, 1.0)
        out.put("written")
    except store.DB_ERRORS as exc:
        out.put(store.problem(exc, "save your answer"))


def read_only(tmp: Path) -> dict[str, Any]:
    import shutil

    base = shared_tmp()
    folder = base / "readonly"
    folder.mkdir()
    path = folder / DB
    try:
        make_record(path, 120)
        make_read_only(folder)
        ctx = _context()
        out = ctx.Queue()
        child = ctx.Process(target=_read_only_child, args=(str(path), out))
        child.start()
        message = out.get(timeout=60)
        child.join()
        make_writable(folder)
        kept = count_answers(path)
        moved = _moved(folder)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return {"answers": 120, "answers_lost": 120 - kept, "moved_aside": moved,
            "message": message}


def run(tmp: Path, counts: dict[str, int]) -> dict[str, dict[str, Any]]:
    return {
        "kill -9 during writes": kill9(tmp, kills=counts["kills"]),
        f"{counts['race_procs']} processes x {counts['race_answers']} answers create one record"
        f" ({counts['race_rounds']} rounds)": race(
            tmp, procs=counts["race_procs"], rounds=counts["race_rounds"],
            answers=counts["race_answers"]),
        f"2 processes x {counts['race_answers']} answers create one record"
        f" ({counts['race_rounds']} rounds)": race(
            tmp, procs=2, rounds=counts["race_rounds"], answers=counts["race_answers"]),
        "stray -wal beside the record": stray_wal(tmp),
        "disk full while saving": disk_full(tmp),
        "read-only folder": read_only(tmp),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="the counts `make test` uses")
    args = parser.parse_args(argv)
    counts = SMALL if args.small else FULL
    logging.getLogger("course.progress").setLevel(logging.ERROR)  # the table says it all
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="course-faults-", dir=scratch()) as tmp:
        os.environ["COURSE_DATA_DIR"] = str(Path(tmp) / "course-data")
        results = run(Path(tmp), counts)
    print(f"{'scenario':62} {'answers':>8} {'lost':>5} {'moved aside':>12}")
    bad = 0
    for name, r in results.items():
        print(f"{name:62} {r['answers']:>8} {r['answers_lost']:>5} {r['moved_aside']:>12}")
        bad += r["answers_lost"] + r["moved_aside"] + len(r.get("errors", []))
        for key in ("errors", "messages", "message"):
            if r.get(key):
                print(f"    {key}: {r[key]}")
    print(f"answers lost: {sum(r['answers_lost'] for r in results.values())}; records wrongly "
          f"moved aside: {sum(r['moved_aside'] for r in results.values())}; "
          f"{time.monotonic() - start:.0f} s")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
