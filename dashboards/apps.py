from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Public dashboards")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pledges.signals import public_data_changed

        public_data_changed.connect(_rebuild_snapshot, dispatch_uid="dashboards-snapshot")


def _rebuild_snapshot(**kwargs) -> None:
    from dashboards.snapshot import snapshot_refresh

    snapshot_refresh()
