"""The partner directory in a browser: axe-core clean on a phone and a desktop, no
horizontal scroll, nothing fetched from another site (issue 11, item 3)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

PHONE, DESKTOP = (375, 812), (1366, 900)


@pytest.mark.parametrize(
    "path", ["/en/partners/", "/en/partners/?type=donor&q=zzz-nothing", "/en/partners/unicef/"]
)
def test_partner_pages_are_axe_clean_on_phone_and_desktop(page, reference_data, path):
    for width, height in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(path)
        violations = axe_violations(page)
        assert violations == [], [(v["id"], v["help"], v["nodes"][:2]) for v in violations]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.requests_outside == []


def test_the_directory_filters_from_the_keyboard(page, reference_data):
    page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})
    page.goto("/en/partners/")
    page.get_by_label("Type").select_option("donor")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/partners/?type=donor**")
    assert page.locator(".partner-item").count() == 5
