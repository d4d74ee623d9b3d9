"""How long a learner waits: input -> visible update of the routine builder, in Chromium.

One round: a key press on the focused "Minutes" slider (ArrowRight, then ArrowLeft, so the
value stays near 15) travels browser -> kernel (comm message) -> ``course.safety.screen`` and
``course.routine.build`` plus the timeline figure -> back to the browser, which redraws the
total. The in-page figure runs from the ``keydown`` event to the first animation frame after
the total's text changed (so it includes the repaint the learner sees); pytest-benchmark's
own columns add Playwright's round trip on top. Goal: median <= 300 ms. Figures only, never
pass/fail on time.

Run with ``make bench`` or ``.venv/bin/pytest benchmarks/test_bench_browser.py
--benchmark-only -p no:xdist``. Needs Chromium and Playwright like tests/browser (skips
without them, fails on CI).
"""

from __future__ import annotations

import statistics

import pytest

from tests.browser.conftest import browser, lab, lab_ui, lesson_page, voila  # noqa: F401
from tests.browser.notebook import cell_with, open_from_file_browser, run_all

ROUNDS = 25

ARM_JS = """
(total) => {
  const old = total.innerText;
  window.__lmLatency = new Promise((resolve) => {
    let t0 = null;
    const onKey = () => { t0 = performance.now(); };
    document.addEventListener('keydown', onKey, {capture: true, once: true});
    const obs = new MutationObserver(() => {
      if (t0 !== null && total.innerText !== old) {
        obs.disconnect();
        requestAnimationFrame(() => resolve(performance.now() - t0));
      }
    });
    obs.observe(total, {subtree: true, childList: true, characterData: true});
    setTimeout(() => { obs.disconnect(); resolve(null); }, 10000);
  });
}
"""


def measure(page, builder, benchmark) -> list[float]:
    """Press ArrowRight/ArrowLeft on the Minutes slider ROUNDS times; latencies in ms.
    (Should Minutes become a number box, ArrowUp/ArrowDown + Enter on it instead.)"""
    total = builder.locator(".lm-total")
    slider = builder.locator(".widget-slider").filter(
        has=page.locator(".widget-label", has_text="Minutes"))
    control = slider.locator('[role="slider"]')
    presses = [["ArrowRight"], ["ArrowLeft"]]
    if not control.count():
        control = builder.get_by_role("spinbutton", name="Minutes", exact=True)
        presses = [["ArrowUp", "Enter"], ["ArrowDown", "Enter"]]
    control.focus()
    control_el, total_el = control.element_handle(), total.element_handle()
    keys = iter(presses * ROUNDS * 2)
    latencies: list[float] = []

    def one_press() -> None:
        page.evaluate(ARM_JS, total_el)
        for key in next(keys):
            control_el.press(key)
        latency = page.evaluate("() => window.__lmLatency")
        assert latency is not None, "the total did not change within 10 s"
        latencies.append(latency)

    benchmark.pedantic(one_press, rounds=ROUNDS, iterations=1, warmup_rounds=2)
    in_page = latencies[2:]  # the warm-up rounds are not counted
    benchmark.extra_info["in_page_median_ms"] = round(statistics.median(in_page), 1)
    benchmark.extra_info["in_page_max_ms"] = round(max(in_page), 1)
    print(f"\ninput -> visible total: median {statistics.median(in_page):.0f} ms, "
          f"max {max(in_page):.0f} ms over {len(in_page)} presses")
    return in_page


@pytest.mark.browser
def test_builder_latency_in_jupyterlab(lesson_page, benchmark):  # noqa: F811
    page = lesson_page
    open_from_file_browser(page, "09_build_your_routine.ipynb")
    run_all(page)
    builder = cell_with(page, "ui.routine_builder()").locator(".lm-builder")
    builder.locator(".lm-total").get_by_text("Total").wait_for()
    assert len(measure(page, builder, benchmark)) == ROUNDS


@pytest.mark.browser
def test_builder_latency_in_voila_app(voila, browser, benchmark):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 1400})
    try:
        page = context.new_page()
        page.goto(voila.address(""), timeout=60_000)
        builder = page.locator(".lm-builder")
        builder.locator(".lm-total").get_by_text("Total").wait_for(timeout=60_000)
        assert len(measure(page, builder, benchmark)) == ROUNDS
    finally:
        context.close()
