"""Serve the public snapshot in front of Django, the way whitenoise serves static files.

The snapshot is the one document a launch-day crowd (and every embed) fetches. It needs
no session, no user, no CSRF, no template: only the bytes, their ETag and the headers the
Django view sends (dashboards.views.snapshot_json, which stays the reference and serves it
under the test client and runserver). Skipping the middleware stack here lets a worker
answer it several times faster. Anything else, and any method but GET/HEAD, goes to Django.
"""

from __future__ import annotations

from django.conf import settings

SNAPSHOT_PATH = "/data/snapshot.json"


def _headers(snapshot, etag: str, encoding: str, length: int | None) -> list[tuple[str, str]]:
    from dashboards.views import SNAPSHOT_CACHE_CONTROL

    headers = [
        ("Content-Type", "application/json; charset=utf-8"),
        ("ETag", etag),
        ("Cache-Control", SNAPSHOT_CACHE_CONTROL),
        ("Vary", "Accept-Encoding"),
        ("X-Snapshot-As-Of", snapshot.as_of),
        # What the middleware would add to this response (CORS for /data/, SEC-01..03).
        ("Access-Control-Allow-Origin", "*"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", settings.SECURE_REFERRER_POLICY),
        ("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY),
        ("X-Frame-Options", settings.X_FRAME_OPTIONS),
        ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
        ("Permissions-Policy", settings.PERMISSIONS_POLICY),
    ]
    if getattr(settings, "SECURE_HSTS_SECONDS", 0) and not settings.DEBUG:
        headers.append(("Strict-Transport-Security", f"max-age={settings.SECURE_HSTS_SECONDS}"))
    if encoding:
        headers.append(("Content-Encoding", encoding))
    if snapshot.from_last_good_copy:
        headers.append(("X-Snapshot-Source", "last-good-copy"))
    if length is not None:
        headers.append(("Content-Length", str(length)))
    return headers


def snapshot_fast_path(application):
    """Wrap a WSGI application so GET/HEAD /data/snapshot.json skips Django's stack."""

    def app(environ, start_response):
        if environ.get("PATH_INFO") != SNAPSHOT_PATH or environ.get("REQUEST_METHOD") not in (
            "GET",
            "HEAD",
        ):
            return application(environ, start_response)
        # HTTPS redirect and allowed hosts stay Django's job: only plain, valid requests.
        if settings.SECURE_SSL_REDIRECT and environ.get("wsgi.url_scheme") != "https":
            return application(environ, start_response)
        from dashboards.snapshot import snapshot_current
        from dashboards.views import if_none_match

        snapshot = snapshot_current()
        accept = environ.get("HTTP_ACCEPT_ENCODING", "")
        body, encoding, etag = snapshot.body, "", snapshot.etag
        if "br" in accept and snapshot.body_br:
            body, encoding, etag = snapshot.body_br, "br", etag[:-1] + '-br"'
        elif "gzip" in accept and snapshot.body_gzip:
            body, encoding, etag = snapshot.body_gzip, "gzip", etag[:-1] + '-gz"'
        if if_none_match(environ.get("HTTP_IF_NONE_MATCH", ""), snapshot.etag):
            start_response("304 Not Modified", _headers(snapshot, etag, "", None))
            return [b""]
        start_response("200 OK", _headers(snapshot, etag, encoding, len(body)))
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    return app
