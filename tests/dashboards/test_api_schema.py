"""The OpenAPI schema is valid and the API keeps every promise it makes (SEC-06)."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from tests.dashboards.open_data import publish

pytestmark = pytest.mark.django_db

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_spectacular_validate_fail_on_warn_passes(tmp_path):
    # when
    out = StringIO()
    target = tmp_path / "schema.yaml"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(target), stdout=out, stderr=out
    )
    # then
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Global Pledge Tracker open data API"


def test_every_operation_documents_every_status_it_can_return(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    operations = [
        (path, op) for path, item in schema["paths"].items() for method, op in item.items()
    ]
    assert len(operations) == 15  # with the index (issue 12) and the pledge text (issue 9)
    for path, op in operations:
        codes = set(op["responses"])
        # 400 everywhere: an unknown query parameter is refused on every endpoint
        assert {"200", "304", "400", "429"} <= codes, path
        if "{" in path:
            assert "404" in codes, path
        if any(p["in"] == "query" for p in op.get("parameters", [])):
            assert {"400", "404"} <= codes, path
        assert "Retry-After" in op["responses"]["429"]["headers"], path
        assert "ETag" in op["responses"]["200"]["headers"], path


def test_schemathesis_finds_nothing(live_server, alice, bob, settings, tmp_path):
    """Schemathesis (CLI) over the whole schema, all checks, against a live test server."""
    # given some published data, and no throttling in the way of the fuzzer
    settings.API_ANON_THROTTLE_RATE = "100000/min"
    settings.SNAPSHOT_DIR = tmp_path / "snapshot"
    publish(n=3, author=alice, verifier=bob)
    # when
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--no-color",
            "run",
            # 127.0.0.1, not localhost: no IPv6-first lookup on every request
            f"{live_server.url.replace('localhost', '127.0.0.1')}/api/schema/?format=json",
            "--checks",
            "all",
            "--max-examples",
            "5",
            "--seed",
            "20270209",
            "--workers",
            "1",
            "--request-timeout",
            "30",
        ],
        capture_output=True,
        text=True,
        timeout=540,
        cwd=tmp_path,
        check=False,
    )
    # then
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "15 selected / 15 total" in output  # with the index and the pledge text
