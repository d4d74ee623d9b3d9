"""The learner's record: what goes in comes back, the schedule moves, the gate opens only on a
real pass, and an export is a file an instructor can import. Faults live in
test_progress_faults.py."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta

import platformdirs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course import progress
from course.progress import Progress, import_results, leitner_next

START = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)


class FakeClock:
    """A clock the test moves by hand, so every stored time is known."""

    def __init__(self, now: datetime = START):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def prog(data_dir, clock):
    with Progress.open(clock=clock) as p:
        yield p


# --- the file ----------------------------------------------------------------------------


def test_open_uses_course_data_dir(data_dir, clock):
    with Progress.open(clock=clock) as p:
        assert p.path == data_dir / "progress.sqlite3"
        assert p.warning is None
    assert (data_dir / "progress.sqlite3").is_file()


def test_default_folder_is_platformdirs_when_env_unset(monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    expected = platformdirs.user_data_dir("legmassage-course")
    assert str(progress.data_dir()) == expected
    assert progress.default_path().name == "progress.sqlite3"


def test_file_is_stamped_and_configured(prog):
    conn = prog._conn
    assert conn.execute("PRAGMA application_id").fetchone()[0] == progress.APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == progress.SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    assert meta["application"] == "legmassage-course"
    assert meta["schema_version"] == str(progress.SCHEMA_VERSION)
    assert meta["learner_id"].startswith("anon-")
    assert meta["created_at"] == START.isoformat()


def test_record_survives_reopening_and_keeps_learner_id(data_dir, clock):
    with Progress.open(clock=clock) as p:
        p.complete_lesson("00_welcome")
        learner = p.learner_id
    with Progress.open(clock=clock) as p:
        assert p.completed_lessons() == ["00_welcome"]
        assert p.learner_id == learner
        assert p.warning is None


def test_context_manager_closes_the_connection(data_dir, clock):
    with Progress.open(clock=clock) as p:
        pass
    with pytest.raises(sqlite3.ProgrammingError):
        p.completed_lessons()


def test_naive_clock_is_refused(data_dir):
    with pytest.raises(ValueError, match="timezone-aware"):
        Progress.open(clock=lambda: datetime(2025, 1, 1))


# --- lessons -----------------------------------------------------------------------------


def test_lessons_in_completion_order_first_time_kept(prog, clock):
    assert prog.complete_lesson("01_why_your_legs") is True
    clock.advance(hours=1)
    assert prog.complete_lesson("00_welcome") is True
    clock.advance(hours=1)
    assert prog.complete_lesson("01_why_your_legs") is False
    assert prog.completed_lessons() == ["01_why_your_legs", "00_welcome"]
    assert prog._lesson_rows()[0] == ("01_why_your_legs", START)


# --- answers and the review schedule -------------------------------------------------------


def test_record_answer_stores_everything(prog):
    first = prog.record_answer("safety", "q_dvt", ["b", "a"], False, 0.5, session="s1")
    second = prog.record_answer("safety", "q_dvt", ["a"], True, 1, session="s1")
    other = prog.record_answer("benefits", "q_sleep", [], False, 0.0, session="s2")
    assert first < second < other
    got = prog.attempts()
    assert [a.id for a in got] == [first, second, other]
    a = got[0]
    assert (a.session, a.bank, a.question_id, a.chosen, a.correct, a.score) == (
        "s1",
        "safety",
        "q_dvt",
        ("b", "a"),
        False,
        0.5,
    )
    assert a.answered_at == START
    assert [x.attempt_no for x in got] == [1, 2, 1]
    assert [x.question_id for x in prog.attempts("benefits")] == ["q_sleep"]


def test_a_set_of_chosen_options_is_stored_sorted(prog):
    prog.record_answer("safety", "q1", {"c", "a", "b"}, True, 1.0, session="s")
    assert prog.attempts()[0].chosen == ("a", "b", "c")


def test_default_session_groups_one_objects_answers(data_dir, clock):
    with Progress.open(clock=clock) as p:
        p.record_answer("safety", "q1", ["a"], True, 1.0)
        p.record_answer("safety", "q2", ["a"], False, 0.0)
    with Progress.open(clock=clock) as p:
        p.record_answer("safety", "q1", ["a"], True, 1.0)
        sessions = {a.session for a in p.attempts()}
        assert len(sessions) == 2
        assert [x.percent for x in p.sessions()] == [50.0, 100.0]


@pytest.mark.parametrize(
    ("box", "correct", "expected_box", "days"),
    [
        (1, False, 1, 1),
        (3, False, 1, 1),
        (5, False, 1, 1),
        (1, True, 2, 2),
        (2, True, 3, 4),
        (3, True, 4, 8),
        (4, True, 5, 16),
        (5, True, 5, 16),
    ],
)
def test_leitner_next_table(box, correct, expected_box, days):
    today = date(2025, 3, 3)
    assert leitner_next(box, correct, today) == (expected_box, today + timedelta(days=days))


@pytest.mark.parametrize("box", [0, 6, -1, True, 2.0, "1"])
def test_leitner_next_rejects_bad_box(box):
    with pytest.raises(ValueError, match="box"):
        leitner_next(box, True, date(2025, 1, 1))


@given(
    box=st.integers(1, 5),
    correct=st.booleans(),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
)
def test_leitner_next_properties(box, correct, today):
    new_box, due = leitner_next(box, correct, today)
    assert 1 <= new_box <= 5
    assert due > today
    assert (due - today).days == 2 ** (new_box - 1)
    assert new_box == (min(box + 1, 5) if correct else 1)


def test_review_state_follows_the_answers(prog, clock):
    today = START.date()
    prog.record_answer("safety", "q1", ["a"], True, 1.0, session="s")
    state = prog.review_states()[0]
    assert (state.box, state.due) == (2, today + timedelta(days=2))
    for expected_box, days in [(3, 4), (4, 8), (5, 16), (5, 16)]:
        prog.record_answer("safety", "q1", ["a"], True, 1.0, session="s")
        state = prog.review_states()[0]
        assert (state.box, state.due) == (expected_box, today + timedelta(days=days))
    prog.record_answer("safety", "q1", ["b"], False, 0.0, session="s")
    state = prog.review_states()[0]
    assert (state.box, state.due) == (1, today + timedelta(days=1))


def test_due_questions_oldest_first(prog, clock):
    prog.record_answer("safety", "q_late", ["a"], True, 1.0, session="s")  # box 2: due +2
    prog.record_answer("safety", "q_wrong", ["a"], False, 0.0, session="s")  # box 1: due +1
    clock.advance(days=1)
    prog.record_answer("benefits", "q_b", ["a"], False, 0.0, session="t")  # due +2 from start
    day0 = START.date()
    assert prog.due_questions(day0) == []
    assert prog.due_questions(day0 + timedelta(days=1)) == ["q_wrong"]
    assert prog.due_questions(day0 + timedelta(days=2)) == ["q_wrong", "q_b", "q_late"]
    assert prog.due_questions(day0 + timedelta(days=2), bank="safety") == ["q_wrong", "q_late"]


# --- sessions, history and the gate ------------------------------------------------------


def _sitting(p, clock, bank, session, scores):
    for i, s in enumerate(scores):
        p.record_answer(bank, f"q{i}", ["a"], s == 1.0, s, session=session)
        clock.advance(minutes=1)


def test_sessions_score_each_sitting(prog, clock):
    _sitting(prog, clock, "safety", "mon", [1.0, 0.0, 1.0, 1.0])
    clock.advance(days=1)
    _sitting(prog, clock, "benefits", "tue", [0.5, 1.0])
    clock.advance(days=1)
    _sitting(prog, clock, "safety", "wed", [1.0, 1.0, 1.0, 1.0])
    history = prog.sessions()
    assert [(x.bank, x.percent) for x in history] == [
        ("safety", 75.0),
        ("benefits", 75.0),
        ("safety", 100.0),
    ]
    # "when" is the end of the sitting: its last answer.
    assert history[0].when == START + timedelta(minutes=3)
    assert [x.percent for x in prog.sessions("safety")] == [75.0, 100.0]


def test_a_retry_in_the_same_session_does_not_lift_the_score(prog, clock):
    prog.record_answer("safety", "q1", ["b"], False, 0.0, session="s")
    prog.record_answer("safety", "q1", ["a"], True, 1.0, session="s")
    prog.record_answer("safety", "q2", ["a"], True, 1.0, session="s")
    assert [x.percent for x in prog.sessions()] == [50.0]


FIVE = [f"q{i}" for i in range(5)]


def test_passed_uses_the_best_session(prog, clock):
    assert prog.passed("safety", 0.8, questions=FIVE) is False
    _sitting(prog, clock, "safety", "one", [1.0, 0.0, 1.0, 0.0, 1.0])  # 60 %
    assert prog.passed("safety", 0.8, questions=FIVE) is False
    _sitting(prog, clock, "safety", "two", [1.0, 1.0, 1.0, 1.0, 0.0])  # 80 %: exactly the mark
    _sitting(prog, clock, "safety", "three", [0.0, 0.0, 0.0, 0.0, 0.0])
    assert prog.passed("safety", 0.8, questions=FIVE) is True
    assert prog.passed("safety", 0.81, questions=FIVE) is False
    assert prog.passed("benefits", 0.8, questions=FIVE) is False


def test_passed_requires_the_whole_quiz(prog, clock):
    _sitting(prog, clock, "safety", "short", [1.0, 1.0])
    assert prog.passed("safety", 0.8, questions=["q0", "q1"]) is True
    assert prog.passed("safety", 0.8, questions=FIVE) is False
    _sitting(prog, clock, "safety", "full", [1.0, 1.0, 1.0, 1.0, 0.0])
    assert prog.passed("safety", 0.8, questions=FIVE) is True


# --- routines and practice ---------------------------------------------------------------


def test_routines_and_practice(prog, clock):
    routine = json.dumps({"steps": [{"technique": "thumb", "area": "calf", "seconds": 60}]})
    rid = prog.save_routine("  Evening calves ", routine, "# Evening calves\n\n1. Thumb")
    clock.advance(minutes=5)
    p1 = prog.record_practice(rid, 300, 4)
    p2 = prog.record_practice(None, 120, 2)
    saved = prog.routines()
    assert [(r.id, r.name, r.routine_json) for r in saved] == [(rid, "Evening calves", routine)]
    assert saved[0].card_md.startswith("# Evening calves")
    assert saved[0].saved_at == START
    sessions = prog.practice_sessions()
    assert [(s.id, s.routine_id, s.seconds, s.steps_completed) for s in sessions] == [
        (p1, rid, 300, 4),
        (p2, None, 120, 2),
    ]
    assert sessions[0].practised_at == START + timedelta(minutes=5)


# --- the personal screening and clearances ---------------------------------------------


ANSWERS = {"conditions": ["pregnancy"], "where": {}, "cleared": False}


def test_screenings_are_kept_with_their_time_latest_last(prog, clock):
    assert prog.latest_screening() is None and prog.screenings() == []
    first = prog.save_screening(ANSWERS)
    clock.advance(days=3)
    second = prog.save_screening({"conditions": [], "where": {}, "cleared": False})
    latest = prog.latest_screening()
    assert latest is not None
    assert (latest.id, latest.answers, latest.taken_at) == (
        second,
        {"conditions": [], "where": {}, "cleared": False},
        START + timedelta(days=3),
    )
    assert [(s.id, s.answers, s.taken_at) for s in prog.screenings()] == [
        (first, ANSWERS, START),
        (second, latest.answers, latest.taken_at),
    ]


def test_a_screening_survives_reopening(data_dir, clock):
    with Progress.open(clock=clock) as p:
        p.save_screening(ANSWERS)
    with Progress.open(clock=clock) as p:
        latest = p.latest_screening()
    assert latest is not None and latest.answers == ANSWERS and latest.taken_at == START


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (["pregnancy"], "must be a mapping"),
        ("pregnancy", "must be a mapping"),
        ({"when": datetime(2025, 1, 1)}, "cannot be stored as JSON"),
        ({"x": float("nan")}, "cannot be stored as JSON"),
        ({"notes": "x" * progress.MAX_SCREENING_JSON}, "too long"),
    ],
)
def test_bad_screening_is_refused_and_nothing_written(prog, answers, message):
    prog.save_screening(ANSWERS)
    with pytest.raises(ValueError, match=message):
        prog.save_screening(answers)
    assert len(prog.screenings()) == 1


def test_clearances_record_day_wording_and_conditions(prog, clock):
    assert prog.latest_clearance() is None
    day = START.date() - timedelta(days=10)
    cid = prog.record_clearance(
        day,
        "  A clinician has said gentle\n self-massage is fine for me ",
        ["peripheral_arterial_disease", "blood_thinners", "blood_thinners"],
    )
    clock.advance(days=1)
    latest = prog.latest_clearance()
    assert latest == progress.Clearance(
        cid,
        day,
        "A clinician has said gentle self-massage is fine for me",
        ("blood_thinners", "peripheral_arterial_disease"),
        START,
    )
    newer = prog.record_clearance(START.date(), "Cleared again")
    assert prog.latest_clearance().id == newer and prog.latest_clearance().conditions == ()
    assert [c.id for c in prog.clearances()] == [cid, newer]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((START, "ok"), "must be a date"),
        (("2025-01-01", "ok"), "must be a date"),
        ((START.date() + timedelta(days=1), "ok"), "in the future"),
        ((START.date(), "   "), "wording must not be empty"),
        ((START.date(), "x" * (progress.MAX_WORDING + 1)), "too long"),
        ((START.date(), "ok", "pregnancy"), "list of condition ids"),
        ((START.date(), "ok", ["Not An Id"]), "not a valid id"),
    ],
)
def test_bad_clearance_is_refused_and_nothing_written(prog, args, message):
    with pytest.raises(ValueError, match=message):
        prog.record_clearance(*args)
    assert prog.clearances() == []


def _version_1_file(path):
    """A progress file exactly as schema version 1 made it, with a lesson done."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    with conn:
        for statement in progress._SCHEMA:
            conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {progress.APPLICATION_ID}")
        conn.execute("PRAGMA user_version = 1")
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [
                ("application", "legmassage-course"),
                ("schema_version", "1"),
                ("learner_id", "anon-old"),
                ("created_at", START.isoformat()),
            ],
        )
        conn.execute("INSERT INTO lessons VALUES ('00_welcome', ?)", (START.isoformat(),))
    conn.close()


def test_a_version_1_file_is_upgraded_in_place_keeping_everything(data_dir, clock):
    db = data_dir / "progress.sqlite3"
    _version_1_file(db)
    with Progress.open(clock=clock) as p:
        assert p.warning is None
        assert p.completed_lessons() == ["00_welcome"] and p.learner_id == "anon-old"
        assert p.latest_screening() is None and p.latest_clearance() is None
        p.save_screening(ANSWERS)
        p.record_clearance(START.date(), "A clinician has said gentle self-massage is fine")
    assert list(data_dir.glob("*.corrupt-*")) == []  # upgraded, not moved aside
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == progress.SCHEMA_VERSION
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        assert meta["schema_version"] == str(progress.SCHEMA_VERSION)
        assert meta["created_at"] == START.isoformat()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert {"screenings", "clearances", "lessons"} <= tables
    finally:
        conn.close()
    with Progress.open(clock=clock) as p:  # a second open finds nothing left to do
        assert p.latest_screening().answers == ANSWERS and p.completed_lessons() == ["00_welcome"]


def test_a_new_file_has_every_versions_tables(prog):
    tables = {r[0] for r in prog._conn.execute("SELECT name FROM sqlite_master")}
    assert {"screenings", "clearances"} <= tables


def test_export_leaves_screenings_and_clearances_on_the_machine(prog, clock, tmp_path):
    prog.save_screening({"conditions": ["pregnancy"], "where": {}, "cleared": True})
    prog.record_clearance(START.date(), "Midwife said gentle strokes are fine", ["pregnancy"])
    text = prog.export(tmp_path / "r.json").read_text()
    assert "pregnancy" not in text and "Midwife" not in text
    import_results(tmp_path / "r.json")  # still a valid results file


# --- export and import -------------------------------------------------------------------


def _fill(p, clock):
    p.complete_lesson("00_welcome")
    clock.advance(minutes=10)
    p.record_answer("safety", "q_dvt", ["a", "c"], True, 1.0, session="s1")
    p.record_answer("safety", "q_fever", [], False, 0.0, session="s1")
    rid = p.save_routine("Morning", '{"steps": []}', "secret health note on the card")
    p.record_practice(rid, 600, 8)
    p.record_practice(None, 30, 1)


def test_export_then_import_round_trip(prog, clock, tmp_path):
    _fill(prog, clock)
    out = prog.export(tmp_path / "out" / "results.json", learner="Ana")
    data = json.loads(out.read_text())
    assert data["format"] == "legmassage-results" and data["version"] == 1
    assert data["learner"] == "Ana"
    assert set(data) == {
        "format",
        "version",
        "learner",
        "exported_at",
        "lessons",
        "attempts",
        "routines",
        "practice",
    }
    # Routines leave as names only: the card and its health notes stay on the machine.
    assert data["routines"] == [{"name": "Morning", "saved_at": data["routines"][0]["saved_at"]}]
    assert "secret health note" not in out.read_text()

    back = import_results(out)
    assert back.learner == "Ana"
    assert back.exported_at == START + timedelta(minutes=10)
    assert [lesson.lesson_id for lesson in back.lessons] == ["00_welcome"]
    assert back.lessons[0].completed_at == START
    assert [(a.question_id, a.chosen, a.correct, a.score, a.attempt) for a in back.attempts] == [
        ("q_dvt", ["a", "c"], True, 1.0, 1),
        ("q_fever", [], False, 0.0, 1),
    ]
    assert [(x.routine, x.seconds, x.steps_completed) for x in back.practice] == [
        ("Morning", 600, 8),
        (None, 30, 1),
    ]


def test_export_without_a_name_uses_the_anonymous_id(prog, tmp_path):
    out = prog.export(tmp_path / "exports" / "r.json")
    assert import_results(out).learner == prog.learner_id
    assert [p.name for p in out.parent.iterdir()] == ["r.json"]  # no temporary file left


def test_export_replaces_an_older_export(prog, clock, tmp_path):
    target = tmp_path / "r.json"
    prog.export(target)
    prog.complete_lesson("00_welcome")
    prog.export(target)
    assert [lesson.lesson_id for lesson in import_results(target).lessons] == ["00_welcome"]


def test_passed_without_ids_is_the_whole_bank_of_the_course(prog, clock):
    from course.models import content

    bank = content().quiz["safety"]
    for q in bank.questions[:10]:  # a ten-question draw, all right
        prog.record_answer("safety", q.id, ["a"], True, 1.0, session="draw")
    assert prog.passed("safety", bank.pass_mark) is False
    assert prog.passed("safety", bank.pass_mark, questions=len(bank.questions)) is False
    for q in bank.questions:
        prog.record_answer("safety", q.id, ["a"], True, 1.0, session="full")
    assert prog.passed("safety", bank.pass_mark) is True
    assert prog.passed("safety", bank.pass_mark, questions=len(bank.questions)) is True
    with pytest.raises(ValueError, match="no quiz bank 'nope'"):
        prog.passed("nope", 0.8)
