"""Rendered public pages, kept per snapshot version: a warm page costs no rendering.

A public page depends only on the snapshot, the URL (path and query), the language and the
day. For anonymous visitors (no session cookie) the rendered bytes are kept in this
process, compressed once with brotli and gzip, and served by Accept-Encoding. A new
snapshot (another ETag) or the last good copy (a database outage) gives new entries.
Signed-in staff, who may see a different header, always get a fresh rendering.

HTTP caching (issue 12, item 5): an anonymous page is `Cache-Control: public, max-age=0,
s-maxage=60, stale-while-revalidate` (a CDN keeps it a minute; a browser revalidates each
time, a cheap 304, so a verified change shows at the next reload) with a weak ETag of its
bytes (the same in every coding), and answers If-None-Match with 304; `Vary` names what the
bytes depend on (Accept-Encoding, and Cookie for the session; not Accept-Language: the
language is in the URL, /fr/map/, issue 14). A request with a session cookie (signed-in
staff see another header) is `private, no-store`.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps

import brotli
from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
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
    etag: str


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
# No Accept-Language: a page's language is in its URL (/fr/map/). Cookie: the session.
PUBLIC_VARY = ("Accept-Encoding", "Cookie")


def body_etag(body: bytes) -> str:
    """A weak ETag of a page's bytes: the same page in any coding is the same version."""
    return f'W/"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'


def etag_listed(if_none_match: str | None, etag: str) -> bool:
    """Weak comparison (RFC 9110, 13.1.2): any listed tag naming these bytes, or *."""
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    tags = [t.strip() for t in if_none_match.split(",")]
    return any(t == "*" or t.removeprefix("W/") == wanted for t in tags)


def is_anonymous_request(request) -> bool:
    """No session cookie: the page is the same for every visitor of this language."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def private_headers(response):
    """A page for a signed-in visitor: never stored by a CDN or kept by the browser."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def public_headers(response, etag: str):
    """Headers that let a CDN and browsers keep an anonymous public page."""
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PUBLIC_PAGE_MAX_AGE,
        s_maxage=settings.PUBLIC_PAGE_SHARED_MAX_AGE,
        stale_while_revalidate=settings.PUBLIC_PAGE_STALE_WHILE_REVALIDATE,
        stale_if_error=settings.PUBLIC_PAGE_STALE_IF_ERROR,
    )
    response["ETag"] = etag
    patch_vary_headers(response, PUBLIC_VARY)
    return response


def not_modified(etag: str):
    response = HttpResponseNotModified()
    return public_headers(response, etag)


def public_http(view):
    """For a public HTML view outside the page cache: the same HTTP caching headers."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if not is_anonymous_request(request):
            return private_headers(response)
        if response.status_code != 200 or response.streaming:
            return response
        etag = body_etag(response.content)
        if etag_listed(request.headers.get("If-None-Match"), etag):
            return not_modified(etag)
        return public_headers(response, etag)

    return wrapped


def public_page(view):
    """Serve a snapshot-only public view from the per-process page cache when anonymous."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        full_path = request.get_full_path()
        if request.method not in ("GET", "HEAD") or not is_anonymous_request(request):
            return private_headers(view(request, *args, **kwargs))
        if len(full_path) > MAX_KEY_LENGTH:
            return public_http(view)(request, *args, **kwargs)
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
                etag=body_etag(body),
            )
            _store(key, page)
        if etag_listed(request.headers.get("If-None-Match"), page.etag):
            return not_modified(page.etag)
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
        return public_headers(response, page.etag)

    return wrapped
