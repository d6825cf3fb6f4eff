"""Evidence documents: private storage, random names, opened only by who may see them.

Issue 8, item 5. In production /media/ answered 404 (a verifier could not open the evidence,
the API published dead `document_url`s); in the demo a draft's document was served to
anyone at a guessable URL (upload month + original file name).
"""

from __future__ import annotations

import importlib.util
import re
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.core.files.storage import InMemoryStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve
from django.utils import timezone
from rest_framework.test import APIClient

from pledges import services
from pledges.models import PledgeEvent
from pledges.roles import Role
from tests.factories import country, event_kwargs
from tests.staff import signed_in, with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 the ministry's decision"
RANDOM_NAME = re.compile(r"^[0-9a-f]{32}/[^/]+$")


def upload(name: str = "decision.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def draft_create(user, *, document=None, iso3: str = "KEN") -> PledgeEvent:
    return services.pledge_event_create(
        country=country(iso3),
        user=user,
        source_document=document or upload(),
        **event_kwargs(to_status="pledged", source_url=""),
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def draft(editor):
    """Alice's draft pledge event, with an uploaded PDF, not yet verified."""
    return draft_create(editor)


@pytest.fixture
def published(draft, verifier):
    """The same event, verified by Bob: public."""
    return services.pledge_event_verify(
        event=draft, user=verifier, expected_lock_version=draft.lock_version
    )


@pytest.fixture
def demo_urls(settings, monkeypatch):
    """The URLs as `make demo` builds them (DEBUG on when config/urls.py is loaded)."""
    settings.DEBUG = True
    # Loading config.urls again wraps the admin login again: keep the real one.
    monkeypatch.setattr(admin.site, "login", admin.site.login)
    spec = importlib.util.find_spec("config.urls")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    settings.ROOT_URLCONF = module
    return module


# --- Production (DEBUG off): the evidence opens for those who may see it ------------------------


def test_a_verifier_opens_a_drafts_document_in_production(draft, bob_client, alice_client):
    # when Bob, reviewing Alice's draft, follows its document link
    response = bob_client.get(draft.source_document.url)
    # then he gets the document
    assert response.status_code == 200
    assert body(response) == PDF
    # and so does Alice, its author
    assert body(alice_client.get(draft.source_document.url)) == PDF


def test_the_apis_document_url_of_a_verified_record_resolves(published):
    # given the API's record of the verified event
    record = APIClient().get(f"/api/v1/pledge-events/{published.pk}/").json()
    document_url = record["source"]["document_url"]
    assert document_url.startswith("http://testserver/")
    # when anyone follows its document_url
    response = Client().get(urlsplit(document_url).path)
    # then it is the document
    assert response.status_code == 200
    assert body(response) == PDF


def test_a_verified_document_is_served_to_anonymous_users(published, client):
    response = client.get(published.source_document.url)
    assert response.status_code == 200
    assert body(response) == PDF
    # a public document may be kept by browsers and a CDN for a few minutes
    assert response["Cache-Control"] == "public, max-age=300"


def test_a_public_document_costs_four_queries_at_most(published, client, django_assert_num_queries):
    url = published.source_document.url
    # 1 query: is a verified pledge event's document called so? (found: no further query)
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200
    # 4 queries for an unknown name: one per kind of record with evidence
    # (pledge events, capability statuses, national strategies, progress reports (issue
    # 11)); no permission query
    with django_assert_num_queries(4):
        assert client.get(url.replace(".pdf", "-other.pdf")).status_code == 404


# --- Nobody else opens it, and nobody can guess it ------------------------------------------------


def test_anonymous_gets_404_for_a_drafts_document(draft, client):
    response = client.get(draft.source_document.url)
    assert response.status_code == 404
    # the same answer as for a name that never existed: nothing tells that it does
    unknown = client.get(draft.source_document.url.replace(".pdf", "-x.pdf"))
    assert unknown.status_code == 404
    assert response.content == unknown.content


def test_in_the_demo_a_drafts_document_is_served_to_nobody(draft, demo_urls, client):
    # given the demo's URLs (DEBUG on)
    uploaded = timezone.localdate()
    # when a stranger asks for the draft's document, at its URL or the one it used to have
    responses = [
        client.get(draft.source_document.url),
        client.get(f"/media/evidence/{uploaded:%Y/%m}/decision.pdf"),
        client.get(f"/media/{draft.source_document.name}"),
    ]
    # then nothing is served
    assert [r.status_code for r in responses] == [404, 404, 404]


def test_staff_without_the_view_permission_and_outsiders_get_404(draft, charlie, db):
    facilitator = with_role(
        type(charlie).objects.create_user("fran", "fran@example.org", is_staff=True),
        Role.FACILITATOR,
    )
    for user in (charlie, facilitator):
        response = signed_in(user).get(draft.source_document.url)
        assert response.status_code == 404, user


def test_a_returned_records_document_is_not_public(draft, verifier, client, bob_client):
    services.review_return(
        record=draft,
        user=verifier,
        comment="Which decision?",
        expected_lock_version=draft.lock_version,
    )
    assert client.get(draft.source_document.url).status_code == 404
    assert bob_client.get(draft.source_document.url).status_code == 200


def test_a_document_becomes_public_when_its_record_is_verified(draft, verifier, client):
    # a 404 answered before verification is not kept by any cache
    assert client.get(draft.source_document.url).status_code == 404
    services.pledge_event_verify(
        event=draft, user=verifier, expected_lock_version=draft.lock_version
    )
    assert client.get(draft.source_document.url).status_code == 200


def test_a_replaced_document_stays_open_to_staff_only(editor, verifier, client, bob_client):
    # given Alice replaces the document of her draft
    event = draft_create(editor)
    first_url = event.source_document.url
    event = services.review_draft_update(
        record=event,
        user=editor,
        expected_lock_version=event.lock_version,
        values={"source_document": upload("decision-signed.pdf", b"%PDF-1.4 signed")},
        reason="The signed copy",
    )
    services.pledge_event_verify(
        event=event, user=verifier, expected_lock_version=event.lock_version
    )
    # then the earlier document, kept in the record's history, opens for staff only
    assert body(bob_client.get(first_url)) == PDF
    assert client.get(first_url).status_code == 404
    assert body(client.get(event.source_document.url)) == b"%PDF-1.4 signed"


def test_names_are_random_and_keep_the_original_file_name(editor):
    first = draft_create(editor).source_document.name
    second = draft_create(editor, iso3="FRA").source_document.name
    # 128 random bits each, then the original (sanitised) name for the download
    assert RANDOM_NAME.match(first) and RANDOM_NAME.match(second)
    assert first != second
    assert first.endswith("/decision.pdf") and second.endswith("/decision.pdf")


def test_a_file_name_is_sanitised_and_fits_the_column(editor):
    long_name = "Décision ministérielle <2026> " + "x" * 200 + ".pdf"
    name = draft_create(editor, document=upload(f"../../{long_name}")).source_document.name
    assert RANDOM_NAME.match(name)
    assert len(name) <= PledgeEvent._meta.get_field("source_document").max_length
    assert name.split("/")[1].startswith("Décision_ministérielle_2026_xxx")
    assert name.endswith(".pdf")
    assert ".." not in name and "<" not in name


def test_the_document_url_is_the_evidence_view_not_media(draft, settings):
    url = draft.source_document.url
    assert not url.startswith(settings.MEDIA_URL)
    assert resolve(url).url_name == "evidence_document"


# --- Headers ----------------------------------------------------------------------------------


def test_a_document_is_an_attachment_with_nosniff(draft, bob_client):
    response = bob_client.get(draft.source_document.url)
    assert response["Content-Disposition"] == 'attachment; filename="decision.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF))
    # a draft's document is for the signed-in reader alone, and kept nowhere
    assert response["Cache-Control"] == "private, no-store"
    assert "Cookie" in response["Vary"]


def test_a_non_ascii_file_name_is_given_per_rfc_6266(editor, bob_client):
    event = draft_create(editor, document=upload("Décision ministérielle.pdf"))
    response = bob_client.get(event.source_document.url)
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''D%C3%A9cision_minist%C3%A9rielle.pdf"
    )


def test_a_document_of_another_type_is_sent_as_bytes_not_html(editor, bob_client):
    # given a document that no upload form would take (say, saved by a script)
    event = draft_create(editor, document=upload("page.html", b"<script>alert(1)</script>"))
    # when it is opened
    response = bob_client.get(event.source_document.url)
    # then the browser is told it is opaque bytes to download, never a page to render
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="page.html"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_document_missing_from_storage_answers_404(draft, bob_client):
    storages["evidence"].delete(draft.source_document.name)
    assert bob_client.get(draft.source_document.url).status_code == 404


def test_only_get_and_head(draft, bob_client):
    assert bob_client.head(draft.source_document.url).status_code == 200
    assert bob_client.post(draft.source_document.url).status_code == 405


def test_a_path_outside_the_storage_answers_404(bob_client):
    for path in ("/evidence/../config/settings.py", "/evidence/%2e%2e/%2e%2e/etc/passwd"):
        assert bob_client.get(path).status_code == 404


# --- Storage through Django's storage API ---------------------------------------------------------


def test_the_storage_is_resolved_through_settings(settings, editor, bob_client, tmp_path):
    # given the evidence storage is configured as another backend (as S3 would be)
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    # when a document is uploaded
    event = draft_create(editor)
    # then that backend holds it, and nothing is written to disk
    backend = storages["evidence"]
    assert isinstance(backend, InMemoryStorage)
    assert backend.exists(event.source_document.name)
    assert not (tmp_path / "evidence").exists()
    # and the view serves it from there, at the same kind of URL
    assert resolve(event.source_document.url).url_name == "evidence_document"
    assert body(bob_client.get(event.source_document.url)) == PDF
