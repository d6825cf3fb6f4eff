"""Imports that lose nothing (issue 13): one small file per case, under import_files/.

Each file is one kind of file country teams really send. Every test here runs on SQLite and,
with DATABASE_URL set, on PostgreSQL (CI runs the import suite on both): PostgreSQL refuses a
NUL byte and (before issue 8) a reason over 100 characters, which SQLite silently stores.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from campaign.imports import PartnerImporter
from campaign.models import Partner
from pledges import services
from pledges.imports import (
    CapabilityStatusImporter,
    ImportRejected,
    PledgeStatusImporter,
    import_apply,
    import_plan,
)
from pledges.models import CapabilityStatus, Pledge, PledgeEvent, PledgeStatus
from pledges.selectors import country_public_changelog
from tests.factories import country, event_kwargs

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "import_files"
PLEDGES = PledgeStatusImporter()
CAPABILITIES = CapabilityStatusImporter()
PARTNERS = PartnerImporter()


def read(name: str) -> bytes:
    return (FILES / name).read_bytes()


def plan_of(name: str, importer=PLEDGES, **kwargs):
    return import_plan(importer=importer, content=read(name), filename=name, **kwargs)


def reasons(plan) -> dict[int, str]:
    return {row.line: " ".join(row.errors) for row in plan.bad_rows}


def refused_and_nothing_stored(name: str, user, importer=PLEDGES, **kwargs):
    """Applying the file is refused, and not one record was written."""
    with pytest.raises(ImportRejected) as rejected:
        import_apply(importer=importer, content=read(name), filename=name, user=user, **kwargs)
    assert not PledgeEvent.objects.exists()
    assert not CapabilityStatus.objects.exists()
    return rejected.value.plan


# --- 1. The same validation as every other door -------------------------------------------------


def test_a_nul_byte_in_a_cell_is_refused_with_its_line_and_column(alice):
    plan = plan_of("nul_in_note.csv")
    assert "note" in reasons(plan)[2] and "control character" in reasons(plan)[2]
    refused_and_nothing_stored("nul_in_note.csv", alice)


def test_another_control_character_is_refused(alice):
    plan = plan_of("control_char_in_title.csv")
    assert "source_title" in reasons(plan)[2] and "control character" in reasons(plan)[2]
    refused_and_nothing_stored("control_char_in_title.csv", alice)


def test_tab_and_newline_are_text_and_stored_as_written(alice):
    import_apply(
        importer=PLEDGES,
        content=read("tab_and_newline_allowed.csv"),
        filename="tab_and_newline_allowed.csv",
        user=alice,
    )
    event = PledgeEvent.objects.get()
    assert event.source_title == "Decree\tno. 12"
    assert event.note == "first line\nsecond line"


def test_a_note_over_the_model_limit_is_refused(alice):
    assert "2000" in reasons(plan_of("note_too_long.csv"))[2]
    refused_and_nothing_stored("note_too_long.csv", alice)


def test_a_title_over_the_model_limit_is_refused(alice):
    assert "source_title" in reasons(plan_of("title_too_long.csv"))[2]
    refused_and_nothing_stored("title_too_long.csv", alice)


def test_a_cell_over_the_csv_field_limit_is_a_clean_error_not_a_crash(alice):
    header, row = read("note_too_long.csv").decode().split("\r\n")[:2]
    content = f"{header}\r\n{row[:-2001]}{'x' * 140_000}\r\n".encode()
    plan = import_plan(importer=PLEDGES, content=content, filename="huge.csv")
    assert not plan.ok
    text = " ".join(plan.file_errors) + " ".join(reasons(plan).values())
    assert "2" in text and ("2000" in text or "line 2" in text.lower())
    with pytest.raises(ImportRejected):
        import_apply(importer=PLEDGES, content=content, filename="huge.csv", user=alice)
    assert not PledgeEvent.objects.exists()


def test_only_web_links_are_sources(alice):
    found = reasons(plan_of("source_url_schemes.csv"))
    assert sorted(found) == [2, 3, 4]
    assert all("not a web address" in text for text in found.values())
    refused_and_nothing_stored("source_url_schemes.csv", alice)


def test_the_staff_forms_model_refuses_the_same_link_schemes():
    """The one validation path (the model) refuses what the import refuses, ftp:// too."""
    event = PledgeEvent(
        pledge=Pledge(country=country("KEN")),
        **event_kwargs(source_url="ftp://example.org/decree.pdf"),
    )
    with pytest.raises(ValidationError) as refused:
        event.full_clean(exclude=["pledge"])
    assert "source_url" in refused.value.message_dict


def test_a_long_file_name_and_a_nul_in_it_are_stored_as_a_clean_reason(alice):
    name = "Région Afrique de l'Est — statuts des engagements, version du ministère " * 4
    content = read("tab_and_newline_allowed.csv")
    import_apply(importer=PLEDGES, content=content, filename=name + "\x00.csv", user=alice)
    reason = PledgeEvent.objects.get().history.get().history_change_reason
    assert reason.startswith("Imported from Région") and reason.endswith("line 2")
    assert "\x00" not in reason and len(reason) > 100


def test_partner_rows_go_through_the_same_checks():
    found = reasons(plan_of("partner_countries_na.csv", PARTNERS))
    assert "Unknown country 'NA'" in found[2]
    assert "not a web address" in found[2]
    assert not Partner.objects.filter(name="Example Network").exists()


# --- 2. A strict reader -------------------------------------------------------------------------


def test_an_unclosed_quote_is_an_error_with_its_line_never_a_swallowed_row(alice):
    plan = plan_of("unclosed_quote.csv")
    assert not plan.ok and not plan.to_apply
    assert "Line 2" in " ".join(plan.file_errors) and "quote" in " ".join(plan.file_errors)
    refused_and_nothing_stored("unclosed_quote.csv", alice)


def test_a_stray_quote_is_an_error_with_its_line(alice):
    plan = plan_of("stray_quote.csv")
    assert "Line 2" in " ".join(plan.file_errors) and "quote" in " ".join(plan.file_errors)
    refused_and_nothing_stored("stray_quote.csv", alice)


def test_a_row_with_fewer_cells_than_the_header_is_an_error(alice):
    assert "4 cells" in reasons(plan_of("ragged_short_row.csv"))[3]
    refused_and_nothing_stored("ragged_short_row.csv", alice)


def test_an_empty_header_cell_over_data_is_an_error_naming_the_column(alice):
    text = " ".join(plan_of("empty_header_cell.csv").file_errors)
    assert "Column E" in text and "no name" in text
    refused_and_nothing_stored("empty_header_cell.csv", alice)


def test_a_repeated_header_is_an_error(alice):
    text = " ".join(plan_of("duplicate_header.csv").file_errors)
    assert "Column F" in text and "note" in text
    refused_and_nothing_stored("duplicate_header.csv", alice)


def test_dates_are_iso_exactly():
    found = reasons(plan_of("loose_dates.csv"))
    assert sorted(found) == [2, 3, 4, 5, 6]
    loose = {2: "2026-03-011", 3: "garbage", 4: "2026-W10-1", 5: "20260301"}
    for line, text in loose.items():
        assert "write it as YYYY-MM-DD" in found[line] and text in found[line]
    assert "source date" in found[6]


def test_xlsx_dates_are_real_date_cells_or_iso_text():
    plan = plan_of("dates.xlsx")
    assert sorted(reasons(plan)) == [2, 3, 4, 5]
    assert {row.subject: row.payload["event_date"] for row in plan.rows if row.ok} == {
        "Burundi (BDI)": dt.date(2026, 3, 1),
        "Ethiopia (ETH)": dt.date(2026, 3, 2),
        "Somalia (SOM)": dt.date(2026, 3, 3),
    }


def test_not_available_marks_are_empty_never_namibia(alice):
    plan = plan_of("not_available_country.csv")
    found = reasons(plan)
    assert sorted(found) == [2, 3, 4, 5, 6]
    assert all("country is missing" in text for text in found.values())
    assert "Namibia is NAM" in found[2]
    assert not any("(NAM)" in row.subject for row in plan.rows)
    refused_and_nothing_stored("not_available_country.csv", alice)


def test_namibia_by_its_iso3_code_with_not_available_evidence(alice):
    plan = plan_of("namibia_by_code.csv")
    assert plan.ok, reasons(plan)
    import_apply(
        importer=PLEDGES, content=read("namibia_by_code.csv"), filename="n.csv", user=alice
    )
    event = PledgeEvent.objects.get()
    assert event.pledge.country_id == "NAM"
    assert (event.source_date, event.note) == (None, "")


def test_a_workbook_with_data_on_two_sheets_needs_a_sheet_chosen(alice):
    text = " ".join(plan_of("two_sheets.xlsx").file_errors)
    assert "East" in text and "West" in text and "choose" in text
    refused_and_nothing_stored("two_sheets.xlsx", alice)
    west = plan_of("two_sheets.xlsx", sheet="West")
    assert west.ok and [r.subject for r in west.to_apply] == ["Ghana (GHA)"]
    missing = plan_of("two_sheets.xlsx", sheet="South")
    assert "South" in " ".join(missing.file_errors)


def test_merged_header_cells_are_refused(alice):
    text = " ".join(plan_of("merged_header.xlsx").file_errors)
    assert "D1:E1" in text and "merged" in text
    refused_and_nothing_stored("merged_header.xlsx", alice)


def test_merged_data_cells_are_refused(alice):
    text = " ".join(plan_of("merged_data.xlsx", CAPABILITIES).file_errors)
    assert "A2:A3" in text and "merged" in text
    refused_and_nothing_stored("merged_data.xlsx", alice, CAPABILITIES)


# --- 3. Back-dated events -----------------------------------------------------------------------


def _verified_pledge(alice, bob, *, to_status, on):
    event = services.pledge_event_create(
        country=country("KEN"), user=alice, **event_kwargs(to_status=to_status, event_date=on)
    )
    services.pledge_event_verify(event=event, user=bob, expected_lock_version=event.lock_version)
    return event


def test_a_back_dated_row_is_refused_in_the_preview_and_the_apply(alice, bob):
    _verified_pledge(alice, bob, to_status=PledgeStatus.WITHDRAWN, on=dt.date(2026, 3, 1))
    found = reasons(plan_of("back_dated.csv"))
    assert "before the latest verified change" in found[2] and "2026-03-01" in found[2]
    with pytest.raises(ImportRejected):
        import_apply(importer=PLEDGES, content=read("back_dated.csv"), filename="b.csv", user=alice)
    assert PledgeEvent.objects.count() == 1


def test_the_service_refuses_a_back_dated_event_for_every_door(alice, bob):
    _verified_pledge(alice, bob, to_status=PledgeStatus.WITHDRAWN, on=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError) as refused:
        services.pledge_event_create(
            country=country("KEN"),
            user=alice,
            **event_kwargs(to_status=PledgeStatus.PLEDGED, event_date=dt.date(2020, 1, 1)),
        )
    assert "event_date" in refused.value.message_dict


def test_a_draft_overtaken_by_a_later_verified_event_cannot_be_verified(alice, bob):
    older = services.pledge_event_create(
        country=country("KEN"),
        user=alice,
        **event_kwargs(to_status=PledgeStatus.IN_DIALOGUE, event_date=dt.date(2026, 1, 1)),
    )
    _verified_pledge(alice, bob, to_status=PledgeStatus.PLEDGED, on=dt.date(2026, 5, 1))
    with pytest.raises(ValidationError):
        services.pledge_event_verify(
            event=older, user=bob, expected_lock_version=older.lock_version
        )
    older.refresh_from_db()
    assert older.review_state == "draft"


def test_the_from_status_is_the_status_when_verified_and_the_changelog_is_a_chain(alice, bob):
    """Two drafts logged while the state had no status: the second one verified starts from
    the first one's status, not from 'No information'."""
    first = services.pledge_event_create(
        country=country("KEN"),
        user=alice,
        **event_kwargs(to_status=PledgeStatus.IN_DIALOGUE, event_date=dt.date(2026, 1, 1)),
    )
    second = services.pledge_event_create(
        country=country("KEN"),
        user=alice,
        **event_kwargs(to_status=PledgeStatus.PLEDGED, event_date=dt.date(2026, 5, 1)),
    )
    for event in (first, second):
        services.pledge_event_verify(
            event=event, user=bob, expected_lock_version=event.lock_version
        )
    entries = [e for e in country_public_changelog(country=country("KEN")) if e.kind == "pledge"]
    chain = sorted(entries, key=lambda e: e.date)
    assert [(e.before, e.after) for e in chain] == [
        ("No information", "In dialogue"),
        ("In dialogue", "Pledged"),
    ]
