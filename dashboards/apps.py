from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Public dashboards")
    default_auto_field = "django.db.models.BigAutoField"
