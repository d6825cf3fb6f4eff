"""Every visible string is translatable, and every catalogue is complete (issue 14).

Two checks: (1) a scan of our templates for visible text outside {% translate %} and
{% blocktranslate %}; (2) each locale/<lang>/LC_MESSAGES/django.po, read with polib, has no
untranslated and no fuzzy entry. They need no database and no compiled .mo file.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [
    ROOT / "config" / "templates",
    ROOT / "dashboards" / "templates",
    ROOT / "staff" / "templates",
    ROOT / "drafting" / "templates",
]
CATALOGUE_LANGUAGES = ["ar", "es", "fr", "ru", "zh_Hans"]

# Text that is the same in every language: file formats, codes, the product's proper names,
# symbols. Anything else visible in a template must be marked for translation.
NOT_TRANSLATED = {
    "CSV",
    "XLSX",
    "JSON",
    "SVG",
    "PNG",
    "Atom",
    "API",
    "ISO3",
    "ISO",
    "OpenAPI",
    "CC BY 4.0",
    "CC",
    "BY",
    "MNR",
    "UN",
    "M49",
    "DEMO",
}

BLOCKS = [
    re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S),
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}", re.S),
    re.compile(r"<script\b.*?</script>", re.S | re.I),
    re.compile(r"<style\b.*?</style>", re.S | re.I),
    # code shown as code: embed snippets, curl examples
    re.compile(r"<(code|pre|textarea)\b.*?</\1>", re.S | re.I),
    re.compile(r"{%.*?%}", re.S),
    re.compile(r"{{.*?}}", re.S),
]
VISIBLE_ATTRIBUTES = re.compile(
    r"""\b(?:title|aria-label|placeholder|alt|aria-description)\s*=\s*"([^"]*)\"""", re.I
)
TAG = re.compile(r"<[^>]*>", re.S)
WORD = re.compile(r"[^\W\d_][^\W\d_'\u2019-]+", re.U)


def untranslated_text(source: str) -> list[str]:
    """The words a reader would see that no translation tag covers."""
    for block in BLOCKS:
        source = block.sub(" ", source)
    # Attribute values read aloud or shown (title, aria-label, placeholder, alt)
    found = []
    for value in VISIBLE_ATTRIBUTES.findall(source):
        found += WORD.findall(value)
    source = TAG.sub(" ", source)
    source = re.sub(r"&[a-z]+;|&#\d+;", " ", source)
    found += WORD.findall(source)
    return [word for word in found if word not in NOT_TRANSLATED]


def templates() -> list[Path]:
    return sorted(p for d in TEMPLATE_DIRS for p in d.rglob("*.html"))


def test_the_scan_finds_a_string_not_marked_for_translation():
    # the scan must be able to fail
    assert untranslated_text("<p>Hello {{ name }}</p>") == ["Hello"]
    assert untranslated_text('<a title="Open map" href="/">{% translate "Map" %}</a>') == [
        "Open",
        "map",
    ]
    assert untranslated_text("{% blocktranslate %}Hello {{ n }}{% endblocktranslate %}") == []
    assert untranslated_text('<p aria-label="{% translate "Main" %}">CSV</p>') == []


@pytest.mark.parametrize("template", templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_template_string_is_marked_for_translation(template):
    words = untranslated_text(template.read_text())
    assert not words, f"{template.relative_to(ROOT)}: text not marked for translation: {words}"


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))


def test_there_is_a_catalogue_for_every_language_but_english():
    codes = {code for code, _name in settings.LANGUAGES} - {"en"}
    # Django's locale directory names: zh-hans -> zh_Hans
    from django.utils.translation import to_locale

    assert {to_locale(code) for code in codes} == set(CATALOGUE_LANGUAGES)


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_every_catalogue_is_complete(language):
    po = catalogue(language)
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    obsolete = [e.msgid for e in po.obsolete_entries()]
    assert not untranslated, (
        f"{language}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    )
    assert not fuzzy, f"{language}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"
    assert not obsolete, f"{language}: obsolete entries left: {obsolete[:5]}"
    # placeholders survive translation: %(name)s and {{ name }} are the same set
    for entry in po.translated_entries():
        pairs = _plurals(entry) if entry.msgid_plural else [(entry.msgid, entry.msgstr)]
        for msgid, msgstr in pairs:
            assert _placeholders(msgid) == _placeholders(msgstr), (language, msgid, msgstr)


def _plurals(entry) -> list[tuple[str, str]]:
    if not entry.msgid_plural:
        return []
    return [(entry.msgid_plural, text) for text in entry.msgstr_plural.values()]


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}", text))


SINGLE = re.compile(r"""{%\s*translate\s+(["'])(.*?)\1""", re.S)


def _missing_msgids() -> list[str]:
    marked = set()
    for template in templates():
        marked |= {m[1] for m in SINGLE.findall(template.read_text())}
    return sorted(marked - {e.msgid for e in catalogue("fr")})


def test_every_template_string_is_in_the_catalogues():
    """A string marked in a template is in the catalogues (makemessages was run)."""
    missing = _missing_msgids()
    assert not missing, f"run `make makemessages`: not in the catalogues: {missing[:10]}"


# Words the product uses in two meanings (issue 14): each meaning carries its own context, so
# that a translator sees two entries, e.g. "Open" the link (a verb) and "Open" the state of a
# session (an adjective). The French translations name the difference.
AMBIGUOUS_WORDS = {
    "Open": {"link: open a record": "Ouvrir", "session status": "Ouverte"},
    "Let in": {"button: admit a child": "Faire entrer", "participant status": "Admis"},
    "Removed": {"participant status": "Retiré", "clause change": "Supprimée"},
    "Sessions": {
        "sign-in sessions of an account": "Sessions de connexion",
        "children's drafting sessions": "Séances",
    },
}


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_a_word_with_two_meanings_has_a_context_for_each(language):
    entries = {(e.msgctxt, e.msgid): e.msgstr for e in catalogue(language)}
    for word, meanings in AMBIGUOUS_WORDS.items():
        # no use of the word is left without saying which meaning it is
        assert (None, word) not in entries, f"{language}: {word!r} has no context"
        translations = {context: entries.get((context, word)) for context in meanings}
        assert all(translations.values()), f"{language}: {word!r} {translations}"
        assert len(set(translations.values())) == len(meanings), (language, word, translations)
        if language == "fr":
            assert translations == meanings
