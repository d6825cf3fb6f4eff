"""The HTTP answer for /data/snapshot.json, shared by the Django view and the WSGI fast path.

`snapshot_answer` decides everything the snapshot's own view decides: the representation
(content coding chosen by the Accept-Encoding q-values), the status (304 when If-None-Match
names this version), the body and the response's headers. The view
(dashboards.views.snapshot_json) sends it through Django's middleware; the fast path
(dashboards.wsgi) sends it in front of the middleware, adding what `DjangoStack` says the
middleware would have added. tests/dashboards/test_snapshot_serving.py drives
both through WSGI and fails on the first status, header or byte that differs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.utils.http import parse_etags

if TYPE_CHECKING:
    from dashboards.snapshot import Snapshot

SNAPSHOT_PATH = "/data/snapshot.json"
SNAPSHOT_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=600, stale-if-error=86400"
# The document depends on the encoding asked for and, for the CORS header, on whether the
# request came with an Origin; on nothing else (no cookie, no language).
SNAPSHOT_VARY = "Accept-Encoding, Origin"
# A JSON document: nothing in it may load or run anything, nor be framed.
SNAPSHOT_CSP = "default-src 'none'; frame-ancestors 'none'"
CONTENT_TYPE = "application/json; charset=utf-8"
# Our order of preference among equally acceptable codings: brotli is the smaller.
CODINGS = ("br", "gzip")
ETAG_SUFFIX = {"br": "-br", "gzip": "-gz"}
# Identity, when the client names neither it nor "*": acceptable, but below any coding it
# names with q > 0 (q-values have at most three decimals, so 0.001 is the smallest).
IMPLICIT_IDENTITY_Q = 0.0005


@dataclass(frozen=True)
class SnapshotAnswer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def accept_encoding_parse(header: str) -> dict[str, float]:
    """Accept-Encoding as {coding: q} (RFC 9110 12.5.3); an entry with a bad q is dropped."""
    weights: dict[str, float] = {}
    for item in header.split(","):
        coding, _, params = item.partition(";")
        coding = coding.strip().lower()
        if not coding:
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = -1.0
                break
        if not 0.0 <= q <= 1.0:  # also drops nan and inf
            continue
        weights.setdefault("gzip" if coding == "x-gzip" else coding, q)
    return weights


def encoding_negotiate(header: str | None, *, available: Sequence[str] = CODINGS) -> str:
    """The content coding to send, from `available` in our order of preference; "" = identity.

    No header, or an empty one, gets identity (clients such as curl without --compressed).
    When nothing acceptable is left (`identity;q=0` with every coding refused), identity is
    still sent rather than a 406: a public document should always be readable.
    """
    if not header or not header.strip():
        return ""
    weights = accept_encoding_parse(header)
    star = weights.get("*")
    best, best_q = "", weights.get("identity", star if star is not None else IMPLICIT_IDENTITY_Q)
    for coding in reversed(available):  # the most preferred last, so that it wins ties
        q = weights.get(coding, star if star is not None else 0.0)
        if q > 0 and q >= best_q:
            best, best_q = coding, q
    return best


def etag_variant(etag: str, coding: str) -> str:
    """The ETag of one representation: each content coding has its own (RFC 9110 8.8.3)."""
    return etag[:-1] + ETAG_SUFFIX[coding] + '"' if coding else etag


def etag_matches(header: str | None, etag: str) -> bool:
    """Whether If-None-Match names this snapshot version, weakly, in any of its codings.

    The codings are the same document, so a client holding any of them is up to date (a proxy
    that compressed it itself may also send back a weakened W/ tag).
    """
    if not header:
        return False
    tags = parse_etags(header)
    if tags == ["*"]:
        return True
    versions = {etag, *(etag_variant(etag, coding) for coding in CODINGS)}
    return any(tag.removeprefix("W/") in versions for tag in tags)


def snapshot_answer(
    snapshot: Snapshot, *, method: str, accept_encoding: str | None, if_none_match: str | None
) -> SnapshotAnswer:
    """Status, headers and body for one GET or HEAD of the snapshot."""
    bodies = {"br": snapshot.body_br, "gzip": snapshot.body_gzip}
    coding = encoding_negotiate(accept_encoding, available=[c for c in CODINGS if bodies[c]])
    body = bodies[coding] if coding else snapshot.body
    headers = [
        ("ETag", etag_variant(snapshot.etag, coding)),
        ("Cache-Control", SNAPSHOT_CACHE_CONTROL),
        ("Vary", SNAPSHOT_VARY),
        ("Content-Security-Policy", SNAPSHOT_CSP),
        ("X-Snapshot-As-Of", snapshot.as_of),
    ]
    if snapshot.from_last_good_copy:
        headers.append(("X-Snapshot-Source", "last-good-copy"))
    if etag_matches(if_none_match, snapshot.etag):
        # As Django sends every 304: no Content-Type, and the length of the empty content.
        return SnapshotAnswer(304, [*headers, ("Content-Length", "0")], b"")
    headers.append(("Content-Type", CONTENT_TYPE))
    if coding:
        headers.append(("Content-Encoding", coding))
    headers.append(("Content-Length", str(len(body))))
    return SnapshotAnswer(200, headers, b"" if method == "HEAD" else body)


# --- What Django's middleware does to this request (the fast path skips it) -----------------


class DjangoStack:
    """What settings.MIDDLEWARE would do to a GET of the snapshot, for the fast path.

    Read from the settings once, as Django's middleware reads them when it is loaded.
    tests/dashboards/test_snapshot_serving.py fails the day a middleware adds or changes a
    header that this does not reproduce.
    """

    def __init__(self) -> None:
        from corsheaders.conf import conf as cors

        self.redirect = settings.SECURE_SSL_REDIRECT
        self.common_rules = bool(settings.PREPEND_WWW or settings.DISALLOWED_USER_AGENTS)
        # Only the public CORS set-up ("any origin, no credentials") is reproduced here.
        self.cors_reproduced = bool(
            cors.CORS_ALLOW_ALL_ORIGINS
            and not cors.CORS_ALLOW_CREDENTIALS
            and not cors.CORS_EXPOSE_HEADERS
            and not cors.CORS_ALLOW_PRIVATE_NETWORK
        )
        self.cors_regex = cors.CORS_URLS_REGEX
        # SecurityMiddleware: HSTS on secure requests only, then nosniff, Referrer-Policy, COOP.
        self.hsts = ""
        if settings.SECURE_HSTS_SECONDS:
            self.hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
            if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
                self.hsts += "; includeSubDomains"
            if settings.SECURE_HSTS_PRELOAD:
                self.hsts += "; preload"
        headers = []
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            headers.append(("X-Content-Type-Options", "nosniff"))
        policy = settings.SECURE_REFERRER_POLICY
        if policy:
            if isinstance(policy, str):
                policy = [v.strip() for v in policy.split(",")]
            headers.append(("Referrer-Policy", ",".join(policy)))
        if coop := settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            headers.append(("Cross-Origin-Opener-Policy", coop))
        # config.middleware.PermissionsPolicyMiddleware, XFrameOptionsMiddleware.
        headers.append(("Permissions-Policy", settings.PERMISSIONS_POLICY))
        headers.append(("X-Frame-Options", getattr(settings, "X_FRAME_OPTIONS", "DENY").upper()))
        self.headers = headers

    def passes(self, request) -> bool:
        """Whether the middleware would let this request reach the view unchanged.

        If not, the fast path hands it to Django: a foreign Host (Django answers 400; the
        check is request.get_host(), i.e. validate_host with ALLOWED_HOSTS as Django reads
        them), plain HTTP that SecurityMiddleware redirects, the CommonMiddleware rules, CORS
        settings other than the public ones.
        """
        try:
            request.get_host()
        except DisallowedHost:
            return False
        if self.redirect and not request.is_secure():
            return False
        return self.cors_reproduced and not self.common_rules

    def response_headers(self, request) -> list[tuple[str, str]]:
        """The headers the middleware adds to the snapshot (or live) view's response."""
        headers = self.headers
        if self.hsts and request.is_secure():
            headers = [("Strict-Transport-Security", self.hsts), *headers]
        origin = request.META.get("HTTP_ORIGIN")  # corsheaders: a valid Origin gets "*"
        if origin and re.match(self.cors_regex, request.path_info):
            try:
                urlsplit(origin)
            except ValueError:
                pass
            else:
                headers = [*headers, ("Access-Control-Allow-Origin", "*")]
        return headers


class SnapshotResponseMiddleware:
    """Keep the per-visitor parts of Django's responses off the snapshot, as the fast path does.

    Django adds to every response `Vary: Cookie` (the session was looked at: the MFA
    middleware asks who the user is), `Vary: Accept-Language` and `Content-Language`
    (LocaleMiddleware), and with SESSION_SAVE_EVERY_REQUEST a refreshed session cookie. The
    snapshot is one public document for every visitor and depends on none of them: with them,
    a CDN would keep a copy per visitor, and a `Cache-Control: public` response would carry a
    session cookie. Placed outside the session and locale middleware (before them in
    MIDDLEWARE); acts only on the response the snapshot view marks.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "is_public_snapshot", False):
            response.headers["Vary"] = getattr(response, "public_vary", SNAPSHOT_VARY)
            response.headers.pop("Content-Language", None)
            response.cookies.clear()
        return response
