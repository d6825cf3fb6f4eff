from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from pledges.models import Country, PledgeStatus

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            obj.save()


def country(iso3: str = "FRA") -> Country:
    return Country.objects.get(iso3=iso3)


def event_kwargs(**overrides):
    """Valid arguments for pledges.services.pledge_event_create (add country and user)."""
    values = {
        "to_status": PledgeStatus.IN_DIALOGUE,
        "event_date": dt.date(2026, 3, 1),
        "source_url": "https://example.org/source",
        "source_title": "Press release",
        "source_publisher": "Ministry",
        "source_date": dt.date(2026, 3, 1),
    }
    values.update(overrides)
    return values
