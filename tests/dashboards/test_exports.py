"""Downloads: CSV zip, XLSX and JSON with field dictionary, licence and dated releases."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pandas as pd
import pytest
import time_machine

from dashboards import exports
from pledges import services
from pledges.models import Country
from tests.dashboards.open_data import publish
from tests.factories import country, event_kwargs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _snapshot_dir(settings, tmp_path):
    settings.SNAPSHOT_DIR = tmp_path / "snapshot"


def _zip_tables(content: bytes) -> dict[str, pd.DataFrame]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return {
        name.removesuffix(".csv"): pd.read_csv(archive.open(name), keep_default_na=False)
        for name in archive.namelist()
        if name.endswith(".csv")
    }


def test_zipped_csv_opens_with_pandas_and_round_trips_the_numbers(client, alice, bob):
    # given published data
    publish(n=2, author=alice, verifier=bob)
    # when the public downloads the zipped CSV
    response = client.get("/exports/latest.csv.zip")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
    assert {f"{t.name}.csv" for t in exports.TABLES} | {"field_dictionary.csv", "README.txt"} == (
        names
    )
    tables = _zip_tables(content)
    states = tables["countries"].set_index("iso3")
    assert len(states) == 195
    for c in Country.objects.all():
        assert states.loc[c.iso3, "m49"] == c.m49
        assert states.loc[c.iso3, "latitude"] == c.latitude  # exact float round trip
        assert states.loc[c.iso3, "longitude"] == c.longitude
    assert states["m49"].dtype == "int64"
    assert len(tables["capability_statuses"]) == 195 * 21
    assert len(tables["pledge_events"]) == 2
    campaign = tables["campaign"].iloc[0]
    assert campaign["member_states"] == 193
    assert campaign["pledged_member_states"] + campaign["pledged_observer_states"] == 2
    # every column of every table is described in the field dictionary
    dictionary = tables["field_dictionary"]
    for table in exports.TABLES:
        described = set(dictionary[dictionary["table"] == table.name]["field"])
        assert described == set(tables[table.name].columns)


def test_readme_carries_licence_citation_and_as_of(client):
    content = b"".join(client.get("/exports/latest.csv.zip").streaming_content)
    readme = zipfile.ZipFile(io.BytesIO(content)).read("README.txt").decode()
    assert "CC BY 4.0" in readme
    assert "https://creativecommons.org/licenses/by/4.0/" in readme
    assert "Suggested citation" in readme
    assert "As of: " in readme


def test_xlsx_has_one_sheet_per_table(client):
    response = client.get("/exports/latest.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["about", *[t.name for t in exports.TABLES], "field_dictionary"]
    rows = list(book["countries"].iter_rows(values_only=True))
    assert rows[0][:3] == ("iso3", "iso2", "m49")
    assert len(rows) == 196


def test_json_holds_about_dictionary_and_tables(client):
    response = client.get("/exports/latest.json")
    document = json.loads(b"".join(response.streaming_content))
    assert document["about"]["licence"] == "CC BY 4.0"
    assert document["about"]["citation"].startswith("Global Pledge Tracker (")
    assert len(document["tables"]["countries"]) == 195
    assert {r["table"] for r in document["field_dictionary"]} == {t.name for t in exports.TABLES}


def test_text_that_looks_like_a_formula_is_never_a_formula(client, alice, bob):
    # given a verified note that a spreadsheet would run
    event = services.pledge_event_create(
        country=country("GHA"), user=alice, **event_kwargs(note='=HYPERLINK("x","y")')
    )
    services.pledge_event_verify(event=event, user=bob, expected_lock_version=event.lock_version)
    release = exports.release_refresh()
    # then the CSV shows it as text, and the XLSX cell is a string
    with zipfile.ZipFile(release.file_path("csv")) as archive:
        events = pd.read_csv(archive.open("pledge_events.csv"))
    assert events.loc[0, "note"] == '\'=HYPERLINK("x","y")'
    book = openpyxl.load_workbook(release.file_path("xlsx"))
    header = [c.value for c in book["pledge_events"][1]]
    cell = book["pledge_events"].cell(row=2, column=header.index("note") + 1)
    assert cell.data_type == "s"
    assert cell.quotePrefix  # and stays text when someone edits it
    assert cell.value == '=HYPERLINK("x","y")'


def test_each_change_adds_a_dated_release_and_the_old_one_stays(
    client, alice, bob, django_capture_on_commit_callbacks
):
    # given a first release
    with time_machine.travel("2026-05-01 10:00:00Z", tick=False):
        first = exports.release_ensure()
    assert first.id == exports.release_id_for(first.as_of)
    # when a verified change lands later (the signal rebuilds the snapshot) and someone
    # then asks for the downloads (the release is built on that first request)
    with time_machine.travel("2026-05-02 09:30:00Z", tick=False):
        event = services.pledge_event_create(country=country("PER"), user=alice, **event_kwargs())
        with django_capture_on_commit_callbacks(execute=True):
            services.pledge_event_verify(
                event=event, user=bob, expected_lock_version=event.lock_version
            )
    assert len(exports.release_list()) == 1  # verification itself builds no files
    with time_machine.travel("2026-05-02 11:00:00Z", tick=False):
        exports.release_ensure()
    # then there are two releases, the newest first, and both download
    releases = exports.release_list()
    assert [r.id for r in releases] == ["20260502T093000Z", first.id]
    assert first.id == "20260501T100000Z"
    old = client.get(f"/exports/releases/{first.id}/{first.file('json')['name']}")
    assert old.status_code == 200
    assert old["Cache-Control"] == "public, max-age=31536000, immutable"
    old_data = json.loads(b"".join(old.streaming_content))
    assert old_data["tables"]["pledge_events"] == []
    page = client.get("/exports/")
    assert "20260502T093000Z" in page.content.decode()
    assert first.file("csv")["name"] in page.content.decode()
    listing = client.get("/exports/releases.json").json()
    assert [r["release"] for r in listing["releases"]] == ["20260502T093000Z", first.id]


def test_unchanged_data_adds_no_release():
    first = exports.release_ensure()
    assert exports.release_refresh().id == first.id
    assert len(exports.release_list()) == 1


def test_downloads_have_etag_and_answer_304(client):
    response = client.get("/exports/latest.json")
    etag = response["ETag"]
    assert client.get("/exports/latest.json", HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/exports/releases/20990101T000000Z/x.json",
        "/exports/releases/..%2F..%2Fsettings/x.json",
        "/exports/releases/not-a-release/manifest.json",
        "/exports/latest.csv",
    ],
)
def test_unknown_release_files_are_404(client, path):
    exports.release_ensure()
    assert client.get(path).status_code == 404


def test_manifest_is_not_downloadable(client):
    release = exports.release_ensure()
    assert client.get(f"/exports/releases/{release.id}/manifest.json").status_code == 404


def test_data_page_explains_fields_sources_verification_and_citation(client):
    page = client.get("/en/data/").content.decode()
    for table in exports.TABLES:
        assert f'id="table-{table.name}"' in page
        for field in table.fields:
            assert f"<code>{field.name}</code>" in page
    for text in (
        "OCHA",
        "M49",
        "Model National Response (2016)",
        "four eyes",
        "CC BY 4.0",
        "/api/docs/",
        "/exports/latest.csv.zip",
    ):
        assert text in page


def test_data_page_makes_no_query_beyond_the_demo_flag(client, django_assert_num_queries):
    client.get("/en/data/")  # warms the cached demo flag
    with django_assert_num_queries(0):
        assert client.get("/en/data/").status_code == 200


def test_export_release_command_builds_a_release_once():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("export_release", stdout=out)
    call_command("export_release", stdout=out)
    assert len(exports.release_list()) == 1
    assert "Latest release: " in out.getvalue()


def test_database_down_still_serves_the_last_release(client, monkeypatch):
    from django.db import OperationalError

    from dashboards import snapshot

    # given a release, then a change of the public data while the database goes down
    first = exports.release_ensure()
    monkeypatch.setattr(exports, "snapshot_current", lambda: snapshot.Snapshot(b"{}", '"x"', "t"))

    def down():
        raise OperationalError("database is down")

    monkeypatch.setattr(exports, "dataset_tables", down)
    # when
    response = client.get("/exports/latest.json")
    # then
    assert response.status_code == 200
    assert exports.release_ensure().id == first.id


@pytest.mark.parametrize("size", [1, 8])
def test_tables_are_read_in_a_fixed_number_of_queries(alice, bob, django_assert_num_queries, size):
    # given `size` states with published data, and partners working in all of them
    from campaign.models import Partner

    states = publish(n=size, author=alice, verifier=bob)
    for partner in Partner.objects.public()[:3]:
        partner.countries.add(*states)
    # when / then: the public records (dashboards.records.public_data: 1 campaign, 2 MNR
    # domains and capabilities, 4 published partners with their links, 4 states with their
    # verified pledges, strategies and capability statuses, 1 verified events, 1 the
    # campaign's milestones, 1 verified progress reports), 1 outcomes, the 5 of campaign
    # progress, and 3 of the pledge text (published versions, their clauses, the clauses'
    # translations)
    with django_assert_num_queries(23):
        tables = exports.dataset_tables()
    assert len(tables["pledge_events"]) == size
