"""Progress reports: recorded by staff with evidence, public only after four eyes; "report
overdue" on the staff home, the country page and the map (issue 11, item 4)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from campaign.models import Campaign
from dashboards import public
from dashboards.snapshot import snapshot_current, snapshot_refresh
from pledges import services
from pledges.models import ProgressReport, ReviewState
from tests.factories import country, event_kwargs
from tests.staff import signed_in

pytestmark = pytest.mark.django_db

# Kenya pledged on 1 March 2026: with the default schedule (12, then every 12 months) its
# first report is due on 1 March 2027.
PLEDGED = dt.date(2026, 3, 1)
DUE = dt.date(2027, 3, 1)


def _at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC), tick=False)


@pytest.fixture
def kenya_pledged(alice, bob):
    event = services.pledge_event_create(
        country=country("KEN"), user=alice, **event_kwargs(to_status="pledged", event_date=PLEDGED)
    )
    services.record_verify(record=event, user=bob, expected_lock_version=event.lock_version)
    snapshot_refresh()
    return country("KEN")


def _report(user, *, iso3="KEN", day=dt.date(2026, 12, 1), title="First progress report"):
    return services.progress_report_create(
        country=country(iso3),
        user=user,
        report_date=day,
        title=title,
        summary="Helpline funded.",
        source_url="https://example.org/report",
    )


def test_a_report_is_a_draft_until_a_second_person_verifies_it(kenya_pledged, alice, bob, client):
    # given Alice records a report
    report = _report(alice)
    assert report.review_state == ReviewState.DRAFT
    assert report.is_demo is False  # a report is real unless the demo seeding says so
    snapshot = json.loads(snapshot_current().body)
    assert public.state_get(snapshot, "KEN")["reports"] == []
    # when Alice tries to verify it herself: four eyes refuse
    with pytest.raises(PermissionDenied):
        services.record_verify(record=report, user=alice, expected_lock_version=report.lock_version)
    # when Bob verifies it
    services.record_verify(record=report, user=bob, expected_lock_version=report.lock_version)
    snapshot_refresh()  # (as the on-commit signal does)
    # then it is public on the country page
    assert ProgressReport.objects.public().count() == 1
    html = client.get("/en/countries/KEN/").content.decode()
    assert "First progress report" in html
    assert "Helpline funded." in html


def test_a_state_that_has_not_pledged_cannot_have_a_report(kenya_pledged, alice):
    # even while another state (Kenya) has pledged
    with pytest.raises(ValidationError) as refused:
        _report(alice, iso3="UGA")
    assert refused.value.messages == [
        "Uganda has no verified pledge: only a pledged state reports on its progress."
    ]


def test_a_verifier_may_not_record_a_report(kenya_pledged, bob):
    with pytest.raises(PermissionDenied):
        _report(bob)


def test_the_staff_form_records_a_draft_with_evidence(kenya_pledged, alice_client):
    response = alice_client.post(
        "/en/staff/countries/KEN/reports/new/",
        {"report_date": "2026-12-01", "title": "Report 2026", "source_url": "https://e.org/r"},
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert (report.title, report.review_state) == ("Report 2026", ReviewState.DRAFT)
    # without evidence it is refused
    response = alice_client.post(
        "/en/staff/countries/KEN/reports/new/", {"report_date": "2026-12-01", "title": "No source"}
    )
    assert response.status_code == 200
    assert ProgressReport.objects.count() == 1


def test_overdue_on_the_staff_home_country_page_and_map_from_the_day_after(
    kenya_pledged, alice, bob, client
):
    # on the due day: on time everywhere
    with _at(DUE):
        assert "Reporting on time" in client.get("/en/countries/KEN/").content.decode()
        staff = signed_in(alice)
        assert "No progress report is overdue." in staff.get("/en/staff/").content.decode()
    # the day after: overdue everywhere
    with _at(DUE + dt.timedelta(days=1)):
        html = client.get("/en/countries/KEN/").content.decode()
        assert "Report overdue" in html and "1 day late" in html
        home = signed_in(alice).get("/en/staff/").content.decode()
        assert "Progress reports overdue" in home and 'href="/en/staff/countries/KEN/"' in home
        data = json.loads(snapshot_current().body)
        layer = public.layer_get(data, "reporting")
        assert public.state_category(public.state_get(data, "KEN"), layer)[0] == "overdue"
        assert public.state_category(public.state_get(data, "UGA"), layer)[0] == "not_pledged"
    # a verified report (even late) brings it back on time
    report = _report(alice)
    services.record_verify(record=report, user=bob, expected_lock_version=report.lock_version)
    snapshot_refresh()
    with _at(DUE + dt.timedelta(days=1)):
        assert "Reporting on time" in client.get("/en/countries/KEN/").content.decode()
        home = signed_in(alice).get("/en/staff/").content.decode()
        assert "No progress report is overdue." in home


def test_the_schedule_comes_from_the_campaign_settings(kenya_pledged, client):
    # given the campaign asks for a first report 6 months after the pledge
    campaign = Campaign.objects.get()
    campaign.report_first_months = 6
    campaign.save()
    snapshot_refresh()
    with _at(dt.date(2026, 9, 2)):
        assert "Report overdue" in client.get("/en/countries/KEN/").content.decode()


def test_the_map_has_a_reporting_layer_with_a_legend(kenya_pledged, client):
    html = client.get("/en/map/?layer=reporting").content.decode()
    assert "Progress reports: on time or overdue" in html
    assert "Reporting on time" in html and "Report overdue" in html


def test_the_api_says_whether_a_report_is_overdue(kenya_pledged, alice, bob):
    from rest_framework.test import APIClient

    api = APIClient()
    with _at(DUE):
        body = api.get("/api/v1/countries/KEN/").json()
        assert body["reporting"] == {
            "status": "on_time",
            "next_due": "2027-03-01",
            "days_overdue": 0,
            "reports_verified": 0,
        }
    with _at(DUE + dt.timedelta(days=3)):
        body = api.get("/api/v1/countries/KEN/").json()
        assert (body["reporting"]["status"], body["reporting"]["days_overdue"]) == ("overdue", 3)
        other = api.get("/api/v1/countries/UGA/").json()["reporting"]
        assert (other["status"], other["next_due"]) == ("not_pledged", None)
    # a draft report does not count; a verified one does
    report = _report(alice)
    with _at(DUE + dt.timedelta(days=3)):
        assert api.get("/api/v1/countries/KEN/").json()["reporting"]["status"] == "overdue"
    services.record_verify(record=report, user=bob, expected_lock_version=report.lock_version)
    with _at(DUE + dt.timedelta(days=3)):
        reporting = api.get("/api/v1/countries/KEN/").json()["reporting"]
        assert (reporting["status"], reporting["reports_verified"]) == ("on_time", 1)


def test_public_reports_are_by_date_then_in_the_order_they_were_verified(kenya_pledged, alice, bob):
    """Oldest first by report date; on the same date, by verification time (not by id)."""
    from pledges.selectors import progress_reports_public

    first, second = (_report(alice, title=title) for title in ("Made first", "Made second"))
    earlier = _report(alice, day=dt.date(2026, 11, 1), title="Dated earlier")
    for report in (second, first, earlier):  # the second made is verified first
        services.record_verify(record=report, user=bob, expected_lock_version=report.lock_version)
    text = services.pledge_text_current()
    titles = [r.title for r in progress_reports_public(pledge_text_id=text.pk)]
    assert titles == ["Dated earlier", "Made second", "Made first"]
