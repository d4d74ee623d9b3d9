"""Short generated tones for eyes-off practice: no audio files, no service.

A learner lying on the floor with a ball under the calf cannot watch the screen, so the timer
says what happens with sound: a rising chime at each new step, a soft tick at each 30-second
hold change (the ball moves on), and a distinct falling chime at the end. The tones are
synthesised here as 16-bit mono WAV (standard library ``wave``), the same bytes every time,
and played by an ``<audio autoplay>`` element in the timer (browsers allow it once the
learner has pressed a button on the page, which starting the timer is).
"""

from __future__ import annotations

import base64
import io
import math
import wave
from functools import cache

RATE = 16_000  # samples per second: plenty for tones under 2 kHz, and small
HOLD_SECONDS = 30  # a ball hold lasts about 30 s (content-facts §3: 30-120 s per set)

# cue -> notes (frequency Hz, milliseconds) and loudness (0..1); all distinct by pitch
# contour and length, not by loudness alone
CUES: dict[str, tuple[tuple[tuple[float, int], ...], float]] = {
    "step": (((660.0, 140), (880.0, 220)), 0.6),                 # rising: next step
    "hold": (((520.0, 90),), 0.25),                               # soft tick: move the ball
    "end": (((880.0, 200), (660.0, 200), (440.0, 500)), 0.6),     # falling: done
}


def _note(freq: float, ms: int, volume: float) -> list[int]:
    n = int(RATE * ms / 1000)
    fade = max(1, int(RATE * 0.012))  # 12 ms in and out: no click
    out = []
    for i in range(n):
        env = min(1.0, i / fade, (n - 1 - i) / fade)
        # a little second harmonic makes it a chime rather than a test beep
        s = math.sin(2 * math.pi * freq * i / RATE) + 0.25 * math.sin(4 * math.pi * freq * i / RATE)
        out.append(int(32767 * volume * env * s / 1.25))
    return out


@cache
def tone(cue: str) -> bytes:
    """The WAV bytes of ``cue`` (``step``, ``hold`` or ``end``)."""
    if cue not in CUES:
        raise ValueError(f"Unknown cue '{cue}': choose one of {', '.join(CUES)}")
    notes, volume = CUES[cue]
    samples: list[int] = []
    for freq, ms in notes:
        samples += _note(freq, ms, volume) + [0] * int(RATE * 0.02)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(s.to_bytes(2, "little", signed=True) for s in samples))
    return buf.getvalue()


def cue_html(cue: str, count: int) -> str:
    """An ``<audio autoplay>`` element playing ``cue``. ``count`` makes each cue's markup
    new, so the same cue twice in a row still plays (the view re-renders on a change)."""
    data = base64.b64encode(tone(cue)).decode("ascii")
    return (f'<audio class="lm-cue" data-cue="{cue}" data-count="{count}" autoplay '
            f'aria-hidden="true" src="data:audio/wav;base64,{data}"></audio>')
