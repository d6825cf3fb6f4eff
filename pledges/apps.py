from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Pledge registry")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pledges import (
            imports,  # noqa: F401 - registers the registry's importers
            receivers,
        )
        from pledges.workspace import core_review_kinds_register

        receivers.connect()
        core_review_kinds_register()
