"""Which progress reports a pledged state owes, at the boundaries (issue 11, item 4)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pledges.accountability import (
    NOT_PLEDGED,
    ON_TIME,
    OVERDUE,
    months_add,
    pledged_on,
    report_due_date,
    reporting_status,
)
from pledges.models import PLEDGED_OR_BEYOND

PLEDGED = dt.date(2027, 2, 9)  # Safer Internet Day


def status(today, *, reports=0, first=12, interval=12, since=PLEDGED):
    return reporting_status(
        pledged_on=since, reports=reports, today=today, first_months=first, interval_months=interval
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2027, 2, 9), 12, dt.date(2028, 2, 9)),
        (dt.date(2027, 1, 31), 1, dt.date(2027, 2, 28)),  # a shorter month: its last day
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),  # a leap year
        (dt.date(2027, 11, 15), 2, dt.date(2028, 1, 15)),  # over the year's end
    ],
)
def test_months_add(day, months, expected):
    assert months_add(day, months) == expected


def test_the_first_report_is_on_time_on_its_due_day_and_overdue_the_day_after():
    # given a state that pledged on 9 Feb 2027, the first report due 12 months later
    due = dt.date(2028, 2, 9)
    # then on the day before and on the due day it is on time, the next day overdue
    assert status(due - dt.timedelta(days=1)).status == ON_TIME
    assert status(due).status == ON_TIME
    late = status(due + dt.timedelta(days=1))
    assert (late.status, late.next_due, late.days_overdue) == (OVERDUE, due, 1)


def test_a_report_puts_the_state_back_on_time_until_the_next_due_date():
    # given one verified report, the second report is due 12 months after the first
    second_due = dt.date(2029, 2, 9)
    assert status(dt.date(2028, 3, 1), reports=1).next_due == second_due
    assert status(second_due, reports=1).status == ON_TIME
    assert status(second_due + dt.timedelta(days=1), reports=1).status == OVERDUE
    # and two reports cover both
    assert status(second_due + dt.timedelta(days=1), reports=2).status == ON_TIME


def test_the_schedule_is_the_campaigns_setting():
    # first report 6 months after the pledge, then every 3 months
    assert status(dt.date(2027, 8, 10), first=6, interval=3).status == OVERDUE
    assert status(dt.date(2027, 11, 9), reports=1, first=6, interval=3).status == ON_TIME
    assert status(dt.date(2027, 11, 10), reports=1, first=6, interval=3).status == OVERDUE


def test_a_state_that_has_not_pledged_owes_nothing():
    result = status(dt.date(2030, 1, 1), since=None)
    assert (result.status, result.next_due, result.overdue) == (NOT_PLEDGED, None, False)


def test_the_pledge_date_is_the_start_of_the_latest_run_at_pledged_or_beyond():
    changes = [
        (dt.date(2026, 1, 1), "in_dialogue"),
        (dt.date(2026, 6, 1), "pledged"),
        (dt.date(2026, 9, 1), "strategy_adopted"),  # still the same pledge
    ]
    assert pledged_on(changes, pledged=PLEDGED_OR_BEYOND) == dt.date(2026, 6, 1)
    # withdrawn, then pledged again: reports are owed from the new pledge
    again = [*changes, (dt.date(2027, 1, 1), "withdrawn"), (dt.date(2027, 3, 1), "pledged")]
    assert pledged_on(again, pledged=PLEDGED_OR_BEYOND) == dt.date(2027, 3, 1)
    assert pledged_on(again[:-1], pledged=PLEDGED_OR_BEYOND) is None


@given(
    since=st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31)),
    first=st.integers(1, 60),
    interval=st.integers(1, 60),
    reports=st.integers(0, 5),
)
def test_overdue_exactly_when_a_due_date_without_a_report_has_passed(
    since, first, interval, reports
):
    due = report_due_date(since, number=reports + 1, first_months=first, interval_months=interval)
    on_day = status(due, reports=reports, first=first, interval=interval, since=since)
    after = status(
        due + dt.timedelta(days=1), reports=reports, first=first, interval=interval, since=since
    )
    assert on_day.status == ON_TIME and on_day.next_due == due
    assert after.status == OVERDUE and after.days_overdue == 1
