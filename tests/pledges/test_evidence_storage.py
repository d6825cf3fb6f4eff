"""The evidence storage: private, configured in settings, and older uploads moved into it."""

from __future__ import annotations

import importlib
import importlib.util
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.db import connection

from pledges import services
from pledges.models import PledgeEvent
from pledges.storage import evidence_file_name_clean, evidence_name_is_valid
from tests.config.test_settings import PRODUCTION, run_django
from tests.factories import country, event_kwargs

OLD_NAME = "evidence/2026/03/decision.pdf"


def test_the_default_evidence_folder_is_outside_media_root(tmp_path):
    result = run_django(
        "from django.conf import settings as s; "
        "print(s.STORAGES['evidence']['OPTIONS']['location']); print(s.MEDIA_ROOT)",
        **PRODUCTION,
    )
    evidence, media = result.stdout.split()
    assert not evidence.startswith(media)
    assert evidence.endswith("var/evidence")
    moved = run_django(
        "from django.core.files.storage import storages; print(storages['evidence'].location)",
        **PRODUCTION,
        EVIDENCE_ROOT=str(tmp_path),
    )
    assert moved.stdout.strip() == str(tmp_path)


def test_an_s3_bucket_is_one_setting_away():
    result = run_django(
        "from django.conf import settings as s; e = s.STORAGES['evidence']; "
        "print(e['BACKEND'], e['OPTIONS']['bucket_name'], e['OPTIONS']['default_acl'])",
        **PRODUCTION,
        EVIDENCE_S3_BUCKET="pledge-evidence",
    )
    if importlib.util.find_spec("storages") is None:
        # without django-storages installed, start-up says what to install
        assert result.returncode != 0
        assert "EVIDENCE_S3_BUCKET" in result.stderr.splitlines()[-1]
    else:
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == [
            "storages.backends.s3.S3Storage",
            "pledge-evidence",
            "private",
        ]


@pytest.mark.parametrize(
    ("uploaded", "kept"),
    [
        ("decision.pdf", "decision.pdf"),
        ("C:\\Users\\me\\My decision.pdf", "My_decision.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..", "document"),
        ("a" * 80 + ".jpeg", "a" * 62 + ".jpeg"),
    ],
)
def test_an_uploaded_file_name_is_kept_safely(uploaded, kept):
    assert evidence_file_name_clean(uploaded) == kept


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("0123456789abcdef0123456789abcdef/decision.pdf", True),
        ("../settings.py", False),
        ("a/../../b.pdf", False),
        ("/etc/passwd", False),
        ("a\\b.pdf", False),
        ("", False),
        ("x" * 101, False),
    ],
)
def test_a_requested_name_is_checked_before_any_query(name, valid):
    assert evidence_name_is_valid(name) is valid


# --- Documents uploaded before migration 0004 ---------------------------------------------------


def evidence_documents_move():
    migration = importlib.import_module("pledges.migrations.0004_evidence_storage")
    migration.evidence_documents_move(apps, SimpleNamespace(connection=connection))


@pytest.mark.django_db
def test_older_uploads_move_to_the_private_storage_under_random_names(
    settings, tmp_path, alice, django_capture_on_commit_callbacks
):
    # given a document uploaded before (guessable name, in MEDIA_ROOT) and one since lost
    settings.MEDIA_ROOT = tmp_path / "media"
    default_storage.save(OLD_NAME, ContentFile(b"%PDF-1.4 old"))
    event = services.pledge_event_create(country=country("KEN"), user=alice, **event_kwargs())
    lost = services.pledge_event_create(country=country("FRA"), user=alice, **event_kwargs())
    for pk, name in ((event.pk, OLD_NAME), (lost.pk, "evidence/2025/01/lost.pdf")):
        PledgeEvent._base_manager.filter(pk=pk).update(source_document=name)
        PledgeEvent.history.filter(id=pk).update(source_document=name)
    # when the migration runs
    with django_capture_on_commit_callbacks(execute=True):
        evidence_documents_move()
    # then the document is in the evidence storage under a random name
    event.refresh_from_db()
    new_name = event.source_document.name
    assert re.fullmatch(r"[0-9a-f]{32}/decision\.pdf", new_name)
    with storages["evidence"].open(new_name) as handle:
        assert handle.read() == b"%PDF-1.4 old"
    # and every history row names the new copy
    history = PledgeEvent.history.filter(id=event.pk).values_list("source_document", flat=True)
    assert set(history) == {new_name}
    # and the old, guessable file is gone once committed
    assert not default_storage.exists(OLD_NAME)
    # and a document that was not there keeps its name (nothing to move)
    lost.refresh_from_db()
    assert lost.source_document.name == "evidence/2025/01/lost.pdf"
    # and running it again changes nothing
    evidence_documents_move()
    event.refresh_from_db()
    assert event.source_document.name == new_name
