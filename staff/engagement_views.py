"""Advocacy engagements: a staff-only log of contacts with national authorities."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from campaign import selectors, services
from campaign.models import Engagement
from pledges.history import stale_edit_changes
from pledges.models import NO_INFORMATION_LABEL, PledgeStatus, StaleEditError
from pledges.selectors import M49_REGIONS
from staff.access import staff_page, staff_render
from staff.forms import EngagementForm
from staff.selectors import ENGAGEMENT_VIEW, LIST_PAGE_SIZE

# A POST is decided by the service (engagement_create / engagement_update), which checks the
# add or change permission itself and logs a refusal; showing the form needs it.


@staff_page(ENGAGEMENT_VIEW)
@require_safe
def engagement_list(request):
    # A country by name or code in any UN language, and/or an M49 region (issue 11, item 6)
    country = request.GET.get("country", "").strip()[:100]
    region = request.GET.get("region", "")
    region = region if region in M49_REGIONS else ""
    engagements = Paginator(
        selectors.engagement_list(country_query=country, region=region), LIST_PAGE_SIZE
    ).get_page(request.GET.get("page", 1))
    conflicts = selectors.engagement_stage_conflicts(engagements.object_list)
    labels = dict(PledgeStatus.choices)
    params = {k: v for k, v in (("country", country), ("region", region)) if v}
    return staff_render(
        request,
        "staff/engagement_list.html",
        {
            "engagements": engagements,
            "rows": [
                (
                    e,
                    e.pk in conflicts,
                    str(labels.get(conflicts.get(e.pk), NO_INFORMATION_LABEL)),
                )
                for e in engagements.object_list
            ],
            "country": country,
            "region": region,
            "regions": M49_REGIONS,
            "page_query": urlencode(params) + "&" if params else "",
        },
    )


@staff_page(ENGAGEMENT_VIEW, on_get=("campaign.add_engagement",))
@require_http_methods(["GET", "POST"])
def engagement_new(request):
    initial = {}
    if request.GET.get("country"):
        initial["country"] = request.GET["country"].upper()[:3]
    form = EngagementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.engagement_create(user=request.user, **form.model_values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Engagement logged."))
            return redirect("staff:engagement_list")
    return staff_render(request, "staff/engagement_form.html", {"form": form, "engagement": None})


@staff_page(ENGAGEMENT_VIEW, on_get=("campaign.change_engagement",))
@require_http_methods(["GET", "POST"])
def engagement_edit(request, pk: int):
    engagement = get_object_or_404(Engagement.objects.select_related("country"), pk=pk)
    form = EngagementForm(request.POST or None, instance=engagement)
    context: dict = {"engagement": engagement}
    if request.method == "POST" and form.is_valid():
        values = form.model_values()
        loaded = form.cleaned_data["lock_version"]
        try:
            services.engagement_update(
                engagement=Engagement.objects.get(pk=pk),
                user=request.user,
                expected_lock_version=loaded,
                values=values,
            )
        except StaleEditError as exc:
            current, changes = stale_edit_changes(
                model=Engagement,
                pk=pk,
                loaded_version=exc.loaded_version,
                submitted=values,
                fields=tuple(EngagementForm.Meta.fields),
            )
            context.update({"stale": exc, "stale_changes": changes, "stale_current": current})
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Engagement updated."))
            return redirect("staff:engagement_list")
    context["form"] = form
    conflicts = selectors.engagement_stage_conflicts([engagement])
    if engagement.pk in conflicts:
        context["stage_conflict"] = str(
            dict(PledgeStatus.choices).get(conflicts[engagement.pk], NO_INFORMATION_LABEL)
        )
    return staff_render(
        request,
        "staff/engagement_form.html",
        context,
        status=409 if "stale" in context else 200,
    )
