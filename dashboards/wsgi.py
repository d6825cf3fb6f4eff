"""Serve the public snapshot and the live document in front of Django, as whitenoise serves
static files.

The snapshot is the one document a launch-day crowd (and every embed) fetches. It needs no
session, no user, no CSRF, no template: only the bytes, their ETag and the headers. Skipping
the middleware stack lets a worker answer it several times faster. The answer itself is
dashboards.snapshot_http.snapshot_answer, the very function the Django view
(dashboards.views.snapshot_json) sends; the fast path adds the headers the middleware would
have added (DjangoStack). A request the middleware would treat otherwise (a foreign Host, a
plain-HTTP request to redirect, ...) and any method but GET/HEAD go to Django.

The live document (/data/live.json, issue 11) is what every open map, counter and event wall
polls every few seconds on launch day: almost every poll is a revalidation answered 304.
dashboards.live.live_answer answers it, the function the view sends.
"""

from __future__ import annotations

from http import HTTPStatus

from dashboards.live import LIVE_PATH
from dashboards.snapshot_http import SNAPSHOT_PATH

FAST_PATHS = (SNAPSHOT_PATH, LIVE_PATH)
# A live poll whose answer was just worked out is answered again, for this long, from what
# that answer was: the 5 s promise allows a quarter of a second, and a crowd polling the
# same document then costs a dictionary look-up per request instead of a snapshot check.
LIVE_REPEAT_SECONDS = 0.25
_REPEAT_KEYS = 16  # different hosts/schemes/ETags remembered at once (more: forget them all)


def snapshot_fast_path(application):
    """Wrap a WSGI application so GET/HEAD of the snapshot and live document skip Django's stack.

    Call it once Django is set up (config/wsgi.py does, after get_wsgi_application()).
    """
    import time

    from django.core.handlers.wsgi import WSGIRequest
    from django.db import DatabaseError

    from dashboards.live import live_answer, live_document
    from dashboards.snapshot import snapshot_current
    from dashboards.snapshot_http import DjangoStack, snapshot_answer

    stack = DjangoStack()
    # (Host, scheme, X-Forwarded-Proto, If-None-Match) -> (headers of the 304, when worked out)
    repeats: dict[tuple, tuple[list, float]] = {}

    def app(environ, start_response):
        path = environ.get("PATH_INFO")
        if path not in FAST_PATHS or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return application(environ, start_response)
        key = None
        if path == LIVE_PATH and "HTTP_ORIGIN" not in environ:
            key = (
                environ.get("HTTP_HOST"),
                environ.get("wsgi.url_scheme"),
                environ.get("HTTP_X_FORWARDED_PROTO"),
                environ.get("HTTP_IF_NONE_MATCH"),
            )
            repeat = repeats.get(key) if key[3] else None
            if repeat is not None and time.monotonic() - repeat[1] < LIVE_REPEAT_SECONDS:
                start_response("304 Not Modified", repeat[0])
                return [b""]
        # The request as Django would see it: its Host check, is_secure() and headers.
        request = WSGIRequest(environ)
        if not stack.passes(request):
            return application(environ, start_response)
        try:
            snapshot = snapshot_current()
        except DatabaseError:
            # No snapshot and no last good copy: Django answers its error page.
            return application(environ, start_response)
        if path == LIVE_PATH:
            answer = live_answer(
                live_document(snapshot),
                method=request.method,
                if_none_match=environ.get("HTTP_IF_NONE_MATCH"),
            )
        else:
            answer = snapshot_answer(
                snapshot,
                method=request.method,
                accept_encoding=environ.get("HTTP_ACCEPT_ENCODING"),
                if_none_match=environ.get("HTTP_IF_NONE_MATCH"),
            )
        status = HTTPStatus(answer.status)
        headers = answer.headers + stack.response_headers(request)
        if key is not None and answer.status == 304:
            if len(repeats) >= _REPEAT_KEYS:
                repeats.clear()
            repeats[key] = (headers, time.monotonic())
        start_response(f"{status.value} {status.phrase}", headers)
        return [answer.body]

    return app
