"""manage.py export_data [PATH]: every record, history included, to a versioned zip archive."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from pledges.archive import archive_default_name, archive_export
from pledges.audit import security_event_log
from pledges.models import SecurityEventKind


class Command(BaseCommand):
    help = "Export every record (history included) to a versioned zip archive."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="Where to write the archive ('-' for stdout).")

    def handle(self, *args, path=None, **options):
        path = path or archive_default_name()
        # Logged first, so the archive holds its own export event (AUD-04).
        security_event_log(
            kind=SecurityEventKind.EXPORT,
            identifier="manage.py export_data",
            detail={"via": "export_data", "file": Path(path).name},
        )
        if path == "-":
            buffer = io.BytesIO()
            manifest = archive_export(target=buffer)
            sys.stdout.buffer.write(buffer.getvalue())
            return
        with open(path, "wb") as target:
            manifest = archive_export(target=target)
        total = sum(manifest["counts"].values())
        self.stdout.write(
            f"Exported {total} records from {len(manifest['counts'])} tables "
            f"(format {manifest['format_version']}) and {len(manifest['media'])} documents "
            f"to {path}."
        )
