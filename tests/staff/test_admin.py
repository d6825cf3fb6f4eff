"""The interim staff UI (Django admin): four eyes and stale edits hold there too."""

import pytest

from pledges import services
from pledges.models import PledgeEvent
from tests.factories import UserFactory, country, event_kwargs

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    """Dora, an admin (a superuser with an authenticator, as MFA requires)."""
    return UserFactory(username="dora", is_staff=True, is_superuser=True)


@pytest.fixture
def draft(alice):
    return services.pledge_event_create(country=country("KEN"), user=alice, **event_kwargs())


def form_data(event, **overrides):
    data = {
        "source_url": event.source_url,
        "source_title": event.source_title,
        "source_publisher": event.source_publisher,
        "source_date": event.source_date.isoformat(),
        "to_status": event.to_status,
        "event_date": event.event_date.isoformat(),
        "note": event.note,
        "lock_version": event.lock_version,
    }
    data.update(overrides)
    return data


def test_a_stale_admin_save_is_refused_and_keeps_the_newer_data(client, admin_user, draft):
    url = f"/admin/pledges/pledgeevent/{draft.pk}/change/"
    client.force_login(admin_user)
    stale = form_data(draft, note="Based on the old copy")
    # given someone else saved in between
    fresh = PledgeEvent.objects.get(pk=draft.pk)
    fresh.note = "Newer note"
    fresh.save()
    # when
    response = client.post(url, stale, follow=True)
    # then
    assert "changed by someone else" in response.content.decode()
    assert PledgeEvent.objects.get(pk=draft.pk).note == "Newer note"


def test_the_author_cannot_verify_through_the_admin(client, alice, draft):
    alice.is_superuser = True
    alice.save()
    client.force_login(alice)
    response = client.post(
        "/admin/pledges/pledgeevent/",
        {"action": "verify_selected", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "a different person must verify it" in response.content.decode()
    assert not PledgeEvent.objects.public().exists()


def test_another_staff_member_verifies_through_the_admin(client, admin_user, draft):
    client.force_login(admin_user)
    client.post(
        "/admin/pledges/pledgeevent/",
        {"action": "verify_selected", "_selected_action": [draft.pk]},
    )
    assert PledgeEvent.objects.public().filter(pk=draft.pk).exists()


def test_a_verified_event_is_read_only_in_the_admin(client, admin_user, bob, draft):
    services.pledge_event_verify(event=draft, user=bob, expected_lock_version=draft.lock_version)
    client.force_login(admin_user)
    url = f"/admin/pledges/pledgeevent/{draft.pk}/change/"
    client.post(url, form_data(PledgeEvent.objects.get(pk=draft.pk), to_status="reporting"))
    event = PledgeEvent.objects.get(pk=draft.pk)
    assert (event.to_status, event.review_state) == ("in_dialogue", "verified")
