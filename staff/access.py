"""Who may open a workspace page: one decorator for every staff view, one 403 page.

A page declares the permissions it needs to be shown. A write (a POST) is then decided by
the service it calls, which checks the permission, four eyes and the version itself and
logs a refusal with its reason; whatever PermissionDenied a view or a service raises
becomes the same 403 page, with its message.
"""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from pledges.services import permission_require
from staff.selectors import StaffAbilities, staff_abilities

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def forbidden(request, message, *, abilities: StaffAbilities | None = None):
    """The 403 page: what was refused, and what to do about it."""
    if abilities is None and request.user.is_authenticated and request.user.is_staff:
        abilities = staff_abilities(user=request.user)
    return render(
        request,
        "staff/forbidden.html",
        {"message": str(message) or _("Your role does not allow this."), "abilities": abilities},
        status=403,
    )


def _needs(permission: str) -> str:
    """ "This page needs the permission 'Can verify changes'." (one query, on refusal only)."""
    app_label, codename = permission.split(".")
    found = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    name = found.values_list("name", flat=True).first() or permission
    return _("This page needs the permission “%(name)s”.") % {"name": name}


def staff_page(*permissions: str, on_get: tuple[str, ...] = ()):
    """Signed in (else to the login page), staff with a role, and holding `permissions`
    (else 403). `on_get`: what showing the page's form needs; a POST is the service's to
    refuse (it logs why), so the view does not check it a second time."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_staff:
                return forbidden(request, _("The staff workspace is for staff accounts only."))
            abilities = staff_abilities(user=user)
            if not abilities.has_role:
                return forbidden(
                    request,
                    _(
                        "Your account has no role yet, so the workspace has nothing to show "
                        "you. Ask an administrator to give you a role."
                    ),
                    abilities=abilities,
                )
            request.staff_abilities = abilities
            needed = [*permissions, *(on_get if request.method in SAFE_METHODS else ())]
            for permission in needed:
                try:
                    # The service's check: the refusal is logged with what was missing.
                    permission_require(user=user, permission=permission, action="view")
                except PermissionDenied as exc:
                    return forbidden(request, f"{exc} {_needs(permission)}", abilities=abilities)
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied as exc:
                return forbidden(request, exc, abilities=abilities)

        return wrapped

    return decorator


def staff_render(request, template: str, context: dict | None = None, *, status: int = 200):
    """Render a workspace page with the user's abilities (the menu and buttons ask them)."""
    return render(
        request,
        template,
        {"abilities": request.staff_abilities, **(context or {})},
        status=status,
    )
