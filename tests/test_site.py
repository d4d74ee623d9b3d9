"""The offline site (``python -m course site``): every lesson readable with no kernel and no
network, widgets shown through their static fallbacks, nothing required from a CDN."""

from __future__ import annotations

import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup  # nbconvert's own dependency

import course
from course.apps import WIDGET_VIEW, AppError, build_site
from course.models import content

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"


class Page(HTMLParser):
    """Collects what the checks need: title, links, images, scripts and stylesheets."""

    def __init__(self, text: str):
        super().__init__()
        self.title = ""
        self.links: list[str] = []
        self.images: list[str] = []
        self.external: list[str] = []
        self._in_title = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "title":
            self._in_title = True
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if tag == "img":
            self.images.append(a.get("src") or "")
        # anything the browser would fetch to show the page
        for url in (a.get("src"), a.get("href") if tag == "link" else None):
            if url and re.match(r"(https?:)?//", url):
                self.external.append(f"<{tag}> {url}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    pages = build_site(out, NOTEBOOKS)
    assert pages[0] == out / "index.html"
    return out


def test_every_lesson_has_a_page_with_its_title(site: Path) -> None:
    for lesson in content().lessons:
        page = site / f"{lesson.id}.html"
        assert page.is_file(), f"no page for {lesson.id}"
        parsed = Page(page.read_text(encoding="utf-8"))
        assert lesson.title in parsed.title
        assert "index.html" in parsed.links  # the way back to the lessons table


def test_index_links_every_lesson_in_order_with_the_disclaimer(site: Path) -> None:
    text = (site / "index.html").read_text(encoding="utf-8")
    lessons = list(content().lessons)
    links = [link for link in Page(text).links if link.endswith(".html")]
    assert links == [f"{lesson.id}.html" for lesson in lessons]
    for lesson in lessons:
        assert html.escape(lesson.title) in text
        # The row's parts add up to the lesson: teaching, practice and the quiz.
        assert (
            f"<td>{lesson.teaching_minutes}</td><td>{lesson.practice_minutes}</td>"
            f"<td>{lesson.quiz_minutes}</td><td>{lesson.minutes}</td>"
        ) in text
    assert '<th scope="col">Quiz (min)</th>' in text
    assert course.DISCLAIMER in text
    assert "Warning signs" in text  # the red-flag box comes before the lessons


def test_pages_need_nothing_from_the_network(site: Path) -> None:
    for page in sorted(site.glob("*.html")):
        parsed = Page(page.read_text(encoding="utf-8"))
        assert parsed.external == [], f"{page.name} loads {parsed.external}"


def test_images_are_embedded(site: Path) -> None:
    images = []
    for page in sorted(site.glob("*.html")):
        for src in Page(page.read_text(encoding="utf-8")).images:
            assert src.startswith("data:image/"), f"{page.name}: image not embedded: {src[:60]}"
            images.append(src)
    assert images, "the lessons show figures (leg map, evidence chart); none reached the site"


def test_widgets_show_their_static_fallback(site: Path) -> None:
    """Every widget output is replaced by its stored text/html, not by an empty placeholder."""
    fallbacks = 0
    for lesson in content().lessons:
        nb = nbformat.read(NOTEBOOKS / f"{lesson.id}.ipynb", as_version=4)
        text = (site / f"{lesson.id}.html").read_text(encoding="utf-8")
        assert WIDGET_VIEW not in text, f"{lesson.id}: a live widget view reached the page"
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if WIDGET_VIEW in data and "text/html" in data:
                    fallbacks += 1
                    # nbconvert re-serialises the page with BeautifulSoup; compare alike
                    fallback = str(BeautifulSoup(data["text/html"], "html.parser")).strip()
                    assert fallback[:300] in text, f"{lesson.id}: widget fallback missing"
    assert fallbacks, "no stored widget output with a static fallback was found"


def test_code_is_hidden_unless_asked(site: Path, tmp_path: Path) -> None:
    assert "from course import ui" not in (site / "00_welcome.html").read_text(encoding="utf-8")
    shown = build_site(tmp_path, NOTEBOOKS, show_code=True)
    assert any("lesson_header" in p.read_text(encoding="utf-8") for p in shown)


def test_a_missing_lesson_stops_the_build(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, notebooks)
    (notebooks / "05_when_not_to_massage.ipynb").unlink()
    with pytest.raises(AppError, match="05_when_not_to_massage.ipynb"):
        build_site(tmp_path / "out", notebooks)
    assert not (tmp_path / "out").exists()
