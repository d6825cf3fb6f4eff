import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


def test_home_shows_the_table_of_states(page, reference_data):
    # when
    page.goto("/")
    # then
    table = page.get_by_role("table", name="All states")
    assert table.is_visible()
    assert table.locator("tbody tr").count() == 195
    assert page.get_by_role("row", name="Kenya").is_visible()
    assert page.requests_outside == []


def test_home_has_no_serious_accessibility_violations(page, reference_data):
    page.goto("/")
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["help"]) for v in violations]
