"""The public read side: composes the selectors of `pledges` and `campaign`.

The dashboards app owns no primary data; everything it shows comes from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from campaign.selectors import campaign_current
from pledges.selectors import (
    LADDER,
    NO_INFORMATION,
    NO_INFORMATION_LABEL,
    CountryStatusRow,
    PledgeStatus,
    country_status_rows,
    pledged_member_count,
)


@dataclass(frozen=True)
class HomeSummary:
    campaign_name: str
    launch_date: object
    target: int
    pledged_members: int
    member_count: int
    rows: list[CountryStatusRow]
    status_counts: list[tuple[str, str, int]]  # (status, label, count)


def home_summary() -> HomeSummary:
    campaign = campaign_current()
    rows = country_status_rows(pledge_text=campaign.pledge_text if campaign else None)
    order = [*LADDER, PledgeStatus.DECLINED, PledgeStatus.WITHDRAWN, NO_INFORMATION]
    labels = {**dict(PledgeStatus.choices), NO_INFORMATION: NO_INFORMATION_LABEL}
    counts = {status: 0 for status in order}
    for row in rows:
        counts[row.status] += 1
    return HomeSummary(
        campaign_name=campaign.name if campaign else "",
        launch_date=campaign.launch_date if campaign else None,
        target=campaign.target_states if campaign else 0,
        pledged_members=pledged_member_count(rows),
        member_count=sum(1 for r in rows if r.un_status == "member"),
        rows=rows,
        status_counts=[(s, labels[s], counts[s]) for s in order],
    )
