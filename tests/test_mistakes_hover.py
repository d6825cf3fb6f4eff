"""The map's hover text shows names and labels as text, never as markup (issue 15, SEC).

plotly.js renders a trace's `text` as (a subset of) HTML, so dashboards/figures.py escapes
every line it joins with `<br>`; tests/browser/test_map_hover_escaping.py checks the same
in the browser, where map.js rebuilds the text for a date on the time slider.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from dashboards import figures, public
from dashboards.snapshot import snapshot_build
from pledges.models import Country

pytestmark = pytest.mark.django_db

NAME = '<img src=x onerror="alert(\'name\')">Bra\'zil & "co"'
LABEL = '<b onmouseover="alert(\'label\')">It\'s a "label"</b>'


def _segments(text: str) -> list[str]:
    return text.split("<br>")


def _unsafe(texts: list[str]) -> list[str]:
    """Hover lines holding a character that is markup or ends an attribute."""
    return [seg for text in texts for seg in _segments(text) if any(ch in seg for ch in "<>\"'")]


def _texts(traces: list[dict]) -> list[str]:
    return [t for trace in traces for t in trace["text"]]


@pytest.fixture
def data():
    Country.objects.filter(iso3__in=["BRA", "TUV"]).update(short_name=NAME)  # a shape, a marker
    return snapshot_build()


def test_every_layers_hover_text_escapes_the_state_name(data):
    layers = public.layers(data)
    assert {layer.key for layer in layers} >= {"pledge", "strategy", "partners"}
    for layer in layers:
        texts = _texts(figures.map_layer_traces(data, layer))
        assert _unsafe(texts) == [], layer.key
        # the name is there, escaped, on the shape and on the marker
        assert sum(figures.hover_escape(NAME) in t for t in texts) == 2, layer.key


def test_hover_text_escapes_the_category_labels(data):
    for layer in public.layers(data):
        marked = dataclasses.replace(
            layer,
            categories=tuple(dataclasses.replace(c, label=LABEL) for c in layer.categories),
        )
        texts = _texts(figures.map_layer_traces(data, marked))
        assert _unsafe(texts) == [], layer.key
        assert all(figures.hover_escape(LABEL) in t for t in texts), layer.key


def test_the_map_page_and_its_payload_carry_no_markup_of_a_name(data, client):
    body = client.get("/en/map/").content.decode()
    assert "<img src=x" not in body
    # the payload map.js reads keeps the name as data (map.js escapes it: the browser test)
    payload = json.loads(
        figures.map_payload(
            data,
            "etag",
            topojson_url="/t.json",
            topojson_folder="/",
            country_url="/en/countries/XXX/",
            today=dt.date(2026, 11, 1),
        )
    )
    assert _unsafe(_texts(payload["layers"]["pledge"])) == []
