"""The staff workspace: thin views over the services and selectors (staff only).

Every view is a `staff_page` (staff/access.py): it names the permissions the page needs to
be shown; what a POST changes, and whether it may, is decided by the service it calls.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from campaign.models import Partner, PartnerType
from campaign.selectors import engagement_follow_ups_due, reporting_overdue
from pledges import selectors, services
from pledges.history import stale_edit_changes
from pledges.imports import import_job_create, plan_from_json
from pledges.models import (
    Capability,
    Country,
    ImportJob,
    ImportJobAction,
    ImportJobState,
    Revision,
    StaleEditError,
)
from pledges.roles import IMPORT, VERIFY
from staff import selectors as staff_selectors
from staff.access import forbidden, staff_page, staff_render
from staff.forms import (
    CapabilityStatusForm,
    ImportUploadForm,
    NationalStrategyForm,
    PartnerForm,
    PledgeEventForm,
    ProgressReportForm,
    ReviewForm,
)
from staff.imports import IMPORTERS
from staff.review_kinds import REVIEW_KINDS, ReviewKind
from staff.selectors import PARTNER_VIEW, REGISTRY_VIEW
from staff.tasks import import_job_task


def _country(iso3: str) -> Country:
    return get_object_or_404(Country, iso3=iso3.upper())


# --- Home and countries ---------------------------------------------------------------------


@staff_page()
@require_safe
def staff_home(request):
    """What is waiting for me: changes to verify, my drafts (paginated), follow-ups due."""
    abilities = request.staff_abilities
    today = timezone.localdate()
    follow_ups = None
    if abilities.view_engagements:
        follow_ups = {"follow_ups": list(engagement_follow_ups_due(today=today)), "today": today}
    awaiting = None
    if abilities.verify:
        awaiting = staff_selectors.review_queue(
            user=request.user, page=request.GET.get("awaiting_page", 1)
        )
    context = {
        "awaiting": awaiting,
        "my_drafts": staff_selectors.drafts_of(
            user=request.user, page=request.GET.get("drafts_page", 1)
        ),
        "follow_ups": follow_ups,
        # Accountability (issue 11): pledged states whose progress report is overdue.
        "reports_overdue": reporting_overdue(today=today)
        if abilities.view_progress_reports
        else None,
    }
    return staff_render(request, "staff/staff_home.html", context)


@staff_page(*REGISTRY_VIEW)
@require_safe
def country_list(request):
    status = request.GET.get("status", "")
    region = request.GET.get("region", "")
    page = staff_selectors.country_list(
        query=request.GET.get("q", "")[:100],
        region=region if region in selectors.M49_REGIONS else "",
        status=status
        if status in {*selectors.PledgeStatus.values, selectors.NO_INFORMATION}
        else "",
        has_drafts=request.GET.get("drafts") == "1",
    )
    return staff_render(request, "staff/country_list.html", {"page": page})


@staff_page(*REGISTRY_VIEW)
@require_safe
def country_workspace(request, iso3: str):
    country = _country(iso3)
    return staff_render(
        request,
        "staff/country_workspace.html",
        {
            "page": staff_selectors.country_workspace_page(country=country, user=request.user),
            "changelog": selectors.country_public_changelog(country=country),
        },
    )


@staff_page(*REGISTRY_VIEW)
@require_safe
def country_history(request, iso3: str):
    country = _country(iso3)
    return staff_render(
        request,
        "staff/country_history.html",
        {"country": country, "entries": selectors.country_history(country=country)},
    )


# --- Recording changes (drafts) -------------------------------------------------------------


def _record_form(request, *, country, form_class, title, create, current, subject=""):
    """The form page of a new change; the service checks the permission on the save."""
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        values = form.model_values()
        try:
            create(values=values, reason=form.cleaned_data.get("reason", ""))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Saved as a draft. It becomes public when a second person verifies it."),
            )
            return redirect("staff:country_workspace", iso3=country.iso3)
    return staff_render(
        request,
        "staff/record_form.html",
        {
            "form": form,
            "country": country,
            "title": title,
            "subject": subject,
            "current": current,
        },
    )


@staff_page(*REGISTRY_VIEW, on_get=("pledges.add_pledgeevent",))
@require_http_methods(["GET", "POST"])
def pledge_event_new(request, iso3: str):
    country = _country(iso3)

    def create(*, values, reason):
        services.pledge_event_create(country=country, user=request.user, reason=reason, **values)

    return _record_form(
        request,
        country=country,
        form_class=PledgeEventForm,
        title=_("Record a pledge status change"),
        create=create,
        current=staff_selectors.country_public_status(country=country),
    )


@staff_page(*REGISTRY_VIEW, on_get=("pledges.add_capabilitystatus",))
@require_http_methods(["GET", "POST"])
def capability_status_new(request, iso3: str, key: str):
    country = _country(iso3)
    capability = get_object_or_404(Capability, key=key)

    def create(*, values, reason):
        services.capability_status_create(
            country=country, capability=capability, user=request.user, reason=reason, **values
        )

    return _record_form(
        request,
        country=country,
        form_class=CapabilityStatusForm,
        title=_("Update an MNR capability status"),
        subject=str(capability),
        create=create,
        current=staff_selectors.capability_public_status(country=country, capability=capability),
    )


@staff_page(*REGISTRY_VIEW, on_get=("pledges.add_nationalstrategy",))
@require_http_methods(["GET", "POST"])
def national_strategy_new(request, iso3: str):
    country = _country(iso3)

    def create(*, values, reason):
        document = values.pop("source_document")
        if document is not None:
            values["source_document"] = document
        services.national_strategy_create(
            country=country, user=request.user, reason=reason, **values
        )

    return _record_form(
        request,
        country=country,
        form_class=NationalStrategyForm,
        title=_("Update the national strategy"),
        create=create,
        current=staff_selectors.strategy_public_status(country=country),
    )


@staff_page(*REGISTRY_VIEW, on_get=("pledges.add_progressreport",))
@require_http_methods(["GET", "POST"])
def progress_report_new(request, iso3: str):
    """Record a state's progress report with evidence: a draft a second person verifies."""
    country = _country(iso3)

    def create(*, values, reason):
        services.progress_report_create(country=country, user=request.user, reason=reason, **values)

    return _record_form(
        request,
        country=country,
        form_class=ProgressReportForm,
        title=_("Record a progress report"),
        create=create,
        current=staff_selectors.country_public_status(country=country),
    )


EDIT_FORMS = {
    "progress-report": ProgressReportForm,
    "pledge-event": PledgeEventForm,
    "capability-status": CapabilityStatusForm,
    "national-strategy": NationalStrategyForm,
}


def _review_kind(key: str) -> ReviewKind:
    kind = REVIEW_KINDS.get(key)
    if kind is None:
        raise Http404
    return kind


def _stale_context(*, model, fields, record_pk, exc: StaleEditError, submitted: dict) -> dict:
    current, changes = stale_edit_changes(
        model=model,
        pk=record_pk,
        loaded_version=exc.loaded_version,
        submitted=submitted,
        fields=fields,
    )
    return {"stale": exc, "stale_changes": changes, "stale_current": current}


@staff_page(*REGISTRY_VIEW)
@require_http_methods(["GET", "POST"])
def draft_edit(request, kind: str, pk: int):
    """The author revises a draft or a returned change; the form carries the loaded version."""
    review_kind = _review_kind(kind)
    form_class = EDIT_FORMS.get(kind)
    if form_class is None:
        raise Http404
    record = get_object_or_404(
        review_kind.model._default_manager.select_related(*review_kind.select_related), pk=pk
    )
    if request.method == "GET":
        # What the page offers; on a save the service decides (and logs a refusal).
        refusal = staff_selectors.draft_edit_refusal(user=request.user, record=record)
        if refusal:
            return forbidden(request, refusal, abilities=request.staff_abilities)
    context: dict = {"kind": review_kind, "record": record, "summary": review_kind.summary(record)}
    form = form_class(request.POST or None, request.FILES or None, instance=record)
    if request.method == "POST" and form.is_valid():
        values = form.model_values()
        try:
            services.record_change(
                record=review_kind.model._default_manager.get(pk=pk),
                user=request.user,
                expected_lock_version=form.cleaned_data["lock_version"],
                values=values,
                reason=form.cleaned_data.get("reason", ""),
            )
        except StaleEditError as exc:
            context.update(
                _stale_context(
                    model=review_kind.model,
                    fields=review_kind.fields,
                    record_pk=pk,
                    exc=exc,
                    submitted=values,
                )
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Revised. It is back in the verification queue."))
            return redirect("staff:staff_home")
    context["form"] = form
    return staff_render(
        request, "staff/draft_edit.html", context, status=409 if "stale" in context else 200
    )


# --- Four eyes ------------------------------------------------------------------------------


@staff_page(*REGISTRY_VIEW, VERIFY)
@require_safe
def review_queue(request):
    """The queue, narrowed by kind, region, author or import batch; for a batch, every draft
    of it the verifier may check, with "Verify this batch"."""
    filters = staff_selectors.QueueFilters.from_query(request.GET)
    if filters.region not in selectors.M49_REGIONS:
        filters = staff_selectors.QueueFilters(**{**filters.__dict__, "region": ""})
    page = staff_selectors.review_queue(
        user=request.user, page=request.GET.get("page", 1), filters=filters
    )
    context = {
        "items": page,
        "filters": filters,
        "kinds": REVIEW_KINDS.values(),
        "regions": selectors.M49_REGIONS,
        "page_query": urlencode({k: v for k, v in filters.__dict__.items() if v}) + "&"
        if filters
        else "",
        "batch_items": staff_selectors.batch_drafts(user=request.user, batch=filters.batch)
        if filters.batch
        else [],
    }
    return staff_render(request, "staff/review_queue.html", context)


@staff_page(*REGISTRY_VIEW, VERIFY)
@require_POST
def review_batch_verify(request):
    """Verify the drafts of an import batch the verifier was shown, each through the
    four-eyes service (pledges.services.batch_verify): each checked, each logged."""
    batch = request.POST.get("batch", "")[:100]
    seen: dict[tuple[str, int], int] = {}
    for token in request.POST.getlist("item"):
        kind, _sep, rest = token.partition(":")
        pk, _sep, version = rest.partition(":")
        if pk.isdigit() and version.isdigit():
            seen[(kind, int(pk))] = int(version)
    items = [
        (item.record, seen[(item.kind.key, item.record.pk)])
        for item in staff_selectors.batch_drafts(user=request.user, batch=batch)
        if (item.kind.key, item.record.pk) in seen
    ]
    result = services.batch_verify(items=items, user=request.user)
    if result.verified:
        messages.success(
            request,
            _("Verified %(count)d changes of the batch, each one logged.")
            % {"count": len(result.verified)},
        )
    for record, why in result.refused:
        messages.error(
            request, _("Not verified: %(record)s: %(why)s") % {"record": record, "why": why}
        )
    if not items:
        messages.error(request, _("Nothing to verify: load the batch again."))
    return redirect(reverse("staff:review_queue") + "?" + urlencode({"batch": batch}))


@staff_page(*REGISTRY_VIEW, on_get=(VERIFY,))
@require_http_methods(["GET", "POST"])
def review_detail(request, kind: str, pk: int):
    """Show a change with its evidence, who logged it, when and why (for a change to a
    published record, field by field); a different person verifies or returns it."""
    review_kind = _review_kind(kind)
    review = staff_selectors.review_page(kind=review_kind, pk=pk, user=request.user)
    if review is None:
        raise Http404
    record = review.record
    form = ReviewForm(request.POST or None, initial={"lock_version": record.lock_version})
    context: dict = {"review": review, "kind": review_kind, "record": record}
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        loaded = form.cleaned_data["lock_version"]
        try:
            if decision == ReviewForm.VERIFY:
                services.record_verify(
                    record=record, user=request.user, expected_lock_version=loaded
                )
            else:
                services.review_return(
                    record=record,
                    user=request.user,
                    comment=form.cleaned_data["comment"],
                    expected_lock_version=loaded,
                )
        except StaleEditError as exc:
            context.update(
                _stale_context(
                    model=review_kind.model,
                    fields=review_kind.fields,
                    record_pk=pk,
                    exc=exc,
                    submitted={},
                )
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            verified = decision == ReviewForm.VERIFY
            messages.success(
                request,
                _("Verified: the change is now public.")
                if verified
                else _("Returned to the author with your comment."),
            )
            return redirect("staff:review_queue")
    context["form"] = form
    status = 409 if "stale" in context else 200
    return staff_render(request, "staff/review_detail.html", context, status=status)


# --- Partners -------------------------------------------------------------------------------


@staff_page(PARTNER_VIEW)
@require_safe
def partner_list(request):
    partner_type = request.GET.get("type", "")
    if partner_type not in PartnerType.values:
        partner_type = ""
    query = request.GET.get("q", "")[:100]
    page = staff_selectors.partner_list(
        query=query, partner_type=partner_type, page=request.GET.get("page", 1)
    )
    return staff_render(
        request,
        "staff/partner_list.html",
        {
            "partners": page,
            "query": query,
            "partner_type": partner_type,
            "partner_types": PartnerType.choices,
            "page_query": urlencode({"q": query, "type": partner_type}) + "&",
        },
    )


@staff_page(PARTNER_VIEW)
@require_http_methods(["GET", "POST"])
def partner_edit(request, pk: int):
    """A partner as published, any change awaiting verification, and a form to propose one
    (services.record_change: a published partner stays public, unchanged, until a second
    person verifies the change)."""
    partner = get_object_or_404(Partner, pk=pk)
    page = staff_selectors.partner_page(partner=partner, user=request.user)
    form = PartnerForm(request.POST or None, instance=partner, initial=page.form_initial)
    context: dict = {"page": page, "partner": partner}
    if request.method == "POST" and form.is_valid():
        values, m2m = form.model_values()
        try:
            result = services.record_change(
                record=Partner.objects.get(pk=pk),
                user=request.user,
                expected_lock_version=form.cleaned_data["lock_version"],
                values=values,
                m2m=m2m,
                reason=form.cleaned_data.get("reason", ""),
            )
        except StaleEditError as exc:
            context.update(
                _stale_context(
                    model=Partner,
                    fields=Partner.revisable_fields,
                    record_pk=pk,
                    exc=exc,
                    submitted=values,
                )
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "Change proposed. The published partner stays as it is until a second "
                    "person verifies the change."
                )
                if isinstance(result, Revision)
                else _("Revised. It is back in the verification queue."),
            )
            return redirect("staff:partner_edit", pk=pk)
    context["form"] = form
    return staff_render(
        request, "staff/partner_edit.html", context, status=409 if "stale" in context else 200
    )


# --- Imports --------------------------------------------------------------------------------


def _importer(key: str):
    importer = IMPORTERS.get(key)
    if importer is None:
        raise Http404
    return importer


@staff_page(IMPORT)
@require_safe
def import_index(request):
    return staff_render(request, "staff/import_index.html", {"importers": IMPORTERS.values()})


@staff_page(IMPORT)
@require_safe
def import_template(request, kind: str):
    importer = _importer(kind)
    response = HttpResponse(
        "\ufeff" + importer.template_csv(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{importer.key}-template.csv"'
    return response


def _import_job(request, importer, job_id) -> ImportJob:
    """The user's own job of this kind; anyone else's is not found."""
    try:
        return ImportJob.objects.get(pk=job_id, kind=importer.key, user=request.user)
    except (ImportJob.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def _import_job_start(job: ImportJob) -> None:
    """Hand the job to the background worker (at once, in tests: the immediate backend)."""
    import_job_task.enqueue(str(job.pk))


def _import_page_context(request, importer, job: ImportJob | None) -> dict:
    context = {"importer": importer, "job": job, "plan": None}
    if job is None:
        return context
    context.update(staff_selectors.import_job_progress(job=job))
    if job.state == ImportJobState.DONE:
        context["plan"] = plan_from_json(job.result, importer=importer.key)
        context["sha256"] = job.file_id
    return context


# The preview reads a file (no record changes), so the import permission is the page's for
# every method; the apply is checked again by pledges.imports.import_apply, in the worker.
@staff_page(IMPORT)
@require_http_methods(["GET", "POST"])
def import_upload(request, kind: str):
    """Upload → a dry-run preview in the background, row by row; nothing changes until
    'Apply'. The page follows a job by its id in the address (?job=), so it survives a
    reload; it refreshes itself until the job is done."""
    importer = _importer(kind)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = import_job_create(
            importer=importer,
            user=request.user,
            action=ImportJobAction.PREVIEW,
            content=upload.read(),
            filename=upload.name,
            sheet=form.cleaned_data["sheet"],
        )
        _import_job_start(job)
        return redirect(f"{reverse('staff:import_upload', args=[importer.key])}?job={job.pk}")
    job = _import_job(request, importer, request.GET["job"]) if request.GET.get("job") else None
    context = _import_page_context(request, importer, job)
    context["form"] = form
    return staff_render(request, "staff/import_upload.html", context)


@staff_page(IMPORT)
@require_safe
def import_job_progress(request, kind: str, job_id):
    """The job's progress as JSON, for the page's small script (the page works without)."""
    importer = _importer(kind)
    job = _import_job(request, importer, job_id)
    progress = staff_selectors.import_job_progress(job=job)
    return JsonResponse(
        {
            "state": job.state,
            "finished": job.finished,
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "seconds_left": progress["seconds_left"],
            "text": str(progress["progress_text"]),
        },
        headers={"Cache-Control": "no-store"},
    )


@staff_page(IMPORT)
@require_POST
def import_apply_view(request, kind: str):
    """Apply the file of a finished, clean preview, in the background."""
    importer = _importer(kind)
    if request.POST.get("preview"):
        preview = _import_job(request, importer, request.POST["preview"])
    else:  # the file named by its SHA-256: the user's latest preview of it
        preview = (
            ImportJob.objects.filter(
                kind=importer.key,
                user=request.user,
                action=ImportJobAction.PREVIEW,
                file_id=request.POST.get("sha256", ""),
            )
            .order_by("-created_at")
            .first()
        )
    if (
        preview is None
        or preview.action != ImportJobAction.PREVIEW
        or preview.state != ImportJobState.DONE
        or preview.file_id != request.POST.get("sha256")
        or not bytes(preview.file.content)
        or preview.applies.exists()
    ):
        messages.error(request, _("Upload the file again: the preview you applied has expired."))
        return redirect("staff:import_upload", kind=importer.key)
    if not preview.result.get("ok"):
        context = _import_page_context(request, importer, preview)
        context["form"] = ImportUploadForm()
        return staff_render(request, "staff/import_upload.html", context, status=400)
    job = import_job_create(
        importer=importer,
        user=request.user,
        action=ImportJobAction.APPLY,
        content=bytes(preview.file.content),
        filename=preview.filename,
        sheet=preview.sheet,
        preview=preview,
    )
    _import_job_start(job)
    return redirect(f"{reverse('staff:import_upload', args=[importer.key])}?job={job.pk}")
