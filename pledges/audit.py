"""The security event log (AUD-04): one function writes it; secrets never reach it."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from pledges.models import SecurityEvent

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
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        identifier=identifier[:254],
        ip_address=client_ip(request),
        path=(request.path[:300] if request is not None else ""),
        detail=clean,
    )
