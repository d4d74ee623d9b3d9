"""Fixtures for the browser tests: a private JupyterLab, a headless Chromium, a fresh page.

The browser is Debian's Chromium (``/usr/bin/chromium``) driven by Playwright; Playwright's
own browser download is never used (it cannot work on a machine with no network). Without
Chromium or Playwright the tests skip with the command that fixes it, except on CI
(``CI=true``), where a missing browser must turn the build red instead of silently skipping.

The safety-quiz gate of the routine builder is switched off for this JupyterLab
(``COURSE_REQUIRE_SAFETY_QUIZ=0``): passing the 35-question safety quiz through the browser
in every run would triple the suite's time, and the gate itself is covered by the unit tests.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.a11y import axe_file
from tests.browser.notebook import close_all_notebooks
from tests.browser.servers import ROOT, Server, jupyterlab, voila_app

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts" / "browser"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # without these Chromium keeps calling home; on a closed network that only fails
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 1400}
TIMEOUT_MS = 30_000


def unavailable(message: str) -> None:
    """Skip locally, fail on CI: a CI run must never pass by skipping the browser."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def need_browser() -> Any:
    """The Playwright module, or skip/fail with how to install what is missing."""
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing: install it with "
                    "`sudo apt-get update && sudo apt-get install -y chromium`")
    try:
        from playwright import sync_api
    except ImportError:
        unavailable("Playwright is missing: `.venv/bin/pip install -r requirements.txt` "
                    "(never `playwright install`: the tests use Debian's Chromium)")
    return sync_api


def shot(page: Any, name: str, target: Any = None) -> Path:
    """Save what the learner sees to artifacts/browser/<name>.png: the window, scrolled so
    that ``target`` (an element) starts at the top. (An element screenshot of a widget
    taller than a JupyterLab panel comes out garbled, so the window is taken instead.)"""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if target is not None:
        target.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(path))
    return path


@pytest.fixture(scope="session", autouse=True)
def _fresh_artifacts() -> None:
    """Screenshots of this run only: an old FAILED-*.png must not outlive its fix."""
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A JupyterLab of the session: 127.0.0.1, free port, fresh token, temporary data folder,
    a working copy of the lessons as its root; stopped (with its kernels) at the end."""
    need_browser()  # no server without a browser to drive it
    tmp = tmp_path_factory.mktemp("lab")
    with jupyterlab(tmp, ARTIFACTS / "jupyterlab.log",
                    {"COURSE_REQUIRE_SAFETY_QUIZ": "0"}) as server:
        yield server


@pytest.fixture(scope="session")
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The routine-builder app as a learner starts it (``python -m course app builder``):
    127.0.0.1, free port, fresh token, temporary data folder; stopped at the end."""
    need_browser()
    tmp = tmp_path_factory.mktemp("voila")
    with voila_app(tmp, ARTIFACTS / "voila.log", "builder") as server:
        yield server


@pytest.fixture(scope="session")
def axe() -> Path:
    """axe-core's script; skip (fail on CI) with the install command when it is missing."""
    path = axe_file()
    if path is None:
        unavailable("axe-core is missing: run `bash tests/browser/install_axe.sh` (npm)")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    sync_api = need_browser()
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS, timeout=60_000
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Remember each phase's outcome on the item, so the page fixture can tell a failure."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _shot_if_failed(page: Any, request: pytest.FixtureRequest) -> None:
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        try:
            shot(page, f"FAILED-{name}")
        except Exception:  # noqa: BLE001 - a failed screenshot must not hide the failure
            pass


def _new_page(browser: Any) -> tuple[Any, Any]:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors  # type: ignore[attr-defined]
    return context, pg


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context and page; on failure a screenshot FAILED-<test>.png is kept."""
    context, pg = _new_page(browser)
    try:
        yield pg
    finally:
        _shot_if_failed(pg, request)
        context.close()


@pytest.fixture(scope="session")
def lab_ui(lab: Server, browser: Any) -> Iterator[Any]:
    """One JupyterLab page for the whole session, its file browser in notebooks/.

    Loading JupyterLab takes about five seconds; a learner loads it once and opens lesson
    after lesson from the file browser, and so do these tests.
    """
    context, pg = _new_page(browser)
    pg.goto(lab.address("lab/workspaces/browser-tests/tree/notebooks"), timeout=60_000)
    pg.locator(".jp-DirListing-item").first.wait_for(timeout=60_000)
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture
def lesson_page(lab: Server, lab_ui: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The session's JupyterLab page, with no notebook open; afterwards every notebook tab
    is closed (changes discarded) and every kernel shut down, pass or fail."""
    lab_ui.js_errors.clear()
    try:
        yield lab_ui
    finally:
        _shot_if_failed(lab_ui, request)
        try:
            close_all_notebooks(lab_ui)
        finally:
            lab.shutdown_kernels()
