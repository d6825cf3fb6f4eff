"""manage.py prune_import_files [--days N]: delete staged import files nobody applied."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from pledges.imports import import_files_prune


class Command(BaseCommand):
    help = "Delete staged import files (and their jobs) older than --days (7), unless running."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="Keep files this many days.")

    def handle(self, *args, days: int, **options):
        count = import_files_prune(older_than=dt.timedelta(days=max(days, 0)))
        self.stdout.write(f"{count} staged import files deleted.")
