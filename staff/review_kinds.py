"""The records under four eyes, as the workspace shows them: the verification queue lists them
and the verify/return and revise views act on them.

A plain dict: the staff app imports the domain apps directly (no registry filled at start-up).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaign import services as campaign_services
from campaign.models import Partner
from pledges import services
from pledges.history import display_value, field_label, field_value
from pledges.models import CapabilityStatus, NationalStrategy, PledgeEvent


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


EVIDENCE = ("source_url", "source_document", "source_title", "source_publisher", "source_date")


def _edit_url(key: str) -> Callable[[Any], str]:
    return lambda record: reverse("staff:draft_edit", args=[key, record.pk])


REVIEW_KINDS: dict[str, ReviewKind] = {
    kind.key: kind
    for kind in (
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
            edit_url=_edit_url("pledge-event"),
        ),
        ReviewKind(
            key="capability-status",
            label=_("MNR capability status"),
            model=CapabilityStatus,
            verify=lambda *, record, **kw: services.capability_status_verify(record=record, **kw),
            summary=lambda r: f"{r.country.short_name} · {r.capability}: {r.get_status_display()}",
            select_related=("country", "capability", "created_by"),
            country_iso3=lambda r: r.country_id,
            fields=("status", *EVIDENCE, "note", "review_state"),
            edit_url=_edit_url("capability-status"),
        ),
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
            edit_url=_edit_url("national-strategy"),
        ),
        ReviewKind(
            key="partner",
            label=_("Partner"),
            model=Partner,
            verify=lambda *, record, **kw: campaign_services.partner_verify(partner=record, **kw),
            summary=lambda r: f"{r.name} ({r.get_partner_type_display()})",
            select_related=("created_by",),
            fields=(
                "name",
                "partner_type",
                "website",
                "description",
                "endorsement",
                "coi_disclosure",
                "works_globally",
                "review_state",
            ),
        ),
    )
}


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
        value = field_value(record, name)
        url = ""
        if name in ("source_url", "link", "website") and value:
            url = value
        elif name == "source_document" and value:
            url = getattr(record, name).url
        shown.append(ShownField(field_label(model, name), display_value(model, name, value), url))
    return shown
