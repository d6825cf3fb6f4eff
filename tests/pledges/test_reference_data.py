from collections import Counter

import pytest
from django.core.management import call_command

from campaign.models import Campaign, Partner, PartnerType
from pledges.models import Capability, Country, MNRDomain, PledgeText, UNStatus

pytestmark = pytest.mark.django_db


def test_the_195_states_are_193_members_and_2_observers():
    # given the reference data loaded once per session
    # then
    assert Country.objects.count() == 195
    assert Country.objects.filter(un_status=UNStatus.MEMBER).count() == 193
    observers = set(
        Country.objects.filter(un_status=UNStatus.OBSERVER).values_list("iso3", flat=True)
    )
    assert observers == {"VAT", "PSE"}


def test_members_by_m49_region():
    members = Country.objects.filter(un_status=UNStatus.MEMBER)
    assert Counter(members.values_list("region", flat=True)) == {
        "Africa": 54,
        "Americas": 35,
        "Asia": 47,
        "Europe": 43,
        "Oceania": 14,
    }


def test_names_and_quirks():
    nauru = Country.objects.get(iso3="NRU")
    assert nauru.short_name == "Nauru"
    assert nauru.name_en == "Nauru"
    assert nauru.sub_region == "Micronesia"
    assert "Naoero" not in nauru.aliases
    assert not Country.objects.filter(iso3__in=["XKX", "TWN"]).exists()
    france = Country.objects.get(iso3="FRA")
    assert (france.iso2, france.m49, france.name_fr) == ("FR", 250, "France")
    assert france.name_zh and france.name_ar and france.name_ru and france.name_es


def test_every_representative_point_is_on_earth():
    for lat, lon in Country.objects.values_list("latitude", "longitude"):
        assert -90 <= lat <= 90 and -180 <= lon <= 180


def test_mnr_2016_has_6_domains_and_21_capabilities():
    assert MNRDomain.objects.count() == 6
    assert Capability.objects.count() == 21
    keys = list(Capability.objects.order_by("number").values_list("key", flat=True))
    assert keys == [f"mnr-{n:02d}" for n in range(1, 22)]
    assert set(Capability.objects.values_list("mnr_version", flat=True)) == {"2016"}
    per_domain = {d.name: d.capabilities.count() for d in MNRDomain.objects.all()}
    assert per_domain == {
        "Policy and Governance": 3,
        "Criminal Justice": 4,
        "Victim": 4,
        "Societal": 4,
        "Industry": 4,
        "Media and Communications": 2,
    }
    assert all(c.description for c in Capability.objects.all())


def test_partners_campaign_and_first_pledge_text():
    assert Partner.objects.filter(slug="unicef", partner_type=PartnerType.UN_AGENCY).exists()
    assert Partner.objects.filter(partner_type=PartnerType.DONOR).count() == 5
    # Industry partners wait for a conflict-of-interest disclosure before they are public.
    assert not Partner.objects.public().filter(partner_type=PartnerType.INDUSTRY).exists()
    campaign = Campaign.objects.get()
    assert str(campaign.launch_date) == "2027-02-09"
    text = PledgeText.objects.get()
    assert text.is_placeholder and text.clauses.count() == 5


def test_loading_twice_changes_nothing():
    # given
    histories = Partner.history.count(), PledgeText.history.count()
    # when
    call_command("load_reference_data", verbosity=0)
    # then
    assert Country.objects.count() == 195
    assert Partner.objects.count() == 30
    assert (Partner.history.count(), PledgeText.history.count()) == histories


def test_every_mnr_domain_and_capability_has_a_name_in_all_six_languages():
    # given the fixture (the project's own translations) and what load_reference_data made
    # of it
    import json
    from pathlib import Path

    from django.conf import settings

    data = json.loads((Path(settings.BASE_DIR) / "fixtures" / "mnr_2016.json").read_text())
    assert "not official" in data["translations"]
    codes = ("fr", "es", "ru", "zh", "ar")
    # then every name and description is there, in every language, and not just English
    for domain in data["domains"]:
        for code in codes:
            assert domain[f"name_{code}"].strip(), (domain["key"], code)
        for cap in domain["capabilities"]:
            for code in codes:
                assert cap[f"name_{code}"].strip(), (cap["key"], code)
                assert cap[f"description_{code}"].strip(), (cap["key"], code)
                assert cap[f"description_{code}"] != cap["description"], (cap["key"], code)
    for record in [*MNRDomain.objects.all(), *Capability.objects.all()]:
        for code in ("en", *codes):
            assert record.name_in(code).strip(), (record.key, code)
    legislation = Capability.objects.get(key="mnr-03")
    assert legislation.name_in("fr") == "Législation"
    assert legislation.name_in("zh-hans") == "立法"
    assert legislation.description_in("ar") != legislation.description
