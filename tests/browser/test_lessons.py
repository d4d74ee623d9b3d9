"""Scenario 1: every lesson opens in JupyterLab and "Run All Cells" ends cleanly on screen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from course.models import content
from tests.browser.conftest import shot
from tests.browser.notebook import open_from_file_browser, output_problems, run_all
from tests.browser.servers import ROOT

LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))

pytestmark = pytest.mark.browser


def stored_output_counts(path: Path) -> list[int]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [len(c["outputs"]) for c in cells if c["cell_type"] == "code"]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_runs_all_cells_without_errors(lesson_page, path):
    page = lesson_page
    panel = open_from_file_browser(page, path.name)
    run_all(page)

    # the lesson's own header is on screen, freshly rendered by the kernel
    title = content().lesson[path.stem].title
    first_output = panel.locator(".jp-CodeCell").first.locator(".jp-OutputArea-output")
    assert title in first_output.first.inner_text()

    # every cell that shows something in the stored lesson shows something now
    cells = panel.locator(".jp-CodeCell")
    expected = stored_output_counts(path)
    assert cells.count() == len(expected)
    for i, stored in enumerate(expected):
        if stored:
            shown = cells.nth(i).locator(".jp-OutputArea-output")
            assert shown.count() >= 1, f"code cell {i + 1} shows no output after Run All"
            assert shown.first.inner_text().strip() or shown.first.locator(
                "img, svg, canvas, .jupyter-widgets"
            ).count(), f"code cell {i + 1} shows an empty output"

    assert output_problems(page) == []
    assert page.js_errors == [], page.js_errors
    status = panel.locator(".jp-Notebook-ExecutionIndicator").get_attribute("data-status")
    assert status == "idle"
    shot(page, f"lesson-{path.stem}")
