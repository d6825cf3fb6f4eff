"""The open data API: shapes, filters, lookups, caching, CORS and throttling (SEC-06)."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from pledges import services
from tests.dashboards.open_data import publish
from tests.factories import country, event_kwargs

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def published(alice, bob):
    return publish(n=3, author=alice, verifier=bob)


# --- Countries ----------------------------------------------------------------------------


def test_country_list_has_all_195_states_paginated(api):
    # when
    response = api.get("/api/v1/countries/", {"page_size": 10})
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 195
    assert len(body["results"]) == 10
    assert body["next"].endswith("page=2&page_size=10")
    first = body["results"][0]
    assert set(first) == {
        "iso3",
        "iso2",
        "m49",
        "name",
        "names",
        "region",
        "sub_region",
        "intermediate_region",
        "un_status",
        "latitude",
        "longitude",
        "pledge",
        "national_strategy",
        "capabilities",
        "reporting",  # issue 11
    }
    assert set(first["names"]) == {"en", "fr", "es", "ru", "zh", "ar"}
    assert len(first["capabilities"]) == 21


def test_country_detail_shows_verified_status_strategy_and_capabilities(api, published):
    # given a state with published data
    iso3 = published[0].iso3
    # when
    body = api.get(f"/api/v1/countries/{iso3.lower()}/").json()
    # then
    assert body["iso3"] == iso3
    assert body["pledge"]["status"] == "pledged"
    assert body["pledge"]["verified"] is True
    assert body["national_strategy"]["status"] == "adopted"
    assert body["national_strategy"]["verified"] is True
    assert body["national_strategy"]["source"]["url"] == "https://example.org/strategy"
    caps = {c["capability"]: c for c in body["capabilities"]}
    assert caps["mnr-01"]["status"] == "in_place"
    assert caps["mnr-01"]["source"]["title"] == "Law"
    assert caps["mnr-21"] == {
        "capability": "mnr-21",
        "status": "no_public_information",
        "note": "",
        "source": None,
        "last_verified_at": None,
        "verified": False,
        "is_demo": False,
    }


def test_unknown_iso3_is_404_json(api):
    for path in ("/api/v1/countries/XXX/", "/api/v1/countries/toolong/"):
        response = api.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "No such record."}


def test_unknown_api_path_is_404_json(api):
    response = api.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("No such endpoint")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "Oceania"}, None),
        ({"un_status": "observer"}, 2),
        ({"sub_region": "northern america"}, 2),
    ],
)
def test_country_reference_filters(api, params, expected):
    body = api.get("/api/v1/countries/", {**params, "page_size": 200}).json()
    rows = body["results"]
    assert body["count"] == len(rows)
    if "region" in params:
        assert rows and all(r["region"] == "Oceania" for r in rows)
    else:
        assert len(rows) == expected


def test_country_status_filters(api, published):
    # given three states pledged, the rest with no information
    pledged = {c.iso3 for c in published}
    # when / then
    body = api.get("/api/v1/countries/", {"status": "pledged", "page_size": 200}).json()
    assert {r["iso3"] for r in body["results"]} == pledged
    body = api.get("/api/v1/countries/", {"status": "no_information", "page_size": 200}).json()
    assert body["count"] == 195 - 3
    body = api.get("/api/v1/countries/", {"strategy": "adopted", "page_size": 200}).json()
    assert {r["iso3"] for r in body["results"]} == pledged
    body = api.get(
        "/api/v1/countries/",
        {"capability": "mnr-02", "capability_status": "in_place", "page_size": 200},
    ).json()
    assert {r["iso3"] for r in body["results"]} == pledged
    body = api.get("/api/v1/countries/", {"capability": "mnr-05", "page_size": 200}).json()
    assert body["count"] == 0
    body = api.get(
        "/api/v1/countries/",
        {"capability": "mnr-05", "capability_status": "no_public_information"},
    ).json()
    assert body["count"] == 195
    body = api.get(
        "/api/v1/countries/", {"status_since_from": "2026-01-02", "status_since_to": "2026-01-03"}
    ).json()
    assert {r["iso3"] for r in body["results"]} == {published[1].iso3, published[2].iso3}


@pytest.mark.parametrize(
    "params",
    [
        {"region": "Atlantis"},
        {"status": "maybe"},
        {"capability": "leadership"},
        {"status_since_from": "01/02/2026"},
        {"region": ""},
        {"ordering": "score"},
        {"page_size": "ten"},
        {"page_size": "0"},
    ],
)
def test_bad_filters_are_400_with_the_reason(api, params):
    response = api.get("/api/v1/countries/", params)
    assert response.status_code == 400
    assert list(response.json()) == list(params)


def test_page_past_the_end_is_404(api):
    assert api.get("/api/v1/countries/", {"page": 99}).status_code == 404


def test_page_size_is_capped_at_200(api):
    body = api.get("/api/v1/countries/", {"page_size": 1000}).json()
    assert len(body["results"]) == 195  # all fit on one capped page
    body = api.get("/api/v1/pledge-events/", {"page_size": 100000}).json()
    assert body["count"] == 0


def test_ordering_is_stable_and_descending_works(api):
    names = [r["name"] for r in api.get("/api/v1/countries/", {"page_size": 200}).json()["results"]]
    assert names == sorted(names)
    m49 = [
        r["m49"]
        for r in api.get("/api/v1/countries/", {"ordering": "-m49", "page_size": 200}).json()[
            "results"
        ]
    ]
    assert m49 == sorted(m49, reverse=True)
    # pages never overlap: ordering by region (many ties) still partitions the states
    seen = []
    for page in (1, 2, 3, 4):
        body = api.get("/api/v1/countries/", {"ordering": "region", "page": page}).json()
        seen += [r["iso3"] for r in body["results"]]
    assert len(seen) == len(set(seen)) == 195


# --- Pledge events ------------------------------------------------------------------------


def test_pledge_events_are_verified_only_with_sources(api, alice, bob, published):
    # given a draft that nobody verified yet
    services.pledge_event_create(
        country=country("KEN"), user=alice, **event_kwargs(to_status="declined")
    )
    # when
    body = api.get("/api/v1/pledge-events/").json()
    # then only the three verified changes are listed, newest first
    assert body["count"] == 3
    event = body["results"][0]
    assert set(event) == {
        "id",
        "country",
        "country_name",
        "pledge_text_version",
        "from_status",
        "to_status",
        "event_date",
        "note",
        "source",
        "verified",
        "verified_at",
        "is_demo",
    }
    assert event["from_status"] == "no_information"
    assert event["verified"] is True
    assert event["source"]["url"] == "https://example.org/source"
    assert [e["event_date"] for e in body["results"]] == ["2026-01-03", "2026-01-02", "2026-01-01"]


def test_pledge_event_filters_and_detail(api, alice, published):
    iso3 = published[0].iso3
    body = api.get("/api/v1/pledge-events/", {"country": iso3.lower()}).json()
    assert [e["country"] for e in body["results"]] == [iso3]
    event_id = body["results"][0]["id"]
    assert api.get(f"/api/v1/pledge-events/{event_id}/").json()["country"] == iso3
    body = api.get(
        "/api/v1/pledge-events/", {"date_from": "2026-01-02", "date_to": "2026-01-02"}
    ).json()
    assert body["count"] == 1
    assert api.get("/api/v1/pledge-events/", {"status": "declined"}).json()["count"] == 0
    assert api.get("/api/v1/pledge-events/", {"region": "Asia"}).json()["count"] == sum(
        1 for c in published if c.region == "Asia"
    )
    # a draft's id is a 404, as is an unknown or malformed one
    draft = services.pledge_event_create(country=country("KEN"), user=alice, **event_kwargs())
    for bad in (draft.pk, 999999, "abc", 10**30):
        assert api.get(f"/api/v1/pledge-events/{bad}/").status_code == 404


# --- MNR, partners, campaign, snapshot ----------------------------------------------------


def test_mnr_domains_and_capabilities(api):
    domains = api.get("/api/v1/mnr/domains/").json()
    assert domains["count"] == 6
    assert sum(len(d["capabilities"]) for d in domains["results"]) == 21
    caps = api.get("/api/v1/mnr/capabilities/", {"page_size": 50}).json()
    assert [c["key"] for c in caps["results"]] == [f"mnr-{i:02d}" for i in range(1, 22)]
    first_domain = domains["results"][0]["key"]
    only = api.get("/api/v1/mnr/capabilities/", {"domain": first_domain}).json()
    assert {c["domain"] for c in only["results"]} == {first_domain}
    assert api.get("/api/v1/mnr/capabilities/mnr-03/").json()["name"] == "Legislation"
    assert api.get(f"/api/v1/mnr/domains/{first_domain}/").status_code == 200
    assert api.get("/api/v1/mnr/capabilities/mnr-99/").status_code == 404


def test_partners_are_published_only_with_their_links(api):
    from campaign.models import Partner

    # given a draft partner with the same countries as a published one
    draft = Partner(slug="draft-org", name="Draft Org", partner_type="civil_society")
    draft.full_clean()
    draft.save()
    draft.countries.add(country("GHA"))
    published = Partner.objects.public().order_by("name").first()
    published.countries.add(country("GHA"), country("NOR"))
    # when
    body = api.get("/api/v1/partners/", {"page_size": 200}).json()
    slugs = {p["slug"] for p in body["results"]}
    # then
    assert "draft-org" not in slugs
    assert body["count"] == Partner.objects.public().count() > 0
    assert api.get("/api/v1/partners/draft-org/").status_code == 404
    un = api.get("/api/v1/partners/", {"type": "un_agency"}).json()["results"]
    assert un and all(p["type"] == "un_agency" for p in un)
    in_state = api.get("/api/v1/partners/", {"country": "gha", "page_size": 200}).json()
    assert [p["slug"] for p in in_state["results"]] == [published.slug]
    assert in_state["results"][0]["countries"] == ["GHA", "NOR"]
    in_europe = api.get("/api/v1/partners/", {"region": "Europe"}).json()
    assert [p["slug"] for p in in_europe["results"]] == [published.slug]  # once, not twice
    glob = api.get("/api/v1/partners/", {"works_globally": "true", "page_size": 200}).json()
    assert all(p["works_globally"] for p in glob["results"])


def test_campaign_progress_counts_verified_statuses(api, published):
    body = api.get("/api/v1/campaign/").json()
    assert body["target_states"] >= 1
    assert body["member_states"] == 193
    assert body["observer_states"] == 2
    assert body["status_counts"]["pledged"] == 3
    assert body["status_counts"]["no_information"] == 192
    assert sum(body["status_counts"].values()) == 195


def test_snapshot_endpoint_serves_the_public_snapshot(api, settings, tmp_path):
    settings.SNAPSHOT_DIR = tmp_path
    from dashboards.snapshot import snapshot_current

    response = api.get("/api/v1/snapshot/")
    assert response.status_code == 200
    assert response["ETag"] == snapshot_current().etag
    assert len(response.json()["states"]) == 195


# --- HTTP behaviour -----------------------------------------------------------------------


def test_etag_and_conditional_get(api):
    # given
    first = api.get("/api/v1/countries/GHA/")
    assert first["Cache-Control"] == "public, max-age=60"
    etag = first["ETag"]
    # when the client revalidates
    again = api.get("/api/v1/countries/GHA/", HTTP_IF_NONE_MATCH=etag)
    # then
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    # and a stale ETag gets the full body
    assert api.get("/api/v1/countries/GHA/", HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def test_head_has_the_etag_and_answers_304_too(api):
    # Why the API keeps its own ETag step rather than ConditionalGetMiddleware (GET only).
    etag = api.get("/api/v1/countries/GHA/")["ETag"]
    head = api.head("/api/v1/countries/GHA/")
    assert (head.status_code, head["ETag"], head.content) == (200, etag, b"")
    assert head["Cache-Control"] == "public, max-age=60"
    again = api.head("/api/v1/countries/GHA/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["Cache-Control"] == "public, max-age=60"


def test_etag_changes_when_the_data_change(api, alice, bob):
    before = api.get("/api/v1/countries/GHA/")["ETag"]
    event = services.pledge_event_create(country=country("GHA"), user=alice, **event_kwargs())
    assert api.get("/api/v1/countries/GHA/")["ETag"] == before  # a draft changes nothing
    services.pledge_event_verify(event=event, user=bob, expected_lock_version=event.lock_version)
    response = api.get("/api/v1/countries/GHA/", HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert response["ETag"] != before


def test_cors_is_open_for_get_only(api):
    response = api.get("/api/v1/mnr/domains/", HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = api.options(
        "/api/v1/mnr/domains/",
        HTTP_ORIGIN="https://partner.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert "POST" not in preflight.get("Access-Control-Allow-Methods", "")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_refused(api, method):
    response = getattr(api, method)("/api/v1/countries/", {})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_anonymous_clients_are_throttled_with_retry_after(api, settings):
    # given a tiny rate
    settings.API_ANON_THROTTLE_RATE = "2/min"
    # when a client asks three times
    statuses = [api.get("/api/v1/mnr/domains/").status_code for _ in range(3)]
    # then the third is refused, saying how long to wait
    assert statuses == [200, 200, 429]
    refused = api.get("/api/v1/mnr/domains/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    # and another client is not affected
    other = api.get("/api/v1/mnr/domains/", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_throttle_history_lives_in_the_shared_cache(api, settings):
    from django.core.cache import cache

    # given a limit of one request a minute, used up
    settings.API_ANON_THROTTLE_RATE = "1/min"
    assert api.get("/api/v1/mnr/domains/").status_code == 200
    assert api.get("/api/v1/mnr/domains/").status_code == 429
    # then the history is in Django's cache (Redis in production, shared by all workers) ...
    assert len(cache.get("throttle_anon_127.0.0.1")) == 1
    # ... and nowhere else: with it gone, the client may ask again
    cache.delete("throttle_anon_127.0.0.1")
    assert api.get("/api/v1/mnr/domains/").status_code == 200


def test_dates_in_responses_are_iso(api, published):
    event = api.get("/api/v1/pledge-events/").json()["results"][0]
    dt.date.fromisoformat(event["event_date"])
    dt.datetime.fromisoformat(event["verified_at"])


def test_country_fast_serialisation_equals_the_declared_fields(api, published, rf):
    """CountrySerializer builds its dict by hand for speed; it must match DRF's own output."""
    from dashboards.api.views import CountryList

    # given the same request served on the fast and on the field-by-field path
    fast = api.get("/api/v1/countries/", {"page_size": 200}).json()["results"]
    view = CountryList()
    view.request = view.initialize_request(rf.get("/api/v1/countries/"))
    view.format_kwarg = None
    view.initial(view.request)
    context = {**view.get_serializer_context(), "slow_path": True}
    from dashboards.api.serializers import CountrySerializer

    states = view.to_records(view.get_queryset())
    slow = CountrySerializer(states, many=True, context=context).data
    # then
    import json

    assert json.loads(json.dumps(slow)) == fast
