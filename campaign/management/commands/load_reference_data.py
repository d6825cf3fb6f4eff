from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from campaign.services import campaign_reference_load, partners_reference_load
from pledges.roles import roles_ensure
from pledges.services import LoadReport, countries_load, mnr_load


class Command(BaseCommand):
    help = (
        "Load the reference data: the 195 states, the MNR 2016 framework, the campaign, "
        "its first pledge text and the partners named in the plan. Safe to run again: "
        "it changes nothing that is already up to date and never overwrites staff edits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures",
            type=Path,
            default=Path(settings.BASE_DIR) / "fixtures",
            help="Folder holding countries.json, mnr_2016.json, campaign.json, partners.json.",
        )

    def handle(self, *args, fixtures: Path, verbosity: int, **options):
        report = LoadReport()
        with transaction.atomic():
            countries_load(path=fixtures / "countries.json", report=report)
            mnr_load(path=fixtures / "mnr_2016.json", report=report)
            campaign_reference_load(path=fixtures / "campaign.json", report=report)
            partners_reference_load(path=fixtures / "partners.json", report=report)
            roles_ensure()
        if verbosity:
            for line in report.lines():
                self.stdout.write(line)
            self.stdout.write(
                self.style.SUCCESS("Reference data loaded.")
                if report.changed
                else "Reference data already up to date: nothing changed."
            )
