"""The facilitator console (issue 10): children's co-drafting sessions in the workspace.

Thin views over drafting.services and drafting.selectors. A facilitator sees and acts on their
own sessions only; an admin (drafting.manage_all_sessions) on every session: the selector
(sessions_for / session_for) decides what a page shows, and each POST calls one service,
which checks the permission, the facilitator, the state and the lock version itself and
logs a refusal (AUTH-04). Nothing here re-checks a rule.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from drafting import selectors, services
from drafting.models import DraftingSession, Outcome, SessionStatus
from pledges.history import stale_edit_changes
from pledges.models import StaleEditError
from staff.access import staff_page, staff_render
from staff.forms import DraftingSessionForm, OutcomeForm
from staff.selectors import LIST_PAGE_SIZE

SESSION_VIEW = "drafting.view_draftingsession"

STALE_MESSAGE = gettext_lazy(
    "Someone changed this session since you opened the page, so nothing was done. "
    "Here it is as it is now: check it and try again."
)


def _session(request, pk: int) -> DraftingSession:
    """The session, if the user may see it: 404 if there is none, 403 (logged) for another
    facilitator's (the selector's PermissionDenied becomes the workspace's 403 page)."""
    try:
        return selectors.session_for(pk=pk, user=request.user)
    except DraftingSession.DoesNotExist:
        raise Http404 from None


def _messages_of(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


@staff_page(SESSION_VIEW)
@require_safe
def session_list(request):
    sessions = Paginator(selectors.sessions_for(user=request.user), LIST_PAGE_SIZE).get_page(
        request.GET.get("page", 1)
    )
    return staff_render(request, "staff/drafting/session_list.html", {"sessions": sessions})


def _form_page(request, *, form, session, status=200, **extra):
    return staff_render(
        request,
        "staff/drafting/session_form.html",
        {"form": form, "session": session, **extra},
        status=status,
    )


@staff_page(SESSION_VIEW, on_get=("drafting.add_draftingsession",))
@require_http_methods(["GET", "POST"])
def session_new(request):
    form = DraftingSessionForm(request.POST or None, initial={"language": "en"})
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(user=request.user, **form.model_values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Session created. Open it when the room is ready: children can then join."),
            )
            return redirect("staff:session_detail", pk=session.pk)
    return _form_page(request, form=form, session=None, status=400 if form.errors else 200)


@staff_page(SESSION_VIEW, on_get=("drafting.change_draftingsession",))
@require_http_methods(["GET", "POST"])
def session_edit(request, pk: int):
    session = _session(request, pk)
    form = DraftingSessionForm(request.POST or None, instance=_session(request, pk))
    extra: dict = {}
    if request.method == "POST" and form.is_valid():
        values = form.model_values()
        try:
            services.session_update(
                session=session,
                user=request.user,
                expected_lock_version=form.cleaned_data["lock_version"],
                **values,
            )
        except StaleEditError as exc:
            current, changes = stale_edit_changes(
                model=DraftingSession,
                pk=pk,
                loaded_version=exc.loaded_version,
                submitted=values,
                fields=tuple(values),
            )
            extra = {"stale": exc, "stale_changes": changes, "stale_current": current}
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Session saved."))
            return redirect("staff:session_detail", pk=pk)
    status = 409 if extra else (400 if form.errors else 200)
    return _form_page(request, form=form, session=session, status=status, **extra)


def _detail_context(session) -> dict:
    participants = list(session.participants.order_by("status", "joined_at", "pk"))
    return {
        "session": session,
        "join_code": services.join_code_display(session.join_code),
        "waiting": [p for p in participants if p.status == "waiting"],
        "admitted": [p for p in participants if p.status == "admitted"],
        "removed_count": sum(1 for p in participants if p.status == "removed"),
        "queue_count": selectors.session_queue(session).count(),
        "reports_open": session.concern_reports.filter(handled_at__isnull=True).count(),
        "missing_count": services.suggestions_missing_outcome(session).count(),
        "counts": selectors.session_counts(session),
        "transitions": _transitions(session),
    }


# The buttons each status offers; the service decides whether the change may happen.
TRANSITIONS = {
    "open": (
        gettext_lazy("Open the session"),
        services.session_open,
        gettext_lazy("The session is open."),
    ),
    "pause": (
        gettext_lazy("Pause"),
        services.session_pause,
        gettext_lazy("The session is paused."),
    ),
    "close": (
        gettext_lazy("Close the session"),
        services.session_close,
        gettext_lazy("The session is closed."),
    ),
    "archive": (
        gettext_lazy("Archive"),
        services.session_archive,
        gettext_lazy("The session is archived."),
    ),
}
OFFERED = {
    SessionStatus.DRAFT: ("open",),
    SessionStatus.OPEN: ("pause", "close"),
    SessionStatus.PAUSED: ("open", "close"),
    SessionStatus.CLOSED: ("archive",),
    SessionStatus.ARCHIVED: (),
}


def _transitions(session) -> list[tuple[str, str]]:
    return [(action, str(TRANSITIONS[action][0])) for action in OFFERED[session.status]]


@staff_page(SESSION_VIEW)
@require_safe
def session_detail(request, pk: int):
    session = _session(request, pk)
    return staff_render(request, "staff/drafting/session_detail.html", _detail_context(session))


@staff_page(SESSION_VIEW)
@require_POST
def session_status(request, pk: int):
    """Open, pause, close or archive, with the lock version the page was shown with."""
    session = _session(request, pk)
    action = request.POST.get("action", "")
    if action not in TRANSITIONS:
        return HttpResponseBadRequest(_("Unknown action."))
    _label, service, done = TRANSITIONS[action]
    try:
        lock_version = int(request.POST.get("lock_version", ""))
    except ValueError:
        lock_version = 0
    error, status = "", 200
    try:
        service(session=session, user=request.user, expected_lock_version=lock_version)
    except StaleEditError:
        error, status = str(STALE_MESSAGE), 409
    except ValidationError as exc:
        error, status = _messages_of(exc), 400
    else:
        messages.success(request, str(done))
        return redirect("staff:session_detail", pk=pk)
    context = _detail_context(_session(request, pk))
    context["error"] = error
    return staff_render(request, "staff/drafting/session_detail.html", context, status=status)


@staff_page(SESSION_VIEW)
@require_POST
def participant_action(request, pk: int, participant: int):
    """Let a child in (CH-01) or take them out of the session."""
    session = _session(request, pk)
    child = session.participants.filter(pk=participant).first()
    if child is None:
        raise Http404
    action = request.POST.get("action", "")
    if action not in ("admit", "remove"):
        return HttpResponseBadRequest(_("Unknown action."))
    try:
        if action == "admit":
            services.participant_admit(participant=child, user=request.user)
            messages.success(request, _("%(name)s is let in.") % {"name": child.pseudonym})
        else:
            services.participant_remove(participant=child, user=request.user)
            messages.success(
                request, _("%(name)s is out of the session.") % {"name": child.pseudonym}
            )
    except ValidationError as exc:
        context = _detail_context(_session(request, pk))
        context["error"] = _messages_of(exc)
        return staff_render(request, "staff/drafting/session_detail.html", context, status=400)
    return redirect(reverse("staff:session_detail", kwargs={"pk": pk}) + "#waiting-room")


@staff_page(SESSION_VIEW)
@require_safe
def session_sheet(request, pk: int):
    """A printable page for the room: the address, the code, the rules in plain words,
    in the session's language."""
    session = _session(request, pk)
    with translation.override(session.language):
        return staff_render(
            request,
            "staff/drafting/session_sheet.html",
            {
                "session": session,
                "join_code": services.join_code_display(session.join_code),
                "join_url": request.build_absolute_uri(reverse("drafting:join")),
            },
        )


def _clause_numbers(session) -> dict[str, int]:
    return dict(session.pledge_text.clauses.values_list("key", "number"))


def _moderation_context(session) -> dict:
    queue = list(selectors.session_queue(session))
    numbers = _clause_numbers(session)
    return {
        "session": session,
        "queue": [
            {
                "suggestion": s,
                "reasons": selectors.hold_reason_labels(s.hold_reasons),
                "clause": numbers.get(s.clause_key),
            }
            for s in queue
        ],
        "has_concern": any(s.status == "concern" for s in queue),
        "reports": list(selectors.session_concern_reports(session)),
    }


MODERATION_ACTIONS = ("approve", "reject", "concern", "handle-report")


@staff_page(SESSION_VIEW)
@require_http_methods(["GET", "POST"])
def session_moderation(request, pk: int):
    """The queue: safeguarding concerns first (with the contact and helpline), then held
    ideas with their reasons, then the rest (CH-04, CH-05, CH-06); children's reports."""
    session = _session(request, pk)
    if request.method == "GET":
        return staff_render(
            request, "staff/drafting/session_moderation.html", _moderation_context(session)
        )
    action = request.POST.get("action", "")
    if action not in MODERATION_ACTIONS:
        return HttpResponseBadRequest(_("Unknown action."))
    item_id = request.POST.get("item", "")
    if not item_id.isdigit():
        raise Http404
    error, failed = "", {}
    try:
        if action == "handle-report":
            report = session.concern_reports.filter(pk=int(item_id)).first()
            if report is None:
                raise Http404
            services.concern_handle(report=report, user=request.user)
            done = _("The report is marked as handled.")
        else:
            suggestion = session.suggestions.filter(pk=int(item_id)).first()
            if suggestion is None:
                raise Http404
            if action == "approve":
                services.suggestion_approve(suggestion=suggestion, user=request.user)
                done = _("Shared with the children of the session.")
            elif action == "reject":
                services.suggestion_reject(
                    suggestion=suggestion,
                    user=request.user,
                    reason=request.POST.get("rejection_reason", ""),
                )
                done = _("Not shared. The child will read your reason.")
            else:
                services.suggestion_mark_concern(suggestion=suggestion, user=request.user)
                done = _(
                    "Marked as a safeguarding concern: pass it to the safeguarding contact now."
                )
    except ValidationError as exc:
        error = _messages_of(exc)
        # The reason typed stays in its box.
        failed = {"item": item_id, "reason": request.POST.get("rejection_reason", "")}
    else:
        messages.success(request, done)
        return redirect("staff:session_moderation", pk=pk)
    context = _moderation_context(_session(request, pk))
    context.update(error=error, failed=failed)
    return staff_render(request, "staff/drafting/session_moderation.html", context, status=400)


def _outcomes_context(session) -> dict:
    missing = set(services.suggestions_missing_outcome(session).values_list("pk", flat=True))
    suggestions = list(
        session.suggestions.exclude(status__in=services.NO_OUTCOME_NEEDED).order_by(
            "created_at", "pk"
        )
    )
    numbers = _clause_numbers(session)
    return {
        "session": session,
        "rows": [
            {"suggestion": s, "missing": s.pk in missing, "clause": numbers.get(s.clause_key)}
            for s in suggestions
        ],
        "missing_count": len(missing),
        "outcome_choices": [c for c in Outcome.choices if c[0]],
        "others": suggestions,
    }


@staff_page(SESSION_VIEW)
@require_http_methods(["GET", "POST"])
def session_outcomes(request, pk: int):
    """After the session closes: an outcome and a reason for the child for every idea, before
    the session can be archived (CH-09)."""
    session = _session(request, pk)
    if request.method == "GET":
        return staff_render(
            request, "staff/drafting/session_outcomes.html", _outcomes_context(session)
        )
    form = OutcomeForm(request.POST)
    error, failed = "", {}
    if form.is_valid():
        data = form.cleaned_data
        suggestion = session.suggestions.filter(pk=data["suggestion"]).first()
        if suggestion is None:
            raise Http404
        merged_into = None
        if data["merged_into"]:
            merged_into = session.suggestions.filter(pk=data["merged_into"]).first()
        try:
            services.suggestion_outcome_set(
                suggestion=suggestion,
                user=request.user,
                outcome=data["outcome"],
                reason=data["outcome_reason"],
                merged_into=merged_into,
            )
        except ValidationError as exc:
            error = _messages_of(exc)
        else:
            messages.success(request, _("Outcome saved for idea %(n)s.") % {"n": suggestion.pk})
            return redirect(
                reverse("staff:session_outcomes", kwargs={"pk": pk}) + f"#idea-{suggestion.pk}"
            )
    else:
        error = " ".join(str(m) for errs in form.errors.values() for m in errs)
    failed = {
        "item": request.POST.get("suggestion", ""),
        "outcome": request.POST.get("outcome", ""),
        "reason": request.POST.get("outcome_reason", ""),
        "merged_into": request.POST.get("merged_into", ""),
    }
    context = _outcomes_context(_session(request, pk))
    context.update(error=error, failed=failed)
    return staff_render(request, "staff/drafting/session_outcomes.html", context, status=400)
