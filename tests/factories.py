from __future__ import annotations

import datetime as dt
import time

import factory
from django.contrib.auth import get_user_model

from pledges.models import Country, PledgeStatus

DEFAULT_PASSWORD = "correct horse battery staple"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # base32, tests only


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

    @factory.post_generation
    def mfa(obj, create, extracted, **kwargs):
        """Staff get a TOTP authenticator unless `mfa=False` (MFA is mandatory, AUTH-02)."""
        wanted = obj.is_staff if extracted is None else extracted
        if create and wanted:
            totp_authenticator_create(user=obj)


def totp_authenticator_create(*, user, secret: str = TEST_TOTP_SECRET):
    """Give `user` a TOTP authenticator through allauth's own API (secret encrypted)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return existing or TOTP.activate(user, secret).instance


def totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    """The current TOTP code for `secret`, as an authenticator app would show it."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


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


def verify(record, user):
    """Verify `record` as `user` through the service, at the lock version it has now."""
    from pledges import services

    return services.record_verify(
        record=record, user=user, expected_lock_version=record.lock_version
    )
