"""The course figures: what they show, their alt text, determinism, and no figure leaks."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timedelta

import matplotlib.pyplot as plt
import pytest

from course import plots
from course.models import content
from course.routine import build
from course.safety import Profile

PNG = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")


@pytest.fixture(autouse=True)
def _no_open_figures():
    plt.close("all")
    yield
    assert plt.get_fignums() == [], "a figure was left open in pyplot"


def texts(fig) -> list[str]:
    out = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    return [t for t in out if t]


def routine(**kw):
    return build(Profile(), minutes=kw.pop("minutes", 15), equipment=["tennis_ball"], **kw)


def test_import_course_does_not_import_matplotlib_or_widgets():
    code = (
        "import sys, course, course.ui; print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in {'matplotlib', 'ipywidgets'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_leg_map_labels_never_and_kept_out_areas_and_hatches_them():
    fig = plots.leg_map(kept_out=["calf"])
    words = [t.get_text() for ax in fig.axes for t in ax.texts]
    # knee hollow and inner thigh are never massaged; calf is kept out (back view only)
    assert words.count("never") == 2
    assert words.count("kept out") == 1
    assert [ax.get_title() for ax in fig.axes] == ["Front view", "Back view"]
    hatched = [p.get_hatch() for ax in fig.axes for p in ax.patches if p.get_hatch()]
    assert hatched.count("xx") == 1 and hatched.count("////") == 2
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == [t.name for t in content().techniques] + [
        "never massaged", "not worked", "kept out"]
    assert "Calf: kept out" in plots.alt_text(fig)
    assert "Hollow at the back of the knee: never massaged" in plots.alt_text(fig)


def test_leg_map_for_one_technique_colours_only_its_areas():
    fig = plots.leg_map("tennis_ball", highlight=["hamstring"])
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["Tennis ball (thigh and calf)", "never massaged", "not worked"]
    ball = plots.technique_colours()["tennis_ball"]
    stripes = {p.get_facecolor()[:3] for ax in fig.axes for p in ax.patches
               if p.get_clip_path() is not None}
    from matplotlib.colors import to_rgb

    assert stripes == {to_rgb(ball)}
    widths = [p.get_linewidth() for ax in fig.axes for p in ax.patches]
    assert 3.0 in widths  # the highlighted hamstring
    assert plots.alt_text(fig).startswith("Leg map for the Tennis ball")


def test_leg_map_stripes_one_band_per_technique_on_shared_areas():
    fig = plots.leg_map()
    front, back = fig.axes
    workers = {t.id: t.areas for t in content().techniques}
    on_foot = sum("foot" in areas for areas in workers.values())
    clipped = [p for p in back.patches if p.get_clip_path() is not None]
    # back view: foot and ankle and calf are striped; the foot alone has one band per technique
    assert on_foot == 3
    assert len(clipped) >= on_foot


@pytest.mark.parametrize("bad", [{"technique": "elbow"}, {"kept_out": ["toe"]}])
def test_leg_map_rejects_unknown_ids(bad):
    with pytest.raises(ValueError, match="Unknown"):
        plots.leg_map(**bad)


def test_timeline_one_bar_per_step_mmss_ticks_and_total():
    r = routine()
    fig = plots.timeline(r)
    ax = fig.axes[0]
    assert len(ax.patches) == len(r.steps)
    fig.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert ticks and all(re.fullmatch(r"\d\d:\d\d", t) for t in ticks)
    assert ticks[0] == "00:00" and ticks[-1] == "15:00"
    assert [t.get_text() for t in ax.get_yticklabels()] == [str(s.number) for s in r.steps]
    assert ax.get_title() == "Your routine: total 15:00"
    colours = plots.technique_colours()
    from matplotlib.colors import to_rgba

    for bar, step in zip(sorted(ax.patches, key=lambda p: p.get_x()), r.steps, strict=True):
        assert bar.get_x() == step.start and bar.get_width() == step.seconds
        assert bar.get_facecolor() == to_rgba(colours[step.technique])
    assert plots.alt_text(fig).startswith(f"Timeline of the routine, {len(r.steps)} steps")


def test_timeline_figure_redraws_in_place():
    tf = plots.TimelineFigure(key=False)
    short, long = routine(minutes=5), routine(minutes=30)
    tf.draw(short)
    tf.draw(long)
    assert len(tf.ax.patches) == len(long.steps)
    assert tf.ax.get_xlim() == (0, long.total_seconds)
    assert plots.alt_text(tf.fig) == plots.timeline_alt(long)


def test_evidence_chart_ranks_labels_and_highlight():
    fig = plots.evidence_chart("circulation")
    ax = fig.axes[0]
    c = content()
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "not supported", "limited", "moderate", "strong"]
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names == [b.name for b in reversed(c.benefits)]
    bold = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    assert bold == [c.benefit["circulation"].name]
    markers = [line for line in ax.lines if line.get_marker() == "o"]
    expected = [s.level.rank for b in c.benefits for s in b.scoped] + [
        b.level.rank for b in c.benefits if not b.scoped]
    assert sorted(m.get_xdata()[0] for m in markers) == sorted(expected)
    assert "Highlighted: Better blood circulation." in plots.alt_text(fig)
    with pytest.raises(ValueError):
        plots.evidence_chart("slimming")


def test_evidence_chart_keeps_the_self_massage_and_healthy_qualifiers():
    """Content review §3 item 11: the chart must not show therapist or lymphoedema evidence
    as if it applied to self-massage in healthy people."""
    fig = plots.evidence_chart()
    ax = fig.axes[0]
    labels = {t.get_text() for t in ax.texts}
    assert "limited (self) / moderate (therapist)" in labels
    assert "not supported (healthy) / limited (lymphoedema)" in labels
    assert "moderate" in labels and "limited" in labels  # unqualified rows stay plain
    alt = plots.alt_text(fig)
    assert "Less stress: limited (self) / moderate (therapist);" in alt
    assert "Lymphatic drainage: not supported (healthy) / limited (lymphoedema);" in alt
    # The solid bar stops at the qualified level (self / healthy); only a dotted line and an
    # open marker reach the better level.
    rows = {b.name: len(c_.benefits) - 1 - i for c_ in [content()]
            for i, b in enumerate(c_.benefits)}
    for name, solid_end, open_at in (("Less stress", 1, 2), ("Lymphatic drainage", 0, 1)):
        y = rows[name]
        solid = [ln for ln in ax.lines if ln.get_linestyle() == "-" and ln.get_marker() in
                 ("None", None, "") and list(ln.get_ydata()) == [y, y]]
        assert [list(ln.get_xdata()) for ln in solid] == [[0, solid_end]]
        hollow = [ln for ln in ax.lines if ln.get_marker() == "o"
                  and ln.get_markerfacecolor() == "white" and ln.get_ydata()[0] == y]
        assert [ln.get_xdata()[0] for ln in hollow] == [open_at]


def test_a_scoped_level_must_agree_with_the_headline_level():
    from pydantic import ValidationError

    from course.models import Benefit

    base = content().benefit["stress"].model_dump()
    with pytest.raises(ValidationError, match="must be the best of the scoped levels"):
        Benefit.model_validate({**base, "level": "strong"})


def test_score_history_lines_and_pass_mark():
    day = datetime(2025, 3, 1, 9)
    rows = [(day + timedelta(days=i), "safety", p) for i, p in enumerate([50, 70, 90])]
    rows.append((day + timedelta(days=1), "benefits", 100))
    fig = plots.score_history(rows, pass_mark=0.8)
    ax = fig.axes[0]
    data_lines = [line for line in ax.lines if line.get_marker() not in (None, "None", "")]
    assert sorted(len(line.get_ydata()) for line in data_lines) == [1, 3]
    mark = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert list(mark[0].get_ydata()) == [80, 80]
    assert "pass mark 80%" in texts(fig)
    assert plots.alt_text(fig) == (
        "Quiz scores over time (pass mark 80%). benefits: 1 sittings, latest 100%; "
        "safety: 3 sittings, latest 90%."
    )
    empty = plots.score_history([])
    assert "No quiz taken yet" in texts(empty)


def test_figure_html_has_alt_and_png_and_is_deterministic():
    html1 = plots.figure_html(plots.leg_map(kept_out=["shin"]))
    html2 = plots.figure_html(plots.leg_map(kept_out=["shin"]))
    assert html1 == html2
    assert PNG.search(html1)
    assert 'alt="Leg map, front and back views.' in html1
    assert html1.startswith("<img ")
    # the sanitised html (what nbval compares) is equal too
    assert PNG.sub("<PNG>", html1) == PNG.sub("<PNG>", html2)


def test_figure_html_escapes_alt_and_closes_pyplot_figures():
    fig = plt.figure()
    fig.set_label('a "quoted" <alt>')
    html = plots.figure_html(fig)
    assert 'alt="a &quot;quoted&quot; &lt;alt&gt;"' in html
    assert plt.get_fignums() == []


def test_every_figure_has_fixed_size_and_dpi():
    r = routine()
    for fig, size in [
        (plots.leg_map(), plots.LEG_MAP_SIZE),
        (plots.timeline(r), plots.TIMELINE_SIZE),
        (plots.evidence_chart(), plots.EVIDENCE_SIZE),
        (plots.score_history([]), plots.HISTORY_SIZE),
    ]:
        assert tuple(fig.get_size_inches()) == size
        assert fig.dpi == plots.DPI
        assert plots.alt_text(fig)
        plots.figure_html(fig)
