"""End to end: an editor records a pledge, a verifier verifies it, the public sees it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.test import Client

from pledges.roles import Role
from tests.browser.conftest import axe_violations
from tests.factories import UserFactory
from tests.staff import with_role

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def staff_page(browser, live_server, user):
    """A browser signed in as `user` (the session made by Django's test client)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def test_an_editor_records_a_verifier_verifies_and_the_public_table_shows_it(
    browser, live_server, reference_data, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    alice = with_role(UserFactory(username="alice"), Role.EDITOR)
    bob = with_role(UserFactory(username="bob"), Role.VERIFIER)
    date = (dt.date.today() - dt.timedelta(days=3)).isoformat()

    # given Alice, the editor, records Kenya's pledge with a link and a PDF
    page = staff_page(browser, live_server, alice)
    page.goto("/en/staff/countries/KEN/")
    page.get_by_role("link", name="Record a pledge status change").click()
    page.get_by_label("New status").select_option("pledged")
    page.get_by_label("Date of the change").fill(date)
    page.get_by_label("Source link").fill("https://example.org/kenya-pledge")
    page.get_by_label("Source document").set_input_files(
        {"name": "decision.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label("Source title").fill("Cabinet decision")
    page.get_by_label("Publisher").fill("Ministry of ICT")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save as a draft").click()
    page.wait_for_url("**/staff/countries/KEN/")
    assert page.get_by_text("Saved as a draft").is_visible()
    # the public does not see a draft
    public = browser.new_context(base_url=live_server.url).new_page()
    public.goto("/en/")
    assert "No information" in public.locator("tr[data-iso3=KEN]").inner_text()

    # when Bob, the verifier, verifies it from his queue (keyboard only)
    review = staff_page(browser, live_server, bob)
    review.goto("/en/staff/")
    review.get_by_role("link", name="Review Kenya").focus()
    review.keyboard.press("Enter")
    review.wait_for_url("**/staff/review/pledge-event/**")
    assert review.get_by_role("link", name="https://example.org/kenya-pledge").is_visible()
    assert review.get_by_role("link", name="decision").is_visible()  # the uploaded PDF
    assert axe_violations(review) == []
    review.get_by_label("Verify: the evidence supports it").check()
    review.get_by_role("button", name="Record my decision").click()
    review.wait_for_url("**/staff/review/")
    assert review.get_by_text("Verified: the change is now public.").is_visible()

    # then the public table on / shows Kenya as pledged
    public.goto("/en/")
    row = public.locator("tr[data-iso3=KEN]")
    assert "Pledged" in row.inner_text()
    assert date in row.inner_text()
    for opened in (page, review, public):
        opened.context.close()
