"""Issue 12, item 4 (the journalist kit): Open Graph / Twitter cards with a picture of the
map per page, the map as a PNG download, and a locator map on each country page."""

from __future__ import annotations

import io
import re
import struct

import pytest
from django.urls import reverse

from dashboards import worldmap
from tests.dashboards import test_map_svg
from tests.dashboards.test_map_svg import _states, _xml

pytestmark = pytest.mark.django_db
demo_world = test_map_svg.demo_world  # the demo data set, built once per module

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == PNG_MAGIC
    return struct.unpack(">II", body[16:24])


def _meta(html: str, name: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', html)
    assert found, name
    return found.group(1)


@pytest.mark.parametrize(
    ("page", "card"),
    [
        (reverse("dashboards:map"), reverse("dashboards:card_map")),
        (
            reverse("dashboards:country", args=["KEN"]),
            reverse("dashboards:card_country", args=["KEN"]),
        ),
    ],
)
def test_a_shared_page_names_its_picture_and_the_picture_is_a_large_png(
    demo_world, client, settings, page, card
):
    # when
    html = client.get(page).content.decode()
    # then the page names an absolute picture of the size it says, with an alternative text
    image = _meta(html, "og:image")
    assert image == settings.SITE_URL + card
    assert _meta(html, "twitter:card") == "summary_large_image"
    assert _meta(html, "og:image:alt")
    size = (int(_meta(html, "og:image:width")), int(_meta(html, "og:image:height")))
    # and the picture is that PNG, cacheable like any public page
    response = client.get(card)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"]
    assert _png_size(response.content) == size == (1200, 630)


def test_the_country_card_marks_the_state_and_says_demo_data(demo_world):
    from dashboards import public
    from dashboards.snapshot import snapshot_current

    data = snapshot_current().data
    svg = worldmap.share_card_svg(
        data,
        public.layers(data)[0],
        title="Kenya",
        headline="Pledge status",
        lines=["Demo data"],
        highlight="KEN",
    )
    states = _states(re.search(r'<svg class="map-svg".*?</svg>', svg, re.S).group(0))
    assert states["KEN"]["fill"] == worldmap.LOCATOR_STATE
    others = {s["fill"] for iso3, s in states.items() if iso3 != "KEN"}
    assert others == {worldmap.LOCATOR_OTHERS}
    # a locator map marks no other small state
    assert all(s["shape"] == "path" for iso3, s in states.items() if iso3 != "KEN")


def test_an_unknown_state_has_no_card(demo_world, client):
    assert client.get(reverse("dashboards:card_country", args=["XXX"])).status_code == 404


def test_the_map_downloads_as_a_png_of_the_view_asked_for(demo_world, client):
    # when
    response = client.get(reverse("dashboards:map_png") + "?region=Europe&layer=strategy")
    # then a PNG named after the view, 1200 px wide, with the SVG document's height
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert re.search(
        r'filename="pledge-tracker-map-strategy-[0-9-]+-europe\.png"',
        response["Content-Disposition"],
    )
    width, height = _png_size(response.content)
    svg = client.get(reverse("dashboards:map_svg") + "?region=Europe&layer=strategy")
    svg_root = _xml(svg.content.decode().split("?>", 1)[1])
    assert (width, height) == (int(svg_root.get("width")), int(svg_root.get("height")))


def test_the_country_page_has_a_locator_map_of_its_region(demo_world, client):
    # when
    html = client.get(reverse("dashboards:country", args=["FJI"])).content.decode()
    # then a figure with the region's states, Fiji marked, each a link to its page
    figure = re.search(r'<figure class="locator">(.*?)</figure>', html, re.S).group(1)
    svg = re.search(r"<svg .*?</svg>", figure, re.S).group(0)
    states = _states(svg)
    assert states["FJI"]["fill"] == worldmap.LOCATOR_STATE
    assert "AUS" in states and "KEN" not in states  # Oceania only
    assert states["AUS"]["href"] == reverse("dashboards:country", args=["AUS"])
    assert "Fiji" in re.search(r'aria-label="([^"]*)"', svg).group(1)
    assert io.BytesIO(svg.encode()).read(4) == b"<svg"


def _rings(d: str) -> list[list[tuple[int, int]]]:
    """The absolute points of each ring of worldmap's path data (M/m, then l steps, z)."""
    rings, cx, cy = [], 0, 0
    for move, x, y, steps in re.findall(r"([Mm])(-?\d+)\s?(-?\d+)l([^z]*)z", d):
        x, y = (int(x), int(y)) if move == "M" else (cx + int(x), cy + int(y))
        cx, cy = x, y
        numbers = [int(n) for n in re.findall(r"-?\d+", steps)]
        ring = [(x, y)]
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            ring.append((ring[-1][0] + dx, ring[-1][1] + dy))
        rings.append(ring)
    return rings


def _area(d: str) -> float:
    return sum(
        abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(r, r[1:] + r[:1], strict=True))) / 2
        for r in _rings(d)
    )


@pytest.mark.parametrize("region", ["", "Europe"])
def test_a_state_across_the_cut_meridian_is_drawn_whole(region):
    # issue 12: Russia's mainland crosses 180°E; it was dropped from the server-drawn map
    # (only its islands were left, and the Europe view showed no Russia at all)
    geo = worldmap.geometry(region)
    assert _area(geo.shapes["RUS"]) > 2 * _area(geo.shapes["KAZ"])
    assert _area(geo.shapes["RUS"]) > _area(geo.shapes["CAN"]) * 0.8


def test_a_card_names_the_state_in_the_pages_language(demo_world, client, monkeypatch):
    # issue 14: the French country page's picture says "Allemagne", not "Germany"
    from django.utils import translation

    monkeypatch.setattr(worldmap, "png_render", lambda svg: svg.encode())
    with translation.override("fr"):
        url = reverse("dashboards:card_country", args=["DEU"])
    svg = client.get(url).content.decode()
    assert "<title>Allemagne</title>" in svg
    assert "Germany" not in svg
