"""Template helpers for pages the workspace's views do not render (allauth's account pages)."""

from __future__ import annotations

from django import template

from staff.selectors import StaffAbilities, staff_abilities

register = template.Library()


@register.simple_tag
def staff_abilities_of(user) -> StaffAbilities | None:
    """The workspace menu's flags for `user` (None for anyone who is not staff)."""
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        return None
    return staff_abilities(user=user)
