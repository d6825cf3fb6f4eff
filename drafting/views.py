"""The children's pages: thin views over drafting.services and drafting.selectors.

A child has no account: the secret token in the link is who they are. Every refusal comes
back from the service in plain words and the page keeps what the child typed. The pages set
no cookie but CSRF's, are never cached, load nothing from another site (CH-13).
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from drafting import selectors, services
from drafting.models import CONCERN_MAX_LENGTH, SUGGESTION_MAX_LENGTH, Suggestion


def _errors(exc: ValidationError) -> tuple[list[str], dict[str, list[str]]]:
    """(messages for the page, messages per field) of a refusal."""
    if hasattr(exc, "error_dict"):
        fields = {
            name: [str(m) for m in ValidationError(errs).messages]
            for name, errs in exc.error_dict.items()
        }
        general = fields.pop("__all__", [])
        return general, fields
    return [str(m) for m in exc.messages], {}


def _child_response(request, template: str, context: dict, *, status: int = 200):
    response = render(request, template, context, status=status)
    # A child's page holds their link and words: never kept by a shared cache or the browser.
    add_never_cache_headers(response)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def child_page(view):
    """Resolve the token to the participant and speak the session's language."""

    @wraps(view)
    def wrapper(request, token: str, *args, **kwargs):
        try:
            participant = services.participant_from_token(token=token)
        except ValidationError as exc:
            general, _ = _errors(exc)
            return _child_response(
                request, "drafting/link_unknown.html", {"errors": general}, status=404
            )
        language = participant.session.language
        if request.method == "GET" and translation.get_language() != language:
            # The session's language, end to end (issue 14): a link in another language
            # (/fr/draft/s/... for a session in Arabic) goes to the page in the session's.
            response = redirect(translate_url(request.get_full_path(), language))
            add_never_cache_headers(response)
            response.headers["X-Robots-Tag"] = "noindex, nofollow"
            return response
        with translation.override(language):
            context = {
                "participant": participant,
                "session": participant.session,
                "token": token,
                "state": selectors.child_page_state(participant),
            }
            return view(request, context, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
def join(request):
    code = request.POST.get("code", request.GET.get("code", ""))[:40]
    errors: list[str] = []
    if request.method == "POST":
        try:
            _participant, token = services.participant_join(code=code)
        except ValidationError as exc:
            errors, _ = _errors(exc)
        else:
            return redirect("drafting:home", token=token)
    return _child_response(
        request,
        "drafting/join.html",
        {"code": code, "errors": errors},
        status=400 if errors else 200,
    )


@require_http_methods(["GET"])
@child_page
def home(request, context):
    context["nav"] = "home"
    state = context["state"]
    if state["waiting"]:
        return _child_response(request, "drafting/waiting.html", context)
    context["clauses"] = selectors.clause_texts_for_children(context["session"])
    return _child_response(request, "drafting/home.html", context)


@require_http_methods(["GET", "POST"])
@child_page
def suggest(request, context):
    context["nav"] = "home"
    participant = context["participant"]
    clauses = selectors.clause_texts_for_children(context["session"])
    clause_key = request.POST.get("clause_key", request.GET.get("clause", ""))[:40]
    text = request.POST.get("text", "")
    errors: list[str] = []
    field_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            services.suggestion_submit(participant=participant, clause_key=clause_key, text=text)
        except ValidationError as exc:
            errors, field_errors = _errors(exc)
        else:
            return redirect(reverse("drafting:mine", args=[context["token"]]) + "?sent=1")
    context.update(
        clauses=clauses,
        clause=next((c for c in clauses if c["key"] == clause_key), None),
        clause_key=clause_key,
        text=text,
        errors=errors,
        field_errors=field_errors,
        max_length=SUGGESTION_MAX_LENGTH,
    )
    return _child_response(
        request, "drafting/suggest.html", context, status=400 if errors or field_errors else 200
    )


def _ideas_context(context) -> dict:
    context["nav"] = "ideas"
    session = context["session"]
    participant = context["participant"]
    clauses = {c["key"]: c for c in selectors.clause_texts_for_children(session)}
    counts = selectors.reaction_counts(session)
    reacted = selectors.participant_reacted_ids(participant)
    context["ideas"] = [
        {
            "pk": s.pk,
            "text": s.text,
            "clause": clauses.get(s.clause_key),
            "mine": s.participant_id == participant.pk,
            "liked": s.pk in reacted,
            "likes": counts.get(s.pk),
        }
        for s in selectors.approved_for_children(session)
    ]
    return context


@require_http_methods(["GET"])
@child_page
def ideas(request, context):
    if context["state"]["waiting"]:
        return redirect("drafting:home", token=context["token"])
    return _child_response(request, "drafting/ideas.html", _ideas_context(context))


@require_POST
@child_page
def like(request, context, pk: int):
    suggestion = Suggestion.objects.filter(pk=pk, session=context["session"]).first()
    errors: list[str] = []
    if suggestion is None:
        raise Http404
    try:
        services.reaction_add(participant=context["participant"], suggestion=suggestion)
    except ValidationError as exc:
        errors, _ = _errors(exc)
    if not errors:
        return redirect(reverse("drafting:ideas", args=[context["token"]]) + f"#idea-{pk}")
    context["errors"] = errors
    return _child_response(request, "drafting/ideas.html", _ideas_context(context), status=400)


def _mine_context(context) -> dict:
    context["nav"] = "mine"
    clauses = {c["key"]: c for c in selectors.clause_texts_for_children(context["session"])}
    context["mine"] = [
        {"suggestion": s, "clause": clauses.get(s.clause_key)}
        for s in selectors.participant_suggestions(context["participant"])
    ]
    return context


@require_http_methods(["GET"])
@child_page
def mine(request, context):
    context["sent"] = request.GET.get("sent") == "1"
    return _child_response(request, "drafting/mine.html", _mine_context(context))


@require_POST
@child_page
def withdraw(request, context, pk: int):
    suggestion = Suggestion.objects.filter(pk=pk, participant=context["participant"]).first()
    if suggestion is None:
        raise Http404
    try:
        services.suggestion_withdraw(participant=context["participant"], suggestion=suggestion)
    except (ValidationError, PermissionDenied) as exc:
        context["errors"] = _errors(exc)[0] if isinstance(exc, ValidationError) else [str(exc)]
        return _child_response(request, "drafting/mine.html", _mine_context(context), status=400)
    return redirect("drafting:mine", token=context["token"])


@require_http_methods(["GET", "POST"])
@child_page
def concern(request, context):
    context["nav"] = "concern"
    text = request.POST.get("text", "")
    errors: list[str] = []
    field_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            services.concern_report_create(participant=context["participant"], text=text)
        except ValidationError as exc:
            errors, field_errors = _errors(exc)
        else:
            context["sent"] = True
            text = ""
    context.update(
        text=text, errors=errors, field_errors=field_errors, max_length=CONCERN_MAX_LENGTH
    )
    return _child_response(
        request, "drafting/concern.html", context, status=400 if errors or field_errors else 200
    )


def csrf_failure(request, reason: str = ""):
    """A child's form that failed the CSRF check (a page open too long, cookies cleared):
    the words they typed come back in the box, with a fresh form to send them again."""
    context = {
        "action": request.path,
        "text": request.POST.get("text", "")[: CONCERN_MAX_LENGTH * 4],
        "clause_key": request.POST.get("clause_key", "")[:40],
        "has_text": "text" in request.POST,
    }
    return _child_response(request, "drafting/csrf_failure.html", context, status=403)
