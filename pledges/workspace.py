"""The staff workspace's extension points, so the core never imports the apps built on it.

Two registries: the kinds of reviewable records (the verification queue lists them and the
verify/return views act on them), and panels for the staff home (e.g. campaign's
"follow-ups due"). Apps register in their AppConfig.ready().
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from pledges.models import ReviewState


@dataclass(frozen=True)
class ReviewKind:
    """A model under four eyes, with the service that verifies one of its drafts."""

    key: str  # in URLs: /staff/review/<key>/<pk>/
    label: Any  # lazy translated
    model: type[models.Model]
    verify: Callable[..., Any]  # verify(record=..., user=..., expected_lock_version=...)
    summary: Callable[[Any], str]
    select_related: tuple[str, ...] = ()
    country_iso3: Callable[[Any], str | None] = lambda record: None
    # Fields shown to the verifier and compared when a draft changed under them.
    fields: tuple[str, ...] = ()
    edit_url: Callable[[Any], str] | None = None


REVIEW_KINDS: dict[str, ReviewKind] = {}


def review_kind_register(kind: ReviewKind) -> None:
    REVIEW_KINDS[kind.key] = kind


def review_kind_of(record: models.Model) -> ReviewKind | None:
    for kind in REVIEW_KINDS.values():
        if isinstance(record, kind.model):
            return kind
    return None


@dataclass(frozen=True)
class StaffHomePanel:
    """A section of the staff home: a heading, a template and its context."""

    order: int
    template: str
    context: dict[str, Any]


STAFF_HOME_PANELS: list[Callable[..., StaffHomePanel | None]] = []


def staff_home_panel_register(provider: Callable[..., StaffHomePanel | None]) -> None:
    """provider(*, user, today) -> StaffHomePanel | None"""
    if provider not in STAFF_HOME_PANELS:
        STAFF_HOME_PANELS.append(provider)


def staff_home_panels(*, user, today: dt.date) -> list[StaffHomePanel]:
    panels = [provider(user=user, today=today) for provider in STAFF_HOME_PANELS]
    return sorted((p for p in panels if p is not None), key=lambda p: p.order)


# --- "What changed": for stale saves (AUD-03) and the history view --------------------------


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str


def display_value(model: type[models.Model], name: str, value: Any) -> str:
    """A value as staff read it: choice labels, dates in ISO, files by name, "—" for empty."""
    if value is None or value == "":
        return "—"
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return str(_("yes") if value else _("no"))
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "name"):  # files
        return str(value.name or "—")
    return str(value)


def field_label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _raw(instance: Any, name: str) -> Any:
    value = getattr(instance, name, None)
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name") and not isinstance(value, str):  # FieldFile
        return value.name or ""
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name") and not isinstance(value, str):  # an uploaded file
        return value.name or ""
    return value


def stale_edit_changes(
    *,
    model: type[models.Model],
    pk: Any,
    loaded_version: int,
    submitted: dict[str, Any],
    fields: tuple[str, ...] | list[str],
) -> tuple[models.Model | None, list[FieldChange]]:
    """What someone else changed since `loaded_version`: (current record, [field: theirs, yours]).

    The version the editor loaded is found in the history (it records lock_version); fields
    that differ between it and the current record are the other person's changes.
    """
    current = model._default_manager.filter(pk=pk).first()
    if current is None:
        return None, []
    loaded = None
    history = getattr(model, "history", None)
    if history is not None:
        loaded = (
            history.filter(**{model._meta.pk.attname: pk, "lock_version": loaded_version})
            .order_by("-history_date")
            .first()
        )
    changes = []
    for name in fields:
        theirs = _raw(current, name)
        was = _raw(loaded, name) if loaded is not None else None
        yours = _plain(submitted[name]) if name in submitted else was
        changed = theirs != was if loaded is not None else True
        # A field both of you set to the same value is no conflict: show only differences.
        if changed and theirs != yours:
            changes.append(
                FieldChange(
                    field=name,
                    label=field_label(model, name),
                    before=display_value(model, name, theirs),
                    after=display_value(model, name, yours),
                )
            )
    return current, changes


def history_changes(
    *, model: type[models.Model], newer: Any, older: Any | None, fields: list[str]
) -> list[FieldChange]:
    """Field by field, before → after between two historical rows of one record."""
    result = []
    for name in fields:
        after = _raw(newer, name)
        before = _raw(older, name) if older is not None else None
        if older is not None and after == before:
            continue
        if older is None and after in (None, "", False):
            continue
        result.append(
            FieldChange(
                field=name,
                label=field_label(model, name),
                before=display_value(model, name, before) if older is not None else "—",
                after=display_value(model, name, after),
            )
        )
    return result


DRAFT_STATES = (ReviewState.DRAFT, ReviewState.RETURNED)


# --- The core's reviewable kinds ----------------------------------------------------------------

EVIDENCE = ("source_url", "source_document", "source_title", "source_publisher", "source_date")


def core_review_kinds_register() -> None:
    from django.urls import reverse

    from pledges import services
    from pledges.models import CapabilityStatus, NationalStrategy, PledgeEvent

    def edit_url(key):
        return lambda record: reverse("pledges:draft_edit", args=[key, record.pk])

    review_kind_register(
        ReviewKind(
            key="pledge-event",
            label=_("Pledge status change"),
            model=PledgeEvent,
            verify=lambda *, record, **kw: services.pledge_event_verify(event=record, **kw),
            summary=lambda r: (
                f"{r.pledge.country.short_name}: "
                f"{r.get_from_status_display() or _('No information')} → "
                f"{r.get_to_status_display()} ({r.event_date:%Y-%m-%d})"
            ),
            select_related=("pledge__country", "created_by"),
            country_iso3=lambda r: r.pledge.country_id,
            fields=("to_status", "event_date", *EVIDENCE, "note", "review_state"),
            edit_url=edit_url("pledge-event"),
        )
    )
    review_kind_register(
        ReviewKind(
            key="capability-status",
            label=_("MNR capability status"),
            model=CapabilityStatus,
            verify=lambda *, record, **kw: services.capability_status_verify(record=record, **kw),
            summary=lambda r: f"{r.country.short_name} · {r.capability}: {r.get_status_display()}",
            select_related=("country", "capability", "created_by"),
            country_iso3=lambda r: r.country_id,
            fields=("status", *EVIDENCE, "note", "review_state"),
            edit_url=edit_url("capability-status"),
        )
    )
    review_kind_register(
        ReviewKind(
            key="national-strategy",
            label=_("National strategy"),
            model=NationalStrategy,
            verify=lambda *, record, **kw: services.national_strategy_verify(record=record, **kw),
            summary=lambda r: f"{r.country.short_name}: {r.get_status_display()} — {r.title}",
            select_related=("country", "created_by"),
            country_iso3=lambda r: r.country_id,
            fields=(
                "status",
                "title",
                "year",
                "link",
                "references_mnr",
                *EVIDENCE,
                "note",
                "review_state",
            ),
            edit_url=edit_url("national-strategy"),
        )
    )


@dataclass(frozen=True)
class ShownField:
    label: str
    text: str
    url: str  # a link to open (source link or document), else ""


def record_fields(record: models.Model, names: tuple[str, ...]) -> list[ShownField]:
    """A record's fields as a verifier reads them, links included."""
    model = type(record)
    shown = []
    for name in names:
        value = _raw(record, name)
        url = ""
        if name in ("source_url", "link", "website") and value:
            url = value
        elif name == "source_document" and value:
            url = getattr(record, name).url
        shown.append(ShownField(field_label(model, name), display_value(model, name, value), url))
    return shown
