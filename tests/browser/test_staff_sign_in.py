"""In a real browser: a demo editor reaches the admin; other staff must set up MFA (AUTH-02)."""

from __future__ import annotations

import pytest
from django.test import override_settings

from campaign.demo import demo_accounts_ensure
from pledges.roles import Role, roles_ensure
from tests.browser.conftest import axe_violations
from tests.factories import DEFAULT_PASSWORD, UserFactory

DEMO_PASSWORD = "demo-pledge-2027"


def sign_in(page, email: str, password: str) -> None:
    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_a_demo_editor_signs_in_and_reaches_the_admin(page, reference_data):
    # AUTH-02: demo mode (DEMO_MODE and DEBUG on) waives MFA for the demo accounts only
    demo_accounts_ensure(password=DEMO_PASSWORD)
    page.goto("/en/accounts/login/")
    assert axe_violations(page) == []
    with override_settings(DEBUG=True, DEMO_MODE=True, MFA_DEMO_WAIVER=True):
        sign_in(page, "editor@demo.invalid", DEMO_PASSWORD)
        page.goto("/admin/")
        assert page.url.endswith("/admin/")
        assert "Site administration" in page.title()
    assert not page.requests_outside


@pytest.mark.django_db(transaction=True)
def test_a_staff_member_without_mfa_is_sent_to_set_it_up(page, reference_data):
    # AUTH-02: even in demo mode, a real account is not waived
    groups = roles_ensure()
    editor = UserFactory(username="ed", email="ed@example.org", is_staff=True, mfa=False)
    editor.groups.add(groups[Role.EDITOR])
    with override_settings(DEBUG=True, DEMO_MODE=True, MFA_DEMO_WAIVER=True):
        sign_in(page, editor.email, DEFAULT_PASSWORD)
        page.goto("/admin/")
        assert page.url.endswith("/en/accounts/2fa/totp/activate/")
        assert page.get_by_role("heading", name="Activate Authenticator App").is_visible()
        assert "required for every staff account" in page.content()
        assert axe_violations(page) == []
