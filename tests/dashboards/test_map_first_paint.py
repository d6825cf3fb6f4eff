"""Issue 12: the map box must not say "needs JavaScript" while scripts download."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_map_box_shows_the_server_map_and_never_says_needs_javascript(client):
    # given: the map page as first served
    html = client.get(reverse("dashboards:map")).content.decode()
    # then: the box holds the server-drawn SVG (the map without scripts), no message
    box = html.split('class="map-plot"', 1)[1].split("</figure>", 1)[0]
    assert 'class="map-svg"' in box
    assert "needs JavaScript" not in html
    assert "data-map-fallback" not in box


def test_without_the_built_topojson_the_box_says_the_map_is_loading(client, monkeypatch):
    # given: the static assets not built (make assets), so there is no geometry to draw
    from dashboards import worldmap

    monkeypatch.setattr(worldmap, "geometry", lambda region="": None)
    # when
    html = client.get(reverse("dashboards:map")).content.decode()
    # then: the placeholder says loading and points at the table
    fallback = html.split("data-map-fallback>", 1)[1].split("</p>", 1)[0]
    assert "Loading the map" in fallback and "needs JavaScript" not in html


def test_public_pages_link_a_favicon(client):
    html = client.get(reverse("dashboards:map")).content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html
