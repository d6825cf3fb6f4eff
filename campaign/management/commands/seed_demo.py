import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from campaign.demo import (
    DEMO_ACCOUNTS,
    DEMO_SEED,
    demo_accounts_ensure,
    demo_data_build,
    demo_data_remove,
)
from pledges.models import Country, DemoDataSet

DEFAULT_DEMO_PASSWORD = "demo-pledge-2027"  # noqa: S105 - demo mode only, printed on purpose


class Command(BaseCommand):
    help = (
        "Build the invented demo data set (pledges, evidence, capability statuses, partners' "
        "countries) and one demo staff account per role. Never run this in production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEMO_SEED)
        parser.add_argument(
            "--reset", action="store_true", help="Remove the existing demo data set first."
        )

    def handle(self, *args, seed: int, reset: bool, verbosity: int, **options):
        if not Country.objects.exists():
            raise CommandError("No reference data: run `manage.py load_reference_data` first.")
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        users = demo_accounts_ensure(password=password)
        if DemoDataSet.objects.exists() and not reset:
            self.stdout.write("Demo data already loaded (use --reset to rebuild it).")
        else:
            demo_data_remove()
            counts = demo_data_build(editor=users["editor"], verifier=users["verifier"], seed=seed)
            self.stdout.write(
                self.style.SUCCESS(
                    "Demo data built: {pledge_events} pledge status changes, "
                    "{capability_statuses} capability statuses, {strategies} national "
                    "strategies (all invented, marked as demo data).".format(**counts)
                )
            )
        if verbosity:
            self.stdout.write("\nDemo staff accounts (demo mode only):")
            for account in DEMO_ACCOUNTS:
                self.stdout.write(f"  {account.role:<12} {account.email:<28} password: {password}")
            if settings.MFA_DEMO_WAIVER and settings.DEBUG:
                self.stdout.write(
                    "Two-factor authentication: waived for these demo accounts because "
                    "DEMO_MODE=1 and DEBUG=1 (never in production). Other staff accounts "
                    "must set up an authenticator app at first sign-in."
                )
            else:
                self.stdout.write(
                    "Two-factor authentication: required (DEMO_MODE and DEBUG are not both "
                    "on), so each account sets up an authenticator app at first sign-in."
                )
