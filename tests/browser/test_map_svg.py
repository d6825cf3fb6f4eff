"""Issue 12, item 1: the server-drawn SVG map in a real browser, with and without scripts."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.test_map import DRAWN

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_world(reference_data):
    from campaign.demo import demo_accounts_ensure, demo_data_build

    users = demo_accounts_ensure(password="demo-password-for-tests")
    demo_data_build(editor=users["editor"], verifier=users["verifier"], today=dt.date(2026, 11, 1))


DESKTOP = {"width": 1366, "height": 900}


def _box_height(page) -> float:
    return page.evaluate(
        "() => document.getElementById('world-map').getBoundingClientRect().height"
    )


def test_without_javascript_the_svg_is_the_map_and_no_topojson_is_downloaded(
    browser, live_server, demo_world
):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=DESKTOP
    )
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        # when
        page.goto("/en/map/", wait_until="load")
        # then: the map is drawn, a state's title names it, no topojson came down
        svg = page.locator("#world-map svg.map-svg")
        assert svg.is_visible()
        assert svg.locator("a[data-iso3]").count() == 195
        assert svg.locator("a[data-iso3='BRA'] title").text_content().startswith("Brazil: ")
        assert not [url for url in requested if "topojson" in url], requested
        assert not [url for url in requested if url.endswith(".js")], requested
        assert page.get_by_text("needs JavaScript").count() == 0
    finally:
        context.close()


def test_plotly_takes_over_in_the_same_box_without_a_jump(browser, live_server, demo_world):
    # given: the box as drawn by the server alone
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=DESKTOP
    )
    page = context.new_page()
    page.goto("/en/map/")
    server_height = _box_height(page)
    context.close()
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    page = context.new_page()
    try:
        # when plotly has drawn
        page.goto("/en/map/")
        page.wait_for_selector(f"#world-map{DRAWN}")
        # then the server's SVG is gone, plotly's map is there, the box kept its size
        assert page.locator("#world-map [data-map-static]").count() == 0
        assert page.locator("#world-map path.choroplethlocation").count() == 172
        assert abs(_box_height(page) - server_height) <= 1, (server_height, _box_height(page))
    finally:
        context.close()


def test_a_state_on_the_svg_map_is_a_link_to_its_page(browser, live_server, demo_world):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=DESKTOP
    )
    page = context.new_page()
    try:
        page.goto("/en/map/")
        page.locator("#world-map svg a[data-iso3='BRA'] path").click()
        page.wait_for_url("**/countries/BRA/")
    finally:
        context.close()
