from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Public dashboards")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pledges.signals import public_data_changed

        public_data_changed.connect(_rebuild_snapshot, dispatch_uid="dashboards-snapshot")
        # After the snapshot (receivers run in the order connected): a dated export release.
        public_data_changed.connect(_build_export_release, dispatch_uid="dashboards-exports")


def _rebuild_snapshot(**kwargs) -> None:
    from dashboards.snapshot import snapshot_refresh

    snapshot_refresh()


def _build_export_release(**kwargs) -> None:
    import logging

    from dashboards.exports import release_refresh

    try:
        release_refresh()
    except Exception:
        # The verified change is committed already; a failed export must not undo or hide
        # it. The next change, or the first download request, builds the release again.
        logging.getLogger(__name__).exception("Building the export release failed")
