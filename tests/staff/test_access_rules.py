"""The workspace's gate, pinned where it lives (staff/access.py, staff/accounts.py,
staff/middleware.py): what the 403 page says, who counts as staff, what satisfies MFA, and
what the log keeps (issue 15, the mutmut survivors in docs/testing.md)."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory, override_settings

from pledges.models import SecurityEvent, SecurityEventKind
from pledges.roles import Role
from staff.access import forbidden
from staff.accounts import (
    MFA_OK_SESSION_KEY,
    mfa_satisfied,
    session_mfa_refresh,
    user_is_staff_member,
    user_other_sessions_end,
)
from tests.factories import UserFactory
from tests.staff import signed_in

pytestmark = pytest.mark.django_db


def test_a_page_refused_for_a_missing_permission_names_it_in_words(staff_in_role):
    viewer = staff_in_role(Role.VIEWER)
    response = signed_in(viewer).get("/en/staff/imports/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your role does not allow this." in page
    assert "This page needs the permission “Can import data from CSV or XLSX files”." in page
    # The refused page keeps the workspace around it: the way back, and the menu.
    assert response.context["abilities"].has_role
    assert 'href="/en/staff/"' in page


def test_the_403_page_says_what_was_refused_or_a_plain_default():
    request = RequestFactory().get("/en/staff/x/")
    request.user = AnonymousUser()
    said = forbidden(request, "The session is closed.")
    assert said.status_code == 403
    assert "The session is closed." in said.content.decode()
    default = forbidden(request, "")
    assert "Your role does not allow this." in default.content.decode()


def test_the_403_page_finds_a_staff_members_abilities_itself(staff_in_role):
    editor = staff_in_role(Role.EDITOR)
    request = RequestFactory().get("/en/staff/x/")
    request.user = editor
    request.session = SessionStore()
    response = forbidden(request, "No.")
    assert "Back to the workspace" in response.content.decode()


def test_a_signed_in_account_without_staff_is_refused_and_the_refusal_logged_with_its_path():
    user = UserFactory(username="outsider", email="outsider@example.org", is_staff=False)
    response = signed_in(user).get("/en/staff/")
    assert response.status_code == 403
    assert "for staff accounts only" in response.content.decode()
    (event,) = SecurityEvent.objects.filter(kind=SecurityEventKind.PERMISSION_DENIED)
    assert event.user == user
    assert event.path == "/en/staff/"
    assert event.detail == {"method": "GET"}


def test_who_counts_as_staff():
    assert not user_is_staff_member(AnonymousUser())
    assert not user_is_staff_member(object())  # no is_authenticated at all
    plain = UserFactory(username="plain", email="plain@example.org", is_staff=False)
    assert not user_is_staff_member(plain)
    assert user_is_staff_member(
        UserFactory(username="s", email="s@example.org", is_staff=True, is_superuser=False)
    )
    assert user_is_staff_member(
        UserFactory(username="su", email="su@example.org", is_staff=False, is_superuser=True)
    )


def test_only_the_users_own_totp_or_webauthn_satisfies_mfa(staff_in_role):
    owner = staff_in_role(Role.EDITOR, name="owner")
    other = staff_in_role(Role.EDITOR, name="other", mfa=False)
    assert mfa_satisfied(owner)
    assert not mfa_satisfied(other)  # another user's authenticator does not count
    Authenticator.objects.create(
        user=other, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x"}
    )
    assert not mfa_satisfied(other)  # recovery codes alone are not an authenticator


@override_settings(MFA_DEMO_WAIVER=True, DEMO_MODE=True, DEBUG=True)
def test_the_demo_waiver_needs_a_demo_address():
    from staff.accounts import DEMO_ACCOUNT_DOMAIN, mfa_waived

    assert mfa_waived(UserFactory(username="d", email=f"demo@{DEMO_ACCOUNT_DOMAIN}", mfa=False))
    assert not mfa_waived(UserFactory(username="n", email="", mfa=False))
    assert not mfa_waived(UserFactory(username="o", email="o@example.org", mfa=False))


def test_the_session_forgets_mfa_once_it_no_longer_holds(staff_in_role):
    user = staff_in_role(Role.EDITOR, name="forgetful")
    request = RequestFactory().get("/")
    request.session = SessionStore()
    assert session_mfa_refresh(request=request, user=user)
    assert request.session[MFA_OK_SESSION_KEY] is True
    Authenticator.objects.filter(user=user).delete()
    assert not session_mfa_refresh(request=request, user=user)
    assert MFA_OK_SESSION_KEY not in request.session


def test_ending_other_sessions_keeps_this_one_and_counts_the_others(staff_in_role):
    user = staff_in_role(Role.EDITOR, name="many")
    keys = []
    for n in range(3):
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session.create()
        keys.append(session.session_key)
        UserSession.objects.create(
            user=user, session_key=session.session_key, ip=f"127.0.0.{n + 1}", user_agent="t"
        )
    assert user_other_sessions_end(user=user, keep_session_key=keys[0]) == 2
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [
        keys[0]
    ]
    assert user_other_sessions_end(user=user, keep_session_key=None) == 1
