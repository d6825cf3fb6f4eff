"""Writes to the registry. Every function is keyword-only and runs full_clean() then save()."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pledges.models import (
    Capability,
    CapabilityStatus,
    Country,
    DemoDataSet,
    MNRDomain,
    NationalStrategy,
    Pledge,
    PledgeClause,
    PledgeEvent,
    PledgeText,
    PledgeTextStatus,
    ReviewState,
    StaleEditError,
)
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
                    "domain": domain,
                    "mnr_version": version,
                },
                report=report,
            )


def pledge_text_load(*, data: dict[str, Any], report: LoadReport) -> PledgeText:
    """Create the first pledge text if it does not exist; never overwrite a staff-edited one."""
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
                number=number,
                formal_text=clause["formal"],
                child_text=clause["child"],
            )
            obj.full_clean()
            obj.save()
    report.count("created", PledgeText._meta.verbose_name_plural)
    return text


# --- Four eyes --------------------------------------------------------------------------------


def public_change_announce() -> None:
    transaction.on_commit(lambda: public_data_changed.send(sender=Pledge))


def _check_lock(record: models.Model, expected_lock_version: int | None) -> None:
    if expected_lock_version is not None and expected_lock_version != record.lock_version:
        raise StaleEditError(record, loaded=expected_lock_version, current=record.lock_version)


def review_verify(record, *, user, expected_lock_version: int | None) -> None:
    if record.review_state != ReviewState.DRAFT:
        raise ValidationError(_("Only a draft awaiting verification can be verified."))
    if record.created_by_id is not None and record.created_by_id == user.pk:
        raise PermissionDenied(_("You logged this change; a different person must verify it."))
    _check_lock(record, expected_lock_version)
    record.review_state = ReviewState.VERIFIED
    record.verified_by = user
    record.verified_at = timezone.now()
    # Validated in full when it was logged; the database enforces the review constraints.
    record.full_clean(validate_constraints=False)
    record.save()


def review_return(*, record, user, comment: str, expected_lock_version: int | None = None) -> None:
    """Send a draft back to its author with a comment; it stays private."""
    if record.review_state != ReviewState.DRAFT:
        raise ValidationError(_("Only a draft awaiting verification can be returned."))
    if not comment.strip():
        raise ValidationError({"review_comment": _("Say what needs fixing.")})
    if record.created_by_id is not None and record.created_by_id == user.pk:
        raise PermissionDenied(_("You logged this change; a different person must review it."))
    _check_lock(record, expected_lock_version)
    record.review_state = ReviewState.RETURNED
    record.review_comment = comment.strip()
    record._change_reason = comment.strip()
    record.full_clean()
    record.save()


def pledge_text_current() -> PledgeText:
    """The text states pledge to now: the newest final version, else the newest one."""
    text = PledgeText.objects.filter(status=PledgeTextStatus.FINAL).order_by("-version").first()
    return text or PledgeText.objects.order_by("-version").first()


def pledge_get_or_create(
    *, country: Country, pledge_text: PledgeText, is_demo: bool = False
) -> Pledge:
    pledge = Pledge.objects.filter(country=country, pledge_text=pledge_text).first()
    if pledge is None:
        pledge = Pledge(country=country, pledge_text=pledge_text, is_demo=is_demo)
        pledge.full_clean()
        pledge.save()
    return pledge


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
) -> PledgeEvent:
    """Log a pledge status change with its evidence, as a draft awaiting verification."""
    with transaction.atomic():
        pledge = pledge_get_or_create(
            country=country, pledge_text=pledge_text or pledge_text_current(), is_demo=is_demo
        )
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
            is_demo=is_demo,
        )
        if source_document is not None:
            event.source_document = source_document
        if reason:
            event._change_reason = reason
        event.full_clean()
        event.save()
    return event


def pledge_event_verify(
    *, event: PledgeEvent, user, expected_lock_version: int | None = None
) -> PledgeEvent:
    """Verify a draft status change; the pledge's status follows the latest verified event."""
    with transaction.atomic():
        event = PledgeEvent.objects.select_for_update().select_related("pledge").get(pk=event.pk)
        review_verify(event, user=user, expected_lock_version=expected_lock_version)
        pledge = Pledge.objects.select_for_update().get(pk=event.pledge_id)
        latest = pledge.events.public().order_by("-event_date", "-verified_at").first()
        if latest is not None and (pledge.status, pledge.status_date) != (
            latest.to_status,
            latest.event_date,
        ):
            pledge.status = latest.to_status
            pledge.status_date = latest.event_date
            pledge.verified_at = latest.verified_at
            pledge.full_clean(validate_constraints=False)
            pledge.save()
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
) -> CapabilityStatus:
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
        is_demo=is_demo,
    )
    if source_document is not None:
        record.source_document = source_document
    if reason:
        record._change_reason = reason
    record.full_clean()
    record.save()
    return record


def _make_current(record, siblings: models.QuerySet) -> None:
    for previous in siblings.filter(is_current=True).exclude(pk=record.pk):
        previous.is_current = False
        previous.save()
    record.is_current = True
    record.save()


def capability_status_verify(
    *, record: CapabilityStatus, user, expected_lock_version: int | None = None
) -> CapabilityStatus:
    with transaction.atomic():
        record = CapabilityStatus.objects.select_for_update().get(pk=record.pk)
        review_verify(record, user=user, expected_lock_version=expected_lock_version)
        _make_current(
            record,
            CapabilityStatus.objects.filter(country=record.country, capability=record.capability),
        )
        public_change_announce()
    return record


def national_strategy_create(
    *, country: Country, user, is_demo: bool = False, reason: str = "", **values: Any
) -> NationalStrategy:
    record = NationalStrategy(country=country, created_by=user, is_demo=is_demo, **values)
    if reason:
        record._change_reason = reason
    record.full_clean()
    record.save()
    return record


def national_strategy_verify(
    *, record: NationalStrategy, user, expected_lock_version: int | None = None
) -> NationalStrategy:
    with transaction.atomic():
        record = NationalStrategy.objects.select_for_update().get(pk=record.pk)
        review_verify(record, user=user, expected_lock_version=expected_lock_version)
        _make_current(record, NationalStrategy.objects.filter(country=record.country))
        public_change_announce()
    return record


def review_draft_update(
    *,
    record,
    user,
    expected_lock_version: int,
    values: dict[str, Any],
    reason: str = "",
):
    """The author revises their own draft (or a returned one); it goes back to the queue.

    Only the author may revise it: anyone else editing it could then verify it, which would
    defeat the four eyes. A save based on an older version raises StaleEditError (AUD-03).
    """
    if record.review_state not in (ReviewState.DRAFT, ReviewState.RETURNED):
        raise ValidationError(_("Only a draft or a returned change can be revised."))
    if record.created_by_id != user.pk:
        raise PermissionDenied(_("Only the person who logged this change can revise it."))
    with transaction.atomic():
        record.lock_version = expected_lock_version
        for name, value in values.items():
            if name == "source_document" and value is None:
                continue
            setattr(record, name, value)
        record.review_state = ReviewState.DRAFT
        record.review_comment = ""
        record._change_reason = reason or _("Revised by the author")
        if isinstance(record, PledgeEvent):
            record.from_status = record.pledge.status
        record.full_clean()
        record.save()
    return record


# --- Demo data marker -------------------------------------------------------------------------


def demo_data_mark(*, seed: int, description: str) -> DemoDataSet:
    DemoDataSet.objects.all().delete()
    marker = DemoDataSet.objects.create(seed=seed, description=description)
    cache.delete(DEMO_CACHE_KEY)
    return marker
