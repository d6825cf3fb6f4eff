"""The six UN languages: which name field a language reads, how names sort, URL prefixes.

The interface languages are settings.LANGUAGES (en, fr, es, ru, zh-hans, ar); reference data
keeps a state's names in fields named by the two-letter code (name_zh for zh-hans).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from typing import TypeVar

from django.conf import settings

NAME_CODES = ("en", "fr", "es", "ru", "zh", "ar")

T = TypeVar("T")


def name_code(language: str | None) -> str:
    """The reference data's code for an interface language: "zh-hans" -> "zh"; else "en"."""
    code = (language or "en").lower()[:2]
    return code if code in NAME_CODES else "en"


def path_without_language(path: str) -> str:
    """A path with its language prefix taken off: "/fr/staff/" -> "/staff/"."""
    for code, _name in settings.LANGUAGES:
        prefix = f"/{code}/"
        if path.startswith(prefix):
            return path[len(prefix) - 1 :]
        if path == prefix[:-1]:
            return "/"
    return path


@functools.cache
def _collator(language: str):
    try:
        import icu
    except ImportError:  # pragma: no cover - PyICU is pinned; this keeps a bare checkout working
        return None
    locale = {"zh": "zh_Hans", "en": "en"}.get(language, language)
    return icu.Collator.createInstance(icu.Locale(locale))


def collation_key(text: str, language: str | None):
    """A sort key ordering names as a reader of `language` expects (ICU's collation).

    Without PyICU the fallback ignores case and accents, which is right for English,
    French and Spanish and keeps Russian, Chinese and Arabic in code point order.
    """
    collator = _collator(name_code(language))
    if collator is None:
        decomposed = unicodedata.normalize("NFKD", text)
        return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return collator.getSortKey(text)


def country_name(country, language: str | None) -> str:
    """A state's name in a language: its UN name there; in English, its short name (as the
    public pages show it)."""
    code = name_code(language)
    if code == "en":
        return country.short_name
    return getattr(country, f"name_{code}", "") or country.short_name


def countries_collated(countries: Iterable[T], language: str | None) -> list[T]:
    """States (Country objects) in the order a reader of `language` expects their names."""
    return sorted(countries, key=lambda c: collation_key(country_name(c, language), language))
