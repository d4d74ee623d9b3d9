"""axe-core in the page: the accessibility rules a screen-reader or keyboard user relies on.

axe-core is installed from npm by ``tests/browser/install_axe.sh`` (into ``.venv``), or by
the project's own ``package.json`` (into ``node_modules``); whichever exists is injected.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.servers import ROOT

AXE_FILES = (
    ROOT / "node_modules" / "axe-core" / "axe.min.js",
    ROOT / ".venv" / "node_modules" / "axe-core" / "axe.min.js",
)
BLOCKING = ("serious", "critical")


def axe_file() -> Path | None:
    return next((p for p in AXE_FILES if p.is_file()), None)


def run_axe(page: Any, include: list[str] | None = None) -> list[dict]:
    """Run axe (WCAG 2.x A and AA rules and best practices) on the page, or only inside the
    elements matching the ``include`` selectors. Returns the violations."""
    path = axe_file()
    assert path is not None, "axe-core is not installed: bash tests/browser/install_axe.sh"
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(path))
    return page.evaluate(
        """async (include) => {
          const context = include ? {include: include.map(s => [s])} : document;
          const r = await axe.run(context, {resultTypes: ['violations']});
          return r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                      html: n.html.slice(0, 200),
                                      summary: n.failureSummary}))}));
        }""",
        include,
    )


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    """One readable paragraph per violation, for an assertion message."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} elements)")
        for n in v["nodes"][:3]:
            lines.append(f"    {n['target']}: {n['html']}")
    return "\n".join(lines)
