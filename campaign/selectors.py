"""Reads for the campaign. Public reads go through `.public()` only."""

from __future__ import annotations

import datetime as dt

from campaign.models import Campaign, Engagement, Partner, PartnerType

__all__ = [
    "PartnerType",
    "campaign_current",
    "engagement_follow_ups_due",
    "engagement_list",
    "partner_list_public",
    "partners_by_country",
]


def campaign_current() -> Campaign | None:
    return Campaign.objects.select_related("pledge_text").order_by("launch_date").last()


def partner_list_public():
    return (
        Partner.objects.public()
        .prefetch_related("countries", "capabilities", "outcomes")
        .order_by("name")
    )


def partners_by_country() -> dict[str, list[str]]:
    """{iso3: [partner slug, ...]} for published partners."""
    result: dict[str, list[str]] = {}
    through = Partner.countries.through.objects.filter(
        partner__review_state="verified"
    ).values_list("country_id", "partner__slug")
    for iso3, slug in through.order_by("partner__slug"):
        result.setdefault(iso3, []).append(slug)
    return result


# --- Engagements (staff only: never used by public pages) -------------------------------------

FOLLOW_UP_WINDOW_DAYS = 14


def engagement_list(*, country_iso3: str | None = None):
    engagements = Engagement.objects.select_related("country", "created_by")
    if country_iso3:
        engagements = engagements.filter(country_id=country_iso3.upper())
    return engagements.order_by("-date", "-created_at")


def engagement_follow_ups_due(*, today: dt.date, within_days: int = FOLLOW_UP_WINDOW_DAYS):
    """Open follow-ups due by `today + within_days` (overdue ones first): one query."""
    return (
        Engagement.objects.filter(
            follow_up_due__isnull=False,
            follow_up_done=False,
            follow_up_due__lte=today + dt.timedelta(days=within_days),
        )
        .select_related("country", "created_by")
        .order_by("follow_up_due", "country__short_name")
    )
