"""What changed in a record: field-by-field differences for the history and stale saves.

Domain helpers: the history selectors use them, and the staff workspace shows their result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _


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


def field_value(instance: Any, name: str) -> Any:
    """A field's stored value: a related object's key, a file's name."""
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
        theirs = field_value(current, name)
        was = field_value(loaded, name) if loaded is not None else None
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
        after = field_value(newer, name)
        before = field_value(older, name) if older is not None else None
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
