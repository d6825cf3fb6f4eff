"""Time the preview and the apply of a 195 x 21 capability import (4,095 rows), issue 13.

Both run as the background worker runs them (pledges.imports.import_job_run, progress
written as it goes), in this process: the time is the worker's, not a queue's wait.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python scripts/bench_import.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python scripts/bench_import.py

The database must be empty or a throwaway: the script migrates it, loads the reference data,
creates an editor and applies the file. It prints rows per second and queries per row.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

TARGET_ROWS_PER_SECOND = 500  # issue 13, item 5


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    from django.contrib.auth import get_user_model

    from pledges.imports import CapabilityStatusImporter, import_job_create, import_job_run
    from pledges.models import Capability, CapabilityStatus, Country
    from pledges.roles import Role, roles_ensure

    user, _created = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True}
    )
    user.groups.add(roles_ensure()[Role.EDITOR])
    CapabilityStatus.objects.filter(created_by=user).delete()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["country", "capability", "status", "source_url", "source_title", "note"])
    capabilities = list(Capability.objects.order_by("number"))
    for country in Country.objects.order_by("iso3"):
        for capability in capabilities:
            writer.writerow(
                [
                    country.iso3,
                    capability.key,
                    "in_development",
                    f"https://example.org/{country.iso3}/{capability.key}",
                    "Benchmark source",
                    "",
                ]
            )
    content = out.getvalue().encode()
    importer = CapabilityStatusImporter()
    jobs = {}

    def job_run(action):
        # What the background worker runs (staff/tasks.py), progress writes included.
        job = import_job_create(
            importer=importer,
            user=user,
            action=action,
            content=content,
            filename="b.csv",
            preview=jobs.get("preview"),
        )
        jobs[action] = job = import_job_run(job_id=job.pk, importer=importer)
        assert job.state == "done", job.error
        return job

    failed = []
    for label in ("preview", "apply"):
        count = [0]

        def counted(execute, sql, params, many, context, count=count):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            started = time.perf_counter()
            job = job_run(label)
            seconds = time.perf_counter() - started
        rows = job.rows_total
        rate = rows / seconds
        if rate < TARGET_ROWS_PER_SECOND:
            failed.append(label)
        print(
            f"{connection.vendor} {label}: {rows} rows in {seconds:.1f} s = "
            f"{rate:.0f} rows/s (target >= {TARGET_ROWS_PER_SECOND}), "
            f"{count[0] / rows:.2f} queries/row, {len(content) / 1e6:.1f} MB"
        )
    applied = CapabilityStatus.objects.filter(created_by=user, review_state="draft").count()
    print(f"{connection.vendor}: {applied} drafts stored, awaiting verification")
    if failed:
        print(f"below target: {', '.join(failed)}")


if __name__ == "__main__":
    main()
