from django.core.management.base import BaseCommand

from dashboards.snapshot import snapshot_refresh


class Command(BaseCommand):
    help = "Rebuild the public snapshot now (cache and last good copy on disk)."

    def handle(self, *args, **options):
        snapshot = snapshot_refresh()
        self.stdout.write(
            f"Public snapshot rebuilt: {len(snapshot.body)} bytes "
            f"({len(snapshot.body_br)} brotli), ETag {snapshot.etag}, as of {snapshot.as_of}."
        )
