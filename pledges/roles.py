"""Staff roles as groups and permissions (AUTH-04). The single source of the role matrix."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _


class Role:
    ADMIN = "admin"
    EDITOR = "editor"
    VERIFIER = "verifier"
    FACILITATOR = "facilitator"
    VIEWER = "viewer"

    ALL = (ADMIN, EDITOR, VERIFIER, FACILITATOR, VIEWER)


ROLE_LABELS = {
    Role.ADMIN: _("Administrator: invites staff, exports, reads the security log"),
    Role.EDITOR: _("Editor: records status changes with evidence, imports"),
    Role.VERIFIER: _("Verifier: checks and verifies other people's changes"),
    Role.FACILITATOR: _("Facilitator: runs children's co-drafting sessions"),
    Role.VIEWER: _("Viewer: reads the registry, changes nothing"),
}


# Custom permissions live on Pledge (the core model); their meaning is app-wide.
VERIFY = "pledges.verify_changes"
IMPORT = "pledges.import_files"
EXPORT = "pledges.export_all"
SECURITY_LOG = "pledges.view_security_log"
# Inviting staff creates a user account: Django's own permission says exactly that.
INVITE = "auth.add_user"

_VIEW_REGISTRY = [
    "pledges.view_country",
    "pledges.view_mnrdomain",
    "pledges.view_capability",
    "pledges.view_pledgetext",
    "pledges.view_pledgeclause",
    "pledges.view_pledgeclausetranslation",
    "pledges.view_pledge",
    "pledges.view_pledgeevent",
    "pledges.view_capabilitystatus",
    "pledges.view_nationalstrategy",
    "pledges.view_revision",
    "pledges.view_progressreport",
    "campaign.view_campaign",
    "campaign.view_milestone",
    "campaign.view_outcome",
    "campaign.view_partner",
    "campaign.view_engagement",
]
_EDIT_REGISTRY = [
    "pledges.add_pledgeevent",
    "pledges.change_pledgeevent",
    "pledges.change_pledge",
    "pledges.add_capabilitystatus",
    "pledges.change_capabilitystatus",
    "pledges.add_nationalstrategy",
    "pledges.change_nationalstrategy",
    "pledges.add_progressreport",
    "pledges.change_progressreport",
    "campaign.add_partner",
    "campaign.change_partner",
    "campaign.add_engagement",
    "campaign.change_engagement",
    # The pledge text: editors draft the next version; a verifier publishes it (four eyes).
    "pledges.add_pledgetext",
    "pledges.change_pledgetext",
]

# Children's co-drafting (issue 10): a facilitator runs and moderates their own sessions;
# the admin role also acts on every session (drafting.manage_all_sessions).
_DRAFTING = [
    "drafting.view_draftingsession",
    "drafting.add_draftingsession",
    "drafting.change_draftingsession",
    "drafting.view_participant",
    "drafting.change_participant",
    "drafting.view_suggestion",
    "drafting.change_suggestion",
    "drafting.view_reaction",
    "drafting.view_concernreport",
    "drafting.change_concernreport",
    "drafting.view_suggestionuse",
    "drafting.add_suggestionuse",
    "drafting.delete_suggestionuse",
]

_DRAFTING_CREDIT = [
    "drafting.view_suggestion",
    "drafting.view_suggestionuse",
    "drafting.add_suggestionuse",
    "drafting.delete_suggestionuse",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.VIEWER: [*_VIEW_REGISTRY],
    # Editors write the next version of the text: they credit the children's ideas it used.
    Role.EDITOR: [*_VIEW_REGISTRY, *_EDIT_REGISTRY, IMPORT, *_DRAFTING_CREDIT],
    Role.VERIFIER: [*_VIEW_REGISTRY, VERIFY],
    Role.FACILITATOR: ["pledges.view_pledgetext", "pledges.view_pledgeclause", *_DRAFTING],
    Role.ADMIN: [
        *_VIEW_REGISTRY,
        *_EDIT_REGISTRY,
        VERIFY,
        IMPORT,
        EXPORT,
        SECURITY_LOG,
        "pledges.add_pledgeclause",
        "pledges.change_pledgeclause",
        "campaign.change_campaign",
        "campaign.add_milestone",
        "campaign.change_milestone",
        "campaign.delete_milestone",
        "auth.view_user",
        INVITE,
        "auth.change_user",
        *_DRAFTING,
        "drafting.manage_all_sessions",
    ],
}


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def roles_ensure() -> dict[str, Group]:
    """Create or align the role groups with ROLE_PERMISSIONS (idempotent)."""
    groups = {}
    with transaction.atomic():
        for role, dotted in ROLE_PERMISSIONS.items():
            group, _ = Group.objects.get_or_create(name=role)
            wanted = {_permission(p) for p in dotted}
            if set(group.permissions.all()) != wanted:
                group.permissions.set(wanted)
            groups[role] = group
    return groups
