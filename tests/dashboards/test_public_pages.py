"""The public map, country pages, progress, embed and snapshot (issue 4).

Query counts are pinned at two data sizes: the demo data set and ten times its events.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.db import OperationalError, connections
from django.test import Client
from django.utils import timezone

from campaign.demo import demo_accounts_ensure, demo_data_build
from dashboards import snapshot as snapshot_module
from pledges import services
from pledges.models import Pledge, PledgeEvent, PledgeStatus, ReviewState
from tests.factories import country, event_kwargs

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/en/", "/en/map/", "/en/countries/KEN/", "/en/embed/map/", "/data/snapshot.json"]


def demo_data(*, times: int = 1) -> None:
    """The demo data set; with times > 1, each state's history is that many times longer."""
    users = demo_accounts_ensure(password="demo-password-for-tests")
    demo_data_build(editor=users["editor"], verifier=users["verifier"], today=dt.date(2026, 11, 1))
    if times == 1:
        return
    extra, now = [], timezone.now()
    statuses = (PledgeStatus.NOT_ENGAGED, PledgeStatus.IN_DIALOGUE)
    for pledge in Pledge.objects.filter(is_demo=True):
        real = pledge.events.count()
        # Older back-and-forth before the demo's own history: the current status stays.
        for i in range(real * (times - 1)):
            extra.append(
                PledgeEvent(
                    pledge=pledge,
                    from_status=statuses[(i + 1) % 2] if i else None,
                    to_status=statuses[i % 2],
                    event_date=dt.date(2020, 1, 1) + dt.timedelta(days=i),
                    source_url="https://demo.invalid/older",
                    created_by=users["editor"],
                    verified_by=users["verifier"],
                    verified_at=now,
                    review_state=ReviewState.VERIFIED,
                    is_demo=True,
                )
            )
    PledgeEvent.objects.bulk_create(extra)


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The demo data set, built once for the read-only tests of this module, then undone."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            demo_data()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --- Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("times", [1, 10])
def test_public_page_queries_do_not_grow_with_the_data_and_are_zero_when_warm(
    client, django_assert_num_queries, times
):
    # given the demo data, or ten times as many events
    demo_data(times=times)
    # when the first public request builds the snapshot
    # then a fixed number of queries, whatever the data size (dashboards.records.public_data
    # and the demo flag): 1 the campaign and its pledge text, 2-3 MNR domains and their
    # capabilities, 4-7 published partners (+ their countries, capabilities, outcomes; where
    # partners work is read from these), 8-11 the 195 countries (+ their verified pledges,
    # current national strategies, current capability statuses with evidence), 12 verified
    # events with sources, 13 the campaign's milestones, 14 verified progress reports
    # (issue 11), 15 whether demo data is loaded
    with django_assert_num_queries(15):
        assert client.get("/en/map/").status_code == 200
    # and every public page, warm, makes no query at all (not even for the session of an
    # anonymous visitor), rendered fresh or from the page cache
    from dashboards.pagecache import page_cache_clear

    for url in [*PUBLIC_PAGES, "/en/map/?region=Asia&sort=status", "/map/states.csv"]:
        for _ in range(2):
            with django_assert_num_queries(0):
                response = client.get(url)
            assert response.status_code == 200, url
            assert "sessionid" not in response.cookies
        page_cache_clear()


def test_warm_pages_do_not_touch_the_database_even_after_the_demo_flag_expires(
    client, django_assert_num_queries
):
    # given a warm snapshot, and the context processor's demo-data cache gone
    from django.core.cache import cache

    from pledges.services import DEMO_CACHE_KEY

    client.get("/en/")
    cache.delete(DEMO_CACHE_KEY)
    # when / then: the page says what the snapshot says, without asking the database
    with django_assert_num_queries(0):
        client.get("/en/countries/FRA/")


# --- The snapshot: rebuilt on verification and only then; ETag and 304 -------------------


def test_snapshot_is_rebuilt_when_a_change_is_verified_and_only_then(
    client, alice, bob, monkeypatch, django_capture_on_commit_callbacks
):
    builds = []
    real_build = snapshot_module.snapshot_build

    def counting_build():
        builds.append(1)
        return real_build()

    monkeypatch.setattr(snapshot_module, "snapshot_build", counting_build)
    # given a warm snapshot
    client.get("/en/map/")
    assert len(builds) == 1
    # when an editor logs a change (a draft) and visitors keep reading
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.pledge_event_create(
            country=country("KEN"), user=alice, **event_kwargs(to_status="pledged")
        )
    for url in PUBLIC_PAGES:
        client.get(url)
    # then nothing is rebuilt, and the draft is not public
    assert len(builds) == 1
    page = client.get("/en/countries/KEN/").content.decode()
    assert "Pledged" not in page.split("Public changelog")[0]
    # when a second person verifies it
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_event_verify(
            event=draft, user=bob, expected_lock_version=draft.lock_version
        )
    # then the snapshot is rebuilt once, and the pages show it
    assert len(builds) == 2
    html = client.get("/en/countries/KEN/").content.decode()
    assert 'status-pledged">Pledged' in html
    assert "Press release" in html and "https://example.org/source" in html
    assert "bob" not in html and "alice" not in html  # staff identities stay private
    assert len(builds) == 2


def test_snapshot_has_etag_cache_control_and_answers_304(client):
    # given
    first = client.get("/data/snapshot.json")
    etag = first["ETag"]
    # then
    assert first.status_code == 200
    assert first["Content-Type"] == "application/json; charset=utf-8"
    assert "public" in first["Cache-Control"] and "max-age=" in first["Cache-Control"]
    data = json.loads(first.content)
    assert data["schema"] == 1 and len(data["states"]) == 195
    # when the browser revalidates
    again = client.get("/data/snapshot.json", headers={"if-none-match": etag})
    # then
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    # and a different ETag gets the document
    assert client.get("/data/snapshot.json", headers={"if-none-match": '"old"'}).status_code == 200


def test_snapshot_is_served_compressed_with_its_own_etag(client):
    import brotli

    plain = client.get("/data/snapshot.json")
    br = client.get("/data/snapshot.json", headers={"accept-encoding": "gzip, br"})
    assert br["Content-Encoding"] == "br"
    assert "Accept-Encoding" in br["Vary"]
    assert brotli.decompress(br.content) == plain.content
    assert br["ETag"] != plain["ETag"]
    # a revalidation with the compressed variant's tag is a 304 too
    assert (
        client.get(
            "/data/snapshot.json",
            headers={"if-none-match": br["ETag"], "accept-encoding": "br"},
        ).status_code
        == 304
    )


# --- Database down: the last good copy -----------------------------------------------------------


@pytest.fixture
def database_down(monkeypatch):
    """Make every new query fail as if the database server were unreachable."""

    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    def take_down():
        from django.core.cache import cache

        cache.clear()  # a fresh process, or the cache lost: the snapshot must be rebuilt
        for alias in connections:
            monkeypatch.setattr(connections[alias], "cursor", unreachable)

    return take_down


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_database_down_public_pages_answer_from_the_last_good_copy(client, database_down, url):
    # given a snapshot built while the database was up
    good = client.get("/data/snapshot.json")
    as_of = good["X-Snapshot-As-Of"]
    # when the database goes down
    database_down()
    response = Client().get(url)
    # then
    assert response.status_code == 200
    if url.endswith(".json"):
        assert response.content == good.content
        assert response["X-Snapshot-Source"] == "last-good-copy"
    else:
        html = response.content.decode()
        assert "Live data is temporarily unavailable" in html
        assert as_of in html


# --- Pages ------------------------------------------------------------------------------------


def test_map_page_has_the_table_summary_layers_and_embed_snippet(demo_world, client):
    html = client.get("/en/map/").content.decode()
    assert html.count('<tr data-iso3="') == 195
    assert "of 193 UN Member States have pledged; the target is 100." in html
    for layer in ("pledge", "strategy", "partners"):
        assert f'<option value="{layer}"' in html
    assert html.count('<option value="mnr-') == 6  # one layer per MNR domain
    assert 'data-legend="pledge"' in html and "No information" in html
    assert "do not imply official endorsement or acceptance by the United Nations" in html
    assert "/en/embed/map/" in html and "&lt;iframe" in html
    payload = json.loads(html.split('id="world-map-data">')[1].split("</script>")[0])
    assert payload["config"]["showSendToCloud"] is False
    assert payload["config"]["displaylogo"] is False
    assert payload["layout"]["geo"]["fitbounds"] is False
    assert payload["layout"]["geo"]["projection"]["rotation"]["lon"] == 0
    shapes, markers = payload["layers"]["pledge"]
    assert len(shapes["locations"]) + len(markers["lat"]) == 195
    assert "SGP" in markers["customdata"] and "VAT" in markers["customdata"]
    # pledge, strategy, 6 MNR domains, progress reports (issue 11), partners
    assert len(payload["layers"]) == 2 + 6 + 1 + 1


def test_mnr_layers_are_per_domain_never_a_total(demo_world, client):
    data = json.loads(client.get("/data/snapshot.json").content)
    kenya = next(s for s in data["states"] if s["iso3"] == "KEN")
    assert set(kenya["coverage"]) == {d["key"] for d in data["domains"]}
    html = client.get("/en/map/").content.decode()
    assert "never summed" in html or "never added up" in html
    assert "score" not in html.lower().replace("never summed into a score", "")


def test_table_filters_and_sorts_without_javascript(demo_world, client):
    europe = client.get("/en/map/", {"region": "Europe"}).content.decode()
    assert europe.count('<tr data-iso3="') == 43 + 1  # 43 Member States and the Holy See
    search = client.get("/en/map/", {"q": "ken"}).content.decode()
    assert search.count('<tr data-iso3="') == 1 and 'data-iso3="KEN"' in search
    by_status = client.get("/en/map/", {"sort": "status", "dir": "desc"}).content.decode()
    assert 'aria-sort="descending"' in by_status
    first = by_status.split('<tr data-iso3="')[1][:3]
    assert first in {s["iso3"] for s in _states_with_status(client, "no_information")}


def _states_with_status(client, status):
    data = json.loads(client.get("/data/snapshot.json").content)
    return [s for s in data["states"] if s["pledge"]["status"] == status]


def test_table_shows_the_map_as_it_was_on_a_date(demo_world, client):
    before = client.get("/en/map/", {"at": "2025-01-01"}).content.decode()
    assert "0 of 193 UN Member States have pledged" in before
    assert "pledge status as it was on 2025-01-01" in before
    bad = client.get("/en/map/", {"at": "yesterday"})
    assert bad.status_code == 200 and "The date must look like" in bad.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_table_downloads(demo_world, client, fmt):
    response = client.get(f"/map/states.{fmt}", {"region": "Oceania"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        assert len(rows) == 14 and rows[0]["region"] == "Oceania"
        assert "mnr_policy-governance_in_place_count" in rows[0]
        assert "mnr_policy-governance_of" in rows[0]
    elif fmt == "json":
        body = json.loads(response.content)
        assert len(body["states"]) == 14 and body["demo_data"] is True
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        assert sheet.max_row == 15


def test_country_page_shows_status_history_capabilities_strategy_partners(demo_world, client):
    data = json.loads(client.get("/data/snapshot.json").content)
    state = next(s for s in data["states"] if s["events"] and s["partners"])
    html = client.get(f"/en/countries/{state['iso3']}/").content.decode()
    assert state["name"] in html
    assert "Public changelog" in html and state["events"][0]["source"]["url"] in html
    assert html.count('<th scope="row">') == 21  # every capability, grouped by domain
    assert "National strategy" in html and "Partners active here" in html
    assert f"http://127.0.0.1:8000/en/countries/{state['iso3']}/" in html  # permalink
    assert 'id="share-text"' in html


def test_country_page_unknown_code_is_404_and_lowercase_redirects(client):
    assert client.get("/en/countries/XYZ/").status_code == 404
    assert client.get("/en/countries/TWN/").status_code == 404  # not in the 195
    response = client.get("/en/countries/ken/")
    assert response.status_code == 301 and response["Location"] == "/en/countries/KEN/"


def test_only_the_embed_may_be_framed(client):
    embed = client.get("/en/embed/map/")
    assert "X-Frame-Options" not in embed
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "do not imply official endorsement" in embed.content.decode()
    for url in ("/en/", "/en/map/", "/en/countries/KEN/"):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_home_shows_progress_charts_with_tables(demo_world, client):
    html = client.get("/en/").content.decode()
    for chart in ("funnel", "over-time", "regions"):
        assert f'data-chart="{chart}"' in html
    assert html.count("Table of this chart") == 3
    assert "days to the launch" in html or "The launch is today" in html
    assert "Latest verified changes" in html
    assert "<script>" not in html  # no inline script (CSP)
