"""Imports: what people really export from spreadsheets, a dry run, and all-or-nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from campaign.imports import PartnerImporter
from campaign.models import Partner
from pledges import imports
from pledges.imports import (
    CapabilityStatusImporter,
    ImportRejected,
    PledgeStatusImporter,
    country_index,
    country_resolve,
    import_apply,
    import_plan,
)
from pledges.models import CapabilityStatus, Country, PledgeEvent

pytestmark = pytest.mark.django_db

HEADER = "country,status,date,source_url,source_title,source_publisher,source_date,note"
PLEDGES = PledgeStatusImporter()
CAPABILITIES = CapabilityStatusImporter()
PARTNERS = PartnerImporter()


def csv_bytes(*lines: str, bom: bool = False, sep: str = ",") -> bytes:
    text = "\r\n".join(line.replace(",", sep) for line in lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- Countries as people write them -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("TUR", "TUR"),
        ("tr", "TUR"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("TURKIYE", "TUR"),
        ("Côte d'Ivoire", "CIV"),
        ("Côte d\u2019Ivoire", "CIV"),
        ("Cote d'Ivoire", "CIV"),
        ("cote d ivoire", "CIV"),
        ("Ivory Coast", "CIV"),
        ("Viet Nam", "VNM"),
        ("Vietnam", "VNM"),
        ("  kenya ", "KEN"),
        ("the United Kingdom of Great Britain and Northern Ireland", "GBR"),
        ("UK", "GBR"),
        ("États-Unis d'Amérique", "USA"),
        ("Etats-Unis d\u2019Amerique", "USA"),
    ],
)
def test_countries_are_recognised_by_code_name_or_common_variant(text, iso3):
    assert country_resolve(text, country_index()).iso3 == iso3


@pytest.mark.parametrize("language", ["fr", "es", "ru", "zh", "ar"])
def test_countries_are_recognised_in_the_six_un_languages(language):
    index = country_index()
    for iso3 in ("KEN", "BRA", "JPN", "EGY", "DEU"):
        name = getattr(Country.objects.get(iso3=iso3), f"name_{language}")
        assert country_resolve(name, index).iso3 == iso3, name


# --- The dry run and the apply --------------------------------------------------------------------


def test_the_template_csv_is_itself_a_valid_import():
    plan = import_plan(importer=PLEDGES, content=PLEDGES.template_csv().encode(), filename="t.csv")
    assert plan.ok, [r.errors for r in plan.rows]
    assert [r.subject for r in plan.to_apply] == ["Kenya (KEN)", "Côte d'Ivoire (CIV)"]


@pytest.mark.parametrize(("bom", "sep"), [(False, ","), (True, ","), (False, ";"), (True, ";")])
def test_utf8_with_or_without_bom_comma_or_semicolon(alice, bom, sep):
    content = csv_bytes(
        HEADER,
        "Türkiye,pledged,2026-03-01,https://example.org/a,Décret n° 12,Présidence,,",
        "Ivory Coast,In dialogue,2026-02-01,https://example.org/b,,,,",
        bom=bom,
        sep=sep,
    )
    # when: the dry run changes nothing
    plan = import_plan(importer=PLEDGES, content=content, filename="x.csv")
    assert plan.ok, [r.errors for r in plan.rows]
    assert not PledgeEvent.objects.exists()
    assert [r.change for r in plan.rows] == [
        "No information → Pledged on 2026-03-01 (a draft, awaiting verification)",
        "No information → In dialogue on 2026-02-01 (a draft, awaiting verification)",
    ]
    # when: applied
    import_apply(importer=PLEDGES, content=content, filename="x.csv", user=alice)
    # then: drafts, awaiting verification, with the file's text intact
    events = PledgeEvent.objects.order_by("pledge__country_id")
    assert [(e.pledge.country_id, e.to_status, e.review_state) for e in events] == [
        ("CIV", "in_dialogue", "draft"),
        ("TUR", "pledged", "draft"),
    ]
    assert events[1].source_title == "Décret n° 12"
    assert not PledgeEvent.objects.public().exists()


def test_excel_files_with_date_cells_numbers_and_loose_headers(alice):
    content = xlsx_bytes(
        [
            ["Country", "Capability", "Status", "Source URL", "Source date"],
            [
                "Viet Nam",
                12,
                "In development",
                "https://example.org/hotline",
                dt.datetime(2026, 1, 5),
            ],
            ["KE", "mnr-11", "in_place", "https://example.org/helpline", dt.date(2026, 2, 1)],
            [None, None, None, None, None],  # blank rows are ignored
            ["Kenya", "Child helpline", "in_place", "https://example.org/x", None],
        ]
    )
    plan = import_plan(importer=CAPABILITIES, content=content, filename="mnr.xlsx")
    # the third data row names the same state and capability as the second
    assert [(r.line, r.errors) for r in plan.bad_rows] == [
        (5, ["This state and capability are already on line 3."])
    ]
    fixed = xlsx_bytes(
        [
            ["Country", "Capability", "Status", "Source URL", "Source date"],
            [
                "Viet Nam",
                12,
                "In development",
                "https://example.org/hotline",
                dt.datetime(2026, 1, 5),
            ],
            ["KE", "mnr-11", "in_place", "https://example.org/helpline", dt.date(2026, 2, 1)],
        ]
    )
    import_apply(importer=CAPABILITIES, content=fixed, filename="mnr.xlsx", user=alice)
    records = CapabilityStatus.objects.order_by("country_id")
    assert [(r.country_id, r.capability.key, r.status, r.source_date) for r in records] == [
        ("KEN", "mnr-11", "in_place", dt.date(2026, 2, 1)),
        ("VNM", "mnr-12", "in_development", dt.date(2026, 1, 5)),
    ]
    assert all(r.review_state == "draft" for r in records)


def test_every_bad_row_is_listed_with_its_line_and_reason():
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    content = csv_bytes(
        HEADER,
        "KEN,pledged,2026-03-01,https://example.org/ok,,,,",  # line 2: good
        "Atlantis,pledged,2026-03-01,https://example.org/a,,,,",  # 3
        "FRA,promised,2026-03-01,https://example.org/a,,,,",  # 4
        "DEU,pledged,,https://example.org/a,,,,",  # 5
        "ITA,pledged,01/03/2026,https://example.org/a,,,,",  # 6
        f"ESP,pledged,{future},https://example.org/a,,,,",  # 7
        "PRT,pledged,1999-12-31,https://example.org/a,,,,",  # 8
        "GRC,pledged,2026-03-01,,,,,",  # 9
        "NLD,pledged,2026-03-01,not a link,,,,",  # 10
        "Kenya,in_dialogue,2026-03-01,https://example.org/b,,,,",  # 11
        "BEL,pledged,2026-03-01,https://example.org/a," + "x" * 301 + ",,,",  # 12
        "AUT,pledged,2026-03-01,https://example.org/a,,,,,surplus",  # 13
    )
    plan = import_plan(importer=PLEDGES, content=content, filename="bad.csv")
    reasons = {row.line: " ".join(row.errors) for row in plan.bad_rows}
    assert sorted(reasons) == list(range(3, 14))
    assert "Unknown country 'Atlantis'" in reasons[3]
    assert "Unknown status 'promised'" in reasons[4]
    assert "date of the change is missing" in reasons[5]
    assert "write it as YYYY-MM-DD" in reasons[6]
    assert "in the future" in reasons[7]
    assert "before 2000" in reasons[8]
    assert "source link is missing" in reasons[9]
    assert "not a web address" in reasons[10]
    assert "already on line 2" in reasons[11]
    assert "source_title" in reasons[12] and "300" in reasons[12]
    assert "More cells than columns: surplus" in reasons[13]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "old Excel (.xls)"),
        ("country,status,date\nKEN,pledged,2026-03-01\n".encode("utf-16"), "not UTF-8"),
        (b"pays;statut\nKEN;pledged\n", "Missing columns"),
        (b"PK\x03\x04 not really a zip", "cannot be read"),
        (csv_bytes(HEADER), "no data rows"),
    ],
)
def test_files_that_cannot_be_read_say_why(content, message):
    plan = import_plan(importer=PLEDGES, content=content, filename="f")
    assert not plan.ok
    assert message in " ".join(plan.file_errors)


def test_a_bad_row_at_the_end_leaves_the_database_unchanged(alice):
    content = csv_bytes(
        HEADER,
        "KEN,pledged,2026-03-01,https://example.org/a,,,,",
        "FRA,in_dialogue,2026-03-01,https://example.org/b,,,,",
        "BRA,nonsense,2026-03-01,https://example.org/c,,,,",
    )
    with pytest.raises(ImportRejected) as rejected:
        import_apply(importer=PLEDGES, content=content, filename="x.csv", user=alice)
    assert [row.line for row in rejected.value.plan.bad_rows] == [4]
    assert not PledgeEvent.objects.exists()


def test_a_failure_while_applying_rolls_back_every_row(alice, monkeypatch):
    content = csv_bytes(
        HEADER,
        "KEN,pledged,2026-03-01,https://example.org/a,,,,",
        "FRA,in_dialogue,2026-03-01,https://example.org/b,,,,",
    )
    calls = []
    real = imports.services.pledge_event_create

    def fail_second(**kwargs):
        calls.append(kwargs["country"].iso3)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(imports.services, "pledge_event_create", fail_second)
    with pytest.raises(RuntimeError):
        import_apply(importer=PLEDGES, content=content, filename="x.csv", user=alice)
    assert calls == ["KEN", "FRA"]
    assert not PledgeEvent.objects.exists()


def test_rows_that_change_nothing_are_skipped(alice, bob):
    content = csv_bytes(HEADER, "KEN,pledged,2026-03-01,https://example.org/a,,,,")
    import_apply(importer=PLEDGES, content=content, filename="x.csv", user=alice)
    # the same file again: the change already waits for verification
    plan = import_plan(importer=PLEDGES, content=content, filename="x.csv")
    assert plan.ok and not plan.to_apply
    assert "already awaiting verification" in plan.skipped[0].change


# --- Partners (campaign) ----------------------------------------------------------------------


def test_partners_are_imported_as_drafts_with_their_countries(alice):
    content = csv_bytes(
        "name;slug;type;website;countries;works_globally",
        "Example Network;;Civil society;https://example.org;KEN|Côte d'Ivoire|Vietnam;no",
        "ECPAT International;ecpat-international;civil_society;;;yes",
        sep=";",
    )
    plan = import_plan(importer=PARTNERS, content=content, filename="p.csv")
    assert plan.ok, [r.errors for r in plan.rows]
    assert len(plan.to_apply) == 1 and "already exists" in plan.skipped[0].change
    import_apply(importer=PARTNERS, content=content, filename="p.csv", user=alice)
    partner = Partner.objects.get(slug="example-network")
    assert partner.review_state == "draft" and partner.created_by == alice
    assert sorted(partner.countries.values_list("iso3", flat=True)) == ["CIV", "KEN", "VNM"]
    assert not Partner.objects.public().filter(slug="example-network").exists()


def test_bad_partner_rows_are_listed():
    content = csv_bytes(
        "name,type,countries,works_globally",
        ",civil_society,,",
        "A,charity,,",
        "B,industry,Narnia,",
        "C,academia,,maybe",
    )
    plan = import_plan(importer=PARTNERS, content=content, filename="p.csv")
    reasons = {row.line: " ".join(row.errors) for row in plan.bad_rows}
    assert "name is missing" in reasons[2]
    assert "Unknown partner type 'charity'" in reasons[3]
    assert "Unknown country 'Narnia'" in reasons[4]
    assert "write yes or no" in reasons[5]
