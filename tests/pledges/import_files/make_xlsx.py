"""Writes the .xlsx fixture files of this folder (run once; the files are committed).

.venv/bin/python tests/pledges/import_files/make_xlsx.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
HEADER = ["country", "status", "date", "source_url", "source_title", "note"]
OK = "https://example.org/a"


def two_sheets() -> None:
    """East Africa on the first sheet, West Africa on the second: both have data."""
    book = Workbook()
    east = book.active
    east.title = "East"
    for row in (HEADER, ["KEN", "pledged", dt.date(2026, 3, 1), OK, "", ""]):
        east.append(row)
    west = book.create_sheet("West")
    for row in (HEADER, ["GHA", "in_dialogue", dt.date(2026, 3, 2), OK, "", ""]):
        west.append(row)
    book.create_sheet("Notes (empty)")
    book.save(HERE / "two_sheets.xlsx")


def merged_header() -> None:
    """'source' spans two columns (url and title): the second column has no header of its own."""
    book = Workbook()
    sheet = book.active
    sheet.append(["country", "status", "date", "source_url", None, "note"])
    sheet.merge_cells("D1:E1")
    sheet.append(["KEN", "pledged", dt.date(2026, 3, 1), OK, "Decree no. 12", ""])
    book.save(HERE / "merged_header.xlsx")


def merged_data() -> None:
    """One country cell merged over two rows: the second row's country is empty to a reader."""
    book = Workbook()
    sheet = book.active
    sheet.append(["country", "capability", "status", "source_url"])
    sheet.append(["KEN", "mnr-01", "in_place", OK])
    sheet.append([None, "mnr-02", "in_place", OK])
    sheet.merge_cells("A2:A3")
    book.save(HERE / "merged_data.xlsx")


def dates() -> None:
    """Text that only looks like a date next to real date cells."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["KEN", "pledged", "2026-03-011", OK, "", ""])
    sheet.append(["UGA", "pledged", "2026-03-01 garbage", OK, "", ""])
    sheet.append(["TZA", "pledged", "2026-W10-1", OK, "", ""])
    sheet.append(["RWA", "pledged", 20260301, OK, "", ""])
    sheet.append(["BDI", "pledged", dt.datetime(2026, 3, 1, 9, 30), OK, "", ""])  # a real date
    sheet.append(["ETH", "pledged", dt.date(2026, 3, 2), OK, "", ""])  # a real date
    sheet.append(["SOM", "pledged", "2026-03-03", OK, "", ""])  # ISO text
    book.save(HERE / "dates.xlsx")


if __name__ == "__main__":
    two_sheets()
    merged_header()
    merged_data()
    dates()
