"""The public map in a real browser (Debian's chromium through Playwright)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

DRAWN = "[data-drawn]"


@pytest.fixture
def demo_world(reference_data):
    from campaign.demo import demo_accounts_ensure, demo_data_build

    users = demo_accounts_ensure(password="demo-password-for-tests")
    demo_data_build(editor=users["editor"], verifier=users["verifier"], today=dt.date(2026, 11, 1))


def _shape_centre(page, iso3: str) -> tuple[float, float]:
    """Screen centre of a state's shape, found through the data plotly.js binds to it."""
    page.locator("#world-map").scroll_into_view_if_needed()
    box = page.evaluate(
        """iso3 => {
            for (const el of document.querySelectorAll('#world-map path.choroplethlocation')) {
                const d = el.__data__;
                if (d && d.loc === iso3) {
                    const r = el.getBoundingClientRect();
                    return [r.left + r.width / 2, r.top + r.height / 2];
                }
            }
            return null;
        }""",
        iso3,
    )
    assert box is not None, f"{iso3} not drawn"
    return box[0], box[1]


def _fills(page) -> list[str]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll(
            '#world-map path.choroplethlocation, #world-map .scattergeo path.point'))
            .map(el => el.style.fill)"""
    )


def test_the_map_draws_all_195_states_shapes_and_markers(page, demo_world):
    # when
    page.goto("/en/map/")
    page.wait_for_selector(f"#world-map{DRAWN}")
    # then
    shapes = page.locator("#world-map path.choroplethlocation").count()
    markers = page.locator("#world-map .scattergeo path.point").count()
    assert (shapes, markers) == (172, 23)
    assert page.get_by_text("do not imply official endorsement").first.is_visible()
    assert page.requests_outside == []


def test_hover_shows_the_name_and_click_opens_the_country_page(page, demo_world):
    page.goto("/en/map/")
    page.wait_for_selector(f"#world-map{DRAWN}")
    x, y = _shape_centre(page, "BRA")
    # when
    page.mouse.move(x, y)
    # then
    hover = page.locator("#world-map .hoverlayer .hovertext")
    hover.wait_for()
    assert "Brazil" in hover.text_content()
    # when
    page.mouse.click(x, y)
    # then
    page.wait_for_url("**/countries/BRA/")
    assert page.get_by_role("heading", level=1).text_content() == "Brazil"
    # and a small state without a shape is a marker that hovers and clicks the same way
    page.goto("/en/map/")
    page.wait_for_selector(f"#world-map{DRAWN}")
    page.locator("#world-map").scroll_into_view_if_needed()
    point = page.evaluate(
        """() => {
            for (const el of document.querySelectorAll('#world-map .scattergeo path.point')) {
                const ll = el.__data__ && el.__data__.lonlat;
                if (ll && ll[0] > 103 && ll[0] < 104.5) {
                    const r = el.getBoundingClientRect();
                    return [r.left + r.width / 2, r.top + r.height / 2];
                }
            }
            return null;
        }"""
    )
    assert point is not None  # Singapore has no shape at 110m
    page.mouse.move(*point)
    page.locator("#world-map .hoverlayer .hovertext").wait_for()
    assert "Singapore" in page.locator("#world-map .hoverlayer").text_content()
    page.mouse.click(*point)
    page.wait_for_url("**/countries/SGP/")
    assert page.requests_outside == []


def test_the_time_slider_layers_and_region_change_the_map(page, demo_world):
    page.goto("/en/map/")
    page.wait_for_selector(f"#world-map{DRAWN}")
    today = _fills(page)
    slider = page.get_by_label("Pledge status on", exact=True)
    assert slider.is_visible()
    # when the slider goes back to the first month
    slider.fill("0")
    # then the map shows the past: fewer states with any status
    page.wait_for_function(
        "() => document.getElementById('world-map').getAttribute('data-drawn').endsWith('-30')"
        " || /\\d{4}-\\d{2}-\\d{2}$/.test(document.getElementById('world-map')"
        ".getAttribute('data-drawn'))"
    )
    past = _fills(page)
    assert len(past) == len(today) == 195
    assert past != today
    grey = "rgb(189, 189, 189)"  # "no information"
    assert past.count(grey) > today.count(grey)
    assert "at=" in page.url  # the view is a permalink
    # and the layers and the region filter change it too
    page.get_by_label("Show").select_option("strategy")
    page.wait_for_selector("#world-map[data-drawn^='strategy|']")
    assert page.locator("[data-legend='strategy']").is_visible()
    assert not page.locator("[data-legend='pledge']").is_visible()
    page.get_by_label("Region", exact=True).select_option("Europe")
    page.wait_for_selector("#world-map[data-drawn^='strategy|Europe|']")
    drawn = page.locator(
        "#world-map path.choroplethlocation, #world-map .scattergeo path.point"
    ).count()
    assert drawn == 44  # 43 Member States and the Holy See
    assert page.locator("#states-table tbody tr:visible").count() == 44
    assert page.requests_outside == []


def test_the_map_page_works_without_javascript(browser, live_server, demo_world):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/en/map/")
        table = page.locator("#states-table")
        assert table.locator("tbody tr").count() == 195
        # the server-drawn SVG is the map (issue 12): every state drawn, none a message
        assert page.locator("#world-map svg.map-svg").is_visible()
        assert page.locator("#world-map svg.map-svg a[data-iso3]").count() == 195
        # when the visitor filters and sorts through plain links and forms
        page.get_by_label("Region", exact=True).select_option("Africa")
        page.get_by_role("button", name="Apply").click()
        page.wait_for_url("**/map/?*region=Africa*")
        # then
        assert table.locator("tbody tr").count() == 54
        page.get_by_role("link", name="Pledge status (sort)").click()
        assert page.locator("th[aria-sort='ascending']").count() == 1
        assert table.locator("tbody tr").count() == 54
    finally:
        context.close()


def test_public_pages_have_no_serious_accessibility_violations(page, demo_world):
    for url in ["/en/", "/en/map/", "/en/countries/KEN/", "/en/embed/map/"]:
        page.goto(url)
        if url != "/en/countries/KEN/":
            page.wait_for_selector(DRAWN)
        violations = axe_violations(page)
        assert violations == [], [
            (url, v["id"], v["help"], v["nodes"][0]["target"]) for v in violations
        ]
    assert page.requests_outside == []
