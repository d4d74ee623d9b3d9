"""How fast the drawn pictures are (figures for the notes, never asserts on time).

The design bound is on the builder callback: p95 <= 50 ms with the new figures (the timeline
and the legs with what is kept out). The legs are drawn once per set of kept-out areas, so a
change of minutes redraws only the timeline. The step picture, the motion and the PDF card
are drawn on demand (a new step in the timer, a lesson cell, Save): their times are noted.
"""

from __future__ import annotations

import itertools
import time

from course.card import card_pdf
from course.figures.steps import motion_html, step_figure
from course.plots import png_bytes
from course.routine import build
from course.safety import Profile
from course.ui.builder import RoutineBuilder


def _p95(data: list[float]) -> float:
    data = sorted(data)
    return data[min(len(data) - 1, int(0.95 * len(data)))]


def test_bench_builder_callback_with_kept_out_legs(benchmark):
    """One minutes change with an area kept out: screen, build, table, timeline, legs."""
    b = RoutineBuilder(require_quiz=False, live=False)
    with b.hold():
        b.kit["tennis_ball"].value = True
        b.conditions["varicose_veins"].value = True
        b.where["varicose_veins"].value = ("calf",)
    values = itertools.cycle([5, 12, 20, 33, 47, 60, 8])

    def change() -> None:
        b.minutes.value = next(values)

    benchmark.pedantic(change, rounds=60, iterations=1, warmup_rounds=3)
    benchmark.extra_info["p95_ms"] = round(_p95(benchmark.stats.stats.data) * 1000, 1)
    assert "kept out on the left leg: Calf" in b.leg.value and "<img" in b.figure.value


def test_bench_step_picture(benchmark):
    png = benchmark.pedantic(lambda: png_bytes(step_figure("tennis_ball", "calf_holds")),
                             rounds=10, iterations=1, warmup_rounds=1)
    assert png.startswith(b"\x89PNG")


def test_bench_motion_and_card(benchmark):
    r = build(Profile(), minutes=20, equipment=["tennis_ball"])
    start = time.perf_counter()
    motion_html("tennis_ball", "calf_holds")
    benchmark.extra_info["motion_s"] = round(time.perf_counter() - start, 2)
    pdf = benchmark.pedantic(lambda: card_pdf(r, "Bench"), rounds=3, iterations=1)
    assert pdf.startswith(b"%PDF")
