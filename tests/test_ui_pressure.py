"""The pressure explainer: bands, what is too much, caps and techniques from the content."""

from __future__ import annotations

import pytest

from course.models import content
from course.ui import pressure as up
from course.ui.display import WIDGET_VIEW


@pytest.mark.parametrize(
    ("value", "name"),
    [(0, "barely a touch"), (1, "barely a touch"), (2, "light"), (3, "light"),
     (4, "firm but comfortable"), (7, "firm but comfortable"), (8, "too much"), (10, "too much")],
)
def test_bands(value, name):
    assert up.band(value)[0] == name


def test_band_rejects_out_of_range():
    with pytest.raises(ValueError):
        up.band(11)


def test_every_value_says_when_it_is_too_much_and_that_it_is_a_convention():
    for value in range(11):
        html = up.explain_html(value)
        for sign in ("sharp, shooting or burning pain", "numbness or tingling",
                     "bruising the next day"):
            assert sign in html
        assert "not a validated rule" in html


def test_caps_and_techniques_come_from_the_content():
    c = content()
    html = up.explain_html(3)
    # caps below 3 are listed, caps at 3 are not
    assert "Poor arterial circulation (peripheral arterial disease): at most 2/10" in html
    assert "Pregnancy: at most 3/10" not in html
    fits = [t.name for t in c.techniques if t.pressure_min <= 3 <= t.pressure_max]
    assert fits and all(name in html for name in fits)
    assert "Warm towel" not in html  # 0-1 only
    low = up.explain_html(1)
    assert "No caution in the screening caps" in low


def test_slider_updates_the_explanation():
    p = up.pressure_explainer()
    assert p.slider.value == 5 and "5/10: firm but comfortable" in p.explanation.value
    p.slider.value = 9
    assert "9/10: too much" in p.explanation.value
    assert "Shin: at most 3/10" in p.explanation.value
    bundle = p._repr_mimebundle_()
    assert WIDGET_VIEW in bundle
    assert bundle["text/plain"] == "Pressure explainer: 9/10, too much"
    assert p.explanation.value in bundle["text/html"]
    assert p.slider.description == "Pressure (0-10)" and not p.slider.description_allow_html


def test_numb_feet_get_the_objective_cue_not_a_number():
    """Issue 9 / review §3 item 7: numb skin cannot feel a 0-10 discomfort number, so the
    explainer shows the condition's pressure_cue, at every pressure, never "at most N/10"."""
    c = content()
    cued = [x for x in c.screening_items if x.pressure_cue]
    assert cued, "numb feet carry a pressure_cue"
    for value in range(11):
        html = up.explain_html(value)
        for x in cued:
            assert f"{x.name}: {x.pressure_cue}" in html, value
            assert f"{x.name}: at most" not in html, value


def test_caps_include_the_risk_factors():
    c = content()
    for value in range(11):
        html = up.explain_html(value)
        for x in c.screening_items:
            if x.max_pressure is None or x.pressure_cue:
                continue
            assert (f"{x.name}: at most {x.max_pressure}/10" in html) == (x.max_pressure < value)
