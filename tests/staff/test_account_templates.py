"""The account pages are the product's own, not allauth's defaults (AUTH-01)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_sign_in_uses_the_staff_templates_over_allauths(client):
    # staff/templates/account/login.html and allauth/layouts/base.html must win over the
    # templates allauth ships, although allauth comes first in INSTALLED_APPS.
    html = client.get("/en/accounts/login/").content.decode()
    assert "Staff sign-in" in html
    assert "there is no public sign-up" in html
    assert "/static/staff/css/accounts.css" in html
