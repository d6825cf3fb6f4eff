"""Public pages: thin views over the public snapshot (no database query when warm)."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import urlencode

from csp.decorators import csp_replace
from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from dashboards import figures, live, public, worldmap
from dashboards.pagecache import public_page
from dashboards.snapshot import Snapshot, snapshot_current
from dashboards.snapshot_http import snapshot_answer
from pledges.selectors import collation_key
from pledges.spreadsheets import csv_cell, xlsx_row

TOPOJSON = "dashboards/vendor/topojson/world_110m.json"


def _json_for_html(text: str) -> str:
    """A JSON string safe inside <script type="application/json"> (as json_script does)."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _common(snapshot: Snapshot) -> dict:
    # The states named in the page's language (hover text, tables, the SVG map, issue 14).
    data = public.data_localised(snapshot.data, snapshot.etag)
    return {
        "snapshot": snapshot,
        "data": data,
        "as_of": snapshot.as_of,
        "from_last_good_copy": snapshot.from_last_good_copy,
        # Overrides the context processor's lazy database check: the snapshot knows.
        "demo_data_present": data.get("demo_data", False),
    }


def _map_payload(snapshot: Snapshot, data: dict) -> str:
    topojson_url = static(TOPOJSON)
    return _json_for_html(
        figures.map_payload(
            data,
            snapshot.etag,
            topojson_url=topojson_url,
            # plotly.js appends "world_110m.json" to this folder; map.js hands it the hashed
            # file first (PlotlyGeoAssets), so this is only a fallback. See README.
            topojson_folder=topojson_url.rsplit("/", 1)[0] + "/",
            country_url=reverse("dashboards:country", args=["XXX"]),
            today=timezone.localdate(),
        )
    )


def _map_svg(data: dict, layer: public.Layer, *, map_id: str, region: str = "", day=None) -> str:
    """The server-drawn map (dashboards.worldmap) for the first paint; plotly replaces it."""
    return worldmap.map_svg(
        data,
        layer,
        map_id=map_id,
        country_url=reverse("dashboards:country", args=["XXX"]),
        region=region,
        day=day,
        label=_("Map: %(layer)s") % {"layer": layer.label},
    )


def _table_context(request, data: dict) -> dict:
    query = public.TableQuery.from_params(request.GET, today=timezone.localdate())
    rows = public.state_rows(data, query)
    sort_links = {}
    for key in public.SORT_KEYS:
        descending = query.sort == key and not query.descending
        sort_links[key] = {
            "qs": urlencode(query.params(sort=key, dir="desc" if descending else "")),
            "active": query.sort == key,
            "aria": ("descending" if query.descending else "ascending")
            if query.sort == key
            else "none",
        }
    return {
        "query": query,
        "rows": rows,
        "sort_links": sort_links,
        "layers": public.layers(data),
        "current_layer": public.layer_get(data, query.layer),
        "regions": [(r, public.region_label(r)) for r in public.REGIONS],
        "statuses": [(s, public.PLEDGE_LABELS[s]) for s in public.STATUS_ORDER],
        "download_qs": urlencode(query.params()),
        "domain_names": [d["name"] for d in data["domains"]],
    }


def _newest_rows(data: dict) -> list[dict]:
    """The live document's newest pledges, with their status labels (for the first paint)."""
    return [
        {**p, "label": str(public.PLEDGE_LABELS[p["status"]])}
        for p in live.live_document_build(data)["newest"]
    ]


def _live_labels(data: dict) -> str:
    """What live.js needs to write the same list: status labels, the country URL and, on a
    page not in English, the states' names in its language (/data/live.json is one document
    for every language, with the English names)."""
    names = {}
    if public.name_code(get_language()) != "en":
        names = {s["iso3"]: s["name"] for s in data["states"]}
    return _json_for_html(
        json.dumps(
            {
                "names": names,
                "statuses": {k: str(v) for k, v in public.PLEDGE_LABELS.items()},
                "country_url": reverse("dashboards:country", args=["XXX"]),
                "demo": _("demo"),
                "offline": _("Reconnecting… showing the data of %(time)s."),
                "none": _("No state has pledged yet."),
            },
            ensure_ascii=False,
        )
    )


@require_safe
@public_page
def home(request):
    snapshot = snapshot_current()
    context = _common(snapshot)
    data = context["data"]
    today = timezone.localdate()
    summary = public.summary(data)
    context.update(
        summary=summary,
        today=today,
        launch=public.launch_panel(data, today=today),
        live_newest=_newest_rows(data),
        live_labels=_live_labels(data),
        status_counts=public.status_counts(data),
        rows=public.state_rows(data, public.TableQuery()),
        funnel=public.funnel(data),
        over_time=public.pledges_over_time(data, today=today),
        by_region=public.by_region(data),
        latest=public.latest_changes(data),
        map_payload=_map_payload(snapshot, data),
        map_svg=_map_svg(data, public.layers(data)[0], map_id="home-map"),
        progress_payload=_json_for_html(figures.progress_payload(data, snapshot.etag, today=today)),
        # The charts' PNG/SVG downloads carry the source and the date in the image and the
        # file name, as the map's PNG does (issue 12).
        chart_date=snapshot.as_of[:10],
        chart_source="{} — {}/. {}".format(
            _("Global Pledge Tracker"),
            settings.SITE_URL,
            _("Verified data as of %(date)s.") % {"date": snapshot.as_of[:10]},
        ),
        pledge_layer=public.layers(data)[0],
        pledge_layer_list=public.layers(data)[:1],
    )
    return render(request, "dashboards/home.html", context)


@require_safe
@public_page
def map_page(request):
    snapshot = snapshot_current()
    context = _common(snapshot)
    data = context["data"]
    context.update(_table_context(request, data))
    context.update(
        summary=public.summary(data, day=context["query"].at),
        map_payload=_map_payload(snapshot, data),
        map_svg=_map_svg(
            data,
            context["current_layer"],
            map_id="world-map",
            region=context["query"].region,
            day=context["query"].at if context["current_layer"].supports_time else None,
        ),
        steps=public.month_ends(data, today=timezone.localdate()),
        embed_url=settings.SITE_URL + reverse("dashboards:embed_map"),
    )
    query_string = context["download_qs"]
    permalink = settings.SITE_URL + reverse("dashboards:map")
    permalink += f"?{query_string}" if query_string else ""
    title = str(_("Map of children's online safety pledges by UN Member States"))
    summary = context["summary"]
    context.update(
        permalink=permalink,
        site_url=settings.SITE_URL,
        map_svg_url=reverse("dashboards:map_svg") + (f"?{query_string}" if query_string else ""),
        map_png_url=reverse("dashboards:map_png") + (f"?{query_string}" if query_string else ""),
        citation=_citation(title=title, as_of=snapshot.as_of, url=permalink),
        share_meta=_share_meta(
            title=str(_("Map of pledges")) + " — " + str(_("Global Pledge Tracker")),
            description=_(
                "%(pledged)s of %(members)s UN Member States have pledged to keep children "
                "safe online; the target is %(target)s."
            )
            % {
                "pledged": summary.pledged_members,
                "members": summary.member_count,
                "target": summary.target,
            },
            url=permalink,
            image=reverse("dashboards:card_map"),
            image_alt=_("World map of the pledges of UN Member States"),
        ),
    )
    return render(request, "dashboards/map.html", context)


def _citation(*, title: str, as_of: str, url: str) -> str:
    """ "Cite this": the year and the date of the data shown, the permanent URL."""
    return _(
        "Global Pledge Tracker (%(year)s). %(title)s. Verified data as of %(date)s. "
        "%(url)s. Licence: CC BY 4.0."
    ) % {"year": as_of[:4], "title": title, "date": as_of[:10], "url": url}


def _share_meta(*, title: str, description: str, url: str, image: str, image_alt: str) -> dict:
    """Open Graph and Twitter card fields for a shared link, with its picture (a share card
    drawn from the snapshot: share_card_map / share_card_country)."""
    return {
        "title": title,
        "description": description,
        "url": url,
        "image": settings.SITE_URL + image,
        "image_alt": image_alt,
        "image_width": worldmap.CARD_WIDTH,
        "image_height": worldmap.CARD_HEIGHT,
    }


def _card_lines(snapshot) -> list[str]:
    parts = [
        _("Demo data: invented for a demonstration.") if snapshot.data.get("demo_data") else "",
        _("Verified data as of %(date)s.") % {"date": snapshot.as_of[:10]},
        settings.SITE_URL.split("://", 1)[-1],
    ]
    return [" ".join(part for part in parts if part)]


def _png_response(svg: str) -> HttpResponse:
    if not svg:
        raise Http404(_("The map is not available: the static assets are not built."))
    return HttpResponse(worldmap.png_render(svg), content_type="image/png")


@require_safe
@public_page
def share_card_map(request):
    """The picture a shared link to the map or the home page shows (Open Graph / Twitter):
    the pledge map with the headline count. Drawn once per snapshot and language, then
    served from the public page cache (and a CDN) like any public page."""
    snapshot = snapshot_current()
    data = public.data_localised(snapshot.data, snapshot.etag)
    summary = public.summary(data)
    return _png_response(
        worldmap.share_card_svg(
            data,
            public.layers(data)[0],
            title=str(_("Global Pledge Tracker")),
            headline=_(
                "%(pledged)s of %(members)s UN Member States have pledged to keep children "
                "safe online"
            )
            % {"pledged": summary.pledged_members, "members": summary.member_count},
            lines=_card_lines(snapshot),
        )
    )


@require_safe
@public_page
def share_card_country(request, iso3: str):
    """A country page's share picture: where the state is (a locator map) and its status."""
    snapshot = snapshot_current()
    data = public.data_localised(snapshot.data, snapshot.etag)
    state = public.state_get(data, iso3)
    if state is None:
        raise Http404(_("No UN Member or observer State has this code."))
    profile = public.country_profile(data, state)
    return _png_response(
        worldmap.share_card_svg(
            data,
            public.layers(data)[0],
            title=state["name"],
            headline=_("Pledge status: %(status)s") % {"status": profile["status_label"]},
            lines=_card_lines(snapshot),
            highlight=state["iso3"],
        )
    )


def _map_document(request) -> tuple[str, str]:
    """The map as drawn on the server, as a standalone SVG document for journalists: the
    same layer, region and date as the map page (query parameters), with its title, source,
    date and the UN disclaimer; and the file name it downloads as (without extension)."""
    snapshot = snapshot_current()
    data = public.data_localised(snapshot.data, snapshot.etag)
    query = public.TableQuery.from_params(request.GET, today=timezone.localdate())
    layer = public.layer_get(data, query.layer)
    day = query.at if layer.supports_time else None
    body = worldmap.map_svg_document(
        data,
        layer,
        country_url=settings.SITE_URL + reverse("dashboards:country", args=["XXX"]),
        region=query.region,
        day=day,
        title=_("Global Pledge Tracker: %(layer)s") % {"layer": layer.label},
        lines=[
            _("Verified data as of %(date)s.") % {"date": snapshot.as_of[:10]}
            + (" " + _("As it was on %(date)s.") % {"date": day.isoformat()} if day else ""),
            _("Demo data: invented for a demonstration.") if data.get("demo_data") else "",
            _(
                "The boundaries and names shown and the designations used on this map do not "
                "imply official endorsement or acceptance by the United Nations."
            ),
            settings.SITE_URL + reverse("dashboards:map") + " · CC BY 4.0",
        ],
    )
    if not body:
        raise Http404(_("The map is not available: the static assets are not built."))
    stamp = (day.isoformat() if day else snapshot.as_of[:10]) + (
        f"-{query.region.lower()}" if query.region else ""
    )
    return body, f"pledge-tracker-map-{layer.key}-{stamp}"


@require_safe
@public_page
def map_svg_download(request):
    """The map view as an SVG file (dashboards:map_svg)."""
    body, name = _map_document(request)
    response = HttpResponse(body, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.svg"'
    return response


@require_safe
@public_page
def map_png_download(request):
    """The same map view as a PNG picture, 1200 px wide, for those who cannot use SVG."""
    body, name = _map_document(request)
    response = HttpResponse(worldmap.png_render(body), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{name}.png"'
    return response


@require_safe
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@public_page
def embed_map(request):
    """The map alone: the only page other sites may frame."""
    snapshot = snapshot_current()
    context = _common(snapshot)
    data = context["data"]
    context.update(
        summary=public.summary(data),
        map_payload=_map_payload(snapshot, data),
        map_svg=_map_svg(data, public.layers(data)[0], map_id="embed-map"),
        pledge_layer=public.layers(data)[0],
        pledge_layer_list=public.layers(data)[:1],
        site_url=settings.SITE_URL,
    )
    return render(request, "dashboards/embed_map.html", context)


@require_safe
@public_page
def country(request, iso3: str):
    if iso3 != iso3.upper():
        return redirect("dashboards:country", iso3=iso3.upper(), permanent=True)
    snapshot = snapshot_current()
    context = _common(snapshot)
    data = context["data"]
    state = public.state_get(data, iso3)
    if state is None:
        raise Http404(_("No UN Member or observer State has this code."))
    profile = public.country_profile(data, state)
    permalink = settings.SITE_URL + reverse("dashboards:country", args=[state["iso3"]])
    if profile["status"] == public.NO_INFORMATION:
        share = _(
            "%(state)s: no verified information yet on the global pledge for children's "
            "online safety. %(url)s"
        )
    else:
        share = _(
            "%(state)s — %(status)s on the global pledge for children's online safety. %(url)s"
        )
    values = {"state": state["name"], "status": profile["status_label"], "url": permalink}
    context.update(
        profile=profile,
        # where the state is: its region's view, the state marked (issue 12, item 4)
        locator_svg=worldmap.map_svg(
            data,
            public.layers(data)[0],
            map_id="locator",
            country_url=reverse("dashboards:country", args=["XXX"]),
            region=state["region"],
            label=_("Where %(state)s is") % {"state": state["name"]},
            highlight=state["iso3"],
        ),
        permalink=permalink,
        share_text=share % values,
        citation=_citation(
            title=_("%(state)s: pledge status and national response") % {"state": state["name"]},
            as_of=snapshot.as_of,
            url=permalink,
        ),
        share_meta=_share_meta(
            title=f"{state['name']} — " + str(_("Global Pledge Tracker")),
            description=(share % {**values, "url": ""}).strip(),
            url=permalink,
            image=reverse("dashboards:card_country", args=[state["iso3"]]),
            image_alt=_("World map with %(state)s marked") % {"state": state["name"]},
        ),
    )
    return render(request, "dashboards/country.html", context)


@require_safe
def snapshot_json(request):
    """The public snapshot: one document, revalidated cheaply with its ETag.

    Answered by dashboards.snapshot_http.snapshot_answer, as the WSGI fast path answers it.
    """
    answer = snapshot_answer(
        snapshot_current(),
        method=request.method,
        accept_encoding=request.headers.get("Accept-Encoding"),
        if_none_match=request.headers.get("If-None-Match"),
    )
    response = HttpResponseNotModified() if answer.status == 304 else HttpResponse(answer.body)
    for name, value in answer.headers:
        response[name] = value
    response.is_public_snapshot = True  # see SnapshotResponseMiddleware
    return response


@require_safe
@public_page
def live_wall(request):
    """The event wall for the screen in the room: a large counter, the map, the newest
    pledges, the time. live.js keeps it current; `?kiosk=1` is the unattended screen."""
    snapshot = snapshot_current()
    context = _common(snapshot)
    data = context["data"]
    today = timezone.localdate()
    context.update(
        summary=public.summary(data),
        launch=public.launch_panel(data, today=today),
        today=today,
        live_newest=_newest_rows(data)[: live.WALL_NEWEST],
        live_labels=_live_labels(data),
        map_payload=_map_payload(snapshot, data),
        map_svg=_map_svg(data, public.layers(data)[0], map_id="live-map"),
        pledge_layer=public.layers(data)[0],
        pledge_layer_list=public.layers(data)[:1],
        kiosk=request.GET.get("kiosk") == "1",
        now=timezone.localtime(),
    )
    return render(request, "dashboards/live.html", context)


@require_safe
def live_json(request):
    """The live document (as-of, count, newest pledges), revalidated every few seconds.

    Answered by dashboards.live.live_answer, as the WSGI fast path answers it.
    """
    answer = live.live_answer(
        live.live_document(snapshot_current()),
        method=request.method,
        if_none_match=request.headers.get("If-None-Match"),
    )
    response = HttpResponseNotModified() if answer.status == 304 else HttpResponse(answer.body)
    for name, value in answer.headers:
        response[name] = value
    response.is_public_snapshot = True  # see SnapshotResponseMiddleware
    response.public_vary = live.LIVE_VARY
    return response


@require_safe
@public_page
def states_download(request, fmt: str):
    """The table of states as shown (same filters and order) as CSV, XLSX or JSON."""
    snapshot = snapshot_current()
    data = snapshot.data
    query = public.TableQuery.from_params(request.GET, today=timezone.localdate())
    rows = [r.as_export() for r in public.state_rows(data, query)]
    stamp = snapshot.as_of[:10]
    filename = f"pledge-tracker-states-{stamp}.{fmt}"
    if fmt == "json":
        body = json.dumps(
            {
                "as_of": snapshot.as_of,
                "demo_data": data.get("demo_data", False),
                "on_date": query.at.isoformat() if query.at else None,
                "licence": "CC BY 4.0",
                "fields": {name: str(text) for name, text in public.STATES_DOWNLOAD_FIELDS},
                "states": rows,
            },
            ensure_ascii=False,
            indent=1,
        )
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["iso3"])
        writer.writeheader()
        for row in rows:
            writer.writerow({k: csv_cell(v) for k, v in row.items()})
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("States"))
        header = list(rows[0]) if rows else ["iso3"]
        sheet.append(header)
        for row in rows:
            sheet.append(xlsx_row(sheet, [row[k] for k in header]))
        notes = workbook.create_sheet(_("About"))
        notes.append(xlsx_row(notes, [_("Data as of"), snapshot.as_of]))
        if data.get("demo_data"):
            notes.append([_("Demo data"), _("Invented for a demonstration.")])
        fields = workbook.create_sheet(_("Fields"))
        fields.append([_("Column"), _("Meaning")])
        for name, text in public.STATES_DOWNLOAD_FIELDS:
            fields.append(xlsx_row(fields, [name, str(text)]))
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Snapshot-As-Of"] = snapshot.as_of
    return response


@require_safe
@public_page
def compare(request):
    """Up to five states side by side (`?s=KEN&s=GHA`), never ranked (issue 12, item 4)."""
    snapshot = snapshot_current()
    context = _common(snapshot)
    data = context["data"]
    codes = request.GET.getlist("s")
    comparison = public.comparison(data, codes)
    chosen = [s["iso3"] for s in comparison.states]
    context.update(
        comparison=comparison,
        max_states=public.COMPARE_MAX,
        slots=chosen + [""] * (public.COMPARE_MAX - len(chosen)),
        options=sorted(
            ({"iso3": s["iso3"], "name": s["name"]} for s in data["states"]),
            key=lambda o: collation_key(o["name"], get_language()),
        ),
    )
    return render(request, "dashboards/compare.html", context)
