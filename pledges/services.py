"""Writes to the registry. Every function is keyword-only and runs full_clean() then save()."""

from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from pledges.audit import security_event_log
from pledges.languages import NAME_CODES
from pledges.models import (
    PLEDGED_OR_BEYOND,
    Capability,
    CapabilityStatus,
    Country,
    DemoDataSet,
    MNRDomain,
    NationalStrategy,
    Pledge,
    PledgeClause,
    PledgeClauseTranslation,
    PledgeEvent,
    PledgeStatus,
    PledgeText,
    PledgeTextImmutableError,
    PledgeTextStatus,
    ProgressReport,
    ReviewState,
    Revision,
    SecurityEventKind,
    StaleEditError,
)
from pledges.roles import VERIFY
from pledges.signals import public_data_changed

DEMO_CACHE_KEY = "pledges:demo-data-present"


# --- Reference data ---------------------------------------------------------------------------


@dataclass
class LoadReport:
    """What a reference-data load did, per model."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, name: str) -> None:
        bucket = getattr(self, kind)
        bucket[name] = bucket.get(name, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def lines(self) -> list[str]:
        names = sorted({*self.created, *self.updated, *self.unchanged})
        return [
            f"{name}: {self.created.get(name, 0)} created, {self.updated.get(name, 0)} updated, "
            f"{self.unchanged.get(name, 0)} unchanged"
            for name in names
        ]


def reference_upsert(
    *, model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any], report: LoadReport
) -> models.Model:
    """Create or update one reference row, saving only when something differs."""
    name = model._meta.verbose_name_plural
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        report.count("created", name)
        return obj
    changed = [key for key, value in values.items() if getattr(obj, key) != value]
    if not changed:
        report.count("unchanged", name)
        return obj
    for key in changed:
        setattr(obj, key, values[key])
    obj.full_clean()
    obj.save()
    report.count("updated", name)
    return obj


def countries_load(*, path: Path, report: LoadReport) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    for row in data["countries"]:
        reference_upsert(
            model=Country,
            lookup={"iso3": row["iso3"]},
            values={
                "iso2": row["iso2"],
                "m49": int(row["m49"]),
                "name_en": row["name_en"],
                "name_fr": row["name_fr"],
                "name_es": row["name_es"],
                "name_ru": row["name_ru"],
                "name_zh": row["name_zh"],
                "name_ar": row["name_ar"],
                "short_name": row["short_name_en"],
                "region": row["region"],
                "sub_region": row["sub_region"],
                "intermediate_region": row["intermediate_region"],
                "un_status": row["un_status"],
                "latitude": float(row["lat"]),
                "longitude": float(row["lon"]),
                "aliases": list(row.get("aliases", [])),
            },
            report=report,
        )


# The MNR's other languages (the project's own translations; English is name/description).
MNR_CODES = tuple(code for code in NAME_CODES if code != "en")


def mnr_load(*, path: Path, report: LoadReport) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    version = data["mnr_version"]
    for domain_row in data["domains"]:
        domain = reference_upsert(
            model=MNRDomain,
            lookup={"key": domain_row["key"]},
            values={
                "number": domain_row["number"],
                "name": domain_row["name"],
                **{f"name_{code}": domain_row.get(f"name_{code}", "") for code in MNR_CODES},
                "mnr_version": version,
            },
            report=report,
        )
        for cap in domain_row["capabilities"]:
            reference_upsert(
                model=Capability,
                lookup={"key": cap["key"]},
                values={
                    "number": cap["number"],
                    "name": cap["name"],
                    "description": cap["description"],
                    **{f"name_{code}": cap.get(f"name_{code}", "") for code in MNR_CODES},
                    **{
                        f"description_{code}": cap.get(f"description_{code}", "")
                        for code in MNR_CODES
                    },
                    "domain": domain,
                    "mnr_version": version,
                },
                report=report,
            )


def pledge_text_load(*, data: dict[str, Any], report: LoadReport) -> PledgeText:
    """Create the first pledge text if it does not exist; never overwrite a staff-edited one.

    Like the reference partners, it comes from the campaign plan, checked when the plan was
    written: it is loaded published (with no author), and later versions go through staff.
    """
    text = PledgeText.objects.filter(version=data["version"]).first()
    if text is not None:
        report.count("unchanged", PledgeText._meta.verbose_name_plural)
        return text
    with transaction.atomic():
        text = PledgeText(
            version=data["version"],
            title=data["title"],
            status=data.get("status", PledgeTextStatus.DRAFT),
            changelog=data.get("changelog", ""),
            is_placeholder=data.get("is_placeholder", False),
        )
        text.full_clean()
        text.save()
        for number, clause in enumerate(data["clauses"], start=1):
            obj = PledgeClause(
                pledge_text=text,
                key=clause.get("key", f"clause-{number}"),
                number=number,
                formal_text=clause["formal"],
                child_text=clause["child"],
            )
            obj.full_clean()
            obj.save()
        now = timezone.now()
        text.review_state = ReviewState.VERIFIED
        text.verified_at = now
        text.published_on = now.date()
        if text.status == PledgeTextStatus.FINAL:
            text.final_on = now.date()
        text.full_clean()
        text.save()
    report.count("created", PledgeText._meta.verbose_name_plural)
    return text


# --- Who may do what, and four eyes (AUTH-04, AUD-02, AUD-03, AUD-04) -----------------------
#
# Every write below takes the acting user and checks, itself, the permission, the four-eyes
# rule and the version the actor saw, and writes the security log. Views, admin actions,
# imports and commands call these and never re-check or skip them.


class ActionDenied(PermissionDenied):
    """A write the actor may not make. Logged in the security log before it is raised."""


def model_permission(model: type[models.Model], action: str) -> str:
    """Django's permission for `action` ("add", "change", "view") on `model`."""
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def record_label(record: models.Model) -> str:
    return f"{record._meta.app_label}.{record._meta.model_name}"


def action_denied(*, user, action: str, record=None, model=None, why: str, message) -> ActionDenied:
    detail: dict[str, Any] = {"action": action, "why": why}
    target = record if record is not None else model
    if target is not None:
        detail["record"] = record_label(target)
    if record is not None and record.pk is not None:
        detail["id"] = record.pk
    security_event_log(kind=SecurityEventKind.PERMISSION_DENIED, user=user, detail=detail)
    return ActionDenied(message)


def permission_require(*, user, permission: str, action: str, record=None, model=None) -> None:
    """Refuse (logged) unless `user` holds `permission`."""
    if user is None or not getattr(user, "is_active", False) or not user.has_perm(permission):
        raise action_denied(
            user=user,
            action=action,
            record=record,
            model=model,
            why=f"missing {permission}",
            message=_("Your role does not allow this."),
        )


def review_contributor_ids(record) -> set[int]:
    """Everyone who wrote this record's content: its author, whoever changed it since.

    From the record itself (author, last changer) and its history (every saved draft
    state), so a change made through any door counts, whoever's name the record shows.
    """
    ids = {record.created_by_id, getattr(record, "last_changed_by_id", None)}
    if record.pk is not None and hasattr(type(record), "history"):
        ids.update(
            record.history.filter(review_state=ReviewState.DRAFT)
            .exclude(history_user=None)
            .values_list("history_user_id", flat=True)
        )
    ids.discard(None)
    return ids


def four_eyes_require(*, record, user, action: str) -> None:
    """Refuse (logged) if `user` wrote any of the record's content."""
    if user.pk in review_contributor_ids(record):
        raise action_denied(
            user=user,
            action=action,
            record=record,
            why="four eyes",
            message=_("You logged or changed this record; a different person must %(action)s it.")
            % {"action": _("verify") if action == "verify" else _("review")},
        )


def _check_lock(record: models.Model, expected_lock_version: int) -> None:
    if expected_lock_version is None:
        raise ValueError("expected_lock_version is required: the version the actor saw.")
    if expected_lock_version != record.lock_version:
        raise StaleEditError(record, loaded=expected_lock_version, current=record.lock_version)


def _save(record: models.Model, *, user, reason: str = "", validate: bool = True) -> None:
    """full_clean() then save(), with the actor and the why recorded in the history."""
    if user is not None:
        record._history_user = user
    if reason:
        record._change_reason = reason
    if validate:
        record.full_clean()
    else:
        # Validated in full when it was logged; the database enforces the review constraints.
        record.full_clean(validate_constraints=False)
    record.save()


def public_change_announce() -> None:
    transaction.on_commit(lambda: public_data_changed.send(sender=Pledge))


def review_allowed_require(*, record, user, action: str) -> None:
    """The refusals of verify and return: the permission, then four eyes.

    Checked before the service's transaction, on a fresh read, so that the security-log
    row of a refusal is not rolled back with it; inside the transaction the version check
    (expected_lock_version) guarantees the record is still the one checked here.
    """
    permission_require(user=user, permission=VERIFY, action=action, record=record)
    fresh = type(record)._default_manager.filter(pk=record.pk).first()
    four_eyes_require(record=fresh or record, user=user, action=action)


def review_verify(record, *, user, expected_lock_version: int) -> None:
    """The four-eyes step: a different person with the verify permission, on the version
    they saw. Callers lock the row first and apply what follows from it (status, current).

    Callers check first with review_allowed_require, before their transaction, so that a
    refusal's security-log row is kept; these checks are the second line, for a caller
    that did not (inside a caller's transaction, their log row is rolled back with it)."""
    permission_require(user=user, permission=VERIFY, action="verify", record=record)
    if record.review_state != ReviewState.DRAFT:
        raise ValidationError(_("Only a draft awaiting verification can be verified."))
    four_eyes_require(record=record, user=user, action="verify")
    _check_lock(record, expected_lock_version)
    record.review_state = ReviewState.VERIFIED
    record.verified_by = user
    record.verified_at = timezone.now()
    record.review_comment = ""
    # A rule that holds only once published (an industry partner's COI disclosure) is a
    # clear refusal here, not an IntegrityError (HTTP 500) from the database.
    record.validate_constraints()
    _save(record, user=user, reason=_("Verified"), validate=False)
    security_event_log(
        kind=SecurityEventKind.VERIFICATION,
        user=user,
        detail={"record": record_label(record), "id": record.pk},
    )


def review_return(*, record, user, comment: str, expected_lock_version: int) -> None:
    """Send a draft back to its author with a comment; it stays private.

    The permission and four eyes are checked once, before the transaction, so that the
    security-log row of a refusal is kept (review_allowed_require); the version check
    inside it guarantees the record is still the one checked."""
    review_allowed_require(record=record, user=user, action="return")
    with transaction.atomic():
        record = type(record)._default_manager.select_for_update().get(pk=record.pk)
        if record.review_state != ReviewState.DRAFT:
            raise ValidationError(_("Only a draft awaiting verification can be returned."))
        if not comment.strip():
            raise ValidationError({"review_comment": _("Say what needs fixing.")})
        _check_lock(record, expected_lock_version)
        record.review_state = ReviewState.RETURNED
        record.review_comment = comment.strip()
        record.full_clean()
        record._history_user = user
        record._change_reason = comment.strip()
        record.save()
        security_event_log(
            kind=SecurityEventKind.RETURNED,
            user=user,
            detail={"record": record_label(record), "id": record.pk},
        )
    return record


def pledge_text_current() -> PledgeText | None:
    """The text states pledge to now: the published version a campaign promotes (the
    public data count pledges to it), else the newest published final version, else the
    newest published one. An unpublished version is never pledged to."""
    published = PledgeText.objects.public().order_by("-version")
    return (
        published.filter(campaigns__isnull=False).first()
        or published.filter(status=PledgeTextStatus.FINAL).first()
        or published.first()
    )


def pledge_get_or_create(
    *, country: Country, pledge_text: PledgeText, is_demo: bool = False
) -> Pledge:
    pledge = Pledge.objects.filter(country=country, pledge_text=pledge_text).first()
    if pledge is None:
        pledge = Pledge(country=country, pledge_text=pledge_text, is_demo=is_demo)
        pledge.full_clean()
        pledge.save()
    return pledge


def pledge_event_date_require(*, pledge: Pledge | None, event_date: dt.date) -> None:
    """A status change is never dated before the state's latest verified change.

    The public changelog is a chain: each change starts from the status before it. A change
    dated before the latest verified one would start from a status that did not exist at its
    date (and the status after it would not follow from it), so it is refused, at logging
    and again at verification, for every door (the staff form, an import, the admin). A
    correction of the past is a new change dated today that says so in its note.
    """
    if pledge is None or pledge.status_date is None or event_date is None:
        return
    if event_date < pledge.status_date:
        raise ValidationError(
            {
                "event_date": _(
                    "This change is dated %(date)s, before the latest verified change "
                    "(%(status)s on %(latest)s): the changelog would show a status that did "
                    "not exist then. Date it on or after %(latest)s, and say in the note "
                    "what it corrects."
                )
                % {
                    "date": event_date.isoformat(),
                    "status": PledgeStatus(pledge.status).label,
                    "latest": pledge.status_date.isoformat(),
                }
            }
        )


def pledge_event_create(
    *,
    country: Country,
    to_status: str,
    event_date: dt.date,
    user,
    source_url: str = "",
    source_document=None,
    source_title: str = "",
    source_publisher: str = "",
    source_date: dt.date | None = None,
    note: str = "",
    pledge_text: PledgeText | None = None,
    is_demo: bool = False,
    reason: str = "",
    import_batch: str = "",
) -> PledgeEvent:
    """Log a pledge status change with its evidence, as a draft awaiting verification."""
    permission_require(
        user=user, permission=model_permission(PledgeEvent, "add"), action="add", model=PledgeEvent
    )
    with transaction.atomic():
        pledge = pledge_get_or_create(
            country=country, pledge_text=pledge_text or pledge_text_current(), is_demo=is_demo
        )
        pledge_event_date_require(pledge=pledge, event_date=event_date)
        event = PledgeEvent(
            pledge=pledge,
            from_status=pledge.status,
            to_status=to_status,
            event_date=event_date,
            source_url=source_url,
            source_title=source_title,
            source_publisher=source_publisher,
            source_date=source_date,
            note=note,
            created_by=user,
            last_changed_by=user,
            is_demo=is_demo,
            import_batch=import_batch,
        )
        if source_document is not None:
            event.source_document = source_document
        _save(event, user=user, reason=reason)
    return event


def pledge_event_verify(*, event: PledgeEvent, user, expected_lock_version: int) -> PledgeEvent:
    """Verify a draft status change; the pledge's status follows the latest verified event."""
    review_allowed_require(record=event, user=user, action="verify")
    with transaction.atomic():
        event = PledgeEvent.objects.select_for_update().select_related("pledge").get(pk=event.pk)
        pledge = Pledge.objects.select_for_update().get(pk=event.pledge_id)
        # Another change may have been verified since this one was logged: it must still
        # come after the latest verified one, and it starts from the status as it is now.
        if event.review_state == ReviewState.DRAFT:
            pledge_event_date_require(pledge=pledge, event_date=event.event_date)
            event.from_status = pledge.status
        review_verify(event, user=user, expected_lock_version=expected_lock_version)
        latest = pledge.events.public().order_by("-event_date", "-verified_at").first()
        if latest is not None and (pledge.status, pledge.status_date) != (
            latest.to_status,
            latest.event_date,
        ):
            pledge.status = latest.to_status
            pledge.status_date = latest.event_date
            pledge.verified_at = latest.verified_at
            _save(pledge, user=user, reason=_("Status change verified"), validate=False)
        public_change_announce()
    return event


def capability_status_create(
    *,
    country: Country,
    capability: Capability,
    status: str,
    user,
    source_url: str = "",
    source_document=None,
    source_title: str = "",
    source_publisher: str = "",
    source_date: dt.date | None = None,
    note: str = "",
    is_demo: bool = False,
    reason: str = "",
    import_batch: str = "",
) -> CapabilityStatus:
    permission_require(
        user=user,
        permission=model_permission(CapabilityStatus, "add"),
        action="add",
        model=CapabilityStatus,
    )
    record = CapabilityStatus(
        country=country,
        capability=capability,
        status=status,
        source_url=source_url,
        source_title=source_title,
        source_publisher=source_publisher,
        source_date=source_date,
        note=note,
        created_by=user,
        last_changed_by=user,
        is_demo=is_demo,
        import_batch=import_batch,
    )
    if source_document is not None:
        record.source_document = source_document
    _save(record, user=user, reason=reason)
    return record


# Rows written per INSERT of a bulk import: well under SQLite's 32,766 bound parameters.
IMPORT_CHUNK_ROWS = 500


def _fk_names(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.is_relation]


def capability_statuses_build(
    *, user, rows: list[dict[str, Any]], import_batch: str
) -> list[CapabilityStatus]:
    """Build and validate many capability statuses as drafts, for an import (no writes:
    capability_statuses_import saves them). The records, checks and history that
    capability_statuses_create makes, in a few queries for the whole file instead of about
    ten per row.

    Each row is the keyword arguments of capability_status_create (its `reason` included).
    The permission is checked once (it is the same user); each record is validated with
    full_clean() like _save() does, except the lookups that would cost a query per row:
    the foreign keys are objects the importer already resolved in bulk, and the review
    constraints (a draft is never current nor verified) and the status/evidence check
    constraints are enforced by the database on insert, where a violation rolls the whole
    import back. Built outside the import's transaction, so that on SQLite the write lock
    is held only while writing.
    """
    permission_require(
        user=user,
        permission=model_permission(CapabilityStatus, "add"),
        action="add",
        model=CapabilityStatus,
    )
    exclude = _fk_names(CapabilityStatus)
    records = []
    for fields in rows:
        fields = dict(fields)
        reason = fields.pop("reason", "")
        record = CapabilityStatus(
            **fields,
            created_by=user,
            last_changed_by=user,
            import_batch=import_batch,
        )
        record._history_user = user
        record._change_reason = reason
        record.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        records.append(record)
    return records


def capability_statuses_import(*, user, records: list[CapabilityStatus]) -> None:
    """Save records built by capability_statuses_build, each with its history row, in
    chunks of IMPORT_CHUNK_ROWS, all or nothing. Call it inside the import's transaction."""
    permission_require(
        user=user,
        permission=model_permission(CapabilityStatus, "add"),
        action="add",
        model=CapabilityStatus,
    )
    if any(r.pk is not None or r.created_by_id != user.pk for r in records):
        raise ValueError("Only new records built by capability_statuses_build for this user.")
    with transaction.atomic():
        for start in range(0, len(records), IMPORT_CHUNK_ROWS):
            chunk = records[start : start + IMPORT_CHUNK_ROWS]
            bulk_create_with_history(
                chunk, CapabilityStatus, batch_size=IMPORT_CHUNK_ROWS, default_user=user
            )


def _make_current(record, siblings: models.QuerySet, *, user) -> None:
    for previous in siblings.filter(is_current=True).exclude(pk=record.pk):
        previous.is_current = False
        previous._history_user = user
        previous.save()
    record.is_current = True
    record._history_user = user
    record.save()


def capability_status_verify(
    *, record: CapabilityStatus, user, expected_lock_version: int
) -> CapabilityStatus:
    review_allowed_require(record=record, user=user, action="verify")
    with transaction.atomic():
        record = CapabilityStatus.objects.select_for_update().get(pk=record.pk)
        review_verify(record, user=user, expected_lock_version=expected_lock_version)
        _make_current(
            record,
            CapabilityStatus.objects.filter(country=record.country, capability=record.capability),
            user=user,
        )
        public_change_announce()
    return record


def national_strategy_create(
    *, country: Country, user, is_demo: bool = False, reason: str = "", **values: Any
) -> NationalStrategy:
    permission_require(
        user=user,
        permission=model_permission(NationalStrategy, "add"),
        action="add",
        model=NationalStrategy,
    )
    record = NationalStrategy(
        country=country, created_by=user, last_changed_by=user, is_demo=is_demo, **values
    )
    _save(record, user=user, reason=reason)
    return record


def national_strategy_verify(
    *, record: NationalStrategy, user, expected_lock_version: int
) -> NationalStrategy:
    review_allowed_require(record=record, user=user, action="verify")
    with transaction.atomic():
        record = NationalStrategy.objects.select_for_update().get(pk=record.pk)
        review_verify(record, user=user, expected_lock_version=expected_lock_version)
        _make_current(record, NationalStrategy.objects.filter(country=record.country), user=user)
        public_change_announce()
    return record


def progress_report_create(
    *, country: Country, user, is_demo: bool = False, reason: str = "", **values: Any
) -> ProgressReport:
    """Log a state's progress report on its pledge, with evidence, as a draft (issue 11).

    Only a state whose verified status is "pledged" or beyond owes reports; verifying one
    goes through record_verify like every draft (four eyes)."""
    permission_require(
        user=user,
        permission=model_permission(ProgressReport, "add"),
        action="add",
        model=ProgressReport,
    )
    pledge_text = pledge_text_current()
    pledge = (
        Pledge.objects.filter(country=country, pledge_text=pledge_text).first()
        if pledge_text
        else None
    )
    if pledge is None or pledge.status not in PLEDGED_OR_BEYOND:
        raise ValidationError(
            _("%(state)s has no verified pledge: only a pledged state reports on its progress.")
            % {"state": country.short_name}
        )
    record = ProgressReport(
        pledge=pledge, created_by=user, last_changed_by=user, is_demo=is_demo, **values
    )
    _save(record, user=user, reason=reason)
    return record


def reviewable_verify(*, record, user, expected_lock_version: int):
    """Verify a draft whose verification has no consequence beyond publishing it (partners)."""
    review_allowed_require(record=record, user=user, action="verify")
    with transaction.atomic():
        record = type(record)._default_manager.select_for_update().get(pk=record.pk)
        review_verify(record, user=user, expected_lock_version=expected_lock_version)
        public_change_announce()
    return record


def review_draft_update(
    *,
    record,
    user,
    expected_lock_version: int,
    values: dict[str, Any],
    m2m: dict[str, Any] | None = None,
    reason: str = "",
):
    """Revise a draft (or a returned one); it goes back to the verification queue.

    Only its author may revise it, or anyone with the change permission when it has no
    author (reference data); whoever revises it can no longer verify it. A save based on an
    older version raises StaleEditError (AUD-03).
    """
    permission_require(
        user=user,
        permission=model_permission(type(record), "change"),
        action="change",
        record=record,
    )
    if record.created_by_id is not None and record.created_by_id != user.pk:
        raise action_denied(
            user=user,
            action="change",
            record=record,
            why="not the author",
            message=_("Only the person who logged this change can revise it."),
        )
    with transaction.atomic():
        record = type(record)._default_manager.select_for_update().get(pk=record.pk)
        if record.review_state not in (ReviewState.DRAFT, ReviewState.RETURNED):
            raise ValidationError(_("Only a draft or a returned change can be revised."))
        _check_lock(record, expected_lock_version)
        for name, value in values.items():
            if name == "source_document" and value is None:
                continue
            setattr(record, name, value)
        record.review_state = ReviewState.DRAFT
        record.review_comment = ""
        record.last_changed_by = user
        if isinstance(record, PledgeEvent):
            record.from_status = record.pledge.status
        _save(record, user=user, reason=reason or _("Revised by the author"))
        for name, objs in (m2m or {}).items():
            getattr(record, name).set(objs)
    return record


# --- Revisions: changes to published records ---------------------------------------------------


def _revisable(model: type[models.Model]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(getattr(model, "revisable_fields", ())), tuple(getattr(model, "revisable_m2m", ()))


def revision_open_for(*, target: models.Model) -> Revision | None:
    return (
        Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(type(target)),
            object_id=target.pk,
            review_state__in=(ReviewState.DRAFT, ReviewState.RETURNED),
        )
        .select_related("created_by")
        .first()
    )


def revision_changes(*, revision: Revision, target: models.Model | None = None) -> list[dict]:
    """Field by field: the published value and the proposed one (for the review page)."""
    target = target if target is not None else revision.target
    model = type(target)
    changes = []
    for name, proposed in revision.values.items():
        field = model._meta.get_field(name)
        if field.many_to_many:
            before = sorted(getattr(target, name).values_list("pk", flat=True))
            after = sorted(proposed)
        else:
            before = field.value_from_object(target)
            after = field.to_python(proposed)
        changes.append(
            {"field": name, "label": str(field.verbose_name), "before": before, "after": after}
        )
    return changes


def revision_propose(
    *,
    target: models.Model,
    user,
    expected_lock_version: int,
    values: dict[str, Any],
    m2m: dict[str, Any] | None = None,
    reason: str = "",
) -> Revision:
    """Propose a change to a published record. The record stays public and unchanged until
    a different person verifies the revision (AUD-02)."""
    model = type(target)
    fields, m2m_fields = _revisable(model)
    permission_require(
        user=user, permission=model_permission(model, "change"), action="change", record=target
    )
    m2m = m2m or {}
    unknown = (set(values) - set(fields)) | (set(m2m) - set(m2m_fields))
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(names)s.")
            % {"names": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        target = model._default_manager.select_for_update().get(pk=target.pk)
        _check_lock(target, expected_lock_version)
        # The one validation path: the values are checked on the record as it would be.
        proposed = model._default_manager.get(pk=target.pk)
        for name, value in values.items():
            setattr(proposed, name, value)
        proposed.full_clean()
        changed: dict[str, Any] = {}
        for name in values:
            field = model._meta.get_field(name)
            new = field.value_from_object(proposed)
            if new != field.value_from_object(target):
                changed[name] = json.loads(json.dumps(new, cls=DjangoJSONEncoder))
        for name, objs in m2m.items():
            new_pks = sorted(o.pk if isinstance(o, models.Model) else o for o in objs)
            if new_pks != sorted(getattr(target, name).values_list("pk", flat=True)):
                changed[name] = new_pks
        if not changed:
            raise ValidationError(_("Nothing was changed."))
        revision = revision_open_for(target=target)
        if revision is not None and revision.created_by_id != user.pk:
            raise ValidationError(
                _(
                    "A change to this record by %(who)s is already awaiting verification: "
                    "it must be verified or returned first."
                )
                % {"who": revision.created_by or _("someone else")}
            )
        if revision is None:
            revision = Revision(
                content_type=ContentType.objects.get_for_model(model),
                object_id=target.pk,
                created_by=user,
                is_demo=bool(getattr(target, "is_demo", False)),
            )
        revision.values = changed
        revision.base_lock_version = target.lock_version
        revision.reason = reason
        revision.review_state = ReviewState.DRAFT
        revision.review_comment = ""
        revision.last_changed_by = user
        _save(revision, user=user, reason=reason or _("Change proposed"))
    return revision


def revision_verify(*, revision: Revision, user, expected_lock_version: int) -> Revision:
    """Verify a revision: its values are applied to the published record in one save."""
    review_allowed_require(record=revision, user=user, action="verify")
    with transaction.atomic():
        revision = Revision.objects.select_for_update().get(pk=revision.pk)
        model = revision.content_type.model_class()
        target = model._default_manager.select_for_update().get(pk=revision.object_id)
        review_verify(revision, user=user, expected_lock_version=expected_lock_version)
        if target.lock_version != revision.base_lock_version:
            raise ValidationError(
                _(
                    "The published record changed after this revision was proposed: applying "
                    "it would undo that change. Return it so its author can redo it."
                )
            )
        for name, value in revision.values.items():
            field = model._meta.get_field(name)
            if not field.many_to_many:
                setattr(target, field.attname, field.to_python(value))
        why = _("Revision %(id)d verified") % {"id": revision.pk}
        if revision.reason:
            why = f"{why}: {revision.reason}"
        # The history names the author of the change; the verifier is on the revision.
        _save(target, user=revision.created_by, reason=why)
        for name, value in revision.values.items():
            if model._meta.get_field(name).many_to_many:
                getattr(target, name).set(value)
        public_change_announce()
    return revision


def record_change(
    *,
    record: models.Model,
    user,
    expected_lock_version: int,
    values: dict[str, Any],
    m2m: dict[str, Any] | None = None,
    reason: str = "",
):
    """Staff change a record, through whichever door: a draft is revised in place; a
    published record gets a revision awaiting verification; a verified change (an event, a
    status) is never edited: a correction is a new change."""
    is_reviewable = hasattr(record, "review_state")
    if is_reviewable and record.review_state in (ReviewState.DRAFT, ReviewState.RETURNED):
        return review_draft_update(
            record=record,
            user=user,
            expected_lock_version=expected_lock_version,
            values=values,
            m2m=m2m,
            reason=reason,
        )
    if not _revisable(type(record))[0]:
        permission_require(
            user=user,
            permission=model_permission(type(record), "change"),
            action="change",
            record=record,
        )
        raise ValidationError(
            _("A verified change is never edited: record a new change to correct it.")
        )
    return revision_propose(
        target=record,
        user=user,
        expected_lock_version=expected_lock_version,
        values=values,
        m2m=m2m,
        reason=reason,
    )


def record_verify(*, record: models.Model, user, expected_lock_version: int):
    """Verify any reviewable draft through the service that applies its consequences."""
    if isinstance(record, PledgeEvent):
        return pledge_event_verify(
            event=record, user=user, expected_lock_version=expected_lock_version
        )
    if isinstance(record, CapabilityStatus):
        return capability_status_verify(
            record=record, user=user, expected_lock_version=expected_lock_version
        )
    if isinstance(record, NationalStrategy):
        return national_strategy_verify(
            record=record, user=user, expected_lock_version=expected_lock_version
        )
    if isinstance(record, PledgeText):
        return pledge_text_verify(
            text=record, user=user, expected_lock_version=expected_lock_version
        )
    if isinstance(record, Revision):
        return revision_verify(
            revision=record, user=user, expected_lock_version=expected_lock_version
        )
    return reviewable_verify(record=record, user=user, expected_lock_version=expected_lock_version)


# --- Demo data marker -------------------------------------------------------------------------


def demo_data_mark(*, seed: int, description: str) -> DemoDataSet:
    DemoDataSet.objects.all().delete()
    marker = DemoDataSet.objects.create(seed=seed, description=description)
    cache.delete(DEMO_CACHE_KEY)
    return marker


# --- The pledge text: versions, clauses, publication ---------------------------------------
#
# A version is written as a draft (its clauses added, removed, reordered, reworded), then
# published by a different person with the verify permission (four eyes, like every public
# record). A published version is immutable (also refused by the model); corrections are
# the next version, made from the current one, whose clauses keep their keys.
# Every change to a draft version saves the version itself (who, why, lock version), so one
# lock covers the whole document and everyone who changed it is known to four eyes.

PLEDGE_TEXT_ADD = "pledges.add_pledgetext"
PLEDGE_TEXT_CHANGE = "pledges.change_pledgetext"


def pledge_text_published() -> models.QuerySet[PledgeText]:
    return PledgeText.objects.public().order_by("-version")


def _clause_key_next() -> str:
    """A key no clause of any version has had: clause-<n>."""
    numbers = [
        int(key.removeprefix("clause-"))
        for key in PledgeClause.objects.filter(key__startswith="clause-").values_list(
            "key", flat=True
        )
        if key.removeprefix("clause-").isdigit()
    ]
    return f"clause-{max(numbers, default=0) + 1}"


def _pledge_text_touch(text: PledgeText, *, user, reason: str) -> None:
    """A change to the draft: back to the verification queue, the changer recorded."""
    text.review_state = ReviewState.DRAFT
    text.review_comment = ""
    text.last_changed_by = user
    _save(text, user=user, reason=reason)


@contextmanager
def _pledge_text_edit(*, text: PledgeText, user, expected_lock_version: int):
    """A change to a draft version: the version, locked in a transaction, if `user` may
    change it as they saw it.

    The permission is checked before the transaction opens, so that the security-log row of
    a refusal is not rolled back with it (as review_allowed_require does for verify).
    """
    permission_require(user=user, permission=PLEDGE_TEXT_CHANGE, action="change", record=text)
    with transaction.atomic():
        text = PledgeText.objects.select_for_update().get(pk=text.pk)
        if not text.is_editable:
            raise PledgeTextImmutableError()
        _check_lock(text, expected_lock_version)
        yield text


def pledge_text_next_version(*, user, is_demo: bool = False) -> PledgeText:
    """Start the next version as a copy of the newest one, clause keys kept."""
    permission_require(user=user, permission=PLEDGE_TEXT_ADD, action="add", model=PledgeText)
    with transaction.atomic():
        unpublished = (
            PledgeText.objects.select_for_update()
            .exclude(review_state=ReviewState.VERIFIED)
            .order_by("version")
            .first()
        )
        if unpublished is not None:
            raise ValidationError(
                _(
                    "Version %(version)d is not published yet: finish it (or have it "
                    "published) before starting another."
                )
                % {"version": unpublished.version}
            )
        base = PledgeText.objects.order_by("-version").first()
        text = PledgeText(
            version=(base.version + 1) if base else 1,
            title=base.title if base else _("Global pledge"),
            status=PledgeTextStatus.DRAFT if base is None else base.status,
            is_placeholder=base.is_placeholder if base else False,
            created_by=user,
            last_changed_by=user,
            is_demo=is_demo,
        )
        _save(
            text,
            user=user,
            reason=_("New version made from version %(version)s")
            % {"version": base.version if base else "-"},
        )
        for clause in base.clauses.all() if base else ():
            copy = PledgeClause(
                pledge_text=text,
                key=clause.key,
                number=clause.number,
                formal_text=clause.formal_text,
                child_text=clause.child_text,
            )
            _save(
                copy,
                user=user,
                reason=_("Copied from version %(version)d") % {"version": base.version},
            )
            for translation in clause.translations.all():
                _save(
                    PledgeClauseTranslation(
                        clause=copy,
                        language=translation.language,
                        formal_text=translation.formal_text,
                        child_text=translation.child_text,
                        source_hash=translation.source_hash,
                    ),
                    user=user,
                )
    return text


def pledge_text_update(
    *, text: PledgeText, user, expected_lock_version: int, values: dict[str, Any]
) -> PledgeText:
    """Change a draft version's title, status, changelog or placeholder flag."""
    allowed = {"title", "status", "changelog", "is_placeholder"}
    if set(values) - allowed:
        raise ValueError(f"not a version field: {sorted(set(values) - allowed)}")
    with _pledge_text_edit(
        text=text, user=user, expected_lock_version=expected_lock_version
    ) as text:
        for name, value in values.items():
            setattr(text, name, value)
        _pledge_text_touch(text, user=user, reason=_("Version details changed"))
    return text


def _clauses_renumber(ordered: list[PledgeClause], *, user, reason: str) -> None:
    """Give `ordered` the numbers 1..n, in two steps so the unique number never clashes."""
    offset = 1000
    for clause in ordered:
        if clause.number < offset:
            clause.number += offset
            clause.save()
    for number, clause in enumerate(ordered, start=1):
        clause.number = number
        _save(clause, user=user, reason=reason)


def pledge_clause_add(
    *,
    text: PledgeText,
    user,
    expected_lock_version: int,
    formal_text: str,
    child_text: str,
    change_note: str = "",
    position: int | None = None,
) -> PledgeClause:
    """Add a clause (at `position`, 1-based; at the end by default), with a new key."""
    with _pledge_text_edit(
        text=text, user=user, expected_lock_version=expected_lock_version
    ) as text:
        clauses = list(text.clauses.order_by("number"))
        clause = PledgeClause(
            pledge_text=text,
            key=_clause_key_next(),
            number=len(clauses) + 1,
            formal_text=formal_text,
            child_text=child_text,
            change_note=change_note or _("New clause."),
        )
        _save(clause, user=user, reason=_("Clause added"))
        if position is not None and 1 <= position <= len(clauses):
            clauses.insert(position - 1, clause)
            _clauses_renumber(clauses, user=user, reason=_("Clauses reordered"))
        _pledge_text_touch(text, user=user, reason=_("Clause added"))
    return clause


def pledge_clause_update(
    *,
    clause: PledgeClause,
    user,
    expected_lock_version: int,
    formal_text: str,
    child_text: str,
    change_note: str = "",
) -> PledgeClause:
    """Reword a clause; `expected_lock_version` is the version's (one lock per document)."""
    with _pledge_text_edit(
        text=clause.pledge_text, user=user, expected_lock_version=expected_lock_version
    ) as text:
        clause = text.clauses.select_for_update().get(pk=clause.pk)
        clause.formal_text = formal_text
        clause.child_text = child_text
        clause.change_note = change_note
        _save(clause, user=user, reason=_("Clause reworded"))
        _pledge_text_touch(text, user=user, reason=_("Clause reworded"))
    return clause


def pledge_clause_remove(*, clause: PledgeClause, user, expected_lock_version: int) -> None:
    """Remove a clause from a draft version; the others close up."""
    with _pledge_text_edit(
        text=clause.pledge_text, user=user, expected_lock_version=expected_lock_version
    ) as text:
        clauses = list(text.clauses.order_by("number"))
        if len(clauses) <= 1:
            raise ValidationError(_("A version needs at least one clause."))
        target = next(c for c in clauses if c.pk == clause.pk)
        target._history_user = user
        target._change_reason = _("Clause removed")
        target.delete()
        clauses.remove(target)
        _clauses_renumber(clauses, user=user, reason=_("Clauses renumbered"))
        _pledge_text_touch(text, user=user, reason=_("Clause removed"))


def pledge_clause_move(
    *, clause: PledgeClause, user, expected_lock_version: int, position: int
) -> PledgeClause:
    """Move a clause to `position` (1-based) in its version."""
    with _pledge_text_edit(
        text=clause.pledge_text, user=user, expected_lock_version=expected_lock_version
    ) as text:
        clauses = list(text.clauses.order_by("number"))
        if not 1 <= position <= len(clauses):
            raise ValidationError(
                _("Choose a position from 1 to %(count)d.") % {"count": len(clauses)}
            )
        target = next(c for c in clauses if c.pk == clause.pk)
        clauses.remove(target)
        clauses.insert(position - 1, target)
        _clauses_renumber(clauses, user=user, reason=_("Clauses reordered"))
        _pledge_text_touch(text, user=user, reason=_("Clauses reordered"))
    return target


def pledge_clause_translation_set(
    *,
    clause: PledgeClause,
    user,
    expected_lock_version: int,
    language: str,
    formal_text: str,
    child_text: str,
) -> PledgeClauseTranslation:
    """Record a clause's text in another UN language, made from the English as it is now."""
    from django.conf import settings

    if language == "en" or language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the other UN languages.")})
    with _pledge_text_edit(
        text=clause.pledge_text, user=user, expected_lock_version=expected_lock_version
    ) as text:
        clause = text.clauses.get(pk=clause.pk)
        translation = clause.translations.filter(language=language).first() or (
            PledgeClauseTranslation(clause=clause, language=language)
        )
        translation.formal_text = formal_text
        translation.child_text = child_text
        translation.source_hash = clause.source_hash
        _save(translation, user=user, reason=_("Translation recorded"))
        _pledge_text_touch(text, user=user, reason=_("Translation recorded"))
    return translation


def pledge_text_verify(*, text: PledgeText, user, expected_lock_version: int) -> PledgeText:
    """Publish a version: four eyes, then it is public and immutable."""
    review_allowed_require(record=text, user=user, action="verify")
    with transaction.atomic():
        text = PledgeText.objects.select_for_update().get(pk=text.pk)
        if not text.clauses.exists():
            raise ValidationError(_("A version needs at least one clause before it is published."))
        if text.version > 1 and not text.changelog.strip():
            raise ValidationError(
                _("Say what changed in this version (its changelog) before it is published.")
            )
        today = timezone.localdate()
        text.published_on = today
        if text.status == PledgeTextStatus.FINAL:
            text.final_on = today
        review_verify(text, user=user, expected_lock_version=expected_lock_version)
        public_change_announce()
    return text


@dataclass
class BatchVerification:
    verified: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (record, why)


def batch_verify(*, items: list[tuple[models.Model, int]], user) -> BatchVerification:
    """ "Verify this batch": each (record, the version the verifier saw) through record_verify.

    Nothing is skipped for a batch: each record gets the permission, four eyes (over its
    own author and history), the version check and its own rules, each in its own
    transaction, and each verification is logged like a single one. A refused record (a
    refusal is logged too) does not stop the others; the answer lists it and why.
    """
    result = BatchVerification()
    for record, expected_lock_version in items:
        try:
            record_verify(record=record, user=user, expected_lock_version=expected_lock_version)
        except StaleEditError:
            result.refused.append((record, _("It changed since you loaded the batch.")))
        except PermissionDenied as exc:
            result.refused.append((record, str(exc)))
        except ValidationError as exc:
            result.refused.append((record, " ".join(exc.messages)))
        else:
            result.verified.append(record)
    return result
