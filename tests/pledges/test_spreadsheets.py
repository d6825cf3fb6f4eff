"""The one rule for spreadsheet cells (pledges.spreadsheets) and the import templates."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from pledges.imports import CapabilityStatusImporter, PledgeStatusImporter
from pledges.spreadsheets import FORMULA_START, csv_cell, xlsx_row

RISKY = ["=", "+", "-", "@", "\t", "\r"]


def test_the_risky_first_characters_are_the_owasp_list():
    assert set(FORMULA_START) == set(RISKY)


@pytest.mark.parametrize("start", RISKY)
def test_csv_cell_prefixes_an_apostrophe(start):
    value = f'{start}HYPERLINK("https://evil.example","<b>click</b>")'
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["Ghana", "", "Côte d'Ivoire", " =not first", "a=b", "'already", None, -1.5, 3, True]
)
def test_csv_cell_leaves_everything_else(value):
    assert csv_cell(value) == value


@pytest.mark.parametrize("start", RISKY)
def test_xlsx_cell_is_text_with_the_quote_prefix_and_the_exact_value(start):
    # given a write-only workbook (as every XLSX the product writes)
    value = f'{start}SUM(1+1) "q" <i>x</i>'
    book = Workbook(write_only=True)
    sheet = book.create_sheet("s")
    sheet.append(xlsx_row(sheet, [value, "plain", -2.5, None, "\x01=strip"]))
    out = io.BytesIO()
    book.save(out)
    # when read back
    cells = next(load_workbook(io.BytesIO(out.getvalue()))["s"].iter_rows())
    # then the risky one is text, quote-prefixed, unchanged; the others are as they were
    assert (cells[0].value, cells[0].data_type, cells[0].quotePrefix) == (value, "s", True)
    assert (cells[1].value, cells[1].quotePrefix) == ("plain", False)
    assert cells[2].value == -2.5
    assert cells[3].value is None
    # a control character XLSX cannot hold is dropped, and what is left is checked
    assert (cells[4].value, cells[4].data_type, cells[4].quotePrefix) == ("=strip", "s", True)


@pytest.mark.parametrize("importer", [PledgeStatusImporter, CapabilityStatusImporter])
@pytest.mark.parametrize("start", RISKY)
def test_import_templates_neutralise_risky_cells(importer, start, monkeypatch):
    # given an import template whose example holds a formula-like cell
    monkeypatch.setattr(importer, "example_rows", ((f"{start}cmd", "GHA"),))
    # when / then
    rows = list(csv.reader(io.StringIO(importer().template_csv(), newline="")))
    assert rows[1] == [f"'{start}cmd", "GHA"]
    assert rows[0] == [c.name for c in importer.columns]


@pytest.mark.parametrize(
    "missing",
    [None, float("nan"), pytest.param("pandas.NA", id="pandas.NA")],
)
def test_a_missing_value_is_an_empty_xlsx_cell_never_nan(missing, tmp_path):
    """NaN and pandas' NA written as numbers make an XLSX that Excel reports as corrupt
    ("nan" in a number cell); every missing value must be an empty cell (mutmut survivors
    of `_is_empty`, docs/testing.md)."""
    if missing == "pandas.NA":
        pandas = pytest.importorskip("pandas")
        missing = pandas.NA
    book = Workbook(write_only=True)
    sheet = book.create_sheet("t")
    row = xlsx_row(sheet, ["before", missing, 1.5])
    assert row[1] is None
    sheet.append(row)
    path = tmp_path / "t.xlsx"
    book.save(path)
    cells = [c.value for c in next(load_workbook(path).active.iter_rows())]
    assert cells == ["before", None, 1.5]
