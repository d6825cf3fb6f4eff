"""The advocacy and participation around the registry. Builds on `pledges`."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pledges.models import (
    AuditedQuerySet,
    Capability,
    Country,
    LockedModel,
    PledgeText,
    Reviewable,
    ReviewState,
)


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
    launch_date = models.DateField(_("launch event date"))
    launch_event = models.CharField(_("launch event"), max_length=200)
    outcomes = models.ManyToManyField(Outcome, blank=True, verbose_name=_("outcomes"))

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                name="campaign_target_within_members",
                condition=Q(target_states__gte=1, target_states__lte=193),
                violation_error_message=_("The target is between 1 and 193 Member States."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Milestone(LockedModel):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("campaign")
    )
    name = models.CharField(_("name"), max_length=200)
    date = models.DateField(_("date"))

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name", "date"], name="milestone_unique"),
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
