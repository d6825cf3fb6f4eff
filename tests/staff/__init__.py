"""Staff-workspace test helpers: give the named actors a role and a signed-in client.

Actors as fixtures: alice (editor), bob (verifier), dave (a second editor), vera (viewer),
ada (admin). A conftest.py imports the ones its tests use."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from pledges.roles import Role, roles_ensure
from tests.factories import UserFactory


def with_role(user, role: str):
    """Give `user` a role and an authenticator: MFA is mandatory for staff (AUTH-02)."""
    user.groups.add(roles_ensure()[role])
    user.is_staff = True
    user.save()
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "test-only"}}
    )
    # Permissions are cached on the instance: fetch it again.
    return type(user).objects.get(pk=user.pk)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor(alice):
    """Alice, with the editor role."""
    return with_role(alice, Role.EDITOR)


@pytest.fixture
def verifier(bob):
    """Bob, with the verifier role."""
    return with_role(bob, Role.VERIFIER)


@pytest.fixture
def alice_client(editor):
    return signed_in(editor)


@pytest.fixture
def bob_client(verifier):
    return signed_in(verifier)


@pytest.fixture
def dave(db):
    """Dave, a second editor."""
    return with_role(UserFactory(username="dave"), Role.EDITOR)


@pytest.fixture
def vera(db):
    """Vera, a viewer."""
    return with_role(UserFactory(username="vera"), Role.VIEWER)


@pytest.fixture
def ada(db):
    """Ada, an administrator."""
    return with_role(UserFactory(username="ada"), Role.ADMIN)
