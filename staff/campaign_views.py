"""Campaign settings (the admin role): target, launch, milestones, outcomes, target states.

Thin views over campaign.services: a settings change is a revision that a second person
verifies; a target below the pledged count is refused by the service until confirmed.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from campaign import selectors as campaign_selectors
from campaign import services
from campaign.models import Campaign, Milestone
from pledges.models import StaleEditError
from staff import selectors as staff_selectors
from staff.access import staff_page, staff_render
from staff.forms import CampaignSettingsForm, MilestoneForm
from staff.selectors import ENGAGEMENT_VIEW, REGISTRY_VIEW

CAMPAIGN_CHANGE = "campaign.change_campaign"


def _campaign() -> Campaign:
    campaign = campaign_selectors.campaign_current()
    if campaign is None:
        raise Http404(_("No campaign is loaded yet: run manage.py load_reference_data."))
    return campaign


def _below_pledged(exc: ValidationError) -> bool:
    errors = getattr(exc, "error_dict", {})
    return any(e.code == services.TARGET_BELOW_PLEDGED for e in errors.get("target_states", []))


def _render(request, campaign, form, milestone_form, *, status: int = 200, extra=None):
    page = staff_selectors.campaign_settings_page(campaign=campaign, user=request.user)
    context = {"page": page, "form": form, "milestone_form": milestone_form, **(extra or {})}
    return staff_render(request, "staff/campaign_settings.html", context, status=status)


@staff_page(CAMPAIGN_CHANGE)
@require_http_methods(["GET", "POST"])
def campaign_settings(request):
    campaign = _campaign()
    page_initial = staff_selectors.campaign_settings_page(
        campaign=campaign, user=request.user
    ).form_initial
    confirm = "confirm_below_pledged" in request.POST
    form = CampaignSettingsForm(
        request.POST or None, instance=campaign, initial=page_initial, confirm=confirm
    )
    extra: dict = {}
    if request.method == "POST" and form.is_valid():
        values, m2m = form.model_values()
        try:
            services.campaign_settings_change(
                campaign=Campaign.objects.get(pk=campaign.pk),
                user=request.user,
                expected_lock_version=form.cleaned_data["lock_version"],
                values=values,
                m2m=m2m,
                reason=form.cleaned_data.get("reason", ""),
                confirm_below_pledged=bool(form.cleaned_data.get("confirm_below_pledged")),
            )
        except StaleEditError as exc:
            extra = {"stale": exc}
        except ValidationError as exc:
            if _below_pledged(exc):
                # Ask: the same values again, with the box to confirm them.
                form = CampaignSettingsForm(
                    request.POST, instance=campaign, initial=page_initial, confirm=True
                )
                form.is_valid()
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "Change proposed. The published settings stay as they are until a second "
                    "person verifies the change."
                ),
            )
            return redirect("staff:campaign_settings")
    status = 409 if "stale" in extra else 200
    return _render(request, campaign, form, MilestoneForm(), status=status, extra=extra)


@staff_page(CAMPAIGN_CHANGE)
@require_POST
def campaign_milestone_add(request):
    campaign = _campaign()
    milestone_form = MilestoneForm(request.POST)
    if milestone_form.is_valid():
        try:
            services.milestone_add(
                campaign=campaign, user=request.user, **milestone_form.cleaned_data
            )
        except ValidationError as exc:
            milestone_form.add_error(None, exc)
        else:
            messages.success(request, _("Milestone added."))
            return redirect("staff:campaign_settings")
    form = CampaignSettingsForm(instance=campaign)
    return _render(request, campaign, form, milestone_form)


@staff_page(CAMPAIGN_CHANGE)
@require_POST
def campaign_milestone_remove(request, pk: int):
    campaign = _campaign()
    milestone = get_object_or_404(Milestone, pk=pk, campaign=campaign)
    try:
        lock_version = int(request.POST.get("lock_version", ""))
    except ValueError:
        lock_version = None
    try:
        services.milestone_remove(
            milestone=milestone, user=request.user, expected_lock_version=lock_version
        )
    except (StaleEditError, ValueError):
        messages.error(request, _("Someone changed this milestone meanwhile; look again."))
    else:
        messages.success(request, _("Milestone removed."))
    return redirect("staff:campaign_settings")


@staff_page(*REGISTRY_VIEW, ENGAGEMENT_VIEW)
@require_safe
def staff_dashboard(request):
    """Pipeline by stage and region, target states not engaged, queues, follow-ups due."""
    board = staff_selectors.staff_dashboard(today=timezone.localdate())
    return staff_render(request, "staff/staff_dashboard.html", {"board": board})
