"""Downloads of the full public data set: CSV (zipped), XLSX and JSON, in dated releases.

One table per file (CSV) or sheet (XLSX), described by one field dictionary that also
feeds the /data/ page. Every release is written once, on disk under EXPORTS_DIR, in a
folder named by the as-of time of the snapshot it goes with, and stays downloadable when a
newer one appears. A new release is built when public data changes
(pledges.signals.public_data_changed, after the snapshot is rebuilt) and lazily on the
first request when none exists; a rebuild with unchanged data adds no release.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import io
import json
import logging
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from campaign.selectors import campaign_progress, outcome_list
from dashboards.records import (
    CapabilityRecord,
    CountryRecord,
    EventRecord,
    SourceRecord,
    public_data,
)
from dashboards.snapshot import snapshot_current
from pledges.selectors import demo_data_present, pledge_texts_public_with_clauses
from pledges.spreadsheets import csv_cell, xlsx_row

logger = logging.getLogger(__name__)

LICENCE_NAME = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
FILE_STEM = "global-pledge-tracker"
RELEASE_ID_RE = re.compile(r"^\d{8}T\d{6}Z(-\d+)?$")
FORMATS = {
    # format key: (file suffix, media type)
    "csv": (".csv.zip", "application/zip"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": (".json", "application/json"),
}


# --- The field dictionary ---------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # string, integer, number, boolean, date, datetime
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    fields: tuple[Field, ...]

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


F = Field
SOURCE_FIELDS = (
    F("source_url", "string", _("Link to the public source.")),
    F("source_title", "string", _("Title of the source.")),
    F("source_publisher", "string", _("Who published the source.")),
    F("source_date", "date", _("Date of the source (YYYY-MM-DD).")),
)
# The MNR's names and descriptions in the other UN languages: the project's own
# translations (WeProtect publishes the MNR in English), columns named as the states'.
MNR_TRANSLATED = ("fr", "es", "ru", "zh", "ar")
_MNR_NAME_FIELDS = (
    F("name_fr", "string", _("Name in French (our own translation, not an official one).")),
    F("name_es", "string", _("Name in Spanish (our own translation, not an official one).")),
    F("name_ru", "string", _("Name in Russian (our own translation, not an official one).")),
    F("name_zh", "string", _("Name in Chinese (our own translation, not an official one).")),
    F("name_ar", "string", _("Name in Arabic (our own translation, not an official one).")),
)
_MNR_DESCRIPTION_FIELDS = (
    F("description_fr", "string", _("What it means, in French (our own translation).")),
    F("description_es", "string", _("What it means, in Spanish (our own translation).")),
    F("description_ru", "string", _("What it means, in Russian (our own translation).")),
    F("description_zh", "string", _("What it means, in Chinese (our own translation).")),
    F("description_ar", "string", _("What it means, in Arabic (our own translation).")),
)


TABLES: tuple[Table, ...] = (
    Table(
        "countries",
        _("The 193 UN Member States and 2 non-member observer States, one row each."),
        (
            F("iso3", "string", _("ISO 3166-1 alpha-3 code: the key of a state in every table.")),
            F("iso2", "string", _("ISO 3166-1 alpha-2 code.")),
            F("m49", "integer", _("UN M49 numeric code.")),
            F("name", "string", _("Short name in English.")),
            F("name_en", "string", _("Official name in English.")),
            F("name_fr", "string", _("Official name in French.")),
            F("name_es", "string", _("Official name in Spanish.")),
            F("name_ru", "string", _("Official name in Russian.")),
            F("name_zh", "string", _("Official name in Chinese.")),
            F("name_ar", "string", _("Official name in Arabic.")),
            F("region", "string", _("UN M49 region.")),
            F("sub_region", "string", _("UN M49 sub-region.")),
            F("intermediate_region", "string", _("UN M49 intermediate region, if any.")),
            F("un_status", "string", _("'member' (UN Member State) or 'observer'.")),
            F("latitude", "number", _("Latitude of a representative point (degrees).")),
            F("longitude", "number", _("Longitude of a representative point (degrees).")),
            F(
                "pledge_status",
                "string",
                _(
                    "Verified pledge status: not_engaged, in_dialogue, intends_to_pledge, "
                    "pledged, strategy_adopted, reporting, declined, withdrawn; "
                    "no_information when nothing is verified."
                ),
            ),
            F("pledge_status_since", "date", _("Date of the latest verified status change.")),
            F("pledge_text_version", "integer", _("Version of the pledge text pledged to.")),
            F("signed_by_office", "string", _("The office that signed (never a person).")),
            F(
                "strategy_status",
                "string",
                _(
                    "Current national strategy: none, drafting, adopted, under_review; "
                    "empty when nothing is verified."
                ),
            ),
            F("strategy_title", "string", _("Title of the national strategy.")),
            F("strategy_year", "integer", _("Year the strategy was adopted.")),
            F("strategy_link", "string", _("Link to the strategy.")),
            F(
                "strategy_references_mnr",
                "boolean",
                _("Whether the strategy refers to the WeProtect Model National Response."),
            ),
            F("is_demo", "boolean", _("True for invented demo data.")),
        ),
    ),
    Table(
        "capability_statuses",
        _(
            "Each state against each of the 21 MNR capabilities (195 times 21 rows), from public "
            "evidence. Not a score: do not rank countries with it."
        ),
        (
            F("iso3", "string", _("The state.")),
            F("capability", "string", _("Capability key, mnr-01 … mnr-21.")),
            F(
                "status",
                "string",
                _(
                    "no_public_information, not_in_place, in_development, in_place, "
                    "self_assessed_not_public."
                ),
            ),
            F("note", "string", _("Public note.")),
            *SOURCE_FIELDS,
            F("last_verified_at", "datetime", _("When a second staff member verified it (UTC).")),
            F("is_demo", "boolean", _("True for invented demo data.")),
        ),
    ),
    Table(
        "pledge_events",
        _("Every verified change of a state's pledge status, with its source."),
        (
            F("id", "integer", _("Identifier of the change (also in the API).")),
            F("iso3", "string", _("The state.")),
            F("pledge_text_version", "integer", _("Version of the pledge text.")),
            F("from_status", "string", _("Status before the change (no_information if none).")),
            F("to_status", "string", _("Status after the change.")),
            F("event_date", "date", _("When the change happened.")),
            F("note", "string", _("Public note.")),
            *SOURCE_FIELDS,
            F("verified_at", "datetime", _("When a second staff member verified it (UTC).")),
            F("is_demo", "boolean", _("True for invented demo data.")),
        ),
    ),
    Table(
        "mnr_domains",
        _("The 6 domains of the WeProtect Model National Response (2016)."),
        (
            F("key", "string", _("Domain key.")),
            F("number", "integer", _("Domain number, 1 to 6.")),
            F("name", "string", _("Domain name.")),
            *_MNR_NAME_FIELDS,
            F("mnr_version", "string", _("MNR version (2016).")),
        ),
    ),
    Table(
        "mnr_capabilities",
        _("The 21 capabilities of the MNR, described in our own words."),
        (
            F("key", "string", _("Capability key, mnr-01 … mnr-21.")),
            F("number", "integer", _("Capability number, 1 to 21.")),
            F("domain", "string", _("Key of its domain.")),
            F("name", "string", _("Capability name.")),
            *_MNR_NAME_FIELDS,
            F("description", "string", _("What it means (paraphrase).")),
            *_MNR_DESCRIPTION_FIELDS,
            F("mnr_version", "string", _("MNR version (2016).")),
        ),
    ),
    Table(
        "partners",
        _("Published allied partners."),
        (
            F("slug", "string", _("Partner key.")),
            F("name", "string", _("Organisation name.")),
            F(
                "type",
                "string",
                _(
                    "un_agency, global_network, civil_society, youth_led, industry, academia, "
                    "regional_body, donor."
                ),
            ),
            F("website", "string", _("Website.")),
            F("description", "string", _("What they do.")),
            F("endorsement", "string", _("not_contacted, invited, endorsed, declined.")),
            F(
                "conflict_of_interest_disclosure",
                "string",
                _("Conflict-of-interest disclosure (required for industry)."),
            ),
            F("works_globally", "boolean", _("Works globally rather than in listed states.")),
            F("is_demo", "boolean", _("True for invented demo data.")),
        ),
    ),
    Table(
        "partner_countries",
        _("Which states each partner works in (one row per pair)."),
        (F("partner", "string", _("Partner key.")), F("iso3", "string", _("The state."))),
    ),
    Table(
        "partner_capabilities",
        _("Which MNR capabilities each partner supports (one row per pair)."),
        (
            F("partner", "string", _("Partner key.")),
            F("capability", "string", _("Capability key.")),
        ),
    ),
    Table(
        "partner_outcomes",
        _("Which campaign outcomes each partner supports (one row per pair)."),
        (
            F("partner", "string", _("Partner key.")),
            F("outcome", "integer", _("Outcome number.")),
        ),
    ),
    Table(
        "outcomes",
        _("The campaign's three outcomes."),
        (F("number", "integer", _("Outcome number.")), F("title", "string", _("Outcome."))),
    ),
    Table(
        "pledge_texts",
        _("Every published version of the pledge text (one row each); drafts are never here."),
        (
            F("version", "integer", _("Version number: the key of a version in every table.")),
            F("title", "string", _("Title of the version.")),
            F("status", "string", _("open (for children's suggestions), final, or draft.")),
            F("changelog", "string", _("What changed in this version.")),
            F("published_on", "date", _("When the version was published (four eyes).")),
            F("final_on", "date", _("When the version became final, if it has.")),
            F("is_placeholder", "boolean", _("True for a provisional text, not the agreed one.")),
            F("is_demo", "boolean", _("True for invented demo data.")),
        ),
    ),
    Table(
        "pledge_clauses",
        _(
            "The clauses of every published version: one row per clause in English (language "
            "en) and one per clause and translation into another UN language."
        ),
        (
            F("version", "integer", _("Version of the pledge text.")),
            F("key", "string", _("The clause's identity across versions.")),
            F("number", "integer", _("Its place in the version (1, 2, …).")),
            F("language", "string", _("en, or the UN language of a translation.")),
            F("formal_text", "string", _("The formal wording.")),
            F("child_text", "string", _("The child-friendly wording.")),
            F("change_note", "string", _("What changed since the previous version, and why.")),
            F(
                "translation_outdated",
                "boolean",
                _("For a translation: true when the English changed after it was made."),
            ),
        ),
    ),
    Table(
        "campaign",
        _("Campaign progress (one row), from verified statuses only."),
        (
            F("name", "string", _("Campaign name.")),
            F("pledge_text_version", "integer", _("Version of the pledge text promoted.")),
            F("target_states", "integer", _("Target: Member States pledged by the launch.")),
            F("launch_date", "date", _("Launch event date.")),
            F("member_states", "integer", _("UN Member States.")),
            F(
                "pledged_member_states",
                "integer",
                _("Member States at 'pledged' or beyond (verified)."),
            ),
            F("pledged_observer_states", "integer", _("Observer States at 'pledged' or beyond.")),
        ),
    ),
)
TABLES_BY_NAME = {t.name: t for t in TABLES}
PANDAS_DTYPES = {
    "string": "string",
    "integer": "Int64",
    "number": "float64",
    "boolean": "boolean",
    "date": "string",
    "datetime": "string",
}


def field_dictionary_rows() -> list[dict[str, str]]:
    """One row per table and field (in the active language)."""
    return [
        {"table": t.name, "field": f.name, "type": f.kind, "description": str(f.description)}
        for t in TABLES
        for f in t.fields
    ]


# --- Building the tables ----------------------------------------------------------------


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _datetime(value) -> str | None:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds") if value else None


def _source(source: SourceRecord | None) -> dict:
    if source is None:
        return dict.fromkeys(f.name for f in SOURCE_FIELDS)
    return {
        "source_url": source.url,
        "source_title": source.title,
        "source_publisher": source.publisher,
        "source_date": _date(source.date),
    }


def _country_row(country: CountryRecord) -> dict:
    pledge, strategy, names = country.pledge, country.strategy, country.names
    return {
        "iso3": country.iso3,
        "iso2": country.iso2,
        "m49": country.m49,
        "name": country.name,
        "name_en": names.en,
        "name_fr": names.fr,
        "name_es": names.es,
        "name_ru": names.ru,
        "name_zh": names.zh,
        "name_ar": names.ar,
        "region": country.region,
        "sub_region": country.sub_region,
        "intermediate_region": country.intermediate_region,
        "un_status": country.un_status,
        "latitude": country.latitude,
        "longitude": country.longitude,
        "pledge_status": pledge.status,
        "pledge_status_since": _date(pledge.since),
        # The version pledged to: none when nothing is pledged.
        "pledge_text_version": pledge.pledge_text_version if pledge.verified else None,
        "signed_by_office": pledge.signed_by_office,
        "strategy_status": strategy.status if strategy else None,
        "strategy_title": strategy.title if strategy else None,
        "strategy_year": strategy.year if strategy else None,
        "strategy_link": strategy.link if strategy else None,
        "strategy_references_mnr": strategy.references_mnr if strategy else None,
        "is_demo": pledge.is_demo,
    }


def _capability_row(country: CountryRecord, capability: CapabilityRecord) -> dict:
    return {
        "iso3": country.iso3,
        "capability": capability.capability,
        "status": capability.status,
        "note": capability.note,
        **_source(capability.source),
        "last_verified_at": _datetime(capability.verified_at),
        "is_demo": capability.is_demo,
    }


def _event_row(event: EventRecord) -> dict:
    return {
        "id": event.id,
        "iso3": event.iso3,
        "pledge_text_version": event.pledge_text_version,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "event_date": _date(event.event_date),
        "note": event.note,
        **_source(event.source),
        "verified_at": _datetime(event.verified_at),
        "is_demo": event.is_demo,
    }


def _pledge_text_rows() -> tuple[list[dict], list[dict]]:
    """Published versions and their clauses (three queries: versions, clauses, translations)."""
    texts, clauses = [], []
    for text in pledge_texts_public_with_clauses():
        texts.append(
            {
                "version": text.version,
                "title": text.title,
                "status": text.status,
                "changelog": text.changelog,
                "published_on": _date(text.published_on),
                "final_on": _date(text.final_on),
                "is_placeholder": text.is_placeholder,
                "is_demo": text.is_demo,
            }
        )
        for clause in text.clauses.all():
            base = {"version": text.version, "key": clause.key, "number": clause.number}
            clauses.append(
                {
                    **base,
                    "language": "en",
                    "formal_text": clause.formal_text,
                    "child_text": clause.child_text,
                    "change_note": clause.change_note,
                    "translation_outdated": None,
                }
            )
            for rendering in clause.translations.all():
                clauses.append(
                    {
                        **base,
                        "language": rendering.language,
                        "formal_text": rendering.formal_text,
                        "child_text": rendering.child_text,
                        "change_note": "",
                        "translation_outdated": rendering.is_outdated,
                    }
                )
    return texts, clauses


def dataset_tables() -> dict[str, list[dict]]:
    """Every public table as rows of plain values: the public records (dashboards.records)."""
    public = public_data()
    partners = public.partners
    progress = campaign_progress()
    pledge_texts, pledge_clauses = _pledge_text_rows()
    return {
        "countries": [_country_row(c) for c in public.countries],
        "capability_statuses": [
            _capability_row(country, capability)
            for country in public.countries
            for capability in country.capabilities
        ],
        "pledge_events": [_event_row(e) for e in public.events],
        "mnr_domains": [
            {
                "key": d.key,
                "number": d.number,
                "name": d.name,
                **{f"name_{code}": d.name_in(code) for code in MNR_TRANSLATED},
                "mnr_version": d.mnr_version,
            }
            for d in public.domains
        ],
        "mnr_capabilities": [
            {
                "key": c.key,
                "number": c.number,
                "domain": c.domain.key,
                "name": c.name,
                **{f"name_{code}": c.name_in(code) for code in MNR_TRANSLATED},
                "description": c.description,
                **{f"description_{code}": c.description_in(code) for code in MNR_TRANSLATED},
                "mnr_version": c.mnr_version,
            }
            for c in public.capabilities
        ],
        "partners": [
            {
                "slug": p.slug,
                "name": p.name,
                "type": p.type,
                "website": p.website,
                "description": p.description,
                "endorsement": p.endorsement,
                "conflict_of_interest_disclosure": p.conflict_of_interest_disclosure,
                "works_globally": p.works_globally,
                "is_demo": p.is_demo,
            }
            for p in partners
        ],
        "partner_countries": [
            {"partner": p.slug, "iso3": iso3} for p in partners for iso3 in p.countries
        ],
        "partner_capabilities": [
            {"partner": p.slug, "capability": key} for p in partners for key in p.capabilities
        ],
        "partner_outcomes": [
            {"partner": p.slug, "outcome": number} for p in partners for number in p.outcomes
        ],
        "outcomes": [{"number": o.number, "title": o.title} for o in outcome_list()],
        "pledge_texts": pledge_texts,
        "pledge_clauses": pledge_clauses,
        "campaign": [
            {
                "name": progress.name,
                "pledge_text_version": progress.pledge_text_version,
                "target_states": progress.target_states,
                "launch_date": _date(progress.launch_date),
                "member_states": progress.member_states,
                "pledged_member_states": progress.pledged_member_states,
                "pledged_observer_states": progress.pledged_observer_states,
            }
        ]
        if progress
        else [],
    }


def dataframes(tables: dict[str, list[dict]]) -> dict[str, pd.DataFrame]:
    """The tables as pandas DataFrames with the dictionary's column order and types."""
    frames = {}
    for table in TABLES:
        frame = pd.DataFrame(tables[table.name], columns=table.columns)
        frames[table.name] = frame.astype({f.name: PANDAS_DTYPES[f.kind] for f in table.fields})
    return frames


def content_hash(tables: dict[str, list[dict]]) -> str:
    body = json.dumps(tables, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(body).hexdigest()


# --- Writing the files ------------------------------------------------------------------


def _csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula, neutralised (pledges.spreadsheets)."""
    frame = frame.copy()
    for name in frame.columns:
        if pd.api.types.is_string_dtype(frame[name].dtype):
            frame[name] = frame[name].map(csv_cell, na_action="ignore")
    return frame


def about(*, release_id: str, as_of: str) -> dict:
    site = settings.SITE_URL
    return {
        "title": "Global Pledge Tracker: children's online safety pledges of UN Member States",
        "release": release_id,
        "as_of": as_of,
        "licence": LICENCE_NAME,
        "licence_url": LICENCE_URL,
        "citation": citation(release_id=release_id, as_of=as_of),
        "source_page": f"{site}/data/",
        "api": f"{site}/api/v1/",
        "demo_data": demo_data_present(),
        "sources": [
            "States: OCHA Countries & Territories taxonomy and UN M49 (UN Statistics Division).",
            "Capabilities: WeProtect Global Alliance, Model National Response (2016), "
            "described in our own words.",
            "Statuses: public evidence logged by campaign staff and verified by a second "
            "staff member (four eyes) before publication.",
        ],
    }


def citation(*, release_id: str, as_of: str) -> str:
    year = as_of[:4]
    return (
        f"Global Pledge Tracker ({year}). Children's online safety pledges of UN Member "
        f"States, open data release {release_id} (as of {as_of}). "
        f"{settings.SITE_URL}/exports/. Licence: {LICENCE_NAME}."
    )


def readme_text(info: dict) -> str:
    lines = [
        info["title"],
        "=" * len(info["title"]),
        "",
        f"Release: {info['release']}   As of: {info['as_of']}",
        "",
    ]
    if info["demo_data"]:
        lines += [
            "DEMO DATA: the pledges, statuses and sources in this release are invented for a",
            "demonstration. No state has made these commitments.",
            "",
        ]
    lines += [
        f"Licence: {LICENCE_NAME} ({LICENCE_URL}). You may share and adapt the data for any",
        "purpose, with credit. Suggested citation:",
        "",
        "  " + info["citation"],
        "",
        "Files: one CSV per table (UTF-8, comma-separated, header row, ISO 8601 dates,",
        "empty cell = no value) and field_dictionary.csv, which describes every column.",
        "Text cells that begin with = + - @, a tab or a carriage return are prefixed with an",
        "apostrophe so that spreadsheet programs do not run them as formulas (in the XLSX",
        "file they are text cells, unchanged).",
        "",
        "Sources:",
        *(f"  - {s}" for s in info["sources"]),
        "",
        "The MNR capability statuses show coverage and evidence per capability. WeProtect",
        "asks that they are never used to rank or benchmark countries: please don't.",
        "",
        f"More: {info['source_page']}  API: {info['api']}",
        "",
    ]
    return "\n".join(lines)


def write_csv_zip(path: Path, frames: dict[str, pd.DataFrame], info: dict) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in TABLES:
            buffer = io.StringIO()
            _csv_safe(frames[table.name]).to_csv(buffer, index=False)
            archive.writestr(f"{table.name}.csv", buffer.getvalue())
        buffer = io.StringIO()
        _csv_safe(pd.DataFrame(field_dictionary_rows())).to_csv(buffer, index=False)
        archive.writestr("field_dictionary.csv", buffer.getvalue())
        archive.writestr("README.txt", readme_text(info))


def write_xlsx(path: Path, tables: dict[str, list[dict]], info: dict) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("about")
    for key in ("title", "release", "as_of", "licence", "licence_url", "citation", "api"):
        sheet.append(xlsx_row(sheet, [key, str(info[key])]))
    sheet.append(["demo_data", info["demo_data"]])
    for table in TABLES:
        sheet = book.create_sheet(table.name[:31])
        sheet.append(table.columns)
        for row in tables[table.name]:
            sheet.append(xlsx_row(sheet, [row[c] for c in table.columns]))
    sheet = book.create_sheet("field_dictionary")
    sheet.append(["table", "field", "type", "description"])
    for row in field_dictionary_rows():
        sheet.append(xlsx_row(sheet, row.values()))
    book.save(path)


def write_json(path: Path, tables: dict[str, list[dict]], info: dict) -> None:
    document = {"about": info, "field_dictionary": field_dictionary_rows(), "tables": tables}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")


# --- Releases on disk -------------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    id: str
    path: Path
    manifest: dict

    @property
    def as_of(self) -> str:
        return self.manifest["as_of"]

    def file(self, fmt: str) -> dict:
        return self.manifest["files"][fmt]

    def file_path(self, fmt: str) -> Path:
        return self.path / self.file(fmt)["name"]


def _releases_dir() -> Path:
    return Path(settings.EXPORTS_DIR) / "releases"


def release_id_for(as_of: str) -> str:
    moment = dt.datetime.fromisoformat(as_of).astimezone(dt.UTC)
    return moment.strftime("%Y%m%dT%H%M%SZ")


def release_list() -> list[Release]:
    """Every release on disk, newest first."""
    root = _releases_dir()
    if not root.is_dir():
        return []
    releases = []
    for folder in root.iterdir():
        manifest_path = folder / "manifest.json"
        if RELEASE_ID_RE.match(folder.name) and manifest_path.is_file():
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            releases.append(Release(id=folder.name, path=folder, manifest=manifest))
    return sorted(releases, key=lambda r: r.id, reverse=True)


def release_get(release_id: str) -> Release | None:
    if not RELEASE_ID_RE.match(release_id):
        return None
    return next((r for r in release_list() if r.id == release_id), None)


def release_latest() -> Release | None:
    releases = release_list()
    return releases[0] if releases else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def release_refresh() -> Release:
    """Write a new release if the public data changed since the latest one."""
    root = _releases_dir()
    root.mkdir(parents=True, exist_ok=True)
    # One builder at a time per machine (several workers may ask at once after a change).
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _release_refresh_locked()


def _release_refresh_locked() -> Release:
    snapshot = snapshot_current()
    latest = release_latest()
    if latest is not None and latest.manifest.get("snapshot_etag") == snapshot.etag:
        return latest  # another worker built it while this one waited for the lock
    tables = dataset_tables()
    digest = content_hash(tables)
    if latest is not None and latest.manifest.get("content_hash") == digest:
        _manifest_update(latest, snapshot_etag=snapshot.etag)
        return latest
    release_id = release_id_for(snapshot.as_of)
    existing = {r.id for r in release_list()}
    suffix = 2
    base = release_id
    while release_id in existing:
        release_id, suffix = f"{base}-{suffix}", suffix + 1
    return _release_write(
        release_id=release_id,
        as_of=snapshot.as_of,
        tables=tables,
        digest=digest,
        snapshot_etag=snapshot.etag,
    )


def _manifest_update(release: Release, **values) -> None:
    manifest = {**release.manifest, **values}
    path = release.path / "manifest.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    os.replace(tmp, path)
    release.manifest.update(values)


def release_ensure() -> Release:
    """The release of the current public snapshot: built on the first request after a change.

    A cheap check (the snapshot's ETag against the latest release's manifest) on every
    request; the files are built only when the public data changed since.
    """
    latest = release_latest()
    if latest is not None and latest.manifest.get("snapshot_etag") == snapshot_current().etag:
        return latest
    try:
        return release_refresh()
    except DatabaseError:
        if latest is None:
            raise
        # The database is down: the previous release stays the best we can offer (OPS-02).
        logger.exception("Export release not rebuilt; serving the last one")
        return latest


def _release_write(
    *, release_id: str, as_of: str, tables: dict, digest: str, snapshot_etag: str
) -> Release:
    root = _releases_dir()
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    try:
        with translation.override("en"):
            info = about(release_id=release_id, as_of=as_of)
            frames = dataframes(tables)
            names = {
                fmt: f"{FILE_STEM}-{release_id}{suffix}" for fmt, (suffix, _t) in FORMATS.items()
            }
            write_csv_zip(staging / names["csv"], frames, info)
            write_xlsx(staging / names["xlsx"], tables, info)
            write_json(staging / names["json"], tables, info)
        manifest = {
            "release": release_id,
            "as_of": as_of,
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "content_hash": digest,
            "snapshot_etag": snapshot_etag,
            "demo_data": info["demo_data"],
            "licence": LICENCE_NAME,
            "citation": info["citation"],
            "row_counts": {name: len(rows) for name, rows in tables.items()},
            "files": {
                fmt: {
                    "name": name,
                    "bytes": (staging / name).stat().st_size,
                    "sha256": _sha256(staging / name),
                }
                for fmt, name in names.items()
            },
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        target = root / release_id
        try:
            os.rename(staging, target)  # atomic: a release is complete or absent
        except OSError:
            # Another worker wrote the same release first; keep theirs.
            shutil.rmtree(staging, ignore_errors=True)
        logger.info("Export release %s written", release_id)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Release(
        id=release_id, path=target, manifest=json.loads((target / "manifest.json").read_text())
    )
