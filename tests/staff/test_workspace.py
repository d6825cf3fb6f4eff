"""The staff workspace: recording changes with evidence, four eyes, history, stale saves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pledges import services
from pledges.models import (
    CapabilityStatus,
    NationalStrategy,
    Pledge,
    PledgeEvent,
    SecurityEvent,
)
from pledges.roles import Role
from pledges.selectors import country_public_changelog
from tests.factories import UserFactory, country, event_kwargs
from tests.staff import signed_in, with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pledge_form(**overrides):
    data = {
        "to_status": "pledged",
        "event_date": "2026-03-01",
        "source_url": "https://example.org/press",
        "source_title": "Press release",
        "source_publisher": "Ministry of ICT",
        "source_date": "2026-03-01",
        "note": "",
        "reason": "Announced at the launch",
    }
    data.update(overrides)
    return data


# --- Access -----------------------------------------------------------------------------------


def test_the_workspace_is_for_signed_in_staff_only(client, charlie, alice_client):
    # when / then: anonymous visitors are sent to sign in
    response = client.get("/en/staff/")
    assert response.status_code == 302 and "/en/accounts/login/" in response["Location"]
    # a signed-in non-staff user is refused
    assert signed_in(charlie).get("/en/staff/").status_code == 403
    # staff get in
    assert alice_client.get("/en/staff/").status_code == 200


def test_a_viewer_cannot_record_changes(db):
    viewer = with_role(UserFactory(username="vera"), Role.VIEWER)
    response = signed_in(viewer).post("/en/staff/countries/KEN/pledge/new/", pledge_form())
    assert response.status_code == 403
    assert not PledgeEvent.objects.exists()


# --- Recording a change with evidence ---------------------------------------------------------


def test_an_editor_records_a_pledge_change_as_a_draft(alice_client, editor, verifier):
    # when
    response = alice_client.post("/en/staff/countries/KEN/pledge/new/", pledge_form())
    # then
    assert response.status_code == 302
    event = PledgeEvent.objects.get()
    assert (event.review_state, event.to_status, event.created_by) == ("draft", "pledged", editor)
    assert not Pledge.objects.public().exists()
    assert event.history.first().history_change_reason == "Announced at the launch"
    # and it waits for the verifier, not for its author
    bob_home = signed_in(verifier).get("/en/staff/").content.decode()
    assert "Kenya: No information → Pledged" in bob_home
    alice_home = alice_client.get("/en/staff/").content.decode()
    assert "My drafts" in alice_home and "Kenya: No information → Pledged" in alice_home


def test_evidence_can_be_an_uploaded_pdf(alice_client):
    document = SimpleUploadedFile("decision.pdf", PDF, content_type="application/pdf")
    response = alice_client.post(
        "/en/staff/countries/KEN/pledge/new/",
        pledge_form(source_url="", source_document=document),
    )
    assert response.status_code == 302
    event = PledgeEvent.objects.get()
    assert event.source_document.name.endswith(".pdf")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.pdf", b"just some text, not a PDF", "content is none of these"),
        ("photo.pdf", PNG, "does not match its content"),
        ("script.png", b"<script>alert(1)</script>", "content is none of these"),
    ],
)
def test_evidence_type_is_checked_by_content_not_name(alice_client, name, content, message):
    # SEC-05
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = alice_client.post(
        "/en/staff/countries/KEN/pledge/new/", pledge_form(source_url="", source_document=upload)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PledgeEvent.objects.exists()


def test_evidence_larger_than_the_limit_is_refused(alice_client, settings):
    # SEC-05: the limit is 10 MB; a smaller limit keeps the test fast.
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048, content_type="application/pdf")
    response = alice_client.post(
        "/en/staff/countries/KEN/pledge/new/", pledge_form(source_url="", source_document=upload)
    )
    assert "the limit is" in response.content.decode()
    assert not PledgeEvent.objects.exists()


def test_a_change_needs_a_source_and_no_future_date(alice_client):
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = alice_client.post(
        "/en/staff/countries/KEN/pledge/new/", pledge_form(source_url="", event_date=tomorrow)
    )
    html = response.content.decode()
    assert "Give a source link or upload a document." in html
    assert "in the future" in html
    assert not PledgeEvent.objects.exists()


def test_an_editor_updates_a_capability_and_the_strategy(alice_client):
    # when
    r1 = alice_client.post(
        "/en/staff/countries/KEN/capabilities/mnr-11/new/",
        {"status": "in_place", "source_url": "https://example.org/helpline"},
    )
    r2 = alice_client.post(
        "/en/staff/countries/KEN/strategy/new/",
        {
            "status": "adopted",
            "title": "National child online protection strategy",
            "year": "2024",
            "source_url": "https://example.org/strategy",
        },
    )
    # then
    assert (r1.status_code, r2.status_code) == (302, 302)
    assert CapabilityStatus.objects.get().review_state == "draft"
    assert NationalStrategy.objects.get().review_state == "draft"
    assert not CapabilityStatus.objects.current().exists()


# --- Four eyes --------------------------------------------------------------------------------


def test_a_verifier_verifies_and_the_change_becomes_public(alice_client, bob_client, verifier):
    alice_client.post("/en/staff/countries/KEN/pledge/new/", pledge_form())
    event = PledgeEvent.objects.get()
    url = reverse("staff:review_detail", args=["pledge-event", event.pk])
    # when
    response = bob_client.post(url, {"decision": "verify", "lock_version": event.lock_version})
    # then
    assert response.status_code == 302
    assert Pledge.objects.public().get(country__iso3="KEN").status == "pledged"
    logged = SecurityEvent.objects.get(kind="verification")
    assert logged.user == verifier and logged.detail == {
        "record": "pledges.pledgeevent",
        "id": event.pk,
    }


def test_the_author_cannot_verify_their_own_change(alice):
    # given an admin (who may verify) logs a change
    admin = with_role(alice, Role.ADMIN)
    client = signed_in(admin)
    client.post("/en/staff/countries/KEN/pledge/new/", pledge_form())
    event = PledgeEvent.objects.get()
    url = reverse("staff:review_detail", args=["pledge-event", event.pk])
    # then the review page says so, and a forged POST is refused
    assert "a different person must review it" in client.get(url).content.decode()
    response = client.post(url, {"decision": "verify", "lock_version": event.lock_version})
    assert response.status_code == 403
    assert "a different person must verify it" in response.content.decode()
    assert not PledgeEvent.objects.public().exists()
    # and their own change is not in their verification queue
    assert "Kenya" not in client.get("/en/staff/review/").content.decode()


def test_an_editor_has_no_verification_queue(alice_client):
    assert alice_client.get("/en/staff/review/").status_code == 403


def test_a_returned_change_goes_back_to_the_author_with_the_comment(
    alice_client, bob_client, verifier
):
    alice_client.post("/en/staff/countries/KEN/pledge/new/", pledge_form())
    event = PledgeEvent.objects.get()
    url = reverse("staff:review_detail", args=["pledge-event", event.pk])
    # a return needs a comment
    response = bob_client.post(url, {"decision": "return", "lock_version": 1, "comment": ""})
    assert "Say what needs fixing." in response.content.decode()
    # when
    bob_client.post(url, {"decision": "return", "lock_version": 1, "comment": "Link is dead."})
    # then
    event.refresh_from_db()
    assert (event.review_state, event.review_comment) == ("returned", "Link is dead.")
    home = alice_client.get("/en/staff/").content.decode()
    assert "Link is dead." in home
    assert SecurityEvent.objects.filter(kind="returned", user=verifier).count() == 1
    # and the author revises it: it is a draft again
    edit = reverse("staff:draft_edit", args=["pledge-event", event.pk])
    response = alice_client.post(
        edit, pledge_form(source_url="https://example.org/live", lock_version=event.lock_version)
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.review_state, event.source_url) == ("draft", "https://example.org/live")


def test_only_the_author_may_revise_a_draft(alice_client, editor):
    other = with_role(UserFactory(username="dora"), Role.EDITOR)
    event = services.pledge_event_create(country=country("KEN"), user=editor, **event_kwargs())
    edit = reverse("staff:draft_edit", args=["pledge-event", event.pk])
    assert signed_in(other).get(edit).status_code == 403


# --- Optimistic locking (AUD-03) ----------------------------------------------------------------


def test_a_stale_revision_is_refused_and_shows_what_changed(editor):
    # given the author has the draft open in two browser windows
    event = services.pledge_event_create(country=country("KEN"), user=editor, **event_kwargs())
    edit = reverse("staff:draft_edit", args=["pledge-event", event.pk])
    first, second = signed_in(editor), signed_in(editor)
    loaded = first.get(edit).context["form"]["lock_version"].value()
    # when the second window saves a new source first
    second.post(
        edit,
        pledge_form(
            to_status="in_dialogue",
            event_date="2026-03-01",
            source_url="https://example.org/theirs",
            lock_version=loaded,
        ),
    )
    # and the first window saves on the version it loaded
    response = first.post(
        edit,
        pledge_form(
            to_status="in_dialogue",
            event_date="2026-03-01",
            source_url="https://example.org/yours",
            lock_version=loaded,
        ),
    )
    # then it is refused with the field, theirs and yours, and a link to the newer version
    assert response.status_code == 409
    changes = response.context["stale_changes"]
    assert [(c.field, c.before, c.after) for c in changes] == [
        ("source_url", "https://example.org/theirs", "https://example.org/yours")
    ]
    html = response.content.decode()
    assert "someone else changed this" in html and f'href="{edit}"' in html
    # and nothing was overwritten
    event.refresh_from_db()
    assert event.source_url == "https://example.org/theirs"


def test_a_verifier_cannot_verify_a_draft_that_changed_since_they_opened_it(editor, verifier):
    event = services.pledge_event_create(country=country("KEN"), user=editor, **event_kwargs())
    review = reverse("staff:review_detail", args=["pledge-event", event.pk])
    bob = signed_in(verifier)
    loaded = bob.get(review).context["form"]["lock_version"].value()
    # when the author changes the status in the meantime
    signed_in(editor).post(
        reverse("staff:draft_edit", args=["pledge-event", event.pk]),
        pledge_form(to_status="declined", lock_version=loaded),
    )
    response = bob.post(review, {"decision": "verify", "lock_version": loaded})
    # then
    assert response.status_code == 409
    changes = {c.field: (c.before, c.after) for c in response.context["stale_changes"]}
    assert changes["to_status"] == ("Declined", "In dialogue")  # theirs, what bob saw
    assert not PledgeEvent.objects.public().exists()


# --- The country page, changelog and history ----------------------------------------------------


def test_the_public_changelog_has_verified_changes_with_sources_only(editor, verifier):
    kenya = country("KEN")
    verified = services.pledge_event_create(
        country=kenya, user=editor, **event_kwargs(to_status="in_dialogue")
    )
    services.pledge_event_verify(
        event=verified, user=verifier, expected_lock_version=verified.lock_version
    )
    services.pledge_event_create(
        country=kenya, user=editor, **event_kwargs(to_status="pledged", source_title="Draft")
    )
    # when
    entries = country_public_changelog(country=kenya)
    # then
    assert [(e.kind, e.before, e.after) for e in entries] == [
        ("pledge", "No information", "In dialogue")
    ]
    assert entries[0].source_url == "https://example.org/source"
    assert entries[0].source_title == "Press release"
    assert not hasattr(entries[0], "created_by") and not hasattr(entries[0], "verified_by")


@pytest.mark.parametrize("changes", [1, 6])
def test_the_public_changelog_makes_three_queries(
    django_assert_num_queries, editor, verifier, changes
):
    kenya = country("KEN")
    for n in range(changes):
        event = services.pledge_event_create(
            country=kenya,
            user=editor,
            **event_kwargs(
                to_status=["in_dialogue", "pledged"][n % 2], event_date=dt.date(2026, 1, n + 1)
            ),
        )
        services.pledge_event_verify(
            event=event, user=verifier, expected_lock_version=event.lock_version
        )
    # 1 pledge events, 2 capability statuses (with capabilities), 3 strategies
    with django_assert_num_queries(3):
        entries = country_public_changelog(country=kenya)
    assert len(entries) == changes


def test_the_country_history_says_who_when_before_after_and_why(alice_client, bob_client):
    alice_client.post("/en/staff/countries/KEN/pledge/new/", pledge_form())
    event = PledgeEvent.objects.get()
    bob_client.post(
        reverse("staff:review_detail", args=["pledge-event", event.pk]),
        {"decision": "verify", "lock_version": 1},
    )
    # when
    response = alice_client.get("/en/staff/countries/KEN/history/")
    # then
    entries = response.context["entries"]
    whos = {e.who for e in entries}
    assert {"alice", "bob"} <= whos
    verification = next(e for e in entries if e.who == "bob" and e.what == "pledge status change")
    assert ("review_state", "Draft, awaiting verification", "Verified") in [
        (c.field, c.before, c.after) for c in verification.changes
    ]
    pledge_change = next(e for e in entries if e.what == "pledge" and e.action == "changed")
    assert ("status", "—", "Pledged") in [
        (c.field, c.before, c.after) for c in pledge_change.changes
    ]
    assert "Announced at the launch" in response.content.decode()


def test_the_country_workspace_shows_drafts_and_the_changelog(alice_client, editor, verifier):
    event = services.pledge_event_create(country=country("KEN"), user=editor, **event_kwargs())
    services.pledge_event_verify(
        event=event, user=verifier, expected_lock_version=event.lock_version
    )
    services.pledge_event_create(
        country=country("KEN"), user=editor, **event_kwargs(to_status="pledged")
    )
    html = alice_client.get("/en/staff/countries/KEN/").content.decode()
    assert "Open change:" in html and "Pledged" in html
    assert "Public changelog" in html and "https://example.org/source" in html
    assert html.count("/capabilities/mnr-") == 21
