"""The pledge text in the workspace: versions, and editing a draft version clause by clause.

Each POST calls one service (pledges.services.pledge_text_* / pledge_clause_*), which checks
the permission, that the version is still a draft and the version the editor saw (one lock
for the whole document), and records who changed it. Publishing is the verification queue's
(four eyes), like every public record.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from drafting import selectors as drafting_selectors
from drafting import services as drafting_services
from drafting.models import Suggestion
from pledges import services
from pledges.models import PledgeClause, StaleEditError
from staff import selectors as staff_selectors
from staff.access import staff_page, staff_render
from staff.forms import (
    LockVersionForm,
    PledgeClauseForm,
    PledgeClauseMoveForm,
    PledgeTextDetailsForm,
)

PLEDGE_TEXT_VIEW = "pledges.view_pledgetext"


@staff_page(PLEDGE_TEXT_VIEW)
@require_safe
def pledge_text_list(request):
    versions = list(staff_selectors.pledge_text_versions())
    unpublished = next((v for v in versions if v.review_state != "verified"), None)
    return staff_render(
        request,
        "staff/pledge_text_list.html",
        {"versions": versions, "unpublished": unpublished},
    )


@staff_page(PLEDGE_TEXT_VIEW)
@require_POST
def pledge_text_new(request):
    """Start the next version from the newest one (the service checks the add permission)."""
    try:
        text = services.pledge_text_next_version(user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("staff:pledge_text_list")
    messages.success(
        request,
        _(
            "Version %(version)d started from the current text. Nothing is public until it is "
            "verified."
        )
        % {"version": text.version},
    )
    return redirect("staff:pledge_text_edit", version=text.version)


def _clause(text, pk) -> PledgeClause:
    try:
        return text.clauses.get(pk=int(pk))
    except (PledgeClause.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


ACTIONS = (
    "details",
    "clause-add",
    "clause-update",
    "clause-remove",
    "clause-move",
    "use-link",
    "use-unlink",
)


def _suggestion(pk) -> Suggestion:
    try:
        return Suggestion.objects.select_related("session").get(pk=int(pk))
    except (Suggestion.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def _credit(page) -> dict:
    """Per clause: the children's ideas (approved, from closed sessions on earlier versions)
    it may credit, and which it does (CH-09). Two queries for the whole version."""
    candidates = drafting_selectors.credit_candidates(page.text)
    uses = drafting_selectors.clause_uses(page.text)
    new_ideas = candidates.get("", [])
    credit = {}
    for row in page.clauses:
        clause = row.clause
        linked = uses.get(clause.pk, set())
        credit[clause.pk] = [
            {"suggestion": s, "linked": s.pk in linked}
            for s in [*candidates.get(clause.key, []), *new_ideas]
        ]
    return credit


def _apply(request, page, action: str):
    """Run the service for one submitted form; returns (form, error) — form None on success."""
    text, user = page.text, request.user
    if action == "details":
        form = PledgeTextDetailsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            services.pledge_text_update(
                text=text,
                user=user,
                expected_lock_version=data["lock_version"],
                values={k: data[k] for k in ("title", "status", "changelog", "is_placeholder")},
            )
            return None, _("Version details saved.")
        return form, None
    if action in ("clause-add", "clause-update"):
        form = PledgeClauseForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            common = {
                "user": user,
                "expected_lock_version": data["lock_version"],
                "formal_text": data["formal_text"],
                "child_text": data["child_text"],
                "change_note": data["change_note"],
            }
            if action == "clause-add":
                services.pledge_clause_add(text=text, position=data["position"], **common)
                return None, _("Clause added.")
            services.pledge_clause_update(
                clause=_clause(text, request.POST.get("clause")), **common
            )
            return None, _("Clause saved.")
        return form, None
    if action == "clause-move":
        form = PledgeClauseMoveForm(request.POST)
        if form.is_valid():
            services.pledge_clause_move(
                clause=_clause(text, request.POST.get("clause")),
                user=user,
                expected_lock_version=form.cleaned_data["lock_version"],
                position=form.cleaned_data["position"],
            )
            return None, _("Clause moved.")
        return form, None
    if action in ("use-link", "use-unlink"):
        # Crediting a child's idea (CH-09): the service checks the permission and the rules.
        clause = _clause(text, request.POST.get("clause"))
        suggestion = _suggestion(request.POST.get("suggestion"))
        if action == "use-link":
            drafting_services.suggestion_use_link(clause=clause, suggestion=suggestion, user=user)
            return None, _("The clause now credits this idea.")
        drafting_services.suggestion_use_unlink(clause=clause, suggestion=suggestion, user=user)
        return None, _("The clause no longer credits this idea.")
    form = LockVersionForm(request.POST)
    if form.is_valid():
        services.pledge_clause_remove(
            clause=_clause(text, request.POST.get("clause")),
            user=user,
            expected_lock_version=form.cleaned_data["lock_version"],
        )
        return None, _("Clause removed.")
    return form, None


@staff_page(PLEDGE_TEXT_VIEW)
@require_http_methods(["GET", "POST"])
def pledge_text_edit(request, version: int):
    """A version: its clauses side by side with their readability, what changed since the
    previous version, and (for a draft, to who may change it) the forms to edit it."""
    page = staff_selectors.pledge_text_page(version=version, user=request.user)
    if page is None:
        raise Http404
    context: dict = {"page": page, "text": page.text}
    if page.can_edit:
        context["credit"] = _credit(page)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            return staff_render(
                request,
                "staff/pledge_text_edit.html",
                {**context, "error": _("Unknown action.")},
                status=400,
            )
        try:
            form, done = _apply(request, page, action)
        except StaleEditError:
            messages.error(
                request,
                _(
                    "Someone changed this version since you opened it, so your change was "
                    "not saved. Here it is as it is now: make your change again."
                ),
            )
            form, done, status = None, None, 409
            # Their text stays in the form, so nothing typed is lost.
            context["failed_action"] = action
            context["failed_clause"] = request.POST.get("clause", "")
        except ValidationError as exc:
            form, done, status = None, None, 400
            context["error"] = " ".join(exc.messages)
            context["failed_action"] = action
            context["failed_clause"] = request.POST.get("clause", "")
        if done:
            messages.success(request, done)
            anchor = f"#clause-{request.POST.get('clause')}" if request.POST.get("clause") else ""
            return redirect(request.path + anchor)
        if form is not None:
            status = 400
            context["failed_form"] = form
            context["failed_action"] = action
            context["failed_clause"] = request.POST.get("clause", "")
        page = staff_selectors.pledge_text_page(version=version, user=request.user)
        context.update({"page": page, "text": page.text})
        if page.can_edit:
            context["credit"] = _credit(page)
    return staff_render(request, "staff/pledge_text_edit.html", context, status=status)
