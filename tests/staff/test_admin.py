"""The Django admin is a door like any other: it saves through the services, so four eyes,
permissions, versions and the security log hold there too (issue 8).

Actors: alice (editor), bob (verifier), vera (viewer), dave (a second editor), ada (an
administrator who is not a superuser).
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model

from campaign.models import Campaign, Partner
from pledges import services
from pledges.models import Pledge, PledgeEvent, Revision, SecurityEvent
from pledges.roles import Role
from tests.factories import UserFactory, country, event_kwargs
from tests.staff import signed_in, with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(alice):
    return services.pledge_event_create(country=country("KEN"), user=alice, **event_kwargs())


def event_form(event, **overrides):
    data = {
        "source_url": "https://example.org/rewritten",
        "to_status": "reporting",
        "event_date": event.event_date.isoformat(),
        "note": "rewritten",
        "lock_version": event.lock_version,
    }
    data.update(overrides)
    return data


# --- "A viewer can publish" and "one person can publish alone" ----------------------------------


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR, Role.VERIFIER, Role.ADMIN])
def test_no_admin_action_verifies_a_draft(role, draft):
    # Seen: viewer@demo.invalid POSTing action=verify_selected published another's draft.
    user = with_role(UserFactory(username=f"{role}-x"), role)
    response = signed_in(user).post(
        "/admin/pledges/pledgeevent/",
        {"action": "verify_selected", "_selected_action": [draft.pk]},
    )
    assert response.status_code in (200, 302, 403)
    assert not PledgeEvent.objects.public().exists()


def test_every_admin_action_declares_its_permissions():
    # Seen: "Verify selected drafts" declared no permission. Deleting is off for everyone.
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("pledges", "campaign", "auth"):
            continue  # third-party admins (allauth, sites): no role has their permissions
        for func, name, _description in model_admin._get_base_actions():
            assert getattr(func, "allowed_permissions", None), f"{model.__name__}: {name}"


def test_an_editor_cannot_rewrite_someone_elses_draft_in_the_admin(dave, draft):
    # Seen: an editor rewrote another's draft in the admin change form, then verified it.
    response = signed_in(dave).post(
        f"/admin/pledges/pledgeevent/{draft.pk}/change/", event_form(draft)
    )
    assert response.status_code == 403
    event = PledgeEvent.objects.get(pk=draft.pk)
    assert (event.to_status, event.note) == ("in_dialogue", "")


def test_a_verified_event_cannot_be_changed_in_the_admin(ada, bob, draft):
    services.pledge_event_verify(event=draft, user=bob, expected_lock_version=draft.lock_version)
    response = signed_in(ada).post(
        f"/admin/pledges/pledgeevent/{draft.pk}/change/", event_form(draft)
    )
    assert response.status_code == 403
    assert PledgeEvent.objects.get(pk=draft.pk).to_status == "in_dialogue"


# --- "Public fields without four eyes" ------------------------------------------------------------


def published_kenya(alice, bob) -> Pledge:
    event = services.pledge_event_create(
        country=country("KEN"), user=alice, **event_kwargs(to_status="pledged")
    )
    services.pledge_event_verify(event=event, user=bob, expected_lock_version=event.lock_version)
    return Pledge.objects.get(country__iso3="KEN")


def test_a_pledges_public_fields_edited_in_the_admin_wait_for_verification(client, alice, bob):
    # Seen: signed_by_office and public_note edited in the admin appeared at once in the API
    # marked "verified": true.
    pledge = published_kenya(alice, bob)
    response = signed_in(alice).post(
        f"/admin/pledges/pledge/{pledge.pk}/change/",
        {
            "signed_by_office": "Ministry of ICT",
            "public_note": "Signed at the UN",
            "lock_version": pledge.lock_version,
            "reason": "Press release of 3 March",
            # the inline of events (read-only) still posts its management form
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
            "events-MIN_NUM_FORMS": "0",
            "events-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    pledge.refresh_from_db()
    assert pledge.signed_by_office == ""
    api = client.get("/api/v1/countries/KEN/").json()
    assert "Ministry of ICT" not in str(api)
    revision = Revision.objects.get()
    assert revision.values == {
        "signed_by_office": "Ministry of ICT",
        "public_note": "Signed at the UN",
    }
    # when bob verifies it, it is public
    services.record_verify(record=revision, user=bob, expected_lock_version=revision.lock_version)
    assert "Ministry of ICT" in str(client.get("/api/v1/countries/KEN/").json())


# --- "A typo fix unpublishes a record" ---------------------------------------------------


def partner_form(partner, **overrides):
    data = {
        "name": partner.name,
        "partner_type": partner.partner_type,
        "website": partner.website,
        "description": partner.description,
        "endorsement": partner.endorsement,
        "coi_disclosure": partner.coi_disclosure,
        "works_globally": "on" if partner.works_globally else "",
        "outcomes": [o.pk for o in partner.outcomes.all()],
        "capabilities": [c.pk for c in partner.capabilities.all()],
        "countries": [],
        "lock_version": partner.lock_version,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_a_typo_fix_in_the_admin_keeps_the_partner_public_and_unchanged(client, alice):
    # Seen: an edit to UNICEF made it vanish from the API at once (404).
    unicef = Partner.objects.get(slug="unicef")
    before = client.get("/api/v1/partners/unicef/")
    assert before.status_code == 200
    response = signed_in(alice).post(
        f"/admin/campaign/partner/{unicef.pk}/change/",
        partner_form(unicef, name="UNICEF (typo)"),
    )
    assert response.status_code == 302
    after = client.get("/api/v1/partners/unicef/")
    assert after.status_code == 200 and after.json()["name"] == unicef.name
    assert Revision.objects.get().values == {"name": "UNICEF (typo)"}


def test_a_stale_partner_edit_in_the_admin_is_refused(alice):
    unicef = Partner.objects.get(slug="unicef")
    form = partner_form(unicef, name="UNICEF A")
    # someone else's revision was verified in between
    revision = services.record_change(
        record=unicef,
        user=with_role(UserFactory(username="eve"), Role.EDITOR),
        expected_lock_version=unicef.lock_version,
        values={"description": "Newer"},
    )
    services.record_verify(
        record=revision,
        user=with_role(UserFactory(username="vic"), Role.VERIFIER),
        expected_lock_version=revision.lock_version,
    )
    response = signed_in(alice).post(
        f"/admin/campaign/partner/{unicef.pk}/change/", form, follow=True
    )
    assert "changed by someone else" in response.content.decode()
    assert Partner.objects.get(pk=unicef.pk).description == "Newer"


def test_a_partner_added_in_the_admin_is_a_draft_by_its_author(alice):
    response = signed_in(alice).post(
        "/admin/campaign/partner/add/",
        {
            "slug": "new-network",
            "name": "New Network",
            "partner_type": "civil_society",
            "endorsement": "not_contacted",
            "countries": [country("KEN").pk],
        },
    )
    assert response.status_code == 302
    partner = Partner.objects.get(slug="new-network")
    assert (partner.review_state, partner.created_by) == ("draft", alice)
    assert list(partner.countries.values_list("iso3", flat=True)) == ["KEN"]


def test_a_refusal_in_the_admin_is_logged(vera):
    campaign = Campaign.objects.get()
    response = signed_in(vera).post(
        f"/admin/campaign/campaign/{campaign.pk}/change/", {"target_states": 1}
    )
    assert response.status_code == 403
    assert SecurityEvent.objects.filter(kind="permission_denied", user=vera).exists()
    assert Campaign.objects.get().target_states != 1


# --- "Escalation" -----------------------------------------------------------------------


def test_an_administrator_cannot_make_themselves_superuser(ada):
    # Seen: an admin-role account that is not a superuser ticked is_superuser on itself.
    client = signed_in(ada)
    url = f"/admin/auth/user/{ada.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    client.post(
        url,
        {
            "username": ada.username,
            "email": ada.email,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "user_permissions": [1, 2, 3],
            "groups": [],
            "last_login_0": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    ada = get_user_model().objects.get(pk=ada.pk)
    assert not ada.is_superuser
    assert not ada.user_permissions.exists()
    assert ada.groups.filter(name=Role.ADMIN).exists()


def test_an_administrator_gives_roles_only_and_it_is_logged(ada, alice):
    client = signed_in(ada)
    groups = {g.name: g.pk for g in alice.groups.model.objects.all()}
    response = client.post(
        f"/admin/auth/user/{alice.pk}/change/",
        {
            "username": alice.username,
            "email": alice.email,
            "is_active": "on",
            "groups": [groups[Role.VERIFIER]],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    alice = get_user_model().objects.get(pk=alice.pk)
    assert set(alice.groups.values_list("name", flat=True)) == {Role.VERIFIER}
    logged = SecurityEvent.objects.get(kind="roles_changed")
    assert logged.detail["after"] == [Role.VERIFIER]


def test_an_administrator_cannot_add_accounts_or_set_passwords_in_the_admin(ada, alice):
    client = signed_in(ada)
    assert client.get("/admin/auth/user/add/").status_code == 403
    assert client.get(f"/admin/auth/user/{alice.pk}/password/").status_code == 403


def test_the_demo_administrator_is_not_a_superuser():
    from campaign.demo import DEMO_ACCOUNTS

    assert not any(getattr(a, "is_superuser", False) for a in DEMO_ACCOUNTS)


# --- The admin's part of the role matrix --------------------------------------------------------


@pytest.mark.parametrize("role", [*Role.ALL, None])
def test_every_admin_change_list_answers_as_the_role_allows(role):
    user = (
        with_role(UserFactory(username=f"m-{role}"), role)
        if role
        else UserFactory(username="m-none", is_staff=True)
    )
    client = signed_in(user)
    wrong = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        url = f"/admin/{opts.app_label}/{opts.model_name}/"
        allowed = model_admin.has_view_or_change_permission(_request_for(user))
        status = client.get(url).status_code
        if status != (200 if allowed else 403):
            wrong.append(f"{url}: {status}, view allowed={allowed}")
        # and no one adds or changes a record the services own, except through them
        if model_admin.has_add_permission(_request_for(user)) and model not in (Partner,):
            wrong.append(f"{url}add/ is open to {role}")
    assert not wrong, wrong


def _request_for(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(pk=user.pk)
    return request
