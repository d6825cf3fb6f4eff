"""A class of 40 children behind one address submit in the same moment: all 40 stored, no
error (issue 10, "Concurrency and load"; CH-11). Real threads against a live server."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.core.management import call_command
from django.core.servers.basehttp import WSGIServer

from drafting import services
from drafting.models import Suggestion
from pledges.models import PledgeText, ReviewState
from tests.drafting.conftest import session_fields
from tests.factories import UserFactory
from tests.staff import with_role

CHILDREN = 40
# The live server's listen backlog: socketserver's default of 5 resets the 6th connection that
# arrives in the same instant (a production server such as gunicorn queues 2048). Set when this
# module is collected, before pytest-django starts the session's live server.
WSGIServer.request_queue_size = 128
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Child:
    """One phone: its own cookie jar, the same address (127.0.0.1) as every other."""

    def __init__(self, base: str, token: str):
        self.base = base
        self.token = token
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            NoRedirect(),
        )

    def open_form(self) -> str:
        with self.opener.open(f"{self.base}/draft/s/{self.token}/suggest/", timeout=60) as r:
            return CSRF_INPUT.search(r.read().decode()).group(1)

    def submit(self, csrf: str, text: str) -> int:
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": csrf, "clause_key": "", "text": text}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the live server, http only
            f"{self.base}/draft/s/{self.token}/suggest/",
            data=data,
            headers={"Referer": f"{self.base}/draft/s/{self.token}/suggest/"},
        )
        try:
            with self.opener.open(request, timeout=60) as r:
                return r.status
        except urllib.error.HTTPError as exc:
            return exc.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def classroom(transactional_db):
    """Transactional tests start from an empty database: the reference data, then 40 children
    let in to one open session."""
    call_command("load_reference_data", verbosity=0)
    fay = with_role(UserFactory(username="fay", email="fay@example.org"), "facilitator")
    text = PledgeText.objects.filter(review_state=ReviewState.VERIFIED).order_by("-version")[0]
    session = services.session_create(user=fay, **session_fields(text))
    session = services.session_open(session=session, user=fay, expected_lock_version=1)
    tokens = []
    for _ in range(CHILDREN):
        participant, token = services.participant_join(code=session.join_code)
        services.participant_admit(participant=participant, user=fay)
        tokens.append(token)
    return session, tokens


@pytest.mark.django_db(transaction=True)
def test_forty_children_behind_one_address_submit_at_once(classroom, live_server):
    # CH-11; issue 10: 40 stored, 0 errors, on SQLite and PostgreSQL. The 40 requests start
    # together (a barrier) from 40 threads, each with its own cookies, all from 127.0.0.1.
    _run_classroom(classroom, live_server.url)


def _run_classroom(classroom, base: str) -> None:
    session, tokens = classroom
    children = [Child(base, token) for token in tokens]
    forms = [c.open_form() for c in children]
    barrier = threading.Barrier(CHILDREN)
    statuses: list[int | str] = [0] * CHILDREN

    def go(n: int) -> None:
        try:
            barrier.wait(timeout=60)  # everyone presses "Send" in the same moment
            statuses[n] = children[n].submit(forms[n], f"Idea from child {n}")
        except Exception as exc:  # report it, don't hide it
            statuses[n] = repr(exc)

    threads = [threading.Thread(target=go, args=(n,)) for n in range(CHILDREN)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert statuses == [302] * CHILDREN, [s for s in statuses if s != 302]
    stored = set(Suggestion.objects.filter(session=session).values_list("text", flat=True))
    assert stored == {f"Idea from child {n}" for n in range(CHILDREN)}
