"""Public pages of the pledge text: the current version, a page per published version,
a clause-by-clause diff between two versions and a printable layout.

Only published (verified) versions are read, through pledges.selectors; a version that is
missing and one that is not published give the same 404, so nothing leaks. These pages read
the database (the pledge text is not in the snapshot): a few queries, the same number
whatever the number of clauses and versions (pinned in tests).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from drafting.selectors import clause_influence, small_group_threshold
from pledges.selectors import (
    pledge_text_public_get,
    pledge_text_versions_diff,
    pledge_texts_public,
)


@dataclass
class ClauseView:
    """A clause as shown: English, and the active language's translation if there is one."""

    clause: object
    translation: object | None
    # How children shaped it (CH-09), in aggregate and suppressed below the small-group
    # threshold (CH-14): drafting.selectors.clause_influence's entry, or None.
    influence: dict | None = None

    @property
    def key(self) -> str:
        return self.clause.key

    @property
    def number(self) -> int:
        return self.clause.number


def _language() -> str:
    return get_language() or "en"


def _clauses(text, *, influence: dict | None = None) -> list[ClauseView]:
    language = _language()
    influence = influence or {}
    views = []
    for clause in text.clauses.all():
        translation = None
        if language != "en":
            translation = next(
                (t for t in clause.translations.all() if t.language == language), None
            )
        views.append(
            ClauseView(clause=clause, translation=translation, influence=influence.get(clause.key))
        )
    return views


def _published_or_404(version) -> object:
    text = pledge_text_public_get(version=version)
    if text is None:
        raise Http404(_("There is no published version of the pledge text with this number."))
    return text


class CompareForm(forms.Form):
    """Two published versions to compare (by number)."""

    from_ = forms.IntegerField(label=gettext_lazy("From version"), min_value=1, max_value=32767)
    to = forms.IntegerField(label=gettext_lazy("To version"), min_value=1, max_value=32767)

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(t.version), _("Version %(n)s") % {"n": t.version}) for t in versions]
        for name in ("from_", "to"):
            self.fields[name].widget = forms.Select(choices=choices)
        self.fields["from_"].widget.attrs["id"] = "compare-from"
        self.fields["to"].widget.attrs["id"] = "compare-to"

    def add_prefix(self, field_name):
        # The query string says ?from=&to= ("from" is a Python keyword).
        return "from" if field_name == "from_" else field_name

    def clean(self):
        data = super().clean()
        if data.get("from_") is not None and data.get("from_") == data.get("to"):
            raise forms.ValidationError(_("Choose two different versions to compare."))
        return data


def _compare_form(versions, current) -> CompareForm:
    older = versions[1] if len(versions) > 1 else current
    return CompareForm(
        versions=versions,
        initial={"from_": str(older.version) if older else "", "to": str(current.version)}
        if current
        else {},
    )


def _page(request, text, versions, *, is_current: bool):
    return render(
        request,
        "dashboards/pledge/text.html",
        {
            "text": text,
            # Children's influence: approved ideas only, counted, credited to regions (CH-07).
            "clauses": _clauses(text, influence=clause_influence(text)),
            "small_group": small_group_threshold(),
            "versions": versions,
            "is_current": is_current,
            "current": versions[0] if versions else None,
            "compare_form": _compare_form(versions, versions[0]) if len(versions) > 1 else None,
            "language": _language(),
        },
    )


@require_safe
def pledge_current(request):
    """/pledge/: the newest published version."""
    versions = pledge_texts_public()
    if not versions:
        return render(request, "dashboards/pledge/none.html", status=404)
    text = _published_or_404(versions[0].version)
    return _page(request, text, versions, is_current=True)


@require_safe
def pledge_version(request, version: int):
    """/pledge/v/<n>/: a published version's permanent page."""
    text = _published_or_404(version)
    versions = pledge_texts_public()
    return _page(request, text, versions, is_current=versions[0].version == text.version)


@require_safe
def pledge_print(request, version: int):
    """/pledge/v/<n>/print/: the version alone, formal then child-friendly, one language."""
    text = _published_or_404(version)
    return render(
        request,
        "dashboards/pledge/print.html",
        {"text": text, "clauses": _clauses(text), "language": _language()},
    )


@require_safe
def pledge_compare(request):
    """/pledge/compare/?from=<a>&to=<b>: clause by clause, word by word."""
    versions = pledge_texts_public()
    form = CompareForm(request.GET or None, versions=versions)
    if not form.is_bound or not form.is_valid():
        # A missing or malformed number: the form says what is wrong, with a 400. A well-formed
        # number that is not a published version is a 404 below, as on its own page.
        return render(
            request,
            "dashboards/pledge/compare.html",
            {"form": form, "versions": versions, "diff": None},
            status=400,
        )
    old = _published_or_404(form.cleaned_data["from_"])
    new = _published_or_404(form.cleaned_data["to"])
    diff = pledge_text_versions_diff(old=old, new=new)
    return render(
        request,
        "dashboards/pledge/compare.html",
        {
            "form": form,
            "versions": versions,
            "old": old,
            "new": new,
            "diff": diff,
            "changed_count": sum(1 for d in diff if d.is_changed),
        },
    )
