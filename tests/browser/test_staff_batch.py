"""End to end (issue 13): a verifier narrows the queue to an import batch and verifies it."""

from __future__ import annotations

import hashlib
import os

import pytest

from pledges.imports import PledgeStatusImporter, import_apply
from pledges.models import PledgeEvent
from pledges.roles import Role
from tests.browser.conftest import axe_violations
from tests.browser.test_staff_flow import staff_page
from tests.factories import UserFactory
from tests.staff import with_role

pytestmark = pytest.mark.browser

CONTENT = (
    b"country,status,date,source_url\r\n"
    b"KEN,pledged,2026-03-01,https://example.org/a\r\n"
    b"UGA,in_dialogue,2026-03-01,https://example.org/b\r\n"
)


@pytest.mark.parametrize("size", [(375, 812), (1366, 900)])
def test_a_batch_is_filtered_and_verified_from_the_queue(
    browser, live_server, reference_data, size
):
    alice = with_role(UserFactory(username="alice"), Role.EDITOR)
    bob = with_role(UserFactory(username="bob"), Role.VERIFIER)
    import_apply(importer=PledgeStatusImporter(), content=CONTENT, filename="east.csv", user=alice)
    batch = hashlib.sha256(CONTENT).hexdigest()
    page = staff_page(browser, live_server, bob)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto("/en/staff/review/")
    page.get_by_label("Import batch").fill(batch)
    page.get_by_role("button", name="Filter").click()
    button = page.get_by_role("button", name="Verify this batch (2 changes)")
    assert button.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
    assert axe_violations(page) == []
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['SCREENSHOTS']}/batch-{size[0]}.png", full_page=True)
    button.click()
    assert page.get_by_text("Verified 2 changes of the batch, each one logged.").is_visible()
    assert PledgeEvent.objects.public().count() == 2
