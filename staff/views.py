"""The staff workspace: thin views over the services and selectors (staff only)."""

from __future__ import annotations

import base64
import functools
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from campaign.selectors import engagement_follow_ups_due
from pledges import selectors, services
from pledges.history import stale_edit_changes
from pledges.imports import ImportRejected, import_apply, import_plan
from pledges.models import (
    Capability,
    Country,
    StaleEditError,
)
from pledges.roles import IMPORT, VERIFY
from staff import selectors as staff_selectors
from staff.forms import (
    CapabilityStatusForm,
    ImportUploadForm,
    NationalStrategyForm,
    PledgeEventForm,
    ReviewForm,
)
from staff.imports import IMPORTERS
from staff.review_kinds import REVIEW_KINDS, record_fields

IMPORT_SESSION_KEY = "pledges:import"


def staff_required(view):
    """Signed in (else to the login page) and staff (else 403)."""

    @functools.wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied(_("The staff workspace is for staff accounts only."))
        return view(request, *args, **kwargs)

    return wrapped


def permission_check(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied(_("Your role does not allow this."))


def _country(iso3: str) -> Country:
    return get_object_or_404(Country, iso3=iso3.upper())


# --- Home and countries ---------------------------------------------------------------------


@staff_required
def staff_home(request):
    today = timezone.localdate()
    follow_ups = None
    if request.user.has_perm("campaign.view_engagement"):
        follow_ups = {"follow_ups": list(engagement_follow_ups_due(today=today)), "today": today}
    context = {
        "awaiting": staff_selectors.review_queue(user=request.user)
        if request.user.has_perm(VERIFY)
        else [],
        "can_verify": request.user.has_perm(VERIFY),
        "my_drafts": staff_selectors.drafts_of(user=request.user),
        "follow_ups": follow_ups,
    }
    return render(request, "staff/staff_home.html", context)


@staff_required
def country_list(request):
    return render(
        request,
        "staff/country_list.html",
        {"rows": selectors.country_status_rows()},
    )


@staff_required
def country_workspace(request, iso3: str):
    country = _country(iso3)
    return render(
        request,
        "staff/country_workspace.html",
        {
            "workspace": selectors.country_workspace(country=country),
            "changelog": selectors.country_public_changelog(country=country),
            "can_edit": request.user.has_perm("pledges.add_pledgeevent"),
        },
    )


@staff_required
def country_history(request, iso3: str):
    country = _country(iso3)
    return render(
        request,
        "staff/country_history.html",
        {"country": country, "entries": selectors.country_history(country=country)},
    )


# --- Recording changes (drafts) -------------------------------------------------------------


def _record_form(request, *, country, form_class, permission, title, create, subject=""):
    permission_check(request, permission)
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
    return render(
        request,
        "staff/record_form.html",
        {"form": form, "country": country, "title": title, "subject": subject},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def pledge_event_new(request, iso3: str):
    country = _country(iso3)

    def create(*, values, reason):
        services.pledge_event_create(country=country, user=request.user, reason=reason, **values)

    return _record_form(
        request,
        country=country,
        form_class=PledgeEventForm,
        permission="pledges.add_pledgeevent",
        title=_("Record a pledge status change"),
        create=create,
    )


@staff_required
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
        permission="pledges.add_capabilitystatus",
        title=_("Update an MNR capability status"),
        subject=str(capability),
        create=create,
    )


@staff_required
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
        permission="pledges.add_nationalstrategy",
        title=_("Update the national strategy"),
        create=create,
    )


EDIT_FORMS = {
    "pledge-event": (PledgeEventForm, "pledges.change_pledgeevent"),
    "capability-status": (CapabilityStatusForm, "pledges.change_capabilitystatus"),
    "national-strategy": (NationalStrategyForm, "pledges.change_nationalstrategy"),
}


def _review_kind(key: str):
    kind = REVIEW_KINDS.get(key)
    if kind is None:
        raise Http404
    return kind


def _stale_context(*, kind, record_pk, exc: StaleEditError, submitted: dict) -> dict:
    current, changes = stale_edit_changes(
        model=kind.model,
        pk=record_pk,
        loaded_version=exc.loaded_version,
        submitted=submitted,
        fields=kind.fields,
    )
    return {"stale": exc, "stale_changes": changes, "stale_current": current}


@staff_required
@require_http_methods(["GET", "POST"])
def draft_edit(request, kind: str, pk: int):
    """The author revises a draft or a returned change; the form carries the loaded version."""
    review_kind = _review_kind(kind)
    if kind not in EDIT_FORMS:
        raise Http404
    form_class, permission = EDIT_FORMS[kind]
    permission_check(request, permission)
    record = get_object_or_404(
        review_kind.model._default_manager.select_related(*review_kind.select_related), pk=pk
    )
    if record.created_by_id != request.user.pk:
        raise PermissionDenied(_("Only the person who logged this change can revise it."))
    context: dict = {
        "kind": review_kind,
        "record": record,
        "summary": review_kind.summary(record),
    }
    form = form_class(request.POST or None, request.FILES or None, instance=record)
    if request.method == "POST" and form.is_valid():
        values = form.model_values()
        loaded = form.cleaned_data["lock_version"]
        fresh = review_kind.model._default_manager.get(pk=pk)
        try:
            services.review_draft_update(
                record=fresh,
                user=request.user,
                expected_lock_version=loaded,
                values=values,
                reason=form.cleaned_data.get("reason", ""),
            )
        except StaleEditError as exc:
            context.update(
                _stale_context(kind=review_kind, record_pk=pk, exc=exc, submitted=values)
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("Revised. It is back in the verification queue."))
            return redirect("staff:staff_home")
    context["form"] = form
    return render(
        request, "staff/draft_edit.html", context, status=409 if "stale" in context else 200
    )


# --- Four eyes ------------------------------------------------------------------------------


@staff_required
def review_queue(request):
    permission_check(request, VERIFY)
    return render(
        request,
        "staff/review_queue.html",
        {"items": staff_selectors.review_queue(user=request.user)},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def review_detail(request, kind: str, pk: int):
    """Show a change with its evidence; a different person verifies or returns it."""
    permission_check(request, VERIFY)
    review_kind = _review_kind(kind)
    record = get_object_or_404(
        review_kind.model._default_manager.select_related(*review_kind.select_related), pk=pk
    )
    is_author = record.created_by_id == request.user.pk
    form = ReviewForm(request.POST or None, initial={"lock_version": record.lock_version})
    context = {
        "kind": review_kind,
        "record": record,
        "summary": review_kind.summary(record),
        "is_author": is_author,
        "fields": record_fields(record, review_kind.fields),
    }
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        loaded = form.cleaned_data["lock_version"]
        try:
            if decision == ReviewForm.VERIFY:
                review_kind.verify(record=record, user=request.user, expected_lock_version=loaded)
            else:
                services.review_return(
                    record=record,
                    user=request.user,
                    comment=form.cleaned_data["comment"],
                    expected_lock_version=loaded,
                )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            context["form"] = form
            return render(request, "staff/review_detail.html", context, status=403)
        except StaleEditError as exc:
            context.update(_stale_context(kind=review_kind, record_pk=pk, exc=exc, submitted={}))
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
    return render(request, "staff/review_detail.html", context, status=status)


# --- Imports --------------------------------------------------------------------------------


def _importer(key: str):
    importer = IMPORTERS.get(key)
    if importer is None:
        raise Http404
    return importer


@staff_required
def import_index(request):
    permission_check(request, IMPORT)
    return render(request, "staff/import_index.html", {"importers": IMPORTERS.values()})


@staff_required
def import_template(request, kind: str):
    permission_check(request, IMPORT)
    importer = _importer(kind)
    response = HttpResponse(
        "\ufeff" + importer.template_csv(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{importer.key}-template.csv"'
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def import_upload(request, kind: str):
    """Upload → a dry-run preview, row by row; nothing changes until 'Apply'."""
    permission_check(request, IMPORT)
    importer = _importer(kind)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    plan = sha256 = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        plan = import_plan(importer=importer, content=content, filename=upload.name)
        # The file waits in the (server-side) session until applied: never in public media.
        sha256 = hashlib.sha256(content).hexdigest()
        request.session[IMPORT_SESSION_KEY] = {
            "kind": importer.key,
            "filename": upload.name,
            "content": base64.b64encode(content).decode("ascii"),
            "sha256": sha256,
        }
    return render(
        request,
        "staff/import_upload.html",
        {"importer": importer, "form": form, "plan": plan, "sha256": sha256},
    )


@staff_required
@require_POST
def import_apply_view(request, kind: str):
    permission_check(request, IMPORT)
    importer = _importer(kind)
    staged = request.session.get(IMPORT_SESSION_KEY)
    if (
        not staged
        or staged["kind"] != importer.key
        or staged["sha256"] != request.POST.get("sha256")
    ):
        messages.error(request, _("Upload the file again: the preview you applied has expired."))
        return redirect("staff:import_upload", kind=importer.key)
    content = base64.b64decode(staged["content"])
    try:
        plan = import_apply(
            importer=importer, content=content, filename=staged["filename"], user=request.user
        )
    except ImportRejected as exc:
        return render(
            request,
            "staff/import_upload.html",
            {"importer": importer, "form": ImportUploadForm(), "plan": exc.plan},
            status=400,
        )
    del request.session[IMPORT_SESSION_KEY]
    messages.success(
        request,
        _("Imported %(applied)d changes as drafts awaiting verification (%(skipped)d skipped).")
        % {"applied": len(plan.to_apply), "skipped": len(plan.skipped)},
    )
    return redirect("staff:staff_home")
