"""System checks for production settings that `check --deploy` would not catch (SEC-01)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.security, deploy=True)
def shared_cache_check(app_configs=None, **kwargs):
    """Login rate limits (allauth) and API throttles (DRF) count in the default cache: with a
    per-process cache every worker counts on its own, so a limit of 5 failed sign-ins lets
    5 per worker through. Seen: lock-out at the 10th attempt instead of the 6th."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_CACHES:
        return [
            Warning(
                f"The default cache is per process ({backend.rsplit('.', 1)[-1]}): sign-in "
                "rate limits and API throttles are counted by each worker separately.",
                hint="Set REDIS_URL so all workers share one cache; with exactly one worker "
                "process, add 'staff.W001' to SILENCED_SYSTEM_CHECKS.",
                id="staff.W001",
            )
        ]
    return []
