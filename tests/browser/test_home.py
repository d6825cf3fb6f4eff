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
    finally:
        context.close()


def test_with_javascript_the_charts_are_drawn_and_the_tables_fold(page, reference_data):
    page.goto("/en/")
    page.wait_for_selector("[data-chart='funnel'][data-chart-drawn]")
    page.wait_for_selector("[data-chart='regions'][data-chart-drawn]")
    assert page.locator("[data-chart-fallback]").count() == 0
    assert page.locator("details[data-chart-table][open]").count() == 0
    assert page.locator("[data-chart='funnel'] .main-svg").count() >= 1
