"""Test helpers: one draft of every reviewable kind, logged by `author` through the
services (tests/test_mistakes_doors.py checks that every reviewable model has a maker)."""

from __future__ import annotations

import datetime as dt

from campaign.models import Partner
from campaign.services import partner_create
from pledges import services
from pledges.models import (
    Capability,
    CapabilityStatus,
    NationalStrategy,
    PledgeEvent,
    PledgeText,
    ProgressReport,
    ReviewState,
    Revision,
)
from pledges.roles import Role
from tests.factories import UserFactory, country, event_kwargs
from tests.staff import with_role


def _event(author):
    return services.pledge_event_create(country=country("KEN"), user=author, **event_kwargs())


def _capability_status(author):
    return services.capability_status_create(
        country=country("KEN"),
        capability=Capability.objects.get(key="mnr-11"),
        status="in_place",
        user=author,
        source_url="https://example.org/c",
    )


def _strategy(author):
    return services.national_strategy_create(
        country=country("KEN"), user=author, status="drafting", source_url="https://e.org/s"
    )


def _partner(author):
    return partner_create(
        user=author, slug="new-ngo", name="A new NGO", partner_type="civil_society"
    )


def _revision(author):
    unicef = Partner.objects.get(slug="unicef")
    return services.record_change(
        record=unicef,
        user=author,
        expected_lock_version=unicef.lock_version,
        values={"description": "Changed by the author"},
    )


def _pledge_text(author):
    text = services.pledge_text_next_version(user=author)
    return services.pledge_text_update(
        text=text,
        user=author,
        expected_lock_version=text.lock_version,
        values={"changelog": "Changed by the author"},
    )


def _progress_report(author):
    # only a pledged state reports: a verified pledge by two other people first
    if not PledgeEvent.objects.filter(
        pledge__country__iso3="KEN", to_status="pledged", review_state=ReviewState.VERIFIED
    ).exists():
        editor = with_role(UserFactory(), Role.EDITOR)
        verifier = with_role(UserFactory(), Role.VERIFIER)
        event = services.pledge_event_create(
            country=country("KEN"),
            user=editor,
            **event_kwargs(to_status="pledged", event_date=dt.date(2026, 3, 1)),
        )
        services.record_verify(
            record=event, user=verifier, expected_lock_version=event.lock_version
        )
    return services.progress_report_create(
        country=country("KEN"),
        user=author,
        report_date=dt.date(2026, 11, 1),
        title="First progress report",
        source_url="https://example.org/report",
    )


DRAFT_MAKERS = {
    PledgeText: _pledge_text,
    ProgressReport: _progress_report,
    PledgeEvent: _event,
    CapabilityStatus: _capability_status,
    NationalStrategy: _strategy,
    Partner: _partner,
    Revision: _revision,
}
