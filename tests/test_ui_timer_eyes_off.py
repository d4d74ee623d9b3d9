"""Eyes-off practice: the timer shows the step's picture, plays tones at step changes, hold
changes and the end, can be muted, and answers space and the arrow keys."""

from __future__ import annotations

import base64
import io
import re
import wave

import pytest

from course.figures.data import drawing
from course.safety import Profile
from course.ui import sound
from course.ui import timer as ut
from tests.test_ui_timer import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def ball_timer(clock) -> ut.PracticeTimer:
    return ut.PracticeTimer(ut.technique_plan("tennis_ball")(Profile()), clock=clock, live=False,
                            opener=_NoProgress)


class _NoProgress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def record_practice(self, *args):
        return 1


def played(html: str) -> bytes:
    match = re.search(r'src="data:audio/wav;base64,([A-Za-z0-9+/=]+)"', html)
    assert match, f"no audio in {html[:80]!r}"
    return base64.b64decode(match[1])


def loudness(wav: bytes) -> tuple[float, float]:
    """(seconds, peak amplitude 0..1) of a 16-bit mono WAV."""
    with wave.open(io.BytesIO(wav)) as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        frames = w.readframes(w.getnframes())
        seconds = w.getnframes() / w.getframerate()
    samples = [int.from_bytes(frames[i:i + 2], "little", signed=True)
               for i in range(0, len(frames), 2)]
    return seconds, max(abs(s) for s in samples) / 32767


def test_tones_are_audible_distinct_and_repeatable():
    shapes = {c: loudness(sound.tone(c)) for c in sound.CUES}
    assert all(peak > 0.1 for _s, peak in shapes.values())
    assert shapes["hold"][1] < shapes["step"][1]  # the hold tone is softer
    assert shapes["hold"][0] < shapes["step"][0] < shapes["end"][0]  # and each has its length
    assert sound.tone("step") == sound.tone("step")
    with pytest.raises(ValueError, match="Unknown cue"):
        sound.tone("bell")


def test_a_step_change_plays_the_step_tone(clock):
    t = ball_timer(clock)
    assert t.eyes.cues == [] and t.eyes.sound.value == ""
    t.next()
    assert t.eyes.cues == ["step"]
    assert played(t.eyes.sound.value) == sound.tone("step")
    assert 'autoplay' in t.eyes.sound.value
    first = t.eyes.sound.value
    t.back()  # the same cue again is new markup, so the browser plays it again
    assert t.eyes.cues == ["step", "step"] and t.eyes.sound.value != first


def test_holds_tick_every_30_seconds_and_the_end_has_its_own_tone(clock):
    t = ball_timer(clock)
    first = t.current
    assert drawing().steps[first.technique][first.step].holds  # a step that holds the ball
    t.play()
    clock.advance(31)
    t.tick()
    assert t.eyes.cues == ["hold"]
    clock.advance(30)
    t.tick()
    assert t.eyes.cues == ["hold", "hold"]
    clock.advance(first.seconds - 61)  # to the end of the step: a step tone, not a hold one
    t.tick()
    assert t.eyes.cues == ["hold", "hold", "step"]
    clock.advance(10_000)
    t.tick()
    assert t.done and t.eyes.cues[-1] == "end"
    assert played(t.eyes.sound.value) == sound.tone("end")


def test_strokes_have_no_hold_tone(clock):
    t = ut.PracticeTimer(ut.technique_plan("finishing_strokes")(Profile()), clock=clock, live=False)
    t.play()
    clock.advance(40)
    t.tick()
    assert t.eyes.cues == []


def test_mute_silences_the_tones(clock):
    t = ball_timer(clock)
    t.eyes.mute.value = True
    assert t.eyes.mute.description == "Muted"
    t.next()
    assert t.eyes.cues == [] and t.eyes.sound.value == ""
    t.eyes.mute.value = False
    t.next()
    assert t.eyes.cues == ["step"]


def test_keys_pause_resume_back_and_next(clock):
    t = ball_timer(clock)
    keys = t.eyes.keys
    assert "Space" in keys.label and "Left arrow" in keys.label
    keys.press(" ")
    assert t.playing
    keys.press(" ")
    assert not t.playing
    keys.press("ArrowRight")
    assert t.index == 1
    keys.press("ArrowLeft")
    assert t.index == 0
    keys.press("q")  # other keys do nothing
    assert (t.index, t.playing) == (0, False)


def test_the_timer_shows_the_current_steps_picture(clock):
    t = ball_timer(clock)
    assert 'alt="Step 1, Tennis ball (thigh and calf): hamstring holds.' in t.eyes.picture.value
    t.next()
    assert 'alt="Step 2, Tennis ball' in t.eyes.picture.value
    assert t.eyes.picture.value in t.static_html_now()
