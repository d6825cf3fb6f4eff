"""The demo co-drafting session (run by `make demo` after seed_demo). Never in production."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from drafting.demo import DEMO_FACILITATOR, demo_session_ensure
from drafting.services import join_code_display


class Command(BaseCommand):
    help = (
        "Create (once) an invented demo drafting session with a few approved and pending "
        "ideas, and print how to try the children's side."
    )

    def handle(self, *args, **options):
        if not get_user_model().objects.filter(username=DEMO_FACILITATOR).exists():
            raise CommandError("No demo facilitator: run `manage.py seed_demo` first.")
        session, token = demo_session_ensure()
        site = settings.SITE_URL
        self.stdout.write("\nChildren's co-drafting (DEMO session, invented):")
        self.stdout.write(
            f"  join as a child:   {site}{reverse('drafting:join')}  code "
            f"{join_code_display(session.join_code)}"
        )
        self.stdout.write(
            "                     (then sign in as facilitator@demo.invalid to let yourself in)"
        )
        self.stdout.write(
            f"  or a child already let in: {site}{reverse('drafting:home', args=[token])}"
        )
