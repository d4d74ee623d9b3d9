"""The drawn leg and step pictures: every area and step is drawn, what each shows, alt text,
per-side kept-out areas, the hand's-width margin, determinism, and no figure leaks."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from course import plots
from course.figures import data, leg
from course.figures import palette as pal
from course.models import content


@pytest.fixture(autouse=True)
def _no_open_figures():
    plt.close("all")
    yield
    assert plt.get_fignums() == [], "a figure was left open in pyplot"


def words(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_every_area_has_a_shape_and_every_id_exists():
    assert data.check() == []
    drawn = {s.area for v in data.drawing().views.values() for s in v.areas}
    assert {a.id for a in content().areas} <= drawn


def test_check_names_an_area_without_a_shape():
    d = data.drawing()
    views = {k: v.model_copy(update={"areas": [s for s in v.areas if s.area != "calf"]})
             for k, v in d.views.items()}
    assert "area 'calf' has no shape on any view" in data.check(d.model_copy(
        update={"views": views}))


def test_bad_drawing_file_names_file_and_entry(tmp_path):
    bad = tmp_path / "drawing.yaml"
    text = data.DRAWING_FILE.read_text(encoding="utf-8").replace("crease: 48", "creese: 48", 1)
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"drawing.yaml: knee\.cre"):
        data.load(bad)


def test_leg_figure_has_four_views_and_marks_never_areas_on_each_view():
    fig = leg.leg_figure()
    axes = fig.axes
    assert [ax.get_title() for ax in axes] == ["Front", "Back", "Outer side", "Inner side"]
    never = [a.id for a in content().areas if a.never]
    assert set(never) == {"knee_hollow", "inner_thigh"}
    d = data.drawing()
    for ax, view in zip(axes, leg.ALL_VIEWS, strict=True):
        on_view = [s.area for s in d.views[view].areas if s.area in never]
        assert words(ax).count("never") == len(on_view), view
        hatched = [p for p in ax.patches if p.get_hatch() == pal.HATCH_NEVER]
        assert len(hatched) == len(on_view)
    alt = plots.alt_text(fig)
    assert alt.startswith("The right leg seen from the front, the back, the outer and the inner")
    assert "Hollow at the back of the knee: never massaged" in alt
    assert "Inner thigh and groin: never massaged" in alt


def test_margin_is_a_hands_width_below_the_crease_wherever_the_hollow_is_seen():
    knee = data.drawing().knee
    fig = leg.leg_figure()
    for ax, view in zip(fig.axes, leg.ALL_VIEWS, strict=True):
        bands = [p for p in ax.patches if p.get_gid() == "margin-below"]
        sees_hollow = any(s.area == "knee_hollow" for s in data.drawing().views[view].areas)
        assert len(bands) == (1 if sees_hollow else 0), view
        for band in bands:
            ys = [y for _x, y in band.get_xy()]
            assert (min(ys), max(ys)) == (knee.crease - knee.hand_width, knee.crease)
            assert band.get_hatch() == pal.HATCH_MARGIN
    back = fig.axes[1]
    assert "a hand's\nwidth" in words(back)
    assert "a hand's width (about 9 cm) below the knee crease" in plots.alt_text(fig)


def test_calf_shape_starts_below_the_margin():
    """The calf (where the ball goes) never reaches into the hand's width below the crease."""
    knee = data.drawing().knee
    for view in data.drawing().views.values():
        for s in view.areas:
            if s.area == "calf":
                assert s.rect is not None and s.rect[3] <= knee.crease - knee.hand_width


def test_kept_out_areas_are_shaded_on_the_leg_they_belong_to():
    fig = leg.leg_figure("tennis_ball", kept_out={"left": {"calf"}})
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["Left leg · front", "Left leg · back", "Right leg · front",
                      "Right leg · back"]
    kept = {ax.get_title(): words(ax).count("kept out") for ax in fig.axes}
    assert kept == {"Left leg · front": 0, "Left leg · back": 1, "Right leg · front": 0,
                    "Right leg · back": 0}
    crossed = {ax.get_title(): sum(p.get_hatch() == pal.HATCH_KEPT for p in ax.patches)
               for ax in fig.axes}
    assert crossed["Left leg · back"] == 1 and crossed["Right leg · back"] == 0
    alt = plots.alt_text(fig)
    assert "kept out on the left leg: Calf" in alt and "right leg: " not in alt
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[0] == "Tennis ball (thigh and calf)" and legend[-1] == "kept out"


def test_left_leg_is_the_mirror_of_the_right():
    right = leg.outline_path(data.drawing().views["front"], False).vertices
    left = leg.outline_path(data.drawing().views["front"], True).vertices
    assert [[-x, y] for x, y in right.tolist()] == left.tolist()


def test_a_plain_kept_out_list_counts_for_both_legs():
    assert leg.kept_by_side(["shin"]) == {"left": {"shin"}, "right": {"shin"}}
    fig = leg.leg_figure(kept_out=["shin"], sides=("left", "right"))
    assert [words(ax).count("kept out") for ax in fig.axes] == [1, 0, 1, 0]


@pytest.mark.parametrize("bad", [{"technique": "elbow"}, {"kept_out": ["toe"]},
                                 {"kept_out": {"middle": ["calf"]}},
                                 {"sides": ("up",)}])
def test_leg_figure_rejects_unknown_ids(bad):
    with pytest.raises(ValueError, match="Unknown"):
        leg.leg_figure(**bad)


def test_leg_figure_is_deterministic_and_colours_come_from_the_palette():
    a = plots.png_bytes(leg.leg_figure(kept_out={"right": {"shin"}}))
    b = plots.png_bytes(leg.leg_figure(kept_out={"right": {"shin"}}))
    assert a == b
    assert plots.OKABE_ITO == pal.OKABE_ITO


def test_ui_leg_displays_img_with_alt_text():
    from course import ui

    out = ui.leg(technique="thumb")
    bundle = out._repr_mimebundle_()
    assert bundle["text/plain"].startswith("The right leg seen from the front")
    assert bundle["text/html"].startswith('<img class="lm-figure" alt="The right leg')
