from __future__ import annotations

from django.conf import settings

from pledges.selectors import demo_data_present


def site(request):
    """Values every page needs: whether demo data is shown, and demo mode."""
    return {
        "demo_data_present": demo_data_present(),
        "demo_mode": settings.DEMO_MODE,
    }
