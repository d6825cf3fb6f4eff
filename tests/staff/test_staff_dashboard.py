"""The staff dashboard (issue 11, item 7): pipeline by stage and region from verified
statuses, target states not yet engaged, engagements per stage, the verification queue,
follow-ups due this week."""

from __future__ import annotations

import datetime as dt

import pytest

from campaign.models import Campaign
from campaign.services import engagement_create
from pledges import services
from staff.selectors import staff_dashboard
from tests.factories import country, event_kwargs
from tests.staff import signed_in

pytestmark = pytest.mark.django_db


def test_the_dashboard_counts_stages_targets_queues_and_follow_ups(alice, bob):
    # given Kenya verified as pledged, a draft for Brazil, a target list of three states,
    # an engagement with France due this Friday and one next week
    event = services.pledge_event_create(
        country=country("KEN"), user=alice, **event_kwargs(to_status="pledged")
    )
    services.pledge_event_verify(event=event, user=bob, expected_lock_version=event.lock_version)
    services.pledge_event_create(
        country=country("BRA"), user=alice, **event_kwargs(to_status="pledged")
    )
    campaign = Campaign.objects.get()
    campaign.target_countries.set([country("KEN"), country("FRA"), country("IND")])
    today = dt.date(2026, 3, 4)  # a Wednesday
    for due in (dt.date(2026, 3, 6), dt.date(2026, 3, 10)):
        engagement_create(
            user=alice,
            country=country("FRA"),
            institution="Ministry",
            date=dt.date(2026, 3, 2),
            channel="email",
            outcome="x",
            next_step=f"Call back {due}",
            follow_up_due=due,
            pledge_stage="in_dialogue",
        )
    # when
    board = staff_dashboard(today=today)
    # then
    africa = dict((r, counts) for r, counts, _total in board.pipeline)["Africa"]
    pledged_column = [k for k, _label in board.statuses].index("pledged")
    assert africa[pledged_column] == 1  # Kenya; Brazil's draft is not counted
    assert sum(total for _r, _c, total in board.pipeline) == 195
    assert [c.iso3 for c in board.target_not_engaged] == ["IND", "KEN"]
    assert dict(board.engagements_by_stage)["In dialogue"] == 2
    assert dict(board.queues)["Pledge status change"] == 1
    assert board.week_end == dt.date(2026, 3, 8)
    assert [e.next_step for e in board.follow_ups] == ["Call back 2026-03-06"]


def test_the_dashboard_page_shows_its_tables(alice):
    response = signed_in(alice).get("/en/staff/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pipeline by ladder stage and region" in html
    assert html.count("<table") >= 4
