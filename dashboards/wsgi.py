"""Serve the public snapshot in front of Django, the way whitenoise serves static files.

The snapshot is the one document a launch-day crowd (and every embed) fetches. It needs no
session, no user, no CSRF, no template: only the bytes, their ETag and the headers. Skipping
the middleware stack lets a worker answer it several times faster. The answer itself is
dashboards.snapshot_http.snapshot_answer, the very function the Django view
(dashboards.views.snapshot_json) sends; the fast path adds the headers the middleware would
have added (DjangoStack). A request the middleware would treat otherwise (a foreign Host, a
plain-HTTP request to redirect, ...) and any method but GET/HEAD go to Django.
"""

from __future__ import annotations

from http import HTTPStatus

from dashboards.snapshot_http import SNAPSHOT_PATH


def snapshot_fast_path(application):
    """Wrap a WSGI application so GET/HEAD /data/snapshot.json skips Django's stack.

    Call it once Django is set up (config/wsgi.py does, after get_wsgi_application()).
    """
    from django.core.handlers.wsgi import WSGIRequest
    from django.db import DatabaseError

    from dashboards.snapshot import snapshot_current
    from dashboards.snapshot_http import DjangoStack, snapshot_answer

    stack = DjangoStack()

    def app(environ, start_response):
        if environ.get("PATH_INFO") != SNAPSHOT_PATH or environ.get("REQUEST_METHOD") not in (
            "GET",
            "HEAD",
        ):
            return application(environ, start_response)
        # The request as Django would see it: its Host check, is_secure() and headers.
        request = WSGIRequest(environ)
        if not stack.passes(request):
            return application(environ, start_response)
        try:
            snapshot = snapshot_current()
        except DatabaseError:
            # No snapshot and no last good copy: Django answers its error page.
            return application(environ, start_response)
        answer = snapshot_answer(
            snapshot,
            method=request.method,
            accept_encoding=environ.get("HTTP_ACCEPT_ENCODING"),
            if_none_match=environ.get("HTTP_IF_NONE_MATCH"),
        )
        status = HTTPStatus(answer.status)
        start_response(
            f"{status.value} {status.phrase}", answer.headers + stack.response_headers(request)
        )
        return [answer.body]

    return app
