"""How the course escapes text it did not write: one rule for HTML, one for Markdown.

Content comes from YAML, learner names from text boxes and file names from the class folder;
none of them may inject markup. Every page, card, widget and guide goes through these few
functions, so a newcomer finds the rule (and a fix to it) in one place.
"""

from __future__ import annotations

import html
import re

# Markdown (CommonMark) punctuation that can start markup; ``<`` and ``&`` also stop raw HTML.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|&!~])")


def esc(text: object) -> str:
    """Escape text for HTML (quotes too, so it is safe inside attributes)."""
    return html.escape(str(text), quote=True)


def squash(text: str) -> str:
    """Collapse runs of whitespace (YAML folded text) to single spaces, keeping the ends."""
    return re.sub(r"\s+", " ", text)


def md(text: str) -> str:
    """Backslash-escape Markdown punctuation on one line (whitespace squashed, ends kept)."""
    return _MD_SPECIAL.sub(r"\\\1", squash(text))


def cell(text: str) -> str:
    """Text for a Markdown table cell that is otherwise shown as written: a ``|`` would end
    the cell, so it becomes ``/``."""
    return text.replace("|", "/")


__all__ = ["cell", "esc", "md", "squash"]
