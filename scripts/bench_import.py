"""Time the preview and the apply of a 195 x 21 capability import (4,095 rows), issue 13.

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


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    from django.contrib.auth import get_user_model

    from pledges.imports import CapabilityStatusImporter, import_apply, import_plan
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
    for label, run in (
        ("preview", lambda: import_plan(importer=importer, content=content, filename="b.csv")),
        (
            "apply",
            lambda: import_apply(importer=importer, content=content, filename="b.csv", user=user),
        ),
    ):
        count = [0]

        def counted(execute, sql, params, many, context, count=count):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            started = time.perf_counter()
            plan = run()
            seconds = time.perf_counter() - started
        rows = len(plan.rows)
        print(
            f"{connection.vendor} {label}: {rows} rows in {seconds:.1f} s = "
            f"{rows / seconds:.0f} rows/s, {count[0] / rows:.1f} queries/row, "
            f"{len(content) / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
