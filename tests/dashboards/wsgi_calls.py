"""Call a WSGI app as a server would: the snapshot fast path and Django's own handler."""

from __future__ import annotations

import io

from django.core.handlers.wsgi import WSGIHandler

from dashboards.wsgi import snapshot_fast_path

URL = "/data/snapshot.json"


def call(app, *, method="GET", host="localhost", https=False, headers=None, path=URL):
    """One request through a WSGI app: (status, headers, body) as the server would send them."""
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "443" if https else "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https" if https else "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if host is not None:
        environ["HTTP_HOST"] = host
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started["status"], started["headers"] = status, response_headers

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    if method == "HEAD":
        body = b""  # the server sends no body to HEAD (Django's handler leaves that to it)
    status = int(started["status"].split(" ", 1)[0])
    return status, sorted((k.lower(), v) for k, v in started["headers"]), body


class Spy:
    """A WSGI app that counts the requests it is handed."""

    def __init__(self, app):
        self.app, self.calls = app, 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.app(environ, start_response)


def apps():
    """Django's WSGI handler, the same handler behind the fast path, and what it handed over.

    Built inside the test, after its settings: Django's middleware reads them when loaded.
    """
    django_app = WSGIHandler()
    handed_over = Spy(django_app)
    return django_app, snapshot_fast_path(handed_over), handed_over


def header(headers, name):
    values = [v for k, v in headers if k == name.lower()]
    return values[0] if values else None
