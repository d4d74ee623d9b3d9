"""How the course writes a file: never half of one, and privately when it holds health data.

Every file the kit writes for a learner or an instructor (exported results, the printable
card and its PDFs and calendar plan, the class report, the agenda, the site) goes through
:func:`write_atomic`: the bytes go to a new temporary file in the target's folder, reach the
disk (``fsync``) with their final mode, and only then take the target's name in one
``rename``. A crash or a full disk leaves the old file or none, never a torn one; a symlink
planted at the target's name is replaced, not followed.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

# Files that hold a learner's health answers, cards and results: readable by the learner alone.
PRIVATE = 0o600


def write_temp(folder: Path, data: bytes, *, mode: int | None = None, suffix: str = ".tmp",
               prefix: str = ".") -> Path:
    """Write ``data`` to a new file in ``folder`` (a fresh, hidden name; never an existing
    file or link) and ``fsync`` it; ``mode`` sets its permissions, otherwise they are the
    usual ones (0666 less the umask). The caller renames it into place or removes it."""
    tmp = Path(folder) / f"{prefix}{secrets.token_hex(6)}{suffix}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, 0o666 if mode is None else mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), mode)  # exactly ``mode``, whatever the umask
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def write_atomic(target: Path | str, data: bytes, *, mode: int | None = None) -> Path:
    """Replace ``target`` with ``data`` all at once (see the module docstring); ``mode``
    as in :func:`write_temp` (:data:`PRIVATE` for health data). Returns the target."""
    target = Path(target)
    tmp = write_temp(target.parent, data, mode=mode, prefix=f".{target.name}.")
    try:
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


__all__ = ["PRIVATE", "write_atomic", "write_temp"]
