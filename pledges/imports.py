"""Imports from CSV and XLSX: read → plan (a dry run, row by row) → apply, atomically.

Files come from spreadsheets people really use: UTF-8 with or without BOM, comma or
semicolon separated, or Excel .xlsx; countries named by ISO3, ISO2 or a name in any of the
six UN languages or a common variant. A file with any bad row changes nothing: the plan
lists every bad row with its line number and the reason. Imported changes are drafts that a
second person verifies, like any other change.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pledges import services
from pledges.audit import security_event_log
from pledges.models import (
    EARLIEST_DATE,
    Capability,
    CapabilityStatus,
    CapabilityStatusChoice,
    Country,
    ImportFile,
    ImportJob,
    ImportJobAction,
    ImportJobState,
    Pledge,
    PledgeEvent,
    PledgeStatus,
    ReviewState,
    SecurityEventKind,
)
from pledges.names import country_keys, name_key
from pledges.roles import IMPORT
from pledges.services import permission_require
from pledges.spreadsheets import csv_row
from pledges.tables import NOT_AVAILABLE, ImportFileError, table_read

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


class ImportRejected(Exception):
    """Applying was refused because the file has bad rows; nothing was changed."""

    def __init__(self, plan: ImportPlan) -> None:
        self.plan = plan
        super().__init__(_("The file has bad rows; nothing was changed."))


# --- Recognising values -----------------------------------------------------------------------


NOT_AVAILABLE_KEYS = frozenset(name_key(mark) for mark in NOT_AVAILABLE)


def country_index() -> dict[str, Country | None]:
    """{name key: country} for ISO3, ISO2, the six UN names, the short name and aliases.

    A key two states share maps to None (ambiguous), so it is refused, never guessed.
    """
    index: dict[str, Country | None] = {}
    for country in Country.objects.all():
        for key in country_keys(country):  # the one list of names (pledges.names)
            if key in NOT_AVAILABLE_KEYS:
                # "NA" is Namibia's ISO2 code, and what spreadsheets write for "not
                # available": it is never read as a state (Namibia is NAM or its name).
                continue
            if key in index and index[key] is not None and index[key].pk != country.pk:
                index[key] = None
            else:
                index.setdefault(key, country)
    return index


def country_resolve(text: str, index: dict[str, Country | None]) -> Country:
    key = name_key(text)
    if not key:
        raise ValidationError(
            _("The country is missing (NA, N/A, - and ? mean 'not available'; Namibia is NAM).")
        )
    if key not in index:
        raise ValidationError(
            _("Unknown country '%(text)s': use the ISO3 code, e.g. KEN.") % {"text": text}
        )
    country = index[key]
    if country is None:
        raise ValidationError(
            _("'%(text)s' could mean more than one state: use the ISO3 code.") % {"text": text}
        )
    return country


def _choice_key(text: str) -> str:
    return name_key(text).replace(" ", "_")


@functools.lru_cache(maxsize=64)
def _choice_keys(choices: tuple[tuple[str, str], ...]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for value, label in choices:
        keys.setdefault(_choice_key(value), value)
        keys.setdefault(_choice_key(label), value)
    return keys


def choice_resolve(text: str, choices, *, what: str) -> str:
    """A choice by its value or its English label, case- and accent-insensitively."""
    key = _choice_key(text)
    if not key:
        raise ValidationError(_("The %(what)s is missing.") % {"what": what})
    # The keys of the choices once per language, not for every row.
    value = _choice_keys(tuple((value, str(label)) for value, label in choices)).get(key)
    if value is not None:
        return value
    raise ValidationError(
        _("Unknown %(what)s '%(text)s': use one of %(values)s.")
        % {"what": what, "text": text, "values": ", ".join(v for v, _label in choices)}
    )


# A date is ISO YYYY-MM-DD exactly (a real date cell of a workbook is read as one); never
# the first ten characters of something longer, a week date or 20260301.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def date_parse(text: str, *, what: str, required: bool) -> dt.date | None:
    """A date written YYYY-MM-DD, not in the future, not before 2000."""
    text = (text or "").strip()
    if not text:
        if required:
            raise ValidationError(_("The %(what)s is missing.") % {"what": what})
        return None
    try:
        if not ISO_DATE.fullmatch(text):
            raise ValueError(text)
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            _("The %(what)s '%(text)s' is not a date: write it as YYYY-MM-DD.")
            % {"what": what, "text": text}
        ) from None
    if value > timezone.localdate():
        raise ValidationError(_("The %(what)s is in the future.") % {"what": what})
    if value < EARLIEST_DATE:
        raise ValidationError(_("The %(what)s is before 2000.") % {"what": what})
    return value


def url_check(text: str, *, required: bool) -> str:
    text = (text or "").strip()
    if not text:
        if required:
            raise ValidationError(_("The source link is missing: every change needs a source."))
        return ""
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        raise ValidationError(
            _("The source link '%(text)s' is not a web address.") % {"text": text}
        ) from None
    return text


def model_errors(exc: ValidationError) -> list[str]:
    messages = []
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            for message in errors:
                messages.append(message if name == "__all__" else f"{name}: {message}")
    else:
        messages.extend(exc.messages)
    return messages


# --- Plans --------------------------------------------------------------------------------------


@dataclass
class RowPlan:
    line: int
    subject: str = ""
    change: str = ""
    skip: bool = False
    errors: list[str] = field(default_factory=list)
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportPlan:
    importer: str
    filename: str
    rows: list[RowPlan] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    context: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    @property
    def bad_rows(self) -> list[RowPlan]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.bad_rows and bool(self.rows)

    @property
    def to_apply(self) -> list[RowPlan]:
        return [row for row in self.rows if row.ok and not row.skip]

    @property
    def skipped(self) -> list[RowPlan]:
        return [row for row in self.rows if row.ok and row.skip]


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    description: Any  # lazy translated
    example: str = ""


class Importer:
    """One kind of import. Subclasses name the columns and plan and apply one row."""

    key = ""
    label: Any = ""
    columns: tuple[Column, ...] = ()
    example_rows: tuple[tuple[str, ...], ...] = ()

    def context(self) -> dict[str, Any]:
        return {}

    def plan_row(self, *, line: int, values: dict[str, str], context: dict[str, Any]) -> RowPlan:
        raise NotImplementedError

    def apply_row(self, *, row: RowPlan, user, filename: str, batch: str = "") -> None:
        raise NotImplementedError

    def prepare_rows(self, *, rows: list[RowPlan], user, filename: str, batch: str) -> Any:
        """Work that needs no write, done before the import's transaction (an importer with
        a bulk service builds and validates its records here); given to apply_rows."""
        return None

    def apply_rows(
        self, *, rows: list[RowPlan], user, filename: str, batch: str, prepared: Any = None
    ) -> None:
        """Apply the planned rows, inside the import's transaction: one by one here; an
        importer with a bulk service overrides it."""
        for row in rows:
            self.apply_row(row=row, user=user, filename=filename, batch=batch)

    def context_state(self, context: dict[str, Any]) -> Any:
        """What of the database the plan depends on, to tell whether it changed between
        the plan and the apply's transaction (then the file is planned again inside it)."""
        return {key: value for key, value in context.items() if key != "seen"}

    def template_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(csv_row(c.name for c in self.columns))
        writer.writerows(csv_row(row) for row in self.example_rows)
        return out.getvalue()


FILENAME_MAX = 200
_FILENAME_UNSAFE = re.compile(r"[\x00-\x1f\x7f]+")


def filename_clean(filename: str) -> str:
    """The upload's name as it goes into a history reason and the security log: no control
    characters (PostgreSQL stores no NUL, in text or JSON), no folders, at most 200 characters."""
    name = _FILENAME_UNSAFE.sub(" ", str(filename or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(name.split())
    return name[:FILENAME_MAX]


# How often a background import writes its progress (rows), and at least every so often.
PROGRESS_EVERY_ROWS = 250


def import_plan(
    *,
    importer: Importer,
    content: bytes,
    filename: str = "",
    sheet: str = "",
    progress: Progress | None = None,
    context: dict[str, Any] | None = None,
) -> ImportPlan:
    """The dry run: what each row would change, and every bad row with its reason.

    `sheet` chooses the sheet of a workbook with data on more than one. `progress` is
    called with (rows done, rows in the file) now and then. Every lookup is made once for
    the file (the importer's context), never per row.
    """
    filename = filename_clean(filename)
    plan = ImportPlan(importer=importer.key, filename=filename)
    try:
        table = table_read(content=content, sheet=sheet)
    except ImportFileError as exc:
        plan.file_errors.append(str(exc))
        return plan
    headers, rows = table.headers, table.rows
    known = {c.name for c in importer.columns}
    missing = [c.name for c in importer.columns if c.required and c.name not in headers]
    unknown = [h for h in headers if h not in known]
    if missing:
        plan.file_errors.append(
            _("Missing columns: %(names)s (line 1 must name the columns).")
            % {"names": ", ".join(missing)}
        )
    if unknown:
        plan.file_errors.append(
            _("Unknown columns: %(names)s. The columns are: %(known)s.")
            % {"names": ", ".join(unknown), "known": ", ".join(c.name for c in importer.columns)}
        )
    if plan.file_errors:
        return plan
    if not rows:
        plan.file_errors.append(_("The file has no data rows under its header."))
        return plan
    if context is None:
        context = importer.context()
    plan.context = context
    total = len(rows)
    if progress is not None:
        progress(0, total)
    for done, (line, values) in enumerate(rows, start=1):
        if progress is not None and done % PROGRESS_EVERY_ROWS == 0:
            progress(done, total)
        if values.get("__short__"):
            plan.rows.append(RowPlan(line=line, errors=[values["__short__"]]))
            continue
        if values.get("__extra__"):
            plan.rows.append(
                RowPlan(
                    line=line,
                    errors=[
                        _("More cells than columns: %(cells)s") % {"cells": values["__extra__"]}
                    ],
                )
            )
            continue
        plan.rows.append(importer.plan_row(line=line, values=values, context=context))
    if progress is not None:
        progress(total, total)  # every row checked (an apply goes on to write them)
    return plan


def import_apply(
    *,
    importer: Importer,
    content: bytes,
    filename: str,
    user,
    sheet: str = "",
    progress: Progress | None = None,
) -> ImportPlan:
    """Plan again and apply every row in one transaction; any bad row rejects the whole file.

    The import permission is checked here, and the rows go through the service that checks
    its own permission: an import can do nothing its user could not do by hand.

    The rows are checked first, outside the transaction (only reads), then written inside
    one short transaction, in chunks: on SQLite the write lock is held only while writing,
    so other staff wait a moment rather than for the whole import. If what the plan read
    changed meanwhile (another import, a verification), the file is planned again inside
    the transaction. A failure anywhere stores nothing.
    """
    permission_require(user=user, permission=IMPORT, action="import")
    filename = filename_clean(filename)
    plan = import_plan(
        importer=importer, content=content, filename=filename, sheet=sheet, progress=progress
    )
    if not plan.ok:
        raise ImportRejected(plan)
    planned_state = importer.context_state(plan_context(plan))
    batch = hashlib.sha256(content).hexdigest()
    rows = {"rows": plan.to_apply, "user": user, "filename": filename, "batch": batch}
    prepared = importer.prepare_rows(**rows)
    with transaction.atomic():
        context = importer.context()
        if importer.context_state(context) != planned_state:
            plan = import_plan(
                importer=importer,
                content=content,
                filename=filename,
                sheet=sheet,
                context=context,
            )
            if not plan.ok:
                raise ImportRejected(plan)
            rows["rows"] = plan.to_apply
            prepared = importer.prepare_rows(**rows)
        importer.apply_rows(**rows, prepared=prepared)
        security_event_log(
            kind=SecurityEventKind.IMPORT,
            user=user,
            detail={
                "importer": importer.key,
                "filename": filename,
                "sheet": filename_clean(sheet),
                "sha256": batch,
                "rows_applied": len(plan.to_apply),
                "rows_skipped": len(plan.skipped),
            },
        )
    return plan


def plan_context(plan: ImportPlan) -> dict[str, Any]:
    return plan.context if plan.context is not None else {}


def plan_json(plan: ImportPlan) -> dict[str, Any]:
    """The plan as a background job stores it for the page (no payloads: the apply plans
    the file again)."""
    return {
        "filename": plan.filename,
        "file_errors": [str(error) for error in plan.file_errors],
        "rows": [
            {
                "line": row.line,
                "subject": str(row.subject),
                "change": str(row.change),
                "skip": row.skip,
                "errors": [str(error) for error in row.errors],
            }
            for row in plan.rows
        ],
    }


def plan_from_json(data: dict[str, Any], *, importer: str = "") -> ImportPlan:
    plan = ImportPlan(
        importer=importer,
        filename=data.get("filename", ""),
        file_errors=list(data.get("file_errors", [])),
    )
    plan.rows = [
        RowPlan(
            line=row["line"],
            subject=row["subject"],
            change=row["change"],
            skip=row["skip"],
            errors=list(row["errors"]),
        )
        for row in data.get("rows", [])
    ]
    return plan


# --- Background jobs (issue 13, item 4) ----------------------------------------------------------


def import_file_stage(*, content: bytes) -> ImportFile:
    """Keep an uploaded file once, by its SHA-256, until its import has run."""
    sha256 = hashlib.sha256(content).hexdigest()
    staged, created = ImportFile.objects.get_or_create(
        sha256=sha256, defaults={"content": content, "size": len(content)}
    )
    if not created and bytes(staged.content) != content:
        # Emptied after an apply (see import_job_run): the same file, uploaded again.
        staged.content = content
        staged.size = len(content)
        staged.save(update_fields=["content", "size"])
    return staged


def import_job_create(
    *,
    importer: Importer,
    user,
    action: str,
    content: bytes,
    filename: str,
    sheet: str = "",
    preview: ImportJob | None = None,
) -> ImportJob:
    """A preview or apply waiting for the worker; the caller enqueues its task."""
    permission_require(user=user, permission=IMPORT, action="import")
    return ImportJob.objects.create(
        kind=importer.key,
        action=action,
        file=import_file_stage(content=content),
        filename=filename_clean(filename),
        sheet=(sheet or "")[:100],
        user=user,
        preview=preview,
    )


def import_job_run(*, job_id, importer: Importer) -> ImportJob:
    """Run a job: plan (or apply) its file, writing progress to the job's row as it goes.

    The progress rows are written outside the apply's transaction, while the rows are
    checked; the write itself is one short transaction (import_apply). A failure marks the
    job failed and, the apply being atomic, stores nothing.
    """
    job = ImportJob.objects.select_related("file", "user").get(pk=job_id)
    if job.finished:
        return job  # delivered twice: the first run's result stands
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJobState.RUNNING, started_at=now, phase="checking"
    )
    last = [0.0]

    def progress(done: int, total: int) -> None:
        moment = time.monotonic()
        if done in (0, total) or moment - last[0] >= 0.5:
            last[0] = moment
            ImportJob.objects.filter(pk=job.pk).update(rows_done=done, rows_total=total)

    content = bytes(job.file.content)
    applied = False
    try:
        if job.action == ImportJobAction.APPLY:
            try:
                plan = import_apply(
                    importer=importer,
                    content=content,
                    filename=job.filename,
                    user=job.user,
                    sheet=job.sheet,
                    progress=progress,
                )
                applied = True
            except ImportRejected as rejected:
                plan = rejected.plan
        else:
            plan = import_plan(
                importer=importer,
                content=content,
                filename=job.filename,
                sheet=job.sheet,
                progress=progress,
            )
    except Exception as exc:
        logger.exception("Import job %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJobState.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        job.refresh_from_db()
        return job
    result = plan_json(plan)
    result.update(
        ok=plan.ok,
        applied=applied,
        rows_applied=len(plan.to_apply) if applied else 0,
        rows_to_apply=len(plan.to_apply),
        rows_skipped=len(plan.skipped),
    )
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJobState.DONE,
        phase="",
        finished_at=timezone.now(),
        rows_total=len(plan.rows),
        rows_done=len(plan.rows),
        result=result,
    )
    if applied:
        # Applied: the staged bytes are no longer needed (the jobs keep their results).
        ImportFile.objects.filter(pk=job.file_id).update(content=b"")
    job.refresh_from_db()
    return job


# --- The registry's importers -------------------------------------------------------------------

EVIDENCE_COLUMNS = (
    Column("source_url", True, gettext_lazy("Link to the public source (https://...)."), ""),
    Column("source_title", False, gettext_lazy("Title of the source."), ""),
    Column("source_publisher", False, gettext_lazy("Who published it."), ""),
    Column("source_date", False, gettext_lazy("Date of the source, YYYY-MM-DD."), ""),
    Column("note", False, gettext_lazy("Public note (optional)."), ""),
)


def _evidence(values: dict[str, str], row: RowPlan, *, url_required: bool) -> dict[str, Any]:
    result: dict[str, Any] = {
        "source_title": values.get("source_title", ""),
        "source_publisher": values.get("source_publisher", ""),
        "note": values.get("note", ""),
    }
    for name, check in (
        ("source_url", lambda: url_check(values.get("source_url", ""), required=url_required)),
        (
            "source_date",
            lambda: date_parse(
                values.get("source_date", ""), what=_("source date"), required=False
            ),
        ),
    ):
        try:
            result[name] = check()
        except ValidationError as exc:
            row.errors.extend(exc.messages)
    return result


def _validate_instance(instance, row: RowPlan, *, exclude: list[str]) -> None:
    """The model's field limits, allowed characters and clean(), without a query per row.

    The foreign keys are objects the importer resolved from its bulk lookups (checking
    that they exist would cost a query each), and the constraints are the database's to
    enforce at the apply (Django checks each with a query): the importer checks what they
    say itself (a known status; a source unless no_public_information), and a draft is
    never current nor verified.
    """
    foreign_keys = [f.name for f in instance._meta.concrete_fields if f.is_relation]
    try:
        instance.full_clean(
            exclude=[*exclude, *foreign_keys], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        row.errors.extend(model_errors(exc))


class PledgeStatusImporter(Importer):
    key = "pledge-statuses"
    label = gettext_lazy("Pledge statuses")
    columns = (
        Column("country", True, gettext_lazy("ISO3, ISO2 or a name in a UN language."), "KEN"),
        Column(
            "status",
            True,
            format_lazy(
                gettext_lazy("New status: {values}."), values=", ".join(PledgeStatus.values)
            ),
            "pledged",
        ),
        Column("date", True, gettext_lazy("Date of the change, YYYY-MM-DD."), "2026-03-01"),
        *EVIDENCE_COLUMNS,
    )
    example_rows = (
        (
            "KEN",
            "pledged",
            "2026-03-01",
            "https://example.org/press-release",
            "Press release",
            "Ministry of ICT",
            "2026-03-01",
            "",
        ),
        ("Côte d'Ivoire", "in_dialogue", "2026-02-10", "https://example.org/news", "", "", "", ""),
    )

    def context(self) -> dict[str, Any]:
        text = services.pledge_text_current()
        pledges = {p.country_id: p for p in Pledge.objects.filter(pledge_text=text)}
        pending = set(
            PledgeEvent.objects.filter(
                pledge__pledge_text=text, review_state=ReviewState.DRAFT
            ).values_list("pledge__country_id", "to_status", "event_date")
        )
        return {"countries": country_index(), "pledges": pledges, "pending": pending, "seen": {}}

    def context_state(self, context: dict[str, Any]) -> Any:
        state = super().context_state(context)
        # A pledge compares by its key: its status and date are what the plan read.
        state["pledges"] = {
            iso3: (pledge.pk, pledge.status, pledge.status_date)
            for iso3, pledge in context["pledges"].items()
        }
        return state

    def plan_row(self, *, line: int, values: dict[str, str], context: dict[str, Any]) -> RowPlan:
        row = RowPlan(line=line, subject=values.get("country", ""))
        country = status = date = None
        try:
            country = country_resolve(values.get("country", ""), context["countries"])
            row.subject = f"{country.short_name} ({country.iso3})"
        except ValidationError as exc:
            row.errors.extend(exc.messages)
        try:
            status = choice_resolve(
                values.get("status", ""), PledgeStatus.choices, what=_("status")
            )
        except ValidationError as exc:
            row.errors.extend(exc.messages)
        try:
            date = date_parse(values.get("date", ""), what=_("date of the change"), required=True)
        except ValidationError as exc:
            row.errors.extend(exc.messages)
        evidence = _evidence(values, row, url_required=True)
        if country is not None:
            first = context["seen"].setdefault(country.iso3, line)
            if first != line:
                row.errors.append(
                    _("%(country)s is already on line %(line)d: one change per state per file.")
                    % {"country": country.short_name, "line": first}
                )
        if row.errors:
            return row
        pledge = context["pledges"].get(country.iso3)
        current = pledge.status if pledge else None
        labels = dict(PledgeStatus.choices)
        before = str(labels[current]) if current else _("No information")
        if current == status:
            row.skip = True
            row.change = _("Already %(status)s: no change.") % {"status": labels[status]}
            return row
        if (country.iso3, status, date) in context["pending"]:
            row.skip = True
            row.change = _("The same change is already awaiting verification: skipped.")
            return row
        try:
            services.pledge_event_date_require(pledge=pledge, event_date=date)
        except ValidationError as exc:
            row.errors.extend(model_errors(exc))
        event = PledgeEvent(from_status=current, to_status=status, event_date=date, **evidence)
        _validate_instance(event, row, exclude=["pledge"])
        if row.errors:
            return row
        row.change = _("%(before)s → %(after)s on %(date)s (a draft, awaiting verification)") % {
            "before": before,
            "after": labels[status],
            "date": date.isoformat(),
        }
        row.payload = {"country": country, "to_status": status, "event_date": date, **evidence}
        return row

    def apply_row(self, *, row: RowPlan, user, filename: str, batch: str = "") -> None:
        services.pledge_event_create(
            user=user,
            reason=_("Imported from %(file)s, line %(line)d")
            % {"file": filename, "line": row.line},
            import_batch=batch,
            **row.payload,
        )


class CapabilityStatusImporter(Importer):
    key = "capability-statuses"
    label = gettext_lazy("MNR capability statuses")
    columns = (
        Column("country", True, gettext_lazy("ISO3, ISO2 or a name in a UN language."), "KEN"),
        Column(
            "capability",
            True,
            gettext_lazy("The MNR capability: mnr-01 … mnr-21, its number 1 to 21, or its name."),
            "mnr-11",
        ),
        Column(
            "status",
            True,
            format_lazy(
                gettext_lazy("Status: {values}."), values=", ".join(CapabilityStatusChoice.values)
            ),
            "in_place",
        ),
        Column(
            "source_url",
            False,
            gettext_lazy("Link to the public source; required unless no_public_information."),
        ),
        *EVIDENCE_COLUMNS[1:],
    )
    example_rows = (
        (
            "KEN",
            "mnr-11",
            "in_place",
            "https://example.org/helpline",
            "National child helpline",
            "Ministry",
            "2026-01-15",
            "",
        ),
        ("Viet Nam", "12", "in_development", "https://example.org/hotline", "", "", "", ""),
    )

    def context(self) -> dict[str, Any]:
        capabilities: dict[str, Capability] = {}
        for capability in Capability.objects.all():
            for name in (
                capability.key,
                str(capability.number),
                f"{capability.number:02d}",
                capability.name,
            ):
                capabilities[name_key(name)] = capability
        current = {
            (country_id, capability_id): status
            for country_id, capability_id, status in CapabilityStatus.objects.current()
            .order_by()
            .values_list("country_id", "capability_id", "status")
        }
        pending = set(
            CapabilityStatus.objects.awaiting_verification().values_list(
                "country_id", "capability_id", "status"
            )
        )
        return {
            "countries": country_index(),
            "capabilities": capabilities,
            "current": current,
            "pending": pending,
            "seen": {},
        }

    def plan_row(self, *, line: int, values: dict[str, str], context: dict[str, Any]) -> RowPlan:
        row = RowPlan(line=line, subject=values.get("country", ""))
        country = capability = status = None
        try:
            country = country_resolve(values.get("country", ""), context["countries"])
        except ValidationError as exc:
            row.errors.extend(exc.messages)
        capability = context["capabilities"].get(name_key(values.get("capability", "")))
        if capability is None:
            row.errors.append(
                _("Unknown capability '%(text)s': use mnr-01 … mnr-21.")
                % {"text": values.get("capability", "")}
            )
        try:
            status = choice_resolve(
                values.get("status", ""), CapabilityStatusChoice.choices, what=_("status")
            )
        except ValidationError as exc:
            row.errors.extend(exc.messages)
        evidence = _evidence(
            values,
            row,
            url_required=status not in (None, CapabilityStatusChoice.NO_PUBLIC_INFORMATION),
        )
        if country is not None and capability is not None:
            row.subject = f"{country.short_name} ({country.iso3}) · {capability.key}"
            first = context["seen"].setdefault((country.iso3, capability.pk), line)
            if first != line:
                row.errors.append(
                    _("This state and capability are already on line %(line)d.") % {"line": first}
                )
        if row.errors:
            return row
        labels = dict(CapabilityStatusChoice.choices)
        current = context["current"].get((country.iso3, capability.pk))
        if current == status:
            row.skip = True
            row.change = _("Already %(status)s: no change.") % {"status": labels[status]}
            return row
        if (country.iso3, capability.pk, status) in context["pending"]:
            row.skip = True
            row.change = _("The same change is already awaiting verification: skipped.")
            return row
        record = CapabilityStatus(country=country, capability=capability, status=status, **evidence)
        _validate_instance(record, row, exclude=[])
        row.change = _("%(before)s → %(after)s (a draft, awaiting verification)") % {
            "before": labels[current] if current else _("No information"),
            "after": labels[status],
        }
        row.payload = {"country": country, "capability": capability, "status": status, **evidence}
        return row

    def prepare_rows(self, *, rows: list[RowPlan], user, filename: str, batch: str) -> Any:
        # The bulk twin of capability_status_create: built and validated here, outside the
        # transaction; saved in a few queries for the whole file by apply_rows.
        return services.capability_statuses_build(
            user=user,
            rows=[
                {
                    **row.payload,
                    "reason": _("Imported from %(file)s, line %(line)d")
                    % {"file": filename, "line": row.line},
                }
                for row in rows
            ],
            import_batch=batch,
        )

    def apply_rows(
        self, *, rows: list[RowPlan], user, filename: str, batch: str, prepared: Any = None
    ) -> None:
        services.capability_statuses_import(user=user, records=prepared)

    def apply_row(self, *, row: RowPlan, user, filename: str, batch: str = "") -> None:
        services.capability_status_create(
            user=user,
            reason=_("Imported from %(file)s, line %(line)d")
            % {"file": filename, "line": row.line},
            import_batch=batch,
            **row.payload,
        )


def import_files_prune(*, older_than: dt.timedelta) -> int:
    """Delete staged files (and their jobs) uploaded before `older_than` ago, unless a job
    of theirs is still waiting or running; the security log keeps each applied import."""
    cutoff = timezone.now() - older_than
    busy = ImportJob.objects.filter(
        state__in=[ImportJobState.QUEUED, ImportJobState.RUNNING]
    ).values("file_id")
    stale = ImportFile.objects.filter(created_at__lt=cutoff).exclude(sha256__in=busy)
    count = stale.count()
    stale.delete()
    return count
