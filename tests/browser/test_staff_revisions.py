"""End to end: an editor proposes a change to a published partner; the public still sees the
published one; a verifier reads the field-by-field change and verifies it."""

from __future__ import annotations

import pytest

from campaign.models import Partner
from pledges.roles import Role
from tests.browser.conftest import axe_violations
from tests.browser.test_staff_flow import staff_page
from tests.factories import UserFactory
from tests.staff import with_role

pytestmark = pytest.mark.browser


def test_a_change_to_a_published_partner_is_proposed_reviewed_and_verified(
    browser, live_server, reference_data
):
    alice = with_role(UserFactory(username="alice"), Role.EDITOR)
    bob = with_role(UserFactory(username="bob"), Role.VERIFIER)

    # given Alice finds UNICEF in the workspace's partner list
    page = staff_page(browser, live_server, alice)
    page.goto("/en/staff/")
    page.get_by_role("navigation", name="Staff workspace").get_by_role(
        "link", name="Partners"
    ).click()
    page.get_by_label("Name").fill("unicef")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Open or propose a change UNICEF").click()
    assert axe_violations(page) == []
    # when she proposes a new name, with a reason
    page.get_by_label("Name:").fill("UNICEF (United Nations Children's Fund)")
    page.get_by_label("Why (for the history, not public)").fill("Full name")
    page.get_by_role("button", name="Propose this change").click()
    assert page.get_by_text("Change proposed.").is_visible()
    # then the published partner is unchanged
    assert Partner.objects.get(slug="unicef").name == "UNICEF"

    # when Bob reviews it from his home page (keyboard only)
    review = staff_page(browser, live_server, bob)
    review.goto("/en/staff/")
    review.get_by_role("link", name="Review Partner UNICEF: 1 field changed").focus()
    review.keyboard.press("Enter")
    review.wait_for_url("**/staff/review/revision/**")
    assert review.get_by_text("Full name", exact=True).is_visible()
    assert review.get_by_role("cell", name="UNICEF (United Nations Children's Fund)").is_visible()
    assert axe_violations(review) == []
    review.get_by_label("Verify: the evidence supports it").check()
    review.get_by_role("button", name="Record my decision").click()
    review.wait_for_url("**/staff/review/")
    assert review.get_by_text("Verified: the change is now public.").is_visible()
    assert Partner.objects.get(slug="unicef").name == "UNICEF (United Nations Children's Fund)"


@pytest.mark.parametrize("size", [(375, 812), (1366, 900)])
def test_the_workspace_pages_fit_a_phone_and_pass_axe(browser, live_server, reference_data, size):
    bob = with_role(UserFactory(username="bob"), Role.VERIFIER)
    page = staff_page(browser, live_server, bob)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    pages = (
        "/en/staff/",
        "/en/staff/countries/?region=Africa",
        "/en/staff/partners/",
        "/en/staff/review/",
    )
    for path in pages:
        page.goto(path)
        # no sideways scrolling of the whole page
        assert page.evaluate("document.documentElement.scrollWidth") <= size[0], path
        assert axe_violations(page) == [], path
