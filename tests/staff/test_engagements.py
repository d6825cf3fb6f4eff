"""Advocacy engagements: a staff-only log, follow-ups on the staff home, no silent overwrite."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from campaign.models import Engagement
from campaign.services import engagement_create
from pledges.roles import Role
from tests.factories import UserFactory, country
from tests.staff import signed_in, with_role

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def form(**overrides):
    data = {
        "country": "KEN",
        "institution": "Permanent Mission to the UN in New York",
        "date": (TODAY - dt.timedelta(days=10)).isoformat(),
        "channel": "meeting",
        "outcome": "Positive; legal review first.",
        "next_step": "Send the briefing note.",
        "follow_up_due": (TODAY + dt.timedelta(days=3)).isoformat(),
        "pledge_stage": "intends_to_pledge",
    }
    data.update(overrides)
    return data


def test_an_editor_logs_an_engagement_and_its_follow_up_shows_on_the_staff_home(
    alice_client, editor, bob_client
):
    # when
    response = alice_client.post("/en/staff/engagements/new/", form())
    # then
    assert response.status_code == 302
    engagement = Engagement.objects.get()
    assert (engagement.created_by, engagement.pledge_stage) == (editor, "intends_to_pledge")
    for client in (alice_client, bob_client):
        home = client.get("/en/staff/").content.decode()
        assert "Follow-ups due" in home and "Send the briefing note." in home


def test_overdue_and_done_follow_ups(editor, alice_client):
    base = {
        "user": editor,
        "country": country("KEN"),
        "institution": "Ministry",
        "channel": "call",
        "outcome": "x",
        "date": TODAY - dt.timedelta(days=60),
    }
    engagement_create(**base, follow_up_due=TODAY - dt.timedelta(days=5), next_step="Overdue")
    engagement_create(
        **base, follow_up_due=TODAY - dt.timedelta(days=5), follow_up_done=True, next_step="Done"
    )
    engagement_create(**base, follow_up_due=TODAY + dt.timedelta(days=60), next_step="Later")
    html = alice_client.get("/en/staff/").content.decode()
    assert "Overdue" in html and "overdue" in html
    assert "Done" not in html and "Later" not in html


def test_a_contact_in_the_future_or_a_follow_up_before_it_is_refused(alice_client):
    response = alice_client.post(
        "/en/staff/engagements/new/",
        form(date=(TODAY + dt.timedelta(days=2)).isoformat()),
    )
    assert "in the future" in response.content.decode()
    response = alice_client.post(
        "/en/staff/engagements/new/",
        form(follow_up_due=(TODAY - dt.timedelta(days=30)).isoformat()),
    )
    assert "cannot be due before the contact" in response.content.decode()
    assert not Engagement.objects.exists()


def test_engagements_are_staff_only_and_by_role(client, charlie, bob_client):
    assert client.get("/en/staff/engagements/").status_code == 302
    assert signed_in(charlie).get("/en/staff/engagements/").status_code == 403
    facilitator = with_role(UserFactory(username="fay"), Role.FACILITATOR)
    assert signed_in(facilitator).get("/en/staff/engagements/").status_code == 403
    # a verifier reads them but does not log them
    assert bob_client.get("/en/staff/engagements/").status_code == 200
    assert bob_client.post("/en/staff/engagements/new/", form()).status_code == 403


def test_two_staff_editing_one_engagement_the_second_save_is_refused(editor):
    # given two editors open the same engagement
    dora = with_role(UserFactory(username="dora"), Role.EDITOR)
    engagement = engagement_create(
        user=editor,
        country=country("KEN"),
        institution="Ministry of ICT",
        date=TODAY - dt.timedelta(days=10),
        channel="meeting",
        outcome="Positive.",
    )
    url = f"/en/staff/engagements/{engagement.pk}/edit/"
    alice, dora_client = signed_in(editor), signed_in(dora)
    loaded = alice.get(url).context["form"]["lock_version"].value()
    assert dora_client.get(url).status_code == 200
    # when both save, Dora first
    dora_client.post(url, form(outcome="Dora: they will pledge in May.", lock_version=loaded))
    response = alice.post(url, form(outcome="Alice: undecided.", lock_version=loaded))
    # then Alice's save is refused, showing the field, theirs and hers
    assert response.status_code == 409
    changes = {c.field: (c.before, c.after) for c in response.context["stale_changes"]}
    assert changes["outcome"] == ("Dora: they will pledge in May.", "Alice: undecided.")
    assert f'href="{url}"' in response.content.decode()  # the newer version
    engagement.refresh_from_db()
    assert engagement.outcome == "Dora: they will pledge in May."
    assert engagement.history.count() == 2


def test_the_demo_data_has_marked_engagements():
    call_command("seed_demo", "--seed", "7", verbosity=0)
    assert Engagement.objects.count() == 24
    assert not Engagement.objects.filter(is_demo=False).exists()
    assert Engagement.objects.filter(follow_up_due__isnull=False).exists()
    assert all(e.institution.startswith("[DEMO]") for e in Engagement.objects.all())
