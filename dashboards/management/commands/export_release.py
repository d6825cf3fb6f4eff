"""Build a dated export release now, if the public data changed since the latest one."""

from django.core.management.base import BaseCommand

from dashboards.exports import release_refresh


class Command(BaseCommand):
    help = "Write a new dated export release (CSV zip, XLSX, JSON) if the public data changed."

    def handle(self, *args, **options):
        release = release_refresh()
        self.stdout.write(f"Latest release: {release.id} (as of {release.as_of}) in {release.path}")
