"""Staff of each role, with or without an authenticator, and sign-in helpers; the named
actors of tests/staff/__init__.py (alice the editor, bob the verifier) as fixtures."""

from __future__ import annotations

import pytest

from pledges.roles import roles_ensure
from tests.factories import DEFAULT_PASSWORD, UserFactory, totp_code
from tests.staff import (  # noqa: F401 - fixtures
    ada,
    alice_client,
    bob_client,
    dave,
    editor,
    vera,
    verifier,
)


@pytest.fixture
def staff_in_role(db):
    """Make a staff member in one role; they have TOTP set up unless mfa=False."""
    groups = roles_ensure()

    def make(role: str, *, mfa: bool = True, name: str | None = None, **fields):
        name = name or f"{role}-person"
        user = UserFactory(
            username=name, email=f"{name}@example.org", is_staff=True, mfa=mfa, **fields
        )
        user.groups.add(groups[role])
        return user

    return make


def sign_in(client, user, *, password: str = DEFAULT_PASSWORD, code: str | None = None):
    """Sign in through allauth's real forms: password, then the TOTP code if asked."""
    response = client.post("/en/accounts/login/", {"login": user.email, "password": password})
    if response.status_code == 302 and response["Location"].startswith("/en/accounts/2fa/"):
        response = client.post(response["Location"], {"code": code or totp_code()})
    return response
