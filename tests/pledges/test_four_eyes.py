"""Four eyes, history and optimistic locking on the registry."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pledges import services
from pledges.models import (
    AuditBypassError,
    CapabilityStatus,
    Pledge,
    PledgeEvent,
    PledgeStatus,
    StaleEditError,
)
from pledges.selectors import country_status_rows
from tests.factories import UserFactory, country, event_kwargs
from tests.staff import with_role

pytestmark = pytest.mark.django_db


def test_a_logged_change_is_a_draft_and_not_public(alice):
    # when
    event = services.pledge_event_create(country=country("KEN"), user=alice, **event_kwargs())
    # then
    assert event.review_state == "draft"
    assert not PledgeEvent.objects.public().exists()
    assert not Pledge.objects.public().exists()
    row = next(r for r in country_status_rows() if r.iso3 == "KEN")
    assert row.status == "no_information"


def test_the_author_cannot_verify_their_own_change(alice):
    event = services.pledge_event_create(country=country("KEN"), user=alice, **event_kwargs())
    with pytest.raises(PermissionDenied):
        services.pledge_event_verify(
            event=event, user=alice, expected_lock_version=event.lock_version
        )
    assert not PledgeEvent.objects.public().exists()


def test_a_second_person_verifies_and_the_status_becomes_public(alice, bob):
    event = services.pledge_event_create(
        country=country("KEN"), user=alice, **event_kwargs(to_status=PledgeStatus.PLEDGED)
    )
    services.pledge_event_verify(event=event, user=bob, expected_lock_version=event.lock_version)
    pledge = Pledge.objects.public().get(country__iso3="KEN")
    assert pledge.status == "pledged"
    assert pledge.status_date == dt.date(2026, 3, 1)
    row = next(r for r in country_status_rows() if r.iso3 == "KEN")
    assert (row.status, row.status_date) == ("pledged", "2026-03-01")


def test_a_verified_change_cannot_be_verified_again(alice, bob):
    event = services.pledge_event_create(country=country("KEN"), user=alice, **event_kwargs())
    services.pledge_event_verify(event=event, user=bob, expected_lock_version=event.lock_version)
    with pytest.raises(ValidationError):
        services.pledge_event_verify(
            event=event,
            user=with_role(UserFactory(), "verifier"),
            expected_lock_version=event.lock_version,
        )


def test_returned_change_stays_private_with_the_comment(alice, bob):
    event = services.pledge_event_create(country=country("KEN"), user=alice, **event_kwargs())
    with pytest.raises(ValidationError):
        services.review_return(
            record=event, user=bob, comment="  ", expected_lock_version=event.lock_version
        )
    services.review_return(
        record=event,
        user=bob,
        comment="The link is broken.",
        expected_lock_version=event.lock_version,
    )
    event.refresh_from_db()
    assert (event.review_state, event.review_comment) == ("returned", "The link is broken.")
    assert not PledgeEvent.objects.public().exists()


def test_an_older_verified_event_does_not_override_a_newer_status(alice, bob):
    newer = services.pledge_event_create(
        country=country("KEN"),
        user=alice,
        **event_kwargs(to_status=PledgeStatus.PLEDGED, event_date=dt.date(2026, 5, 1)),
    )
    older = services.pledge_event_create(
        country=country("KEN"),
        user=alice,
        **event_kwargs(to_status=PledgeStatus.IN_DIALOGUE, event_date=dt.date(2026, 1, 1)),
    )
    services.pledge_event_verify(event=newer, user=bob, expected_lock_version=newer.lock_version)
    # an older change can no longer be verified (issue 13): it would make the changelog show
    # "No information → In dialogue" on 2026-01-01 after "Pledged" on 2026-05-01
    with pytest.raises(ValidationError, match="before the latest verified change"):
        services.pledge_event_verify(
            event=older, user=bob, expected_lock_version=older.lock_version
        )
    assert Pledge.objects.get(country__iso3="KEN").status == "pledged"


def test_history_records_who_changed_what(alice, bob):
    event = services.pledge_event_create(
        country=country("KEN"), user=alice, reason="From the minister's speech", **event_kwargs()
    )
    services.pledge_event_verify(event=event, user=bob, expected_lock_version=event.lock_version)
    records = list(event.history.order_by("history_date"))
    assert [r.review_state for r in records] == ["draft", "verified"]
    assert records[0].history_change_reason == "From the minister's speech"
    assert records[1].verified_by_id == bob.pk
    pledge_history = Pledge.objects.get(country__iso3="KEN").history.order_by("history_date")
    assert [h.status for h in pledge_history] == [None, "in_dialogue"]


def test_a_stale_save_is_refused(alice):
    event = services.pledge_event_create(country=country("KEN"), user=alice, **event_kwargs())
    first = PledgeEvent.objects.get(pk=event.pk)
    second = PledgeEvent.objects.get(pk=event.pk)
    first.note = "First editor's note"
    first.save()
    second.note = "Second editor's note, based on an old copy"
    with pytest.raises(StaleEditError) as caught:
        second.save()
    assert "changed by someone else" in str(caught.value)
    assert PledgeEvent.objects.get(pk=event.pk).note == "First editor's note"


def test_a_stale_verification_is_refused(alice, bob):
    event = services.pledge_event_create(country=country("KEN"), user=alice, **event_kwargs())
    seen = event.lock_version
    fresh = PledgeEvent.objects.get(pk=event.pk)
    fresh.note = "Edited after the verifier opened it"
    fresh.save()
    with pytest.raises(StaleEditError):
        services.pledge_event_verify(event=event, user=bob, expected_lock_version=seen)
    assert not PledgeEvent.objects.public().exists()


def test_bulk_writes_that_skip_history_are_refused():
    with pytest.raises(AuditBypassError):
        PledgeEvent.objects.all().update(note="sneaky")
    with pytest.raises(AuditBypassError):
        Pledge.objects.bulk_update([], ["status"])
    with pytest.raises(AuditBypassError):
        CapabilityStatus.objects.filter(pk=0).update(status="in_place")


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["log", "verify", "return", "edit"]),
        st.integers(min_value=0, max_value=2),  # which state
        st.integers(min_value=0, max_value=2),  # which actor
        st.sampled_from(list(PledgeStatus.values)),
    ),
    max_size=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS)
def test_property_nothing_unverified_is_ever_public(actions, alice, bob, charlie):
    """AUD-02 as a property: no sequence of actions makes an unverified claim public."""
    actors = [alice, bob, charlie]
    states = [country(iso3) for iso3 in ("KEN", "BRA", "NOR")]
    logged: list[PledgeEvent] = []
    for action, which, who, status in actions:
        user = actors[who]
        try:
            if action == "log":
                logged.append(
                    services.pledge_event_create(
                        country=states[which], user=user, **event_kwargs(to_status=status)
                    )
                )
            elif logged and action == "verify":
                services.pledge_event_verify(
                    event=logged[which % len(logged)],
                    user=user,
                    expected_lock_version=logged[which % len(logged)].lock_version,
                )
            elif logged and action == "return":
                target = logged[which % len(logged)]
                services.review_return(
                    record=target,
                    user=user,
                    comment="Check it",
                    expected_lock_version=target.lock_version,
                )
            elif logged and action == "edit":
                record = PledgeEvent.objects.get(pk=logged[which % len(logged)].pk)
                record.note = "edited"
                record.save()
        except (PermissionDenied, ValidationError, StaleEditError):
            pass
        # then, after every step: every public fact traces back to a verified event by
        # someone other than its author
        for event in PledgeEvent.objects.public():
            assert event.verified_by_id and event.verified_by_id != event.created_by_id
        for pledge in Pledge.objects.public():
            assert pledge.events.public().filter(to_status=pledge.status).exists()
        for row in country_status_rows():
            if row.status != "no_information":
                assert (
                    PledgeEvent.objects.public()
                    .filter(pledge__country_id=row.iso3, to_status=row.status)
                    .exists()
                )
    PledgeEvent.objects.all().delete()
    Pledge.objects.all().delete()
