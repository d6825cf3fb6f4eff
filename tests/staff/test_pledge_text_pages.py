"""The pledge text in the staff workspace (issue 9): an editor starts and edits the next
version, a verifier publishes it from the queue with the clause diff, and a published
version offers no form and refuses a POST."""

from __future__ import annotations

import pytest

from pledges.models import PledgeText, ReviewState
from tests.staff import signed_in

pytestmark = pytest.mark.django_db


def draft() -> PledgeText:
    return PledgeText.objects.exclude(review_state=ReviewState.VERIFIED).get()


def post(client, text, **data):
    return client.post(
        f"/en/staff/pledge-text/{text.version}/", {"lock_version": text.lock_version, **data}
    )


def test_an_editor_drafts_the_next_version_and_a_verifier_publishes_it(editor, verifier):
    alice, bob = signed_in(editor), signed_in(verifier)
    page = alice.get("/en/staff/pledge-text/")
    assert "Start the next version" in page.content.decode()
    response = alice.post("/en/staff/pledge-text/new/")
    assert response.status_code == 302 and response["Location"] == "/en/staff/pledge-text/2/"
    text = draft()
    clause = text.clauses.get(number=2)
    response = post(
        alice,
        text,
        action="clause-update",
        clause=clause.pk,
        formal_text=clause.formal_text,
        child_text="We will make a plan to keep you safe online.",
        change_note="Simpler words, from the children's session in Nairobi.",
    )
    assert response.status_code == 302
    text = draft()
    response = post(
        alice,
        text,
        action="clause-add",
        formal_text="We commit to report.",
        child_text="We tell you.",
        position="1",
    )
    assert response.status_code == 302
    text = draft()
    response = post(
        alice,
        text,
        action="details",
        title=text.title,
        status="open",
        changelog="Simpler words; a clause on reporting.",
    )
    assert response.status_code == 302
    edit = alice.get("/en/staff/pledge-text/2/").content.decode()
    assert "Reading ease" in edit and "What changed since version 1" in edit
    assert "<ins>" in edit and "<del>" in edit
    # the verifier sees it in the queue, with the diff, and publishes it
    queue = bob.get("/en/staff/review/").content.decode()
    assert "Version 2" in queue
    text = draft()
    review = bob.get(f"/en/staff/review/pledge-text/{text.pk}/").content.decode()
    assert "What changed since version 1" in review and "Added" in review
    response = bob.post(
        f"/en/staff/review/pledge-text/{text.pk}/",
        {"decision": "verify", "lock_version": text.lock_version},
    )
    assert response.status_code == 302
    text = PledgeText.objects.get(version=2)
    assert text.review_state == ReviewState.VERIFIED and text.verified_by == verifier


def test_the_author_cannot_publish_their_own_version(editor, verifier):
    # an editor who is also a verifier (admin) still needs a second person
    from tests.factories import UserFactory
    from tests.staff import with_role

    admin = with_role(UserFactory(username="ada"), "admin")
    client = signed_in(admin)
    client.post("/en/staff/pledge-text/new/")
    text = draft()
    review = client.get(f"/en/staff/review/pledge-text/{text.pk}/")
    assert "you cannot verify or return it" in review.content.decode()
    response = client.post(
        f"/en/staff/review/pledge-text/{text.pk}/",
        {"decision": "verify", "lock_version": text.lock_version},
    )
    assert response.status_code == 403
    assert draft().review_state == ReviewState.DRAFT


def test_a_published_version_shows_no_form_and_refuses_a_post(editor):
    alice = signed_in(editor)
    text = PledgeText.objects.get(version=1)
    page = alice.get("/en/staff/pledge-text/1/").content.decode()
    assert "It can no longer be changed" in page and 'name="action"' not in page
    clause = text.clauses.first()
    response = post(
        alice, text, action="clause-update", clause=clause.pk, formal_text="x", child_text="x"
    )
    assert response.status_code == 400
    assert "cannot be changed" in response.content.decode()
    assert PledgeText.objects.get(version=1).clauses.first().formal_text == clause.formal_text


def test_a_stale_edit_keeps_what_the_editor_typed(editor):
    alice = signed_in(editor)
    alice.post("/en/staff/pledge-text/new/")
    text = draft()
    clause = text.clauses.first()
    seen = text.lock_version
    post(alice, text, action="clause-move", clause=clause.pk, position="3")
    response = alice.post(
        "/en/staff/pledge-text/2/",
        {
            "lock_version": seen,
            "action": "clause-update",
            "clause": clause.pk,
            "formal_text": "My careful new wording",
            "child_text": "Mine",
        },
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone changed this version" in body and "My careful new wording" in body


def test_bad_input_is_a_clear_error(editor):
    alice = signed_in(editor)
    alice.post("/en/staff/pledge-text/new/")
    text = draft()
    response = post(alice, text, action="clause-add", formal_text="", child_text="x")
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    response = post(alice, text, action="explode")
    assert response.status_code == 400
    response = post(alice, text, action="clause-remove", clause="999999")
    assert response.status_code == 404
    assert alice.get("/en/staff/pledge-text/99/").status_code == 404


def test_a_viewer_reads_but_cannot_change(viewer_client):
    client, _user = viewer_client
    page = client.get("/en/staff/pledge-text/1/")
    assert page.status_code == 200 and 'name="action"' not in page.content.decode()
    assert client.post("/en/staff/pledge-text/new/").status_code == 403


def test_a_viewers_forged_edit_of_a_draft_is_refused_and_logged(viewer_client, editor):
    """The refusal's security-log row is written outside the edit's transaction: it used to
    be rolled back with it, so the attempt left no trace at all (issue 15)."""
    from pledges.models import SecurityEvent

    signed_in(editor).post("/en/staff/pledge-text/new/")
    client, vera = viewer_client
    text = draft()
    response = post(
        client, text, action="details", title="Vera's title", status="draft", changelog="x"
    )
    assert response.status_code == 403
    assert draft().title == text.title
    denied = SecurityEvent.objects.get(kind="permission_denied", user=vera)
    assert denied.detail["action"] == "change" and denied.detail["id"] == text.pk


@pytest.fixture
def viewer_client(db):
    from tests.factories import UserFactory
    from tests.staff import with_role

    user = with_role(UserFactory(username="vera"), "viewer")
    return signed_in(user), user


def test_the_version_page_makes_the_same_queries_at_two_sizes(editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pledges import services

    alice = signed_in(editor)
    text = services.pledge_text_next_version(user=editor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert alice.get(f"/en/staff/pledge-text/{text.version}/").status_code == 200
        return len(captured)

    queries()  # once to warm the caches a first request fills (the demo-data flag)
    small = queries()
    for n in range(20):
        current = PledgeText.objects.get(pk=text.pk)
        services.pledge_clause_add(
            text=current,
            user=editor,
            expected_lock_version=current.lock_version,
            formal_text=f"Formal {n}",
            child_text=f"Child {n}",
        )
    assert queries() == small
