"""Pages for people: /data/ (what the data means, how to cite it) and /exports/ (downloads)."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from dashboards import exports
from dashboards.pagecache import public_http

LATEST_MAX_AGE = 300
RELEASE_MAX_AGE = 60 * 60 * 24 * 365  # a dated release never changes


@require_safe
@public_http
def data_page(request):
    return render(
        request,
        "dashboards/open_data/data.html",
        {
            "tables": exports.TABLES,
            "licence_name": exports.LICENCE_NAME,
            "licence_url": exports.LICENCE_URL,
            "site_url": settings.SITE_URL,
        },
    )


@require_safe
@public_http
def exports_index(request):
    latest = exports.release_ensure()
    return render(
        request,
        "dashboards/open_data/exports.html",
        {
            "latest": latest,
            "older": exports.release_list()[1:],
            "formats": _format_rows(latest),
            "licence_name": exports.LICENCE_NAME,
            "licence_url": exports.LICENCE_URL,
        },
    )


def _format_rows(release) -> list[dict]:
    labels = {"csv": "CSV (zip)", "xlsx": "Excel (XLSX)", "json": "JSON"}
    return [
        {
            "fmt": fmt,
            "label": labels[fmt],
            "name": release.file(fmt)["name"],
            "bytes": release.file(fmt)["bytes"],
            "sha256": release.file(fmt)["sha256"],
        }
        for fmt in exports.FORMATS
    ]


@require_safe
def releases_json(request):
    """Every release with its files, newest first (machine-readable)."""
    exports.release_ensure()
    return JsonResponse(
        {
            "licence": exports.LICENCE_NAME,
            "licence_url": exports.LICENCE_URL,
            "releases": [
                {
                    "release": r.id,
                    "as_of": r.as_of,
                    "citation": r.manifest["citation"],
                    "files": {
                        fmt: {
                            **r.file(fmt),
                            "url": request.build_absolute_uri(
                                f"/exports/releases/{r.id}/{r.file(fmt)['name']}"
                            ),
                        }
                        for fmt in exports.FORMATS
                    },
                }
                for r in exports.release_list()
            ],
        }
    )


def _serve(request, release, fmt: str, *, max_age: int, immutable: bool = False):
    info = release.file(fmt)
    etag = f'"{info["sha256"][:32]}"'
    response = FileResponse(
        release.file_path(fmt).open("rb"),
        as_attachment=True,
        filename=info["name"],
        content_type=exports.FORMATS[fmt][1],
    )
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=max_age)
    if immutable:
        patch_cache_control(response, immutable=True)
    return get_conditional_response(request, etag=etag, response=response) or response


@require_safe
def latest_file(request, suffix: str):
    fmt = next((f for f, (s, _type) in exports.FORMATS.items() if s == suffix), None)
    if fmt is None:
        raise Http404
    return _serve(request, exports.release_ensure(), fmt, max_age=LATEST_MAX_AGE)


@require_safe
def release_file(request, release_id: str, filename: str):
    release = exports.release_get(release_id)
    if release is None:
        raise Http404
    fmt = next((f for f in exports.FORMATS if release.file(f)["name"] == filename), None)
    if fmt is None:
        raise Http404
    return _serve(request, release, fmt, max_age=RELEASE_MAX_AGE, immutable=True)
