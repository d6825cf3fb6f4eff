"""The reader under random input (issue 13): random bytes and random CSV dialects.

Whatever the bytes, the dry run answers a plan (a clean file error or rows with reasons),
never an exception; and what an apply stores is exactly what the preview showed, row by row.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pledges.imports import ImportRejected, PledgeStatusImporter, import_apply, import_plan
from pledges.models import PledgeEvent
from pledges.tables import cell_text

pytestmark = pytest.mark.django_db

PLEDGES = PledgeStatusImporter()
HEADER = ["country", "status", "date", "source_url", "source_title", "note"]
GOOD = PLEDGES.template_csv().encode()

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

countries = st.sampled_from(["KEN", "UGA", "Viet Nam", "Côte d'Ivoire", "NA", "-", "Atlantis", ""])
statuses = st.sampled_from(["pledged", "in_dialogue", "In dialogue", "promised", ""])
dates = st.sampled_from(["2026-03-01", "2026-02-10", "2026-03-011", "20260301", "", "2026-W10-1"])
urls = st.sampled_from(["https://example.org/a", "ftp://example.org", "javascript:x", ""])
texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40
) | st.sampled_from(['He said "yes"', "a,b;c", "line\nbreak", "NA", "'quoted'", "\x00"])
rows = st.lists(st.tuples(countries, statuses, dates, urls, texts, texts), max_size=6)
dialects = st.fixed_dictionaries(
    {
        "delimiter": st.sampled_from([",", ";", "\t", "|", " "]),
        "quotechar": st.sampled_from(['"', "'"]),
        "quoting": st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
        "doublequote": st.booleans(),
        "escapechar": st.sampled_from([None, "\\"]),
        "lineterminator": st.sampled_from(["\r\n", "\n", "\r"]),
    }
)


def written(dialect: dict, body: list[tuple]) -> bytes | None:
    out = io.StringIO()
    try:
        writer = csv.writer(out, **dialect)
        writer.writerow(HEADER)
        writer.writerows(body)
    except csv.Error:  # a dialect the csv module itself cannot write with these cells
        return None
    return out.getvalue().encode("utf-8")


def stored_matches_preview(content: bytes, user) -> None:
    """Apply inside a transaction rolled back after the checks (one database per test)."""
    plan = import_plan(importer=PLEDGES, content=content, filename="fuzz.csv")
    with transaction.atomic():
        try:
            applied = import_apply(
                importer=PLEDGES, content=content, filename="fuzz.csv", user=user
            )
        except ImportRejected as rejected:
            assert not plan.ok
            assert [r.line for r in rejected.plan.bad_rows] == [r.line for r in plan.bad_rows]
            assert not PledgeEvent.objects.exists()
        else:
            assert plan.ok
            previewed = sorted(
                (
                    r.payload["country"].iso3,
                    r.payload["to_status"],
                    r.payload["event_date"],
                    r.payload["source_url"],
                    r.payload["source_title"],
                    r.payload["note"],
                )
                for r in plan.to_apply
            )
            stored = sorted(
                PledgeEvent.objects.values_list(
                    "pledge__country_id",
                    "to_status",
                    "event_date",
                    "source_url",
                    "source_title",
                    "note",
                )
            )
            assert stored == previewed
            assert len(applied.to_apply) == len(plan.to_apply)
        transaction.set_rollback(True)


@FUZZ
@given(content=st.binary(max_size=600))
def test_random_bytes_give_a_plan_never_an_exception(content):
    plan = import_plan(importer=PLEDGES, content=content, filename="random.bin")
    assert plan.ok or plan.file_errors or plan.bad_rows


@FUZZ
@given(
    prefix=st.sampled_from([b"", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xd0\xcf\x11\xe0"]),
    position=st.integers(min_value=0, max_value=len(GOOD)),
    noise=st.binary(max_size=12),
)
def test_a_damaged_good_file_gives_a_plan_and_stores_only_what_it_showed(
    alice, prefix, position, noise
):
    content = prefix + GOOD[:position] + noise + GOOD[position:]
    stored_matches_preview(content, alice)


@FUZZ
@given(dialect=dialects, body=rows)
def test_any_csv_dialect_stores_only_what_the_preview_showed(alice, dialect, body):
    content = written(dialect, body)
    if content is None:
        return
    stored_matches_preview(content, alice)


@FUZZ
@given(body=rows, delimiter=st.sampled_from([",", ";"]))
def test_a_file_the_reader_accepts_is_read_as_written(body, delimiter):
    """In the dialects it reads (comma or semicolon, double quotes), a preview shows the
    cells exactly as written: nothing swallowed, shifted or cut."""
    content = written({"delimiter": delimiter, "lineterminator": "\r\n"}, body)
    plan = import_plan(importer=PLEDGES, content=content, filename="w.csv")
    if any("\n" in cell or "\r" in cell for row in body for cell in row):
        return  # a cell over several lines moves the line numbers of the rows after it
    for row in plan.to_apply:
        cells = body[row.line - 2]
        assert row.payload["source_title"] == cell_text(cells[4])
        assert row.payload["note"] == cell_text(cells[5])
