import pytest
from django.core.management import call_command

from pledges.models import CapabilityStatus, DemoDataSet, Pledge, PledgeEvent

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_marked_demo_data_and_accounts(client, capsys):
    # when
    call_command("seed_demo", "--seed", "7")
    # then
    out = capsys.readouterr().out
    assert "editor@demo.invalid" in out and "password:" in out
    assert DemoDataSet.objects.count() == 1
    assert Pledge.objects.public().count() > 50
    assert not Pledge.objects.filter(is_demo=False).exists()
    assert not PledgeEvent.objects.filter(is_demo=False).exists()
    assert PledgeEvent.objects.awaiting_verification().exists()  # some left for the verifier
    assert CapabilityStatus.objects.current().filter(is_demo=True).count() > 100
    statuses = set(Pledge.objects.public().values_list("status", flat=True))
    assert {"in_dialogue", "pledged"} <= statuses
    # and every page that shows it says it is demo data
    html = client.get("/en/").content.decode()
    assert "Demo data." in html and "invented" in html


def test_seed_demo_is_deterministic():
    call_command("seed_demo", "--seed", "7", verbosity=0)
    first = sorted(Pledge.objects.values_list("country_id", "status", "status_date"))
    call_command("seed_demo", "--seed", "7", "--reset", verbosity=0)
    second = sorted(Pledge.objects.values_list("country_id", "status", "status_date"))
    assert first == second


def test_without_demo_data_there_is_no_banner(client):
    assert "Demo data." not in client.get("/en/").content.decode()
