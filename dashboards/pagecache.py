"""Rendered public pages, kept per snapshot version: a warm page costs no rendering.

A public page depends only on the snapshot, the URL (path and query), the language and the
day. For anonymous visitors (no session cookie) the rendered bytes are kept in this
process, compressed once with brotli and gzip, and served by Accept-Encoding. A new
snapshot (another ETag) or the last good copy (a database outage) gives new entries.
Signed-in staff, who may see a different header, always get a fresh rendering.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps

import brotli
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from dashboards.snapshot import snapshot_current

MAX_ENTRIES = 128
MAX_KEY_LENGTH = 600


@dataclass(frozen=True)
class CachedPage:
    content_type: str
    body: bytes
    body_gzip: bytes
    body_br: bytes
    headers: tuple[tuple[str, str], ...]


_pages: OrderedDict[tuple, CachedPage] = OrderedDict()
_lock = threading.Lock()


def page_cache_clear() -> None:
    with _lock:
        _pages.clear()


def _store(key: tuple, page: CachedPage) -> None:
    with _lock:
        _pages[key] = page
        _pages.move_to_end(key)
        while len(_pages) > MAX_ENTRIES:
            _pages.popitem(last=False)


def _lookup(key: tuple) -> CachedPage | None:
    with _lock:
        page = _pages.get(key)
        if page is not None:
            _pages.move_to_end(key)
        return page


KEPT_HEADERS = ("Content-Disposition", "X-Snapshot-As-Of")


def public_page(view):
    """Serve a snapshot-only public view from the per-process page cache when anonymous."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        full_path = request.get_full_path()
        if (
            request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or len(full_path) > MAX_KEY_LENGTH
        ):
            return view(request, *args, **kwargs)
        snapshot = snapshot_current()
        key = (
            full_path,
            get_language(),
            snapshot.etag,
            snapshot.from_last_good_copy,
            timezone.localdate(),
        )
        page = _lookup(key)
        if page is None:
            response = view(request, *args, **kwargs)
            if (
                response.status_code != 200
                or response.streaming
                or response.has_header("Content-Encoding")
            ):
                return response
            body = response.content
            page = CachedPage(
                content_type=response["Content-Type"],
                body=body,
                body_gzip=gzip.compress(body, compresslevel=6, mtime=0),
                body_br=brotli.compress(body, quality=5),
                headers=tuple((h, response[h]) for h in KEPT_HEADERS if response.has_header(h)),
            )
            _store(key, page)
        accept = request.headers.get("Accept-Encoding", "")
        if "br" in accept:
            response = HttpResponse(page.body_br, content_type=page.content_type)
            response["Content-Encoding"] = "br"
        elif "gzip" in accept:
            response = HttpResponse(page.body_gzip, content_type=page.content_type)
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(page.body, content_type=page.content_type)
        for header, value in page.headers:
            response[header] = value
        patch_vary_headers(response, ("Accept-Encoding",))
        return response

    return wrapped
