"""Who may verify, return and revise a draft, on the service and on every door (issue 15).

Each test names the one-line break it catches (measured in docs/testing.md):

- the verify permission removed from the service (`review_allowed_require`, `review_verify`,
  `review_return`): every role without it, on every reviewable model, through the service
  and through each door that verifies or returns (the review page's POST, any admin action);
- the author allowed to return (or verify) their own draft;
- "only the author revises a draft" removed from `review_draft_update`: through the service
  and through the workspace's edit pages and the admin;
- the import upload page without its permission check;
- a role holder without `is_staff` not sent to MFA set-up.

The reviewable models are found by introspection (subclasses of pledges.models.Reviewable):
a new one fails `test_every_reviewable_model_is_covered` until it has a draft maker here
and a review kind in staff/review_kinds.py.
"""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaign.models import Partner
from pledges import services
from pledges.models import (
    CapabilityStatus,
    NationalStrategy,
    PledgeEvent,
    Reviewable,
    ReviewState,
    Revision,
)
from pledges.roles import ROLE_PERMISSIONS, VERIFY, Role, roles_ensure
from staff.imports import IMPORTERS
from staff.review_kinds import REVIEW_KINDS
from tests.drafts import DRAFT_MAKERS
from tests.factories import UserFactory
from tests.staff import signed_in, with_role

pytestmark = pytest.mark.django_db

NO_ROLE = "staff without a role"
NOT_STAFF = "signed in, not staff"
# Written out, not derived from ROLE_PERMISSIONS: a role that gains the verify permission
# by mistake fails test_only_administrators_and_verifiers_hold_the_verify_permission.
VERIFIER_ROLES = {Role.ADMIN, Role.VERIFIER}
NON_VERIFIERS = [Role.EDITOR, Role.FACILITATOR, Role.VIEWER, NO_ROLE, NOT_STAFF]


KIND_OF = {kind.model: key for key, kind in REVIEW_KINDS.items()}
MODELS = sorted(DRAFT_MAKERS, key=lambda m: m.__name__)


def reviewable_models() -> set[type]:
    return {m for m in apps.get_models() if issubclass(m, Reviewable)}


def test_every_reviewable_model_is_covered():
    # a new reviewable model cannot be missed by the door tests below
    assert reviewable_models() == set(DRAFT_MAKERS) == set(KIND_OF)


def test_only_administrators_and_verifiers_hold_the_verify_permission():
    holders = {role for role, perms in ROLE_PERMISSIONS.items() if VERIFY in perms}
    assert holders == VERIFIER_ROLES
    assert set(NON_VERIFIERS) >= set(Role.ALL) - VERIFIER_ROLES


def actor(role: str, name: str = "actor"):
    if role == NO_ROLE:
        return UserFactory(username=name, email=f"{name}@example.org", is_staff=True)
    if role == NOT_STAFF:
        return UserFactory(username=name, email=f"{name}@example.org")
    return with_role(UserFactory(username=name, email=f"{name}@example.org"), role)


def state(record) -> tuple:
    fresh = type(record)._base_manager.get(pk=record.pk)
    return (fresh.review_state, fresh.lock_version, fresh.verified_by_id, fresh.review_comment)


def review_post(user, record, decision: str):
    path = reverse("staff:review_detail", args=[KIND_OF[type(record)], record.pk])
    return signed_in(user).post(
        path,
        {"decision": decision, "comment": "Please fix", "lock_version": record.lock_version},
    )


def admin_actions_run(user, record) -> list[str]:
    """Run every admin action of the record's model on it, as `user`; their names."""
    model_admin = admin.site._registry.get(type(record))
    if model_admin is None:
        return []
    url = reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_changelist")
    names = [name for _func, name, _desc in model_admin._get_base_actions()]
    client = signed_in(user)
    for name in names:
        client.post(url, {"action": name, "_selected_action": [record.pk]})
    return names


# --- a. Without the verify permission, no door verifies or returns ------------------------------


@pytest.mark.parametrize("role", NON_VERIFIERS)
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_no_role_without_the_verify_permission_verifies_or_returns_on_any_door(model, role):
    roles_ensure()
    author = actor(Role.EDITOR, "author")
    record = DRAFT_MAKERS[model](author)
    user = actor(role)
    before = state(record)
    # the service, for verify (every kind's own verify service, through record_verify)
    with pytest.raises(PermissionDenied):
        services.record_verify(record=record, user=user, expected_lock_version=record.lock_version)
    # and for return
    with pytest.raises(PermissionDenied):
        services.review_return(
            record=record, user=user, comment="Fix", expected_lock_version=record.lock_version
        )
    assert state(record) == before
    # the review page's POST, both decisions
    for decision in ("verify", "return"):
        response = review_post(user, record, decision)
        assert response.status_code in (302, 403), decision
        if response.status_code == 302:  # not staff: sent to sign in, never to the queue
            assert response["Location"].startswith("/en/accounts/"), decision
        assert state(record) == before, decision
    # every admin action on the model (there are none today; a new one is tried here)
    admin_actions_run(user, record)
    assert state(record) == before


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_a_different_verifier_verifies_and_returns_through_the_review_page(model):
    # the positive control: the door used above works for who may use it
    roles_ensure()
    author = actor(Role.EDITOR, "author")
    verifier = actor(Role.VERIFIER, "verifier")
    returned = DRAFT_MAKERS[model](author)
    assert review_post(verifier, returned, "return").status_code == 302
    assert state(returned)[0] == ReviewState.RETURNED
    type(returned)._base_manager.filter(pk=returned.pk).delete()
    verified = DRAFT_MAKERS[model](author)
    assert review_post(verifier, verified, "verify").status_code == 302
    assert state(verified)[0] == ReviewState.VERIFIED


# --- b. The author never returns (nor verifies) their own draft ---------------------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_the_author_cannot_return_or_verify_their_own_draft_on_any_door(model):
    # an administrator holds both the add and the verify permission: only four eyes stops them
    roles_ensure()
    author = actor(Role.ADMIN, "author")
    record = DRAFT_MAKERS[model](author)
    before = state(record)
    with pytest.raises(PermissionDenied):
        services.review_return(
            record=record, user=author, comment="Fix", expected_lock_version=record.lock_version
        )
    with pytest.raises(PermissionDenied):
        services.record_verify(
            record=record, user=author, expected_lock_version=record.lock_version
        )
    assert state(record) == before
    for decision in ("return", "verify"):
        assert review_post(author, record, decision).status_code == 403, decision
        assert state(record) == before, decision
    admin_actions_run(author, record)
    assert state(record) == before


# --- e. Only the author revises a draft ---------------------------------------------------------

# The workspace page where a draft of each kind is revised (the admin's door: below).
EDIT_PAGES = {
    PledgeEvent: lambda r: reverse("staff:draft_edit", args=["pledge-event", r.pk]),
    CapabilityStatus: lambda r: reverse("staff:draft_edit", args=["capability-status", r.pk]),
    NationalStrategy: lambda r: reverse("staff:draft_edit", args=["national-strategy", r.pk]),
    Partner: lambda r: reverse("staff:partner_edit", args=[r.pk]),
}
EDIT_VALUES = {
    PledgeEvent: {"to_status": "declined", "event_date": "2026-03-01"},
    CapabilityStatus: {"status": "not_in_place"},
    NationalStrategy: {"status": "adopted", "title": "Revised"},
}


def content(record) -> tuple:
    fresh = type(record)._base_manager.get(pk=record.pk)
    return (fresh.lock_version, fresh.last_changed_by_id, fresh.review_state)


@pytest.mark.parametrize(
    "model", [m for m in MODELS if m is not Revision], ids=lambda m: m.__name__
)
def test_only_the_author_revises_a_draft_through_the_service(model):
    roles_ensure()
    author = actor(Role.EDITOR, "author")
    other = actor(Role.EDITOR, "other-editor")  # holds the change permission
    record = DRAFT_MAKERS[model](author)
    before = content(record)
    values = {"note": "Rewritten"} if model is not Partner else {"description": "Rewritten"}
    for service in (services.review_draft_update, services.record_change):
        with pytest.raises(PermissionDenied):
            service(
                record=record, user=other, expected_lock_version=record.lock_version, values=values
            )
    assert content(record) == before
    # the positive control: its author may
    services.record_change(
        record=record, user=author, expected_lock_version=record.lock_version, values=values
    )
    assert content(record) != before


@pytest.mark.parametrize(
    "model", sorted(EDIT_PAGES, key=lambda m: m.__name__), ids=lambda m: m.__name__
)
def test_only_the_author_revises_a_draft_through_the_workspace(model):
    from tests.staff.test_partner_revisions import partner_form

    roles_ensure()
    author = actor(Role.EDITOR, "author")
    other = actor(Role.EDITOR, "other-editor")
    record = DRAFT_MAKERS[model](author)
    before = content(record)
    if model is Partner:
        data = partner_form(record, description="Rewritten by another")
    else:
        data = {
            **EDIT_VALUES[model],
            "source_url": "https://example.org/rewritten",
            "reason": "Rewritten by another",
            "lock_version": record.lock_version,
        }
    response = signed_in(other).post(EDIT_PAGES[model](record), data)
    assert response.status_code == 403
    assert content(record) == before
    # the positive control: the author's same POST goes through
    response = signed_in(author).post(EDIT_PAGES[model](record), data)
    assert response.status_code == 302
    assert content(record) != before


def test_only_the_author_revises_a_draft_through_the_admin():
    # The admin edits partners through the services (the other reviewable kinds are
    # read-only there: tests/staff/test_admin.py).
    from tests.staff.test_admin import partner_form

    roles_ensure()
    author = actor(Role.EDITOR, "author")
    other = actor(Role.EDITOR, "other-editor")
    record = DRAFT_MAKERS[Partner](author)
    before = content(record)
    data = partner_form(record, description="Rewritten in the admin")
    path = reverse("admin:campaign_partner_change", args=[record.pk])
    assert signed_in(other).post(path, data).status_code == 403
    assert content(record) == before
    assert signed_in(author).post(path, data).status_code == 302
    assert content(record) != before


# --- c. The import upload page asks for the import permission -----------------------------------

NO_IMPORT = [Role.VERIFIER, Role.FACILITATOR, Role.VIEWER, NO_ROLE]


@pytest.mark.parametrize("role", NO_IMPORT)
def test_the_import_pages_refuse_a_role_without_the_import_permission(role):
    from pledges.models import ImportFile, ImportJob

    roles_ensure()
    user = actor(role)
    assert not user.has_perm("pledges.import_files")
    client = signed_in(user)
    for key, importer in IMPORTERS.items():
        header = ",".join(c.name for c in importer.columns)
        upload = SimpleUploadedFile("rows.csv", f"{header}\r\n".encode(), "text/csv")
        for method, data in (("get", {}), ("post", {"file": upload})):
            response = getattr(client, method)(reverse("staff:import_upload", args=[key]), data)
            assert response.status_code == 403, (key, method)
        # the file was not staged, no job started
        assert not ImportFile.objects.exists() and not ImportJob.objects.exists(), key
        template = client.get(reverse("staff:import_template", args=[key]))
        assert template.status_code == 403, key


def test_the_import_upload_page_previews_for_an_editor():
    # the positive control
    from pledges.models import ImportJob

    roles_ensure()
    client = signed_in(actor(Role.EDITOR))
    key, importer = next(iter(IMPORTERS.items()))
    header = ",".join(c.name for c in importer.columns)
    upload = SimpleUploadedFile("rows.csv", f"{header}\r\n".encode(), "text/csv")
    response = client.post(reverse("staff:import_upload", args=[key]), {"file": upload})
    assert response.status_code == 302
    assert ImportJob.objects.get().action == "preview"


# --- d. Anyone with a role, is_staff or not, sets up MFA first ----------------------------------


@pytest.mark.parametrize("role", Role.ALL)
def test_a_role_holder_without_is_staff_is_sent_to_mfa_set_up(client, role):
    user = UserFactory(username=f"{role}-nostaff", is_staff=False, mfa=False)
    user.groups.add(roles_ensure()[role])
    assert not Authenticator.objects.filter(user=user).exists()
    client.force_login(user)
    for path in ("/en/staff/", "/admin/", "/en/accounts/email/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("mfa_activate_totp"), path


def test_a_member_of_the_public_is_not_sent_to_mfa_set_up(client):
    # the control: the middleware does not send everyone there
    client.force_login(UserFactory(username="public", is_staff=False, mfa=False))
    response = client.get("/en/accounts/email/")
    assert response.get("Location", "") != reverse("mfa_activate_totp")
