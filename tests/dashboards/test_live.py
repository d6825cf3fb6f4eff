"""The live document /data/live.json: verified pledges only, 5 s cache, a 304 with no query."""

import pytest

from pledges import services
from tests.factories import country, event_kwargs

pytestmark = pytest.mark.django_db

URL = "/data/live.json"


@pytest.fixture(autouse=True)
def _snapshot_dir(settings, tmp_path):
    settings.SNAPSHOT_DIR = tmp_path


def test_live_document_counts_only_verified_pledges(
    client, alice, bob, django_capture_on_commit_callbacks
):
    # given a draft pledge for Kenya
    draft = services.pledge_event_create(
        country=country("KEN"), user=alice, **event_kwargs(to_status="pledged")
    )
    before = client.get(URL)
    assert "KEN" not in [p["iso3"] for p in before.json()["newest"]]
    # when a verifier confirms it
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_event_verify(
            event=draft, user=bob, expected_lock_version=draft.lock_version
        )
    # then the live document names it, with a new ETag
    after = client.get(URL, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    body = after.json()
    assert body["pledged_count"] == before.json()["pledged_count"] + 1
    assert body["newest"][0]["iso3"] == "KEN"
    assert body["newest"][0]["name"]
    # and what live.js needs for the counter, the progress bar and the map (issue 11)
    assert body["pledged_members"] == before.json()["pledged_members"] + 1
    assert body["statuses"]["KEN"] == "pledged"
    assert "KEN" not in before.json()["statuses"]
    assert body["target_states"] == 100


def test_live_cache_headers_keep_the_five_second_promise(client):
    response = client.get(URL)
    cache_control = response["Cache-Control"]
    assert "max-age=5" in cache_control
    assert "stale-while-revalidate" in cache_control


def test_live_304_makes_no_query(client, django_assert_num_queries):
    etag = client.get(URL)["ETag"]
    with django_assert_num_queries(0):
        response = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
