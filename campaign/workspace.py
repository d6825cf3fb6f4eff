"""The campaign's parts of the staff workspace: partners in the verification queue, partner
imports, and the "follow-ups due" panel on the staff home (see pledges/workspace.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pledges.imports import importer_register
from pledges.workspace import (
    ReviewKind,
    StaffHomePanel,
    review_kind_register,
    staff_home_panel_register,
)


def follow_ups_panel(*, user, today) -> StaffHomePanel | None:
    from campaign.selectors import engagement_follow_ups_due

    if not user.has_perm("campaign.view_engagement"):
        return None
    return StaffHomePanel(
        order=30,
        template="campaign/panel_follow_ups.html",
        context={"follow_ups": list(engagement_follow_ups_due(today=today)), "today": today},
    )


def campaign_workspace_register() -> None:
    from campaign.imports import PartnerImporter
    from campaign.models import Partner
    from campaign.services import partner_verify

    review_kind_register(
        ReviewKind(
            key="partner",
            label=_("Partner"),
            model=Partner,
            verify=lambda *, record, **kw: partner_verify(partner=record, **kw),
            summary=lambda r: f"{r.name} ({r.get_partner_type_display()})",
            select_related=("created_by",),
            fields=(
                "name",
                "partner_type",
                "website",
                "description",
                "endorsement",
                "coi_disclosure",
                "works_globally",
                "review_state",
            ),
        )
    )
    importer_register(PartnerImporter())
    staff_home_panel_register(follow_ups_panel)
