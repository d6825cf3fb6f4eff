"""How easy a child-friendly clause is to read, with textstat, for the languages it supports.

Flesch reading ease (0 to 100, higher is easier), with textstat's constants for the language,
mapped to the reading ages of Flesch's table. The target: children from 10 years take part
in the co-drafting sessions, so the child-friendly text aims at ages 10 to 12 (ease 80+).
Arabic and Chinese have no Flesch formula in textstat: readability is "not measured" there.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import textstat
from django.utils.translation import gettext_lazy as _

# Our language codes -> textstat's. textstat keeps the language as global state: one lock.
SUPPORTED = {"en": "en_US", "fr": "fr", "es": "es", "ru": "ru"}
TARGET_AGE_BAND = (10, 12)
TARGET_EASE = 80.0
_LOCK = threading.Lock()

# Flesch's table: the lowest ease of each band, and its reading age.
_BANDS = (
    (90.0, _("about 10 to 11 years")),
    (80.0, _("about 11 to 12 years")),
    (70.0, _("about 12 to 13 years")),
    (60.0, _("about 13 to 15 years")),
    (50.0, _("about 15 to 18 years")),
    (30.0, _("students at university")),
    (float("-inf"), _("university graduates")),
)


@dataclass(frozen=True)
class Readability:
    language: str
    measured: bool
    ease: float | None = None
    reading_age: str = ""
    on_target: bool | None = None
    words: int = 0

    @property
    def summary(self) -> str:
        if not self.measured:
            return str(_("Readability is not measured for this language."))
        verdict = _("within the target") if self.on_target else _("harder than the target")
        return str(
            _("Reading ease %(ease).0f: %(age)s, %(verdict)s (ages %(low)d to %(high)d).")
            % {
                "ease": self.ease,
                "age": self.reading_age,
                "verdict": verdict,
                "low": TARGET_AGE_BAND[0],
                "high": TARGET_AGE_BAND[1],
            }
        )


def readability(text: str, *, language: str = "en") -> Readability:
    """The readability of `text` in `language` (one of our language codes)."""
    lang = SUPPORTED.get(language)
    if lang is None or not text.strip():
        return Readability(language=language, measured=False)
    with _LOCK:
        textstat.set_lang(lang)
        ease = float(textstat.flesch_reading_ease(text))
        words = int(textstat.lexicon_count(text))
    age = next(label for low, label in _BANDS if ease >= low)
    return Readability(
        language=language,
        measured=True,
        ease=round(ease, 1),
        reading_age=str(age),
        on_target=ease >= TARGET_EASE,
        words=words,
    )
