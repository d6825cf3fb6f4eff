"""The records under four eyes, as the workspace shows them: the verification queue lists them
and the verify/return and revise views act on them (through the services).

A plain dict: the staff app imports the domain apps directly (no registry filled at start-up).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaign.models import Campaign, Partner
from pledges.history import display_value, field_label, field_value
from pledges.models import (
    CapabilityStatus,
    NationalStrategy,
    Pledge,
    PledgeEvent,
    PledgeText,
    ProgressReport,
    Revision,
)


@dataclass(frozen=True)
class ReviewKind:
    """A model under four eyes, as the workspace lists and shows it.

    Verifying any kind goes through pledges.services.record_verify, which applies what
    follows from it (a pledge's status, the current strategy, a revision's values)."""

    key: str  # in URLs: /staff/review/<key>/<pk>/
    label: Any  # lazy translated
    model: type[models.Model]
    summary: Callable[[Any], str]
    select_related: tuple[str, ...] = ()
    country_iso3: Callable[[Any], str | None] = lambda record: None
    # The lookup of the M49 region of the record's country(ies), for the queue's filter
    # ("": this kind has no region, and a region filter leaves it out).
    region_lookup: str = ""
    # Fields shown to the verifier and compared when a draft changed under them.
    fields: tuple[str, ...] = ()
    # Where the author revises a draft of this kind (None: not in the workspace).
    edit_url: Callable[[Any], str | None] | None = None


EVIDENCE = ("source_url", "source_document", "source_title", "source_publisher", "source_date")


def _edit_url(key: str) -> Callable[[Any], str]:
    return lambda record: reverse("staff:draft_edit", args=[key, record.pk])


def revision_summary(revision: Revision) -> str:
    """ "Partner UNICEF: 2 fields changed" (the target is prefetched by the selectors)."""
    count = len(revision.values)
    return ngettext(
        "%(kind)s %(record)s: %(count)d field changed",
        "%(kind)s %(record)s: %(count)d fields changed",
        count,
    ) % {
        "kind": capfirst(revision.content_type.name),
        "record": revision.target if revision.target is not None else f"#{revision.object_id}",
        "count": count,
    }


def _revision_country(revision: Revision) -> str | None:
    target = revision.target
    return target.country_id if isinstance(target, Pledge) else None


def _revision_edit_url(revision: Revision) -> str | None:
    # Published partners are changed in the workspace; other kinds in the admin.
    if revision.content_type.model_class() is Partner:
        return reverse("staff:partner_edit", args=[revision.object_id])
    if revision.content_type.model_class() is Campaign:
        return reverse("staff:campaign_settings")
    return None


def _pledge_text_summary(text: PledgeText) -> str:
    count = text.clauses.count()
    return ngettext(
        "Version %(version)d: %(title)s (%(count)d clause)",
        "Version %(version)d: %(title)s (%(count)d clauses)",
        count,
    ) % {"version": text.version, "title": text.title, "count": count}


REVIEW_KINDS: dict[str, ReviewKind] = {
    kind.key: kind
    for kind in (
        ReviewKind(
            key="pledge-event",
            region_lookup="pledge__country__region",
            label=_("Pledge status change"),
            model=PledgeEvent,
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
            region_lookup="country__region",
            label=_("MNR capability status"),
            model=CapabilityStatus,
            summary=lambda r: f"{r.country.short_name} · {r.capability}: {r.get_status_display()}",
            select_related=("country", "capability", "created_by"),
            country_iso3=lambda r: r.country_id,
            fields=("status", *EVIDENCE, "note", "review_state"),
            edit_url=_edit_url("capability-status"),
        ),
        ReviewKind(
            key="national-strategy",
            region_lookup="country__region",
            label=_("National strategy"),
            model=NationalStrategy,
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
            key="progress-report",
            region_lookup="pledge__country__region",
            label=_("Progress report"),
            model=ProgressReport,
            summary=lambda r: (
                f"{r.pledge.country.short_name}: {r.title} ({r.report_date:%Y-%m-%d})"
            ),
            select_related=("pledge__country", "created_by"),
            country_iso3=lambda r: r.pledge.country_id,
            fields=("report_date", "title", "summary", *EVIDENCE, "review_state"),
            edit_url=_edit_url("progress-report"),
        ),
        ReviewKind(
            key="partner",
            region_lookup="countries__region",
            label=_("Partner"),
            model=Partner,
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
            edit_url=lambda r: reverse("staff:partner_edit", args=[r.pk]),
        ),
        ReviewKind(
            key="pledge-text",
            label=_("Pledge text version"),
            model=PledgeText,
            summary=lambda r: (
                ngettext(
                    "Version %(version)d: %(title)s (%(count)d clause)",
                    "Version %(version)d: %(title)s (%(count)d clauses)",
                    r.clauses.count(),
                )
                % {"version": r.version, "title": r.title, "count": r.clauses.count()}
            ),
            select_related=("created_by",),
            fields=("version", "title", "status", "is_placeholder", "changelog", "review_state"),
            edit_url=lambda r: reverse("staff:pledge_text_edit", args=[r.version]),
        ),
        ReviewKind(
            key="revision",
            label=_("Change to a published record"),
            model=Revision,
            summary=revision_summary,
            select_related=("content_type", "created_by"),
            country_iso3=_revision_country,
            fields=("review_state",),
            edit_url=_revision_edit_url,
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
