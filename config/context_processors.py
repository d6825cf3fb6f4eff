from __future__ import annotations

from django.conf import settings

from pledges.selectors import demo_data_present


def site(request):
    """Values every page needs: whether demo data is shown, and demo mode."""
    return {
        # Lazy: templates call it only if a page has not already said (public pages read the
        # snapshot, so a warm public request makes no query).
        "demo_data_present": demo_data_present,
        "demo_mode": settings.DEMO_MODE,
    }
