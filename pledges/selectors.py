"""Reads from the registry. Public reads go through `.public()` / `.current()` only."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from pledges.models import (
    LADDER,
    NO_INFORMATION,
    NO_INFORMATION_LABEL,
    PLEDGED_OR_BEYOND,
    Capability,
    CapabilityStatus,
    CapabilityStatusChoice,
    Country,
    DemoDataSet,
    MNRDomain,
    NationalStrategy,
    Pledge,
    PledgeEvent,
    PledgeStatus,
    PledgeText,
    StrategyStatus,
    UNStatus,
)
from pledges.services import DEMO_CACHE_KEY, pledge_text_current

__all__ = [
    "LADDER",
    "NO_INFORMATION",
    "NO_INFORMATION_LABEL",
    "PLEDGED_OR_BEYOND",
    "CapabilityStatusChoice",
    "CountryStatusRow",
    "PledgeStatus",
    "StrategyStatus",
    "UNStatus",
    "capability_list",
    "country_get",
    "country_list",
    "country_status_rows",
    "current_capability_details_all",
    "current_capability_statuses_all",
    "current_strategies_all",
    "demo_data_present",
    "domain_list",
    "pledge_text_current",
    "pledged_member_count",
    "public_events_all",
    "public_events_with_sources_all",
    "public_pledges_all",
]


def demo_data_present() -> bool:
    """Whether the invented demo data set is loaded (cached: every page asks)."""
    present = cache.get(DEMO_CACHE_KEY)
    if present is None:
        present = DemoDataSet.objects.exists()
        cache.set(DEMO_CACHE_KEY, present, 300)
    return present


def country_list():
    return Country.objects.order_by("short_name")


def country_get(*, iso3: str) -> Country:
    return Country.objects.get(iso3=iso3.upper())


def domain_list():
    return MNRDomain.objects.prefetch_related("capabilities").order_by("number")


def capability_list():
    return Capability.objects.select_related("domain").order_by("number")


@dataclass(frozen=True)
class CountryStatusRow:
    iso3: str
    name: str
    region: str
    sub_region: str
    un_status: str
    status: str  # a PledgeStatus value or NO_INFORMATION
    status_label: str
    status_date: str  # ISO date or ""
    is_demo: bool


def country_status_rows(*, pledge_text: PledgeText | None = None) -> list[CountryStatusRow]:
    """Every state with its verified pledge status; two queries whatever the data size."""
    pledge_text = pledge_text or pledge_text_current()
    pledges = {}
    if pledge_text is not None:
        pledges = {
            p.country_id: p
            for p in Pledge.objects.public()
            .filter(pledge_text=pledge_text)
            .only("country_id", "status", "status_date", "is_demo")
        }
    rows = []
    labels = dict(PledgeStatus.choices)
    for country in Country.objects.order_by("short_name").only(
        "iso3", "short_name", "region", "sub_region", "un_status"
    ):
        pledge = pledges.get(country.iso3)
        status = pledge.status if pledge else NO_INFORMATION
        rows.append(
            CountryStatusRow(
                iso3=country.iso3,
                name=country.short_name,
                region=country.region,
                sub_region=country.sub_region,
                un_status=country.un_status,
                status=status,
                status_label=str(labels.get(status, "")) if pledge else "",
                status_date=pledge.status_date.isoformat() if pledge else "",
                is_demo=bool(pledge and pledge.is_demo),
            )
        )
    return rows


def pledged_member_count(rows: list[CountryStatusRow]) -> int:
    """Member States at or beyond "pledged" on the ladder (observers are counted apart)."""
    return sum(1 for r in rows if r.status in PLEDGED_OR_BEYOND and r.un_status == UNStatus.MEMBER)


def public_events_for_country(*, country: Country):
    return (
        PledgeEvent.objects.public()
        .filter(pledge__country=country)
        .select_related("pledge__pledge_text")
        .order_by("-event_date", "-verified_at")
    )


def current_capability_statuses(*, country: Country):
    return CapabilityStatus.objects.current().filter(country=country).select_related("capability")


def current_strategy(*, country: Country) -> NationalStrategy | None:
    return NationalStrategy.objects.current().filter(country=country).first()


def public_events_all():
    """Every verified status change (for history views and the map's time slider)."""
    return (
        PledgeEvent.objects.public()
        .select_related("pledge")
        .order_by("event_date", "verified_at")
        .only("pledge__country_id", "from_status", "to_status", "event_date", "verified_at")
    )


def current_strategies_all() -> dict[str, NationalStrategy]:
    return {s.country_id: s for s in NationalStrategy.objects.current()}


def current_capability_statuses_all() -> dict[str, dict[str, str]]:
    """{iso3: {capability key: status}} for the current verified statuses."""
    result: dict[str, dict[str, str]] = {}
    rows = CapabilityStatus.objects.current().values_list("country_id", "capability__key", "status")
    for iso3, key, status in rows:
        result.setdefault(iso3, {})[key] = status
    return result


# --- Reads for the public snapshot (one query each, whatever the data size) -------------------


def _source_url(record) -> str:
    if record.source_url:
        return record.source_url
    return record.source_document.url if record.source_document else ""


def public_pledges_all() -> dict[tuple[str, int], dict]:
    """{(iso3, pledge text id): public fields} of every pledge with a verified status."""
    rows = Pledge.objects.public().only(
        "country_id",
        "pledge_text_id",
        "status",
        "status_date",
        "signed_by_office",
        "public_note",
        "is_demo",
    )
    return {
        (p.country_id, p.pledge_text_id): {
            "status": p.status,
            "since": p.status_date.isoformat(),
            "office": p.signed_by_office,
            "note": p.public_note,
            "demo": p.is_demo,
        }
        for p in rows
    }


def public_events_with_sources_all() -> list[dict]:
    """Every verified status change with its public source, oldest first (one query).

    Only public fields: never who logged or verified it (staff identities stay private).
    """
    events = (
        PledgeEvent.objects.public()
        .select_related("pledge")
        .order_by("event_date", "verified_at", "pk")
        .only(
            "pledge__country_id",
            "pledge__pledge_text_id",
            "from_status",
            "to_status",
            "event_date",
            "verified_at",
            "note",
            "source_url",
            "source_document",
            "source_title",
            "source_publisher",
            "source_date",
            "is_demo",
        )
    )
    return [
        {
            "iso3": e.pledge.country_id,
            "pledge_text_id": e.pledge.pledge_text_id,
            "date": e.event_date.isoformat(),
            "from": e.from_status,
            "to": e.to_status,
            "verified": e.verified_at.date().isoformat(),
            "note": e.note,
            "source": {
                "url": _source_url(e),
                "title": e.source_title,
                "publisher": e.source_publisher,
                "date": e.source_date.isoformat() if e.source_date else None,
            },
            "demo": e.is_demo,
        }
        for e in events
    ]


def current_capability_details_all() -> dict[str, dict[str, dict]]:
    """{iso3: {capability key: status, evidence, last verified}} (current, verified; one query)."""
    result: dict[str, dict[str, dict]] = {}
    rows = (
        CapabilityStatus.objects.current()
        .select_related("capability")
        .only(
            "country_id",
            "capability__key",
            "status",
            "note",
            "verified_at",
            "source_url",
            "source_document",
            "source_title",
            "source_publisher",
            "source_date",
        )
    )
    for record in rows:
        result.setdefault(record.country_id, {})[record.capability.key] = {
            "status": record.status,
            "verified": record.verified_at.date().isoformat(),
            "note": record.note,
            "source": {
                "url": _source_url(record),
                "title": record.source_title,
                "publisher": record.source_publisher,
                "date": record.source_date.isoformat() if record.source_date else None,
            }
            if record.has_source
            else None,
        }
    return result
