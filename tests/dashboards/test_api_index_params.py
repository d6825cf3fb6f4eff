"""Issue 12, item 6: an index at /api/v1/, unknown parameters refused, regions in any case."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_api_v1_is_an_index_of_the_endpoints(api):
    # before: /api/v1/ was a 404
    response = api.get("/api/v1/")
    assert response.status_code == 200
    body = response.json()
    names = {e["name"] for e in body["endpoints"]}
    assert {"countries", "pledge_events", "mnr_domains", "partners", "campaign"} <= names
    urls = {e["name"]: e["url"] for e in body["endpoints"]}
    assert urls["countries"] == "http://testserver/api/v1/countries/"
    assert urls["country"] == "http://testserver/api/v1/countries/{iso3}/"
    # every listed list endpoint answers
    for name in ("countries", "pledge_events", "mnr_domains", "mnr_capabilities", "partners"):
        assert api.get(urls[name]).status_code == 200, name
    assert response["ETag"]


@pytest.mark.parametrize(
    ("url", "bad"),
    [
        ("/api/v1/countries/", {"regoin": "Africa"}),
        ("/api/v1/countries/", {"country": "KEN"}),
        ("/api/v1/pledge-events/", {"iso3": "KEN"}),
        ("/api/v1/partners/", {"sort": "name"}),
        ("/api/v1/mnr/capabilities/", {"q": "x"}),
        ("/api/v1/countries/KEN/", {"lang": "fr"}),
        ("/api/v1/campaign/", {"page": "2"}),
        ("/api/v1/", {"x": "1"}),
    ],
)
def test_an_unknown_query_parameter_is_a_400_listing_the_known_ones(api, url, bad):
    # before: silently ignored, so a misspelt filter returned the unfiltered list
    response = api.get(url, bad)
    assert response.status_code == 400
    body = response.json()
    (name,) = bad
    assert name in body
    assert "Known parameters" in body[name][0]


def test_the_known_parameters_are_listed_and_still_work(api):
    response = api.get("/api/v1/countries/", {"nope": "1"})
    message = response.json()["nope"][0]
    for known in ("region", "status", "page", "page_size", "ordering", "format"):
        assert known in message
    ok = api.get(
        "/api/v1/countries/",
        {"region": "Africa", "page": 1, "page_size": 5, "ordering": "-name", "format": "json"},
    )
    assert ok.status_code == 200


@pytest.mark.parametrize("spelling", ["africa", "AFRICA", "Africa", "aFrIcA"])
def test_region_filters_take_any_case(api, spelling):
    # before: region=africa was a 400
    countries = api.get("/api/v1/countries/", {"region": spelling, "page_size": 200})
    assert countries.status_code == 200
    body = countries.json()
    assert body["count"] == 54
    assert {r["region"] for r in body["results"]} == {"Africa"}
    assert api.get("/api/v1/pledge-events/", {"region": spelling}).status_code == 200
    assert api.get("/api/v1/partners/", {"region": spelling}).status_code == 200


def test_an_unknown_region_is_still_a_400(api):
    assert api.get("/api/v1/countries/", {"region": "atlantis"}).status_code == 400
