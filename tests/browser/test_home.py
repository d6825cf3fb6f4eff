import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


def test_home_shows_the_table_of_states(page, reference_data):
    # when
    page.goto("/en/")
    # then
    table = page.get_by_role("table", name="All states")
    assert table.is_visible()
    assert table.locator("tbody tr").count() == 195
    assert page.get_by_role("row", name="Kenya").is_visible()
    assert page.requests_outside == []


def test_home_has_no_serious_accessibility_violations(page, reference_data):
    page.goto("/en/")
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["help"]) for v in violations]


def test_without_javascript_the_charts_show_their_tables_not_blank_boxes(
    browser, live_server, reference_data
):
    # before: three blank boxes and the tables folded away
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/en/")
        for chart in ("funnel", "over-time", "regions"):
            box = page.locator(f"[data-chart='{chart}']")
            assert "in the table below" in box.inner_text()
        assert page.get_by_role("table", name="States now at or beyond each step").is_visible()
        assert page.locator("details[data-chart-table][open]").count() == 3
        # and no download button that could not work
        assert page.get_by_role("button", name="Download PNG").count() == 0
    finally:
        context.close()


def test_with_javascript_the_charts_are_drawn_and_the_tables_fold(page, reference_data):
    page.goto("/en/")
    page.wait_for_selector("[data-chart='funnel'][data-chart-drawn]")
    page.wait_for_selector("[data-chart='regions'][data-chart-drawn]")
    assert page.locator("[data-chart-fallback]").count() == 0
    assert page.locator("details[data-chart-table][open]").count() == 0
    assert page.locator("[data-chart='funnel'] .main-svg").count() >= 1


def _chart_downloads(page, heading: str):
    return page.get_by_role("group", name=heading)


def test_a_chart_downloads_as_svg_with_its_title_and_source(page, reference_data):
    # given: the funnel drawn, its download buttons shown under it
    page.goto("/en/")
    page.wait_for_selector("[data-chart='funnel'][data-chart-drawn]")
    buttons = _chart_downloads(page, "States at or beyond each step of the ladder")
    svg_button = buttons.get_by_role("button", name="Download SVG")
    assert svg_button.is_visible()
    # when
    with page.expect_download() as info:
        svg_button.click()
    download = info.value
    # then: an SVG named for the chart and the date, saying what it shows and whence
    assert download.suggested_filename.startswith("global-pledge-tracker-funnel-20")
    assert download.suggested_filename.endswith(".svg")
    text = download.path().read_text(encoding="utf-8")
    assert text.lstrip().startswith("<svg")
    assert "States at or beyond each step of the ladder" in text
    assert "Verified data as of" in text
    assert "Not engaged" in text


def test_a_chart_downloads_as_png_from_the_keyboard(page, reference_data):
    # given
    page.goto("/en/")
    page.wait_for_selector("[data-chart='regions'][data-chart-drawn]")
    png_button = _chart_downloads(page, "Member States pledged, by region").get_by_role(
        "button", name="Download PNG"
    )
    # when: reached and pressed from the keyboard
    png_button.focus()
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    # then
    assert download.suggested_filename.startswith("global-pledge-tracker-regions-20")
    assert download.suggested_filename.endswith(".png")
    assert download.path().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
