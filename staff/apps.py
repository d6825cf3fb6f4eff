from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff workspace")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from staff import checks, receivers  # noqa: F401 - checks register themselves

        receivers.connect()
