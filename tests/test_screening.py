"""When a stored screening and a clinician's clearance still count (course.screening)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from course.models import ContentError
from course.screening import (
    Policy,
    add_months,
    clearance_expires,
    clearance_freshness,
    load_policy,
    policy,
    screening_freshness,
)

NOW = datetime(2025, 3, 31, 12, 0, tzinfo=UTC)
RULES = Policy(
    screening_valid_days=30,
    clearance_valid_months=6,
    clearance_wording="A clinician has said gentle self-massage is fine for me.",
    changed_question="Something has changed.",
)


def test_the_course_policy_comes_from_content():
    p = policy()
    assert (p.screening_valid_days, p.clearance_valid_months) == (30, 6)
    assert "clinician" in p.clearance_wording and "changed" in p.changed_question


# --- the screening -----------------------------------------------------------------------


def test_no_screening_is_not_current():
    f = screening_freshness(None, NOW, rules=RULES)
    assert not f.current and "not taken" in f.reason


@pytest.mark.parametrize(
    ("age", "current"),
    [
        (timedelta(0), True),
        (timedelta(days=29, hours=23, minutes=59, seconds=59), True),
        (timedelta(days=30), False),  # exactly 30 days: asked again
        (timedelta(days=30, seconds=1), False),
        (timedelta(days=400), False),
    ],
)
def test_a_screening_counts_for_less_than_30_days(age, current):
    f = screening_freshness(NOW - age, NOW, rules=RULES)
    assert f.current is current
    if not current:
        assert f"{age.days} days old" in f.reason and "30 days" in f.reason


def test_the_limit_is_read_from_the_policy():
    short = RULES.model_copy(update={"screening_valid_days": 7})
    assert screening_freshness(NOW - timedelta(days=6), NOW, rules=short).current
    assert not screening_freshness(NOW - timedelta(days=7), NOW, rules=short).current


def test_something_changed_makes_even_a_fresh_screening_stale():
    f = screening_freshness(NOW - timedelta(minutes=5), NOW, changed=True, rules=RULES)
    assert not f.current and "changed" in f.reason


def test_a_screening_from_the_future_is_not_trusted():
    f = screening_freshness(NOW + timedelta(days=1), NOW, rules=RULES)
    assert not f.current and "future" in f.reason


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        screening_freshness(datetime(2025, 3, 1), NOW, rules=RULES)


# --- the clearance -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 1, 15), 6, date(2025, 7, 15)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2025, 7, 1), 6, date(2026, 1, 1)),
        (date(2025, 12, 31), 12, date(2026, 12, 31)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_a_clearance_counts_for_six_months_then_is_asked_again():
    given = date(2025, 1, 15)
    assert clearance_expires(given, RULES) == date(2025, 7, 15)
    assert clearance_freshness(given, given, rules=RULES).current
    assert clearance_freshness(given, date(2025, 7, 14), rules=RULES).current
    stale = clearance_freshness(given, date(2025, 7, 15), rules=RULES)
    assert not stale.current and "more than 6 months old" in stale.reason
    assert "15 January 2025" in stale.reason


def test_no_clearance_or_a_future_one_does_not_count():
    assert not clearance_freshness(None, date(2025, 1, 1), rules=RULES).current
    future = clearance_freshness(date(2025, 2, 1), date(2025, 1, 1), rules=RULES)
    assert not future.current and "future" in future.reason


# --- the policy file ---------------------------------------------------------------------


def _write(tmp_path, text):
    (tmp_path / "policy.yaml").write_text(text, encoding="utf-8")
    return tmp_path


GOOD = (
    "screening_valid_days: 14\nclearance_valid_months: 3\n"
    "clearance_wording: Cleared.\nchanged_question: Changed?\n"
)


def test_load_policy_reads_a_content_folder(tmp_path):
    p = load_policy(_write(tmp_path, GOOD))
    assert (p.screening_valid_days, p.clearance_valid_months) == (14, 3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("14", "0"), "policy.yaml: screening_valid_days: Input should be greater"),
        (GOOD.replace("3\n", "three\n"), "policy.yaml: clearance_valid_months"),
        (GOOD + "screening_days: 3\n", "policy.yaml: screening_days: unknown field"),
        (GOOD.replace("clearance_wording: Cleared.\n", ""), "clearance_wording: is missing"),
        ("- 30\n", "expected a mapping"),
        ("a: [\n", "not valid YAML"),
    ],
)
def test_a_bad_policy_file_names_the_field(tmp_path, text, message):
    with pytest.raises(ContentError, match=message):
        load_policy(_write(tmp_path, text))


def test_a_missing_policy_file_is_named(tmp_path):
    with pytest.raises(ContentError, match="policy.yaml: file is missing"):
        load_policy(tmp_path)


def test_course_check_validates_the_policy(tmp_path, capsys):
    import shutil

    from course.__main__ import main
    from course.models import CONTENT_DIR

    broken = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, broken)
    path = broken / "policy.yaml"
    path.write_text(path.read_text().replace("valid_months: 6", "valid_months: 60"))
    assert main(["check", "--content", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "Content check failed: 1 problem(s)" in err
    assert "policy.yaml: clearance_valid_months: Input should be less than or equal to 24" in err


# --- the answers a practice uses ------------------------------------------------------------


def _stored(profile_dict, taken_at=NOW):
    from course.progress import StoredScreening

    return StoredScreening(1, profile_dict, taken_at)


def _clearance(on, conditions):
    from course.progress import Clearance

    return Clearance(1, on, "ok", tuple(conditions), NOW)


def test_current_answers_ask_when_missing_stale_changed_or_unreadable():
    from course.safety import Profile
    from course.screening import current_answers

    fresh = _stored(Profile().to_dict())
    assert current_answers(None, None, NOW, rules=RULES).ask
    assert current_answers(_stored({}, NOW - timedelta(days=30)), None, NOW, rules=RULES).ask
    assert current_answers(fresh, None, NOW, changed=True, rules=RULES).ask
    broken = current_answers(_stored({"conditions": ["no_such_thing"]}), None, NOW, rules=RULES)
    assert broken.ask and "could not be used" in broken.reason
    ok = current_answers(fresh, None, NOW, rules=RULES)
    assert not ok.ask and ok.profile == Profile() and ok.held == ()


def test_current_answers_clear_a_hold_only_with_a_current_covering_clearance():
    from course.safety import Profile
    from course.screening import current_answers

    stored = _stored(Profile.of("pregnancy", cleared=True).to_dict())
    today = NOW.date()
    cases = [
        (None, False, "No clinician's clearance"),
        (_clearance(today, ["pregnancy"]), True, "Cleared by a clinician"),
        (_clearance(today - timedelta(days=200), ["pregnancy"]), False, "more than 6 months"),
        (_clearance(today, ["arterial_disease"]), False, "not given for everything"),
    ]
    for clearance, cleared, words in cases:
        a = current_answers(stored, clearance, NOW, rules=RULES)
        assert a.profile is not None and a.profile.cleared is cleared, clearance
        assert a.held == (() if cleared else ("pregnancy",)) and words in a.clearance
