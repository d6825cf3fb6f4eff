"""Reads for the campaign. Public reads go through `.public()` only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from campaign.models import Campaign, EndorsementStatus, Engagement, Outcome, Partner, PartnerType
from pledges.selectors import (
    LADDER,
    NO_INFORMATION,
    PLEDGED_OR_BEYOND,
    PledgeStatus,
    UNStatus,
    country_status_rows,
    pledged_member_count,
)

__all__ = [
    "CampaignProgress",
    "EndorsementStatus",
    "PartnerType",
    "campaign_current",
    "campaign_progress",
    "engagement_follow_ups_due",
    "engagement_list",
    "outcome_list",
    "partner_list_public",
]


def campaign_current() -> Campaign | None:
    return Campaign.objects.select_related("pledge_text").order_by("launch_date").last()


def campaign_milestones(campaign: Campaign):
    """The campaign's calendar, by date (public: milestones are published settings)."""
    return campaign.milestones.order_by("date", "name")


def partner_list_public():
    return (
        Partner.objects.public()
        .prefetch_related("countries", "capabilities", "outcomes")
        .order_by("name")
    )


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


# --- Open data: API and downloads -----------------------------------------------------------


@dataclass(frozen=True)
class CampaignProgress:
    """Where the campaign stands, from verified statuses only."""

    slug: str
    name: str
    pledge_text_version: int
    pledge_text_title: str
    target_states: int
    launch_date: date
    launch_event: str
    member_states: int
    observer_states: int
    pledged_member_states: int
    pledged_observer_states: int
    status_counts: dict[str, int]  # every ladder and side status, and "no_information"
    milestones: list[tuple[str, date]]
    outcomes: list[tuple[int, str]]


def campaign_progress() -> CampaignProgress | None:
    """Five queries: campaign, verified pledges, states, milestones, outcomes."""
    campaign = campaign_current()
    if campaign is None:
        return None
    rows = country_status_rows(pledge_text=campaign.pledge_text)
    order = [*LADDER, PledgeStatus.DECLINED, PledgeStatus.WITHDRAWN, NO_INFORMATION]
    counts = {str(status): 0 for status in order}
    for row in rows:
        counts[str(row.status)] += 1
    pledged_total = sum(1 for r in rows if r.status in PLEDGED_OR_BEYOND)
    pledged_members = pledged_member_count(rows)
    return CampaignProgress(
        slug=campaign.slug,
        name=campaign.name,
        pledge_text_version=campaign.pledge_text.version,
        pledge_text_title=campaign.pledge_text.title,
        target_states=campaign.target_states,
        launch_date=campaign.launch_date,
        launch_event=campaign.launch_event,
        member_states=sum(1 for r in rows if r.un_status == UNStatus.MEMBER),
        observer_states=sum(1 for r in rows if r.un_status == UNStatus.OBSERVER),
        pledged_member_states=pledged_members,
        pledged_observer_states=pledged_total - pledged_members,
        status_counts=counts,
        milestones=[(m.name, m.date) for m in campaign.milestones.order_by("date", "name")],
        outcomes=[(o.number, o.title) for o in campaign.outcomes.order_by("number")],
    )


def outcome_list() -> QuerySet[Outcome]:
    return Outcome.objects.order_by("number")
