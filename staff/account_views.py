"""Staff account pages: the invitation form (AUTH-01). Thin: the service does the work."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from pledges.roles import INVITE, ROLE_LABELS, Role
from staff.access import staff_page, staff_render
from staff.accounts import staff_invite


class StaffInviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address"), max_length=254)
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=[(role, ROLE_LABELS[role]) for role in Role.ALL],
        initial=Role.VIEWER,
    )


# Showing the form needs the invite permission; a POST is the service's to refuse (staff_invite
# checks it and logs a refusal).
@staff_page(on_get=(INVITE,))
@require_http_methods(["GET", "POST"])
def staff_invite_view(request):
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            staff_invite(
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
                request=request,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s. The link works once and expires in 3 days.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("staff:staff_invite")
    return staff_render(request, "staff/staff_invite.html", {"form": form})
