"""Mandatory MFA for every staff account; TOTP secrets encrypted at rest (AUTH-02)."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.messages import get_messages
from django.test import override_settings

from campaign.demo import DEMO_ACCOUNTS, demo_accounts_ensure
from pledges.roles import Role
from staff.accounts import DEMO_ACCOUNT_DOMAIN
from staff.adapters import MFAAdapter
from tests.factories import DEFAULT_PASSWORD, TEST_TOTP_SECRET, totp_code
from tests.staff.conftest import sign_in

pytestmark = pytest.mark.django_db

DEMO_ON = {"DEBUG": True, "DEMO_MODE": True, "MFA_DEMO_WAIVER": True}


def test_a_staff_member_without_an_authenticator_is_sent_to_set_one_up(client, staff_in_role):
    # AUTH-02
    # given an editor who has not set up TOTP
    client.force_login(staff_in_role(Role.EDITOR, mfa=False))
    # when they open any staff page
    for path in ["/admin/", "/admin/pledges/pledgeevent/", "/en/staff/invite/", "/en/"]:
        response = client.get(path)
        # then they are sent to the authenticator set-up first
        assert response.status_code == 302, path
        assert response["Location"] == "/en/accounts/2fa/totp/activate/", path
        # and are told why, in words
        assert {str(m) for m in get_messages(response.wsgi_request)} == {
            "Two-factor authentication is required for every staff account. "
            "Set up an authenticator app to continue."
        }, path


def test_the_set_up_sign_out_and_password_pages_stay_reachable(client, staff_in_role):
    # AUTH-02
    client.force_login(staff_in_role(Role.EDITOR, mfa=False))
    for path in [
        "/en/accounts/2fa/",
        "/en/accounts/2fa/totp/activate/",
        "/en/accounts/logout/",
        "/en/accounts/password/change/",
    ]:
        response = client.get(path)
        assert response.status_code in (200, 302), path
        assert response.get("Location") != "/en/accounts/2fa/totp/activate/", path


def test_with_totp_the_staff_member_gets_through(client, staff_in_role):
    # AUTH-02
    # given an editor with TOTP, signed in with password and code
    editor = staff_in_role(Role.EDITOR)
    response = sign_in(client, editor)
    assert response.status_code == 302
    # when they open the admin
    # then they get it
    assert client.get("/admin/").status_code == 200


def test_sign_in_asks_for_the_code_and_refuses_a_wrong_one(client, staff_in_role):
    # AUTH-02
    editor = staff_in_role(Role.EDITOR)
    first = client.post(
        "/en/accounts/login/", {"login": editor.email, "password": DEFAULT_PASSWORD}
    )
    assert first["Location"] == "/en/accounts/2fa/authenticate/"
    wrong = client.post("/en/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert client.get("/admin/").status_code == 302  # not signed in


def test_setting_up_totp_in_the_browser_flow_lets_the_user_in(client, staff_in_role):
    # AUTH-02
    # given a new staff member who signed in with a password only
    editor = staff_in_role(Role.EDITOR, mfa=False)
    sign_in(client, editor)
    assert client.get("/admin/")["Location"] == "/en/accounts/2fa/totp/activate/"
    # when they activate TOTP with the secret shown and a code from their app
    page = client.get("/en/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret
    done = client.post("/en/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    # then they are through, and the secret is stored encrypted
    assert done.status_code == 302
    assert client.get("/admin/").status_code == 200
    stored = Authenticator.objects.get(user=editor, type=Authenticator.Type.TOTP).data["secret"]
    assert stored != secret and secret not in stored
    assert MFAAdapter().decrypt(stored) == secret


def test_totp_secrets_and_recovery_seeds_are_encrypted_at_rest(staff_in_role):
    # AUTH-02
    editor = staff_in_role(Role.EDITOR)
    totp = Authenticator.objects.get(user=editor, type=Authenticator.Type.TOTP)
    assert TEST_TOTP_SECRET not in str(totp.data)
    assert MFAAdapter().decrypt(totp.data["secret"]) == TEST_TOTP_SECRET
    codes = RecoveryCodes.activate(editor)
    seed = MFAAdapter().decrypt(codes.instance.data["seed"])
    assert seed not in str(codes.instance.data)
    assert codes.get_unused_codes()  # and the codes still work from the decrypted seed


def test_a_secret_cannot_be_read_with_another_secret_key(staff_in_role):
    # AUTH-02
    editor = staff_in_role(Role.EDITOR)
    stored = Authenticator.objects.get(user=editor).data["secret"]
    with (
        override_settings(SECRET_KEY="another-key-entirely-0123456789abcdefghijklmnop"),
        pytest.raises(ValueError, match="SECRET_KEY_FALLBACKS"),
    ):
        MFAAdapter().decrypt(stored)
    # but a rotated key kept as a fallback still reads it
    with override_settings(
        SECRET_KEY="another-key-entirely-0123456789abcdefghijklmnop",
        SECRET_KEY_FALLBACKS=[__import__("django.conf").conf.settings.SECRET_KEY],
    ):
        assert MFAAdapter().decrypt(stored) == TEST_TOTP_SECRET


def test_demo_mode_waives_mfa_for_the_demo_accounts_only(client, staff_in_role):
    # AUTH-02
    demo_users = demo_accounts_ensure(password="demo-pledge-2027")
    real_editor = staff_in_role(Role.EDITOR, mfa=False)
    with override_settings(**DEMO_ON):
        for account in DEMO_ACCOUNTS:
            assert account.email.endswith("@" + DEMO_ACCOUNT_DOMAIN)
            response = sign_in(client, demo_users[account.role], password="demo-pledge-2027")
            assert response.status_code == 302
            assert client.get("/admin/").status_code == 200, account.role
            client.logout()
        # a real account is not waived, even in demo mode
        sign_in(client, real_editor)
        assert client.get("/admin/")["Location"] == "/en/accounts/2fa/totp/activate/"


@pytest.mark.parametrize(
    "flags",
    [
        {"DEBUG": False, "DEMO_MODE": True, "MFA_DEMO_WAIVER": True},
        {"DEBUG": True, "DEMO_MODE": False, "MFA_DEMO_WAIVER": True},
        {"DEBUG": True, "DEMO_MODE": True, "MFA_DEMO_WAIVER": False},
    ],
)
def test_production_never_waives_mfa_for_demo_accounts(client, flags):
    # AUTH-02
    demo_users = demo_accounts_ensure(password="demo-pledge-2027")
    with override_settings(**flags):
        sign_in(client, demo_users["editor"], password="demo-pledge-2027")
        assert client.get("/admin/")["Location"] == "/en/accounts/2fa/totp/activate/"


def test_the_waiver_setting_is_off_whenever_debug_is_off():
    # AUTH-02: the setting itself, computed at start-up from the environment
    from tests.config.test_settings import PRODUCTION, run_django

    result = run_django(
        "from django.conf import settings; print(settings.MFA_DEMO_WAIVER)",
        **PRODUCTION,
        DEMO_MODE="1",
    )
    assert result.stdout.strip() == "False", result.stderr
    demo = run_django(
        "from django.conf import settings; print(settings.MFA_DEMO_WAIVER)",
        DEBUG="1",
        DEMO_MODE="1",
    )
    assert demo.stdout.strip() == "True", demo.stderr


def test_seed_demo_says_how_demo_users_sign_in(capsys):
    # AUTH-02
    from django.core.management import call_command

    from pledges.services import demo_data_mark

    demo_data_mark(seed=3, description="already built")  # only the accounts part runs
    with override_settings(**DEMO_ON):
        call_command("seed_demo", "--seed", "3")
    out = capsys.readouterr().out
    assert "waived for these demo accounts" in out and "never in production" in out
    call_command("seed_demo", "--seed", "3")  # DEBUG is off in tests
    assert "Two-factor authentication: required" in capsys.readouterr().out


def test_once_signed_in_the_mfa_check_costs_no_query(client, staff_in_role):
    # AUTH-02: the answer is kept in the session at sign-in, not asked of the database
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(client, staff_in_role(Role.ADMIN))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/staff/invite/").status_code == 200
    assert not [q["sql"] for q in queries if "mfa_authenticator" in q["sql"]]
