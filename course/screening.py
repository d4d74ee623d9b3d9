"""When a stored screening or a clinician's clearance still counts: pure rules, no storage.

The personal screening is taken once (end of lesson 05) and stored; every practice timer then
uses it instead of asking again each time, because a checklist asked before every five-minute
practice gets ticked without reading. But answers go stale: a calf that was fine a month ago
may not be today. So a stored screening is *current* only while it is younger than the
policy's ``screening_valid_days`` and the learner has not said that something changed; a
clinician's clearance of a hold is asked again ``clearance_valid_months`` after the day it was
given. The numbers live in ``course/content/policy.yaml``, not here.

Everything takes the time as an argument (``now``/``today``), so the boundaries are tested
exactly, without sleeping or patching clocks.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError

from course.models import (
    CONTENT_DIR,
    Content,
    ContentError,
    Strict,
    Text,
    _read_yaml,
    _where,
)
from course.progress import Clearance, StoredScreening
from course.safety import Profile, screen

POLICY_FILE = "policy.yaml"


class Policy(Strict):
    """``policy.yaml``: how long a screening and a clearance count, and the words asked."""

    screening_valid_days: Annotated[int, Field(ge=1, le=365)]
    clearance_valid_months: Annotated[int, Field(ge=1, le=24)]
    clearance_wording: Text
    changed_question: Text


def load_policy(content_dir: Path | str | None = None) -> Policy:
    """Read and validate ``policy.yaml``; :class:`ContentError` names the file and field."""
    root = Path(content_dir) if content_dir is not None else CONTENT_DIR
    data, problems = _read_yaml(root / POLICY_FILE, POLICY_FILE)
    if problems:
        raise ContentError(problems)
    if not isinstance(data, dict):
        raise ContentError([f"{POLICY_FILE}: expected a mapping of settings"])
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise ContentError(
            [f"{POLICY_FILE}: {_where(e['loc']) or '(file)'}: {_say(e)}" for e in exc.errors()]
        ) from None


def _say(err: dict) -> str:
    """Pydantic's own words, except for the two cases where a content author needs ours."""
    if err["type"] == "extra_forbidden":
        return "unknown field (misspelt?)"
    return "is missing" if err["type"] == "missing" else str(err["msg"])


@cache
def policy() -> Policy:
    """The course's own policy, loaded once per process."""
    return load_policy()


# --- freshness ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Freshness:
    """Whether a stored answer still counts, and in plain words why (or why not)."""

    current: bool
    reason: str


def screening_freshness(
    taken_at: datetime | None, now: datetime, *, changed: bool = False, rules: Policy | None = None
) -> Freshness:
    """Whether a screening taken at ``taken_at`` still counts at ``now``.

    Current means strictly younger than ``screening_valid_days``: a screening exactly 30 days
    old is asked again. A screening dated in the future (a wrong clock) is not trusted.
    """
    p = rules or policy()
    if taken_at is None:
        return Freshness(False, "You have not taken your personal screening yet.")
    if taken_at.tzinfo is None or now.tzinfo is None:
        raise ValueError("taken_at and now must be timezone-aware datetimes")
    if changed:
        return Freshness(False, "You said something has changed since your last screening.")
    age = now - taken_at
    if age < timedelta(0):
        return Freshness(False, "Your last screening is dated in the future (check the clock).")
    limit = timedelta(days=p.screening_valid_days)
    if age >= limit:
        return Freshness(
            False,
            f"Your last screening is {age.days} days old; a screening counts for "
            f"{p.screening_valid_days} days.",
        )
    return Freshness(True, f"Using your screening of {_day(taken_at.date())}.")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it is shorter (31 Aug + 6 ->
    28/29 Feb), so a clearance never counts longer than the policy says."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def clearance_expires(confirmed_on: date, rules: Policy | None = None) -> date:
    """The first day on which a clearance given on ``confirmed_on`` no longer counts."""
    return add_months(confirmed_on, (rules or policy()).clearance_valid_months)


def clearance_freshness(
    confirmed_on: date | None, today: date, *, rules: Policy | None = None
) -> Freshness:
    """Whether a clearance given on ``confirmed_on`` still counts on ``today``."""
    p = rules or policy()
    if confirmed_on is None:
        return Freshness(False, "No clinician's clearance is recorded.")
    if confirmed_on > today:
        return Freshness(False, "The clearance is dated in the future (check the date).")
    ends = clearance_expires(confirmed_on, p)
    if today >= ends:
        return Freshness(
            False,
            f"Your clearance of {_day(confirmed_on)} is more than {p.clearance_valid_months} "
            "months old: ask your clinician again.",
        )
    return Freshness(True, f"Cleared by a clinician on {_day(confirmed_on)} (until {_day(ends)}).")


# --- the answers a practice uses ------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    """What a practice timer may go on: the learner's current answers, or why to ask again.

    ``profile`` is None when the screening must be asked (again) first; otherwise it is the
    stored answers with ``cleared`` set from the clearance record (never from the stored flag
    alone). ``held`` are the answered conditions that wait for a clinician and are not
    covered by a current clearance; ``clearance`` says, in words, where the clearance stands.
    """

    profile: Profile | None
    reason: str
    held: tuple[str, ...] = ()
    clearance: str = ""

    @property
    def ask(self) -> bool:
        return self.profile is None


def clearance_cover(
    clearance: Clearance | None, held: Iterable[str], today: date, *, rules: Policy | None = None
) -> Freshness:
    """Whether ``clearance`` lifts the holds of ``held`` today: it must be current *and* have
    been given for every one of them (a clearance for arterial disease says nothing about a
    knee operated on since). Nothing held: nothing to lift, ``current`` is False, no words."""
    held = list(held)
    if not held:
        return Freshness(False, "")
    when = clearance_freshness(clearance.confirmed_on if clearance else None, today, rules=rules)
    missing = [h for h in held if clearance is None or h not in clearance.conditions]
    if clearance is not None and when.current and missing:
        return Freshness(
            False, "Your recorded clearance was not given for everything you answered now."
        )
    return when


def current_answers(
    stored: StoredScreening | None,
    clearance: Clearance | None,
    now: datetime,
    *,
    changed: bool = False,
    rules: Policy | None = None,
    course: Content | None = None,
) -> Answers:
    """The answers to practise under, or the reason to ask the screening again first.

    A clearance counts only as :func:`clearance_cover` says.
    """
    fresh = screening_freshness(
        stored.taken_at if stored else None, now, changed=changed, rules=rules
    )
    if not fresh.current or stored is None:
        return Answers(None, fresh.reason)
    try:
        profile = Profile.from_dict(stored.answers, course)
        # Every hold answered, cleared or not (Screening.holds), to check the clearance covers it.
        held = tuple(f.id for f in screen(profile, course).holds)
    except ValueError as exc:
        return Answers(
            None, f"Your stored screening could not be used ({exc}); please take it again."
        )
    cover = clearance_cover(clearance, held, now.date(), rules=rules)
    covered, words = cover.current, cover.reason
    profile = replace(profile, cleared=covered)
    return Answers(profile, fresh.reason, () if covered else held, words)


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


__all__ = [
    "Answers",
    "current_answers",
    "Freshness",
    "Policy",
    "add_months",
    "clearance_cover",
    "clearance_expires",
    "clearance_freshness",
    "load_policy",
    "policy",
    "screening_freshness",
]
