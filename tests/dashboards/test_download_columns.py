"""Issue 12: download columns that spreadsheets do not mangle (no "1/3", a date to Excel)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from dashboards.pagecache import page_cache_clear
from tests.dashboards.test_public_pages import demo_data

pytestmark = pytest.mark.django_db

FRACTION = re.compile(r"^\d+\s*/\s*\d+$")


@pytest.fixture
def demo():
    demo_data()
    page_cache_clear()
    yield
    page_cache_clear()


def test_no_csv_cell_looks_like_a_fraction_or_date(client, demo):
    body = client.get("/map/states.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    cells = [v for r in rows for v in r.values()]
    assert not [c for c in cells if FRACTION.match(c or "")]
    # the coverage is two whole numbers per domain
    known = [r for r in rows if r["mnr_policy-governance_of"]]
    assert known
    for row in known:
        assert int(row["mnr_policy-governance_in_place_count"]) <= int(
            row["mnr_policy-governance_of"]
        )


def test_json_and_xlsx_carry_numbers_and_a_field_dictionary(client, demo):
    body = json.loads(client.get("/map/states.json").content)
    row = next(r for r in body["states"] if r["mnr_policy-governance_of"] is not None)
    assert isinstance(row["mnr_policy-governance_in_place_count"], int)
    assert "mnr_<domain>_in_place_count" in body["fields"]
    book = load_workbook(io.BytesIO(client.get("/map/states.xlsx").content))
    assert "Fields" in book.sheetnames
    values = [c for r in book["States"].iter_rows(values_only=True) for c in r]
    assert not [v for v in values if isinstance(v, str) and FRACTION.match(v)]
