"""The account services, called directly: what each refusal says and logs, and what each
success writes (staff/accounts.py; issue 15, the mutmut survivors in docs/testing.md).

The pages and the admin call these; here each rule is pinned where it lives, so a change
to the service that the pages would not show (a log entry, an error's field) still fails.
"""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings

from pledges.models import SecurityEvent, SecurityEventKind
from pledges.roles import ROLE_LABELS, Role
from pledges.services import ActionDenied
from staff.accounts import staff_invite, staff_roles_set

pytestmark = pytest.mark.django_db


def denials():
    return list(SecurityEvent.objects.filter(kind=SecurityEventKind.PERMISSION_DENIED))


def roles_of(user) -> set[str]:
    return set(type(user).objects.get(pk=user.pk).groups.values_list("name", flat=True))


# --- staff_roles_set --------------------------------------------------------------------------


def test_an_administrator_sets_exactly_the_roles_given_and_it_is_logged(staff_in_role):
    admin = staff_in_role(Role.ADMIN)
    member = staff_in_role(Role.EDITOR, name="member")
    staff_roles_set(actor=admin, user=member, roles=[Role.VERIFIER, Role.FACILITATOR])
    assert roles_of(member) == {Role.VERIFIER, Role.FACILITATOR}
    (event,) = SecurityEvent.objects.filter(kind=SecurityEventKind.ROLES_CHANGED)
    assert event.user == admin
    assert event.identifier == member.email
    assert event.detail == {
        "user_id": member.pk,
        "before": [Role.EDITOR],
        "after": [Role.FACILITATOR, Role.VERIFIER],
    }


def test_no_roles_at_all_removes_every_role(staff_in_role):
    admin = staff_in_role(Role.ADMIN)
    member = staff_in_role(Role.EDITOR, name="member")
    staff_roles_set(actor=admin, user=member, roles=[])
    assert roles_of(member) == set()


def test_the_same_roles_again_change_nothing_and_log_nothing(staff_in_role):
    admin = staff_in_role(Role.ADMIN)
    member = staff_in_role(Role.EDITOR, name="member")
    staff_roles_set(actor=admin, user=member, roles={Role.EDITOR})
    assert roles_of(member) == {Role.EDITOR}
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.ROLES_CHANGED).exists()


def test_an_unknown_role_is_refused_by_name_and_nothing_changes(staff_in_role):
    admin = staff_in_role(Role.ADMIN)
    member = staff_in_role(Role.EDITOR, name="member")
    with pytest.raises(ValidationError) as refused:
        staff_roles_set(actor=admin, user=member, roles=[Role.VIEWER, "superuser", "root"])
    assert refused.value.messages == ["Unknown role: root, superuser."]
    assert roles_of(member) == {Role.EDITOR}


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VERIFIER, Role.FACILITATOR, Role.VIEWER])
def test_only_an_administrator_changes_roles_and_a_refusal_is_logged(staff_in_role, role):
    actor = staff_in_role(role)
    member = staff_in_role(Role.VIEWER, name="member")
    with pytest.raises(ActionDenied):
        staff_roles_set(actor=actor, user=member, roles=[Role.ADMIN])
    assert roles_of(member) == {Role.VIEWER}
    (event,) = denials()
    assert event.user == actor
    assert event.detail == {"action": "change roles", "why": "missing auth.change_user"}


def test_an_administrator_cannot_change_their_own_roles(staff_in_role):
    admin = staff_in_role(Role.ADMIN)
    with pytest.raises(ActionDenied) as refused:
        staff_roles_set(actor=admin, user=admin, roles=[Role.ADMIN, Role.VERIFIER])
    assert "another administrator" in str(refused.value)
    assert roles_of(admin) == {Role.ADMIN}
    (event,) = denials()
    assert event.detail == {"action": "change roles", "why": "own account"}


def test_an_administrator_cannot_change_a_superusers_roles(staff_in_role):
    admin = staff_in_role(Role.ADMIN)
    root = staff_in_role(Role.VIEWER, name="root", is_superuser=True)
    with pytest.raises(ActionDenied):
        staff_roles_set(actor=admin, user=root, roles=[])
    assert roles_of(root) == {Role.VIEWER}
    (event,) = denials()
    assert event.detail == {"action": "change roles", "why": "superuser account"}


def test_a_superuser_may_change_any_account_including_their_own(staff_in_role):
    root = staff_in_role(Role.VIEWER, name="root", is_superuser=True)
    staff_roles_set(actor=root, user=root, roles=[Role.ADMIN])
    assert roles_of(root) == {Role.ADMIN}
    assert not denials()


# --- staff_invite -----------------------------------------------------------------------------


@override_settings(SITE_URL="https://pledge.example.org", PASSWORD_RESET_TIMEOUT=3 * 86400)
def test_an_invitation_makes_a_staff_account_that_only_the_link_opens(staff_in_role):
    admin = staff_in_role(Role.ADMIN, first_name="Ada", last_name="Admin")
    user = staff_invite(email="  New.Person@Example.ORG ", role=Role.VERIFIER, invited_by=admin)

    user = get_user_model().objects.get(pk=user.pk)
    assert user.email == "new.person@example.org"
    assert user.username.startswith("new.person")
    assert user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    assert roles_of(user) == {Role.VERIFIER}
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (
        "new.person@example.org",
        True,
        True,
    )

    (event,) = SecurityEvent.objects.filter(kind=SecurityEventKind.INVITATION)
    assert event.user == admin
    assert event.identifier == "new.person@example.org"
    assert event.detail == {"role": Role.VERIFIER, "invited_user_id": user.pk}

    (message,) = mail.outbox
    assert message.to == ["new.person@example.org"]
    assert message.subject == "You are invited to the Global Pledge Tracker staff workspace"
    assert "Ada Admin has invited you" in message.body
    assert str(ROLE_LABELS[Role.VERIFIER]) in message.body
    assert "expires in 3 days" in message.body
    assert "/accounts/password/reset/key/" in message.body


@override_settings(PASSWORD_RESET_TIMEOUT=3600)
def test_a_link_valid_for_less_than_a_day_says_one_day(staff_in_role):
    admin = staff_in_role(Role.ADMIN)
    staff_invite(email="short@example.org", role=Role.VIEWER, invited_by=admin)
    (message,) = mail.outbox
    assert "expires in 1 days" in message.body


def test_an_inviter_without_a_name_is_named_by_their_address(staff_in_role):
    admin = staff_in_role(Role.ADMIN, first_name="", last_name="")
    staff_invite(email="someone@example.org", role=Role.VIEWER, invited_by=admin)
    (message,) = mail.outbox
    assert f"{admin.email} has invited you" in message.body


def test_an_unknown_role_is_an_error_on_the_role_field(staff_in_role):
    admin = staff_in_role(Role.ADMIN)
    with pytest.raises(ValidationError) as refused:
        staff_invite(email="x@example.org", role="superuser", invited_by=admin)
    assert refused.value.message_dict == {"role": ["Unknown role."]}
    assert not get_user_model().objects.filter(email="x@example.org").exists()
    assert not mail.outbox


@pytest.mark.parametrize("taken", ["Taken@Example.org", "alias@example.org"])
def test_an_address_in_use_is_an_error_on_the_email_field(staff_in_role, taken):
    admin = staff_in_role(Role.ADMIN)
    member = staff_in_role(Role.EDITOR, name="taken")
    EmailAddress.objects.create(user=member, email="alias@example.org", verified=True)
    with pytest.raises(ValidationError) as refused:
        staff_invite(email=taken, role=Role.VIEWER, invited_by=admin)
    assert refused.value.message_dict == {
        "email": ["An account with this email address already exists."]
    }
    assert not mail.outbox


def test_an_invalid_address_is_refused(staff_in_role):
    admin = staff_in_role(Role.ADMIN)
    with pytest.raises(ValidationError):
        staff_invite(email="not an address", role=Role.VIEWER, invited_by=admin)
    assert get_user_model().objects.count() == 1


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VERIFIER, Role.FACILITATOR, Role.VIEWER])
def test_only_an_administrator_invites_and_a_refusal_is_logged(staff_in_role, role):
    actor = staff_in_role(role)
    with pytest.raises(ActionDenied):
        staff_invite(email="x@example.org", role=Role.ADMIN, invited_by=actor)
    (event,) = denials()
    assert event.user == actor
    assert event.detail == {"action": "invite", "why": "missing auth.add_user"}
    assert not get_user_model().objects.filter(email="x@example.org").exists()


def test_a_mail_server_refusal_leaves_no_half_made_account(staff_in_role, monkeypatch):
    admin = staff_in_role(Role.ADMIN)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("staff.accounts.send_mail", refuse)
    with pytest.raises(ConnectionRefusedError):
        staff_invite(email="x@example.org", role=Role.VIEWER, invited_by=admin)
    assert not get_user_model().objects.filter(email="x@example.org").exists()
    assert not EmailAddress.objects.filter(email="x@example.org").exists()
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.INVITATION).exists()
