"""The security event log (AUD-04): one function writes it; secrets never reach it."""

from __future__ import annotations

from contextvars import ContextVar, Token
from typing import Any

from django.conf import settings

from pledges.models import SecurityEvent, SecurityEventKind

# The request being answered, if any: services write the log without taking a request, and
# the log still records the address and path (bound by staff.middleware for every request).
_current_request: ContextVar[Any] = ContextVar("gpt_current_request", default=None)


def request_bind(request) -> Token:
    return _current_request.set(request)


def request_unbind(token: Token) -> None:
    _current_request.reset(token)


# Keys that must never be stored, whatever a caller passes in `detail`.
_FORBIDDEN_KEYS = {"password", "password1", "password2", "token", "secret", "code", "key", "text"}


def client_ip(request) -> str | None:
    """The client address, trusting X-Forwarded-For only to TRUSTED_PROXY_DEPTH (SEC-07)."""
    if request is None:
        return None
    depth = settings.TRUSTED_PROXY_DEPTH
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if depth and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= depth:
            return hops[-depth]
    return request.META.get("REMOTE_ADDR")


def security_event_log(
    *,
    kind: str,
    user=None,
    request=None,
    identifier: str = "",
    detail: dict[str, Any] | None = None,
) -> SecurityEvent:
    clean = {
        key: value for key, value in (detail or {}).items() if key.lower() not in _FORBIDDEN_KEYS
    }
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if request is None:
        request = _current_request.get()
    if request is not None and kind == SecurityEventKind.PERMISSION_DENIED:
        # The 403 this becomes is already logged, with its reason: the middleware that logs
        # every 403 on staff pages does not log it a second time.
        request.security_denial_logged = True
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        identifier=identifier[:254],
        ip_address=client_ip(request),
        path=(request.path[:300] if request is not None else ""),
        detail=clean,
    )
