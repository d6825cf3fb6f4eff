import pytest

from dashboards.snapshot import snapshot_current
from pledges import services
from tests.factories import country, event_kwargs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _snapshot_dir(settings, tmp_path):
    settings.SNAPSHOT_DIR = tmp_path


def test_snapshot_holds_all_195_states_and_only_verified_data(
    alice, bob, django_capture_on_commit_callbacks
):
    draft = services.pledge_event_create(
        country=country("KEN"), user=alice, **event_kwargs(to_status="pledged")
    )
    data = snapshot_current().data
    assert len(data["states"]) == 195
    kenya = next(s for s in data["states"] if s["iso3"] == "KEN")
    assert kenya["pledge"]["status"] == "no_information"
    # when a verifier confirms it, the snapshot is rebuilt
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_event_verify(
            event=draft, user=bob, expected_lock_version=draft.lock_version
        )
    kenya = next(s for s in snapshot_current().data["states"] if s["iso3"] == "KEN")
    assert (kenya["pledge"]["status"], kenya["pledge"]["since"]) == ("pledged", "2026-03-01")


def test_warm_snapshot_makes_no_query(django_assert_num_queries):
    snapshot_current()
    with django_assert_num_queries(0):
        snapshot_current()


def test_database_down_serves_the_last_good_copy(monkeypatch):
    from django.core.cache import cache
    from django.db import OperationalError

    from dashboards import snapshot as module

    good = snapshot_current()
    cache.clear()  # a cold process: neither the cache nor this process holds it

    def broken():
        raise OperationalError("database is down")

    monkeypatch.setattr(module, "snapshot_build", broken)
    served = snapshot_current()
    assert served.from_last_good_copy
    assert (served.etag, served.as_of) == (good.etag, good.as_of)
