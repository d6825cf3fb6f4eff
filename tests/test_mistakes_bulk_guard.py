"""The bulk-write guard on every audited model, found by introspection (issue 15).

`QuerySet.update()` and `bulk_update()` skip django-simple-history, so every model that keeps
history must refuse them on every manager. The models are read from the app registry: a new
model with `history = HistoricalRecords()` but without `AuditedQuerySet` fails here.
"""

from __future__ import annotations

import pytest
from django.apps import apps

from pledges.models import AuditBypassError

pytestmark = pytest.mark.django_db


def _audited_models():
    return sorted(
        (
            model
            for model in apps.get_models()
            if getattr(model._meta, "simple_history_manager_attribute", None)
            and not model.__name__.startswith("Historical")
        ),
        key=lambda model: model._meta.label,
    )


AUDITED = _audited_models()


def test_the_introspection_finds_the_audited_models():
    labels = {model._meta.label for model in AUDITED}
    # A scan that finds nothing cannot pass: the models the issue names are in it.
    assert {"pledges.PledgeEvent", "pledges.Pledge", "campaign.Engagement"} <= labels
    assert len(AUDITED) >= 10


@pytest.mark.parametrize("model", AUDITED, ids=lambda model: model._meta.label)
def test_every_manager_of_an_audited_model_refuses_bulk_writes(model):
    managers = list(model._meta.managers)
    assert managers
    # A real, concrete, non-key field: without the guard each call below succeeds quietly
    # (no rows match), so `pytest.raises` fails with "DID NOT RAISE".
    field = next(
        f.name for f in model._meta.concrete_fields if not f.primary_key and not f.is_relation
    )
    for manager in managers:
        with pytest.raises(AuditBypassError):
            manager.filter(pk=-1).update(**{field: None})
        with pytest.raises(AuditBypassError):
            manager.bulk_update([], [field])
