"""Reads for the campaign. Public reads go through `.public()` only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils.translation import get_language

from campaign.models import Campaign, EndorsementStatus, Engagement, Outcome, Partner, PartnerType
from pledges.accountability import ReportingStatus, pledged_on, reporting_status
from pledges.models import Country, Pledge, PledgeEvent, ReviewState
from pledges.names import country_keys, search_matches
from pledges.selectors import (
    LADDER,
    NO_INFORMATION,
    PLEDGED_OR_BEYOND,
    PledgeStatus,
    UNStatus,
    collation_key,
    country_name,
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
    "reporting_not_pledged",
    "reporting_overdue",
    "reporting_schedule",
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


# --- Accountability: progress reports due (issue 11, item 4) ---------------------------------

DEFAULT_REPORT_SCHEDULE = (12, 12)


def reporting_schedule(campaign: Campaign | None) -> tuple[int, int]:
    """(months to the first report, months between reports): the campaign's setting."""
    if campaign is None:
        return DEFAULT_REPORT_SCHEDULE
    return campaign.report_first_months, campaign.report_interval_months


@dataclass(frozen=True)
class StateReporting:
    iso3: str
    name: str
    pledged_on: dt.date
    reporting: ReportingStatus


def reporting_all(
    *, today: dt.date, campaign: Campaign | None = None, language: str | None = None
) -> list[StateReporting]:
    """Every state now pledged (verified), with its reporting status: three queries (the
    campaign unless given, its pledges with their verified report counts, their verified
    changes)."""
    campaign = campaign or campaign_current()
    if campaign is None:
        return []
    first, interval = reporting_schedule(campaign)
    pledged = Pledge.objects.filter(pledge_text=campaign.pledge_text, status__in=PLEDGED_OR_BEYOND)
    pledges = list(
        pledged.select_related("country")
        .annotate(
            reports_made=Count(
                "progress_reports", filter=Q(progress_reports__review_state=ReviewState.VERIFIED)
            )
        )
        .order_by("country__short_name")
    )
    # Their verified changes in one query whatever their number (none: still one query, so
    # the count is pinned).
    changes: dict[int, list[tuple[dt.date, str]]] = {}
    for pledge_id, day, status in (
        PledgeEvent.objects.public()
        .filter(pledge__in=pledged)
        .order_by("event_date", "verified_at", "pk")
        .values_list("pledge_id", "event_date", "to_status")
    ):
        changes.setdefault(pledge_id, []).append((day, status))
    result = []
    for pledge in pledges:
        since = (
            pledged_on(
                changes.get(pledge.pk, []),
                pledged=PLEDGED_OR_BEYOND,
            )
            or pledge.status_date
        )
        result.append(
            StateReporting(
                iso3=pledge.country_id,
                name=pledge.country.short_name
                if language is None
                else country_name(pledge.country, language),
                pledged_on=since,
                reporting=reporting_status(
                    pledged_on=since,
                    reports=pledge.reports_made,
                    today=today,
                    first_months=first,
                    interval_months=interval,
                ),
            )
        )
    return result


def reporting_not_pledged() -> ReportingStatus:
    """The status of a state that has not pledged: it owes no report."""
    return reporting_status(
        pledged_on=None, reports=0, today=dt.date.today(), first_months=1, interval_months=1
    )


def reporting_overdue(*, today: dt.date) -> list[StateReporting]:
    """Pledged states whose progress report is overdue, longest overdue first (the staff
    panel: names in the active language, equal delays in its collation order)."""
    language = get_language()
    late = [r for r in reporting_all(today=today, language=language) if r.reporting.overdue]
    return sorted(late, key=lambda r: (-r.reporting.days_overdue, collation_key(r.name, language)))


# --- Engagements (staff only: never used by public pages) -------------------------------------

FOLLOW_UP_WINDOW_DAYS = 14


def engagement_list(*, country_iso3: str | None = None, country_query: str = "", region: str = ""):
    """Engagements, newest first; `country_query` is a name or code in any UN language
    (pledges.names: "Côte d'Ivoire", "ivory", "KEN"), `region` an M49 region."""
    engagements = Engagement.objects.select_related(
        "country", "created_by", "owner", "follow_up_owner"
    )
    if country_iso3:
        engagements = engagements.filter(country_id=country_iso3.upper())
    if country_query:
        entries = [(c.iso3, country_keys(c)) for c in Country.objects.all()]
        matches = search_matches(entries, country_query)
        if matches is not None:
            engagements = engagements.filter(country_id__in=matches)
    if region:
        engagements = engagements.filter(country__region=region)
    return engagements.order_by("-date", "-created_at")


# A stage recorded on an engagement contradicts the registry when the log is behind the
# verified status on the ladder (it records "in dialogue" for a state verified as pledged),
# or when either is a side state (declined, withdrawn) and they differ.
def engagement_stage_conflict(*, stage: str, verified: str | None) -> bool:
    if not stage:
        return False
    if verified is None:
        return stage in PLEDGED_OR_BEYOND  # the log says pledged; nothing is verified
    if stage in LADDER and verified in LADDER:
        return LADDER.index(stage) < LADDER.index(verified)
    return stage != verified


def engagement_stage_conflicts(engagements) -> dict[int, str | None]:
    """{engagement pk: the registry's verified status} for those whose stage contradicts
    it: one query for the verified statuses of their states (the campaign's pledge text)."""
    engagements = list(engagements)
    campaign = campaign_current()
    statuses = dict(
        Pledge.objects.filter(
            country_id__in={e.country_id for e in engagements},
            pledge_text_id=campaign.pledge_text_id if campaign else None,
        ).values_list("country_id", "status")
    )
    return {
        e.pk: statuses.get(e.country_id)
        for e in engagements
        if engagement_stage_conflict(stage=e.pledge_stage, verified=statuses.get(e.country_id))
    }


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
