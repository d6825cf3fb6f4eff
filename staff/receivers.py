"""Security events from Django's and allauth's signals (AUD-04), and the session rules that
follow an account change (AUTH-02, AUTH-05). Connected in StaffConfig.ready().

Only identifiers and kinds are recorded: never a password, a code, a key or a token.
"""

from __future__ import annotations

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals

from pledges.audit import security_event_log
from pledges.models import SecurityEventKind
from staff.accounts import session_mfa_refresh, user_other_sessions_end


def _session_key(request) -> str | None:
    session = getattr(request, "session", None)
    return session.session_key if session is not None else None


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    security_event_log(kind=SecurityEventKind.LOGIN, user=user, request=request)
    if request is not None and hasattr(request, "session"):
        session_mfa_refresh(request=request, user=user)


def on_user_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked sensitive values; keep the identifier alone anyway.
    identifier = credentials.get("email") or credentials.get("username") or ""
    security_event_log(
        kind=SecurityEventKind.LOGIN_FAILED,
        request=request,
        identifier=str(identifier),
        detail={"stage": "password"},
    )


def on_user_logged_out(sender, request, user, **kwargs) -> None:
    security_event_log(kind=SecurityEventKind.LOGOUT, user=user, request=request)


def _on_password(how: str):
    def receiver(sender, request, user, **kwargs) -> None:
        security_event_log(
            kind=SecurityEventKind.PASSWORD_CHANGED, user=user, request=request, detail={"how": how}
        )
        # Django's session hash already logs out sessions made with the old password;
        # end them explicitly too, so their rows disappear (AUTH-05).
        user_other_sessions_end(user=user, keep_session_key=_session_key(request))

    return receiver


on_password_changed = _on_password("changed")
on_password_set = _on_password("set")
on_password_reset = _on_password("reset")


def _on_authenticator(action: str):
    def receiver(sender, request, user, authenticator, **kwargs) -> None:
        security_event_log(
            kind=SecurityEventKind.MFA_CHANGED,
            user=user,
            request=request,
            detail={"action": action, "type": authenticator.type},
        )
        user_other_sessions_end(user=user, keep_session_key=_session_key(request))
        if request is not None and hasattr(request, "session"):
            session_mfa_refresh(request=request, user=user)

    return receiver


on_authenticator_added = _on_authenticator("added")
on_authenticator_removed = _on_authenticator("removed")
on_authenticator_reset = _on_authenticator("reset")


def on_mfa_authentication_failed(sender, request, user, authenticator=None, **kwargs) -> None:
    security_event_log(
        kind=SecurityEventKind.LOGIN_FAILED,
        user=None,
        request=request,
        identifier=user.email or user.get_username(),
        detail={
            "stage": "mfa",
            "type": authenticator.type if authenticator is not None else "",
        },
    )


def connect() -> None:
    receivers = {
        "logged_in": (auth_signals.user_logged_in, on_user_logged_in),
        "login_failed": (auth_signals.user_login_failed, on_user_login_failed),
        "logged_out": (auth_signals.user_logged_out, on_user_logged_out),
        "password_changed": (account_signals.password_changed, on_password_changed),
        "password_set": (account_signals.password_set, on_password_set),
        "password_reset": (account_signals.password_reset, on_password_reset),
        "mfa_added": (mfa_signals.authenticator_added, on_authenticator_added),
        "mfa_removed": (mfa_signals.authenticator_removed, on_authenticator_removed),
        "mfa_reset": (mfa_signals.authenticator_reset, on_authenticator_reset),
        "mfa_failed": (mfa_signals.authentication_failed, on_mfa_authentication_failed),
    }
    for name, (signal, receiver) in receivers.items():
        signal.connect(receiver, dispatch_uid=f"staff.security.{name}")
