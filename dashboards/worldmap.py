"""The map drawn on the server: an inline SVG choropleth readable before any script.

The geometry never changes with the data, only the colours do. So the self-hosted UN
topojson (the file plotly.js draws) is decoded, projected (Natural Earth, as plotly's
layout uses) and simplified once per process and region view, and kept as path strings;
each request only joins them with its fills and titles. plotly.js replaces the SVG when it
has loaded (dashboards/js/map.js); without JavaScript, or on a slow connection, the SVG is
the map. The topojson itself is never sent to a browser that cannot use it.

Simplification is Douglas-Peucker per topojson arc, in projected units, so that neighbours
keep one shared border (no slivers between states).
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass
from html import escape
from pathlib import Path

from django.conf import settings

from dashboards import public
from dashboards.figures import NON_MEMBER_LAND, REGION_VIEWS

TOPOJSON_PATH = (
    Path(settings.BASE_DIR) / "dashboards" / "static" / "dashboards" / "vendor" / "topojson"
)
TOPOJSON_FILE = "world_110m.json"

# The viewBox of the world view, in SVG user units (the box is 100:56, as map.js sizes plotly).
WIDTH = 1000
HEIGHT = 560
# Douglas-Peucker tolerance and the smallest ring kept, in user units of the world view: at
# 1 366 px wide a unit is 1.4 px. Measured: 110m at 0.6 gives ~24 KB gzipped for the SVG.
TOLERANCE = 0.6
MIN_RING_AREA = 0.8
MARKER_RADIUS = 4.5  # plotly draws the small states as 9 px markers
BORDER = "#ffffff"
NO_INFORMATION_LINES = "#6b6b6b"
# The locator map of a country page and its share card: the state against light grey
# (8.9:1 between them, so the state stands out without relying on hue).
LOCATOR_STATE = "#08306b"
LOCATOR_OTHERS = "#d0d5db"
LOCATOR_RING = 16  # the ring's radius, in user units of the world view
# A share card (Open Graph / Twitter): the size those services show large.
CARD_WIDTH = 1200
CARD_HEIGHT = 630


@dataclass(frozen=True)
class View:
    """One region view: the projection's rotation and the part of the plane shown."""

    rotation: float
    view_box: tuple[float, float, float, float]
    scale: float


@dataclass(frozen=True)
class Geometry:
    view: View
    land: str  # every land area, drawn first in the non-member grey
    shapes: dict[str, str]  # ISO3 → path data, for the states the topojson draws


# --- Projection ---------------------------------------------------------------------------


def natural_earth(lon: float, lat: float) -> tuple[float, float]:
    """The Natural Earth projection (Šavrič et al. 2015), as d3-geo and plotly.js have it."""
    lam, phi = math.radians(lon), math.radians(lat)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (
        0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4))
    )
    y = phi * (
        1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4))
    )
    return x, y


_X_MAX = natural_earth(180, 0)[0]
_Y_MAX = natural_earth(0, 90)[1]
# The world fills the width; it is centred in the height (the plane is 1.92:1, the box 1.79:1).
_K = WIDTH / (2 * _X_MAX)
_Y_OFFSET = HEIGHT / 2


def to_plane(lon: float, lat: float, rotation: float = 0.0) -> tuple[float, float]:
    """A point in the SVG's user units, the projection turned to `rotation` degrees east."""
    lon = lon - rotation
    if lon < -180:
        lon += 360
    elif lon > 180:
        lon -= 360
    x, y = natural_earth(lon, lat)
    return WIDTH / 2 + x * _K, _Y_OFFSET - y * _K


def _view(region: str) -> View:
    spec = REGION_VIEWS.get(region) or REGION_VIEWS[""]
    rotation = float(spec.get("rotation", 0))
    scale = float(spec["scale"])
    if not region:
        return View(rotation, (0.0, 0.0, float(WIDTH), float(HEIGHT)), 1.0)
    cx, cy = to_plane(spec["center"]["lon"], spec["center"]["lat"], rotation)
    w, h = WIDTH / scale, HEIGHT / scale
    box = (round(cx - w / 2, 1), round(cy - h / 2, 1), round(w, 1), round(h, 1))
    return View(rotation, box, scale)


# --- Topojson -----------------------------------------------------------------------------


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative; the end points are kept."""
    n = len(points)
    if n < 3:
        return points
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    tol2 = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        ax, ay = points[first]
        bx, by = points[last]
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        worst, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if length2 == 0:
                d2 = (px - ax) ** 2 + (py - ay) ** 2
            else:
                t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
                d2 = (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2
            if d2 > worst:
                worst, index = d2, i
        if worst > tol2:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def _ring_area(points: list[tuple[int, int]]) -> float:
    pairs = zip(points, points[1:] + points[:1], strict=True)
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairs)) / 2


def _path(rings: list[list[tuple[int, int]]]) -> str:
    """Path data with relative moves: shortest for small integer steps."""
    parts = []
    cx = cy = 0
    for ring in rings:
        x0, y0 = ring[0]
        out = [f"M{x0} {y0}" if not parts else f"m{x0 - cx} {y0 - cy}"]
        px, py = x0, y0
        steps = []
        for x, y in ring[1:]:
            if (x, y) == (px, py):
                continue
            steps.append(f"{x - px} {y - py}")
            px, py = x, y
        out.append("l" + " ".join(steps).replace(" -", "-") + "z")
        parts.append("".join(out).replace(" -", "-"))
        cx, cy = x0, y0  # after z the current point is the ring's start
    return "".join(parts)


def _geometry_build(region: str) -> Geometry | None:
    path = TOPOJSON_PATH / TOPOJSON_FILE
    if not path.exists():  # assets not built (make assets): the page says the map is loading
        return None
    topology = json.loads(path.read_text(encoding="utf-8"))
    view = _view(region)
    # Units are the world view's: a region view zooms in, so it keeps finer detail.
    precision = max(1.0, view.scale)
    tolerance = TOLERANCE / view.scale
    arcs = _decode_arcs(topology)
    projected: dict[tuple[int, int], list[tuple[float, float]]] = {}

    unwrapped: dict[int, list[tuple[float, float]]] = {}

    def arc_lons(index: int) -> list[tuple[float, float]]:
        """An arc's points, longitudes turned to the view and made continuous (an arc that
        crosses the view's cut meridian runs on past ±180 instead of jumping back); once
        per arc."""
        i = index if index >= 0 else ~index
        if i not in unwrapped:
            out: list[tuple[float, float]] = []
            for lon, lat in arcs[i]:
                lon -= view.rotation
                if out:
                    lon += 360 * round((out[-1][0] - lon) / 360)
                else:
                    lon = ((lon + 180) % 360) - 180
                out.append((lon, lat))
            unwrapped[i] = out
        return unwrapped[i] if index >= 0 else unwrapped[i][::-1]

    def arc_points(index: int, shift: int) -> list[tuple[float, float]]:
        """An arc projected (longitudes moved by `shift` turns) and simplified, once per
        arc and shift: neighbours share one simplified border (no slivers)."""
        i = index if index >= 0 else ~index
        if (i, shift) not in projected:
            lonlat = arc_lons(i)
            pts = [
                (WIDTH / 2 + x * _K, _Y_OFFSET - y * _K)
                for x, y in (natural_earth(lon + 360 * shift, lat) for lon, lat in lonlat)
            ]
            projected[(i, shift)] = _simplify(pts, tolerance)
        pts = projected[(i, shift)]
        return pts if index >= 0 else pts[::-1]

    def ring_shifts(ring_arcs: list[int]) -> list[int]:
        """The turns (of 360°) each arc of a ring moves so the ring is one continuous line,
        then the whole ring moved so most of it lies inside ±180 (a state across the cut
        meridian, such as Russia or Fiji, is drawn whole, running off the map's edge)."""
        shifts, last, low, high = [], None, math.inf, -math.inf
        for index in ring_arcs:
            lons = [lon for lon, _lat in arc_lons(index)]
            shift = 0 if last is None else round((last - lons[0]) / 360)
            shifts.append(shift)
            last = lons[-1] + 360 * shift
            low, high = min(low, min(lons) + 360 * shift), max(high, max(lons) + 360 * shift)
        middle = (low + high) / 2
        turn = -round(middle / 360)
        return [shift + turn for shift in shifts]

    def rings_of(geometry: dict, *, min_area: float) -> list[list[tuple[int, int]]]:
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry.get("arcs", [])
        if geometry["type"] not in ("Polygon", "MultiPolygon"):
            return []
        rings = []
        for polygon in polygons:
            for ring_arcs in polygon:
                points: list[tuple[float, float]] = []
                for index, shift in zip(ring_arcs, ring_shifts(ring_arcs), strict=True):
                    pts = arc_points(index, shift)
                    points.extend(pts if not points else pts[1:])
                ring = [(round(x * precision), round(y * precision)) for x, y in points]
                ring = [p for i, p in enumerate(ring) if i == 0 or p != ring[i - 1]]
                if len(ring) >= 3 and _ring_area(ring) >= min_area:
                    rings.append(ring)
        return rings

    shapes = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        iso3 = geometry.get("id")
        if not iso3 or not public.has_shape(iso3):
            continue
        rings = rings_of(geometry, min_area=MIN_RING_AREA) or rings_of(geometry, min_area=0)
        if rings:
            shapes[iso3] = _path(rings)
    land = "".join(
        _path(rings_of(g, min_area=MIN_RING_AREA) or [[(0, 0), (0, 0), (0, 0)]])
        for g in topology["objects"]["land"]["geometries"]
    )
    return Geometry(view=view, land=land, shapes=shapes)


_geometries: dict[str, Geometry | None] = {}
_lock = threading.Lock()


def geometry(region: str = "") -> Geometry | None:
    """The projected, simplified geometry of a region view (built once per process)."""
    region = region if region in public.REGIONS else ""
    with _lock:
        if region in _geometries:
            return _geometries[region]
    built = _geometry_build(region)
    with _lock:
        _geometries[region] = built
    return built


# --- The SVG ------------------------------------------------------------------------------


def map_svg(
    data: dict,
    layer: public.Layer,
    *,
    map_id: str,
    country_url: str,
    region: str = "",
    day=None,
    label: str = "",
    frame: str = "",
    highlight: str = "",
) -> str:
    """The choropleth as an inline SVG: a link with a <title> per state, coloured by the
    layer (on `day` for the pledge layer), "no information" hatched as in the legend, the
    small states as circles. Empty when the topojson is not built.

    With `highlight` (an ISO3 code) it is a locator map instead: that state stands out,
    every other state is one light grey, and only its own marker is drawn."""
    geo = geometry(region)
    if geo is None:
        return ""
    view = geo.view
    precision = max(1.0, view.scale)
    x, y, w, h = (round(v * precision, 1) for v in view.view_box)
    colours = {c.key: c.colour for c in layer.categories}
    labels = {c.key: c.label for c in layer.categories}
    hatched = {c.key for c in layer.categories if c.is_no_information}
    hatch = f"{map_id}-hatch"
    size = 6
    parts = [
        f'<svg class="map-svg" xmlns="http://www.w3.org/2000/svg" viewBox="{x:g} {y:g} {w:g} {h:g}"'
        f' preserveAspectRatio="xMidYMid meet" role="group" aria-label="{escape(label)}"'
        f' data-layer="{escape(layer.key)}" data-region="{escape(region)}"{frame}>',
        f'<defs><pattern id="{hatch}" width="{size}" height="{size}" patternUnits="userSpaceOnUse"'
        f' patternTransform="rotate(45)"><rect width="{size}" height="{size}"'
        f' fill="{public.NO_INFORMATION_COLOUR}"/><path d="M0 0V{size}"'
        f' stroke="{NO_INFORMATION_LINES}" stroke-width="2"/></pattern></defs>',
        f'<path class="map-land" d="{geo.land}" fill="{NON_MEMBER_LAND}"/>',
    ]
    shapes, dots = [], []
    stroke = f'stroke="{BORDER}" stroke-width="0.6"'
    for state in data["states"]:
        if region and state["region"] != region:
            continue
        key, detail = public.state_category(state, layer, day=day)
        if highlight:
            if state["iso3"] != highlight and geo.shapes.get(state["iso3"]) is None:
                continue  # a locator map marks only its own small state
            fill = LOCATOR_STATE if state["iso3"] == highlight else LOCATOR_OTHERS
        elif key in hatched:
            fill = f"url(#{hatch})"
        else:
            fill = colours.get(key, public.NO_INFORMATION_COLOUR)
        title = ": ".join(filter(None, [state["name"], labels.get(key, key)]))
        if detail:
            title += f" ({detail})"
        href = escape(country_url.replace("XXX", state["iso3"]))
        head = (
            f'<a href="{href}" tabindex="-1" data-iso3="{state["iso3"]}"'
            f' data-status="{escape(key)}"><title>{escape(title)}</title>'
        )
        d = geo.shapes.get(state["iso3"])
        if d is not None:
            shapes.append(f'{head}<path d="{d}" fill="{fill}" {stroke}/></a>')
        elif state.get("lat") is not None and state.get("lon") is not None:
            cx, cy = to_plane(state["lon"], state["lat"], view.rotation)
            r = MARKER_RADIUS * precision / view.scale
            dots.append(
                f'{head}<circle cx="{cx * precision:.0f}" cy="{cy * precision:.0f}" r="{r:.1f}"'
                f' fill="{fill}" stroke="#1b1f24" stroke-width="{precision / view.scale:.2g}"/></a>'
            )
    parts.extend(shapes)
    parts.extend(dots)  # on top, so the small states are never hidden under a neighbour
    if highlight:
        # a ring round the marked state, so that a small one is found at a glance
        state = next((s for s in data["states"] if s["iso3"] == highlight), None)
        if state and state.get("lat") is not None and state.get("lon") is not None:
            cx, cy = to_plane(state["lon"], state["lat"], view.rotation)
            unit = precision / view.scale
            parts.append(
                f'<circle class="map-locator-ring" cx="{cx * precision:.0f}"'
                f' cy="{cy * precision:.0f}" r="{LOCATOR_RING * unit:.1f}" fill="none"'
                f' stroke="{LOCATOR_STATE}" stroke-width="{2.5 * unit:.2g}"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


def map_svg_document(
    data: dict,
    layer: public.Layer,
    *,
    country_url: str,
    region: str = "",
    day=None,
    title: str,
    lines: list[str],
) -> str:
    """A standalone SVG file of the map: title, map, legend, then the source lines."""
    top, line_height, per_row = 34, 20, 4
    legend_rows = (len(layer.categories) + per_row - 1) // per_row
    legend_top = top + HEIGHT + 8
    notes = [line for line in lines if line]
    notes_top = legend_top + legend_rows * line_height + 12
    height = notes_top + len(notes) * 16 + 8
    inner = map_svg(
        data,
        layer,
        map_id="download",
        country_url=country_url,
        region=region,
        day=day,
        label=title,
        frame=f' x="0" y="{top}" width="{WIDTH}" height="{HEIGHT}"',
    )
    if not inner:
        return ""
    font = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, sans-serif"'
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}"'
        f' viewBox="0 0 {WIDTH} {height}" {font} fill="#1b1f24">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="12" y="24" font-size="18" font-weight="600">{escape(title)}</text>',
        inner,
    ]
    column = WIDTH // per_row
    for i, category in enumerate(layer.categories):
        x = 12 + (i % per_row) * column
        y = legend_top + (i // per_row) * line_height
        fill = "url(#download-hatch)" if category.is_no_information else category.colour
        parts.append(
            f'<rect x="{x}" y="{y}" width="18" height="14" fill="{fill}" stroke="#555"/>'
            f'<text x="{x + 24}" y="{y + 12}" font-size="13">{escape(category.label)}</text>'
        )
    for i, line in enumerate(notes):
        parts.append(
            f'<text x="12" y="{notes_top + i * 16 + 12}" font-size="11" fill="#4a4f57">'
            f"{escape(line)}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def share_card_svg(
    data: dict,
    layer: public.Layer,
    *,
    title: str,
    headline: str,
    lines: list[str],
    highlight: str = "",
) -> str:
    """The picture a shared link shows (Open Graph / Twitter card), 1200 x 630: the title,
    one headline, the map (a locator map with `highlight`), the source lines."""
    map_top, map_height = 118, 430
    map_width = round(map_height * WIDTH / HEIGHT)
    inner = map_svg(
        data,
        layer,
        map_id="card",
        country_url="XXX",
        label=title,
        highlight=highlight,
        frame=(
            f' x="{(CARD_WIDTH - map_width) // 2}" y="{map_top}"'
            f' width="{map_width}" height="{map_height}"'
        ),
    )
    if not inner:
        return ""
    font = 'font-family="DejaVu Sans, Liberation Sans, Noto Sans, sans-serif"'
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CARD_WIDTH}" height="{CARD_HEIGHT}"'
        f' viewBox="0 0 {CARD_WIDTH} {CARD_HEIGHT}" {font} fill="#1b1f24">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{CARD_WIDTH}" height="{CARD_HEIGHT}" fill="#ffffff"/>',
        f'<rect width="{CARD_WIDTH}" height="10" fill="{LOCATOR_STATE}"/>',
        f'<text x="40" y="62" font-size="34" font-weight="700">{escape(title)}</text>',
        f'<text x="40" y="102" font-size="26" fill="#33383f">{escape(headline)}</text>',
        inner,
    ]
    for i, line in enumerate(line for line in lines if line):
        parts.append(
            f'<text x="40" y="{580 + i * 24}" font-size="18" fill="#4a4f57">{escape(line)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def png_render(svg: str) -> bytes:
    """An SVG document as PNG bytes (resvg: no browser, about a quarter of a second)."""
    import resvg_py

    return bytes(resvg_py.svg_to_bytes(svg_string=svg))
