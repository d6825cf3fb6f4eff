"""Evidence documents move to their private storage, under random names (issue 8).

Documents uploaded before this migration sit in MEDIA_ROOT under guessable names
(evidence/<year>/<month>/<file name>). Each is copied to the evidence storage under a new
random name, every row that names it (history included) is pointed at the copy, and the old
file is deleted once the migration has committed. A document missing from MEDIA_ROOT keeps
its name: it was not there to serve before either.
"""

import functools
import os

from django.core.files.storage import default_storage
from django.db import migrations, models, transaction

import pledges.storage


EVIDENCE_MODELS = ("PledgeEvent", "CapabilityStatus", "NationalStrategy")


def _is_random_name(name):
    token, slash, _rest = name.partition("/")
    return (
        bool(slash)
        and len(token) == pledges.storage.TOKEN_LENGTH
        and all(c in "0123456789abcdef" for c in token)
    )


def evidence_documents_move(apps, schema_editor):
    storage = pledges.storage.evidence_storage
    using = schema_editor.connection.alias
    for model_name in EVIDENCE_MODELS:
        # Plain managers: the audited ones refuse update(); this rewrites a file name only,
        # the same in the record and in every history row that names it.
        tables = [
            apps.get_model("pledges", model_name)._base_manager.using(using),
            apps.get_model("pledges", f"Historical{model_name}")._base_manager.using(using),
        ]
        names = set()
        for manager in tables:
            names.update(
                manager.exclude(source_document="").values_list("source_document", flat=True)
            )
        for old in sorted(names):
            if _is_random_name(old) or not default_storage.exists(old):
                continue
            target = pledges.storage.evidence_upload_to(None, os.path.basename(old))
            with default_storage.open(old, "rb") as handle:
                new = storage.save(target, handle, max_length=pledges.storage.NAME_MAX_LENGTH)
            for manager in tables:
                manager.filter(source_document=old).update(source_document=new)
            transaction.on_commit(functools.partial(default_storage.delete, old), using=using)


class Migration(migrations.Migration):

    dependencies = [
        ('pledges', '0003_security_event_log'),
    ]

    operations = [
        migrations.AlterField(
            model_name='capabilitystatus',
            name='source_document',
            field=models.FileField(blank=True, db_index=True, help_text='A PDF or image, up to 10 MB.', storage=pledges.storage.evidence_storage_get, upload_to=pledges.storage.evidence_upload_to, verbose_name='source document'),
        ),
        migrations.AlterField(
            model_name='historicalcapabilitystatus',
            name='source_document',
            field=models.TextField(blank=True, db_index=True, help_text='A PDF or image, up to 10 MB.', max_length=100, verbose_name='source document'),
        ),
        migrations.AlterField(
            model_name='historicalnationalstrategy',
            name='source_document',
            field=models.TextField(blank=True, db_index=True, help_text='A PDF or image, up to 10 MB.', max_length=100, verbose_name='source document'),
        ),
        migrations.AlterField(
            model_name='historicalpledgeevent',
            name='source_document',
            field=models.TextField(blank=True, db_index=True, help_text='A PDF or image, up to 10 MB.', max_length=100, verbose_name='source document'),
        ),
        migrations.AlterField(
            model_name='nationalstrategy',
            name='source_document',
            field=models.FileField(blank=True, db_index=True, help_text='A PDF or image, up to 10 MB.', storage=pledges.storage.evidence_storage_get, upload_to=pledges.storage.evidence_upload_to, verbose_name='source document'),
        ),
        migrations.AlterField(
            model_name='pledgeevent',
            name='source_document',
            field=models.FileField(blank=True, db_index=True, help_text='A PDF or image, up to 10 MB.', storage=pledges.storage.evidence_storage_get, upload_to=pledges.storage.evidence_upload_to, verbose_name='source document'),
        ),
        migrations.RunPython(evidence_documents_move, migrations.RunPython.noop, elidable=True),
    ]
