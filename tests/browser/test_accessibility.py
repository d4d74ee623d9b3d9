"""axe-core on what the course puts on screen: no serious or critical violations.

In JupyterLab axe is scoped to the notebook's output areas, where the course's widgets and
views live. JupyterLab's own chrome has violations the course cannot fix (found with axe-core
4.14 on JupyterLab 4.6: ``aria-allowed-attr`` on its toolbar buttons, ``aria-input-field-name``
on the CodeMirror cell editors, ``aria-required-children`` on the notebook's ``role="feed"``),
so checking the whole page would only ever report those. The Voilà app is the course alone,
so there the whole page is checked.
"""

from __future__ import annotations

import pytest

from tests.browser.a11y import blocking, describe, run_axe
from tests.browser.conftest import shot
from tests.browser.notebook import open_from_file_browser, run_all

pytestmark = pytest.mark.browser
OUTPUTS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea"


@pytest.mark.parametrize("lesson", ["05_when_not_to_massage", "09_build_your_routine"])
def test_lesson_outputs_have_no_serious_accessibility_violations(axe, lesson_page, lesson):
    page = lesson_page
    open_from_file_browser(page, f"{lesson}.ipynb")
    run_all(page)
    page.locator(f"{OUTPUTS} .lm-quiz, {OUTPUTS} .lm-builder").first.wait_for()
    found = blocking(run_axe(page, [OUTPUTS]))
    if found:
        shot(page, f"axe-{lesson}")
    assert not found, "\n" + describe(found)


def test_app_has_no_serious_accessibility_violations(axe, voila, page):
    page.goto(voila.address(""), timeout=60_000)
    page.locator(".lm-builder").wait_for(timeout=60_000)
    found = blocking(run_axe(page))
    assert not found, "\n" + describe(found)
