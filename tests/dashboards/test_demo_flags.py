"""Issue 12: demo data is labelled wherever it shows (downloads on a date, MNR, partners)."""

from __future__ import annotations

import json

import pytest

from campaign.models import Partner
from dashboards.pagecache import page_cache_clear
from tests.dashboards.test_public_pages import demo_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(client):
    demo_data()
    page_cache_clear()
    yield
    page_cache_clear()


def _rows(client, query: str = "") -> dict[str, dict]:
    body = json.loads(client.get(f"/map/states.json{query}").content)
    return {r["iso3"]: r for r in body["states"]}


def test_downloads_on_a_past_date_keep_the_demo_flag(client, demo):
    # before: with ?at= every row said demo_data=False
    today = _rows(client)
    on_date = _rows(client, "?at=2026-06-30")
    assert any(r["demo_data"] for r in today.values())
    with_status = [r for r in on_date.values() if r["pledge_status"] != "no_information"]
    assert with_status and all(r["demo_data"] for r in with_status)


def test_invented_mnr_data_is_flagged_in_the_download_and_on_the_country_page(client, demo):
    # a state with no pledge information but invented capability statuses (as Afghanistan)
    rows = _rows(client)
    snapshot = json.loads(client.get("/data/snapshot.json").content)
    mnr_only = [
        s["iso3"]
        for s in snapshot["states"]
        if s["pledge"]["status"] == "no_information" and s["capability_details"]
    ]
    assert mnr_only
    iso3 = mnr_only[0]
    assert rows[iso3]["demo_data"] is True
    html = client.get(f"/en/countries/{iso3}/").content.decode()
    mnr = html.split('id="mnr-heading"', 1)[1].split('id="partners-heading"', 1)[0]
    assert 'class="tag tag-demo"' in mnr


def test_partner_links_are_demo_tagged(client, demo):
    snapshot = json.loads(client.get("/data/snapshot.json").content)
    iso3 = next(s["iso3"] for s in snapshot["states"] if s["partners"])
    html = client.get(f"/en/countries/{iso3}/").content.decode()
    partners = html.split('id="partners-heading"', 1)[1].split("</section>", 1)[0]
    assert 'class="tag tag-demo"' in partners


def test_regional_bodies_do_not_work_globally():
    # before: every regional body (ECOWAS, Council of Europe, ...) said works_globally
    regional = Partner.objects.filter(partner_type="regional_body")
    assert regional.exists()
    assert not regional.filter(works_globally=True).exists()


def test_in_the_demo_a_regional_body_works_in_its_own_region_only(demo):
    # before: ECOWAS and the Council of Europe were placed in Fiji
    ecowas = Partner.objects.get(slug="ecowas")
    council = Partner.objects.get(slug="council-of-europe")
    assert {c.intermediate_region for c in ecowas.countries.all()} == {"Western Africa"}
    assert {c.region for c in council.countries.all()} == {"Europe"}
