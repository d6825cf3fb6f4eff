"""Translations of the pledge text's clauses: which are missing or outdated, and a form per
clause and language with the English source beside it.

A save calls one service (pledges.services.pledge_clause_translation_set), which checks the
permission, that the version is still a draft and the version the translator saw (the
document's one lock), records the English revision the translation was made from (so it is
no longer outdated) and puts the version back in the verification queue (four eyes).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from pledges import services
from pledges.models import StaleEditError
from staff import selectors as staff_selectors
from staff.access import staff_page, staff_render
from staff.forms import ClauseTranslationForm

PLEDGE_TEXT_VIEW = "pledges.view_pledgetext"
PLEDGE_TEXT_CHANGE = "pledges.change_pledgetext"


@staff_page(PLEDGE_TEXT_VIEW)
@require_safe
def pledge_translation_list(request, version: int):
    page = staff_selectors.pledge_translations_page(version=version, user=request.user)
    if page is None:
        raise Http404
    return staff_render(
        request, "staff/pledge_translation_list.html", {"page": page, "text": page.text}
    )


@staff_page(PLEDGE_TEXT_VIEW, on_get=(PLEDGE_TEXT_CHANGE,))
@require_http_methods(["GET", "POST"])
def pledge_translation_edit(request, version: int, clause: int, language: str):
    page = staff_selectors.clause_translation_page(
        version=version, clause_id=clause, language=language, user=request.user
    )
    if page is None:
        raise Http404
    form, status, error = None, 200, ""
    if request.method == "POST":
        form = ClauseTranslationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.pledge_clause_translation_set(
                    clause=page.clause,
                    user=request.user,
                    expected_lock_version=data["lock_version"],
                    language=language,
                    formal_text=data["formal_text"],
                    child_text=data["child_text"],
                )
            except StaleEditError:
                status = 409
                error = _(
                    "Someone changed this version since you opened it, so your translation "
                    "was not saved. Check the English as it is now, then save again: what you "
                    "typed is still in the form."
                )
            except ValidationError as exc:
                status, error = 400, " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("Translation into %(language)s saved for clause %(number)d.")
                    % {"language": page.language_name, "number": page.clause.number},
                )
                return redirect("staff:pledge_translation_list", version=version)
        else:
            status = 400
        page = staff_selectors.clause_translation_page(
            version=version, clause_id=clause, language=language, user=request.user
        )
    return staff_render(
        request,
        "staff/pledge_translation_edit.html",
        {"page": page, "text": page.text, "form": form, "error": error},
        status=status,
    )
