"""The import pages: upload, a dry-run preview, apply; a template CSV per kind."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pledges.models import PledgeEvent, SecurityEvent
from staff.imports import IMPORTERS

pytestmark = pytest.mark.django_db

HEADER = "country,status,date,source_url,source_title,source_publisher,source_date,note"


def csv_bytes(*lines: str, bom: bool = False) -> bytes:
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def test_the_import_index_lists_every_kind_in_order(alice_client):
    html = alice_client.get("/en/staff/imports/").content.decode()
    positions = [html.index(f"/en/staff/imports/{key}/") for key in IMPORTERS]
    assert list(IMPORTERS) == ["pledge-statuses", "capability-statuses", "partners"]
    assert positions == sorted(positions)


def test_upload_preview_then_apply_in_the_browser_flow(alice_client, editor):
    content = csv_bytes(HEADER, "Vietnam,pledged,2026-03-01,https://example.org/a,,,,", bom=True)
    upload = SimpleUploadedFile("statuses.csv", content, content_type="text/csv")
    # when: uploaded, a preview and nothing else
    response = alice_client.post(
        "/en/staff/imports/pledge-statuses/", {"file": upload}, follow=True
    )
    html = response.content.decode()
    assert "No information → Pledged" in html and "Apply the import" in html
    assert not PledgeEvent.objects.exists()
    # when: applied
    sha = response.context["sha256"]
    response = alice_client.post("/en/staff/imports/pledge-statuses/apply/", {"sha256": sha})
    # then
    assert response.status_code == 302
    assert PledgeEvent.objects.get().pledge.country_id == "VNM"
    event = SecurityEvent.objects.get(kind="import")
    assert event.user == editor
    assert event.detail["rows_applied"] == 1 and event.detail["filename"] == "statuses.csv"
    # and the staged file is gone: applying twice does nothing
    again = alice_client.post("/en/staff/imports/pledge-statuses/apply/", {"sha256": sha})
    assert again.status_code == 302 and PledgeEvent.objects.count() == 1


def test_a_file_with_bad_rows_shows_them_and_cannot_be_applied(alice_client):
    content = csv_bytes(HEADER, "Narnia,pledged,2026-03-01,https://example.org/a,,,,")
    upload = SimpleUploadedFile("bad.csv", content, content_type="text/csv")
    response = alice_client.post(
        "/en/staff/imports/pledge-statuses/", {"file": upload}, follow=True
    )
    html = response.content.decode()
    assert "Line 2" in html and "Unknown country" in html
    assert "Apply the import" not in html
    forged = alice_client.post(
        "/en/staff/imports/pledge-statuses/apply/", {"sha256": response.context["sha256"]}
    )
    assert forged.status_code == 400 and not PledgeEvent.objects.exists()


def test_the_template_csv_downloads(alice_client):
    response = alice_client.get("/en/staff/imports/partners/template.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").startswith("name,slug,type,")


def test_a_verifier_cannot_import(bob_client):
    assert bob_client.get("/en/staff/imports/").status_code == 403


def test_a_workbook_with_two_sheets_is_imported_from_the_sheet_chosen(alice_client):
    """The upload form has a sheet choice; the staged file remembers it until applied."""
    from pathlib import Path

    content = (Path(__file__).parents[1] / "pledges/import_files/two_sheets.xlsx").read_bytes()

    def upload(**data):
        file = SimpleUploadedFile("regions.xlsx", content)
        return alice_client.post(
            "/en/staff/imports/pledge-statuses/", {"file": file, **data}, follow=True
        )

    refused = upload().content.decode()
    assert "data on 2 sheets (East, West)" in refused and "Apply the import" not in refused
    response = upload(sheet="West")
    assert "Ghana (GHA)" in response.content.decode()
    applied = alice_client.post(
        "/en/staff/imports/pledge-statuses/apply/", {"sha256": response.context["sha256"]}
    )
    assert applied.status_code == 302
    assert PledgeEvent.objects.get().pledge.country_id == "GHA"


def test_the_queue_filters_by_batch_and_a_batch_is_verified_record_by_record(
    alice_client, bob_client, editor
):
    """Item 6: an import batch in the review queue; "Verify this batch" verifies each of its
    drafts through the four-eyes service, each logged; the importer cannot verify it."""
    import hashlib

    from pledges.models import Pledge

    content = csv_bytes(
        HEADER,
        "KEN,pledged,2026-03-01,https://example.org/a,,,,",
        "UGA,in_dialogue,2026-03-01,https://example.org/b,,,,",
    )
    other = csv_bytes(HEADER, "TZA,pledged,2026-03-01,https://example.org/c,,,,")
    for name, data in (("east.csv", content), ("other.csv", other)):
        upload = SimpleUploadedFile(name, data, content_type="text/csv")
        sha = alice_client.post(
            "/en/staff/imports/pledge-statuses/", {"file": upload}, follow=True
        ).context["sha256"]
        alice_client.post("/en/staff/imports/pledge-statuses/apply/", {"sha256": sha})
    batch = hashlib.sha256(content).hexdigest()
    assert PledgeEvent.objects.filter(import_batch=batch).count() == 2
    # the queue narrowed to the batch shows its two drafts, not the other file's
    page = bob_client.get("/en/staff/review/", {"batch": batch})
    assert [i.record.pledge.country_id for i in page.context["items"]] == ["KEN", "UGA"]
    assert len(page.context["batch_items"]) == 2
    assert "Verify this batch (2 changes)" in page.content.decode()

    # other filters: by kind, author and region
    def listed(**query):
        return [
            (i.kind.key, i.record.pk)
            for i in bob_client.get("/en/staff/review/", query).context["items"]
        ]

    ours = {("pledge-event", e.pk) for e in PledgeEvent.objects.all()}
    assert set(listed(region="Africa")) >= ours
    assert not set(listed(region="Europe")) & ours
    assert {kind for kind, _pk in listed(kind="partner")} <= {"partner"}
    assert set(listed(author="alice")) == ours
    assert listed(author="nobody") == []
    items = [
        f"pledge-event:{i.record.pk}:{i.record.lock_version}" for i in page.context["batch_items"]
    ]
    # the importer cannot verify their own batch: nothing offered, a forged POST refused
    assert alice_client.get("/en/staff/review/", {"batch": batch}).status_code == 403
    alice_client.post("/en/staff/review/batch/verify/", {"batch": batch, "item": items})
    assert not PledgeEvent.objects.public().exists()
    # when the verifier verifies the batch
    response = bob_client.post("/en/staff/review/batch/verify/", {"batch": batch, "item": items})
    assert response.status_code == 302
    verified = PledgeEvent.objects.public().filter(import_batch=batch)
    assert verified.count() == 2 and all(e.verified_by.username == "bob" for e in verified)
    assert SecurityEvent.objects.filter(kind="verification").count() == 2
    assert Pledge.objects.get(country_id="KEN").status == "pledged"
    # the other file's draft is untouched
    assert PledgeEvent.objects.get(pledge__country_id="TZA").review_state == "draft"


def test_a_stale_record_of_a_batch_is_not_verified(alice_client, bob_client):
    import hashlib

    content = csv_bytes(HEADER, "KEN,pledged,2026-03-01,https://example.org/a,,,,")
    upload = SimpleUploadedFile("k.csv", content, content_type="text/csv")
    sha = alice_client.post(
        "/en/staff/imports/pledge-statuses/", {"file": upload}, follow=True
    ).context["sha256"]
    alice_client.post("/en/staff/imports/pledge-statuses/apply/", {"sha256": sha})
    event = PledgeEvent.objects.get()
    batch = hashlib.sha256(content).hexdigest()
    stale = f"pledge-event:{event.pk}:{event.lock_version + 5}"
    bob_client.post("/en/staff/review/batch/verify/", {"batch": batch, "item": [stale]})
    event.refresh_from_db()
    assert event.review_state == "draft"
