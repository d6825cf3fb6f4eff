"""The security event log records each kind of event, and never a secret (AUD-04)."""

from __future__ import annotations

import json

import pytest
from allauth.mfa.models import Authenticator
from django.core.serializers.json import DjangoJSONEncoder

from pledges.models import SecurityEvent, SecurityEventKind
from pledges.roles import Role
from tests.factories import DEFAULT_PASSWORD, TEST_TOTP_SECRET, totp_code
from tests.staff.conftest import sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "an even longer new passphrase"
WRONG_PASSWORD = "a wrong but long password"


def every_row_as_json() -> str:
    rows = list(SecurityEvent.objects.values())
    return json.dumps(rows, cls=DjangoJSONEncoder)


def test_each_event_type_is_recorded_without_any_secret(client, staff_in_role):
    # AUD-04
    editor = staff_in_role(Role.EDITOR)
    secrets_seen = {DEFAULT_PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, TEST_TOTP_SECRET}

    # a failed sign-in (identifier only)
    client.post("/en/accounts/login/", {"login": editor.email, "password": WRONG_PASSWORD})
    # a wrong TOTP code, then a sign-in with the right one
    client.post("/en/accounts/login/", {"login": editor.email, "password": DEFAULT_PASSWORD})
    client.post("/en/accounts/2fa/authenticate/", {"code": "123456"})
    code = totp_code()
    secrets_seen.add(code)
    client.post("/en/accounts/2fa/authenticate/", {"code": code})
    # a permission denial on a staff page
    assert client.get("/en/staff/invite/").status_code == 403
    # a password change
    changed = client.post(
        "/en/accounts/password/change/",
        {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    # MFA changes: recovery codes generated, then TOTP removed (after re-authentication)
    client.post("/en/accounts/reauthenticate/", {"password": NEW_PASSWORD})
    client.post("/en/accounts/2fa/recovery-codes/generate/", {})
    removed = client.post("/en/accounts/2fa/totp/deactivate/", {})
    assert removed.status_code == 302
    assert not Authenticator.objects.filter(user=editor, type="totp").exists()
    # sign-out
    client.post("/en/accounts/logout/")

    kinds = list(SecurityEvent.objects.order_by("at", "pk").values_list("kind", flat=True))
    assert set(kinds) >= {
        SecurityEventKind.LOGIN_FAILED,
        SecurityEventKind.LOGIN,
        SecurityEventKind.PERMISSION_DENIED,
        SecurityEventKind.PASSWORD_CHANGED,
        SecurityEventKind.MFA_CHANGED,
        SecurityEventKind.LOGOUT,
    }, kinds
    failed = SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN_FAILED)
    assert {e.detail["stage"] for e in failed} == {"password", "mfa"}
    assert all(e.identifier == editor.email and e.user is None for e in failed)
    mfa_changes = SecurityEvent.objects.filter(kind=SecurityEventKind.MFA_CHANGED)
    assert {(e.detail["action"], e.detail["type"]) for e in mfa_changes} >= {("removed", "totp")}
    # and no secret appears anywhere in any row
    dump = every_row_as_json()
    leaked = [secret for secret in secrets_seen if secret in dump]
    assert not leaked, leaked
    recovery = Authenticator.objects.filter(user=editor, type="recovery_codes").first()
    if recovery is not None:
        from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

        assert not any(c in dump for c in RecoveryCodes(recovery).get_unused_codes())


def test_an_invitation_key_never_reaches_the_log(client, staff_in_role):
    # AUD-04
    from django.core import mail

    client.force_login(staff_in_role(Role.ADMIN))
    client.post("/en/staff/invite/", {"email": "new@example.org", "role": Role.VIEWER})
    link = mail.outbox[0].body.split("/en/accounts/password/reset/key/")[1].split("/")[0]
    key = link.split("-", 1)[1]
    assert key not in every_row_as_json()


def test_the_log_drops_secret_keys_a_caller_passes_by_mistake(alice):
    # AUD-04
    from pledges.audit import security_event_log

    security_event_log(
        kind=SecurityEventKind.LOGIN,
        user=alice,
        detail={"password": "hunter2hunter2", "token": "abc", "code": "123456", "ok": 1},
    )
    assert SecurityEvent.objects.get().detail == {"ok": 1}


def test_a_sign_in_is_recorded_with_user_and_address(client, staff_in_role):
    # AUD-04
    editor = staff_in_role(Role.EDITOR)
    sign_in(client, editor)
    event = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN)
    assert event.user == editor
    assert event.ip_address == "127.0.0.1"
