"""Invitation-only staff accounts with 12+ character passwords (AUTH-01)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from pledges.models import SecurityEvent, SecurityEventKind
from pledges.roles import Role
from staff.accounts import staff_invite
from tests.factories import UserFactory
from tests.staff import with_role

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a long staff passphrase 2027"


def invitation_link() -> str:
    (message,) = mail.outbox
    match = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", message.body)
    assert match, message.body
    return urlsplit(match.group(0)).path


def test_an_admin_invites_a_verifier_who_gets_a_one_time_link(client, staff_in_role):
    # AUTH-01, AUD-04
    # given an administrator, signed in with MFA
    admin = staff_in_role(Role.ADMIN)
    client.force_login(admin)
    # when they invite someone as a verifier
    response = client.post(
        "/en/staff/invite/", {"email": "New.Verifier@Example.org", "role": Role.VERIFIER}
    )
    # then an account exists, in that role, that cannot sign in until a password is set
    assert response.status_code == 302
    invited = get_user_model().objects.get(email="new.verifier@example.org")
    assert not invited.has_usable_password()
    assert invited.is_staff and list(invited.groups.values_list("name", flat=True)) == ["verifier"]
    # and the invitee got one email with the link; the invitation is in the security log
    assert mail.outbox[0].to == ["new.verifier@example.org"]
    assert "verifier" in mail.outbox[0].body.lower()
    event = SecurityEvent.objects.get(kind=SecurityEventKind.INVITATION)
    assert event.user == admin
    assert event.identifier == "new.verifier@example.org"
    assert event.detail == {"role": "verifier", "invited_user_id": invited.pk}


def test_the_link_sets_a_password_of_12_characters_or_more_and_works_once(client, alice):
    # AUTH-01
    # given an invitation
    ada = with_role(UserFactory(username="ada"), Role.ADMIN)
    invited = staff_invite(email="vera@example.org", role=Role.VERIFIER, invited_by=ada)
    link = invitation_link()
    # when the invitee opens the link (allauth moves the key into the session)
    set_password_page = client.get(link)
    assert set_password_page.status_code == 302
    form_url = set_password_page["Location"]
    # then a short password is refused
    short = client.post(form_url, {"password1": "short pass", "password2": "short pass"})
    assert short.status_code == 200
    assert "at least 12 characters" in short.content.decode()
    # and a long one is accepted
    done = client.post(form_url, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    assert done.status_code == 302
    invited.refresh_from_db()
    assert invited.check_password(GOOD_PASSWORD)
    # and the link does not work a second time
    again = client.get(link, follow=True)
    assert again.context["token_fail"] is True
    invited.refresh_from_db()
    assert invited.check_password(GOOD_PASSWORD)


def test_there_is_no_public_sign_up(client):
    # AUTH-01
    # when someone tries to sign up
    response = client.post(
        "/en/accounts/signup/",
        {"email": "intruder@example.org", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )
    # then sign-up is closed and no account exists
    assert "closed" in response.content.decode().lower()
    assert not get_user_model().objects.filter(email="intruder@example.org").exists()


def test_the_login_page_offers_no_sign_up_link(client):
    # AUTH-01
    html = client.get("/en/accounts/login/").content.decode()
    assert "/en/accounts/signup/" not in html
    assert "invitation" in html


def test_an_address_already_in_use_cannot_be_invited_again(alice):
    # AUTH-01
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        staff_invite(
            email="ALICE@example.org",
            role=Role.EDITOR,
            invited_by=with_role(UserFactory(username="ada"), Role.ADMIN),
        )
    assert not mail.outbox


def test_an_editor_cannot_invite_through_the_service(alice):
    # The permission is the service's, whatever door calls it.
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        staff_invite(email="new@example.org", role=Role.ADMIN, invited_by=alice)
    assert not mail.outbox


def test_only_an_admin_may_open_the_invitation_page(client, staff_in_role):
    # AUTH-04, AUD-04
    # given an editor
    client.force_login(staff_in_role(Role.EDITOR))
    # when they try to invite someone
    response = client.post("/en/staff/invite/", {"email": "x@example.org", "role": Role.ADMIN})
    # then they are refused, nothing is created, and the refusal is logged
    assert response.status_code == 403
    assert not get_user_model().objects.filter(email="x@example.org").exists()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.PERMISSION_DENIED).count() == 1
