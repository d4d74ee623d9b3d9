"""What a learner does with the course widgets, step by step, checked on screen.

Shared by the JupyterLab lessons, the Voilà app and the browser benchmark, so the same flow is
asserted wherever the widget is shown. Widgets are found by their stable CSS classes
(``lm-builder``, ``lm-stop``, ``lm-step-table``, ``lm-total``, ...) and controls by the
words a learner reads (labels, button captions), taken from the content files where they
come from there.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from course.models import content

DVT = "dvt_signs"  # the stop condition of the scenario (course/content/contraindications.yaml)
GOAL = "sleep"
MINUTES = 15
ROUTINE_NAME = "Browser test evening"
CLOCK = re.compile(r"Total (\d+):(\d{2})")


def checkbox(scope: Any, name: str) -> Any:
    """A checkbox by its visible label, exactly."""
    return scope.get_by_role("checkbox", name=name, exact=True)


def button(scope: Any, caption: str) -> Any:
    """A button by its caption. Not ``exact``: an icon font's glyph (``fa-save``) is part of
    the button's accessible name, before the caption."""
    return scope.get_by_role("button", name=re.compile(rf"(^|\W){re.escape(caption)}$"))


def gated_timer(scope: Any) -> Any:
    """The practice timer in ``scope`` once the screening gate lets it through.

    The gate asks the checklist first unless this session already stored a current screening
    (the server's data folder is shared by the tests); nothing ticked is an answer.
    """
    timer = scope.locator(".lm-timer")
    answers = button(scope, "These are my answers")
    timer.or_(answers).first.wait_for()
    if answers.count():
        answers.click()
    timer.wait_for()
    return timer


def set_number(scope: Any, label: str, value: int) -> None:
    """Set the number control labelled ``label``: a number box (typed into), or a slider
    (typed into its readout, as a learner who wants an exact number does)."""
    box = scope.get_by_role("spinbutton", name=label, exact=True)
    if box.count():
        box.fill(str(value))
        box.press("Tab")
        return
    set_slider(scope, label, value)


def set_slider(scope: Any, label: str, value: int) -> None:
    """Type ``value`` into the slider's readout and press Enter; then check the slider
    handle moved there."""
    # a filter's inner locator is matched inside each candidate: start it from the page
    slider = scope.locator(".widget-slider").filter(
        has=scope.page.locator(".widget-label", has_text=re.compile(rf"^{re.escape(label)}$")))
    readout = slider.locator(".widget-readout")
    readout.click()
    readout.fill(str(value))
    readout.press("Enter")
    handle = slider.locator('[role="slider"]')
    handle.page.wait_for_function(
        "([h, v]) => h.getAttribute('aria-valuenow') == v",
        arg=[handle.element_handle(), f"{value:.1f}"], timeout=10_000)


def total_seconds(text: str) -> int:
    match = CLOCK.search(text)
    assert match, f"no 'Total m:ss' in {text!r}"
    return int(match[1]) * 60 + int(match[2])


def builder_stop_then_routine(page: Any, scope: Any, data_dir: Path, shoot: Any) -> dict:
    """The routine builder scenario: a DVT sign stops everything; without it, a sleep
    routine of at most 15 minutes without the tennis ball is shown and saved as a card.

    ``shoot(name, target)`` takes screenshots. Returns what was seen (total, steps, card).
    """
    c = content()
    dvt = c.contraindication[DVT]
    goal = c.goal[GOAL]
    builder = scope.locator(".lm-builder")
    builder.wait_for()

    # the screening question is on screen as the checkbox's own label (its accessible name)
    question = " ".join(dvt.question.split())
    box = checkbox(builder, question)
    assert box.is_visible()

    # ticking it stops the builder: the stop message, and no routine at all
    box.check()
    stop = builder.locator(".lm-stop")
    stop.wait_for(state="visible")
    assert "STOP: do not massage" in stop.inner_text()
    assert dvt.name in stop.inner_text()
    builder.locator(".lm-step-table").wait_for(state="hidden")
    assert not builder.locator(".lm-result").is_visible()
    assert not builder.locator(".lm-choices").is_visible()
    assert not builder.locator(".lm-step-table table").count()
    shoot("stop", stop)

    # cleared: choices come back; goal sleep, 15 minutes, no tennis ball
    box.uncheck()
    stop.wait_for(state="hidden")
    choices = builder.locator(".lm-choices")
    choices.wait_for(state="visible")
    choices.get_by_label("Goal").select_option(label=goal.name)
    set_number(choices, "Minutes", MINUTES)
    checkbox(choices, "I have a tennis ball").uncheck()
    total = builder.locator(".lm-total")
    page.wait_for_function("([el, g]) => el.innerText.includes(g)",
                           arg=[total.element_handle(), goal.name], timeout=10_000)

    table = builder.locator(".lm-step-table table")
    table.wait_for(state="visible")
    rows = table.locator("tbody tr")
    steps = rows.count()
    assert steps >= 1
    seconds = total_seconds(total.inner_text())
    assert 0 < seconds <= MINUTES * 60, total.inner_text()
    assert "Tennis ball" not in table.inner_text()
    assert goal.name in table.locator("caption").inner_text()
    timeline = builder.locator(".lm-timeline")
    assert timeline.is_visible()
    assert timeline.locator("img, svg").count() >= 1, "no timeline figure on screen"
    assert timeline.locator("img, svg").first.bounding_box()["height"] > 20
    shoot("routine", builder.locator(".lm-result"))

    # Save routine writes the printable card into the learner's data folder
    builder.get_by_role("textbox", name="Name").fill(ROUTINE_NAME)
    builder.get_by_role("textbox", name="Name").press("Tab")
    button(builder, "Save routine").click()
    saved = builder.locator(".lm-saved")
    saved.get_by_text("Saved.").wait_for()
    cards = sorted((data_dir / "routines").glob("*.md"))
    assert cards, f"no card in {data_dir / 'routines'}"
    card = cards[-1]
    assert card.name in saved.inner_text()
    text = card.read_text(encoding="utf-8")
    assert text.startswith(f"# {ROUTINE_NAME}")
    assert f"**Goal:** {goal.name}" in text
    card_rows = [line for line in text.splitlines() if re.match(r"\| \d+ \|", line)]
    assert len(card_rows) == steps
    shoot("saved", table)
    return {"seconds": seconds, "steps": steps, "card": card}
