"""Engagement pages (issue 11, item 6): the list with its filters, the form and an engagement
with a follow-up, accessible on a phone and a desktop, and never carrying the banner about
public verification (engagements are never public)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from campaign.services import engagement_create
from pledges.roles import Role
from tests.browser.conftest import axe_violations
from tests.browser.test_staff_flow import staff_page
from tests.factories import UserFactory, country
from tests.staff import with_role

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", [(375, 812), (1366, 900)])
def test_engagement_pages_fit_a_phone_and_pass_axe(browser, live_server, reference_data, size):
    alice = with_role(UserFactory(username="alice"), Role.EDITOR)
    engagement = engagement_create(
        user=alice,
        country=country("GHA"),
        institution="Ministry of Communications",
        date=dt.date(2026, 11, 2),
        channel="email",
        outcome="Asked for the draft text",
        follow_up_due=dt.date.today() + dt.timedelta(days=3),
        next_step="Send the child-friendly text",
    )
    page = staff_page(browser, live_server, alice)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    paths = (
        reverse("staff:engagement_list"),
        reverse("staff:engagement_list") + "?region=Africa",
        reverse("staff:engagement_new"),
        reverse("staff:engagement_edit", args=[engagement.pk]),
    )
    for path in paths:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= size[0], path
        assert axe_violations(page) == [], path
        # engagements are never public: their banner says so, not "until verified"
        banner = page.locator(".staff-only").first.inner_text()
        assert "never public" in banner and "verifies" not in banner, path
    page.goto(reverse("staff:engagement_list"))
    assert page.get_by_text("Send the child-friendly text").first.is_visible()
