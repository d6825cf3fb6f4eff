"""Build fixtures/countries.json: the 195 States (193 UN members + 2 observer States).

Reads the OCHA "Countries & Territories taxonomy" CSV bundled inside the installed
``hdx-python-country`` package (offline: nothing is downloaded). Run it with the throwaway
venv from ``scripts/requirements-refdata.txt`` (see ``make refdata``). Pass ``--check`` to
verify that the committed fixture is up to date without rewriting it.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections import Counter
from importlib import metadata, resources
from pathlib import Path
from typing import Any

PACKAGE = "hdx-python-country"
CSV_NAME = "Countries & Territories Taxonomy MVP - C&T Taxonomy.csv"
OUTPUT = Path(__file__).resolve().parent.parent / "fixtures" / "countries.json"

OBSERVER_STATES = {"VAT", "PSE"}  # non-member observer States
EXCLUDED = {"XKX", "TWN"}  # never included, whatever the source says
MEMBERS_PER_REGION = {"Africa": 54, "Americas": 35, "Asia": 47, "Europe": 43, "Oceania": 14}
LANGS = ("en", "fr", "es", "ru", "zh", "ar")
LANG_NAMES = ("English", "French", "Spanish", "Russian", "Chinese", "Arabic")

# Common English variants seen in spreadsheets (incl. World Bank style), not in the taxonomy.
# Ambiguous names ("Congo", "Korea", "Guinea", "Holland", ...) are deliberately left out.
EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "BHS": ("The Bahamas", "Bahamas, The"),
    "BOL": ("Bolivia",),
    "BRN": ("Brunei",),
    "CIV": ("Ivory Coast", "Cote d'Ivoire"),
    "COD": ("DR Congo", "DRC", "Congo-Kinshasa", "Congo, Dem. Rep."),
    "COG": ("Congo-Brazzaville", "Republic of the Congo", "Congo, Rep."),
    "CPV": ("Cape Verde",),
    "CZE": ("Czech Republic",),
    "EGY": ("Egypt, Arab Rep.",),
    "FSM": ("Micronesia", "Micronesia, Fed. Sts."),
    "GBR": ("UK", "United Kingdom", "Great Britain"),
    "GMB": ("The Gambia", "Gambia, The"),
    "IRN": ("Iran", "Iran, Islamic Rep."),
    "KGZ": ("Kyrgyz Republic",),
    "KNA": ("St. Kitts and Nevis",),
    "KOR": ("South Korea", "Korea, South", "Korea, Rep."),
    "LAO": ("Laos", "Lao PDR"),
    "LCA": ("St. Lucia",),
    "MDA": ("Moldova",),
    "MKD": ("Macedonia",),
    "MMR": ("Burma",),
    "PRK": ("North Korea", "Korea, North", "Korea, Dem. People's Rep."),
    "PSE": ("Palestine",),
    "RUS": ("Russia",),
    "SVK": ("Slovak Republic",),
    "SWZ": ("Swaziland",),
    "SYR": ("Syria",),
    "TLS": ("East Timor",),
    "TUR": ("Turkey", "Turkiye"),
    "TZA": ("Tanzania",),
    "USA": ("USA", "United States", "US"),
    "VAT": ("Vatican", "Vatican City"),
    "VCT": ("St. Vincent and the Grenadines",),
    "VEN": ("Venezuela", "Venezuela, RB"),
    "VNM": ("Vietnam",),
    "YEM": ("Yemen, Rep.",),
}

# Source columns whose values become aliases (the Regex column is a pattern, not a name).
ALIAS_COLUMNS = (
    "Preferred Term",
    "ISO Alt Term",
    "DGACM Alt Term",
    "HPC Tools Alt Term",
    "RW Short Name",
    "RW API Alt Term",
    "English Formal",
    *(f"{lang} Short" for lang in LANG_NAMES),
)


def read_rows() -> list[dict[str, str]]:
    """Read the taxonomy CSV bundled in the installed package, with the Nauru quirk fixed."""
    text = (resources.files("hdx.location") / CSV_NAME).read_text(encoding="utf-8-sig")
    rows = [
        {key: value.strip() for key, value in row.items()}
        for row in csv.DictReader(io.StringIO(text, newline=""))
    ]
    for row in rows:
        # The taxonomy calls Nauru by its endonym "Naoero" (Preferred Term, *Short columns,
        # English Formal) while its M49 columns say "Nauru": use the M49 spelling throughout.
        if row["ISO 3166-1 Alpha 3-Codes"] == "NRU":
            row["Preferred Term"] = row["M49 English"]
            for lang in LANG_NAMES:
                row[f"{lang} Short"] = row[f"M49 {lang}"]
            row["English Formal"] = row["English Formal"].replace("Naoero", "Nauru")
    return rows


# Representative points the source places off the state's land (issue 12): Tuvalu at
# -178.9° though its islands lie between 176°E and 180°, Fiji at -164.7° (open sea east of
# Samoa), New Zealand at 56.5°S (south of its islands). (lat, lon) on the land instead.
POINT_OVERRIDES = {
    "TUV": (-8.5211, 179.1983),  # Funafuti
    "FJI": (-17.7134, 178.065),  # Viti Levu
    "NZL": (-40.9006, 174.886),
}


def build_country(row: dict[str, str]) -> dict[str, Any]:
    """Map one taxonomy row to a fixture record."""
    iso3 = row["ISO 3166-1 Alpha 3-Codes"]
    # Official names: the "M49 <Language>" columns; fall back to "<Language> Short" if empty.
    names = {
        f"name_{code}": row[f"M49 {lang}"] or row[f"{lang} Short"]
        for code, lang in zip(LANGS, LANG_NAMES, strict=True)
    }
    short_name_en = row["Preferred Term"]
    taken = {*names.values(), short_name_en}
    candidates = [row[column] for column in ALIAS_COLUMNS] + list(EXTRA_ALIASES.get(iso3, ()))
    return {
        "iso3": iso3,
        "iso2": row["ISO 3166-1 Alpha 2-Codes"],
        "m49": int(row["m49 numerical code"]),
        "un_status": "observer" if iso3 in OBSERVER_STATES else "member",
        **names,
        "short_name_en": short_name_en,
        "region": row["Region Name"],
        "sub_region": row["Sub-region Name"],
        "intermediate_region": row["Intermediate Region Name"],
        "lat": POINT_OVERRIDES[iso3][0]
        if iso3 in POINT_OVERRIDES
        else round(float(row["Latitude"]), 4),
        # The source gives some Pacific states east of 180°; wrap into [-180, 180) for maps.
        "lon": POINT_OVERRIDES[iso3][1]
        if iso3 in POINT_OVERRIDES
        else round((float(row["Longitude"]) + 180) % 360 - 180, 4),
        "aliases": sorted({name for name in candidates if name and name not in taken}),
    }


def check(countries: list[dict[str, Any]]) -> None:
    """Fail loudly if the selection does not look like the 195 States."""

    def fail(message: str) -> None:
        sys.exit(f"build_countries_fixture: {message}")

    if len(countries) != 195:
        fail(f"expected 195 States, got {len(countries)}")
    for key in ("iso3", "iso2", "m49"):
        dupes = [v for v, n in Counter(c[key] for c in countries).items() if n > 1]
        if dupes:
            fail(f"duplicate {key}: {dupes}")
    if {c["iso3"] for c in countries} & EXCLUDED:
        fail(f"excluded codes present: {EXCLUDED}")
    if {c["iso3"] for c in countries if c["un_status"] == "observer"} != OBSERVER_STATES:
        fail(f"observer States missing: {OBSERVER_STATES}")
    members = Counter(c["region"] for c in countries if c["un_status"] == "member")
    if dict(members) != MEMBERS_PER_REGION:
        fail(f"members per region {dict(members)} != {MEMBERS_PER_REGION}")
    owner: dict[str, str] = {}
    for c in countries:
        for name in {c["short_name_en"], *(c[f"name_{code}"] for code in LANGS), *c["aliases"]}:
            if owner.setdefault(name, c["iso3"]) != c["iso3"]:
                fail(f"name {name!r} used by both {owner[name]} and {c['iso3']}")
        if not all(c[f"name_{code}"] for code in LANGS) or not c["iso2"]:
            fail(f"{c['iso3']} has an empty name or iso2")
    nauru = next(c for c in countries if c["iso3"] == "NRU")
    if (nauru["name_en"], nauru["short_name_en"], nauru["sub_region"]) != (
        "Nauru",
        "Nauru",
        "Micronesia",
    ):
        fail(f"Nauru looks wrong: {nauru}")


def main() -> None:
    """Generate (or with --check, verify) fixtures/countries.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify, do not write")
    args = parser.parse_args()

    rows = read_rows()
    selected = [
        row
        for row in rows
        if row["Appears in DGACM list"] == "Y" or row["ISO 3166-1 Alpha 3-Codes"] in OBSERVER_STATES
    ]
    selected = [row for row in selected if row["ISO 3166-1 Alpha 3-Codes"] not in EXCLUDED]
    countries = sorted((build_country(row) for row in selected), key=lambda c: c["iso3"])
    check(countries)

    version = metadata.version(PACKAGE)
    document = {
        "source": f"OCHA Countries & Territories taxonomy via {PACKAGE} {version}",
        "generated_by": "scripts/build_countries_fixture.py",
        "countries": countries,
    }
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    if args.check:
        if not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != text:
            sys.exit(f"{OUTPUT} is out of date: run `make refdata`")
        print(f"{OUTPUT} is up to date ({len(countries)} States)")
        return
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {len(countries)} States to {OUTPUT} ({PACKAGE} {version})")


if __name__ == "__main__":
    main()
