"""Evidence in an S3-compatible bucket: the same view, a setting away (django-storages).

Runs where the `s3` extra and moto are installed (`pip install ".[s3]" moto[s3]`); moto
answers S3 calls in-process, so nothing reaches the network.
"""

from __future__ import annotations

import pytest

pytest.importorskip("storages.backends.s3", reason="the s3 extra is not installed")
moto = pytest.importorskip("moto", reason="moto is not installed")

import boto3  # noqa: E402
from django.core.files.storage import storages  # noqa: E402

from tests.dashboards.test_evidence import PDF, body, draft_create  # noqa: E402

pytestmark = pytest.mark.django_db

BUCKET = "pledge-evidence-test"


@pytest.fixture
def s3_evidence(settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-only")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-only")
    with moto.mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        # What EVIDENCE_S3_BUCKET=pledge-evidence-test sets (config/settings.py).
        settings.STORAGES = {
            **settings.STORAGES,
            "evidence": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": "us-east-1",
                    "location": "evidence",
                    "default_acl": "private",
                    "file_overwrite": False,
                },
            },
        }
        yield client


def test_a_document_in_a_bucket_is_private_and_served_by_the_view(
    s3_evidence, editor, bob_client, client
):
    # when Alice uploads a document
    event = draft_create(editor)
    name = event.source_document.name
    # then the bucket holds it under the prefix, readable by its owner only
    key = f"evidence/{name}"
    assert s3_evidence.get_object(Bucket=BUCKET, Key=key)["Body"].read() == PDF
    grants = s3_evidence.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    # and its URL is still the evidence view's (not a bucket URL that skips the check)
    assert event.source_document.url == f"/evidence/{name}"
    assert type(storages["evidence"]).__name__ == "S3Storage"
    response = bob_client.get(event.source_document.url)
    assert response.status_code == 200
    assert body(response) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="decision.pdf"'
    assert client.get(event.source_document.url).status_code == 404
