"""Reads for the campaign. Public reads go through `.public()` only."""

from __future__ import annotations

from campaign.models import Campaign, Partner, PartnerType

__all__ = ["PartnerType", "campaign_current", "partner_list_public", "partners_by_country"]


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
