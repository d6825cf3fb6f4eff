"""Issue 12, item 4: the journalist kit: the map as a file, share, cards, "cite this"."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

SVG_NS = "{http://www.w3.org/2000/svg}"


def _xml(body: bytes) -> ET.Element:
    return ET.fromstring(body)  # noqa: S314 - our own file, not untrusted input


def _as_of(client) -> str:
    return json.loads(client.get("/data/snapshot.json").content)["as_of"]


def test_the_map_downloads_as_a_standalone_svg_with_legend_source_and_disclaimer(client):
    # when
    response = client.get("/en/map/map.svg")
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    root = _xml(response.content)
    assert len(list(root.iter(f"{SVG_NS}a"))) == 195
    text = " ".join(t.text or "" for t in root.iter(f"{SVG_NS}text"))
    assert "Global Pledge Tracker: Pledge status" in text
    assert "No information" in text  # the legend
    assert f"Verified data as of {_as_of(client)[:10]}" in text
    assert "do not imply official endorsement" in text
    # links in a file point at the site, not at a relative path
    link = next(root.iter(f"{SVG_NS}a")).get("href")
    assert link.startswith(settings.SITE_URL + "/en/countries/")


def test_the_svg_download_follows_the_layer_region_and_date(client):
    response = client.get("/en/map/map.svg", {"layer": "strategy", "region": "Africa"})
    root = _xml(response.content)
    assert len(list(root.iter(f"{SVG_NS}a"))) == 54
    assert "strategy" in response["Content-Disposition"]
    past = client.get("/en/map/map.svg", {"at": "2020-01-31"})
    assert "2020-01-31" in past["Content-Disposition"]
    assert b"As it was on 2020-01-31." in past.content


def test_the_map_page_links_the_svg_of_the_view_shown(client):
    html = client.get("/en/map/", {"region": "Asia"}).content.decode()
    assert 'href="/en/map/map.svg?region=Asia" download data-map-svg-link' in html


@pytest.mark.parametrize("url", ["/en/map/", "/en/countries/KEN/"])
def test_map_and_country_pages_carry_open_graph_and_twitter_cards(client, url):
    html = client.get(url).content.decode()
    meta = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html))
    assert meta["og:url"].startswith(settings.SITE_URL + url)
    assert meta["og:title"] and meta["og:description"]
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["twitter:title"] == meta["og:title"]
    assert meta["twitter:image"] == meta["og:image"].replace("&amp;", "&")


@pytest.mark.parametrize("url", ["/en/map/", "/en/countries/KEN/"])
def test_cite_this_has_the_real_year_date_and_permanent_url(client, url):
    # before: the only citation (/data/) was a template saying "(year)"
    as_of = _as_of(client)
    html = client.get(url).content.decode()
    citation = html.split("data-citation>", 1)[1].split("</textarea>", 1)[0]
    assert citation.startswith(f"Global Pledge Tracker ({as_of[:4]}).")
    assert f"as of {as_of[:10]}" in citation
    assert settings.SITE_URL + url in citation
    assert "(year)" not in citation


def test_share_buttons_are_for_scripts_only_and_the_fields_work_without(client):
    html = client.get("/en/countries/KEN/").content.decode()
    assert 'id="permalink"' in html and "readonly" in html
    assert re.search(r'<button type="button" data-copy="permalink"[^>]* hidden>', html)
    assert "dashboards/js/share" in html
