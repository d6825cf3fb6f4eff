"""Issue 14 in a browser: in Arabic the layout mirrors, and axe-core finds nothing serious.

The positions are compared with the same page in English: what sits at the start (the left)
in English sits at the start (the right) in Arabic. The catalogues may still be untranslated,
so the comparison is of boxes and directions, not of text.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import override

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

WIDTH = 1280
TOLERANCE = 6  # px: scrollbar and rounding


def path(name: str, language: str, **kwargs) -> str:
    with override(language):
        return reverse(name, kwargs=kwargs or None)


def box(page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, selector
    return found


def test_the_public_layout_mirrors_in_arabic(page, reference_data):
    page.set_viewport_size({"width": WIDTH, "height": 800})
    boxes = {}
    for language in ("en", "ar"):
        page.goto(path("dashboards:map", language))
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        boxes[language] = {
            "brand": box(page, ".site-header .brand"),
            "nav": box(page, "nav[aria-label] ul li"),
            "search": box(page, ".site-search"),
            "legend": [box(page, f".legend li >> nth={i}") for i in (0, 1)],
        }
        # the skip link, when focused, appears at the start of the line
        page.keyboard.press("Tab")
        boxes[language]["skip"] = box(page, ".skip-link")
    en, ar = boxes["en"], boxes["ar"]
    # in English the brand is at the left edge, the search at the right; in Arabic mirrored
    assert en["brand"]["x"] < en["search"]["x"]
    assert ar["brand"]["x"] > ar["search"]["x"]
    right_edge_ar = ar["brand"]["x"] + ar["brand"]["width"]
    assert abs(en["brand"]["x"] - (WIDTH - right_edge_ar)) <= TOLERANCE
    # the first menu item is at the start: the left in English, the right in Arabic
    assert en["nav"]["x"] < WIDTH / 2 < ar["nav"]["x"]
    # the legend reads from the start too
    assert en["legend"][0]["x"] < en["legend"][1]["x"]
    assert ar["legend"][0]["x"] > ar["legend"][1]["x"]
    # the focused skip link: top left in English, top right in Arabic
    assert en["skip"]["x"] < WIDTH / 2 < ar["skip"]["x"]


def test_the_states_table_and_the_switcher_mirror_in_arabic(page, reference_data):
    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.goto(path("dashboards:map", "ar"))
    header = page.locator(".data-table thead th")
    first, second = header.nth(0).bounding_box(), header.nth(1).bounding_box()
    assert first["x"] > second["x"]  # the first column is on the right
    # the switcher names each language in its own language, and goes to the same page
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"**{path('dashboards:map', 'en')}")
    assert page.locator("html").get_attribute("dir") == "ltr"


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("dashboards:home", {}),
        ("dashboards:map", {}),
        ("dashboards:country", {"iso3": "KEN"}),
        ("dashboards:pledge", {}),
        ("dashboards:partners", {}),
        ("drafting:join", {}),
        ("account_login", {}),
    ],
)
def test_arabic_pages_have_no_serious_accessibility_violations(page, reference_data, name, kwargs):
    for size in ({"width": 390, "height": 844}, {"width": WIDTH, "height": 800}):
        page.set_viewport_size(size)
        page.goto(path(name, "ar", **kwargs))
        assert page.locator("html").get_attribute("lang") == "ar"
        violations = axe_violations(page)
        assert violations == [], [(v["id"], v["help"], size) for v in violations]
    assert page.requests_outside == []
