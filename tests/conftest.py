"""Shared test set-up: reference data once per session, named actors, no network."""

from __future__ import annotations

import os
import socket

import pytest
from django.core.management import call_command

# Hypothesis profiles (issue 15, docs/testing.md). "ci": derandomized, so a CI run is
# reproducible and tries the same examples each time (chosen by .ci/run, which sets CI=1);
# "dev" (the default): random, a different draw each run; "measure": random, generation
# only (no explicit @example, no shrinking), to measure how often a planted leak is found.
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings

from tests.factories import UserFactory

hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("dev")
hypothesis_settings.register_profile("measure", phases=[Phase.generate], database=None)
# mutmut (`make mutants`) runs the selected tests twice in one process (its coverage run,
# then the clean run), which Hypothesis reports as a state machine "called from multiple
# executors": allowed there only.
hypothesis_settings.register_profile(
    "mutmut",
    parent=hypothesis_settings.get_profile("ci"),
    suppress_health_check=[HealthCheck.differing_executors],
)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("mutmut" if "MUTANT_UNDER_TEST" in os.environ else None)
    or ("ci" if os.environ.get("CI") else "dev")
)


def pytest_configure(config):
    from django.conf import settings

    # A fast hasher: tests are about behaviour, not key stretching.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A TOTP code computed just before a 30-second boundary must still pass when the
    # request lands just after it (seen flaking under load); production keeps allauth's 0.
    settings.MFA_TOTP_TOLERANCE = 1
    # Background tasks run at once, in the request, so tests stay fast and deterministic;
    # tests/staff/test_import_jobs.py runs one through the database backend and a worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


# mutmut's own runs (its coverage "stats" run, the clean run, the forced failure) keep the
# file test database of `make mutants`; each mutant's run gets a copy of it, so two mutants
# can be tested at once (`--max-children 2`) without sharing one SQLite file.
_MUTMUT_OWN_RUNS = {"", "stats", "fail", "list_all_tests", "mutant_generation"}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    template = os.environ.get("SQLITE_TEST_PATH", "")
    if (
        not template
        or os.environ.get("MUTANT_UNDER_TEST", "") in _MUTMUT_OWN_RUNS
        or not os.path.exists(template)
    ):
        yield
        return
    import sqlite3

    from django.conf import settings

    copy = f"{template}.{os.getpid()}"
    source, target = sqlite3.connect(template), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    settings.DATABASES["default"]["TEST"]["NAME"] = copy
    yield
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(copy + suffix):
            os.remove(copy + suffix)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data (195 states, MNR, campaign, partners) once per session."""
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Tests are hermetic: only loopback connections are allowed."""
    real_connect = socket.socket.connect

    def guarded_connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in {"localhost", "::1"} or host.startswith("/")
        ):
            raise RuntimeError(f"Test tried to reach the network: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache

    cache.clear()
    # A test that flushes the database (the archive round trip) recreates the content types
    # with new ids: the process-wide cache would then name the wrong model.
    ContentType.objects.clear_cache()
    yield
    cache.clear()


@pytest.fixture
def alice(db):
    """Alice, an editor who logs changes."""
    from tests.staff import with_role

    user = UserFactory(username="alice", email="alice@example.org", is_staff=True)
    return with_role(user, "editor")


@pytest.fixture
def bob(db):
    """Bob, a verifier on Alice's team."""
    from tests.staff import with_role

    user = UserFactory(username="bob", email="bob@example.org", is_staff=True)
    return with_role(user, "verifier")


@pytest.fixture
def charlie(db):
    """Charlie, an outsider with no staff role."""
    return UserFactory(username="charlie", email="charlie@example.org")


@pytest.fixture(autouse=True)
def _snapshot_dir(settings, tmp_path):
    """Each test keeps its own last good copy of the public snapshot (never the worktree's)."""
    from dashboards.pagecache import page_cache_clear

    settings.SNAPSHOT_DIR = tmp_path / "snapshot"
    page_cache_clear()


@pytest.fixture(autouse=True)
def _exports_dir(settings, tmp_path_factory):
    """Export releases (built when public data change) go to a fresh folder per test."""
    settings.EXPORTS_DIR = tmp_path_factory.mktemp("exports")


@pytest.fixture(autouse=True)
def _evidence_dir(settings, tmp_path):
    """Uploaded evidence goes to the test's own folder (never the worktree's var/evidence)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "evidence", "base_url": "/evidence/"},
        },
    }
