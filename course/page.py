"""The one shell of every standalone HTML page the course writes.

The workshop agenda (``course agenda --html``), the class report and the offline site's
index are files an instructor opens in a browser, prints or copies to a USB stick: each is a
complete page with a language, a character set, a title and the course's stylesheet, and no
script or web font, so it reads the same offline. (The lesson pages of the site come from
nbconvert's own template instead; see :mod:`course.apps`.)
"""

from __future__ import annotations

from course.markup import esc

# Readable line length, plain system fonts, ruled tables and a framed disclaimer: the same
# look for every page; a page adds its own few rules with ``css``.
COURSE_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;"
    "line-height:1.5}"
    "table{border-collapse:collapse}"
    "td,th{border:1px solid #999;padding:.3em .6em;text-align:left;vertical-align:top}"
    "img{max-width:100%}"
    ".lm-disclaimer{border:2px solid #D55E00;padding:.6em 1em;border-radius:4px}"
)


def html_page(title: str, body: str, *, css: str = "", lang: str = "en") -> str:
    """A complete HTML page: ``title`` is plain text (escaped here), ``body`` is HTML the
    caller has already escaped, ``css`` rules are added after the course's stylesheet."""
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{COURSE_CSS}{css}</style>\n</head>\n<body>\n"
        f"{body}\n</body>\n</html>\n"
    )


__all__ = ["COURSE_CSS", "html_page"]
