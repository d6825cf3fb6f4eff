"""No CSV or XLSX the public can download runs a formula (CSV injection), whatever the text.

Every writer of the public face: the open data downloads (zipped CSV, XLSX) and the table of
states (/map/states.csv, /map/states.xlsx); the JSON downloads keep the text exactly.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import openpyxl
import pytest

from dashboards import exports
from pledges.models import Country

pytestmark = pytest.mark.django_db

RISKY = ["=", "+", "-", "@", "\t", "\r"]
# Markup and both kinds of quote in the names, too.
NAMES = {
    iso3: f'{start}HYPERLINK("https://evil.example/?q=1","<b>It\'s</b> {iso3}")'
    for start, iso3 in zip(RISKY, ["GHA", "NOR", "PER", "FJI", "KEN", "NPL"], strict=True)
}


@pytest.fixture
def risky_names():
    """States whose names begin with every character a spreadsheet runs as a formula."""
    for iso3, name in NAMES.items():
        Country.objects.filter(iso3=iso3).update(short_name=name)
    return NAMES


def _csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _assert_xlsx_cells_are_text(sheet, column: str, by_iso3: dict[str, str]) -> None:
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    found = {}
    for row in rows[1:]:
        iso3 = row[header.index("iso3")].value
        if iso3 in by_iso3:
            found[iso3] = row[header.index(column)]
    assert set(found) == set(by_iso3)
    for iso3, cell in found.items():
        # the exact text, a text cell, with Excel's quote prefix: never a formula
        assert (cell.value, cell.data_type, cell.quotePrefix) == (by_iso3[iso3], "s", True)


def test_open_data_downloads_neutralise_every_risky_first_character(
    risky_names, settings, tmp_path
):
    settings.EXPORTS_DIR = tmp_path / "exports"
    # when a release is written
    release = exports.release_refresh()
    # then in the zipped CSV each such name is prefixed with an apostrophe
    with zipfile.ZipFile(release.file_path("csv")) as archive:
        rows = _csv_rows(archive.read("countries.csv").decode())
    names = {r["iso3"]: r["name"] for r in rows}
    for iso3, name in risky_names.items():
        assert names[iso3] == "'" + name, repr(iso3)
    assert names["FRA"] == "France"
    # in the XLSX it is a text cell with the exact name
    book = openpyxl.load_workbook(release.file_path("xlsx"))
    _assert_xlsx_cells_are_text(book["countries"], "name", risky_names)
    # and the JSON keeps it exactly (JSON is not a spreadsheet)
    document = json.loads(release.file_path("json").read_text(encoding="utf-8"))
    names = {r["iso3"]: r["name"] for r in document["tables"]["countries"]}
    assert {iso3: names[iso3] for iso3 in risky_names} == risky_names


def test_table_of_states_csv_neutralises_every_risky_first_character(client, risky_names):
    response = client.get("/map/states.csv")
    assert response.status_code == 200
    names = {r["iso3"]: r["state"] for r in _csv_rows(response.content.decode())}
    for iso3, name in risky_names.items():
        assert names[iso3] == "'" + name, repr(iso3)


def test_table_of_states_xlsx_neutralises_every_risky_first_character(client, risky_names):
    response = client.get("/map/states.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    _assert_xlsx_cells_are_text(book.worksheets[0], "state", risky_names)


def test_table_of_states_json_keeps_names_exactly(client, risky_names):
    states = {s["iso3"]: s["state"] for s in client.get("/map/states.json").json()["states"]}
    assert {iso3: states[iso3] for iso3 in risky_names} == risky_names
