"""The home page around the launch (issue 11, item 1): a countdown before Safer Internet Day
2027, "pledged since the launch" from the day itself, the next milestone; the progress bar
to the target is a labelled <progress> with its text. Time is frozen (time-machine)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dashboards.public import launch_panel
from pledges import services
from tests.factories import country, event_kwargs

LAUNCH = dt.date(2027, 2, 9)


@pytest.fixture(autouse=True)
def _snapshot_dir(settings, tmp_path):
    settings.SNAPSHOT_DIR = tmp_path


def data(*states, milestones=()):
    return {
        "campaign": {
            "name": "C",
            "target_states": 10,
            "launch_date": LAUNCH.isoformat(),
            "launch_event": "Launch",
            "milestones": list(milestones),
        },
        "states": list(states),
    }


def state(iso3, *events, un_status="member"):
    status = events[-1][1] if events else "no_information"
    since = events[-1][0] if events else None
    return {
        "iso3": iso3,
        "un_status": un_status,
        "pledge": {"status": status, "since": since},
        "events": [{"date": d, "to": to} for d, to in events],
    }


BEFORE = state("AAA", ("2026-11-20", "pledged"))
ON_THE_DAY = state("BBB", ("2026-12-01", "in_dialogue"), ("2027-02-09", "pledged"))
AFTER = state("CCC", ("2027-03-01", "pledged"))
OBSERVER = state("VAT", ("2027-02-10", "pledged"), un_status="observer")
MILESTONES = [
    {"name": "World Children's Day", "date": "2026-11-20", "kind": "world_childrens_day"},
    {"name": "Safer Internet Day", "date": "2027-02-09", "kind": "safer_internet_day"},
    {"name": "World Children's Day", "date": "2027-11-20", "kind": "world_childrens_day"},
]


@pytest.mark.parametrize(
    "today, days, launched, since, next_name, next_days",
    [
        (dt.date(2027, 2, 7), 2, False, None, "Safer Internet Day", 2),
        (dt.date(2027, 2, 8), 1, False, None, "Safer Internet Day", 1),
        (dt.date(2027, 2, 9), None, True, 1, "Safer Internet Day", 0),
        (dt.date(2027, 2, 10), None, True, 1, "World Children's Day", 283),
        (dt.date(2027, 3, 1), None, True, 2, "World Children's Day", 264),
        (dt.date(2027, 11, 21), None, True, 2, None, None),
    ],
)
def test_launch_panel_around_the_launch_date(today, days, launched, since, next_name, next_days):
    # given a state pledged before the launch, one on the day, one after, an observer after;
    # AFTER's event is dated 1 March: before that day the snapshot would not hold it yet
    states = [BEFORE, ON_THE_DAY, OBSERVER]
    if today >= dt.date(2027, 3, 1):
        states.append(AFTER)
    # when
    panel = launch_panel(data(*states, milestones=MILESTONES), today=today)
    # then: counted from the launch day itself, Member States only
    assert panel.days_to_launch == days
    assert panel.launched is launched
    assert panel.pledged_since_launch == since
    if next_name is None:
        assert panel.next_milestone is None
    else:
        assert panel.next_milestone["name"] == next_name
        assert panel.next_milestone["days"] == next_days


# --- The page, with the clock frozen --------------------------------------------------------


def pledge_verified(iso3: str, day: dt.date, *, author, verifier) -> None:
    event = services.pledge_event_create(
        country=country(iso3),
        user=author,
        **event_kwargs(to_status="pledged", event_date=day, source_date=day),
    )
    services.pledge_event_verify(
        event=event, user=verifier, expected_lock_version=event.lock_version
    )


def home(client) -> str:
    from dashboards.pagecache import page_cache_clear
    from dashboards.snapshot import snapshot_refresh

    snapshot_refresh()
    page_cache_clear()
    return client.get("/en/").content.decode()


@pytest.mark.django_db
def test_home_counts_down_to_the_launch(client, alice, bob):
    with time_machine.travel(dt.datetime(2027, 2, 6, 12, tzinfo=dt.UTC), tick=False):
        pledge_verified("FRA", dt.date(2027, 1, 15), author=alice, verifier=bob)
        html = home(client)
    assert "3 days to the launch." in html
    assert "Pledged since the launch" not in html
    assert (
        "Next milestone: Safer Internet Day: launch of the pledges, 9 February 2027 (in 3 days)."
        in html
    )
    # the progress bar: a labelled <progress> and its text
    assert '<label for="target-progress">Progress to the target</label>' in html
    assert 'id="target-progress" data-live-progress max="100" value="1"' in html
    assert "1 of 100 Member States" in html


@pytest.mark.django_db
def test_on_launch_day_and_after_the_home_says_how_many_pledged_since(client, alice, bob):
    with time_machine.travel(dt.datetime(2027, 2, 9, 8, tzinfo=dt.UTC), tick=False):
        pledge_verified("FRA", dt.date(2027, 1, 15), author=alice, verifier=bob)
        pledge_verified("KEN", dt.date(2027, 2, 9), author=alice, verifier=bob)
        html = home(client)
    assert "days to the launch" not in html
    assert "The launch is today." in html
    assert "Pledged since the launch: 1 Member State." in html
    assert "Today: Safer Internet Day: launch of the pledges." in html

    with time_machine.travel(dt.datetime(2027, 2, 12, 8, tzinfo=dt.UTC), tick=False):
        pledge_verified("BRA", dt.date(2027, 2, 11), author=alice, verifier=bob)
        html = home(client)
    assert "The launch is today." not in html
    assert "Pledged since the launch: 2 Member States." in html
    assert "Next milestone: World Children&#x27;s Day, 20 November 2027" in html
    # the newest pledges, newest first, with the state's name
    newest = html[html.index("data-live-newest") :]
    assert newest.index("Brazil") < newest.index("Kenya") < newest.index("France")
