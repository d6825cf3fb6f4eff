"""The advocacy and participation around the registry. Builds on `pledges`."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pledges.models import (
    EARLIEST_DATE,
    AuditedQuerySet,
    Capability,
    Country,
    LockedModel,
    PledgeStatus,
    PledgeText,
    Reviewable,
    ReviewState,
    validate_not_future,
    validate_not_too_early,
)

# Safer Internet Day 2027: the pledging event the campaign builds to.
LAUNCH_DATE = dt.date(2027, 2, 9)


class Outcome(models.Model):
    """One of the campaign's three outcomes."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["number"]
        verbose_name = _("campaign outcome")
        verbose_name_plural = _("campaign outcomes")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Campaign(LockedModel):
    slug = models.SlugField(_("short name"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    pledge_text = models.ForeignKey(
        PledgeText,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("pledge text"),
    )
    target_states = models.PositiveSmallIntegerField(
        _("target: Member States pledged by launch"),
        help_text=_("How many of the 193 Member States the campaign aims to have pledged."),
    )
    launch_date = models.DateField(_("launch event date"), default=LAUNCH_DATE)
    launch_event = models.CharField(_("launch event"), max_length=200)
    outcomes = models.ManyToManyField(Outcome, blank=True, verbose_name=_("outcomes"))
    outcome_actions = models.JSONField(
        _("actions under each outcome"),
        default=dict,
        blank=True,
        help_text=_("What the campaign does under each outcome: {outcome number: text}."),
    )
    target_countries = models.ManyToManyField(
        Country,
        blank=True,
        related_name="+",
        verbose_name=_("target list of states"),
        help_text=_("The states the campaign lobbies first (the plan's target set)."),
    )

    # Accountability (issue 11): the first progress report is due this many months after
    # the pledge date, then one every `report_interval_months`.
    report_first_months = models.PositiveSmallIntegerField(
        _("first progress report due (months after the pledge)"),
        default=12,
        help_text=_("e.g. 12: a state that pledged on 9 February 2027 reports by 9 February 2028."),
    )
    report_interval_months = models.PositiveSmallIntegerField(
        _("then a progress report every (months)"), default=12
    )

    # The campaign's public settings change only through a verified Revision.
    revisable_fields = (
        "name",
        "target_states",
        "launch_date",
        "launch_event",
        "outcome_actions",
        "report_first_months",
        "report_interval_months",
    )
    revisable_m2m = ("target_countries",)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[target_countries])

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                name="campaign_target_within_members",
                condition=Q(target_states__gte=1, target_states__lte=193),
                violation_error_message=_("The target is between 1 and 193 Member States."),
            ),
            models.CheckConstraint(
                name="campaign_report_schedule_plausible",
                condition=Q(report_first_months__gte=1, report_first_months__lte=60)
                & Q(report_interval_months__gte=1, report_interval_months__lte=60),
                violation_error_message=_(
                    "Reports are due between 1 and 60 months after the pledge and apart."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        actions = self.outcome_actions
        if not isinstance(actions, dict) or not all(
            isinstance(key, str) and key.isdigit() and isinstance(text, str) and len(text) <= 2000
            for key, text in actions.items()
        ):
            raise ValidationError(
                {"outcome_actions": _("Actions are a text of at most 2000 characters per outcome.")}
            )


class MilestoneKind(models.TextChoices):
    SAFER_INTERNET_DAY = "safer_internet_day", _("Safer Internet Day")
    WORLD_CHILDRENS_DAY = "world_childrens_day", _("World Children's Day (20 November)")
    UN_EVENT = "un_event", _("UN event")
    OTHER = "other", _("Other")


class Milestone(LockedModel):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("campaign")
    )
    name = models.CharField(_("name"), max_length=200)
    date = models.DateField(_("date"))
    kind = models.CharField(
        _("kind"), max_length=24, choices=MilestoneKind.choices, default=MilestoneKind.OTHER
    )

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name", "date"], name="milestone_unique"),
            models.CheckConstraint(
                name="milestone_kind_valid", condition=Q(kind__in=MilestoneKind.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%d %b %Y})"


class PartnerType(models.TextChoices):
    UN_AGENCY = "un_agency", _("UN agency")
    GLOBAL_NETWORK = "global_network", _("Global network")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    YOUTH_LED = "youth_led", _("Youth-led organisation")
    INDUSTRY = "industry", _("Industry")
    ACADEMIA = "academia", _("Academia and experts")
    REGIONAL_BODY = "regional_body", _("Regional body")
    DONOR = "donor", _("Donor")


class EndorsementStatus(models.TextChoices):
    NOT_CONTACTED = "not_contacted", _("Not contacted")
    INVITED = "invited", _("Invited to endorse")
    ENDORSED = "endorsed", _("Endorses the pledge")
    DECLINED = "declined", _("Declined to endorse")


class Partner(Reviewable):
    """An allied organisation: who it is, where and on what it works."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    partner_type = models.CharField(_("type"), max_length=20, choices=PartnerType.choices)
    website = models.URLField(_("website"), max_length=300, blank=True)
    description = models.TextField(_("what they do"), max_length=2000, blank=True)
    endorsement = models.CharField(
        _("endorsement"),
        max_length=16,
        choices=EndorsementStatus.choices,
        default=EndorsementStatus.NOT_CONTACTED,
    )
    coi_disclosure = models.TextField(
        _("conflict-of-interest disclosure"),
        max_length=2000,
        blank=True,
        help_text=_("Required for industry partners before they are published."),
    )
    outcomes = models.ManyToManyField(Outcome, blank=True, verbose_name=_("outcomes supported"))
    capabilities = models.ManyToManyField(
        Capability, blank=True, verbose_name=_("MNR capabilities supported")
    )
    countries = models.ManyToManyField(Country, blank=True, verbose_name=_("countries worked in"))
    works_globally = models.BooleanField(_("works globally"), default=False)

    # What staff may change on a published partner, through a verified Revision.
    revisable_fields = (
        "name",
        "partner_type",
        "website",
        "description",
        "endorsement",
        "coi_disclosure",
        "works_globally",
    )
    revisable_m2m = ("outcomes", "capabilities", "countries")

    history = HistoricalRecords(m2m_fields=[outcomes, capabilities, countries])

    class Meta(Reviewable.Meta):
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            *Reviewable.Meta.constraints,
            models.CheckConstraint(
                name="partner_type_valid", condition=Q(partner_type__in=PartnerType.values)
            ),
            models.CheckConstraint(
                name="partner_industry_published_with_disclosure",
                condition=~Q(partner_type=PartnerType.INDUSTRY)
                | ~Q(review_state=ReviewState.VERIFIED)
                | ~Q(coi_disclosure=""),
                violation_error_message=_(
                    "An industry partner is published only with a conflict-of-interest disclosure."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


# --- Advocacy engagements (staff only) --------------------------------------------------------


class EngagementChannel(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Call or video call")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter or note verbale")
    EVENT = "event", _("At an event")
    OTHER = "other", _("Other")


class Engagement(LockedModel):
    """A meeting or contact with a national authority: a staff-only advocacy log, never public."""

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="engagements", verbose_name=_("country")
    )
    institution = models.CharField(
        _("institution"),
        max_length=200,
        help_text=_(
            "An office, e.g. 'Ministry of Foreign Affairs' or 'Permanent Mission to the UN "
            "in New York' — not a person's name."
        ),
    )
    date = models.DateField(
        _("date of the contact"), validators=[validate_not_future, validate_not_too_early]
    )
    channel = models.CharField(_("channel"), max_length=16, choices=EngagementChannel.choices)
    outcome = models.TextField(_("outcome"), max_length=2000)
    # Who runs this engagement (issue 11, item 6): a staff member, not only who logged it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The follow-up: who (a staff member), what (the next step), by when.
    next_step = models.TextField(_("follow-up: what"), max_length=2000, blank=True)
    follow_up_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("follow-up: who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    follow_up_due = models.DateField(_("follow-up: by when"), null=True, blank=True)
    follow_up_done = models.BooleanField(_("follow-up done"), default=False)
    pledge_stage = models.CharField(
        _("linked pledge stage"),
        max_length=20,
        choices=PledgeStatus.choices,
        blank=True,
        help_text=_("The pledge stage this contact is about (e.g. moving to 'Pledged')."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("logged at"), default=timezone.now)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        constraints = [
            models.CheckConstraint(
                name="engagement_channel_valid", condition=Q(channel__in=EngagementChannel.values)
            ),
            models.CheckConstraint(
                name="engagement_pledge_stage_valid",
                condition=Q(pledge_stage="") | Q(pledge_stage__in=PledgeStatus.values),
            ),
            models.CheckConstraint(
                name="engagement_date_plausible", condition=Q(date__gte=EARLIEST_DATE)
            ),
            models.CheckConstraint(
                name="engagement_follow_up_after_contact",
                condition=Q(follow_up_due__isnull=True) | Q(follow_up_due__gte=F("date")),
                violation_error_message=_("The follow-up cannot be due before the contact."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} · {self.institution} ({self.date:%Y-%m-%d})"

    def clean(self) -> None:
        super().clean()
        if self.follow_up_due and not self.next_step.strip():
            raise ValidationError({"next_step": _("Say what the follow-up is.")})
