"""A change to a published partner, through the workspace: a revision that a second person
verifies, shown to them field by field (issue 8, items 2 and 3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaign.models import Partner
from pledges import services
from pledges.models import Country, ReviewState, Revision, SecurityEvent
from tests.staff import signed_in

pytestmark = pytest.mark.django_db


def unicef() -> Partner:
    return Partner.objects.get(slug="unicef")


def partner_form(partner: Partner, **overrides) -> dict:
    """The partner form as the page fills it: the published values, changed by `overrides`."""
    data = {
        "name": partner.name,
        "partner_type": partner.partner_type,
        "website": partner.website,
        "description": partner.description,
        "endorsement": partner.endorsement,
        "coi_disclosure": partner.coi_disclosure,
        "outcomes": [o.pk for o in partner.outcomes.all()],
        "capabilities": [c.pk for c in partner.capabilities.all()],
        "countries": [c.pk for c in partner.countries.all()],
        "reason": "",
        "lock_version": partner.lock_version,
    }
    if partner.works_globally:
        data["works_globally"] = "on"
    data.update(overrides)
    return data


def edit_url(partner: Partner) -> str:
    return reverse("staff:partner_edit", args=[partner.pk])


def test_an_editor_proposes_a_change_and_the_published_partner_stays_public(alice_client, editor):
    # given UNICEF is published
    partner = unicef()
    assert partner.review_state == ReviewState.VERIFIED
    # when Alice fixes a typo in its name, with a reason
    response = alice_client.post(
        edit_url(partner),
        partner_form(partner, name="UNICEF (United Nations Children's Fund)", reason="Full name"),
    )
    # then a revision awaits verification and the public partner is unchanged (still public)
    assert response.status_code == 302
    revision = Revision.objects.get()
    assert (revision.created_by, revision.review_state) == (editor, ReviewState.DRAFT)
    assert revision.values == {"name": "UNICEF (United Nations Children's Fund)"}
    partner.refresh_from_db()
    assert partner.name == "UNICEF"
    assert Partner.objects.public().filter(slug="unicef").exists()
    # and her page shows the change awaiting verification, and her proposal in the form
    html = alice_client.get(edit_url(partner)).content.decode()
    assert "A change awaiting verification" in html
    assert "UNICEF (United Nations Children&#x27;s Fund)" in html


def test_the_review_page_of_a_partner_edit_says_who_when_why_and_what(
    alice_client, bob_client, editor
):
    # Issue 8: "The review page then showed 'Logged by —' with no editor, no time and no diff"
    # given Alice proposes a change to a published partner
    partner = unicef()
    kenya, france = Country.objects.get(iso3="KEN"), Country.objects.get(iso3="FRA")
    partner.countries.set([france])
    alice_client.post(
        edit_url(partner),
        partner_form(
            partner,
            name="UNICEF (typo fixed)",
            countries=[kenya.pk],
            reason="Name as on their site",
        ),
    )
    revision = Revision.objects.get()
    # when Bob opens his queue and the review page
    queue = bob_client.get("/en/staff/review/").content.decode()
    assert "Partner UNICEF: 2 fields changed" in queue
    url = reverse("staff:review_detail", args=["revision", revision.pk])
    assert url in queue
    response = bob_client.get(url)
    html = response.content.decode()
    # then it names the editor, the time, the why, and each field before and after
    review = response.context["review"]
    assert review.logged_by == "alice"
    assert f"{revision.created_at:%Y-%m-%d %H:%M}" in html
    assert "Name as on their site" in html
    diff = {row.label: row for row in review.diff}
    assert (diff["name"].before, diff["name"].after) == ("UNICEF", "UNICEF (typo fixed)")
    # a list is shown by names, and what is added or removed is said in words
    countries = diff["countries worked in"]
    assert (countries.added, countries.removed) == (["Kenya"], ["France"])
    assert "Added:" in html and "Removed:" in html and "Kenya" in html
    assert "Logged by</dt><dd>—" not in html.replace("\n", "")


def test_verifying_the_revision_applies_it_and_the_history_names_the_editor(
    alice_client, bob_client, editor, verifier
):
    partner = unicef()
    alice_client.post(edit_url(partner), partner_form(partner, website="https://unicef.org/x"))
    revision = Revision.objects.get()
    url = reverse("staff:review_detail", args=["revision", revision.pk])
    # when
    response = bob_client.post(url, {"decision": "verify", "lock_version": revision.lock_version})
    # then
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.website == "https://unicef.org/x"
    assert partner.history.first().history_user == editor
    assert SecurityEvent.objects.filter(kind="verification", user=verifier).exists()


def test_the_author_of_a_revision_cannot_verify_it(editor):
    # given an admin proposes a change (admins may verify)
    from pledges.roles import Role
    from tests.staff import with_role

    admin = with_role(editor, Role.ADMIN)
    client = signed_in(admin)
    partner = unicef()
    client.post(edit_url(partner), partner_form(partner, description="Changed alone"))
    revision = Revision.objects.get()
    url = reverse("staff:review_detail", args=["revision", revision.pk])
    # then the page says so, offers no form, and a forged POST is refused by the service
    page = client.get(url)
    assert "a different person must review it" in page.content.decode()
    assert "Record my decision" not in page.content.decode()
    response = client.post(url, {"decision": "verify", "lock_version": revision.lock_version})
    assert response.status_code == 403
    assert "a different person must verify it" in response.content.decode()
    partner.refresh_from_db()
    assert partner.description != "Changed alone"


def test_a_verifier_sees_the_partner_and_the_change_but_cannot_propose_one(
    alice_client, bob_client, verifier
):
    partner = unicef()
    alice_client.post(edit_url(partner), partner_form(partner, name="UNICEF!"))
    revision = Revision.objects.get()
    # when Bob opens the partner page
    html = bob_client.get(edit_url(partner)).content.decode()
    # then he sees the published values, the change, a link to review it, and no form
    assert "Published now" in html and "A change awaiting verification" in html
    assert reverse("staff:review_detail", args=["revision", revision.pk]) in html
    assert "Propose this change" not in html
    # and a forged POST is refused by the service, logged with what was missing, unchanged
    response = bob_client.post(edit_url(partner), partner_form(partner, name="Bob's name"))
    assert response.status_code == 403
    assert "Your role does not allow this." in response.content.decode()
    logged = SecurityEvent.objects.filter(kind="permission_denied", user=verifier).get()
    assert logged.detail["action"] == "change"
    assert logged.detail["why"] == "missing campaign.change_partner"
    assert Revision.objects.get().values == {"name": "UNICEF!"}


def test_a_second_editor_cannot_open_another_revision_of_the_same_partner(alice_client, db):
    from pledges.roles import Role
    from tests.factories import UserFactory
    from tests.staff import with_role

    partner = unicef()
    alice_client.post(edit_url(partner), partner_form(partner, name="UNICEF one"))
    dora = signed_in(with_role(UserFactory(username="dora"), Role.EDITOR))
    response = dora.post(edit_url(partner), partner_form(partner, name="UNICEF two"))
    # the service refuses; the form says why
    assert response.status_code == 200
    assert "already awaiting verification" in response.content.decode()
    assert Revision.objects.get().values == {"name": "UNICEF one"}


def test_a_change_on_a_stale_partner_is_refused_with_what_changed(alice_client, editor, verifier):
    # AUD-03
    partner = unicef()
    loaded = partner.lock_version
    # given another revision was verified after Alice opened the page
    other = services.record_change(
        record=partner,
        user=editor,
        expected_lock_version=loaded,
        values={"website": "https://theirs.example.org"},
    )
    services.record_verify(record=other, user=verifier, expected_lock_version=other.lock_version)
    # when she saves on the version she loaded
    response = alice_client.post(
        edit_url(partner),
        partner_form(partner, website="https://yours.example.org", lock_version=loaded),
    )
    # then
    assert response.status_code == 409
    changes = [(c.field, c.before, c.after) for c in response.context["stale_changes"]]
    assert ("website", "https://theirs.example.org", "https://yours.example.org") in changes
    assert not Revision.objects.filter(review_state=ReviewState.DRAFT).exists()


def test_a_bad_value_is_a_form_error_and_nothing_is_proposed(alice_client):
    partner = unicef()
    response = alice_client.post(edit_url(partner), partner_form(partner, name="bad\x07name"))
    assert response.status_code == 200
    assert "control character" in response.content.decode()
    assert not Revision.objects.exists()


def test_the_partner_list_searches_by_name_and_filters_by_type(bob_client):
    response = bob_client.get("/en/staff/partners/", {"q": "unic"})
    names = [row.partner.name for row in response.context["partners"]]
    assert names == ["UNICEF"]
    response = bob_client.get("/en/staff/partners/", {"type": "donor"})
    types = {row.partner.partner_type for row in response.context["partners"]}
    assert types == {"donor"}
    html = response.content.decode()
    assert reverse("staff:partner_edit", args=[Partner.objects.get(slug="oak-foundation").pk]) in (
        html
    )


def test_verifying_an_industry_partner_without_a_disclosure_is_a_clear_refusal(bob_client):
    # Found by the role matrix: this answered HTTP 500 (an IntegrityError from the database).
    google = Partner.objects.get(slug="google")
    assert (google.review_state, google.coi_disclosure) == (ReviewState.DRAFT, "")
    url = reverse("staff:review_detail", args=["partner", google.pk])
    response = bob_client.post(url, {"decision": "verify", "lock_version": google.lock_version})
    assert response.status_code == 200
    assert "only with a conflict-of-interest disclosure" in response.content.decode()
    google.refresh_from_db()
    assert google.review_state == ReviewState.DRAFT
