"""Login rate limits on the shared cache; the admin login goes through allauth (AUTH-03)."""

from __future__ import annotations

import pytest
from django.conf import settings

from pledges.models import SecurityEvent, SecurityEventKind
from pledges.roles import Role
from tests.staff.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_five_failed_attempts_lock_the_account_even_for_the_right_password(client, staff_in_role):
    # AUTH-03
    # given an editor, and five wrong passwords for their address
    editor = staff_in_role(Role.EDITOR)
    for _ in range(5):
        wrong = client.post("/en/accounts/login/", {"login": editor.email, "password": "not it"})
        assert wrong.status_code == 200
    # when the right password comes next
    response = sign_in(client, editor)
    # then it is refused, and nobody is signed in
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    # and the log shows five failures and one refusal, all without the password
    failures = SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN_FAILED)
    assert failures.filter(detail__stage="password").count() == 5
    assert failures.filter(detail__reason="rate_limited").count() == 1
    assert {e.identifier for e in failures} == {editor.email}


def test_many_attempts_from_one_address_are_answered_429(client, staff_in_role):
    # AUTH-03: more than 30 sign-in posts a minute from one address
    statuses = [
        client.post("/en/accounts/login/", {"login": f"x{i}@example.org", "password": "no"})
        for i in range(31)
    ]
    assert statuses[-1].status_code == 429
    assert all(r.status_code == 200 for r in statuses[:10])


def test_the_limits_are_counted_in_the_default_cache():
    # AUTH-03: the default cache is Redis whenever REDIS_URL is set (shared by all workers);
    # allauth counts its rate limits in that cache.
    from tests.config.test_settings import PRODUCTION, run_django

    result = run_django(
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
        **{**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:6379/1"},
    )
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache", result.stderr
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "10/m/ip,5/5m/key"


def test_the_admin_login_redirects_to_allauth(client):
    # AUTH-03
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")
    assert "next=/admin/" in response["Location"].replace("%2F", "/")


def test_the_admin_asks_for_mfa_too(client, staff_in_role):
    # AUTH-03: the admin has no password form of its own to bypass the second factor
    editor = staff_in_role(Role.EDITOR)
    response = client.post(
        "/admin/login/", {"username": editor.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302  # still not signed in
