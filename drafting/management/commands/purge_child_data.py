"""Retention (CH-12): purge children's data N days after their session closed. Run daily."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from drafting.services import purge_child_data


class Command(BaseCommand):
    help = (
        "Remove participants' link tokens and pseudonyms, and the text of every suggestion "
        "that was not approved (history included), from sessions closed more than N days "
        "ago (CHILD_DATA_RETENTION_DAYS, default 90). Approved wording stays, unlinked. "
        "Safe to run again: a second run finds nothing to do."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Days after closing (default {settings.CHILD_DATA_RETENTION_DAYS}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be purged; change nothing."
        )

    def handle(self, *args, days, dry_run, **options):
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more.")
        counts = purge_child_data(days=days, dry_run=dry_run)
        prefix = "Would purge" if dry_run else "Purged"
        self.stdout.write(
            f"{prefix}: " + ", ".join(f"{name.replace('_', ' ')} {n}" for name, n in counts.items())
        )
