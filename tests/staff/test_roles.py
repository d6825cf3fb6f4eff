"""The whole role-by-action matrix, by permission and through real HTTP requests (AUTH-04)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from campaign.models import Campaign
from pledges.models import SecurityEvent, SecurityEventKind
from pledges.roles import EXPORT, IMPORT, INVITE, ROLE_PERMISSIONS, SECURITY_LOG, VERIFY, Role

pytestmark = pytest.mark.django_db

A, E, V, F, W = Role.ADMIN, Role.EDITOR, Role.VERIFIER, Role.FACILITATOR, Role.VIEWER

# action: (permission, roles allowed). Every role not listed is denied; so is a staff
# member with no role at all.
MATRIX = {
    "view the registry": ("pledges.view_pledge", {A, E, V, W}),
    "read the pledge text": ("pledges.view_pledgetext", {A, E, V, F, W}),
    "log a pledge status change": ("pledges.add_pledgeevent", {A, E}),
    "record a capability status": ("pledges.add_capabilitystatus", {A, E}),
    "verify someone else's change": (VERIFY, {A, V}),
    "import a file": (IMPORT, {A, E}),
    "export everything": (EXPORT, {A}),
    "read the security log": (SECURITY_LOG, {A}),
    "invite staff": (INVITE, {A}),
    "change staff accounts": ("auth.change_user", {A}),
    "change the campaign": ("campaign.change_campaign", {A}),
    "edit the pledge text": ("pledges.change_pledgetext", {A, E}),
    "start a new version of the pledge text": ("pledges.add_pledgetext", {A, E}),
    "remove a campaign milestone": ("campaign.delete_milestone", {A}),
    "manage partners": ("campaign.change_partner", {A, E}),
    # Children's co-drafting (issue 10): facilitators on their own sessions, admins on all.
    "run a children's drafting session": ("drafting.add_draftingsession", {A, F}),
    "moderate children's suggestions": ("drafting.change_suggestion", {A, F}),
    "credit a suggestion in a clause": ("drafting.add_suggestionuse", {A, E, F}),
    "remove a suggestion's credit": ("drafting.delete_suggestionuse", {A, E, F}),
    "act on every drafting session": ("drafting.manage_all_sessions", {A}),
}

# action: (method, path, status when allowed). Denied is always 403 for signed-in staff.
HTTP = {
    "view the registry": ("get", "/admin/pledges/pledge/", 200),
    "read the pledge text": ("get", "/admin/pledges/pledgetext/", 200),
    "log a pledge status change": ("get", "/en/staff/countries/KEN/pledge/new/", 200),
    "record a capability status": ("get", "/en/staff/countries/KEN/capabilities/mnr-01/new/", 200),
    "read the security log": ("get", "/admin/pledges/securityevent/", 200),
    "invite staff": ("get", "/en/staff/invite/", 200),
    "change staff accounts": ("get", "/admin/auth/user/", 200),
    "change the campaign": ("post", "/admin/campaign/campaign/{campaign}/change/", 200),
    "remove a campaign milestone": ("get", "/en/staff/campaign/", 200),
    "manage partners": ("get", "/admin/campaign/partner/add/", 200),
}

ROLES_AND_NONE = [*Role.ALL, None]


@pytest.mark.parametrize("role", ROLES_AND_NONE)
def test_role_matrix_by_permission(staff_in_role, role):
    # AUTH-04
    # given a staff member in the role (or in none), not a superuser
    user = staff_in_role(role) if role else _staff_without_role()
    fresh = get_user_model().objects.get(pk=user.pk)  # no permission cache
    # then every permission is granted exactly as the matrix says
    wrong = [
        f"{action}: expected {'allowed' if role in allowed else 'denied'}"
        for action, (permission, allowed) in MATRIX.items()
        if fresh.has_perm(permission) is not (role in allowed)
    ]
    assert not wrong, wrong


@pytest.mark.parametrize("role", ROLES_AND_NONE)
def test_role_matrix_through_http(client, staff_in_role, role):
    # AUTH-04, AUD-04
    # given a staff member in the role, signed in with MFA
    user = staff_in_role(role) if role else _staff_without_role()
    client.force_login(user)
    campaign = Campaign.objects.values_list("pk", flat=True).first()
    wrong = []
    for action, (method, path, ok_status) in HTTP.items():
        allowed = role in MATRIX[action][1]
        path = path.format(campaign=campaign)
        # when they try the action
        status = getattr(client, method)(path).status_code
        # then it is allowed or refused with 403, and each refusal is in the security log
        expected = ok_status if allowed else 403
        if status != expected:
            wrong.append(f"{method.upper()} {path}: {status}, expected {expected}")
    assert not wrong, wrong
    denied_paths = {
        path.format(campaign=campaign)
        for action, (_, path, _) in HTTP.items()
        if role not in MATRIX[action][1]
    }
    logged = SecurityEvent.objects.filter(kind=SecurityEventKind.PERMISSION_DENIED, user=user)
    assert set(logged.values_list("path", flat=True)) == denied_paths


def _staff_without_role():
    from tests.factories import UserFactory

    return UserFactory(username="no-role", email="no-role@example.org", is_staff=True)


def test_the_matrix_covers_every_role_and_every_permission_of_a_role():
    # AUTH-04: no permission is granted that the matrix does not examine
    examined = {permission for permission, _ in MATRIX.values()}
    granted = {p for perms in ROLE_PERMISSIONS.values() for p in perms}
    assert set(ROLE_PERMISSIONS) == set(Role.ALL)
    unexamined = granted - examined
    # view/add/change of the same model travel together: examined through one of them
    assert all(
        p.startswith(
            (
                "pledges.view_",
                "campaign.view_",
                "pledges.add_",
                "pledges.change_",
                "campaign.add_",
                "campaign.change_",
                "auth.view_",
                "drafting.view_",
                "drafting.change_",
            )
        )
        for p in unexamined
    ), unexamined


def test_every_permission_named_in_the_roles_exists_and_groups_match():
    # AUTH-04
    from pledges.roles import roles_ensure

    roles_ensure()
    for role, dotted in ROLE_PERMISSIONS.items():
        for name in dotted:
            app_label, codename = name.split(".")
            assert Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).exists(), f"{role}: {name} does not exist"
        group_perms = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=role).permissions.select_related("content_type")
        }
        assert group_perms == set(dotted), role
