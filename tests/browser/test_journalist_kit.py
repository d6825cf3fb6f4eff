"""Issue 12, item 4, in a browser: map downloads, copy buttons; axe on /map/ at two sizes."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.test_map import DRAWN

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_world(reference_data):
    from campaign.demo import demo_accounts_ensure, demo_data_build

    users = demo_accounts_ensure(password="demo-password-for-tests")
    demo_data_build(editor=users["editor"], verifier=users["verifier"], today=dt.date(2026, 11, 1))


def test_the_map_downloads_as_png_and_svg(page, demo_world):
    page.goto("/en/map/")
    page.wait_for_selector(f"#world-map{DRAWN}")
    # given a region chosen after the page loaded
    page.get_by_label("Region", exact=True).select_option("Europe")
    page.wait_for_selector("#world-map[data-drawn*='|Europe|']")
    # when: PNG, drawn on the server with its legend and source, for the view shown
    with page.expect_download() as png:
        page.get_by_role("link", name="Download the map (PNG, with legend and source)").click()
    # then
    assert png.value.suggested_filename.endswith("-europe.png")
    assert png.value.path().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # and the SVG link follows the view too
    with page.expect_download() as svg:
        page.get_by_role("link", name="Download the map (SVG, with legend and source)").click()
    assert svg.value.suggested_filename.endswith("-europe.svg")
    assert b"<svg" in svg.value.path().read_bytes()
    assert page.requests_outside == []


def test_copy_the_link_of_the_view_shown(browser, live_server, demo_world):
    context = browser.new_context(base_url=live_server.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto("/en/map/")
        page.wait_for_selector(f"#world-map{DRAWN}")
        page.get_by_label("Show").select_option("strategy")
        page.wait_for_selector("#world-map[data-drawn^='strategy|']")
        # when
        page.get_by_role("button", name="Copy the link").click()
        # then
        page.get_by_text("Link copied.").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.endswith("/en/map/?layer=strategy")
        assert "layer=strategy" in page.locator("[data-citation]").input_value()
    finally:
        context.close()


@pytest.mark.parametrize("size", [(375, 812), (1366, 900)])
def test_the_map_page_has_no_serious_accessibility_violations(
    browser, live_server, demo_world, size
):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": size[0], "height": size[1]}
    )
    page = context.new_page()
    try:
        page.goto("/en/map/")
        page.wait_for_selector(f"#world-map{DRAWN}")
        violations = axe_violations(page)
        assert violations == [], [(v["id"], v["help"], v["nodes"][0]["target"]) for v in violations]
    finally:
        context.close()


def test_the_server_map_has_no_serious_accessibility_violations(page, demo_world):
    # given: the SVG map as a slow connection shows it (plotly not loaded: blocked here, as
    # axe needs scripts and so cannot run with them off)
    page.route("**/plotly-geo*.js", lambda route: route.abort())
    page.goto("/en/map/")
    assert page.locator("#world-map svg.map-svg").count() == 1
    # then
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["help"], v["nodes"][0]["target"]) for v in violations]
