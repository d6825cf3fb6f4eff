"""manage.py import_data PATH: load an export archive into an EMPTY database, atomically."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pledges.archive import ArchiveError, archive_import
from pledges.audit import security_event_log
from pledges.models import SecurityEventKind


class Command(BaseCommand):
    help = "Import an export_data archive into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive written by export_data.")

    def handle(self, *args, path: str, **options):
        try:
            with open(path, "rb") as source:
                manifest = archive_import(source=source)
        except FileNotFoundError:
            raise CommandError(f"No such file: {path}") from None
        except ArchiveError as exc:
            raise CommandError(f"{exc} Nothing was imported.") from None
        total = sum(manifest["counts"].values())
        security_event_log(
            kind=SecurityEventKind.IMPORT,
            identifier="manage.py import_data",
            detail={
                "via": "import_data",
                "file": Path(path).name,
                "archive_created_at": manifest["created_at"],
                "records": total,
            },
        )
        self.stdout.write(
            f"Imported {total} records into {len(manifest['counts'])} tables "
            f"from {path} (made {manifest['created_at']})."
        )
