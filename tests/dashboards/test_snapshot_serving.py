"""Serving /data/snapshot.json: the WSGI fast path and the Django view answer alike (issue 8).

The fast path (dashboards/wsgi.py) answers in front of Django's middleware; the view answers
under the test client, ASGI and any request the fast path hands over. Both are driven here
through WSGI with the same environ: Django's own WSGIHandler on one side, the same handler
wrapped by the fast path on the other.
"""

from __future__ import annotations

import gzip

import brotli
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from dashboards import snapshot as snapshot_module
from tests.dashboards.wsgi_calls import URL, apps, call, header

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django's WSGIHandler closes connections per request; the test's transaction must stay.

    (django.test.Client does the same for its own handler.)
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _fresh_process():
    """Each test starts as a new worker process would: no snapshot in memory."""
    snapshot_module._memo.update(snapshot=None, token=None)
    yield
    snapshot_module._memo.update(snapshot=None, token=None)


@pytest.fixture
def production(settings):
    """The production security settings (config/settings.py with DEBUG off), behind TLS."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["pledge.example.org"]
    return settings


# --- (a) Parity: the fast path and the view send the same status, headers and bytes ----------

ETAG = "<etag>"  # replaced by the snapshot's ETag
REQUESTS = {
    "plain": {},
    "gzip": {"accept-encoding": "gzip"},
    "br": {"accept-encoding": "br"},
    "browser": {"accept-encoding": "gzip, deflate, br, zstd"},
    "br refused": {"accept-encoding": "br;q=0, gzip"},
    "br refused, nothing else": {"accept-encoding": "br;q=0"},
    "gzip preferred by q": {"accept-encoding": "br;q=0.4, gzip;q=0.8"},
    "br preferred by q": {"accept-encoding": "gzip;q=0.5, br;q=1"},
    "star": {"accept-encoding": "*"},
    "star but br": {"accept-encoding": "*, br;q=0"},
    "identity": {"accept-encoding": "identity"},
    "empty": {"accept-encoding": ""},
    "revalidate, matching": {"if-none-match": ETAG},
    "revalidate, weak and in a list, br": {
        "if-none-match": '"other", W/' + ETAG,
        "accept-encoding": "br",
    },
    "revalidate, star": {"if-none-match": "*"},
    "revalidate, not matching": {"if-none-match": '"0123456789abcdef"'},
    "cross-origin": {"origin": "https://partner.example", "accept-encoding": "gzip, br"},
    "a language and a cookie": {"accept-language": "fr", "cookie": "django_language=es"},
    "a visitor's session": {"cookie": "sessionid=<session>"},
}


def request_headers(name: str, etag: str) -> dict[str, str]:
    headers = {k: v.replace(ETAG, etag) for k, v in REQUESTS[name].items()}
    if "<session>" in headers.get("cookie", ""):
        session = SessionStore()
        session["seen"] = True
        session.create()
        headers["cookie"] = headers["cookie"].replace("<session>", session.session_key)
    return headers


@pytest.mark.parametrize("name", list(REQUESTS))
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_fast_path_and_view_answer_alike(name, method):
    # given
    django_app, fast_app, handed_over = apps()
    headers = request_headers(name, header(call(django_app)[1], "etag"))
    # when
    by_django = call(django_app, method=method, headers=headers)
    by_fast_path = call(fast_app, method=method, headers=headers)
    # then
    assert by_fast_path == by_django
    assert by_fast_path[0] in (200, 304)
    assert handed_over.calls == 0  # the fast path answered it, not Django


@pytest.mark.parametrize("tls", ["ended by a proxy", "ended by the app server"])
@pytest.mark.parametrize(
    "name", ["plain", "browser", "br refused", "revalidate, matching", "cross-origin"]
)
def test_fast_path_and_view_answer_alike_in_production(production, name, tls):
    # given
    django_app, fast_app, handed_over = apps()
    proxy = tls == "ended by a proxy"
    https = {"x-forwarded-proto": "https"} if proxy else {}
    site = {"host": "pledge.example.org", "https": not proxy}
    etag = header(call(django_app, headers=https, **site)[1], "etag")
    headers = request_headers(name, etag) | https
    # when
    by_django = call(django_app, headers=headers, **site)
    by_fast_path = call(fast_app, headers=headers, **site)
    # then
    assert by_fast_path == by_django
    assert handed_over.calls == 0  # behind the TLS proxy too, the fast path answered
    assert header(by_fast_path[1], "strict-transport-security") == (
        "max-age=31536000; includeSubDomains; preload"
    )


@pytest.mark.parametrize("name", ["plain", "browser", "revalidate, matching", "cross-origin"])
def test_fast_path_and_view_answer_alike_with_debug_on(settings, name):
    # make demo runs the fast path too (runserver serves config.wsgi.application)
    settings.DEBUG = True
    django_app, fast_app, handed_over = apps()
    headers = request_headers(name, header(call(django_app)[1], "etag"))
    assert call(fast_app, headers=headers) == call(django_app, headers=headers)
    assert handed_over.calls == 0


def test_fast_path_leaves_plain_http_to_djangos_redirect_in_production(production):
    django_app, fast_app, handed_over = apps()
    by_django = call(django_app, host="pledge.example.org")
    assert by_django[0] == 301
    assert call(fast_app, host="pledge.example.org") == by_django
    assert handed_over.calls == 1


@pytest.mark.parametrize("host", ["evil.example", "pledge.example.org.evil.example", None])
def test_fast_path_and_view_refuse_a_foreign_host_alike(production, host):
    django_app, fast_app, handed_over = apps()
    headers = {"x-forwarded-proto": "https"}
    by_django = call(django_app, host=host, headers=headers)
    assert by_django[0] == 400
    assert call(fast_app, host=host, headers=headers) == by_django
    assert handed_over.calls == 1


def test_snapshot_headers_are_those_of_the_document_not_of_the_visitor():
    # given a visitor with a language and a session cookie
    django_app, _, _ = apps()
    headers = {"accept-language": "fr", "cookie": "sessionid=abc; django_language=es"}
    # when
    _, sent, _ = call(django_app, headers=headers)
    # then the one document is shared by every visitor: a CDN keeps one copy per encoding
    assert header(sent, "vary") == "Accept-Encoding, Origin"
    assert header(sent, "content-language") is None
    assert header(sent, "content-security-policy") == "default-src 'none'; frame-ancestors 'none'"
    assert header(sent, "set-cookie") is None


# --- (c) The failure cases of issue 8, each on the fast path --------------------------------


def test_fast_path_does_not_answer_for_a_foreign_host():
    # given
    _, fast_app, handed_over = apps()
    # when
    status, headers, body = call(fast_app, host="attacker.example")
    # then Django answers, and refuses it
    assert handed_over.calls == 1
    assert status == 400
    assert header(headers, "etag") is None
    assert b'"states"' not in body


def test_fast_path_sends_hsts_as_django_does(production):
    # given TLS ended by the app server itself (no proxy header)
    _, fast_app, handed_over = apps()
    # when
    _, headers, _ = call(fast_app, host="pledge.example.org", https=True)
    # then
    assert handed_over.calls == 0
    assert header(headers, "strict-transport-security") == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_fast_path_sends_no_hsts_over_plain_http(settings):
    # HSTS over plain HTTP is ignored by browsers, and Django does not send it there.
    settings.SECURE_HSTS_SECONDS = 31_536_000
    _, fast_app, _ = apps()
    _, headers, _ = call(fast_app)
    assert header(headers, "strict-transport-security") is None


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [
        ("br;q=0, gzip", "gzip"),
        ("br;q=0", None),
        ("gzip, br;q=0", "gzip"),
        ("br;q=0.0, gzip;q=0.1", "gzip"),
        ("*, br;q=0", "gzip"),
        ("br;q=0.4, gzip;q=0.8", "gzip"),
        ("gzip;q=0, br;q=0", None),
        ("identity", None),
        ("abr, xgzip", None),
        ("gzip;q=0.5, br;q=1", "br"),
        ("GZIP", "gzip"),
    ],
)
def test_accept_encoding_q_values_are_respected(client, accept, encoding):
    # given
    plain = client.get(URL).content
    _, fast_app, _ = apps()
    # when
    by_view = client.get(URL, headers={"accept-encoding": accept})
    _, headers, body = call(fast_app, headers={"accept-encoding": accept})
    # then
    assert by_view.get("Content-Encoding") == encoding
    assert header(headers, "content-encoding") == encoding
    decode = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[encoding]
    assert decode(body) == plain
    assert by_view.content == body


# --- The live document takes the same fast path (issue 11) -----------------------------------

LIVE = "/data/live.json"
LIVE_REQUESTS = [
    "plain",
    "browser",
    "revalidate, matching",
    "revalidate, star",
    "revalidate, not matching",
    "cross-origin",
    "a language and a cookie",
    "a visitor's session",
]


@pytest.mark.parametrize("name", LIVE_REQUESTS)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_live_fast_path_and_view_answer_alike(name, method):
    # given
    django_app, fast_app, handed_over = apps()
    etag = header(call(django_app, path=LIVE)[1], "etag")
    headers = request_headers(name, etag)
    # when
    by_django = call(django_app, method=method, headers=headers, path=LIVE)
    by_fast_path = call(fast_app, method=method, headers=headers, path=LIVE)
    # then
    assert by_fast_path == by_django
    assert by_fast_path[0] == (304 if name.startswith("revalidate, m") or "star" in name else 200)
    assert handed_over.calls == 0  # the fast path answered it, not Django


@pytest.mark.parametrize("name", ["plain", "revalidate, matching", "cross-origin"])
def test_live_fast_path_and_view_answer_alike_in_production(production, name):
    django_app, fast_app, handed_over = apps()
    site = {"host": "pledge.example.org", "https": True}
    etag = header(call(django_app, path=LIVE, **site)[1], "etag")
    headers = request_headers(name, etag)
    by_django = call(django_app, headers=headers, path=LIVE, **site)
    by_fast_path = call(fast_app, headers=headers, path=LIVE, **site)
    assert by_fast_path == by_django
    assert handed_over.calls == 0


def test_live_document_carries_no_visitor_headers():
    # one copy for every viewer: a CDN must not keep one per cookie or language
    django_app, _, _ = apps()
    status, headers, _ = call(
        django_app, path=LIVE, headers={"cookie": "django_language=es", "accept-language": "fr"}
    )
    assert status == 200
    assert header(headers, "vary") == "Origin"
    assert header(headers, "set-cookie") is None
    assert header(headers, "content-language") is None


def test_live_fast_path_leaves_a_foreign_host_to_django(production):
    _, fast_app, handed_over = apps()
    status, _, _ = call(fast_app, path=LIVE, host="evil.example", https=True)
    assert status == 400
    assert handed_over.calls == 1


def test_a_repeated_live_poll_is_answered_from_the_answer_just_worked_out(monkeypatch):
    # given a poll answered 304 by the fast path
    from dashboards import snapshot as snapshot_mod

    calls = []
    real = snapshot_mod.snapshot_current
    monkeypatch.setattr(snapshot_mod, "snapshot_current", lambda: calls.append(1) or real())
    django_app, fast_app, handed_over = apps()
    etag = header(call(django_app, path=LIVE)[1], "etag")
    first = call(fast_app, path=LIVE, headers={"if-none-match": etag})
    checked = len(calls)
    # when the same poll comes again at once
    again = call(fast_app, path=LIVE, headers={"if-none-match": etag})
    # then it gets the same answer without another look at the snapshot
    assert first[0] == 304 and again == first
    assert len(calls) == checked
    assert handed_over.calls == 0


def test_a_change_reaches_a_repeated_live_poll_once_the_repeat_window_is_over(monkeypatch):
    # given a poll answered 304, remembered for the repeat window
    import datetime as dt

    from dashboards import wsgi
    from dashboards.snapshot import snapshot_refresh
    from pledges import services
    from pledges.roles import Role
    from tests.factories import UserFactory, country, event_kwargs
    from tests.staff import with_role

    django_app, fast_app, _ = apps()
    etag = header(call(django_app, path=LIVE)[1], "etag")
    assert call(fast_app, path=LIVE, headers={"if-none-match": etag})[0] == 304
    # when a pledge is verified and the window is over
    author = with_role(UserFactory(), Role.EDITOR)
    event = services.pledge_event_create(
        country=country("KEN"), user=author, **event_kwargs(event_date=dt.date(2026, 1, 10))
    )
    services.record_verify(
        record=event, user=with_role(UserFactory(), Role.VERIFIER), expected_lock_version=1
    )
    snapshot_refresh()
    monkeypatch.setattr(wsgi, "LIVE_REPEAT_SECONDS", 0)
    # then the same poll gets the new document
    status, headers, body = call(fast_app, path=LIVE, headers={"if-none-match": etag})
    assert status == 200
    assert header(headers, "etag") != etag
    assert b'"KEN"' in body
