"""The guided practice timer, on a fake clock: play, pause, next, back, finish."""

from __future__ import annotations

import threading
import time

import pytest

from course.progress import Progress
from course.routine import build
from course.safety import Profile
from course.ui import timer as ut
from course.ui.store import save_routine


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def routine():
    return build(Profile(), minutes=5)


def make(routine, clock, **kw) -> ut.PracticeTimer:
    return ut.PracticeTimer(routine, clock=clock, live=False, **kw)


def test_starts_paused_on_step_one(routine, clock):
    t = make(routine, clock)
    first = routine.steps[0]
    assert (t.index, t.remaining, t.playing, t.done) == (0, first.seconds, False, False)
    assert f"Step 1 of {len(routine.steps)}" in t.step.value
    assert first.instruction[:30] in t.step.value
    assert f"Pressure: {first.pressure}/10" in t.step.value
    assert t.pause_button.disabled and not t.play_button.disabled
    clock.advance(50)
    t.tick()
    assert t.remaining == first.seconds  # not playing: time does not count


def test_play_tick_pause(routine, clock):
    t = make(routine, clock)
    first = routine.steps[0]
    t.play_button.click()
    clock.advance(4)
    t.tick()
    assert t.remaining == first.seconds - 4
    assert t.bar.value == 4 and t.bar.max == first.seconds
    assert f"{ut.clock(first.seconds - 4)} left" in t.clock_text.value
    t.pause_button.click()
    clock.advance(100)
    t.tick()
    assert t.remaining == first.seconds - 4 and not t.playing
    t.play_button.click()
    clock.advance(1)
    t.tick()
    assert t.remaining == first.seconds - 5 and t.elapsed == 5


def test_time_runs_on_into_the_next_steps(routine, clock):
    t = make(routine, clock)
    a, b = routine.steps[0], routine.steps[1]
    t.play()
    clock.advance(a.seconds + 3)
    t.tick()
    assert t.index == 1 and t.remaining == b.seconds - 3


def test_next_and_back(routine, clock):
    t = make(routine, clock)
    t.next_button.click()
    assert t.index == 1 and t.remaining == routine.steps[1].seconds
    t.next_button.click()
    t.back_button.click()
    assert t.index == 1 and t.remaining == routine.steps[1].seconds
    t.back_button.click()
    t.back_button.click()
    assert t.index == 0


def test_finishing_shows_done_and_records_practice(routine, clock):
    t = make(routine, clock)
    t.play()
    clock.advance(routine.total_seconds + 30)
    t.tick()
    assert t.done and not t.playing
    assert "Done." in t.status.value and "Done" in t.clock_text.value
    assert all(b.disabled for b in (t.play_button, t.pause_button, t.next_button, t.back_button))
    with Progress.open() as p:
        sessions = p.practice_sessions()
    assert [(s.routine_id, s.seconds, s.steps_completed) for s in sessions] == [
        (None, routine.total_seconds + 30, len(routine.steps))]
    t.tick()
    t.next()
    with Progress.open() as p:
        assert len(p.practice_sessions()) == 1  # recorded once


def test_next_through_the_end_records_against_the_saved_routine(routine, clock, tmp_path):
    _path, rid = save_routine(routine, "Mine", folder=tmp_path)
    t = make(routine, clock, routine_id=rid)
    t.play()
    clock.advance(2)
    for _ in routine.steps:
        t.next()
    assert t.done
    with Progress.open() as p:
        (session,) = p.practice_sessions()
    assert (session.routine_id, session.seconds) == (rid, 2)


def test_recording_failure_is_a_message(routine, clock):
    class Broken:
        def __enter__(self):
            raise OSError("read-only folder")

        def __exit__(self, *exc):
            return False

    t = make(routine, clock, opener=Broken)
    for _ in routine.steps:
        t.next()
    assert t.done and 'role="alert"' in t.status.value and "read-only folder" in t.status.value


def test_practice_timer_entry_points(routine, tmp_path):
    """Every entry point is a screening gate (tests/test_ui_gate.py); only bad requests and a
    missing routine are plain messages, before any screening is asked."""
    from course.ui.gate import PracticeGate

    thumb = ut.practice_timer(technique="thumb")
    assert isinstance(thumb, PracticeGate)
    assert thumb.title == "Guided practice: Thumb technique (foot)"
    bad = ut.practice_timer(technique="elbow")
    assert bad.routine is None and "Unknown technique" in bad.status.value
    none = ut.practice_timer()
    assert none.routine is None and "No saved routine yet" in none.status.value
    assert none.play_button.disabled
    _path, rid = save_routine(routine, "Mine", folder=tmp_path)
    last = ut.practice_timer()
    assert isinstance(last, PracticeGate) and last.routine_id == rid
    assert last.title == "Guided practice: Mine"
    assert isinstance(ut.practice_timer(routine), PracticeGate)
    assert "not both" in ut.practice_timer(routine, "thumb").status.value


def test_routine_json_round_trip(routine):
    assert ut.routine_from_json(routine.to_json()) == routine
    with pytest.raises(ValueError):
        ut.routine_from_json('{"steps": 3}')


def test_static_bundle(routine, clock):
    bundle = make(routine, clock)._repr_mimebundle_()
    n = len(routine.steps)
    assert bundle["text/plain"] == f"Practice timer: Relax and unwind, {n} steps, total 05:00"
    assert bundle["text/html"].count("<li>") == len(routine.steps)
    assert bundle["text/html"] == make(routine, FakeClock())._repr_mimebundle_()["text/html"]


def test_live_ticker_thread_ticks_while_playing_and_stops_on_pause(routine):
    t = ut.PracticeTimer(routine, live=True)
    t.play()
    time.sleep(1.3)
    assert t.remaining < routine.steps[0].seconds
    t.pause()
    time.sleep(1.1)
    assert not any(th.name == "lm-practice-timer" for th in threading.enumerate())
