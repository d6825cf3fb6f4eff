"""Imports in the background (issue 13, items 4 and 5): the file staged once by its SHA-256,
the job's page with its progress, the worker, atomicity, and no per-row queries."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pledges import imports, services
from pledges.imports import CapabilityStatusImporter, import_apply, import_plan
from pledges.models import (
    Capability,
    CapabilityStatus,
    Country,
    ImportFile,
    ImportJob,
    PledgeEvent,
    SecurityEvent,
)
from tests.staff import signed_in

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CAPABILITIES = CapabilityStatusImporter()
PLEDGE_HEADER = "country,status,date,source_url,source_title,source_publisher,source_date,note"


def capability_csv(states: int, capabilities: int = 21) -> bytes:
    """The benchmark's file, smaller: `states` x `capabilities` rows, every one a change."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["country", "capability", "status", "source_url", "source_title", "note"])
    for country in Country.objects.order_by("iso3")[:states]:
        for capability in Capability.objects.order_by("number")[:capabilities]:
            writer.writerow(
                [
                    country.iso3,
                    capability.key,
                    "in_development",
                    f"https://example.org/{country.iso3}/{capability.key}",
                    "Source",
                    "",
                ]
            )
    return out.getvalue().encode()


def upload(client, kind: str, content: bytes, name: str = "file.csv", **data):
    file = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(reverse("staff:import_upload", args=[kind]), {"file": file, **data})


# --- The staged file and the job's page ---------------------------------------------------------


def test_the_file_is_staged_once_by_its_sha256_and_never_in_the_session(alice_client):
    content = capability_csv(2, 3)
    # when: the same file is previewed twice
    first = upload(alice_client, "capability-statuses", content)
    second = upload(alice_client, "capability-statuses", content)
    # then: one staged file, two jobs; the session holds no file
    assert ImportFile.objects.get().sha256 == hashlib.sha256(content).hexdigest()
    assert ImportJob.objects.count() == 2
    assert first.status_code == second.status_code == 302
    assert all("import" not in key for key, _value in alice_client.session.items())
    assert len(repr(dict(alice_client.session.items()))) < 2000


def test_the_job_page_shows_the_preview_and_survives_a_reload(alice_client):
    response = upload(alice_client, "capability-statuses", capability_csv(2, 3))
    job = ImportJob.objects.get()
    assert response["Location"].endswith(f"?job={job.pk}")
    # when: the page is opened, then reloaded
    pages = [alice_client.get(response["Location"]) for _ in range(2)]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "No information → In development" in html and "Apply the import" in html
        assert 'http-equiv="refresh"' not in html  # done: nothing to follow
    assert job.rows_total == 0 or ImportJob.objects.get().rows_done == 6


def test_a_running_job_shows_rows_done_of_total_and_an_estimate(alice_client, editor):
    content = capability_csv(1, 4)
    job = imports.import_job_create(
        importer=CAPABILITIES, user=editor, action="preview", content=content, filename="b.csv"
    )
    ImportJob.objects.filter(pk=job.pk).update(
        state="running",
        rows_done=1000,
        rows_total=4000,
        started_at=timezone.now() - dt.timedelta(seconds=10),
    )
    url = reverse("staff:import_upload", args=["capability-statuses"])
    html = alice_client.get(url, {"job": job.pk}).content.decode()
    # without JavaScript: a refresh and a reload link; with it: a <progress> the script moves
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert "1,000 of 4,000 rows checked, about 30 s left" in html
    assert '<progress id="job-progress" max="4000" value="1000">' in html
    assert "Reload to see the progress" in html and "import_progress.js" in html
    progress = alice_client.get(
        reverse("staff:import_job_progress", args=["capability-statuses", job.pk])
    ).json()
    assert progress["rows_done"] == 1000 and progress["rows_total"] == 4000
    assert progress["seconds_left"] == 30 and not progress["finished"]


def test_someone_elses_job_is_not_found(alice_client, staff_in_role):
    other = staff_in_role("editor", name="carol")
    job = imports.import_job_create(
        importer=CAPABILITIES,
        user=other,
        action="preview",
        content=capability_csv(1, 1),
        filename="c.csv",
    )
    url = reverse("staff:import_upload", args=["capability-statuses"])
    assert alice_client.get(url, {"job": job.pk}).status_code == 404
    progress = reverse("staff:import_job_progress", args=["capability-statuses", job.pk])
    assert alice_client.get(progress).status_code == 404
    # nor can it be applied by someone else
    response = alice_client.post(
        reverse("staff:import_apply", args=["capability-statuses"]),
        {"sha256": job.file_id, "preview": job.pk},
    )
    assert response.status_code == 404 and not CapabilityStatus.objects.exists()


def test_apply_shows_the_result_and_the_records_are_drafts_for_four_eyes(alice_client, bob_client):
    content = capability_csv(3, 2)
    page = alice_client.get(upload(alice_client, "capability-statuses", content)["Location"])
    # when: applied
    response = alice_client.post(
        reverse("staff:import_apply", args=["capability-statuses"]),
        {"sha256": page.context["sha256"], "preview": page.context["job"].pk},
    )
    result = alice_client.get(response["Location"]).content.decode()
    # then: the result, six drafts, each with its history and reason, none public
    assert "Imported 6 changes as drafts awaiting verification (0 skipped)." in result
    records = CapabilityStatus.objects.all()
    assert records.count() == 6 and not CapabilityStatus.objects.current().exists()
    assert {r.review_state for r in records} == {"draft"}
    assert {r.created_by.username for r in records} == {"alice"}
    history = CapabilityStatus.history.filter(history_change_reason__startswith="Imported from")
    assert history.count() == 6 and {h.history_user.username for h in history} == {"alice"}
    assert SecurityEvent.objects.get(kind="import").detail["rows_applied"] == 6
    # the staged bytes are dropped once applied
    assert bytes(ImportFile.objects.get().content) == b""
    # four eyes: alice cannot verify her import, bob can, through the same service
    record = records.first()
    with pytest.raises(services.ActionDenied):
        services.capability_status_verify(
            record=record, user=record.created_by, expected_lock_version=record.lock_version
        )
    bob = bob_client.get(reverse("staff:review_queue")).wsgi_request.user
    services.capability_status_verify(
        record=record, user=bob, expected_lock_version=record.lock_version
    )
    assert CapabilityStatus.objects.current().count() == 1


def test_a_crash_in_the_middle_of_a_bulk_apply_stores_nothing(alice_client, monkeypatch):
    """The bulk write goes in chunks of 500: the second chunk fails, the first is undone."""
    content = capability_csv(30, 21)  # 630 rows: two chunks
    real = services.bulk_create_with_history
    chunks = []

    def fail_second(objs, model, **kwargs):
        chunks.append(len(objs))
        if len(chunks) == 2:
            raise RuntimeError("the database went away")
        return real(objs, model, **kwargs)

    monkeypatch.setattr(services, "bulk_create_with_history", fail_second)
    page = alice_client.get(upload(alice_client, "capability-statuses", content)["Location"])
    response = alice_client.post(
        reverse("staff:import_apply", args=["capability-statuses"]),
        {"sha256": page.context["sha256"]},
    )
    html = alice_client.get(response["Location"]).content.decode()
    assert chunks == [500, 130]
    assert "The import failed; nothing was changed." in html
    assert ImportJob.objects.get(action="apply").state == "failed"
    assert not CapabilityStatus.objects.exists()
    assert not CapabilityStatus.history.exists()
    assert not SecurityEvent.objects.filter(kind="import").exists()


def test_a_change_between_the_plan_and_the_write_is_planned_again(alice, monkeypatch):
    """The rows are checked outside the write transaction: if what they read changed (here
    the same draft logged meanwhile), the file is planned again inside it."""
    content = capability_csv(1, 1)
    real_plan = imports.import_plan
    calls = []

    def plan_then_race(**kwargs):
        calls.append(kwargs.get("context") is not None)
        plan = real_plan(**kwargs)
        if len(calls) == 1:  # someone logs the same change right after the check
            import_apply(importer=CAPABILITIES, content=content, filename="x.csv", user=alice)
        return plan

    monkeypatch.setattr(imports, "import_plan", plan_then_race)
    plan = imports.import_apply(importer=CAPABILITIES, content=content, filename="y", user=alice)
    assert calls[0] is False and calls[-1] is True
    assert not plan.to_apply and plan.skipped
    assert CapabilityStatus.objects.count() == 1


# --- Through the database backend and a real worker run -----------------------------------------


def test_the_database_backend_queues_the_job_and_the_worker_runs_it(
    alice_client, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    # The worker closes connections it thinks are old, as a long-running process should;
    # here that would be the test's own connection, inside its transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    content = capability_csv(2, 2)
    location = upload(alice_client, "capability-statuses", content)["Location"]
    # queued: the page says it waits for the worker, and refreshes itself
    html = alice_client.get(location).content.decode()
    assert "Waiting for the background worker to start" in html
    assert 'http-equiv="refresh"' in html
    assert DBTaskResult.objects.get().task_path == "staff.tasks.import_job_task"
    # when: the worker runs what is queued, then stops
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    page = alice_client.get(location)
    assert "Apply the import" in page.content.decode()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    # the apply goes the same way
    response = alice_client.post(
        reverse("staff:import_apply", args=["capability-statuses"]),
        {"sha256": page.context["sha256"], "preview": page.context["job"].pk},
    )
    assert not CapabilityStatus.objects.exists()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert "Imported 4 changes" in alice_client.get(response["Location"]).content.decode()
    assert CapabilityStatus.objects.filter(review_state="draft").count() == 4


# --- No per-row queries (item 5) --------------------------------------------------------------


def queries_of(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


@pytest.mark.parametrize("kind", ["preview", "apply"])
def test_capability_import_queries_do_not_grow_with_the_rows(alice, kind):
    """21 rows or 210: the same queries, but for the INSERTs' batches. Preview: the state
    index, the capabilities, the current and the pending statuses (4). Apply: the same
    twice, outside and inside the transaction (8), 4 savepoints, the security log (1), and
    the INSERTs of records and of history rows: one each per chunk of 500 rows on
    PostgreSQL; on SQLite Django splits them to stay under 999 parameters, one per about
    45 rows (about 10 queries per row before)."""

    def run(states):
        content = capability_csv(states, 21)
        if kind == "preview":
            return lambda: import_plan(importer=CAPABILITIES, content=content, filename="f")
        return lambda: import_apply(
            importer=CAPABILITIES, content=content, filename="f", user=alice
        )

    alice.get_all_permissions()  # the user's permissions are cached: not per import
    small = queries_of(run(1))
    CapabilityStatus.objects.all().delete()
    CapabilityStatus.history.all().delete()
    large = queries_of(run(10))
    if kind == "preview" or connection.vendor == "postgresql":
        assert large == small, (small, large)
    else:
        # two INSERTs (records, history rows) per about 45 rows: 10 at most for 210 rows
        assert large - small <= 2 * (210 // 40), (small, large)
    assert small <= (4 if kind == "preview" else 15)


def test_pledge_status_preview_queries_do_not_grow_with_the_rows(alice):
    """The pledge text (3 queries), the pledges and the pending drafts (2), the state
    index (1): whatever the number of rows."""

    def preview(states):
        lines = [PLEDGE_HEADER] + [
            f"{c.iso3},pledged,2026-03-01,https://example.org/{c.iso3},,,,"
            for c in Country.objects.order_by("iso3")[:states]
        ]
        content = ("\r\n".join(lines) + "\r\n").encode()
        return lambda: import_plan(importer=imports.PledgeStatusImporter(), content=content)

    assert queries_of(preview(2)) == queries_of(preview(40)) <= 8


# --- Other staff keep working during a long import --------------------------------------------

CONCURRENT = textwrap.dedent(
    """
    import json, threading, time

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    from pledges.imports import CapabilityStatusImporter, import_apply
    from pledges.models import CapabilityStatus
    from pledges.roles import Role, roles_ensure
    from tests.factories import UserFactory
    from tests.staff.test_import_jobs import capability_csv

    groups = roles_ensure()
    importer = UserFactory(username="importer", is_staff=True)
    importer.groups.add(groups[Role.EDITOR])
    other = UserFactory(username="other", is_staff=True)
    other.groups.add(groups[Role.EDITOR])
    content = capability_csv(195, 21)
    done = threading.Event()
    errors = []

    def run():
        try:
            import_apply(
                importer=CapabilityStatusImporter(), content=content, filename="big.csv",
                user=importer,
            )
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            done.set()

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(other)
    thread = threading.Thread(target=run)
    thread.start()
    statuses, slowest = [], 0.0
    while not done.is_set():
        started = time.monotonic()
        statuses.append(client.get(reverse("staff:staff_home")).status_code)
        slowest = max(slowest, time.monotonic() - started)
    thread.join()
    print(json.dumps({
        "requests": len(statuses), "statuses": sorted(set(statuses)), "errors": errors,
        "stored": CapabilityStatus.objects.count(), "slowest": round(slowest, 2),
    }))
    """
)


def test_a_long_import_does_not_make_a_concurrent_staff_request_fail(tmp_path):
    """On the demo's SQLite (a file: WAL, busy timeout, IMMEDIATE), in a process of its own;
    on PostgreSQL, the same in threads of this test run (see the next test)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(SQLITE_PATH=str(tmp_path / "db.sqlite3"), DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(
        [sys.executable, "-c", CONCURRENT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == [] and outcome["requests"] > 0, outcome
    assert set(outcome["statuses"]) <= {200}, outcome  # never a 400 or 500
    assert outcome["stored"] == 195 * 21, outcome


@pytest.mark.django_db(transaction=True)
def test_a_long_import_does_not_make_a_concurrent_staff_request_fail_on_postgresql(
    alice, staff_in_role
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite: the test above, on a database file")
    from pledges.roles import roles_ensure

    # a transactional test before this one may have flushed the reference data (the states
    # and capabilities the file names): load it, as the browser tests do
    call_command("load_reference_data", verbosity=0)

    roles_ensure()
    other = staff_in_role("editor", name="dora")
    content = capability_csv(195, 8)
    done = threading.Event()
    errors = []

    def run():
        try:
            user = type(alice).objects.get(pk=alice.pk)
            user.groups.add(*other.groups.all())
            import_apply(importer=CAPABILITIES, content=content, filename="big.csv", user=user)
        except Exception as exc:  # report, don't hide
            errors.append(repr(exc))
        finally:
            connections.close_all()
            done.set()

    client = signed_in(other)
    thread = threading.Thread(target=run)
    thread.start()
    statuses = []
    while not done.is_set():
        statuses.append(client.get(reverse("staff:staff_home")).status_code)
    thread.join()
    assert errors == [] and statuses and set(statuses) <= {200}
    assert CapabilityStatus.objects.count() == 195 * 8
    assert not PledgeEvent.objects.exists()


def test_staged_files_nobody_applied_are_pruned_after_a_week(editor):
    old, recent, running = (
        imports.import_job_create(
            importer=CAPABILITIES,
            user=editor,
            action="preview",
            content=capability_csv(1, n),
            filename="f.csv",
        )
        for n in (1, 2, 3)
    )
    ImportFile.objects.filter(pk__in=[old.file_id, running.file_id]).update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )
    ImportJob.objects.filter(pk__in=[old.pk, recent.pk]).update(state="done")
    ImportJob.objects.filter(pk=running.pk).update(state="running")
    out = io.StringIO()
    call_command("prune_import_files", stdout=out)
    assert "1 staged import files deleted." in out.getvalue()
    assert set(ImportFile.objects.values_list("pk", flat=True)) == {
        recent.file_id,
        running.file_id,
    }
    assert not ImportJob.objects.filter(pk=old.pk).exists()
