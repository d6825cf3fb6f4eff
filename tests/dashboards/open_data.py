"""Helpers for the open data tests: publish verified records through the services."""

from __future__ import annotations

import datetime as dt

from pledges import services
from pledges.models import Capability, Country, PledgeStatus
from tests.factories import event_kwargs


def countries(n: int) -> list[Country]:
    return list(Country.objects.order_by("iso3")[:n])


def publish(*, n: int, author, verifier) -> list[Country]:
    """For n states: a verified pledge event, national strategy and two capability statuses."""
    states = countries(n)
    caps = list(Capability.objects.order_by("number")[:2])
    for i, country in enumerate(states):
        event = services.pledge_event_create(
            country=country,
            user=author,
            **event_kwargs(to_status=PledgeStatus.PLEDGED, event_date=dt.date(2026, 1, 1 + i % 28)),
        )
        services.pledge_event_verify(
            event=event, user=verifier, expected_lock_version=event.lock_version
        )
        strategy = services.national_strategy_create(
            country=country,
            user=author,
            status="adopted",
            title=f"Strategy of {country.iso3}",
            year=2024,
            source_url="https://example.org/strategy",
        )
        services.national_strategy_verify(
            record=strategy, user=verifier, expected_lock_version=strategy.lock_version
        )
        for cap in caps:
            record = services.capability_status_create(
                country=country,
                capability=cap,
                status="in_place",
                user=author,
                source_url="https://example.org/capability",
                source_title="Law",
            )
            services.capability_status_verify(
                record=record, user=verifier, expected_lock_version=record.lock_version
            )
    return states
