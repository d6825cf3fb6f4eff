"""The open data pages in a real browser: API docs from our own files under our CSP."""

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def test_api_docs_load_only_our_files_and_respect_the_csp(page, reference_data):
    # given a browser that records CSP violations
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # when
    response = page.goto("/api/docs/")
    # then Swagger UI renders every operation from the schema
    page.wait_for_selector(".opblock", timeout=15000)
    assert page.locator(".opblock").count() == 15  # with the index and the pledge text
    csp = response.headers["content-security-policy"]
    assert "unsafe-eval" not in csp
    assert "unsafe-inline" not in csp
    assert page.evaluate("window.__cspViolations") == []
    assert errors == []
    assert page.requests_outside == []


def test_data_page_is_accessible(page, reference_data):
    page.goto("/en/data/")
    assert page.get_by_role("table", name="countries").first.is_visible()
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["help"]) for v in violations]
    assert page.requests_outside == []


def test_exports_page_is_accessible(page, reference_data, settings, tmp_path):
    settings.SNAPSHOT_DIR = tmp_path
    page.goto("/exports/")
    assert page.get_by_role("link", name="global-pledge-tracker-").first.is_visible()
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["help"]) for v in violations]
