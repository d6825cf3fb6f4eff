"""Export everything / import everything (OPS-01): a versioned zip archive.

The archive holds a manifest ({format_version, created_at, counts, migrations, models}), one
JSON file per model (Django's serializers; history tables included) and the uploaded
evidence documents. Importing it into an empty, migrated database gives back identical
rows, primary keys included. Content types and permissions are created by `migrate` in
every database with ids of their own, so references to them travel by natural key.

The archive holds everything, password hashes and MFA secrets (encrypted) included: keep
it like a database backup.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from typing import IO, Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.core.management.color import no_style
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT_VERSION = 1
# Made by `migrate` in every database (ids differ) or ephemeral: never archived.
NOT_ARCHIVED = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
# Made by `migrate` too, but as ordinary rows: the archive's copy replaces them.
PRESEEDED = {"sites.site"}
NATURAL_KEY_MODELS = (ContentType, Permission)


class ArchiveError(Exception):
    """The archive cannot be imported here; nothing was changed."""


class ArchiveSerializer(JSONSerializer):
    """Primary keys as they are, except references to content types and permissions."""

    def handle_field(self, obj, field):
        super().handle_field(obj, field)
        value = self._current[field.name]
        # DjangoJSONEncoder keeps milliseconds only; an archive keeps every microsecond.
        if isinstance(value, dt.datetime | dt.time):
            self._current[field.name] = value.isoformat()

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = field.remote_field.model in NATURAL_KEY_MODELS
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = field.remote_field.model in NATURAL_KEY_MODELS
        super().handle_m2m_field(obj, field)


def archive_models() -> list[type[models.Model]]:
    """Every concrete model with rows to keep, in an order that satisfies foreign keys."""
    chosen = [
        model
        for model in apps.get_models()
        if model._meta.label_lower not in NOT_ARCHIVED
        and model._meta.managed
        and not model._meta.proxy
    ]
    return serializers.sort_dependencies([(None, chosen)], allow_cycles=True)


def migration_heads() -> dict[str, str]:
    """The latest applied migration of each app: the schema the data belongs to."""
    heads: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        heads[app] = max(heads.get(app, ""), name)
    return dict(sorted(heads.items()))


def _file_fields(model: type[models.Model]) -> list[tuple[str, Storage]]:
    """(column, storage) of each file a model's rows name; history rows name their record's."""
    record_model = getattr(model, "instance_type", model)  # a django-simple-history model
    return [
        (field.name, field.storage)
        for field in record_model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]


def _files_named(model: type[models.Model]) -> list[tuple[Storage, str]]:
    files = []
    for field, storage in _file_fields(model):
        values = model._base_manager.exclude(**{field: ""}).values_list(field, flat=True)
        files.extend((storage, v) for v in values if v)
    return files


def _files_named_all() -> dict[str, Storage]:
    """{name: storage} of every file any row names (names are unique: random folders)."""
    return {name: storage for model in archive_models() for storage, name in _files_named(model)}


def archive_export(*, target: IO[bytes]) -> dict[str, Any]:
    """Write every record to `target` as a zip archive; return the manifest."""
    counts: dict[str, int] = {}
    labels = []
    with transaction.atomic(), zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for model in archive_models():
            label = model._meta.label_lower
            queryset = model._base_manager.order_by("pk")
            serializer = ArchiveSerializer()
            data = serializer.serialize(queryset.iterator(chunk_size=2000), indent=None)
            archive.writestr(f"data/{label}.json", data)
            counts[label] = queryset.count()
            labels.append(label)
        stored = []
        for name, storage in sorted(_files_named_all().items()):
            if storage.exists(name):
                with storage.open(name, "rb") as handle:
                    archive.writestr(f"media/{name}", handle.read())
                stored.append(name)
        manifest = {
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "counts": counts,
            "models": labels,
            "migrations": migration_heads(),
            "media": stored,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def database_holdings() -> dict[str, int]:
    """Models that already hold rows (what makes a database not empty)."""
    held = {}
    for model in archive_models():
        label = model._meta.label_lower
        if label in PRESEEDED:
            continue
        count = model._base_manager.count()
        if count:
            held[label] = count
    return held


def archive_manifest(*, source: IO[bytes]) -> dict[str, Any]:
    try:
        with zipfile.ZipFile(source) as archive:
            manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError):
        raise ArchiveError(_("This is not an export archive (no readable manifest).")) from None
    source.seek(0)
    return manifest


def archive_import(*, source: IO[bytes]) -> dict[str, Any]:
    """Load an archive into an EMPTY database, atomically; return the manifest."""
    manifest = archive_manifest(source=source)
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(
            _("Archive format %(found)s is not supported (this version reads %(ours)s).")
            % {"found": manifest.get("format_version"), "ours": FORMAT_VERSION}
        )
    heads = migration_heads()
    if manifest.get("migrations") != heads:
        differing = sorted(
            app
            for app in {*heads, *manifest.get("migrations", {})}
            if heads.get(app) != manifest.get("migrations", {}).get(app)
        )
        raise ArchiveError(
            _(
                "The archive was made with a different database schema (apps: %(apps)s). "
                "Install the matching version of the code, migrate, and import again."
            )
            % {"apps": ", ".join(differing)}
        )
    known = {m._meta.label_lower: m for m in archive_models()}
    unknown = [label for label in manifest["models"] if label not in known]
    if unknown:
        raise ArchiveError(_("Unknown models in the archive: %s") % ", ".join(unknown))
    held = database_holdings()
    if held:
        raise ArchiveError(
            _(
                "The database is not empty (%(held)s). import_data only loads into an empty "
                "database: create a new one, run migrate, then import_data."
            )
            % {"held": ", ".join(f"{label}: {count}" for label, count in sorted(held.items()))}
        )
    loaded: dict[str, int] = {}
    with zipfile.ZipFile(source) as archive:
        # Raw saves skip history and signals; m2m sets must not write history rows either.
        with (
            override_settings(SIMPLE_HISTORY_ENABLED=False),
            transaction.atomic(),
        ):
            with connection.constraint_checks_disabled():
                for label in manifest["models"]:
                    data = archive.read(f"data/{label}.json")
                    count = 0
                    for item in serializers.deserialize(
                        "json", data, handle_forward_references=True
                    ):
                        item.save()
                        count += 1
                    loaded[label] = count
            tables = [known[label]._meta.db_table for label in manifest["models"]]
            connection.check_constraints(table_names=tables)
            statements = connection.ops.sequence_reset_sql(no_style(), list(known.values()))
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
            if loaded != manifest["counts"]:
                raise ArchiveError(_("The archive's counts do not match its data: not imported."))
        # Each file goes back to the storage of the field that names it.
        storages_by_name = _files_named_all()
        for name in manifest.get("media", []):
            storage = storages_by_name.get(name, default_storage)
            if not storage.exists(name):
                storage.save(name, ContentFile(archive.read(f"media/{name}")))
    return manifest


def archive_default_name() -> str:
    return f"pledge-tracker-export-{dt.datetime.now(tz=dt.UTC):%Y%m%dT%H%M%SZ}.zip"
