"""The one way widgets reach the learner's record, and how its troubles reach the learner.

Every view (builder gate and Save, timer, quiz, review, dashboard, the "Mark this lesson
complete" button) opens the progress store through this module, for three reasons:

* A record found damaged or foreign is moved aside and a fresh one started; the
  :class:`~course.progress.Progress` that did it carries the warning. Widgets open the record
  per use, so that object is gone a moment later: the warning is kept here, for this kernel,
  until some view has shown it (:func:`take_notice`). Whichever entry point happened to open
  the record first, the learner is told, once.
* A write that fails (full disk, read-only folder, a record locked by another program) gets
  one plain sentence saying what happened and what to do (:func:`problem`), the same
  sentence from every button, and never a traceback in the widget log.
* The routine card (which lists health conditions) is written here, private (0600) and only
  once the record has taken the routine, so a failed Save leaves no orphan card.

Only this module imports :mod:`course.progress` for the views, and it imports no view, so
``builder`` and ``timer`` no longer need each other to open the record.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course.card import write_takeaways
from course.files import write_temp
from course.progress import DIR_MODE, ENV_DATA_DIR, FILE_MODE, Progress, data_dir
from course.ui.display import error_html, notice_html

if TYPE_CHECKING:
    from course.routine import Routine

# "The record could not be used": what a broken progress record (or a file beside it) can
# raise: the file system, our own checks, SQLite itself. The one tuple every widget catches.
DB_ERRORS = (OSError, ValueError, sqlite3.Error)

_lock = threading.Lock()
_pending: list[str] = []  # warnings not shown yet, oldest first
_NOTED = "_store_noted"  # set on a Progress whose warning is already pending or shown


def _note(progress: Any) -> None:
    warning = getattr(progress, "warning", None)
    if not warning or getattr(progress, _NOTED, False):
        return
    with contextlib.suppress(AttributeError):
        setattr(progress, _NOTED, True)
    with _lock:
        if warning not in _pending:
            _pending.append(warning)


def open_progress() -> Progress:
    """The learner's record (``Progress.open()``); its warning, if any, is kept for
    :func:`take_notice`. The default ``opener`` of the builder and the timer."""
    progress = Progress.open()
    _note(progress)
    return progress


@contextlib.contextmanager
def using(given: Progress | None = None) -> Iterator[Progress]:
    """The caller's record, or the learner's own opened just for this block.

    Opening per use (instead of holding a connection for the widget's lifetime) means a
    record that failed once is tried afresh next time, and no idle widget keeps a file open.
    """
    if given is not None:
        _note(given)
        yield given
        return
    progress = open_progress()
    try:
        yield progress
    finally:
        progress.close()


def take_warnings() -> list[str]:
    """The record's warnings not shown yet (oldest first); each is handed out once."""
    with _lock:
        out = list(_pending)
        _pending.clear()
    return out


def take_notice() -> str:
    """The warnings not shown yet, as one HTML notice ("" if none): views put it above
    whatever they show next."""
    warnings = take_warnings()
    return notice_html(" ".join(warnings), title="About your progress record.") if warnings \
        else ""


# --- failures as sentences ------------------------------------------------------------------


def _kind(exc: BaseException) -> str:
    """full, read-only, locked or other: what went wrong, as the learner can act on it."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    err = getattr(exc, "errno", None)
    if primary == 13 or err == errno.ENOSPC or "disk is full" in text or "no space" in text:
        return "full"
    if (
        primary == 8
        or isinstance(exc, PermissionError)
        or err in (errno.EROFS, errno.EACCES, errno.EPERM)
        or "readonly" in text or "read-only" in text or "unable to open database" in text
    ):
        return "read-only"
    if primary in (5, 6) or "locked" in text or "busy" in text:
        return "locked"
    return "other"


def problem(exc: BaseException, doing: str) -> str:
    """One plain sentence for a failed ``doing`` ("save the routine"): what happened, in
    words the learner can act on, the error itself, and what to do. Everything saved before
    is kept: every write is one transaction, rolled back whole when it fails."""
    kind = _kind(exc)
    detail = str(exc).strip().rstrip(".") or type(exc).__name__
    if kind == "other":
        return f"Could not {doing}: {detail}. Everything saved before is kept."
    cause, advice = {
        "full": ("the disk is full", "Free some space, then press the button again."),
        "read-only": (
            f"the progress folder {data_dir()} cannot be written (read-only, or not yours)",
            f"Ask for a folder you can write to, or set {ENV_DATA_DIR} to one.",
        ),
        "locked": (
            "the progress record is busy: another notebook or program is writing to it",
            "Wait a moment, then press the button again.",
        ),
    }[kind]
    return f"Could not {doing}: {cause} ({detail}). {advice} Everything saved before is kept."


def problem_html(exc: BaseException, doing: str) -> str:
    return error_html(problem(exc, doing))


# --- the routine card --------------------------------------------------------------------------


def slug(name: str) -> str:
    """``"Evening wind-down!"`` -> ``evening-wind-down``: a safe, readable file name."""
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-")
    return text or "routine"


def save_routine(
    routine: Routine, name: str, opener: Any = open_progress, folder: Path | None = None,
) -> tuple[Path, int]:
    """Record the routine and write its printable card to ``<data>/routines/<slug>-<n>.md``
    (0600, in a 0700 folder); returns the card's path and the routine's id.

    The card goes to a private temporary file first, the record takes the routine, and only
    then is the card linked to its name, without ever replacing an existing card (a second
    kernel saving at the same moment gets ``-2``). Any failure removes the temporary file:
    no card without a record, no half-written card.
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError("Give your routine a name first.")
    name = name.strip()
    target = Path(folder) if folder is not None else data_dir() / "routines"
    target.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    cleared_on = None
    if routine.cleared:  # the card shows the day of the recorded clearance with it
        with opener() as progress:
            latest = getattr(progress, "latest_clearance", lambda: None)()
        cleared_on = latest.confirmed_on if latest is not None else None
    card = routine.to_markdown(title=name, cleared_on=cleared_on)
    tmp = write_temp(target, card.encode("utf-8"), mode=FILE_MODE, prefix=".card-", suffix=".md")
    try:
        with opener() as progress:
            routine_id = int(progress.save_routine(name, routine.to_json(), card))
        path = _link_new(tmp, target, slug(name))
    finally:
        tmp.unlink(missing_ok=True)
    write_takeaways(routine, name, path)  # PDF cards (A4, Letter) and the .ics practice plan
    return path, routine_id


def _link_new(tmp: Path, folder: Path, stem: str) -> Path:
    """Give ``tmp`` the first free name ``<stem>-<n>.md``, never replacing a card."""
    n = 1
    while True:
        path = folder / f"{stem}-{n}.md"
        try:
            os.link(tmp, path)
            return path
        except FileExistsError:
            n += 1
        except OSError:  # no hard links here (some FAT or network drives): check, then rename
            if path.exists():
                n += 1
                continue
            os.rename(tmp, path)
            return path


__all__ = [
    "DB_ERRORS",
    "open_progress",
    "problem",
    "problem_html",
    "save_routine",
    "slug",
    "take_notice",
    "take_warnings",
    "using",
]
