"""Children's co-drafting of the pledge text: sessions, participants, suggestions, outcomes.

Safe by design (../docs and SAFEGUARDING.md CH-01..CH-15): a child has no account, only a
session-bound secret link (stored hashed) and a random pseudonym; the child-side models hold
no name, email, phone, birth date, school, address or IP (CH-02, a test keeps the allow-list).
Every rule lives in drafting/services.py; these models hold the data and the database-level
constraints (one reaction per child per suggestion, CH-10).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from pledges.models import AuditedQuerySet, Country, LockedModel, PledgeClause, PledgeText

# Children's text: short enough to read aloud in a room, long enough for a real idea.
SUGGESTION_MAX_LENGTH = 800
CONCERN_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 500


class AgeBand(models.TextChoices):
    AGE_10_12 = "10-12", _("10 to 12 years old")
    AGE_13_15 = "13-15", _("13 to 15 years old")
    AGE_16_17 = "16-17", _("16 to 17 years old")


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", pgettext_lazy("session status", "Open")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")
    ARCHIVED = "archived", _("Archived")


class ConsentBasis(models.TextChoices):
    """How parental consent was handled offline (CH-03); no parent identity is stored."""

    PARTNER_HOLDS = "partner_holds", _("Consent forms held by the partner organisation")
    SCHOOL_HOLDS = "school_holds", _("Consent forms held by the school")
    ORGANISER_HOLDS = "organiser_holds", _("Consent forms held by the session organiser")
    OVER_AGE_OF_CONSENT = "own_consent", _("Participants old enough to consent themselves")
    OTHER = "other", _("Other (described in the reference)")


class DraftingSession(LockedModel):
    """One facilitated co-drafting session, on one version of the pledge text."""

    pledge_text = models.ForeignKey(
        PledgeText,
        on_delete=models.PROTECT,
        related_name="drafting_sessions",
        verbose_name=_("pledge text version"),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    age_band = models.CharField(_("age band"), max_length=5, choices=AgeBand.choices)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country"),
    )
    region = models.CharField(
        _("region"),
        max_length=40,
        blank=True,
        help_text=_("The M49 region, as the registry names it (e.g. Africa, Europe)."),
    )
    title = models.CharField(
        _("label"), max_length=120, help_text=_("For staff only; children never see it.")
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="drafting_sessions",
        verbose_name=_("facilitator"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    consent_basis = models.CharField(
        _("how parental consent was handled"),
        max_length=16,
        choices=ConsentBasis.choices,
        blank=True,
    )
    consent_reference = models.CharField(
        _("consent reference"),
        max_length=200,
        blank=True,
        help_text=_('For example "consent held by partner X, ref Y". No parent\'s name.'),
    )
    safeguarding_contact = models.CharField(
        _("designated safeguarding contact"), max_length=200, blank=True
    )
    helpline = models.CharField(_("helpline reference"), max_length=200, blank=True)
    join_code = models.CharField(_("join code"), max_length=16, unique=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("drafting session")
        verbose_name_plural = _("drafting sessions")
        # An admin acts on every session; a facilitator only on their own (AUTH-04).
        permissions = [("manage_all_sessions", "Can act on every drafting session")]
        constraints = [
            models.CheckConstraint(
                name="draftingsession_status_valid", condition=Q(status__in=SessionStatus.values)
            ),
            models.CheckConstraint(
                name="draftingsession_age_band_valid", condition=Q(age_band__in=AgeBand.values)
            ),
            # CH-03: a session that has ever opened carries its consent record.
            models.CheckConstraint(
                name="draftingsession_open_needs_consent",
                condition=Q(status=SessionStatus.DRAFT)
                | (~Q(consent_basis="") & ~Q(consent_reference="")),
                violation_error_message=_(
                    "Record how parental consent was handled before opening the session."
                ),
            ),
            models.CheckConstraint(
                name="draftingsession_closes_after_opens",
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                violation_error_message=_("The session must close after it opens."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def region_label(self) -> str:
        """The region children's words are credited to (CH-07)."""
        if self.region:
            return self.region
        return self.country.region if self.country_id else ""


class ParticipantStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting to be let in")
    ADMITTED = "admitted", pgettext_lazy("participant status", "Let in")
    REMOVED = "removed", pgettext_lazy("participant status", "Removed")


class Participant(models.Model):
    """A child in a session: a hashed secret link and a random pseudonym. Nothing else (CH-02)."""

    session = models.ForeignKey(
        DraftingSession,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("session"),
    )
    token_hash = models.CharField(_("link token (hashed)"), max_length=64, unique=True)
    pseudonym = models.CharField(_("pseudonym"), max_length=40)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=ParticipantStatus.choices,
        default=ParticipantStatus.WAITING,
    )
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    admitted_at = models.DateTimeField(_("let in at"), null=True, blank=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "pseudonym"], name="participant_unique_pseudonym"
            ),
            models.CheckConstraint(
                name="participant_status_valid", condition=Q(status__in=ParticipantStatus.values)
            ),
        ]

    def __str__(self) -> str:
        return self.pseudonym


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a facilitator to read it")
    APPROVED = "approved", _("Shared with the group")
    REJECTED = "rejected", _("Not shared")
    WITHDRAWN = "withdrawn", _("Removed by you")
    CONCERN = "concern", _("Passed to the safeguarding contact")


class Outcome(models.TextChoices):
    NONE = "", _("Not decided yet")
    USED = "used", _("Used")
    PARTLY_USED = "partly_used", _("Partly used")
    NOT_USED = "not_used", _("Not used")
    MERGED = "merged", _("Joined with another idea")


class Suggestion(models.Model):
    """A child's proposed wording for a clause (clause_key) or a new idea (blank key)."""

    session = models.ForeignKey(
        DraftingSession,
        on_delete=models.CASCADE,
        related_name="suggestions",
        verbose_name=_("session"),
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("participant"),
    )
    clause_key = models.SlugField(
        _("clause key"), max_length=40, blank=True, help_text=_("Blank: a new idea.")
    )
    text = models.TextField(_("text"), max_length=SUGGESTION_MAX_LENGTH)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.PENDING,
    )
    hold_reasons = models.JSONField(_("held because"), default=list, blank=True)
    rejection_reason = models.CharField(
        _("reason (for the child)"), max_length=REASON_MAX_LENGTH, blank=True
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.NONE, blank=True
    )
    outcome_reason = models.CharField(
        _("outcome reason (for the child)"), max_length=REASON_MAX_LENGTH, blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("joined with"),
    )
    text_purged = models.BooleanField(_("text removed (retention)"), default=False)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        constraints = [
            models.CheckConstraint(
                name="suggestion_status_valid", condition=Q(status__in=SuggestionStatus.values)
            ),
            models.CheckConstraint(
                name="suggestion_outcome_valid", condition=Q(outcome__in=Outcome.values)
            ),
            models.CheckConstraint(
                name="suggestion_merged_has_target",
                condition=~Q(outcome=Outcome.MERGED) | Q(merged_into__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["session", "status"], name="suggestion_session_status")]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.get_status_display()})"

    @property
    def is_new_idea(self) -> bool:
        return not self.clause_key


class Reaction(models.Model):
    """ "I like this idea": one per child per suggestion (CH-10, a database constraint).

    The participant link is cut (SET_NULL) when the retention purge removes the child; the
    aggregate count stays.
    """

    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        related_name="reactions",
        verbose_name=_("participant"),
    )
    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="reactions", verbose_name=_("idea")
    )

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "suggestion"], name="reaction_one_per_participant"
            ),
        ]

    def __str__(self) -> str:
        return f"reaction to #{self.suggestion_id}"


class ConcernReport(models.Model):
    """A child's "report a concern" (CH-08): goes to the facilitator, never published."""

    session = models.ForeignKey(
        DraftingSession,
        on_delete=models.CASCADE,
        related_name="concern_reports",
        verbose_name=_("session"),
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concern_reports",
        verbose_name=_("participant"),
    )
    text = models.TextField(_("what the child wrote"), max_length=CONCERN_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("concern report")
        verbose_name_plural = _("concern reports")

    def __str__(self) -> str:
        return f"concern report #{self.pk}"


class SuggestionUse(models.Model):
    """A clause of a new pledge-text version used (part of) a child's suggestion (CH-09)."""

    clause = models.ForeignKey(
        PledgeClause,
        on_delete=models.CASCADE,
        related_name="suggestion_uses",
        verbose_name=_("clause"),
    )
    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="uses", verbose_name=_("suggestion")
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("linked by"),
    )
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)

    class Meta:
        ordering = ["linked_at", "pk"]
        verbose_name = _("suggestion used")
        verbose_name_plural = _("suggestions used")
        constraints = [
            models.UniqueConstraint(
                fields=["clause", "suggestion"], name="suggestionuse_unique_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clause} ← #{self.suggestion_id}"
