"""Small helpers the sub-commands share: checking an output path before any work is done.

Every command that writes (``agenda``, ``guide``, ``report``, ``exercises``, ``site``) calls
:func:`check_output` first, so an output that cannot be written (a read-only folder, a folder
where a file is wanted or the reverse, a path under a regular file, ``/proc``) costs one
clear line and exit code 1 before minutes of work, never a traceback after them.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


class OutputError(Exception):
    """An output path that cannot be written; the message is one line for the user."""


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is a file, not a folder"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    return exc.strerror or str(exc)


def _probe(folder: Path, shown: Path) -> None:
    """Create ``folder`` if needed and prove a file can be made in it (then remove it)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".course-write-test-", dir=folder)
        os.close(fd)
        os.unlink(name)
    except FileExistsError:
        raise OutputError(f"{shown}: a part of the path is a file, not a folder") from None
    except OSError as exc:
        raise OutputError(f"{shown}: cannot be written ({_reason(exc)})") from None


def check_output(path: Path | str, *, folder: bool) -> Path:
    """Check that ``path`` can be written as a file (``folder=False``) or as a folder to
    write files into; creates the folder (or the file's parent folders) on the way.
    Raises :class:`OutputError` naming the path and what is wrong."""
    p = Path(path)
    try:
        return _check(p, folder)
    except OSError as exc:  # exists()/is_dir() on a path it may not even look at
        raise OutputError(f"{p}: cannot be written ({_reason(exc)})") from None


def _check(p: Path, folder: bool) -> Path:
    if folder:
        if p.exists() and not p.is_dir():
            raise OutputError(f"{p}: is a file; give a folder to write into")
        _probe(p, p)
    else:
        if p.is_dir():
            raise OutputError(f"{p}: is a folder; give a file name to write to")
        if p.exists() and not p.is_file():
            raise OutputError(f"{p}: is not a regular file (a device, pipe or socket)")
        _probe(p.parent, p)
    return p
