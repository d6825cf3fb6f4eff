"""A workspace that feels like one, and reads that ask for their permission (issue 8, item 3):
403 with a clear message, sign-in lands on /staff/, one menu, the country list's search and
filters, the current public status on a status-change form, drafts linked to their action."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pledges import services
from pledges.models import PledgeEvent, SecurityEvent
from pledges.roles import Role
from tests.factories import DEFAULT_PASSWORD, UserFactory, country, event_kwargs
from tests.staff import signed_in, with_role

pytestmark = pytest.mark.django_db


def staff_without_role():
    return UserFactory(username="nora", email="nora@example.org", is_staff=True)


# --- Reading needs the registry's view permissions --------------------------------------------


@pytest.mark.parametrize("path", ["/en/staff/countries/KEN/", "/en/staff/countries/KEN/history/"])
def test_a_facilitator_cannot_read_a_country_workspace_or_its_history(path, editor):
    # Issue 8: "A facilitator, or staff with no role at all, can open /staff/countries/<ISO3>/
    # and its history (open drafts, authors, the 'why')."
    services.pledge_event_create(
        country=country("KEN"), user=editor, reason="Secret why", **event_kwargs()
    )
    facilitator = with_role(UserFactory(username="fiona"), Role.FACILITATOR)
    # when
    response = signed_in(facilitator).get(path)
    # then
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your role does not allow this." in html and "ask an administrator" in html
    assert "Secret why" not in html and "alice" not in html
    logged = SecurityEvent.objects.get(kind="permission_denied", user=facilitator)
    assert logged.path == path and logged.detail["why"].startswith("missing pledges.view_")


@pytest.mark.parametrize("path", ["/en/staff/countries/KEN/", "/en/staff/countries/KEN/history/"])
def test_staff_with_no_role_cannot_read_a_country_workspace(path):
    nora = staff_without_role()
    response = signed_in(nora).get(path)
    assert response.status_code == 403
    assert "no role" in response.content.decode()
    assert SecurityEvent.objects.filter(kind="permission_denied", user=nora, path=path).exists()


def test_staff_with_no_role_are_told_to_ask_for_one_on_the_home_page():
    response = signed_in(staff_without_role()).get("/en/staff/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your account has no role yet" in html and "Ask an administrator" in html
    # and the menu offers nothing they cannot open
    assert reverse("staff:country_list") not in html


def test_a_facilitator_lands_on_a_home_page_without_registry_links():
    facilitator = with_role(UserFactory(username="fiona"), Role.FACILITATOR)
    response = signed_in(facilitator).get("/en/staff/")
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("staff:country_list") not in html
    assert reverse("staff:review_queue") not in html


# --- A write's answer is the service's ----------------------------------------------------------


def test_a_non_author_saving_a_draft_is_refused_by_the_service_and_logged(editor):
    event = services.pledge_event_create(country=country("KEN"), user=editor, **event_kwargs())
    dora = with_role(UserFactory(username="dora"), Role.EDITOR)
    edit = reverse("staff:draft_edit", args=["pledge-event", event.pk])
    # when Dora forges the save
    response = signed_in(dora).post(
        edit,
        {
            "to_status": "declined",
            "event_date": "2026-03-01",
            "source_url": "https://example.org/dora",
            "lock_version": event.lock_version,
        },
    )
    # then the service refuses with its message and its reason in the log
    assert response.status_code == 403
    assert "Only the person who logged this change can revise it." in response.content.decode()
    logged = SecurityEvent.objects.get(kind="permission_denied", user=dora)
    assert (logged.detail["action"], logged.detail["why"]) == ("change", "not the author")
    event.refresh_from_db()
    assert event.to_status == "in_dialogue"


def test_a_viewer_posting_a_change_is_refused_by_the_service():
    viewer = with_role(UserFactory(username="vera"), Role.VIEWER)
    response = signed_in(viewer).post(
        "/en/staff/countries/KEN/pledge/new/",
        {"to_status": "pledged", "event_date": "2026-03-01", "source_url": "https://e.org/x"},
    )
    assert response.status_code == 403
    logged = SecurityEvent.objects.get(kind="permission_denied", user=viewer)
    assert (logged.detail["action"], logged.detail["why"]) == (
        "add",
        "missing pledges.add_pledgeevent",
    )
    assert not PledgeEvent.objects.exists()


# --- One workspace ------------------------------------------------------------------------------


def test_signing_in_lands_on_the_staff_home(client, staff_in_role):
    from tests.factories import totp_code

    user = staff_in_role(Role.EDITOR)
    response = client.post(
        "/en/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    response = client.post(response["Location"], {"code": totp_code()})
    assert response.status_code == 302 and response["Location"] == "/en/staff/"


def test_one_menu_for_the_admin_with_the_admin_site_in_it(alice):
    admin = with_role(alice, Role.ADMIN)
    client = signed_in(admin)
    for path in ("/en/staff/", "/en/"):
        html = client.get(path).content.decode()
        # one way into the staff tools from the site header, not "Workspace" beside "Staff"
        assert html.count('href="/en/staff/"') == (
            1 if path == "/en/" else 2
        )  # header, menu "Home"
        assert ">Workspace<" not in html and ">Staff<" not in html
    html = client.get("/en/staff/").content.decode()
    assert 'aria-label="Staff workspace"' in html and 'href="/admin/"' in html
    assert html.count('href="/admin/"') == 1


def test_the_account_pages_show_the_workspace_menu(alice_client):
    html = alice_client.get("/en/accounts/password/change/").content.decode()
    assert 'aria-label="Staff workspace"' in html and reverse("staff:country_list") in html


# --- The country list: search and filters ---------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("CIV", "CIV"),
        ("ci", "CIV"),
        ("cote d'ivoire", "CIV"),
        ("Côte d\u2019Ivoire", "CIV"),  # the typographic apostrophe
        ("Ivory Coast", "CIV"),
        ("alemania", "DEU"),  # the six UN names count, as in the import
        ("KE", "KEN"),
    ],
)
def test_the_country_list_is_searched_by_any_name_or_code(bob_client, query, expected):
    rows = bob_client.get("/en/staff/countries/", {"q": query}).context["page"].rows
    assert expected in [row.iso3 for row in rows]
    assert len(rows) < 10


def test_the_country_list_filters_by_region_status_and_open_drafts(bob_client, editor, verifier):
    event = services.pledge_event_create(
        country=country("KEN"), user=editor, **event_kwargs(to_status="pledged")
    )
    services.pledge_event_verify(event=event, user=verifier, expected_lock_version=1)
    services.pledge_event_create(country=country("FRA"), user=editor, **event_kwargs())
    # region
    rows = bob_client.get("/en/staff/countries/", {"region": "Oceania"}).context["page"].rows
    assert rows and {r.region for r in rows} == {"Oceania"}
    # verified status
    rows = bob_client.get("/en/staff/countries/", {"status": "pledged"}).context["page"].rows
    assert [r.iso3 for r in rows] == ["KEN"]
    # open drafts
    response = bob_client.get("/en/staff/countries/", {"drafts": "1"})
    rows = response.context["page"].rows
    assert [(r.iso3, r.open_drafts) for r in rows] == [("FRA", 1)]
    assert "1 state shown of 195." in response.content.decode()
    # combined, and an unknown value is ignored
    rows = bob_client.get("/en/staff/countries/", {"region": "Africa", "status": "bogus"})
    assert len(rows.context["page"].rows) == 54


# --- A status-change form shows what is public now ------------------------------------------------


def test_the_status_change_form_shows_the_current_public_status(alice_client, editor, verifier):
    event = services.pledge_event_create(
        country=country("KEN"),
        user=editor,
        **event_kwargs(to_status="pledged", event_date=dt.date(2026, 2, 1)),
    )
    services.pledge_event_verify(event=event, user=verifier, expected_lock_version=1)
    services.pledge_event_create(
        country=country("KEN"), user=editor, **event_kwargs(to_status="declined")
    )
    html = alice_client.get("/en/staff/countries/KEN/pledge/new/").content.decode()
    assert "Public now:</strong> Pledged since 2026-02-01" in html
    html = alice_client.get("/en/staff/countries/FRA/pledge/new/").content.decode()
    assert "Public now:</strong> No information" in html
    html = alice_client.get("/en/staff/countries/KEN/capabilities/mnr-11/new/").content.decode()
    assert "Public now:</strong> No information" in html


# --- Drafts on the home page link to their action -------------------------------------------------


def test_drafts_on_the_home_page_link_to_their_action(alice_client, bob_client, editor):
    event = services.pledge_event_create(country=country("KEN"), user=editor, **event_kwargs())
    returned = services.pledge_event_create(country=country("FRA"), user=editor, **event_kwargs())
    bob = bob_client.get("/en/staff/").context["user"]
    services.review_return(record=returned, user=bob, comment="Dead link", expected_lock_version=1)
    # the author: revise each of her drafts, the returned one with its comment
    html = alice_client.get("/en/staff/").content.decode()
    for record in (event, returned):
        assert reverse("staff:draft_edit", args=["pledge-event", record.pk]) in html
    assert "Dead link" in html
    # the verifier: review the draft awaiting him (not the returned one)
    html = bob_client.get("/en/staff/").content.decode()
    assert reverse("staff:review_detail", args=["pledge-event", event.pk]) in html
    assert reverse("staff:review_detail", args=["pledge-event", returned.pk]) not in html


def test_the_queue_and_my_drafts_are_paginated(alice_client, bob_client, editor):
    for _n in range(30):
        services.pledge_event_create(
            country=country("KEN"), user=editor, **event_kwargs(event_date=dt.date(2026, 1, 1))
        )
    queue = bob_client.get("/en/staff/review/").context["items"]
    # 30 events and the reference data's industry partners that await a COI disclosure
    assert len(queue.object_list) == 25 and queue.paginator.count > 30
    second = bob_client.get("/en/staff/review/", {"page": 2})
    assert "Page 2 of 2" in second.content.decode()
    drafts = alice_client.get("/en/staff/", {"drafts_page": 2}).context["my_drafts"]
    assert (drafts.number, len(drafts.object_list)) == (2, 5)


# --- The review page of any kind: who, when, why ----------------------------------------------


def test_the_review_page_of_a_status_change_says_who_when_and_why(bob_client, editor):
    event = services.pledge_event_create(
        country=country("KEN"), user=editor, reason="Announced at the HRC", **event_kwargs()
    )
    response = bob_client.get(reverse("staff:review_detail", args=["pledge-event", event.pk]))
    review = response.context["review"]
    assert (review.logged_by, review.why, review.can_verify) == (
        "alice",
        "Announced at the HRC",
        True,
    )
    html = response.content.decode()
    assert f"{event.created_at:%Y-%m-%d %H:%M}" in html and "Announced at the HRC" in html


def test_a_reference_partner_awaiting_verification_says_it_has_no_author(bob_client):
    from campaign.models import Partner

    google = Partner.objects.get(slug="google")
    review = bob_client.get(reverse("staff:review_detail", args=["partner", google.pk])).context[
        "review"
    ]
    assert review.logged_by == "not recorded (reference data)"
