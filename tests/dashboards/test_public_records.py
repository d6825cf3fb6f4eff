"""One public read model: the snapshot, the API and the downloads render the same records.

dashboards/records.py builds the public records once; these tests prove that the three
outputs say the same thing about the same state, field by field, and that each of them reads
the records (a value changed in a record shows in all three), not the models.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from campaign.models import Partner
from dashboards import records
from dashboards.exports import dataset_tables
from dashboards.snapshot import snapshot_build
from pledges import services
from pledges.models import Capability
from tests.factories import country, event_kwargs

pytestmark = pytest.mark.django_db

NO_INFO = "no_information"


@pytest.fixture
def ghana(alice, bob, settings, tmp_path):
    """Ghana with a verified history, a strategy sourced by an upload only, two
    capabilities, and two published partners working there."""
    settings.MEDIA_ROOT = tmp_path / "media"
    gha = country("GHA")
    for status, day in (("in_dialogue", 1), ("pledged", 9)):
        event = services.pledge_event_create(
            country=gha,
            user=alice,
            **event_kwargs(to_status=status, event_date=dt.date(2026, 2, day), note="<b>n</b>"),
        )
        services.pledge_event_verify(
            event=event, user=bob, expected_lock_version=event.lock_version
        )
    strategy = services.national_strategy_create(
        country=gha,
        user=alice,
        status="adopted",
        title='Child "online" safety',
        year=2025,
        references_mnr=True,
        source_document=SimpleUploadedFile("strategy.pdf", b"%PDF-1.4"),
        source_title="Gazette",
    )
    services.national_strategy_verify(
        record=strategy, user=bob, expected_lock_version=strategy.lock_version
    )
    for key, status in (("mnr-02", "in_place"), ("mnr-07", "in_development")):
        record = services.capability_status_create(
            country=gha,
            capability=Capability.objects.get(key=key),
            status=status,
            user=alice,
            source_url=f"https://example.org/{key}",
            note=f"note {key}",
        )
        services.capability_status_verify(
            record=record, user=bob, expected_lock_version=record.lock_version
        )
    for partner in Partner.objects.public().order_by("slug")[:2]:
        partner.countries.add(gha)
    return gha


def _outputs(iso3: str) -> tuple[dict, dict, dict]:
    """The state as the snapshot, the API and the downloads show it."""
    snapshot = snapshot_build()
    state = next(s for s in snapshot["states"] if s["iso3"] == iso3)
    api = APIClient()
    body = api.get(f"/api/v1/countries/{iso3}/").json()
    body["_events"] = api.get("/api/v1/pledge-events/", {"country": iso3}).json()["results"]
    body["_partners"] = api.get("/api/v1/partners/", {"page_size": 200}).json()["results"]
    tables = dataset_tables()
    export = {
        "country": next(r for r in tables["countries"] if r["iso3"] == iso3),
        "capabilities": [r for r in tables["capability_statuses"] if r["iso3"] == iso3],
        "events": [r for r in tables["pledge_events"] if r["iso3"] == iso3],
        "partners": [r["partner"] for r in tables["partner_countries"] if r["iso3"] == iso3],
        "partner_rows": tables["partners"],
    }
    state["_partners"] = snapshot["partners"]
    return state, body, export


def _assert_same_state(state: dict, api: dict, export: dict) -> None:
    row = export["country"]
    # identity
    for snap_key, api_key, export_key in (
        ("iso3", "iso3", "iso3"),
        ("iso2", "iso2", "iso2"),
        ("m49", "m49", "m49"),
        ("name", "name", "name"),
        ("region", "region", "region"),
        ("sub_region", "sub_region", "sub_region"),
        ("un_status", "un_status", "un_status"),
        ("lat", "latitude", "latitude"),
        ("lon", "longitude", "longitude"),
    ):
        assert state[snap_key] == api[api_key] == row[export_key], snap_key
    # the pledge
    pledge = api["pledge"]
    assert state["pledge"]["status"] == pledge["status"] == row["pledge_status"]
    assert state["pledge"]["since"] == pledge["since"] == row["pledge_status_since"]
    assert state["pledge"]["office"] == pledge["signed_by_office"] == row["signed_by_office"]
    assert state["pledge"]["note"] == pledge["public_note"]
    assert state["pledge"]["demo"] == pledge["is_demo"] == row["is_demo"]
    # the national strategy
    strategy = api["national_strategy"]
    if state["strategy"] is None:
        assert strategy is None
        assert row["strategy_status"] is None
    else:
        for key in ("status", "title", "year", "link", "references_mnr"):
            assert state["strategy"][key] == strategy[key] == row[f"strategy_{key}"], key
        assert state["strategy"]["note"] == strategy["note"]
        assert state["strategy"]["source"]["title"] == strategy["source"]["title"]
        link = strategy["source"]["url"] or strategy["source"]["document_url"]
        assert link.endswith(state["strategy"]["source"]["url"])
    # all 21 capabilities, "no_public_information" where nothing is verified
    api_caps = {c["capability"]: c for c in api["capabilities"]}
    export_caps = {c["capability"]: c for c in export["capabilities"]}
    keys = [f"mnr-{n:02d}" for n in range(1, 22)]
    assert list(api_caps) == list(export_caps) == keys
    for key in keys:
        detail = state["capability_details"].get(key)
        snap_status = detail["status"] if detail else "no_public_information"
        assert snap_status == api_caps[key]["status"] == export_caps[key]["status"], key
        assert state["capabilities"].get(key, "no_public_information") == snap_status
        note = detail["note"] if detail else ""
        assert note == api_caps[key]["note"] == export_caps[key]["note"], key
        assert (detail is not None) == api_caps[key]["verified"], key
    # the public changelog of pledge status changes
    snap_events = [(e["date"], e["from"] or NO_INFO, e["to"], e["note"]) for e in state["events"]]
    api_events = [
        (e["event_date"], e["from_status"], e["to_status"], e["note"])
        for e in reversed(api["_events"])  # newest first in the API
    ]
    export_events = [
        (e["event_date"], e["from_status"], e["to_status"], e["note"]) for e in export["events"]
    ]
    assert snap_events == api_events == export_events
    # the partners present
    api_partners = sorted(p["slug"] for p in api["_partners"] if state["iso3"] in p["countries"])
    assert state["partners"] == api_partners == export["partners"]
    names = {p["slug"]: p["name"] for p in state["_partners"]}
    assert names == {p["slug"]: p["name"] for p in api["_partners"]}
    assert names == {p["slug"]: p["name"] for p in export["partner_rows"]}


def test_snapshot_api_and_downloads_agree_field_by_field(ghana):
    state, api, export = _outputs("GHA")
    assert state["pledge"]["status"] == "pledged"
    assert len(state["events"]) == 2 and len(state["partners"]) == 2
    _assert_same_state(state, api, export)


def test_a_state_with_nothing_verified_has_the_same_defaults_everywhere(ghana):
    state, api, export = _outputs("NOR")
    assert state["pledge"]["status"] == api["pledge"]["status"] == NO_INFO
    assert api["pledge"]["verified"] is False
    assert all(c["status"] == "no_public_information" for c in api["capabilities"])
    _assert_same_state(state, api, export)


def test_every_output_renders_the_records_not_the_models(ghana, monkeypatch):
    """Change values in the records only: the snapshot, the API and the downloads all show
    them, so none of the three reads a model field behind the records' back."""
    real_countries = records.country_records
    real_event, real_partner = records.event_record, records.partner_record

    def countries(*args, **kwargs):
        result = []
        for record in real_countries(*args, **kwargs):
            if record.iso3 == "GHA":
                record = dataclasses.replace(
                    record,
                    pledge=dataclasses.replace(record.pledge, signed_by_office="From the record"),
                    strategy=dataclasses.replace(record.strategy, title="Record title"),
                    capabilities=tuple(
                        dataclasses.replace(c, note="record note") if c.verified else c
                        for c in record.capabilities
                    ),
                )
            result.append(record)
        return result

    def event(obj):
        return dataclasses.replace(real_event(obj), note="record event note")

    def partner(obj):
        return dataclasses.replace(real_partner(obj), name=f"Record {obj.slug}")

    monkeypatch.setattr(records, "country_records", countries)
    monkeypatch.setattr(records, "event_record", event)
    monkeypatch.setattr(records, "partner_record", partner)
    # when
    state, api, export = _outputs("GHA")
    # then all three show the records' values, and still agree with each other
    assert state["pledge"]["office"] == "From the record"
    assert api["national_strategy"]["title"] == "Record title"
    assert {
        c["note"] for c in export["capabilities"] if c["status"] != "no_public_information"
    } == {"record note"}
    assert {e["note"] for e in state["events"]} == {"record event note"}
    assert all(p["name"].startswith("Record ") for p in api["_partners"])
    _assert_same_state(state, api, export)


def test_an_event_record_carries_every_field_of_the_verified_event(ghana):
    """Field by field, against the model (mutmut survivors of `event_record` and
    `source_record`, docs/testing.md): the outputs compare records with each other, so a
    field dropped from the record itself would pass them."""
    from pledges.models import PledgeEvent

    data = records.public_data()
    by_country = data.events_by_country()
    made = list(
        PledgeEvent.objects.filter(pledge__country=ghana).order_by("event_date", "verified_at")
    )
    assert [e.id for e in by_country["GHA"]] == [e.pk for e in made]
    for record, event in zip(by_country["GHA"], made, strict=True):
        assert record == records.EventRecord(
            id=event.pk,
            iso3="GHA",
            country_name=ghana.short_name,
            pledge_text_id=event.pledge.pledge_text_id,
            pledge_text_version=event.pledge.pledge_text.version,
            from_status=event.from_status or NO_INFO,
            to_status=event.to_status,
            event_date=event.event_date,
            note=event.note,
            source=records.SourceRecord(
                url="https://example.org/source",
                document_url="",
                title="Press release",
                publisher="Ministry",
                date=dt.date(2026, 3, 1),
            ),
            verified_at=event.verified_at,
            verified=True,
            is_demo=False,
        )
    assert data.campaign is not None
    assert by_country["GHA"][0].pledge_text_version == data.campaign.pledge_text.version


def test_events_are_in_date_order_then_in_the_order_they_were_verified(alice, bob):
    """Oldest first by the event's date, then by verification time (neither by id nor by
    verification time alone)."""
    made = []
    for iso3, day in (("KEN", dt.date(2026, 4, 1)), ("BRA", dt.date(2026, 4, 1))):
        made.append(
            services.pledge_event_create(
                country=country(iso3), user=alice, **event_kwargs(event_date=day)
            )
        )
    for event in reversed(made):  # Brazil's, made second, verified first
        services.pledge_event_verify(
            event=event, user=bob, expected_lock_version=event.lock_version
        )
    earlier = services.pledge_event_create(
        country=country("ZAF"), user=alice, **event_kwargs(event_date=dt.date(2026, 3, 15))
    )
    services.pledge_event_verify(
        event=earlier, user=bob, expected_lock_version=earlier.lock_version
    )  # verified last, dated first
    order = [e.iso3 for e in records.public_data().events if e.iso3 in {"KEN", "BRA", "ZAF"}]
    assert order == ["ZAF", "BRA", "KEN"]


def test_a_country_record_finds_a_capability_by_its_key(ghana):
    (state,) = [c for c in records.public_data().countries if c.iso3 == "GHA"]
    assert state.capability("mnr-07").capability == "mnr-07"
    assert state.capability("mnr-07").status == "in_development"
    assert state.capability("mnr-02").status == "in_place"


def test_with_no_campaign_every_verified_record_is_public_under_no_text(ghana):
    """Before a campaign is set up (or after its removal) the public read model has no text
    to select by: the verified events stay public, no pledge names a text version, and there
    are no milestones (mutmut survivors of `public_data`, docs/testing.md)."""
    from campaign.models import Campaign

    with_campaign = records.public_data()
    assert with_campaign.pledge_text_id == with_campaign.campaign.pledge_text_id
    assert with_campaign.milestones  # the reference campaign has its calendar
    (state,) = [c for c in with_campaign.countries if c.iso3 == "GHA"]
    assert state.pledge.pledge_text_version == with_campaign.campaign.pledge_text.version

    Campaign.objects.all().delete()
    data = records.public_data()
    assert data.campaign is None
    assert data.pledge_text_id is None
    assert data.milestones == ()
    (state,) = [c for c in data.countries if c.iso3 == "GHA"]
    assert state.pledge.pledge_text_version is None
    assert [e.id for e in data.events_by_country()["GHA"]] == [
        e.id for e in with_campaign.events_by_country()["GHA"]
    ]


def test_a_country_record_carries_every_field_of_the_state_and_its_verified_data(ghana):
    """The whole record, against the models (mutmut survivors of `country_records`,
    `_pledge`, `_strategy` and `pledge_no_information`, docs/testing.md): a field dropped
    or set to None in the record itself passes the tests that compare outputs."""
    from pledges.models import NationalStrategy, Pledge

    data = records.public_data()
    version = data.campaign.pledge_text.version
    by_iso3 = {c.iso3: c for c in data.countries}
    state, norway = by_iso3["GHA"], by_iso3["NOR"]
    pledge = Pledge.objects.get(country=ghana, pledge_text=data.campaign.pledge_text)
    strategy = NationalStrategy.objects.get(country=ghana)
    assert (state.iso3, state.iso2, state.m49, state.name) == ("GHA", "GH", 288, "Ghana")
    assert state.names == records.CountryNames(
        en=ghana.name_en,
        fr=ghana.name_fr,
        es=ghana.name_es,
        ru=ghana.name_ru,
        zh=ghana.name_zh,
        ar=ghana.name_ar,
    )
    assert state.names.en != ""
    assert (state.region, state.sub_region, state.un_status) == (
        ghana.region,
        ghana.sub_region,
        ghana.un_status,
    )
    assert state.pledge == records.PledgeRecord(
        status="pledged",
        since=pledge.status_date,
        pledge_text_version=version,
        signed_by_office=pledge.signed_by_office,
        public_note=pledge.public_note,
        verified_at=pledge.verified_at,
        verified=True,
        is_demo=False,
    )
    assert state.pledge.verified_at is not None
    assert state.strategy == records.StrategyRecord(
        status="adopted",
        title='Child "online" safety',
        year=2025,
        link="",
        references_mnr=True,
        note="",
        source=records.source_record(strategy),
        verified_at=strategy.verified_at,
        is_demo=False,
    )
    assert state.partners == tuple(
        Partner.objects.public()
        .filter(countries=ghana)
        .order_by("slug")
        .values_list("slug", flat=True)
    )
    # a state with nothing verified: no information, on the campaign's text all the same
    assert norway.pledge == records.PledgeRecord(
        status=NO_INFO,
        since=None,
        pledge_text_version=version,
        signed_by_office="",
        public_note="",
        verified_at=None,
        verified=False,
        is_demo=False,
    )
    assert norway.strategy is None


def test_a_partner_record_carries_every_field_of_the_published_partner(ghana):
    partner = Partner.objects.public().order_by("slug").first()
    (record,) = [p for p in records.public_data().partners if p.slug == partner.slug]
    assert record == records.PartnerRecord(
        slug=partner.slug,
        name=partner.name,
        type=partner.partner_type,
        website=partner.website,
        description=partner.description,
        endorsement=partner.endorsement,
        conflict_of_interest_disclosure=partner.coi_disclosure,
        works_globally=partner.works_globally,
        outcomes=tuple(sorted(partner.outcomes.values_list("number", flat=True))),
        capabilities=tuple(sorted(partner.capabilities.values_list("key", flat=True))),
        countries=tuple(sorted(partner.countries.values_list("iso3", flat=True))),
        verified=True,
        is_demo=False,
    )
    assert record.type != ""
