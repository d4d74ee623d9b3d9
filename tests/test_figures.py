"""The drawn leg and step pictures: every area and step is drawn, what each shows, alt text,
per-side kept-out areas, the hand's-width margin, determinism, and no figure leaks."""

from __future__ import annotations

import re

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


def test_check_holds_the_map_to_each_areas_side():
    """An area drawn on the wrong view of the front/back pair is named, with its side."""
    d = data.drawing()
    back = next(a for a in content().areas if a.side.value == "back")
    front = d.views["front"]
    moved = front.model_copy(update={"areas": [
        *front.areas, next(s for s in d.views["back"].areas if s.area == back.id)]})
    assert data.check(d.model_copy(update={"views": {**d.views, "front": moved}})) == [
        f"area '{back.id}' (side: back) is drawn on the front view"
    ]
    gone = d.views["back"].model_copy(update={"areas": [
        s for s in d.views["back"].areas if s.area != back.id]})
    assert data.check(d.model_copy(update={"views": {**d.views, "back": gone}})) == [
        f"area '{back.id}' (side: back) has no shape on the back view"
    ]


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


# --- step pictures ---------------------------------------------------------------------------


def all_steps():
    return [(t.id, s.id) for t in content().techniques for s in t.steps]


def test_every_step_of_every_technique_has_a_drawing():
    d = data.drawing()
    missing = [f"{t}.{s}" for t, s in all_steps() if s not in d.steps.get(t, {})]
    assert missing == []


def test_check_names_a_step_without_a_drawing():
    d = data.drawing()
    steps = {t: dict(v) for t, v in d.steps.items()}
    del steps["thumb"]["arch"]
    assert "step 'thumb.arch' has no drawing" in data.check(d.model_copy(
        update={"steps": steps}))


@pytest.mark.parametrize(("technique", "step"), all_steps())
def test_each_step_picture_draws_what_its_data_says(technique, step):
    from matplotlib.patches import Circle, FancyArrowPatch

    from course.figures import steps

    sd = data.drawing().steps[technique][step]
    fig = steps.step_figure(technique, step)
    leg_ax, pos_ax, gauge = fig.axes
    arrows = [p for p in leg_ax.patches if isinstance(p, FancyArrowPatch)]
    joins = max(len(sd.holds) - 1, 0)
    assert len(arrows) == len(sd.arrows) + joins
    numbers = [t for t in words(leg_ax) if t.isdigit()]
    assert numbers == [str(i) for i in range(1, len(sd.holds) + 1)]
    balls = [p for p in leg_ax.patches if isinstance(p, Circle)]
    assert len(balls) == len(sd.holds) + sum(m.kind == "ball" for m in sd.marks)
    assert pos_ax.lines or pos_ax.patches  # the body-position pictogram
    p = steps.default_pressure(technique, step)
    assert f"{p}/10" in words(gauge)
    alt = plots.alt_text(fig)
    assert " ".join(sd.describe.split()) in alt
    assert f"Pressure {p} of 10" in alt
    assert data.drawing().positions[sd.position].name in alt


def test_calf_holds_are_numbered_down_from_a_hands_width_below_the_crease():
    from course.figures import steps

    knee = data.drawing().knee
    sd = data.drawing().steps["tennis_ball"]["calf_holds"]
    ys = [y for _x, y in sd.holds]
    assert ys == sorted(ys, reverse=True)  # 1, 2, 3 ... towards the ankle
    assert ys[0] + steps.BALL_RADIUS <= knee.crease - knee.hand_width
    assert sd.margin == "below"
    ham = data.drawing().steps["tennis_ball"]["hamstring_holds"]
    ys = [y for _x, y in ham.holds]
    assert ys == sorted(ys, reverse=True)  # from the hip towards the knee
    assert ys[-1] - steps.BALL_RADIUS >= knee.crease + knee.hand_width


def test_pressure_is_a_shade_that_darkens_with_the_number():
    from matplotlib.colors import to_rgb

    from course.figures import steps

    light = [sum(to_rgb(pal.pressure_shade(v))) for v in range(11)]
    assert light == sorted(light, reverse=True) and light[0] == 3.0
    fig = steps.step_figure("thumb", "toes", pressure=6)
    cells = [p for p in fig.axes[2].patches if p.get_width() == 1]
    assert len(cells) == 11
    assert "6/10" in words(fig.axes[2])
    with pytest.raises(ValueError, match="0 to 10"):
        steps.step_figure("thumb", "toes", pressure=11)


def test_left_step_picture_mirrors_and_kept_out_area_is_shaded():
    from course.figures import steps

    fig = steps.step_figure("tennis_ball", "calf_holds", side="left",
                            kept_out={"left": {"calf"}})
    assert "kept out" in words(fig.axes[0])
    assert "(left leg)" in plots.alt_text(fig)
    right = steps.step_figure("tennis_ball", "calf_holds", kept_out={"left": {"calf"}})
    assert "kept out" not in words(right.axes[0])


def test_step_pictures_are_deterministic():
    from course.figures import steps

    a = plots.png_bytes(steps.step_figure("finishing_strokes", "foot_strokes"))
    b = plots.png_bytes(steps.step_figure("finishing_strokes", "foot_strokes"))
    assert a == b


def test_unknown_step_or_technique_is_named():
    from course.figures import steps

    with pytest.raises(ValueError, match="Unknown step 'elbow'"):
        steps.step_figure("thumb", "elbow")
    with pytest.raises(ValueError, match="Unknown technique"):
        steps.step_figure("knee", "toes")


def test_motion_is_self_contained_html_with_a_still_fallback():
    import re

    from course.figures import steps

    assert steps.has_motion("tennis_ball", "calf_holds")
    assert not steps.has_motion("thumb", "hold")
    html = steps.motion_html("tennis_ball", "calf_holds")
    frames = re.findall(r"data:image/png;base64,", html)
    track = steps._motion_track(data.drawing().steps["tennis_ball"]["calf_holds"])
    assert len(frames) == len(track) + 2  # every frame, the still picture, the first shown
    assert html.count("<img") >= 2 and 'class="lm-figure" alt="Step 3' in html
    assert "<video" not in html and "ffmpeg" not in html
    assert 'role="group" aria-label="Animation, Tennis ball (thigh and calf): calf holds"' in html
    assert 'aria-label="Frame of the animation"' in html
    # every frame is one base64 token, so the nbval sanitiser hides all of its pixels
    sanitised = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "<PNG>", html)
    assert "iVBOR" not in sanitised and "\\\n" not in sanitised
    # offline: no stylesheet from a CDN, and no image without its picture or its words
    assert "font-awesome" not in html and "http" not in html.replace("http://www.w3.org", "")
    for img in re.findall(r"<img [^>]*>", html):
        assert 'alt="Step 3' in img and 'src="data:image/png;base64,' in img
    with pytest.raises(ValueError, match="nothing|no stroke"):
        steps.motion_html("thumb", "hold")


def test_ui_step_pictures_one_image_per_step():
    from course import ui

    out = ui.step_pictures("tennis_ball")
    bundle = out._repr_mimebundle_()
    n = len(content().technique["tennis_ball"].steps)
    assert bundle["text/html"].count("<img") == n
    assert bundle["text/plain"].count("Step ") == n


def test_builder_shows_both_legs_with_what_is_kept_out_and_caches_it():
    from course.ui import pictures
    from course.ui.builder import RoutineBuilder

    b = RoutineBuilder(require_quiz=False, live=False)
    with b.hold():
        b.conditions["varicose_veins"].value = True
        b.where["varicose_veins"].value = ("calf",)
    assert b.routine is not None and "calf" in b.routine.kept_out_areas
    assert "kept out on the left leg: Calf; kept out on the right leg: Calf" in b.leg.value
    assert b.leg.value.startswith('<img class="lm-figure" alt="Both legs')
    hits = pictures._kept_leg_html.cache_info().hits
    b.minutes.value = 7  # a new routine, the same kept-out areas: no redraw
    assert pictures._kept_leg_html.cache_info().hits == hits + 1
    per_leg = pictures.kept_leg_html({"right": ["shin"]})
    assert "kept out on the right leg: Shin" in per_leg and "left leg: " not in per_leg


@pytest.mark.parametrize(
    ("model", "raw", "message"),
    [
        (data.Part, {"curve": [[0, 0], [1, 1]], "line": [[0, 0], [1, 1]]},
         "give exactly one of curve, ellipse, line (got curve, line)"),
        (data.AreaShape, {"area": "calf"},
         "area 'calf': give exactly one of rect, ellipse, poly (got none)"),
    ],
)
def test_a_shape_is_given_one_way_only(model, raw, message):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=re.escape(message)):
        model.model_validate(raw)
