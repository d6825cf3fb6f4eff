import datetime as dt

import pytest
from django.utils import timezone

from pledges.models import Country, Pledge, PledgeText

pytestmark = pytest.mark.django_db


def verified_pledges(count: int, status: str = "pledged") -> None:
    text = PledgeText.objects.get(version=1)
    for country in Country.objects.filter(un_status="member").order_by("iso3")[:count]:
        Pledge.objects.create(
            country=country,
            pledge_text=text,
            status=status,
            status_date=dt.date(2026, 5, 1),
            verified_at=timezone.now(),
        )


def test_home_shows_the_campaign_progress_and_all_195_states(client):
    verified_pledges(3)
    response = client.get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Global Pledge for Children&#x27;s Online Safety" in html
    assert "3 of 193 UN Member States have pledged; the target is 100." in html
    assert html.count('<tr data-iso3="') == 195
    assert "No information" in html


def test_unverified_pledges_never_reach_the_page(client, alice):
    from pledges import services
    from tests.factories import country, event_kwargs

    services.pledge_event_create(
        country=country("NOR"), user=alice, **event_kwargs(to_status="pledged")
    )
    html = client.get("/en/").content.decode()
    assert "0 of 193 UN Member States have pledged" in html


@pytest.mark.parametrize("pledged", [0, 190])
def test_home_makes_a_constant_number_of_queries(client, django_assert_num_queries, pledged):
    verified_pledges(pledged)
    # Cold: the snapshot is built (see test_public_pages for the 15 queries, named).
    with django_assert_num_queries(15):
        response = client.get("/en/")
    assert response.status_code == 200
    # Warm: none.
    with django_assert_num_queries(0):
        client.get("/en/")


def test_security_headers_on_public_pages(client):
    response = client.get("/en/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "geolocation=()" in response["Permissions-Policy"]
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
