"""Start-up refuses bad configuration, and production settings pass the deploy checklist."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "test-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP",
    "ALLOWED_HOSTS": "pledge.example.org",
    "REDIS_URL": "redis://cache.internal:6379/0",  # a shared cache: see staff.W001
    "SITE_URL": "https://pledge.example.org",
}


def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    leaks = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in leaks}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATABASE_URL": "mysql://nope@localhost/db"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://localhost:notaport/x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://localhost:5432"}, "DATABASE_URL"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DEMO_MODE": "yes please"}, "DEMO_MODE"),
        ({"SESSION_COOKIE_AGE": "eight hours"}, "SESSION_COOKIE_AGE"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"DEBUG": "0", "SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SITE_URL": "pledge.example.org"}, "SITE_URL"),
    ],
)
def test_bad_configuration_stops_start_up_naming_the_variable(env, named):
    result = run_django("print('started')", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr.splitlines()[-1]


def test_production_settings_pass_check_deploy():
    result = run_django(
        "from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr


def test_production_without_a_shared_cache_warns_that_limits_are_per_process():
    # Without REDIS_URL, login limits and API throttles were counted per worker (lock-out at
    # the 10th attempt instead of the 6th) and nothing warned.
    without_redis = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    result = run_django(
        "from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')",
        **without_redis,
    )
    assert result.returncode != 0
    assert "staff.W001" in result.stderr and "per process" in result.stderr


def test_production_settings_are_secure():
    result = run_django(
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.STORAGES['staticfiles']['BACKEND'])",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "31536000",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


def test_postgres_and_redis_urls_are_used():
    result = run_django(
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
        "s.CACHES['default']['BACKEND'])",
        DATABASE_URL="postgres://u@db.internal:5432/pledges",
        REDIS_URL="redis://cache.internal:6379/1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "pledges",
        "django.core.cache.backends.redis.RedisCache",
    ]


def test_sqlite_is_tuned_for_concurrent_writers():
    result = run_django(
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], "
        "c.execute('PRAGMA busy_timeout').fetchone()[0], "
        "connection.settings_dict['OPTIONS']['transaction_mode'])",
        SQLITE_PATH="/tmp/gpt-settings-test.sqlite3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "10000", "IMMEDIATE"]


def test_production_without_site_url_stops_start_up():
    # Without SITE_URL, production silently built the embed snippet, permalinks, citations
    # and the export README on http://127.0.0.1:8000 (issue 12).
    without = {k: v for k, v in PRODUCTION.items() if k != "SITE_URL"}
    result = run_django("print('started')", **without)
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr.splitlines()[-1]
