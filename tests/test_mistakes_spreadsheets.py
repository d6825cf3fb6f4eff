"""No CSV or XLSX the product writes runs a formula, whichever writer wrote it (issue 15).

Every risky first character (`= + - @`, tab, CR) is put in the state names and in the text
of verified records (a pledge change's note and source, a strategy's title, a partner's
name and description). Then every public URL is fetched (its sample paths below; a public
URL name without a sample fails `test_every_public_url_has_a_sample`), and every response
that is a spreadsheet (CSV, XLSX, or a zip holding them) is read cell by cell:

- a CSV cell never begins with a risky character (numbers aside: `-1.5` is a number);
- an XLSX cell is never a formula, and a text cell that begins with one is a text cell
  with Excel's quote prefix.

Which URLs answer with a spreadsheet is found by the scan (by content type), not listed by
hand; `SPREADSHEET_URLS` says which must, so a writer that stops being scanned fails too.
The release files on disk and the staff import templates are read the same way.
"""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from campaign.models import Partner
from campaign.services import partner_create
from dashboards import exports
from pledges import services
from pledges.models import Country
from pledges.roles import Role
from pledges.spreadsheets import FORMULA_START
from staff.imports import IMPORTERS
from tests.factories import UserFactory, country
from tests.staff import signed_in, with_role
from tests.test_mistakes_leaks import NOT_DATA_SURFACES, PUBLIC_URLS_SCANNED, _body

pytestmark = pytest.mark.django_db

RISKY = ["=", "+", "-", "@", "\t", "\r"]
PAYLOAD = 'HYPERLINK("https://evil.example/?q=1","<b>It\'s</b>")'
NAMES = {
    iso3: f"{start}{PAYLOAD} {iso3}"
    for start, iso3 in zip(RISKY, ["GHA", "NOR", "PER", "FJI", "KEN", "NPL"], strict=True)
}
# Text the services accept (no control characters): the printable risky characters.
PRINTABLE = ["=", "+", "-", "@"]

SPREADSHEET_URLS = {"files:states_download", "exports:latest", "exports:release-file"}
CSV_TYPES = ("text/csv",)
XLSX_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",)
ZIP_TYPES = ("application/zip", "application/x-zip-compressed")


@pytest.fixture
def risky_world(settings, tmp_path):
    settings.EXPORTS_DIR = tmp_path / "exports"
    for iso3, name in NAMES.items():
        Country.objects.filter(iso3=iso3).update(short_name=name)
    author = with_role(UserFactory(username="author"), Role.EDITOR)
    verifier = with_role(UserFactory(username="verifier"), Role.VERIFIER)
    for start, iso3 in zip(PRINTABLE, ["GHA", "NOR", "PER", "FJI"], strict=True):
        text = f"{start}{PAYLOAD}"
        event = services.pledge_event_create(
            country=country(iso3),
            user=author,
            to_status="pledged",
            event_date="2026-01-10",
            source_url="https://example.org/source",
            source_title=text,
            source_publisher=text,
            note=text,
        )
        services.record_verify(record=event, user=verifier, expected_lock_version=1)
        strategy = services.national_strategy_create(
            country=country(iso3),
            user=author,
            status="adopted",
            title=text,
            year=2025,
            source_url="https://example.org/s",
        )
        services.record_verify(record=strategy, user=verifier, expected_lock_version=1)
        partner = partner_create(
            user=author,
            slug=f"risky-{iso3.lower()}",
            name=f"{text} {iso3}",
            partner_type="civil_society",
            description=text,
            countries=[country(iso3)],
        )
        services.record_verify(record=partner, user=verifier, expected_lock_version=1)
    release = exports.release_refresh()
    return {"release": release}


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_unsafe_cells(text: str) -> tuple[list[str], int]:
    """(cells a spreadsheet would run, cells neutralised with an apostrophe)."""
    bad, neutralised = [], 0
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")):
        for cell in row:
            if cell.startswith(FORMULA_START) and not _is_number(cell):
                bad.append(cell)
            elif cell[:1] == "'" and cell[1:].startswith(FORMULA_START):
                neutralised += 1
    return bad, neutralised


def xlsx_unsafe_cells(content: bytes) -> tuple[list[str], int]:
    bad, neutralised = [], 0
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    bad.append(f"{sheet.title}!{cell.coordinate}: formula {cell.value!r}")
                elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    if cell.data_type == "s" and cell.quotePrefix:
                        neutralised += 1
                    else:
                        bad.append(f"{sheet.title}!{cell.coordinate}: {cell.value!r}")
    return bad, neutralised


def spreadsheet_check(name: str, content: bytes, content_type: str) -> tuple[list[str], int]:
    """Read a file as a spreadsheet; (problems, neutralised cells); None if not one."""
    lower = name.lower()
    if content_type.startswith(CSV_TYPES) or lower.endswith(".csv"):
        return csv_unsafe_cells(content.decode("utf-8"))
    if content_type.startswith(XLSX_TYPES) or lower.endswith(".xlsx"):
        return xlsx_unsafe_cells(content)
    if content_type.startswith(ZIP_TYPES) or lower.endswith(".zip"):
        bad, neutralised, found = [], 0, False
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for member in archive.namelist():
                result = spreadsheet_check(f"{name}/{member}", archive.read(member), "")
                if result is not None:
                    found = True
                    bad += [f"{member}: {b}" for b in result[0]]
                    neutralised += result[1]
        return (bad, neutralised) if found else None
    return None


def sample_paths(release) -> dict[str, list[str]]:
    """Paths that exercise every public URL name (with every spreadsheet variant)."""
    files = [release.file_path(fmt).name for fmt in ("csv", "xlsx", "json")]
    return {
        "dashboards:home": ["/en/"],
        "dashboards:embed_map": ["/en/embed/map/"],
        "dashboards:country": ["/en/countries/GHA/"],
        "dashboards:compare": ["/en/compare/?s=GHA&s=KEN"],
        "dashboards:map": ["/en/map/", "/en/map/?at=2026-02-01"],
        "dashboards:map_svg": ["/en/map/map.svg", "/en/map/map.svg?layer=strategy&at=2026-02-01"],
        "dashboards:map_png": ["/en/map/map.png"],
        "dashboards:card_map": ["/en/cards/map.png"],
        "dashboards:card_country": ["/en/cards/countries/GHA.png"],
        "files:states_download": [
            f"/map/states.{fmt}{query}"
            for fmt in ("csv", "xlsx", "json")
            for query in ("", "?at=2026-02-01", "?at=2025-01-01", "?layer=partners")
        ],
        "files:snapshot_json": ["/data/snapshot.json"],
        "files:live_json": ["/data/live.json"],
        "dashboards:live_wall": ["/en/live/", "/en/live/?kiosk=1"],
        "dashboards:pledge": ["/en/pledge/"],
        "dashboards:pledge_version": ["/en/pledge/v/1/"],
        "dashboards:pledge_print": ["/en/pledge/v/1/print/"],
        "dashboards:pledge_compare": ["/en/pledge/compare/"],
        "dashboards:partners": ["/en/partners/", "/en/partners/?type=un_agency&region=Africa"],
        "dashboards:partner": ["/en/partners/unicef/"],
        "dashboards:embed_partner": ["/en/embed/partners/unicef/"],
        "open_data:data": ["/en/data/"],
        "exports:index": ["/exports/"],
        "dashboards:feed_changes": ["/en/feeds/changes.atom"],
        "dashboards:feed_country": ["/en/feeds/countries/GHA.atom"],
        "dashboards:feed_region": ["/en/feeds/regions/Africa.atom"],
        "exports:releases": ["/exports/releases.json"],
        "exports:latest": [f"/exports/latest{s}" for s in (".csv.zip", ".xlsx", ".json")],
        "exports:release-file": [f"/exports/releases/{release.id}/{f}" for f in files],
    }


def test_every_public_url_has_a_sample(risky_world):
    # the same list of public URL names the leak scan reads from the URL configuration
    assert set(sample_paths(risky_world["release"])) == set(PUBLIC_URLS_SCANNED)
    assert not NOT_DATA_SURFACES - {"files:evidence_document"}


def test_no_spreadsheet_on_any_public_url_runs_a_formula(risky_world, client):
    problems, spreadsheets, neutralised_by_path = [], set(), {}
    for url_name, paths in sample_paths(risky_world["release"]).items():
        for path in paths:
            response = client.get(path)
            # with one published version, the compare page is its form and a 400 message
            ok = (200, 400) if url_name == "dashboards:pledge_compare" else (200,)
            assert response.status_code in ok, path
            content_type = response.get("Content-Type", "")
            result = spreadsheet_check(path.split("?")[0], _body(response), content_type)
            if result is None:
                continue
            spreadsheets.add(url_name)
            problems += [f"{path}: {p!r}" for p in result[0]]
            neutralised_by_path[path] = result[1]
    assert not problems, "\n".join(problems[:20])
    # the scan found the writers it must, and each of their files held risky text
    assert spreadsheets == SPREADSHEET_URLS
    # every state-table file and release file shows all six names neutralised
    assert all(n >= len(NAMES) for n in neutralised_by_path.values()), neutralised_by_path


def test_the_release_files_on_disk_run_no_formula(risky_world):
    release = risky_world["release"]
    for fmt in ("csv", "xlsx"):
        path = release.file_path(fmt)
        bad, neutralised = spreadsheet_check(path.name, path.read_bytes(), "")
        assert bad == [], (fmt, bad[:5])
        # names (6), and the printable risky text of events, strategies, partners
        assert neutralised >= len(NAMES) + len(PRINTABLE), (fmt, neutralised)


def test_the_release_neutralises_the_text_of_every_kind_of_record(risky_world):
    # the names are not the only text: notes, sources, titles and partner names are too
    release = risky_world["release"]
    with zipfile.ZipFile(release.file_path("csv")) as archive:
        text = "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    for start in PRINTABLE:
        assert f"'{start}{PAYLOAD}".replace('"', '""') in text, start
    assert Partner.objects.filter(slug__startswith="risky-").count() == len(PRINTABLE)


def test_the_staff_import_templates_run_no_formula():
    client = signed_in(with_role(UserFactory(username="importer"), Role.EDITOR))
    for key in IMPORTERS:
        response = client.get(reverse("staff:import_template", args=[key]))
        assert response.status_code == 200, key
        bad, _neutralised = spreadsheet_check("t.csv", response.content, response["Content-Type"])
        assert bad == [], key
