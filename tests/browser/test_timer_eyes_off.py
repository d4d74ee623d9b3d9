"""Eyes-off practice in JupyterLab: the guided timer's picture, its tones and its keys.

A learner lying on the floor cannot watch the screen: at a step change the timer must put an
audio element with a real sound on the page, and space / the arrow keys must drive it.
"""

from __future__ import annotations

import base64
import io
import re
import wave

import pytest

from course.models import content
from tests.browser.conftest import shot
from tests.browser.flows import button, gated_timer
from tests.browser.notebook import cell_with, open_from_file_browser, output_problems, run_all

pytestmark = pytest.mark.browser
WAV = re.compile(r"^data:audio/wav;base64,([A-Za-z0-9+/=]+)$")


def peak(wav: bytes) -> float:
    with wave.open(io.BytesIO(wav)) as w:
        frames = w.readframes(w.getnframes())
    return max(abs(int.from_bytes(frames[i:i + 2], "little", signed=True))
               for i in range(0, len(frames), 2)) / 32767


def test_timer_picture_tone_at_a_step_change_and_keys(lesson_page):
    page = lesson_page
    open_from_file_browser(page, "07_tennis_ball_technique.ipynb")
    run_all(page)
    steps = content().technique["tennis_ball"].steps
    n = 2 * len(steps)  # the technique on the left leg, then on the right
    timer = gated_timer(cell_with(page, "ui.practice_timer("))
    step = timer.locator(".lm-timer-step")
    remaining = timer.locator(".lm-remaining")

    # the current step's picture, with words for those who cannot see it
    picture = timer.locator(".lm-timer-picture img")
    picture.wait_for()
    name = content().technique["tennis_ball"].name
    assert picture.get_attribute("alt").startswith(f"Step 1, {name}")

    # Next: a new step, and an audio element that carries a real (non-silent) sound
    assert timer.locator(".lm-sound audio").count() == 0
    button(timer, "Next").click()
    step.get_by_text(f"Step 2 of {n}").wait_for()
    audio = timer.locator(".lm-sound audio")
    audio.wait_for(state="attached")
    assert audio.get_attribute("data-cue") == "step"
    assert audio.get_attribute("autoplay") is not None
    match = WAV.match(audio.get_attribute("src") or "")
    assert match, "the cue is not an inline WAV"
    assert peak(base64.b64decode(match[1])) > 0.1
    page.wait_for_function("a => a.readyState >= 1 && a.duration > 0.1",
                           arg=audio.element_handle(), timeout=10_000)
    page.wait_for_function("img => img.alt.startsWith('Step 2,')",
                           arg=picture.element_handle(), timeout=10_000)

    # the keys, in the labelled key area: space plays and pauses, arrows go back and on
    keys = timer.get_by_role("application", name=re.compile("Space pause or resume"))
    keys.focus()
    page.keyboard.press("Space")
    remaining.get_by_text("playing").wait_for()
    page.keyboard.press("Space")
    remaining.get_by_text("paused").wait_for()
    page.keyboard.press("ArrowRight")
    step.get_by_text(f"Step 3 of {n}").wait_for()
    page.keyboard.press("ArrowLeft")
    step.get_by_text(f"Step 2 of {n}").wait_for()
    assert timer.locator(".lm-sound audio").get_attribute("data-count") != "1"

    # mute: a step change plays nothing more
    count = timer.locator(".lm-sound audio").get_attribute("data-count")
    button(timer, "Sound on").click()
    timer.get_by_role("button", name=re.compile("Muted")).wait_for()
    button(timer, "Next").click()
    step.get_by_text(f"Step 3 of {n}").wait_for()
    assert timer.locator(".lm-sound audio").count() == 0 or \
        timer.locator(".lm-sound audio").get_attribute("data-count") == count
    assert output_problems(page) == []
    assert page.js_errors == []
    shot(page, "lesson07-timer-eyes-off", timer)
