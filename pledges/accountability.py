"""Which progress reports a pledged state owes, and whether it is late (issue 11, item 4).

Pure functions of dates, shared by the public pages (from the snapshot), the staff home and
the API: the first report is due `first_months` after the pledge date, then one every
`interval_months`. A report due on a day is on time that day and overdue from the next.
Each verified report counts towards the earliest due date not yet met, whatever its date,
so a late report brings a state back on time.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

ON_TIME = "on_time"
OVERDUE = "overdue"
NOT_PLEDGED = "not_pledged"
REPORTING_STATUSES = (ON_TIME, OVERDUE, NOT_PLEDGED)


def pledged_on(changes: Sequence[tuple[dt.date, str]], *, pledged: Sequence[str]) -> dt.date | None:
    """The date a state pledged: the first of its latest unbroken run of verified changes to
    a status in `pledged` (pledged or beyond); None when it is not there now.

    `changes` are (date, new status), oldest first. A state that withdrew and pledged again
    owes reports from its new pledge."""
    since = None
    for day, status in changes:
        since = (since or day) if status in pledged else None
    return since


def months_add(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan → 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def report_due_date(pledged_on: dt.date, *, number: int, first_months: int, interval_months: int):
    """The due date of report `number` (1, 2, …), counted from the pledge date each time."""
    return months_add(pledged_on, first_months + (number - 1) * interval_months)


@dataclass(frozen=True)
class ReportingStatus:
    status: str  # ON_TIME, OVERDUE or NOT_PLEDGED
    reports_due: int  # reports whose due date has passed by today
    reports_made: int  # verified reports
    next_due: dt.date | None  # the earliest due date not yet met
    days_overdue: int  # 0 unless OVERDUE

    @property
    def overdue(self) -> bool:
        return self.status == OVERDUE


def reporting_status(
    *,
    pledged_on: dt.date | None,
    reports: Sequence[dt.date] | int,
    today: dt.date,
    first_months: int,
    interval_months: int,
) -> ReportingStatus:
    """Where a state stands: `pledged_on` None means it has not pledged (nothing is due)."""
    made = reports if isinstance(reports, int) else len(reports)
    if pledged_on is None:
        return ReportingStatus(NOT_PLEDGED, 0, made, None, 0)
    due = 0
    while (
        report_due_date(
            pledged_on, number=due + 1, first_months=first_months, interval_months=interval_months
        )
        < today
    ):
        due += 1
    next_due = report_due_date(
        pledged_on, number=made + 1, first_months=first_months, interval_months=interval_months
    )
    if made < due:
        return ReportingStatus(OVERDUE, due, made, next_due, (today - next_due).days)
    return ReportingStatus(ON_TIME, due, made, next_due, 0)
