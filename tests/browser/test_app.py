"""Scenario 5: the routine builder as a standalone Voilà app, the way a learner without
JupyterLab meets it: a web page with working widgets and no code."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot
from tests.browser.flows import builder_stop_then_routine
from tests.browser.notebook import output_problems

pytestmark = pytest.mark.browser
CODE = ("from course import", "routine_builder(", "import ")


def test_app_asks_for_the_token(voila, page):
    """Anyone who reaches the page gets a kernel, so without the token there is no app."""
    page.goto(voila.url)
    page.locator("input[type=password]").first.wait_for()
    assert "token" in page.locator("body").inner_text().lower()
    assert page.locator(".lm-builder").count() == 0


def test_app_builder_flow_with_no_code_visible(voila, page):
    page.goto(voila.address(""), timeout=60_000)
    builder = page.locator(".lm-builder")
    builder.wait_for(timeout=60_000)
    text = page.locator("body").inner_text()
    assert "Build your leg self-massage routine" in text  # the app's own heading
    for code in CODE:
        assert code not in text, f"code visible in the app: {code!r}"
    assert page.locator(".jp-CodeCell .jp-InputArea-editor, .jp-InputPrompt").count() == 0
    # started with --no-quiz-gate (see servers.voila_app): the page must say so, on top
    banner = page.locator(".lm-quiz-gate-off")
    assert banner.is_visible() and "gate is OFF" in banner.inner_text()
    shot(page, "app-start")

    seen = builder_stop_then_routine(
        page, page.locator("body"), voila.data_dir,
        lambda name, target: shot(page, f"app-{name}", target))
    assert seen["card"].parent == voila.data_dir / "routines"
    assert output_problems(page) == []
    assert page.js_errors == [], page.js_errors
