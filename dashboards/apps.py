from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Public dashboards")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pledges.signals import public_data_changed

        public_data_changed.connect(_rebuild_snapshot, dispatch_uid="dashboards-snapshot")
        # Export releases are built on the first download request after the snapshot changed
        # (dashboards.exports.release_ensure), not here: building the CSV, XLSX and JSON
        # files takes seconds, and a verifier should not wait for them.


def _rebuild_snapshot(**kwargs) -> None:
    from dashboards.snapshot import snapshot_refresh

    snapshot_refresh()
