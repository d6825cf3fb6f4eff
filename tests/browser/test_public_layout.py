"""Issue 12 in a real browser: counts and captions follow the region, focus after Apply,
and no public page scrolls sideways on a phone."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.browser

DRAWN = "[data-drawn]"
PUBLIC_PAGES = [
    "/en/",
    "/en/map/",
    "/en/map/?region=Africa",
    "/en/countries/KEN/",
    "/en/countries/FJI/",
    "/en/embed/map/",
    "/en/data/",
    "/exports/",
    "/en/countries/XXX/",
]


@pytest.fixture
def demo_world(reference_data):
    from campaign.demo import demo_accounts_ensure, demo_data_build

    users = demo_accounts_ensure(password="demo-password-for-tests")
    demo_data_build(editor=users["editor"], verifier=users["verifier"], today=dt.date(2026, 11, 1))


def test_region_change_updates_the_count_and_the_caption(page, demo_world):
    # before: "195 states shown" and "All 195 states" after choosing Europe
    page.goto("/en/map/")
    page.wait_for_selector(f"#world-map{DRAWN}")
    page.get_by_label("Region", exact=True).select_option("Europe")
    page.wait_for_selector("#world-map[data-drawn*='|Europe|']")
    assert page.locator("[data-table-count]").inner_text() == "44 states shown"
    assert page.locator("[data-table-caption]").inner_text().startswith("44 states in Europe:")
    page.get_by_label("Region", exact=True).select_option("")
    assert page.locator("[data-table-count]").inner_text() == "195 states shown"
    assert page.locator("[data-table-caption]").inner_text().startswith("All 195 states")


def test_after_apply_focus_stays_where_it_was(page, demo_world):
    # before: focus went back to the top of the page
    page.goto("/en/map/")
    page.wait_for_selector(f"#world-map{DRAWN}")
    page.get_by_label("State name or ISO3 code").fill("Kenya")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/map/?**#states-heading")
    page.wait_for_function("() => document.activeElement && document.activeElement.id")
    assert page.evaluate("document.activeElement.id") == "f-apply"
    # and Enter in the search field keeps the focus in that field
    page.get_by_label("State name or ISO3 code").fill("Chile")
    page.get_by_label("State name or ISO3 code").press("Enter")
    page.wait_for_url("**q=Chile**")
    page.wait_for_function("() => document.activeElement && document.activeElement.id")
    assert page.evaluate("document.activeElement.id") == "f-q"


def test_the_caption_is_not_cut_off_on_a_phone(browser, live_server, demo_world):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 812})
    page = context.new_page()
    page.goto("/en/map/")
    box = page.locator("[data-table-caption]").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    context.close()


@pytest.mark.parametrize("width", [375, 1366])
def test_no_public_page_scrolls_sideways(browser, live_server, demo_world, width):
    # before: /data/ was 498 px and /exports/ 428 px wide on a 375 px phone
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 812}
    )
    page = context.new_page()
    wide = {}
    for url in PUBLIC_PAGES:
        page.goto(url)
        scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            wide[url] = scroll
    context.close()
    assert wide == {}, wide
