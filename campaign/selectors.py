"""Reads for the campaign. Public reads go through `.public()` only."""

from __future__ import annotations

from campaign.models import Campaign, Partner


def campaign_current() -> Campaign | None:
    return Campaign.objects.select_related("pledge_text").order_by("launch_date").last()


def partner_list_public():
    return (
        Partner.objects.public()
        .prefetch_related("countries", "capabilities", "outcomes")
        .order_by("name")
    )
