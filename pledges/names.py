"""One resolver of state names: the import, the staff country search and the public search.

A state is known by its ISO3 and ISO2 codes, its short name, its six UN names and its
aliases (fixtures/countries.json: "UK", "Turkey", "Viet Nam"/"Vietnam", "Swaziland", ...).
Names compare by `name_key` (case, accents, apostrophes, spacing and a leading "the"
ignored). The import resolves one name to exactly one state (`country_index`, in
pledges.imports); a search (`search_matches`) finds the states a name or a part of one
points at: an exact name or code first — "UK" is the United Kingdom, not Ukraine — else
a short query by the start of a name ("ke"), else a part of any name ("ivory").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Typographic apostrophes and the backtick all compare as "'".
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
NAME_FIELDS = ("short_name", "name_en", "name_fr", "name_es", "name_ru", "name_zh", "name_ar")
SHORT_QUERY = 3  # up to this many characters, a query matches the start of a name


def name_key(text: str) -> str:
    """Compare names case- and accent-insensitively, whatever the apostrophe or spacing."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold().translate(APOSTROPHES)
    text = re.sub(r"[\s\-_.,()']+", " ", text).strip()
    if text.startswith("the "):
        text = text[4:]
    return text


def country_names(country) -> list[str]:
    """Every name and code a state is known by (a Country, or anything with its fields)."""
    names = [country.iso3, country.iso2]
    names += [getattr(country, field, "") or "" for field in NAME_FIELDS]
    names += list(country.aliases or [])
    return [n for n in names if n]


def country_keys(country) -> list[str]:
    """The name keys of a state, without repeats, in the order of `country_names`."""
    return list(dict.fromkeys(k for k in (name_key(n) for n in country_names(country)) if k))


def search_matches(entries: Iterable[tuple[str, list[str]]], query: str) -> set[str] | None:
    """The ids (ISO3) whose keys match `query`; None for an empty query (no filter).

    `entries` is (iso3, keys) for each state, keys from `country_keys`. An exact name or
    code wins: if any state is called exactly so, only those states match.
    """
    wanted = name_key(query)
    if not wanted:
        return None
    entries = list(entries)
    exact = {iso3 for iso3, keys in entries if wanted in keys}
    if exact:
        return exact
    if len(wanted) <= SHORT_QUERY:
        return {iso3 for iso3, keys in entries if any(k.startswith(wanted) for k in keys)}
    return {iso3 for iso3, keys in entries if any(wanted in k for k in keys)}
