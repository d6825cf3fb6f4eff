"""Writes for the campaign: reference data (campaign, outcomes, partners)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Campaign, Engagement, Milestone, MilestoneKind, Outcome, Partner
from pledges.models import Capability, ReviewState
from pledges.selectors import country_status_rows, pledged_member_count
from pledges.services import (
    LoadReport,
    _check_lock,
    _save,
    model_permission,
    permission_require,
    pledge_text_load,
    public_change_announce,
    record_change,
    reference_upsert,
    reviewable_verify,
)


def campaign_reference_load(*, path: Path, report: LoadReport) -> Campaign:
    """Load the campaign, its outcomes, milestones and the first pledge text."""
    data = json.loads(path.read_text(encoding="utf-8"))
    text = pledge_text_load(data=data["pledge_text"], report=report)
    outcomes = [
        reference_upsert(
            model=Outcome,
            lookup={"number": row["number"]},
            values={"title": row["title"]},
            report=report,
        )
        for row in data["outcomes"]
    ]
    row = data["campaign"]
    campaign = Campaign.objects.filter(slug=row["slug"]).first()
    if campaign is None:
        with transaction.atomic():
            campaign = Campaign(
                slug=row["slug"],
                name=row["name"],
                pledge_text=text,
                target_states=row["target_states"],
                launch_date=row["launch_date"],
                launch_event=row["launch_event"],
            )
            campaign.full_clean()
            campaign.save()
            campaign.outcomes.set(outcomes)
            for milestone in row["milestones"]:
                m = Milestone(
                    campaign=campaign,
                    name=milestone["name"],
                    date=milestone["date"],
                    kind=milestone.get("kind", MilestoneKind.OTHER),
                )
                m.full_clean()
                m.save()
        report.count("created", Campaign._meta.verbose_name_plural)
    else:
        # Staff may have edited the campaign since; reference data never overwrites it.
        report.count("unchanged", Campaign._meta.verbose_name_plural)
    return campaign


# --- Campaign settings (the admin role, through the workspace) ----------------------------------

TARGET_BELOW_PLEDGED = "target_below_pledged"


def campaign_pledged_members(campaign: Campaign) -> int:
    """Member States whose verified pledge to the campaign's text is "pledged" or beyond."""
    return pledged_member_count(country_status_rows(pledge_text=campaign.pledge_text))


def campaign_settings_change(
    *,
    campaign: Campaign,
    user,
    expected_lock_version: int,
    values: dict,
    m2m: dict | None = None,
    reason: str = "",
    confirm_below_pledged: bool = False,
):
    """Propose new campaign settings: the published campaign gets a revision that a
    different person verifies (record_change). A target below the number of Member States
    already pledged is refused unless the actor confirms it (code TARGET_BELOW_PLEDGED):
    it would show the campaign past its goal."""
    permission_require(
        user=user,
        permission=model_permission(Campaign, "change"),
        action="change",
        record=campaign,
    )
    target = values.get("target_states")
    if target is not None and target != campaign.target_states and not confirm_below_pledged:
        pledged = campaign_pledged_members(campaign)
        if target < pledged:
            raise ValidationError(
                {
                    "target_states": ValidationError(
                        _(
                            "%(pledged)d Member States have already pledged: a target of "
                            "%(target)d would show the campaign past its goal. Confirm to "
                            "propose it anyway."
                        )
                        % {"pledged": pledged, "target": target},
                        code=TARGET_BELOW_PLEDGED,
                    )
                }
            )
    return record_change(
        record=campaign,
        user=user,
        expected_lock_version=expected_lock_version,
        values=values,
        m2m=m2m,
        reason=reason,
    )


def milestone_add(*, campaign: Campaign, user, name: str, date, kind: str) -> Milestone:
    """A date on the campaign's calendar (shown on `/` as the next milestone)."""
    permission_require(
        user=user, permission=model_permission(Milestone, "add"), action="add", model=Milestone
    )
    with transaction.atomic():
        milestone = Milestone(campaign=campaign, name=name, date=date, kind=kind)
        _save(milestone, user=user, reason=_("Milestone added"))
        public_change_announce()
    return milestone


def milestone_remove(*, milestone: Milestone, user, expected_lock_version: int) -> None:
    permission_require(
        user=user,
        permission=model_permission(Milestone, "delete"),
        action="delete",
        record=milestone,
    )
    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        _check_lock(milestone, expected_lock_version)
        milestone._history_user = user
        milestone.delete()
        public_change_announce()


def partners_reference_load(*, path: Path, report: LoadReport) -> None:
    """Load the partners named in the campaign plan; never overwrite staff edits."""
    data = json.loads(path.read_text(encoding="utf-8"))
    capabilities = {c.key: c for c in Capability.objects.all()}
    outcomes = {o.number: o for o in Outcome.objects.all()}
    name = Partner._meta.verbose_name_plural
    for row in data["partners"]:
        if Partner.objects.filter(slug=row["slug"]).exists():
            report.count("unchanged", name)
            continue
        with transaction.atomic():
            # Reference partners come from the campaign plan, checked when it was written;
            # an industry partner stays a draft until staff record its COI disclosure.
            publishable = row["type"] != "industry" or row.get("coi_disclosure")
            partner = Partner(
                slug=row["slug"],
                name=row["name"],
                partner_type=row["type"],
                website=row.get("website", ""),
                description=row.get("description", ""),
                coi_disclosure=row.get("coi_disclosure", ""),
                # A regional body works in its region, not globally (issue 12)
                works_globally=row.get("works_globally", row["type"] != "regional_body"),
                review_state=ReviewState.VERIFIED if publishable else ReviewState.DRAFT,
                verified_at=timezone.now() if publishable else None,
                review_comment=""
                if publishable
                else "Awaiting a conflict-of-interest disclosure before publication.",
            )
            partner.full_clean()
            partner.save()
            partner.outcomes.set([outcomes[n] for n in row.get("outcomes", [])])
            partner.capabilities.set([capabilities[k] for k in row.get("capabilities", [])])
        report.count("created", name)


def partner_verify(*, partner: Partner, user, expected_lock_version: int) -> Partner:
    return reviewable_verify(record=partner, user=user, expected_lock_version=expected_lock_version)


def partner_create(*, user, countries=(), outcomes=(), capabilities=(), reason: str = "", **values):
    """Add a partner as a draft: it is published when a second person verifies it."""
    permission_require(
        user=user, permission=model_permission(Partner, "add"), action="add", model=Partner
    )
    with transaction.atomic():
        partner = Partner(created_by=user, last_changed_by=user, **values)
        partner._history_user = user
        if reason:
            partner._change_reason = reason
        partner.full_clean()
        partner.save()
        if countries:
            partner.countries.set(countries)
        if outcomes:
            partner.outcomes.set(outcomes)
        if capabilities:
            partner.capabilities.set(capabilities)
    return partner


# --- Engagements (staff only) -------------------------------------------------------------------


def engagement_create(*, user, is_demo: bool = False, **values) -> Engagement:
    permission_require(
        user=user, permission=model_permission(Engagement, "add"), action="add", model=Engagement
    )
    engagement = Engagement(created_by=user, is_demo=is_demo, **values)
    engagement._history_user = user
    engagement.full_clean()
    engagement.save()
    return engagement


def engagement_update(
    *, engagement: Engagement, user, expected_lock_version: int, values: dict, reason: str = ""
) -> Engagement:
    """Save an edit made on `expected_lock_version`; a stale one raises StaleEditError."""
    permission_require(
        user=user,
        permission=model_permission(Engagement, "change"),
        action="change",
        record=engagement,
    )
    with transaction.atomic():
        engagement.lock_version = expected_lock_version
        for name, value in values.items():
            setattr(engagement, name, value)
        engagement._history_user = user
        if reason:
            engagement._change_reason = reason
        engagement.full_clean()
        engagement.save()
    return engagement
