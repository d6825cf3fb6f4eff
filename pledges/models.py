"""The registry: reference data, the pledge text, states' pledges and their evidence.

This app is the core: it imports no other app of the project.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pledges.languages import name_code
from pledges.storage import evidence_storage_get, evidence_upload_to

EARLIEST_DATE = dt.date(2000, 1, 1)


# --- Shared building blocks -------------------------------------------------------------------


class AuditBypassError(RuntimeError):
    """Raised when code tries a bulk write that would skip the audit history (AUD-01)."""


class StaleEditError(Exception):
    """Raised when a record changed since the editor loaded it (AUD-03)."""

    def __init__(self, instance: models.Model, *, loaded: int, current: int | None) -> None:
        self.instance = instance
        self.loaded_version = loaded
        self.current_version = current
        super().__init__(
            _(
                "This %(model)s was changed by someone else since you opened it "
                "(you loaded version %(loaded)s, it is now at version %(current)s). "
                "Nothing was saved: reload it, check the newer version, and apply your "
                "change again."
            )
            % {
                "model": instance._meta.verbose_name,
                "loaded": loaded,
                "current": current if current is not None else _("deleted"),
            }
        )


class AuditedQuerySet(models.QuerySet):
    """A queryset for audited models: bulk writes that skip history are refused."""

    def update(self, **kwargs):
        raise AuditBypassError(
            f"{self.model.__name__}.objects.update() would bypass the audit history; "
            "save each instance through its service instead."
        )

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditBypassError(
            f"{self.model.__name__}.objects.bulk_update() would bypass the audit history; "
            "save each instance through its service instead."
        )


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft, awaiting verification")
    RETURNED = "returned", _("Returned to the author")
    VERIFIED = "verified", _("Verified")


class ReviewableQuerySet(AuditedQuerySet):
    def public(self):
        """The one public door: verified records only (AUD-02)."""
        return self.filter(review_state=ReviewState.VERIFIED)

    def awaiting_verification(self):
        return self.filter(review_state=ReviewState.DRAFT)


# Control characters refused in any stored text: everything below U+0020 except tab, line
# feed and carriage return, plus DEL. PostgreSQL cannot store NUL at all (SQLite can), so a
# NUL must be a clear validation error on every door, never an HTTP 500 on one database only.
_FORBIDDEN_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
WEB_SCHEMES = ("https://", "http://")


def text_field_errors(instance: models.Model, *, exclude=None) -> dict[str, list[str]]:
    """The text rules every door shares: allowed characters, and TextField lengths.

    Django validates a CharField's max_length but not a TextField's (it only sizes the form
    widget), so a note of 100,000 characters would pass full_clean(); here it does not.
    """
    errors: dict[str, list[str]] = {}
    for field in instance._meta.concrete_fields:
        if exclude and field.name in exclude:
            continue
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname, None)
        if not isinstance(value, str):
            continue
        if _FORBIDDEN_CONTROL.search(value):
            errors.setdefault(field.name, []).append(
                str(_("This text contains a control character (such as NUL); remove it."))
            )
        if (
            isinstance(field, models.URLField)
            and value
            and not value.lower().startswith(WEB_SCHEMES)
        ):
            # Django's URLField also lets ftp:// and ftps:// through; a public source or
            # website is a web page every reader's browser opens.
            errors.setdefault(field.name, []).append(
                str(_("Enter a web address starting with https:// or http://."))
            )
        if (
            isinstance(field, models.TextField)
            and field.max_length
            and len(value) > field.max_length
        ):
            errors.setdefault(field.name, []).append(
                str(
                    _("Ensure this text has at most %(limit)d characters (it has %(length)d).")
                    % {"limit": field.max_length, "length": len(value)}
                )
            )
    return errors


class LockedModel(models.Model):
    """Optimistic locking: a save based on an older version is refused (AUD-03).

    Also the one validation path for stored text (see text_field_errors): every staff-edited
    model is a LockedModel, and every door saves it through full_clean().
    """

    lock_version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Bumped on every save; a stale save is refused.")
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            return super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "lock_version"}
        loaded = self.lock_version
        with transaction.atomic():
            current = (
                type(self)
                ._base_manager.select_for_update()
                .filter(pk=self.pk)
                .values_list("lock_version", flat=True)
                .first()
            )
            if current != loaded:
                raise StaleEditError(self, loaded=loaded, current=current)
            self.lock_version = loaded + 1
            try:
                super().save(*args, **kwargs)
            except BaseException:
                self.lock_version = loaded
                raise
        return None

    def clean_fields(self, exclude=None):
        errors: dict[str, list] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for name, messages in text_field_errors(self, exclude=exclude).items():
            errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)


def validate_not_future(value: dt.date) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(_("This date is in the future; record only what has happened."))


def validate_not_too_early(value: dt.date) -> None:
    if value and value < EARLIEST_DATE:
        raise ValidationError(_("Dates before 2000 are not plausible here."))


class Reviewable(LockedModel):
    """Four eyes: a record written by one staff member is public only once another verifies it."""

    review_state = models.CharField(
        _("review state"), max_length=16, choices=ReviewState.choices, default=ReviewState.DRAFT
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
    # Who last changed the content (the author, or whoever revised it since). Together with
    # the record's history it names everyone who may not verify it (four eyes).
    last_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    review_comment = models.TextField(
        _("review comment"), blank=True, help_text=_("Why it was returned, or a verifier's note.")
    )
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Invented data from the demo data set.")
    )
    # The SHA-256 of the file an import logged this record from ("" if not imported): the
    # review queue filters by it and a verifier can verify a reviewed batch at once.
    import_batch = models.CharField(
        _("import batch"), max_length=64, blank=True, default="", db_index=True, editable=False
    )

    objects = ReviewableQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_verifier_is_not_author",
                condition=Q(verified_by__isnull=True)
                | Q(created_by__isnull=True)
                | ~Q(verified_by=F("created_by")),
                violation_error_message=_("The verifier must be a different person."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_verifier_is_not_last_changer",
                condition=Q(verified_by__isnull=True)
                | Q(last_changed_by__isnull=True)
                | ~Q(verified_by=F("last_changed_by")),
                violation_error_message=_("The verifier must not have changed the record."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_verified_has_time",
                condition=(Q(review_state=ReviewState.VERIFIED) & Q(verified_at__isnull=False))
                | (~Q(review_state=ReviewState.VERIFIED) & Q(verified_at__isnull=True)),
                violation_error_message=_("A verified record needs its verification time."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_review_state_valid",
                condition=Q(review_state__in=ReviewState.values),
            ),
        ]

    @property
    def is_public(self) -> bool:
        return self.review_state == ReviewState.VERIFIED


class Evidence(models.Model):
    """Where a public fact comes from: a link and/or an uploaded document."""

    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    # Private, under a random name; served by the evidence view to who may see it.
    source_document = models.FileField(
        _("source document"),
        storage=evidence_storage_get,
        upload_to=evidence_upload_to,
        blank=True,
        db_index=True,
        help_text=_("A PDF or image, up to 10 MB."),
    )
    source_title = models.CharField(_("source title"), max_length=300, blank=True)
    source_publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    source_date = models.DateField(
        _("source date"),
        null=True,
        blank=True,
        validators=[validate_not_future, validate_not_too_early],
    )

    class Meta:
        abstract = True

    @property
    def has_source(self) -> bool:
        return bool(self.source_url or self.source_document)


HAS_SOURCE = ~Q(source_url="") | ~Q(source_document="")


# --- Reference data ---------------------------------------------------------------------------


class UNStatus(models.TextChoices):
    MEMBER = "member", _("UN Member State")
    OBSERVER = "observer", _("Non-member observer State")


class Country(models.Model):
    """A UN Member State or non-member observer State (195), from OCHA / UN M49."""

    iso3 = models.CharField(_("ISO3 code"), max_length=3, primary_key=True)
    iso2 = models.CharField(_("ISO2 code"), max_length=2, unique=True)
    m49 = models.PositiveSmallIntegerField(_("M49 code"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    name_ru = models.CharField(_("name (Russian)"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=80)
    region = models.CharField(_("M49 region"), max_length=40, db_index=True)
    sub_region = models.CharField(_("M49 sub-region"), max_length=60)
    intermediate_region = models.CharField(_("M49 intermediate region"), max_length=60, blank=True)
    un_status = models.CharField(_("UN status"), max_length=8, choices=UNStatus.choices)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    aliases = models.JSONField(_("other names"), default=list, blank=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                name="country_iso3_upper", condition=Q(iso3__regex=r"^[A-Z]{3}$")
            ),
            models.CheckConstraint(
                name="country_iso2_upper", condition=Q(iso2__regex=r"^[A-Z]{2}$")
            ),
            models.CheckConstraint(
                name="country_un_status_valid", condition=Q(un_status__in=UNStatus.values)
            ),
            models.CheckConstraint(
                name="country_point_on_earth",
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    def name_in(self, language: str) -> str:
        code = (language or "en")[:2]
        return getattr(self, f"name_{code}", "") or self.name_en


class MNRDomain(models.Model):
    """One of the six domains of the WeProtect Model National Response."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=80)
    # The names in the other UN languages, fields named as Country's (name_zh for zh-hans):
    # the project's own translations (fixtures/mnr_2016.json); blank falls back to English.
    name_fr = models.CharField(_("name (French)"), max_length=80, blank=True, default="")
    name_es = models.CharField(_("name (Spanish)"), max_length=80, blank=True, default="")
    name_ru = models.CharField(_("name (Russian)"), max_length=80, blank=True, default="")
    name_zh = models.CharField(_("name (Chinese)"), max_length=80, blank=True, default="")
    name_ar = models.CharField(_("name (Arabic)"), max_length=80, blank=True, default="")
    mnr_version = models.CharField(_("MNR version"), max_length=8, default="2016")

    class Meta:
        ordering = ["mnr_version", "number"]
        verbose_name = _("MNR domain")
        verbose_name_plural = _("MNR domains")
        constraints = [
            models.UniqueConstraint(
                fields=["mnr_version", "number"], name="mnrdomain_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return self.name_in(get_language())

    def name_in(self, language: str | None) -> str:
        return getattr(self, f"name_{name_code(language)}", "") or self.name


class Capability(models.Model):
    """One of the 21 capabilities of the MNR (keys mnr-01 ... mnr-21)."""

    key = models.CharField(_("key"), max_length=10, unique=True)
    number = models.PositiveSmallIntegerField(_("number"))
    domain = models.ForeignKey(
        MNRDomain, on_delete=models.PROTECT, related_name="capabilities", verbose_name=_("domain")
    )
    name = models.CharField(_("name"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120, blank=True, default="")
    name_es = models.CharField(_("name (Spanish)"), max_length=120, blank=True, default="")
    name_ru = models.CharField(_("name (Russian)"), max_length=120, blank=True, default="")
    name_zh = models.CharField(_("name (Chinese)"), max_length=120, blank=True, default="")
    name_ar = models.CharField(_("name (Arabic)"), max_length=120, blank=True, default="")
    description = models.CharField(_("what it means"), max_length=300)
    description_fr = models.CharField(
        _("what it means (French)"), max_length=300, blank=True, default=""
    )
    description_es = models.CharField(
        _("what it means (Spanish)"), max_length=300, blank=True, default=""
    )
    description_ru = models.CharField(
        _("what it means (Russian)"), max_length=300, blank=True, default=""
    )
    description_zh = models.CharField(
        _("what it means (Chinese)"), max_length=300, blank=True, default=""
    )
    description_ar = models.CharField(
        _("what it means (Arabic)"), max_length=300, blank=True, default=""
    )
    mnr_version = models.CharField(_("MNR version"), max_length=8, default="2016")

    class Meta:
        ordering = ["mnr_version", "number"]
        verbose_name = _("MNR capability")
        verbose_name_plural = _("MNR capabilities")
        constraints = [
            models.UniqueConstraint(
                fields=["mnr_version", "number"], name="capability_unique_number"
            ),
            models.CheckConstraint(
                name="capability_key_form", condition=Q(key__regex=r"^mnr-\d{2}$")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name_in(get_language())}"

    def name_in(self, language: str | None) -> str:
        return getattr(self, f"name_{name_code(language)}", "") or self.name

    def description_in(self, language: str | None) -> str:
        return getattr(self, f"description_{name_code(language)}", "") or self.description


# --- The pledge text --------------------------------------------------------------------------


class PledgeTextStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for children's suggestions")
    FINAL = "final", _("Final")


class PledgeTextImmutableError(ValidationError):
    """A published version of the pledge text is never edited: corrections make a new one."""

    def __init__(self):
        super().__init__(
            _(
                "This version of the pledge text is published and cannot be changed; "
                "create the next version to correct it."
            )
        )


class PledgeText(Reviewable):
    """A version of the global pledge text, with ordered clauses.

    It is public once verified (four eyes, like every public record) and from then on
    immutable: corrections are a new version, made from the current one, whose clauses keep
    their keys so a diff and the children's suggestions can point at them.
    """

    version = models.PositiveSmallIntegerField(_("version number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=PledgeTextStatus.choices,
        default=PledgeTextStatus.DRAFT,
        help_text=_(
            "Draft: being written. Open: children may suggest changes. Final: the text states sign."
        ),
    )
    changelog = models.TextField(_("what changed in this version"), max_length=2000, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    final_on = models.DateField(
        _("final on"), null=True, blank=True, help_text=_("The date this version became final.")
    )
    is_placeholder = models.BooleanField(
        _("placeholder text"),
        default=False,
        help_text=_("A provisional text, shown as such until the real text is agreed."),
    )

    objects = ReviewableQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta(Reviewable.Meta):
        ordering = ["-version"]
        verbose_name = _("pledge text")
        verbose_name_plural = _("pledge text versions")
        constraints = [
            *Reviewable.Meta.constraints,
            models.CheckConstraint(name="pledgetext_version_positive", condition=Q(version__gte=1)),
            models.CheckConstraint(
                name="pledgetext_status_valid", condition=Q(status__in=PledgeTextStatus.values)
            ),
            models.CheckConstraint(
                name="pledgetext_final_has_date",
                condition=~Q(status=PledgeTextStatus.FINAL, review_state=ReviewState.VERIFIED)
                | Q(final_on__isnull=False),
                violation_error_message=_("A final, published version needs its date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None:
            stored = (
                type(self)
                ._base_manager.filter(pk=self.pk)
                .values_list("review_state", flat=True)
                .first()
            )
            if stored == ReviewState.VERIFIED:
                raise PledgeTextImmutableError()
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.review_state == ReviewState.VERIFIED:
            raise PledgeTextImmutableError()
        return super().delete(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.review_state in (ReviewState.DRAFT, ReviewState.RETURNED)


def clause_source_hash(formal_text: str, child_text: str) -> str:
    """The revision of a clause's English text a translation was made from."""
    return hashlib.sha256(f"{formal_text}\x1e{child_text}".encode()).hexdigest()[:16]


class PledgeClause(LockedModel):
    """A clause of a pledge text: the formal wording and a child-friendly one, aligned.

    `key` is the clause's identity across versions (kept when a version is made from the
    previous one); `number` is its place in this version.
    """

    pledge_text = models.ForeignKey(
        PledgeText, on_delete=models.CASCADE, related_name="clauses", verbose_name=_("pledge text")
    )
    key = models.SlugField(
        _("clause key"),
        max_length=40,
        help_text=_("The clause's identity across versions; never shown as a number."),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    formal_text = models.TextField(_("formal text"), max_length=2000)
    child_text = models.TextField(_("child-friendly text"), max_length=2000)
    change_note = models.CharField(
        _("why it changed"),
        max_length=300,
        blank=True,
        help_text=_("What changed in this clause since the previous version, and why."),
    )

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["pledge_text", "number"]
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        constraints = [
            models.UniqueConstraint(
                fields=["pledge_text", "number"], name="pledgeclause_unique_number"
            ),
            models.UniqueConstraint(fields=["pledge_text", "key"], name="pledgeclause_unique_key"),
            models.CheckConstraint(name="pledgeclause_number_positive", condition=Q(number__gte=1)),
            models.CheckConstraint(
                name="pledgeclause_key_form", condition=Q(key__regex=r"^[a-z0-9][a-z0-9-]*$")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pledge_text} §{self.number}"

    def save(self, *args, **kwargs):
        if self._text_published():
            raise PledgeTextImmutableError()
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._text_published():
            raise PledgeTextImmutableError()
        return super().delete(*args, **kwargs)

    def _text_published(self) -> bool:
        return (
            PledgeText._base_manager.filter(pk=self.pledge_text_id)
            .values_list("review_state", flat=True)
            .first()
            == ReviewState.VERIFIED
        )

    @property
    def source_hash(self) -> str:
        return clause_source_hash(self.formal_text, self.child_text)


class PledgeClauseTranslation(LockedModel):
    """A clause in another UN language, with the English revision it was translated from.

    One row per clause and language, so adding a language needs no migration; when the
    English text changes, `source_hash` no longer matches and the translation is outdated.
    """

    clause = models.ForeignKey(
        PledgeClause,
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=_("clause"),
    )
    language = models.CharField(_("language"), max_length=10)
    formal_text = models.TextField(_("formal text"), max_length=2000)
    child_text = models.TextField(_("child-friendly text"), max_length=2000)
    source_hash = models.CharField(
        _("translated from revision"),
        max_length=16,
        help_text=_("The revision of the English clause this translation was made from."),
    )

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["clause", "language"]
        verbose_name = _("clause translation")
        verbose_name_plural = _("clause translations")
        constraints = [
            models.UniqueConstraint(
                fields=["clause", "language"], name="pledgeclausetranslation_unique_language"
            ),
            models.CheckConstraint(
                name="pledgeclausetranslation_not_english", condition=~Q(language="en")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clause} [{self.language}]"

    def save(self, *args, **kwargs):
        if self.clause._text_published():
            raise PledgeTextImmutableError()
        return super().save(*args, **kwargs)

    @property
    def is_outdated(self) -> bool:
        return self.source_hash != self.clause.source_hash


# --- States' pledges --------------------------------------------------------------------------


class PledgeStatus(models.TextChoices):
    """The ladder (ordered), then the side states. "No information" is not stored."""

    NOT_ENGAGED = "not_engaged", _("Not engaged")
    IN_DIALOGUE = "in_dialogue", _("In dialogue")
    INTENDS_TO_PLEDGE = "intends_to_pledge", _("Intends to pledge")
    PLEDGED = "pledged", _("Pledged")
    STRATEGY_ADOPTED = "strategy_adopted", _("Strategy adopted")
    REPORTING = "reporting", _("Reporting")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


LADDER: tuple[str, ...] = (
    PledgeStatus.NOT_ENGAGED,
    PledgeStatus.IN_DIALOGUE,
    PledgeStatus.INTENDS_TO_PLEDGE,
    PledgeStatus.PLEDGED,
    PledgeStatus.STRATEGY_ADOPTED,
    PledgeStatus.REPORTING,
)
SIDE_STATES: tuple[str, ...] = (PledgeStatus.DECLINED, PledgeStatus.WITHDRAWN)
# States that count as "has pledged" towards the campaign target.
PLEDGED_OR_BEYOND: tuple[str, ...] = LADDER[LADDER.index(PledgeStatus.PLEDGED) :]
NO_INFORMATION = "no_information"
NO_INFORMATION_LABEL = _("No information")


class PledgeQuerySet(AuditedQuerySet):
    def public(self):
        """Pledges whose status comes from a verified event (AUD-02)."""
        return self.filter(verified_at__isnull=False, status__isnull=False)


class Pledge(LockedModel):
    """One state's pledge to one version of the pledge text. Its status is always verified."""

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("country")
    )
    pledge_text = models.ForeignKey(
        PledgeText, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("pledge text")
    )
    # NULL, not "", means "no information": it is a state of its own, unlike any "no".
    status = models.CharField(  # noqa: DJ001
        _("verified status"),
        max_length=20,
        choices=PledgeStatus.choices,
        null=True,
        blank=True,
        help_text=_(
            "Set only when a verifier confirms a status change; empty means no information."
        ),
    )
    status_date = models.DateField(_("status since"), null=True, blank=True)
    verified_at = models.DateTimeField(_("last verified change"), null=True, blank=True)
    signed_by_office = models.CharField(
        _("signed by (office)"),
        max_length=200,
        blank=True,
        help_text=_(
            "An office or institution, e.g. 'Ministry of Digital Affairs' — "
            "never a person's private data."
        ),
    )
    public_note = models.TextField(_("public note"), max_length=2000, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    # Public fields staff may change: only through a Revision that a second person verifies.
    revisable_fields = ("signed_by_office", "public_note")

    objects = PledgeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["country__short_name"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        # App-wide staff permissions (see pledges/roles.py for the role matrix).
        permissions = [
            ("verify_changes", _("Can verify or return other staff members' changes")),
            ("import_files", _("Can import data from CSV or XLSX files")),
            ("export_all", _("Can export all data, history included")),
            ("view_security_log", _("Can read the security event log")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "pledge_text"],
                name="pledge_one_per_country_per_text",
                violation_error_message=_("This state already has a pledge to this text."),
            ),
            models.CheckConstraint(
                name="pledge_status_valid",
                condition=Q(status__isnull=True) | Q(status__in=PledgeStatus.values),
            ),
            models.CheckConstraint(
                name="pledge_status_has_date_and_verification",
                condition=(
                    Q(status__isnull=True)
                    & Q(status_date__isnull=True)
                    & Q(verified_at__isnull=True)
                )
                | (
                    Q(status__isnull=False)
                    & Q(status_date__isnull=False)
                    & Q(verified_at__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="pledge_status_date_plausible",
                condition=Q(status_date__isnull=True) | Q(status_date__gte=EARLIEST_DATE),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} — {self.get_status_display() or NO_INFORMATION_LABEL}"

    def clean(self) -> None:
        validate_not_future(self.status_date)


class PledgeEvent(Reviewable, Evidence):
    """A change of a pledge's status, with its source; public once verified."""

    pledge = models.ForeignKey(
        Pledge, on_delete=models.PROTECT, related_name="events", verbose_name=_("pledge")
    )
    from_status = models.CharField(  # noqa: DJ001 - NULL is "no information"
        _("from"), max_length=20, choices=PledgeStatus.choices, null=True, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=PledgeStatus.choices)
    event_date = models.DateField(
        _("date of the change"), validators=[validate_not_future, validate_not_too_early]
    )
    note = models.TextField(_("public note"), max_length=2000, blank=True)

    history = HistoricalRecords()

    class Meta(Reviewable.Meta):
        ordering = ["-event_date", "-created_at"]
        verbose_name = _("pledge status change")
        verbose_name_plural = _("pledge status changes")
        constraints = [
            *Reviewable.Meta.constraints,
            models.CheckConstraint(
                name="pledgeevent_to_status_valid", condition=Q(to_status__in=PledgeStatus.values)
            ),
            models.CheckConstraint(
                name="pledgeevent_status_changes",
                condition=Q(from_status__isnull=True) | ~Q(from_status=F("to_status")),
                violation_error_message=_("A status change must change the status."),
            ),
            models.CheckConstraint(
                name="pledgeevent_has_source",
                condition=HAS_SOURCE,
                violation_error_message=_("Give a source link or upload a document."),
            ),
            models.CheckConstraint(
                name="pledgeevent_date_plausible", condition=Q(event_date__gte=EARLIEST_DATE)
            ),
        ]

    def __str__(self) -> str:
        before = self.get_from_status_display() if self.from_status else NO_INFORMATION_LABEL
        return f"{self.pledge.country}: {before} → {self.get_to_status_display()}"

    def clean(self) -> None:
        validate_not_future(self.event_date)
        validate_not_future(self.source_date)


# --- National strategy and MNR capabilities ---------------------------------------------------


class CapabilityStatusChoice(models.TextChoices):
    NO_PUBLIC_INFORMATION = "no_public_information", _("No public information")
    NOT_IN_PLACE = "not_in_place", _("Not in place")
    IN_DEVELOPMENT = "in_development", _("In development")
    IN_PLACE = "in_place", _("In place")
    SELF_ASSESSED_NOT_PUBLIC = "self_assessed_not_public", _("Self-assessed, not public")


class CurrentQuerySet(ReviewableQuerySet):
    def current(self):
        """The public value: the latest verified record per subject."""
        return self.filter(is_current=True, review_state=ReviewState.VERIFIED)


class CapabilityStatus(Reviewable, Evidence):
    """A state's status for one MNR capability, from public evidence. Never a score."""

    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="capability_statuses",
        verbose_name=_("country"),
    )
    capability = models.ForeignKey(
        Capability, on_delete=models.PROTECT, related_name="statuses", verbose_name=_("capability")
    )
    status = models.CharField(_("status"), max_length=32, choices=CapabilityStatusChoice.choices)
    note = models.TextField(_("public note"), max_length=2000, blank=True)
    is_current = models.BooleanField(
        _("current"), default=False, help_text=_("The latest verified status for this capability.")
    )

    objects = CurrentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta(Reviewable.Meta):
        ordering = ["country", "capability__number", "-created_at"]
        verbose_name = _("capability status")
        verbose_name_plural = _("capability statuses")
        constraints = [
            *Reviewable.Meta.constraints,
            models.UniqueConstraint(
                fields=["country", "capability"],
                condition=Q(is_current=True),
                name="capabilitystatus_one_current_per_country_capability",
            ),
            models.CheckConstraint(
                name="capabilitystatus_current_is_verified",
                condition=Q(is_current=False) | Q(review_state=ReviewState.VERIFIED),
            ),
            models.CheckConstraint(
                name="capabilitystatus_status_valid",
                condition=Q(status__in=CapabilityStatusChoice.values),
            ),
            models.CheckConstraint(
                name="capabilitystatus_evidence_unless_no_information",
                condition=Q(status=CapabilityStatusChoice.NO_PUBLIC_INFORMATION) | HAS_SOURCE,
                violation_error_message=_("Give the public source for this status."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} · {self.capability.key}: {self.get_status_display()}"

    def clean(self) -> None:
        validate_not_future(self.source_date)


class StrategyStatus(models.TextChoices):
    NONE = "none", _("No national strategy")
    DRAFTING = "drafting", _("Being drafted")
    ADOPTED = "adopted", _("Adopted")
    UNDER_REVIEW = "under_review", _("Under review")


class NationalStrategy(Reviewable, Evidence):
    """A state's national strategy on children's online safety, from public evidence."""

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="strategies", verbose_name=_("country")
    )
    status = models.CharField(_("status"), max_length=16, choices=StrategyStatus.choices)
    title = models.CharField(_("title"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year adopted"), null=True, blank=True)
    link = models.URLField(_("link to the strategy"), max_length=500, blank=True)
    references_mnr = models.BooleanField(_("references the MNR"), default=False)
    note = models.TextField(_("public note"), max_length=2000, blank=True)
    is_current = models.BooleanField(_("current"), default=False)

    objects = CurrentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta(Reviewable.Meta):
        ordering = ["country", "-created_at"]
        verbose_name = _("national strategy")
        verbose_name_plural = _("national strategies")
        constraints = [
            *Reviewable.Meta.constraints,
            models.UniqueConstraint(
                fields=["country"],
                condition=Q(is_current=True),
                name="nationalstrategy_one_current_per_country",
            ),
            models.CheckConstraint(
                name="nationalstrategy_current_is_verified",
                condition=Q(is_current=False) | Q(review_state=ReviewState.VERIFIED),
            ),
            models.CheckConstraint(
                name="nationalstrategy_status_valid", condition=Q(status__in=StrategyStatus.values)
            ),
            models.CheckConstraint(
                name="nationalstrategy_year_plausible",
                condition=Q(year__isnull=True) | Q(year__gte=1990, year__lte=2100),
            ),
            models.CheckConstraint(
                name="nationalstrategy_has_source",
                condition=HAS_SOURCE,
                violation_error_message=_("Give the public source for this status."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country}: {self.get_status_display()}"

    def clean(self) -> None:
        validate_not_future(self.source_date)
        if self.year and self.year > timezone.localdate().year:
            raise ValidationError({"year": _("This year is in the future.")})


# --- Accountability: the progress reports a pledged state owes ------------------------------


class ProgressReport(Reviewable, Evidence):
    """A state's progress report on its pledge, with its evidence; public once verified.

    Which reports are due, and when, follows from the pledge date and the campaign's
    schedule (pledges.accountability)."""

    pledge = models.ForeignKey(
        Pledge, on_delete=models.PROTECT, related_name="progress_reports", verbose_name=_("pledge")
    )
    report_date = models.DateField(
        _("date of the report"),
        validators=[validate_not_future, validate_not_too_early],
        help_text=_("When the state published or submitted the report."),
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("public summary"), max_length=2000, blank=True)

    history = HistoricalRecords()

    class Meta(Reviewable.Meta):
        ordering = ["-report_date", "-created_at"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            *Reviewable.Meta.constraints,
            models.CheckConstraint(
                name="progressreport_has_source",
                condition=HAS_SOURCE,
                violation_error_message=_("Give a source link or upload a document."),
            ),
            models.CheckConstraint(
                name="progressreport_date_plausible", condition=Q(report_date__gte=EARLIEST_DATE)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pledge.country}: {self.title} ({self.report_date:%Y-%m-%d})"

    def clean(self) -> None:
        validate_not_future(self.report_date)
        validate_not_future(self.source_date)


# --- Revisions of published records (four eyes on edits) -------------------------------------


class Revision(Reviewable):
    """A proposed change to a published record: the record stays as it is, and public, until
    a different person verifies the revision; then the values are applied in one save.

    Which fields a model lets staff revise is its `revisable_fields` (and `revisable_m2m`)
    attribute, so the core needs no knowledge of the apps built on it.
    """

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind of record")
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    target = GenericForeignKey("content_type", "object_id")
    # Field name -> proposed value, as the field serialises it (value_to_string / pk lists).
    values = models.JSONField(_("proposed values"), default=dict)
    # The version of the published record the revision was made from: if the record changed
    # since (another revision was verified), applying this one would undo that: refused.
    base_lock_version = models.PositiveIntegerField(_("based on version"))
    reason = models.TextField(_("why"), max_length=2000, blank=True)

    history = HistoricalRecords()

    class Meta(Reviewable.Meta):
        ordering = ["-created_at"]
        verbose_name = _("revision of a published record")
        verbose_name_plural = _("revisions of published records")
        constraints = [
            *Reviewable.Meta.constraints,
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(review_state__in=["draft", "returned"]),
                name="revision_one_open_per_record",
                violation_error_message=_(
                    "A revision of this record is already awaiting verification."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.content_type.name} #{self.object_id} (revision {self.pk})"


class DemoDataSet(models.Model):
    """Present when the invented demo data set is loaded, so every page can say so."""

    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)
    seed = models.PositiveIntegerField(_("random seed"))
    description = models.CharField(_("description"), max_length=300)

    class Meta:
        verbose_name = _("demo data set")
        verbose_name_plural = _("demo data set")

    def __str__(self) -> str:
        return f"{self.description} ({self.loaded_at:%Y-%m-%d})"


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOGOUT = "logout", _("Signed out")
    MFA_CHANGED = "mfa_changed", _("Two-factor authentication changed")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PERMISSION_DENIED = "permission_denied", _("Permission denied")
    INVITATION = "invitation", _("Staff member invited")
    VERIFICATION = "verification", _("Change verified")
    RETURNED = "returned", _("Change returned")
    IMPORT = "import", _("Data imported")
    EXPORT = "export", _("Data exported")
    MODERATION = "moderation", _("Moderation action")
    ROLES_CHANGED = "roles_changed", _("Staff roles changed")
    NOTIFICATION_FAILED = "notification_failed", _("Notification mail not sent")


class SecurityEvent(models.Model):
    """Append-only security event log (AUD-04): never passwords, tokens or children's text."""

    kind = models.CharField(_("event"), max_length=24, choices=SecurityEventKind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # For failed sign-ins there is no user: the e-mail address typed (never the password).
    identifier = models.CharField(_("account identifier"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        constraints = [
            models.CheckConstraint(
                name="securityevent_kind_valid", condition=Q(kind__in=SecurityEventKind.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


# --- Imports in the background (issue 13, item 4) ---------------------------------------------


class ImportFile(models.Model):
    """An uploaded import file, stored once by its SHA-256 until its import is done.

    Private: a database row, never in public media, and no longer in the session (a 5 MB
    upload made every staff page slow while it waited there)."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, primary_key=True)
    content = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("import file")
        verbose_name_plural = _("import files")

    def __str__(self) -> str:
        return self.sha256[:12]


class ImportJobAction(models.TextChoices):
    PREVIEW = "preview", _("Preview")
    APPLY = "apply", _("Apply")


class ImportJobState(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One preview or apply of an import file, run by the background worker.

    The page reads its progress (rows done of rows total) and, when done, its result: the
    plan, row by row, as the preview shows it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=40)
    action = models.CharField(_("action"), max_length=8, choices=ImportJobAction.choices)
    file = models.ForeignKey(
        ImportFile, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("file")
    )
    filename = models.CharField(_("file name"), max_length=200)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    preview = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applies",
        verbose_name=_("the preview applied"),
    )
    state = models.CharField(
        _("state"), max_length=8, choices=ImportJobState.choices, default=ImportJobState.QUEUED
    )
    phase = models.CharField(_("phase"), max_length=16, blank=True)
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The plan as the page shows it: file errors, and per row line, subject, change, errors.
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        constraints = [
            models.CheckConstraint(
                name="importjob_action_valid", condition=Q(action__in=ImportJobAction.values)
            ),
            models.CheckConstraint(
                name="importjob_state_valid", condition=Q(state__in=ImportJobState.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.filename} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (ImportJobState.DONE, ImportJobState.FAILED)
