"""Driving a notebook in JupyterLab the way a learner does: open it, use the menus, look.

Everything here goes through what is on screen (menus, prompts, rendered outputs), never
through JupyterLab's internals, so a test fails when the learner would see something wrong.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from tests.browser.servers import Server

LOAD_TIMEOUT = 60_000  # ms: first page load compiles nothing, but a cold CI machine is slow
RUN_TIMEOUT = 120_000  # ms: the longest lesson runs in well under this
_workspaces = itertools.count(1)

# Problems a learner would see in the outputs, collected in the page (one round trip).
PROBLEMS_JS = r"""
(root) => {
  const found = [];
  const scope = root || document;
  for (const el of scope.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')) {
    found.push('stderr/error output: ' + el.innerText.slice(0, 400));
  }
  for (const el of scope.querySelectorAll('.jp-RenderedText')) {
    if (/Traceback|\b\w*Error\b/.test(el.innerText)) {
      found.push('text output with an error: ' + el.innerText.slice(0, 400));
    }
  }
  for (const el of scope.querySelectorAll('.jp-OutputArea-output')) {
    const t = el.innerText;
    if (/Error displaying widget|Error rendering widget|Loading widget\.\.\./.test(t)) {
      found.push('widget not rendered: ' + t.slice(0, 200));
    }
  }
  return found;
}
"""


def open_from_file_browser(page: Any, name: str) -> Any:
    """Double-click ``name`` in the file browser (already in its folder), as a learner opens
    a lesson; wait for its cells and an idle kernel. Returns the notebook panel locator."""
    text = page.locator(".jp-DirListing-itemText", has_text=re.compile(rf"^{re.escape(name)}$"))
    page.locator(".jp-DirListing-item").filter(has=text).dblclick()
    panel = page.locator(".jp-NotebookPanel:visible")
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current",
                 has_text=name).wait_for(timeout=LOAD_TIMEOUT)
    panel.locator(".jp-Cell").first.wait_for(timeout=LOAD_TIMEOUT)
    wait_idle(page)
    return panel


def close_all_notebooks(page: Any) -> None:
    """Close every notebook tab with its close icon, answering "Discard" to "Save your
    work": the runs are throwaway, and the working copy is never saved."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    tabs = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=".ipynb")
    for _ in range(20):  # bounded: one round per open tab
        if not tabs.count():
            return
        tabs.first.locator(".lm-TabBar-tabCloseIcon").click()
        discard = page.locator(".jp-Dialog button", has_text="Discard")
        try:
            discard.wait_for(timeout=3_000)
            discard.click()
        except PlaywrightTimeout:  # no dialog: the notebook was unchanged
            pass
        page.wait_for_timeout(100)


def open_notebook(page: Any, lab: Server, path: str) -> Any:
    """Open ``path`` (relative to the server root) in a fresh workspace; wait until its cells
    are drawn and its kernel is idle. Returns the notebook panel locator."""
    workspace = f"test{next(_workspaces)}"
    page.goto(lab.address(f"lab/workspaces/{workspace}/tree/{path}"), timeout=LOAD_TIMEOUT)
    panel = page.locator(".jp-NotebookPanel:visible")
    panel.locator(".jp-Cell").first.wait_for(timeout=LOAD_TIMEOUT)
    wait_idle(page)
    return panel


def wait_idle(page: Any, timeout: int = RUN_TIMEOUT) -> None:
    """Wait until the kernel is connected and idle, as the learner reads it: the status bar
    says "<kernel> | Idle" and the notebook's kernel indicator agrees. (The indicator alone
    also says idle for a kernel that is still starting, and cells run then are lost.)"""
    page.locator("#jp-main-statusbar .jp-StatusBar-TextItem",
                 has_text=re.compile(r"\(ipykernel\) \| Idle$")).wait_for(timeout=timeout)
    page.locator(
        '.jp-NotebookPanel:visible .jp-Notebook-ExecutionIndicator[data-status="idle"]'
    ).wait_for(timeout=timeout)


def menu(page: Any, top: str, item: str) -> None:
    """Click ``top`` in the menu bar, then the item labelled ``item`` (the words a learner
    reads; command ids differ between JupyterLab versions, labels have not)."""
    exact = re.compile(rf"^{re.escape(top)}$")
    page.locator(".lm-MenuBar-item", has_text=exact).click()
    label = page.locator(".lm-Menu-itemLabel", has_text=re.compile(rf"^{re.escape(item)}$"))
    page.locator(".lm-Menu-item:visible").filter(has=label).click()


def prompts(page: Any) -> list[str]:
    return page.locator(".jp-NotebookPanel:visible .jp-CodeCell .jp-InputArea-prompt") \
        .all_inner_texts()


def run_all(page: Any, timeout: int = RUN_TIMEOUT) -> None:
    """Clear every output (so only fresh ones are judged), then Run > Run All Cells, and wait
    until every code cell shows an execution number and the kernel is idle."""
    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(
        """() => [...document.querySelectorAll(
              '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')]
              .every(p => !/\\d/.test(p.textContent))""",
        timeout=10_000,
    )
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(
        """() => {
          const ps = [...document.querySelectorAll(
              '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')];
          return ps.length > 0 && ps.every(p => /^\\[\\d+\\]:$/.test(p.textContent.trim()));
        }""",
        timeout=timeout,
    )
    wait_idle(page, timeout)


def output_problems(page: Any, scope: Any = None) -> list[str]:
    """Error outputs, tracebacks and unrendered widgets on screen (empty list: none)."""
    handle = scope.element_handle() if scope is not None else None
    return page.evaluate(PROBLEMS_JS, handle)


def cell_with(page: Any, source: str) -> Any:
    """The code cell whose source contains ``source`` (exactly one)."""
    cells = page.locator(".jp-NotebookPanel:visible .jp-CodeCell").filter(
        has=page.locator(".jp-InputArea-editor", has_text=source)
    )
    return cells.first


def run_cell(page: Any, cell: Any) -> None:
    """Select a cell and run it with Shift+Enter, as a learner does; wait for the kernel."""
    cell.locator(".jp-InputArea-prompt").click()
    page.keyboard.press("Shift+Enter")
    wait_idle(page)
