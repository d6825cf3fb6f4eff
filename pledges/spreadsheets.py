"""Cells that a spreadsheet program shows as text and never runs (CSV/formula injection).

Every CSV and XLSX file the product writes passes its cells through here: the open data
downloads, the table of states (/map/states.csv and .xlsx) and the import templates. A text
cell whose first character is one of `= + - @`, a tab or a carriage return would be read
by Excel, LibreOffice or Google Sheets as the start of a formula (OWASP, "CSV Injection"):

- in a CSV, which has no types, it is prefixed with an apostrophe, which spreadsheet
  programs read as "this is text" (the apostrophe shows; the rest is unchanged);
- in an XLSX, which has types, it is written as a text cell with Excel's quote prefix (the
  `'` typed before a value): the value stays exactly as written, it is never a formula,
  and editing the cell does not turn it into one.

Numbers, booleans, dates and empty cells are never changed. Characters that XLSX cannot
hold (control characters) are dropped from XLSX text.
"""

from __future__ import annotations

import math

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    """Whether a spreadsheet program would run this cell as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value):
    """The value to write in a CSV cell."""
    if is_formula_like(value):
        return "'" + value
    return value


def csv_row(values) -> list:
    return [csv_cell(v) for v in values]


def _is_empty(value) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    # pandas' missing value, without importing pandas here
    return type(value).__name__ == "NAType"


def xlsx_cell(sheet, value):
    """The value (or cell) to append to a write-only openpyxl `sheet`."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if _is_empty(value):
        return None
    if not isinstance(value, str):
        return value
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not is_formula_like(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # text, never a formula
    cell.quotePrefix = True  # and it stays text when someone edits it
    return cell


def xlsx_row(sheet, values) -> list:
    return [xlsx_cell(sheet, v) for v in values]
