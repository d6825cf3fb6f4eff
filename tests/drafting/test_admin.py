"""The admin shows co-drafting read-only, and a facilitator only their own sessions."""

from __future__ import annotations

import pytest

from drafting import services
from tests.drafting.conftest import child
from tests.staff import signed_in

pytestmark = pytest.mark.django_db

PAGES = (
    "/admin/drafting/draftingsession/",
    "/admin/drafting/participant/",
    "/admin/drafting/suggestion/",
)


def test_a_facilitator_reads_their_own_sessions_only_and_changes_nothing(session, fay, fred):
    # AUTH-04, CH-01: no join code or link token in the admin
    participant, token = child(session, fay)
    services.suggestion_submit(participant=participant, clause_key="", text="Admin idea")
    for page in PAGES:
        mine = signed_in(fay).get(page)
        assert mine.status_code == 200, page
        assert session.title in mine.content.decode(), page
        theirs = signed_in(fred).get(page)
        assert theirs.status_code == 200, page
        assert session.title not in theirs.content.decode(), page
    detail = signed_in(fay).get(f"/admin/drafting/participant/{participant.pk}/change/")
    assert detail.status_code == 200
    body = detail.content.decode()
    assert participant.token_hash not in body and token not in body
    session_page = signed_in(fay).get(f"/admin/drafting/draftingsession/{session.pk}/change/")
    assert session.join_code not in session_page.content.decode()
    assert signed_in(fay).get("/admin/drafting/draftingsession/add/").status_code == 403
