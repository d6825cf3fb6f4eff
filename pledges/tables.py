"""A strict reader of the tables staff import: CSV and XLSX, nothing lost, nothing guessed.

Why hand-written and not tablib (or django-import-export, which reads through tablib): tablib
reads CSV with the csv module in its lenient default (an unclosed quote swallows the rows
after it into one cell; a short row is padded), reads only the active sheet of a workbook
(the other sheets are silently ignored), does not see merged cells, and hands over dates
and empty headers as they come. Each rule below would be a check around it anyway, so the
reader is the standard library's csv module in strict mode and openpyxl, with these rules:

- CSV: UTF-8 (with or without BOM), comma or semicolon separated (whichever the header line
  has more of), read with ``strict=True``: an unclosed or stray quote is an error naming the
  line where its row starts; a cell over the csv module's field limit is an error, not a
  crash; a row with fewer or more cells than the header is a row error.
- XLSX: a workbook with data on more than one sheet is refused unless the sheet is chosen;
  merged cells are refused (a merged header leaves a column without a name, merged data
  cells leave every cell but the first empty); a real date cell is read as its date.
- Header: every column with data has a name, and no name is used twice.
- A cell of only ``NA``, ``N/A``, ``#N/A``, ``-`` or ``?`` means "not available": it is read
  as empty (so ``NA`` is never Namibia's ISO2 code).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format

# What spreadsheets write for "not available"; compared case-insensitively, whole cell only.
NOT_AVAILABLE = frozenset({"na", "n/a", "#n/a", "-", "?"})


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, format, quotes, header, sheets)."""


@dataclass
class Table:
    headers: list[str]  # normalised names, in column order, without empty ones
    rows: list[tuple[int, dict[str, str]]]  # (line number, {header: text}); blank rows skipped


def header_key(text: Any) -> str:
    text = str(text or "").replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how a spreadsheet names a column, in a CSV as in an XLSX."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def cell_text(value: Any) -> str:
    """A cell as text: a date cell becomes its ISO date, a whole number loses '.0', and a
    'not available' mark becomes empty."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if text.casefold() in NOT_AVAILABLE:
        return ""
    return text


def table_read(*, content: bytes, sheet: str = "") -> Table:
    """The table in CSV or XLSX bytes; ImportFileError says why a file cannot be read."""
    if content.startswith(OLE_MAGIC):
        raise ImportFileError(_("This is an old Excel (.xls) file: save it as .xlsx or CSV."))
    if content.startswith(XLSX_MAGIC):
        lines = _xlsx_lines(content, sheet=sheet.strip())
        strict_width = False
    else:
        lines = _csv_lines(content)
        strict_width = True
    if not lines:
        raise ImportFileError(_("The file is empty."))
    (_header_line, header), body = lines[0], lines[1:]
    headers = [header_key(h) for h in header]
    _headers_check(headers, body)
    rows = []
    for line, cells in body:
        texts = [cell_text(c) for c in cells]
        if not any(texts):
            continue
        record: dict[str, str] = {}
        if strict_width and len(texts) < len(headers):
            record["__short__"] = _(
                "This row has %(cells)d cells where the header has %(columns)d: a separator "
                "is missing (or a cell with a separator in it is not in quotes)."
            ) % {"cells": len(texts), "columns": len(headers)}
        for index, name in enumerate(headers):
            if name:
                record[name] = texts[index] if index < len(texts) else ""
        extra = [t for t in texts[len(headers) :] if t]
        if extra:
            record["__extra__"] = ", ".join(extra)
        rows.append((line, record))
    return Table(headers=[h for h in headers if h], rows=rows)


def _headers_check(headers: list[str], body: list[tuple[int, list]]) -> None:
    """Every column that has data has a name of its own."""
    errors = []
    seen: dict[str, int] = {}
    for index, name in enumerate(headers):
        if not name:
            line = next(
                (line for line, cells in body if index < len(cells) and cell_text(cells[index])),
                None,
            )
            if line is not None:
                errors.append(
                    _(
                        "Column %(column)s has no name in line 1 but has data (line %(line)d): "
                        "name it or delete the column."
                    )
                    % {"column": column_letter(index), "line": line}
                )
            continue
        if name in seen:
            errors.append(
                _("Column %(column)s repeats the name '%(name)s' of column %(first)s.")
                % {
                    "column": column_letter(index),
                    "name": name,
                    "first": column_letter(seen[name]),
                }
            )
        seen.setdefault(name, index)
    if errors:
        raise ImportFileError(" ".join(errors))


def _csv_lines(content: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "The file is not UTF-8 text (byte %(position)d): save it as "
                "'CSV UTF-8' or as .xlsx and upload it again."
            )
            % {"position": exc.start}
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    lines = []
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            detail = str(exc)
            if "field limit" in detail:
                message = _(
                    "Line %(line)d has a cell longer than %(limit)d characters (a quote left "
                    "open?): no cell can be that long."
                ) % {"line": start, "limit": csv.field_size_limit()}
            else:
                message = _(
                    'Line %(line)d cannot be read: a quote (") is left open or stands inside a '
                    "cell (%(detail)s). Put a cell that contains quotes, separators or line "
                    "breaks in quotes and double the quotes inside it."
                ) % {"line": start, "detail": detail}
            raise ImportFileError(message) from None
        lines.append((start, cells))
        start = reader.line_num + 1
    return lines


def _xlsx_lines(content: bytes, *, sheet: str) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        # Not read-only: a read-only workbook does not know its merged cells.
        workbook = load_workbook(io.BytesIO(content), data_only=True)
    except Exception:
        raise ImportFileError(_("This Excel file cannot be read: is it a valid .xlsx?")) from None
    try:
        sheets = {
            ws.title: [list(cells) for cells in ws.iter_rows(values_only=True)]
            for ws in workbook.worksheets
        }
        with_data = [
            title
            for title, cells in sheets.items()
            if any(cell_text(value) for row in cells for value in row)
        ]
        if sheet:
            if sheet not in sheets:
                raise ImportFileError(
                    _("This workbook has no sheet '%(sheet)s'; its sheets are: %(sheets)s.")
                    % {"sheet": sheet, "sheets": ", ".join(sheets)}
                )
            chosen = sheet
        elif len(with_data) > 1:
            raise ImportFileError(
                _(
                    "This workbook has data on %(count)d sheets (%(sheets)s): choose the sheet "
                    "to import, or import each sheet on its own."
                )
                % {"count": len(with_data), "sheets": ", ".join(with_data)}
            )
        else:
            chosen = with_data[0] if with_data else workbook.worksheets[0].title
        merged = [str(r) for r in workbook[chosen].merged_cells.ranges]
        if merged:
            in_header = [r for r in workbook[chosen].merged_cells.ranges if r.min_row == 1]
            raise ImportFileError(
                (
                    _(
                        "Header cells %(cells)s are merged: each column needs a name of its "
                        "own; unmerge them."
                    )
                    if in_header
                    else _(
                        "Cells %(cells)s are merged: only the first cell of a merged range "
                        "has a value; unmerge them and fill in every cell."
                    )
                )
                % {"cells": ", ".join(merged)}
            )
        return list(enumerate(sheets[chosen], start=1))
    finally:
        workbook.close()
