"""Every integrity rule, tried against the database directly (bypassing forms and services)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaign.models import Campaign, Partner, PartnerType
from pledges import services
from pledges.models import (
    Capability,
    CapabilityStatus,
    Country,
    MNRDomain,
    NationalStrategy,
    Pledge,
    PledgeClause,
    PledgeEvent,
    PledgeText,
    ReviewState,
)
from tests.factories import country, event_kwargs

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def assert_refused(build):
    with pytest.raises(IntegrityError), transaction.atomic():
        build()


@pytest.fixture
def text():
    return PledgeText.objects.get(version=1)


@pytest.fixture
def pledge(text):
    return Pledge.objects.create(country=country("FRA"), pledge_text=text)


def event(pledge, **kw):
    values = {
        "pledge": pledge,
        "to_status": "in_dialogue",
        "event_date": dt.date(2026, 1, 5),
        "source_url": "https://example.org/s",
    }
    values.update(kw)
    return PledgeEvent.objects.create(**values)


def test_one_pledge_per_country_per_text(pledge, text):
    assert_refused(lambda: Pledge.objects.create(country=pledge.country, pledge_text=text))


def test_pledge_status_must_be_on_the_ladder(text):
    assert_refused(
        lambda: Pledge.objects.create(
            country=country("DEU"),
            pledge_text=text,
            status="signed-ish",
            status_date=dt.date(2026, 1, 1),
            verified_at=NOW,
        )
    )


def test_pledge_status_needs_date_and_verification(text):
    assert_refused(
        lambda: Pledge.objects.create(country=country("DEU"), pledge_text=text, status="pledged")
    )


def test_pledge_status_date_is_plausible(text):
    assert_refused(
        lambda: Pledge.objects.create(
            country=country("DEU"),
            pledge_text=text,
            status="pledged",
            status_date=dt.date(1990, 1, 1),
            verified_at=NOW,
        )
    )


def test_verifier_must_differ_from_author(pledge, alice):
    assert_refused(
        lambda: event(
            pledge,
            created_by=alice,
            verified_by=alice,
            verified_at=NOW,
            review_state=ReviewState.VERIFIED,
        )
    )


def test_verified_record_needs_a_verification_time(pledge, alice, bob):
    assert_refused(
        lambda: event(pledge, created_by=alice, verified_by=bob, review_state=ReviewState.VERIFIED)
    )


def test_draft_cannot_carry_a_verification_time(pledge):
    assert_refused(lambda: event(pledge, verified_at=NOW))


def test_review_state_must_be_known(pledge):
    assert_refused(lambda: event(pledge, review_state="approved"))


def test_event_status_must_be_known(pledge):
    assert_refused(lambda: event(pledge, to_status="maybe"))


def test_event_must_change_the_status(pledge):
    assert_refused(lambda: event(pledge, from_status="pledged", to_status="pledged"))


def test_event_needs_a_source(pledge):
    assert_refused(lambda: event(pledge, source_url=""))


def test_event_date_is_plausible(pledge):
    assert_refused(lambda: event(pledge, event_date=dt.date(1999, 12, 31)))


def test_no_event_dated_in_the_future(alice):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        services.pledge_event_create(
            country=country("FRA"), user=alice, **event_kwargs(event_date=tomorrow)
        )
    assert "event_date" in caught.value.message_dict


def test_no_source_dated_in_the_future(alice):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        services.pledge_event_create(
            country=country("FRA"), user=alice, **event_kwargs(source_date=tomorrow)
        )
    assert "source_date" in caught.value.message_dict


def capability_status(**kw):
    values = {
        "country": country("FRA"),
        "capability": Capability.objects.get(key="mnr-11"),
        "status": "in_place",
        "source_url": "https://example.org/helpline",
    }
    values.update(kw)
    return CapabilityStatus.objects.create(**values)


def test_capability_status_needs_evidence_unless_no_information():
    assert_refused(lambda: capability_status(source_url=""))
    capability_status(status="no_public_information", source_url="")  # allowed


def test_capability_status_must_be_known():
    assert_refused(lambda: capability_status(status="excellent"))


def test_only_one_current_capability_status(alice, bob):
    def current():
        return capability_status(
            is_current=True,
            review_state=ReviewState.VERIFIED,
            created_by=alice,
            verified_by=bob,
            verified_at=NOW,
        )

    current()
    assert_refused(current)


def test_current_capability_status_is_verified():
    assert_refused(lambda: capability_status(is_current=True))


def strategy(**kw):
    values = {"country": country("FRA"), "status": "adopted", "source_url": "https://e.org/s"}
    values.update(kw)
    return NationalStrategy.objects.create(**values)


def test_strategy_rules(alice, bob):
    assert_refused(lambda: strategy(status="vague"))
    assert_refused(lambda: strategy(year=1850))
    assert_refused(lambda: strategy(source_url=""))
    assert_refused(lambda: strategy(is_current=True))
    verified = {
        "is_current": True,
        "review_state": ReviewState.VERIFIED,
        "created_by": alice,
        "verified_by": bob,
        "verified_at": NOW,
    }
    strategy(**verified)
    assert_refused(lambda: strategy(**verified))


def test_reference_data_rules():
    france = country("FRA")
    assert_refused(
        lambda: Country.objects.create(
            iso3="xx1", iso2="X1", m49=999, un_status="member", latitude=0, longitude=0
        )
    )
    assert_refused(
        lambda: Country.objects.create(
            iso3="ZZZ", iso2="ZZ", m49=998, un_status="member", latitude=95, longitude=0
        )
    )
    assert_refused(
        lambda: Country.objects.create(
            iso3="ZZZ", iso2="ZZ", m49=998, un_status="vassal", latitude=0, longitude=0
        )
    )
    assert_refused(
        lambda: Country.objects.create(
            iso3="ZZZ", iso2=france.iso2, m49=998, un_status="member", latitude=0, longitude=0
        )
    )
    domain = MNRDomain.objects.get(number=1)
    assert_refused(lambda: MNRDomain.objects.create(key="dup", number=1, name="Duplicate"))
    assert_refused(
        lambda: Capability.objects.create(key="cap-99", number=99, domain=domain, name="x")
    )
    assert_refused(
        lambda: Capability.objects.create(key="mnr-99", number=1, domain=domain, name="x")
    )


def test_pledge_text_rules(text):
    assert_refused(lambda: PledgeText.objects.create(version=0, title="Zero"))
    assert_refused(lambda: PledgeText.objects.create(version=1, title="Again"))
    assert_refused(lambda: PledgeText.objects.create(version=9, title="x", status="public"))
    draft = PledgeText.objects.create(version=2, title="Next")
    PledgeClause.objects.create(pledge_text=draft, key="clause-1", number=1, formal_text="a")
    same_number = dict(pledge_text=draft, key="clause-2", number=1, formal_text="a")
    assert_refused(lambda: PledgeClause.objects.create(**same_number))
    same_key = dict(pledge_text=draft, key="clause-1", number=2, formal_text="a")
    assert_refused(lambda: PledgeClause.objects.create(**same_key))
    assert_refused(
        lambda: PledgeClause.objects.create(pledge_text=draft, key="c-0", number=0, formal_text="a")
    )
    assert_refused(lambda: PledgeClause.objects.create(pledge_text=draft, key="Bad Key", number=3))
    # A final version is published with the date it became final.
    assert_refused(
        lambda: PledgeText.objects.create(
            version=3, title="x", status="final", review_state="verified", verified_at=NOW
        )
    )


def test_campaign_target_is_within_the_193_members(text):
    assert_refused(
        lambda: Campaign.objects.create(
            slug="too-big",
            name="x",
            pledge_text=text,
            target_states=194,
            launch_date=dt.date(2027, 2, 9),
        )
    )


def test_industry_partner_is_published_only_with_a_disclosure():
    assert_refused(
        lambda: Partner.objects.create(
            slug="acme",
            name="Acme",
            partner_type=PartnerType.INDUSTRY,
            review_state=ReviewState.VERIFIED,
            verified_at=NOW,
        )
    )
    assert_refused(
        lambda: Partner.objects.create(slug="nobody", name="Nobody", partner_type="cult")
    )
