"""Issue 12, item 1: the map readable before any script, drawn by the server as an SVG."""

from __future__ import annotations

import gzip
import json
import re
import xml.etree.ElementTree as ET

import pytest

from dashboards import public
from dashboards.figures import NON_MEMBER_LAND
from tests.dashboards.test_public_pages import demo_data

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The demo data set, built once for this module's read-only tests, then undone."""
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


def _xml(text: str) -> ET.Element:
    return ET.fromstring(text)  # noqa: S314 - our own page's markup, not untrusted input


SVG_NS = "{http://www.w3.org/2000/svg}"


def _svg_text(html: str) -> str:
    found = re.search(r'<svg class="map-svg".*?</svg>', html, re.S)
    assert found, "no server-drawn map in the page"
    return found.group(0)


def _states(svg_text: str) -> dict[str, dict]:
    """ISO3 → {title, fill, shape ('path' or 'circle'), href} of each state link."""
    root = _xml(svg_text)  # well-formed XML, or this raises
    states = {}
    for link in root.iter(f"{SVG_NS}a"):
        title = link.find(f"{SVG_NS}title")
        shape = link.find(f"{SVG_NS}path")
        if shape is None:
            shape = link.find(f"{SVG_NS}circle")
        states[link.get("data-iso3")] = {
            "title": title.text if title is not None else None,
            "fill": shape.get("fill"),
            "shape": shape.tag.removeprefix(SVG_NS),
            "href": link.get("href"),
            "status": link.get("data-status"),
        }
    return states


def _snapshot(client) -> dict:
    return json.loads(client.get("/data/snapshot.json").content)


@pytest.mark.parametrize("url", ["/en/map/", "/en/", "/en/embed/map/", "/en/live/"])
def test_every_map_page_draws_all_195_states_in_the_html(demo_world, client, url):
    # when
    html = client.get(url).content.decode()
    # then: 195 links, each a shape or a marker, each with a title naming the state
    states = _states(_svg_text(html))
    assert len(states) == 195
    shapes = [s for s in states.values() if s["shape"] == "path"]
    markers = [s for s in states.values() if s["shape"] == "circle"]
    assert (len(shapes), len(markers)) == (172, 23)  # as plotly draws them at 110m
    assert states["KEN"]["title"].startswith("Kenya: ")
    assert states["KEN"]["href"] == "/en/countries/KEN/"
    assert states["VAT"]["shape"] == "circle"  # the Holy See is too small for 110m


def test_colours_follow_the_pledge_status_and_no_information_is_hatched(demo_world, client):
    # given
    snapshot = _snapshot(client)
    # when
    html = client.get("/en/map/").content.decode()
    # then
    states = _states(_svg_text(html))
    for state in snapshot["states"]:
        status = state["pledge"]["status"]
        drawn = states[state["iso3"]]
        assert drawn["status"] == status
        if status == public.NO_INFORMATION:
            assert drawn["fill"] == "url(#world-map-hatch)"
        else:
            assert drawn["fill"] == public.PLEDGE_COLOURS[status], state["iso3"]
        assert str(public.PLEDGE_LABELS[status]) in drawn["title"]
    # the hatch is defined once, in the map, like the legend's swatch
    assert html.count('<pattern id="world-map-hatch"') == 1
    assert {s["status"] for s in states.values()} >= {"no_information", "pledged"}


def test_non_member_land_is_its_own_pale_grey_under_the_states(demo_world, client):
    svg = _xml(_svg_text(client.get("/en/map/").content.decode()))
    land = svg.find(f"{SVG_NS}path[@class='map-land']")
    assert land is not None and land.get("fill") == NON_MEMBER_LAND
    assert public.PLEDGE_COLOURS["not_engaged"] != NON_MEMBER_LAND


def test_the_layer_and_the_date_asked_for_colour_the_server_map(demo_world, client):
    # given: the strategy layer
    snapshot = _snapshot(client)
    states = _states(_svg_text(client.get("/en/map/", {"layer": "strategy"}).content.decode()))
    for state in snapshot["states"]:
        expected = state["strategy"]["status"] if state["strategy"] else public.NO_INFORMATION
        assert states[state["iso3"]]["status"] == expected
    # and the pledge layer on a past date: before any event, no state has a status
    past = _states(_svg_text(client.get("/en/map/", {"at": "2020-01-01"}).content.decode()))
    assert {s["status"] for s in past.values()} == {public.NO_INFORMATION}


def test_the_region_view_draws_its_states_inside_the_frame(demo_world, client):
    # Oceania across the 180° meridian: Tonga, Samoa, Kiribati, Tuvalu inside the box
    text = _svg_text(client.get("/en/map/", {"region": "Oceania"}).content.decode())
    states = _states(text)
    assert len(states) == 14
    root = _xml(text)
    x, y, w, h = (float(v) for v in root.get("viewBox").split())
    for link in root.iter(f"{SVG_NS}a"):
        circle = link.find(f"{SVG_NS}circle")
        if circle is not None:
            cx, cy = float(circle.get("cx")), float(circle.get("cy"))
            assert x <= cx <= x + w and y <= cy <= y + h, link.get("data-iso3")
    assert {"TON", "TUV", "KIR", "WSM"} <= set(states)


def test_the_page_does_not_make_a_browser_without_scripts_download_the_topojson(client):
    html = client.get("/en/map/").content.decode()
    # no <link rel=preload>, no <link> at all to it: only map.js (in the JSON payload) asks
    assert not re.search(r"<link[^>]+world_110m", html)
    # and the box no longer says the map needs JavaScript: the SVG is the map
    assert "needs JavaScript" not in html


def test_the_server_map_stays_light(demo_world, client):
    # given: the world map as the map page sends it (195 states, titles, links)
    svg = _svg_text(client.get("/en/map/").content.decode())
    # then: well under the 60 KB gzipped target (docs/benchmarks.md has the figure)
    size = len(gzip.compress(svg.encode(), 9))
    assert size < 60_000, size
