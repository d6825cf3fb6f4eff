"""Engagements advocacy staff can run a campaign with (issue 11, item 6): a filter by
country name or region, a warning when the recorded stage contradicts the registry, and
never the banner about public verification (they are never public)."""

from __future__ import annotations

import datetime as dt

import pytest

from campaign.selectors import engagement_stage_conflict
from campaign.services import engagement_create
from pledges import services
from tests.factories import country, event_kwargs

pytestmark = pytest.mark.django_db

PUBLIC_BANNER = "nothing here is public until a second person verifies it"


def _engagement(user, iso3, *, stage=""):
    return engagement_create(
        user=user,
        country=country(iso3),
        institution="Ministry of ICT",
        date=dt.date(2026, 2, 1),
        channel="meeting",
        outcome="Talked",
        pledge_stage=stage,
    )


@pytest.mark.parametrize(
    ("stage", "verified", "conflict"),
    [
        ("", "pledged", False),
        ("pledged", "pledged", False),
        ("pledged", "in_dialogue", False),  # the contact is about moving forward
        ("in_dialogue", "pledged", True),  # the log is behind the registry
        ("pledged", None, True),  # the log says pledged; nothing is verified
        ("in_dialogue", None, False),
        ("declined", "pledged", True),
        ("pledged", "withdrawn", True),
    ],
)
def test_stage_conflict(stage, verified, conflict):
    assert engagement_stage_conflict(stage=stage, verified=verified) is conflict


def test_filter_by_country_name_or_region(alice, alice_client):
    _engagement(alice, "CIV")
    _engagement(alice, "KEN")
    _engagement(alice, "FRA")
    by_name = alice_client.get("/en/staff/engagements/", {"country": "Côte d'Ivoire"})
    assert [e.country_id for e in by_name.context["engagements"]] == ["CIV"]
    by_part = alice_client.get("/en/staff/engagements/", {"country": "ivoire"})
    assert [e.country_id for e in by_part.context["engagements"]] == ["CIV"]
    by_code = alice_client.get("/en/staff/engagements/", {"country": "ken"})
    assert [e.country_id for e in by_code.context["engagements"]] == ["KEN"]
    africa = alice_client.get("/en/staff/engagements/", {"region": "Africa"})
    assert sorted(e.country_id for e in africa.context["engagements"]) == ["CIV", "KEN"]
    nothing = alice_client.get("/en/staff/engagements/", {"region": "Oceania"})
    assert "No engagement matches these filters." in nothing.content.decode()


def test_a_stage_behind_the_registry_is_flagged_on_the_list_and_the_page(alice, bob, alice_client):
    event = services.pledge_event_create(
        country=country("KEN"), user=alice, **event_kwargs(to_status="pledged")
    )
    services.record_verify(record=event, user=bob, expected_lock_version=event.lock_version)
    behind = _engagement(alice, "KEN", stage="in_dialogue")
    _engagement(alice, "FRA", stage="in_dialogue")
    html = alice_client.get("/en/staff/engagements/").content.decode()
    assert html.count("Warning: the registry") == 1
    assert "the registry's verified status is “Pledged”" in html
    page = alice_client.get(f"/en/staff/engagements/{behind.pk}/edit/").content.decode()
    assert "records the pledge stage “In dialogue”" in page


def test_engagement_pages_never_carry_the_public_verification_banner(alice, alice_client):
    engagement = _engagement(alice, "KEN")
    for url in [
        "/en/staff/engagements/",
        "/en/staff/engagements/new/",
        f"/en/staff/engagements/{engagement.pk}/edit/",
    ]:
        html = alice_client.get(url).content.decode()
        assert PUBLIC_BANNER not in html, url
        assert "engagements are never public" in html, url
    assert PUBLIC_BANNER in alice_client.get("/en/staff/").content.decode()


def test_an_engagement_has_an_owner_and_a_follow_up_who_what_by_when(alice, alice_client, editor):
    response = alice_client.post(
        "/en/staff/engagements/new/",
        {
            "country": "KEN",
            "institution": "Ministry of ICT",
            "date": "2026-02-01",
            "channel": "meeting",
            "outcome": "Agreed to consult",
            "owner": editor.pk,
            "next_step": "Send the pledge text in French",
            "follow_up_owner": editor.pk,
            "follow_up_due": "2026-02-15",
        },
    )
    assert response.status_code == 302
    from campaign.models import Engagement

    engagement = Engagement.objects.get()
    assert engagement.owner == engagement.follow_up_owner == editor
    html = alice_client.get("/en/staff/engagements/").content.decode()
    assert f"{editor.get_username()}: Send the pledge text in French" in html
    # a date without saying what the follow-up is, is refused
    response = alice_client.post(
        "/en/staff/engagements/new/",
        {
            "country": "KEN",
            "institution": "Ministry",
            "date": "2026-02-01",
            "channel": "meeting",
            "outcome": "x",
            "follow_up_due": "2026-02-15",
        },
    )
    assert response.status_code == 200
    assert Engagement.objects.count() == 1
