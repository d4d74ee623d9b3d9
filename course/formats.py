"""How the course writes a length of time: one formatter, so a routine's table, its timeline,
the lesson cards and the timer all say ``01:15`` the same way."""

from __future__ import annotations


def clock(seconds: float) -> str:
    """``75`` -> ``01:15`` (minutes:seconds; fractions of a second round to the nearest)."""
    s = int(round(seconds))
    return f"{s // 60:02d}:{s % 60:02d}"
