"""Issue 12: "Latest verified changes" is sorted by verification time, not event date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dashboards import public
from dashboards.snapshot import snapshot_build
from pledges import services
from tests.factories import country, event_kwargs

pytestmark = pytest.mark.django_db


def _verified(iso3, *, event_date, alice, bob, to_status="in_dialogue"):
    draft = services.pledge_event_create(
        country=country(iso3),
        user=alice,
        **{**event_kwargs(to_status=to_status), "event_date": event_date},
    )
    return services.pledge_event_verify(
        event=draft, user=bob, expected_lock_version=draft.lock_version
    )


def test_a_change_verified_today_but_dated_long_ago_comes_first(alice, bob):
    # given ten recent changes verified first, then one dated in May verified last
    today = timezone.localdate()
    for i, iso3 in enumerate(["KEN", "FRA", "BRA", "IND", "JPN", "DEU", "MEX", "NGA", "ZAF"]):
        _verified(iso3, event_date=today - dt.timedelta(days=i), alice=alice, bob=bob)
    _verified("FJI", event_date=dt.date(today.year, 5, 1), alice=alice, bob=bob)
    # when
    latest = public.latest_changes(snapshot_build())
    # then the last verified is listed first, although its event date is the oldest
    assert latest[0]["iso3"] == "FJI"
    assert latest[0]["verified_at"] >= latest[1]["verified_at"]
