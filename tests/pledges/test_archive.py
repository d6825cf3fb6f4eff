"""Export everything → import into an empty database gives back identical data (OPS-01)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from campaign.services import engagement_create
from pledges import services
from pledges.archive import archive_export, archive_import
from pledges.models import PledgeEvent, SecurityEvent
from tests.factories import country, event_kwargs

pytestmark = pytest.mark.django_db

SKIPPED = {"contenttypes.contenttype", "auth.permission", "sessions.session"}


def natural(model, pk):
    if pk is None:
        return None
    obj = model._base_manager.get(pk=pk)
    return obj.natural_key()


def every_row() -> dict[str, list[dict]]:
    """Every table's rows (history and many-to-many tables included), ids as stored.

    References to content types and permissions are compared by natural key: `migrate`
    gives them ids of its own in each database.
    """
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower in SKIPPED or not model._meta.managed:
            continue
        mapped = [
            f
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model in (ContentType, Permission)
        ]
        rows = []
        for row in model._base_manager.order_by("pk").values():
            for f in mapped:
                row[f.attname] = natural(f.related_model, row[f.attname])
            if model._meta.auto_created:
                # A many-to-many link has no identity of its own (Django's serializers
                # carry links, not their surrogate ids): compare the links themselves.
                row.pop("id")
            rows.append(row)
        if model._meta.auto_created:
            rows.sort(key=repr)
        tables[model._meta.db_table] = rows
    return tables


def database_empty() -> None:
    """Flush inside the test's transaction: a migrated database with no data."""
    if connection.vendor == "postgresql":
        # TRUNCATE refuses tables with deferred foreign-key checks still pending.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", "--no-input", verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def registry_with_history(editor, verifier):
    kenya = country("KEN")
    event = services.pledge_event_create(
        country=kenya,
        user=editor,
        source_document=SimpleUploadedFile("decision.pdf", b"%PDF-1.4 test"),
        reason="From the ministry",
        **event_kwargs(to_status="pledged", source_url=""),
    )
    services.pledge_event_verify(
        event=event, user=verifier, expected_lock_version=event.lock_version
    )
    draft = services.pledge_event_create(
        country=kenya, user=editor, **event_kwargs(to_status="strategy_adopted")
    )
    services.review_return(
        record=draft,
        user=verifier,
        comment="Which strategy?",
        expected_lock_version=draft.lock_version,
    )
    # A document replaced in a draft is named only in the record's history.
    revised = services.pledge_event_create(
        country=country("FRA"),
        user=editor,
        source_document=SimpleUploadedFile("first.pdf", b"%PDF-1.4 first"),
        **event_kwargs(source_url=""),
    )
    services.review_draft_update(
        record=revised,
        user=editor,
        expected_lock_version=revised.lock_version,
        values={"source_document": SimpleUploadedFile("second.pdf", b"%PDF-1.4 second")},
    )
    engagement_create(
        user=editor,
        country=kenya,
        institution="Ministry of ICT",
        date=event.event_date,
        channel="meeting",
        outcome="Agreed to pledge.",
    )
    return event


def test_export_then_import_into_an_empty_database_gives_identical_data(
    registry_with_history, tmp_path
):
    # given
    before = every_row()
    assert before["pledges_historicalpledgeevent"] and before["auth_group_permissions"]
    buffer = io.BytesIO()
    # when
    manifest = archive_export(target=buffer)
    database_empty()
    (tmp_path / "evidence").rename(tmp_path / "old-evidence")
    buffer.seek(0)
    archive_import(source=buffer)
    # then every table is as it was, row for row
    after = every_row()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    assert manifest["counts"]["pledges.historicalpledgeevent"] == len(
        before["pledges_historicalpledgeevent"]
    )
    # and the uploaded evidence came back to its storage, replaced documents included
    event = PledgeEvent.objects.get(pk=registry_with_history.pk)
    assert event.source_document.read() == b"%PDF-1.4 test"
    first = PledgeEvent.history.get(source_document__endswith="/first.pdf").source_document
    with storages["evidence"].open(first) as handle:
        assert handle.read() == b"%PDF-1.4 first"
    assert len(manifest["media"]) == 3  # decision.pdf, first.pdf, second.pdf
    # and new records get fresh ids (the sequences were reset after the import)
    newer = services.pledge_event_create(
        country=country("FRA"), user=event.created_by, **event_kwargs()
    )
    assert newer.pk > max(row["id"] for row in before["pledges_pledgeevent"])


def test_the_archive_is_versioned_with_a_manifest(registry_with_history):
    buffer = io.BytesIO()
    archive_export(target=buffer)
    with zipfile.ZipFile(buffer) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
    assert manifest["format_version"] == 1
    assert {"created_at", "counts", "migrations", "models"} <= manifest.keys()
    assert "data/pledges.pledgeevent.json" in names
    assert "data/pledges.historicalpledgeevent.json" in names
    assert "data/campaign.historicalengagement.json" in names
    assert manifest["counts"]["pledges.country"] == 195


def test_import_refuses_a_database_that_is_not_empty(tmp_path):
    path = tmp_path / "export.zip"
    call_command("export_data", str(path), verbosity=0)
    events = PledgeEvent.objects.count()
    refusal = r"not empty.*pledges.country: 195.*Nothing was imported"
    with pytest.raises(CommandError, match=refusal):
        call_command("import_data", str(path))
    assert PledgeEvent.objects.count() == events


def test_export_and_import_are_security_events(tmp_path, capsys):
    path = tmp_path / "export.zip"
    # when
    call_command("export_data", str(path))
    # then the export is logged (and is inside the archive it made)
    assert SecurityEvent.objects.filter(kind="export").count() == 1
    assert "Exported" in capsys.readouterr().out
    database_empty()
    call_command("import_data", str(path))
    assert SecurityEvent.objects.filter(kind="export").count() == 1
    imported = SecurityEvent.objects.get(kind="import")
    assert imported.detail["via"] == "import_data" and imported.detail["file"] == "export.zip"


def test_a_file_that_is_not_an_archive_is_refused(tmp_path):
    path = tmp_path / "nonsense.zip"
    path.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="not an export archive"):
        call_command("import_data", str(path))
