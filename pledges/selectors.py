"""Reads from the registry. Public reads go through `.public()` / `.current()` only."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

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
    "current_capability_statuses_all",
    "current_strategies_all",
    "demo_data_present",
    "domain_list",
    "pledge_text_current",
    "pledged_member_count",
    "public_events_all",
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


# --- Open data: API and downloads -----------------------------------------------------------
# Everything below returns verified public data only (`.public()` / `.current()`), with the
# related rows prefetched so that a caller makes a fixed number of queries per page.

# The five M49 regions (UN Statistics Division); every state belongs to exactly one.
M49_REGIONS: tuple[str, ...] = ("Africa", "Americas", "Asia", "Europe", "Oceania")


def countries_public(*, pledge_text_id: int | None) -> QuerySet[Country]:
    """All states with their verified pledge to one text, current strategy and capabilities.

    Four queries whatever the number of states: the states, then one prefetch each for the
    verified pledges, the current national strategies and the current capability statuses.
    Read them from `public_pledges`, `current_strategies` and `current_capability_statuses`.
    """
    return Country.objects.order_by("short_name", "iso3").prefetch_related(
        Prefetch(
            "pledges",
            queryset=Pledge.objects.public()
            .filter(pledge_text_id=pledge_text_id)
            .select_related("pledge_text"),
            to_attr="public_pledges",
        ),
        Prefetch(
            "strategies", queryset=NationalStrategy.objects.current(), to_attr="current_strategies"
        ),
        Prefetch(
            "capability_statuses",
            queryset=CapabilityStatus.objects.current()
            .select_related("capability")
            .order_by("capability__number"),
            to_attr="current_capability_statuses",
        ),
    )


def countries_with_pledge_status(
    queryset: QuerySet[Country], *, statuses: list[str], pledge_text_id: int | None
) -> QuerySet[Country]:
    """States whose verified status is one of `statuses` ("no_information" included)."""
    public = Pledge.objects.public().filter(pledge_text_id=pledge_text_id, country=OuterRef("pk"))
    condition = Q(Exists(public.filter(status__in=statuses)))
    if NO_INFORMATION in statuses:
        condition |= ~Q(Exists(public))
    return queryset.filter(condition)


def countries_with_status_since(
    queryset: QuerySet[Country],
    *,
    pledge_text_id: int | None,
    since_from=None,
    since_to=None,
) -> QuerySet[Country]:
    """States whose verified status dates from within [since_from, since_to]."""
    public = Pledge.objects.public().filter(pledge_text_id=pledge_text_id, country=OuterRef("pk"))
    if since_from is not None:
        public = public.filter(status_date__gte=since_from)
    if since_to is not None:
        public = public.filter(status_date__lte=since_to)
    return queryset.filter(Exists(public))


def countries_with_capability(
    queryset: QuerySet[Country], *, capability_key: str | None, status: str | None
) -> QuerySet[Country]:
    """States by current verified capability status.

    With a key alone: states with public information on that capability. With a status
    alone: states with at least one capability in that status. "no_public_information" also
    matches a capability with no record at all.
    """
    current = CapabilityStatus.objects.current().filter(country=OuterRef("pk"))
    if capability_key:
        current = current.filter(capability__key=capability_key)
    if status is None:
        return queryset.filter(
            Exists(current.exclude(status=CapabilityStatusChoice.NO_PUBLIC_INFORMATION))
        )
    if status != CapabilityStatusChoice.NO_PUBLIC_INFORMATION:
        return queryset.filter(Exists(current.filter(status=status)))
    if capability_key:
        informed = current.exclude(status=CapabilityStatusChoice.NO_PUBLIC_INFORMATION)
        return queryset.filter(~Exists(informed))
    # Some capability of the framework has no informed current status for this state.
    informed_for_capability = (
        CapabilityStatus.objects.current()
        .filter(country=OuterRef(OuterRef("pk")), capability=OuterRef("pk"))
        .exclude(status=CapabilityStatusChoice.NO_PUBLIC_INFORMATION)
    )
    return queryset.filter(Exists(Capability.objects.filter(~Exists(informed_for_capability))))


def countries_with_strategy_status(
    queryset: QuerySet[Country], *, status: str
) -> QuerySet[Country]:
    """States whose current verified national strategy has this status."""
    current = NationalStrategy.objects.current().filter(country=OuterRef("pk"), status=status)
    return queryset.filter(Exists(current))


def pledge_events_public() -> QuerySet[PledgeEvent]:
    """Every verified pledge status change with its source, newest first (one query)."""
    return (
        PledgeEvent.objects.public()
        .select_related("pledge__country", "pledge__pledge_text")
        .order_by("-event_date", "-verified_at", "-pk")
    )
