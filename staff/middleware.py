"""Staff accounts and security on every request: MFA before anything else (AUTH-02), and
every 403 on a staff page in the security log (AUD-04)."""

from __future__ import annotations

from django.conf import settings

from pledges.languages import path_without_language

# The paths of staff tools: the workspace, the admin and the account pages, without their
# language prefix (/fr/staff/ is /staff/ in French): compare `path_without_language(path)`.
STAFF_PATH_PREFIXES = ("/staff/", "/admin/", "/accounts/")


def is_staff_path(path: str) -> bool:
    """A staff tool's page, in any language."""
    return path_without_language(path).startswith(STAFF_PATH_PREFIXES)


class MFARequiredMiddleware:
    """Send a staff member without an authenticator to set one up, before anything else.

    allauth cannot enforce MFA itself (AUTH-02). Allowed without it: the MFA pages, sign-out,
    the password pages, re-authentication (which TOTP setup asks for), static files and the
    language switch. The answer is kept in the session (set at sign-in and when an
    authenticator is added), so a staff request costs no extra query.
    """

    ALLOWED_URL_NAMES = (
        "mfa_index",  # /accounts/2fa/ and everything under it
        "account_logout",
        "account_reauthenticate",
        "account_login",
    )
    ALLOWED_PREFIXES = ("/accounts/password/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed: tuple[str, ...] | None = None

    def allowed_prefixes(self) -> tuple[str, ...]:
        if self._allowed is None:
            from django.urls import reverse

            self._allowed = (
                *(path_without_language(reverse(name)) for name in self.ALLOWED_URL_NAMES),
                *self.ALLOWED_PREFIXES,
                settings.STATIC_URL,
            )
        return self._allowed

    def __call__(self, request):
        if self._must_set_up_mfa(request):
            from django.contrib import messages
            from django.shortcuts import redirect
            from django.utils.translation import gettext as _

            messages.warning(
                request,
                _(
                    "Two-factor authentication is required for every staff account. "
                    "Set up an authenticator app to continue."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _must_set_up_mfa(self, request) -> bool:
        from staff.accounts import MFA_OK_SESSION_KEY, session_mfa_refresh, user_is_staff_member

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if request.session.get(MFA_OK_SESSION_KEY):
            return False
        if path_without_language(request.path).startswith(self.allowed_prefixes()):
            return False
        if not user_is_staff_member(user):
            return False
        return not session_mfa_refresh(request=request, user=user)


class PermissionDeniedLogMiddleware:
    """Bind the request for the security log, and log every 403 on a staff page (AUD-04).

    The domain services write the log without taking a request; binding it here gives their
    rows the address and path. A refusal a service already logged (with its action and
    reason) is not logged a second time.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from pledges.audit import request_bind, request_unbind, security_event_log
        from pledges.models import SecurityEventKind

        token = request_bind(request)
        try:
            response = self.get_response(request)
            if (
                response.status_code == 403
                and is_staff_path(request.path)
                and not getattr(request, "security_denial_logged", False)
            ):
                security_event_log(
                    kind=SecurityEventKind.PERMISSION_DENIED,
                    user=getattr(request, "user", None),
                    request=request,
                    detail={"method": request.method},
                )
        finally:
            request_unbind(token)
        return response
