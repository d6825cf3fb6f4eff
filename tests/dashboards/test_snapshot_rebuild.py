"""Rebuilding the public snapshot: one build per change, however many requests miss (issue 8).

On the in-process cache (the demo, these tests on SQLite) the cross-process lock lives in
that cache; on Redis (the suite on PostgreSQL + Redis) it is shared, as in production.
"""

from __future__ import annotations

import copy
import threading
import time

import pytest
from django.core.cache import cache
from django.db import OperationalError

from dashboards import snapshot as snapshot_module
from dashboards.snapshot import BUILD_LOCK_KEY, snapshot_current, snapshot_refresh
from tests.dashboards.wsgi_calls import apps, call

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cold_process():
    """Each test starts as a new worker process would: no snapshot in memory."""

    def forget():
        snapshot_module._memo.update(snapshot=None, token=None)
        snapshot_module._disk_copy.update(token=None, snapshot=None)

    forget()
    yield
    forget()


@pytest.fixture
def builds(monkeypatch):
    """snapshot_build, counted, and slow enough that every request arrives while it runs."""
    data = snapshot_module.snapshot_build()
    calls = []

    def build():
        calls.append(threading.get_ident())
        time.sleep(0.3)
        return copy.deepcopy(data)

    monkeypatch.setattr(snapshot_module, "snapshot_build", build)
    return calls


def in_threads(target, count: int) -> list:
    """Run target in `count` threads released at the same instant; their results."""
    start = threading.Barrier(count)
    results = []

    def run():
        start.wait()
        results.append(target())

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == count
    return results


def another_process_builds() -> str:
    """Hold the build lock as another worker or server would while it builds."""
    assert cache.add(BUILD_LOCK_KEY, "another-process", timeout=60)
    return "another-process"


def test_cold_cache_twenty_concurrent_requests_build_the_snapshot_once(builds):
    # given a cold cache and a process that holds no snapshot
    cache.clear()
    _, fast_app, _ = apps()
    # when 20 visitors arrive at once
    answers = in_threads(lambda: call(fast_app, headers={"accept-encoding": "gzip, br"}), 20)
    # then
    assert len(builds) == 1
    assert {status for status, _, _ in answers} == {200}
    assert len({body for _, _, body in answers}) == 1
    assert cache.get(BUILD_LOCK_KEY) is None  # released


def test_cold_cache_concurrent_view_requests_build_once(builds, client):
    cache.clear()
    answers = in_threads(lambda: client.get("/data/snapshot.json").status_code, 8)
    assert answers == [200] * 8
    assert len(builds) == 1


def test_while_another_process_builds_requests_wait_for_its_copy(builds):
    # given another process is rebuilding the cold snapshot
    ours = snapshot_current()  # (what that process is about to store)
    cache.clear()
    snapshot_module._memo.update(snapshot=None, token=None)
    builds.clear()
    another_process_builds()
    # when requests miss meanwhile, and then its copy lands
    waiting = []
    thread = threading.Thread(target=lambda: waiting.append(snapshot_current()))
    thread.start()
    time.sleep(0.3)
    assert thread.is_alive() and not waiting  # waiting, not building
    cache.set(snapshot_module.CACHE_KEY, ours, timeout=None)
    cache.set(snapshot_module.ETAG_KEY, ours.etag, timeout=None)
    cache.delete(BUILD_LOCK_KEY)
    thread.join(timeout=10)
    # then they serve it, and nobody here built one
    assert waiting[0].etag == ours.etag
    assert builds == []


def test_a_build_stuck_elsewhere_is_waited_for_briefly_then_the_disk_copy_is_served(
    builds, monkeypatch
):
    # given a last good copy on disk, and another process stuck building
    good = snapshot_current()
    cache.clear()
    snapshot_module._memo.update(snapshot=None, token=None)
    builds.clear()
    another_process_builds()
    monkeypatch.setattr(snapshot_module, "WAIT_FOR_BUILD_SECONDS", 0.2)
    # when twenty requests miss
    served = in_threads(snapshot_current, 20)
    # then each got the last good copy, marked as such, after a short wait; none built
    assert builds == []
    assert {s.etag for s in served} == {good.etag}
    assert all(s.from_last_good_copy for s in served)


def test_a_failed_build_releases_the_lock_and_serves_the_last_good_copy(monkeypatch):
    # given
    good = snapshot_current()
    cache.clear()
    snapshot_module._memo.update(snapshot=None, token=None)

    def database_down():
        raise OperationalError("database is down")

    monkeypatch.setattr(snapshot_module, "snapshot_build", database_down)
    # when
    served = snapshot_current()
    # then
    assert served.from_last_good_copy and served.etag == good.etag
    assert cache.get(BUILD_LOCK_KEY) is None
    # and the others are served the same copy from the cache, without trying again
    monkeypatch.setattr(snapshot_module, "snapshot_build", lambda: pytest.fail("rebuilt"))
    snapshot_module._memo.update(snapshot=None, token=None)
    assert snapshot_current().etag == good.etag


def test_a_change_during_a_build_elsewhere_is_built_after_it(builds):
    # given another process is building (from data read before the change)
    another_process_builds()
    # when a change lands here
    refreshed = []
    thread = threading.Thread(target=lambda: refreshed.append(snapshot_refresh()))
    thread.start()
    time.sleep(0.3)
    # then its build waits for the other one
    assert builds == [] and thread.is_alive()
    cache.delete(BUILD_LOCK_KEY)
    thread.join(timeout=10)
    # and then builds, so that the data after the change are the ones stored
    assert len(builds) == 1
    assert snapshot_current().etag == refreshed[0].etag


def test_every_change_builds_once(builds):
    snapshot_current()
    snapshot_refresh()
    snapshot_refresh()
    assert len(builds) == 3
