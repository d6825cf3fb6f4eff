"""Template helpers for pages the workspace's views do not render (allauth's account pages)."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from pledges.languages import country_name
from pledges.selectors import M49_REGIONS
from staff.selectors import StaffAbilities, staff_abilities

register = template.Library()


@register.simple_tag
def staff_abilities_of(user) -> StaffAbilities | None:
    """The workspace menu's flags for `user` (None for anyone who is not staff)."""
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        return None
    return staff_abilities(user=user)


# Which menu entry a workspace page belongs to, by its URL name.
SECTIONS = {
    "staff_home": "home",
    "country_list": "countries",
    "country_workspace": "countries",
    "country_history": "countries",
    "pledge_event_new": "countries",
    "capability_status_new": "countries",
    "national_strategy_new": "countries",
    "draft_edit": "home",
    "partner_list": "partners",
    "partner_edit": "partners",
    "review_queue": "review",
    "review_detail": "review",
    "import_index": "imports",
    "import_upload": "imports",
    "engagement_list": "engagements",
    "engagement_new": "engagements",
    "engagement_edit": "engagements",
    "staff_invite": "invite",
    "pledge_text_list": "pledge-text",
    "pledge_text_new": "pledge-text",
    "pledge_text_edit": "pledge-text",
    "pledge_translation_list": "pledge-text",
    "pledge_translation_edit": "pledge-text",
    "staff_dashboard": "dashboard",
    "campaign_settings": "campaign",
    "campaign_milestone_add": "campaign",
    "campaign_milestone_remove": "campaign",
    "session_list": "sessions",
    "session_new": "sessions",
    "session_detail": "sessions",
    "session_edit": "sessions",
    "session_status": "sessions",
    "participant_action": "sessions",
    "session_sheet": "sessions",
    "session_moderation": "sessions",
    "session_outcomes": "sessions",
}


@register.filter
def staff_section(url_name: str | None) -> str:
    """The menu entry of a page: "countries" for a country's pages, "account" for allauth's."""
    if url_name is None:
        return ""
    return SECTIONS.get(url_name, "account")


@register.filter
def lookup(mapping, key):
    """mapping[key] in a template (None when absent)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def state_name(country) -> str:
    """A state's name in the page's language (its UN name there; the short name in English)."""
    return country_name(country, get_language())


@register.filter
def region_label(region) -> str:
    """A UN M49 region ("Africa") in the page's language: the catalogues hold the five names
    (the public pages translate them too); anything else shows as it is."""
    from django.utils.translation import gettext

    return gettext(region) if region in M49_REGIONS else (region or "")
