"""Plotly figures for the public pages, built in Python from the snapshot.

Figures are built once per snapshot version and language (plotly's validation is slow),
kept in a small per-process memo, and drawn in the browser by dashboards/js/map.js and
charts.js with the self-hosted geo-only plotly.js bundle. That bundle has the choropleth,
scattergeo and scatter traces only, so the progress charts are dot-and-bar charts drawn
with scatter traces and shapes.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from html import escape

import plotly.graph_objects as go
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

from dashboards import public

# plotly.js options: no "send to cloud", no link out, no plotly logo; the page never
# fetches anything from another host.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "showSendToCloud": False,
    "showLink": False,
    "showEditInChartStudio": False,
    "scrollZoom": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage", "pan2d"],
}
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, sans-serif"}

# Where the region filter points the map (the world view never auto-fits to the data).
REGION_VIEWS = {
    "": {"center": {"lon": 0, "lat": 10}, "scale": 1},
    "Africa": {"center": {"lon": 17, "lat": 2}, "scale": 2.4},
    "Americas": {"center": {"lon": -75, "lat": 10}, "scale": 1.5},
    "Asia": {"center": {"lon": 88, "lat": 28}, "scale": 2},
    "Europe": {"center": {"lon": 15, "lat": 52}, "scale": 3.6},
    # Across the 180° meridian: the projection turns to 170°E, so Tonga, Samoa and Kiribati
    # sit beside Fiji instead of off the left edge (issue 12).
    "Oceania": {"center": {"lon": 170, "lat": -12}, "scale": 2.2, "rotation": 170},
}

_memo: dict[tuple, str] = {}
_memo_lock = threading.Lock()


# Land that is not a UN Member or observer State (a pale grey, told apart from "not engaged")
NON_MEMBER_LAND = "#f3f3f3"


def _memoised(key: tuple, build) -> str:
    with _memo_lock:
        found = _memo.get(key)
    if found is not None:
        return found
    value = build()
    with _memo_lock:
        if len(_memo) > 64:  # old snapshot versions: drop them all
            _memo.clear()
        _memo[key] = value
    return value


def hover_escape(line: str) -> str:
    """Text for plotly's hover, which reads a little HTML: markup escaped, and quotes as
    numeric references (plotly.js decodes `&#34;` but shows `&quot;` as typed)."""
    return escape(line).replace("&quot;", "&#34;")


def _hover(*lines: str) -> str:
    return "<br>".join(hover_escape(line) for line in lines if line)


def _discrete_colourscale(colours: list[str]) -> list[list]:
    n = len(colours)
    scale = []
    for i, colour in enumerate(colours):
        scale.append([i / n, colour])
        scale.append([(i + 1) / n, colour])
    return scale


def map_layer_traces(data: dict, layer: public.Layer) -> list[dict]:
    """Two traces: shapes for the states the topojson draws, markers for the rest."""
    index = {c.key: i for i, c in enumerate(layer.categories)}
    colours = [c.colour for c in layer.categories]
    labels = {c.key: c.label for c in layer.categories}
    shaped, dotted = [], []
    for state in data["states"]:
        key, detail = public.state_category(state, layer)
        hover = _hover(state["name"], labels.get(key, key), detail)
        item = (state, index.get(key, len(colours) - 1), hover)
        (shaped if public.has_shape(state["iso3"]) else dotted).append(item)
    choropleth = go.Choropleth(
        locations=[s["iso3"] for s, _i, _t in shaped],
        locationmode="ISO-3",
        z=[i + 0.5 for _s, i, _t in shaped],
        zmin=0,
        zmax=len(colours),
        colorscale=_discrete_colourscale(colours),
        showscale=False,
        text=[t for _s, _i, t in shaped],
        customdata=[s["iso3"] for s, _i, _t in shaped],
        hovertemplate="%{text}<extra></extra>",
        marker={"line": {"color": "#ffffff", "width": 0.5}},
        name=layer.label,
    )
    markers = go.Scattergeo(
        lat=[s["lat"] for s, _i, _t in dotted],
        lon=[s["lon"] for s, _i, _t in dotted],
        mode="markers",
        marker={
            "size": 9,
            "color": [colours[i] for _s, i, _t in dotted],
            "line": {"color": "#1b1f24", "width": 1},
        },
        text=[t for _s, _i, t in dotted],
        customdata=[s["iso3"] for s, _i, _t in dotted],
        hovertemplate="%{text}<extra></extra>",
        name=_("Small states"),
    )
    return [choropleth.to_plotly_json(), markers.to_plotly_json()]


def map_layout(*, height: int = 460) -> dict:
    layout = go.Layout(
        template="none",
        height=height,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        showlegend=False,
        dragmode="pan",
        font=FONT,
        paper_bgcolor="#ffffff",
        # Right to left (Arabic): the hover text reads from the right (issue 14).
        hoverlabel={
            "bgcolor": "#ffffff",
            "font": {"color": "#1b1f24"},
            "align": "right" if get_language_bidi() else "left",
        },
        geo={
            "projection": {"type": "natural earth", "rotation": {"lon": 0}},
            "fitbounds": False,
            "resolution": 110,
            "showframe": False,
            "showcoastlines": False,
            "showcountries": True,
            "countrycolor": "#ffffff",
            "showland": True,
            "landcolor": NON_MEMBER_LAND,
            "showocean": True,
            "oceancolor": "#ffffff",
            "showlakes": False,
            "bgcolor": "#ffffff",
            "center": REGION_VIEWS[""]["center"],
        },
    )
    return layout.to_plotly_json()


def map_payload(
    data: dict,
    etag: str,
    *,
    topojson_url: str,
    topojson_folder: str,
    country_url: str,
    today: dt.date,
) -> str:
    """The JSON the map script reads: a figure per layer, events for the time slider."""

    def build() -> str:
        all_layers = public.layers(data)
        pledge = all_layers[0]
        payload = {
            "layout": map_layout(),
            "config": {**PLOTLY_CONFIG, "topojsonURL": topojson_folder},
            "topojson": topojson_url,
            "country_url": country_url,
            "layers": {layer.key: map_layer_traces(data, layer) for layer in all_layers},
            "regions": REGION_VIEWS,
            "steps": [d.isoformat() for d in public.month_ends(data, today=today)],
            "pledge_categories": {
                c.key: [i, c.colour, c.label] for i, c in enumerate(pledge.categories)
            },
            "since": _("since %(date)s") % {"date": "{date}"},
            # The time slider recounts the headline from the same events (issue 12).
            "pledged_or_beyond": sorted(public.PLEDGED_OR_BEYOND),
            # ... and re-sorts the table as public.state_rows does: by this order of statuses.
            "status_order": list(public.STATUS_ORDER),
            "states": [
                {
                    "iso3": s["iso3"],
                    "name": s["name"],
                    "region": s["region"],
                    "shape": public.has_shape(s["iso3"]),
                    "member": s["un_status"] == public.MEMBER,
                    "events": [[e["date"], e["to"]] for e in s["events"]],
                }
                for s in data["states"]
            ],
        }
        return json.dumps(payload, separators=(",", ":"))

    return _memoised(("map", etag, get_language(), today, country_url, topojson_url), build)


# --- Progress charts ---------------------------------------------------------------------------


def _bar_chart(
    labels: list[str], values: list[int], *, colour: str, title: str, maximum: int | None = None
) -> dict:
    """Horizontal bars drawn as thick lines (the geo bundle has no bar trace), with values."""
    top = max([*values, maximum or 0, 1])
    # Right to left (Arabic): the bars grow from the right, labelled on the right (issue 14).
    rtl = get_language_bidi()
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "yref": "y",
            "x0": 0,
            "x1": value,
            "y0": i,
            "y1": i,
            "line": {"color": colour, "width": 18},
            "layer": "below",
        }
        for i, value in enumerate(values)
    ]
    fig = go.Figure(
        data=[
            go.Scatter(
                x=values,
                y=list(range(len(values))),
                mode="text",
                text=[str(v) for v in values],
                textposition="middle left" if rtl else "middle right",
                hovertemplate="%{customdata}: %{x}<extra></extra>",
                customdata=labels,
                cliponaxis=False,
            )
        ],
        layout=go.Layout(
            template="none",
            height=60 + 34 * len(values),
            margin={"l": 40, "r": 150, "t": 10, "b": 30}
            if rtl
            else {"l": 150, "r": 40, "t": 10, "b": 30},
            font=FONT,
            showlegend=False,
            shapes=shapes,
            # No gridlines over the bars, and no zero line: at y=0 it crossed the top bar.
            xaxis={
                "range": [top * 1.12, 0] if rtl else [0, top * 1.12],
                "title": {"text": title},
                "fixedrange": True,
                "showgrid": False,
                "zeroline": False,
            },
            yaxis={
                "tickvals": list(range(len(values))),
                "ticktext": labels,
                "autorange": "reversed",
                # Long step names ("Strategy adopted or beyond") were cut at the left edge.
                "automargin": True,
                "side": "right" if rtl else "left",
                "fixedrange": True,
                "showgrid": False,
                "zeroline": False,
            },
        ),
    )
    return fig.to_plotly_json()


def progress_payload(data: dict, etag: str, *, today: dt.date) -> str:
    def build() -> str:
        summary = public.summary(data)
        funnel = public.funnel(data)
        over_time = public.pledges_over_time(data, today=today)
        regions = public.by_region(data)
        # Right to left: time runs from the right, the count's axis on the right (issue 14).
        rtl = get_language_bidi()
        time_fig = go.Figure(
            data=[
                go.Scatter(
                    x=[d.isoformat() for d, _n in over_time],
                    y=[n for _d, n in over_time],
                    mode="lines+markers",
                    line={"shape": "hv", "color": "#08519c", "width": 3},
                    name=_("Member States pledged"),
                    hovertemplate="%{x}: %{y}<extra></extra>",
                )
            ],
            layout=go.Layout(
                template="none",
                height=300,
                margin={"l": 20, "r": 50, "t": 10, "b": 40}
                if rtl
                else {"l": 50, "r": 20, "t": 10, "b": 40},
                font=FONT,
                showlegend=False,
                xaxis={
                    "type": "date",
                    "fixedrange": True,
                    "autorange": "reversed" if rtl else True,
                },
                yaxis={
                    "side": "right" if rtl else "left",
                    "range": [0, max([summary.target, *(n for _d, n in over_time), 1]) * 1.1],
                    "fixedrange": True,
                    "title": {"text": _("Member States pledged")},
                },
                shapes=[
                    {
                        "type": "line",
                        "xref": "paper",
                        "x0": 0,
                        "x1": 1,
                        "y0": summary.target,
                        "y1": summary.target,
                        "line": {"color": "#c85a00", "width": 2, "dash": "dash"},
                    }
                ]
                if summary.target
                else [],
                annotations=[
                    {
                        "xref": "paper",
                        "x": 1 if rtl else 0,
                        "xanchor": "right" if rtl else "left",
                        "y": summary.target,
                        "yanchor": "bottom",
                        "text": _("Target: %(n)s") % {"n": summary.target},
                        "showarrow": False,
                    }
                ]
                if summary.target
                else [],
            ),
        ).to_plotly_json()
        payload = {
            "config": {**PLOTLY_CONFIG, "displayModeBar": False},
            "charts": {
                # "Not engaged 143" read as a contradiction of the status table's 10: each
                # bar counts the states at or beyond its step, and says so (issue 12).
                "funnel": _bar_chart(
                    [
                        label if i == len(funnel) - 1 else _("%(step)s or beyond") % {"step": label}
                        for i, (_k, label, _n) in enumerate(funnel)
                    ],
                    [n for _k, _l, n in funnel],
                    colour="#2171b5",
                    title=_("States at or beyond this step"),
                ),
                "over-time": time_fig,
                "regions": _bar_chart(
                    [label for _r, label, _p, _m in regions],
                    [p for _r, _l, p, _m in regions],
                    colour="#08519c",
                    title=_("Member States pledged"),
                ),
            },
        }
        return json.dumps(payload, separators=(",", ":"), default=str)

    return _memoised(("progress", etag, get_language(), today), build)
