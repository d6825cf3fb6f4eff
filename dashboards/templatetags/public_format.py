"""Small formatting filters for the public pages."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def iso_datetime(value: str) -> str:
    """Show an ISO 8601 time (the snapshot's as-of) the way people read dates, in UTC."""
    try:
        moment = dt.datetime.fromisoformat(value).astimezone(dt.UTC)
    except (TypeError, ValueError):
        return value or ""
    return formats.date_format(moment, "j F Y, H:i")
