"""Screening of children's suggestions (issue 10, item 4): the labelled table, its measured
precision and recall, and properties of the function."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafting.screening import ConcernReason, HoldReason, ScreenResult, suggestion_screen

TABLE = Path(__file__).with_name("screening_examples.csv")
LANGUAGES = ("en", "fr", "es", "ru", "ar", "zh")


def rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def screen(row: dict[str, str]) -> ScreenResult:
    return suggestion_screen(
        text=row["text"], language=row["language"], country=row["country"] or None
    )


def precision_recall(pairs: list[tuple[bool, bool]]) -> tuple[float, float]:
    """(expected, got) pairs -> (precision, recall)."""
    tp = sum(1 for e, g in pairs if e and g)
    fp = sum(1 for e, g in pairs if not e and g)
    fn = sum(1 for e, g in pairs if e and not g)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall


def test_table_is_big_and_covers_the_six_languages():
    table = rows()
    assert len(table) >= 150
    for language in LANGUAGES:
        mine = [r for r in table if r["language"] == language]
        assert any(r["expected_held"] == "1" for r in mine), language
        assert any(r["expected_held"] == "0" for r in mine), language
        assert any(r["expected_concern"] == "1" for r in mine), language


# CH-05 (held) and CH-06 (concern): every labelled line.
@pytest.mark.parametrize("row", rows(), ids=lambda r: f"{r['language']}:{r['note']}")
def test_table_row(row):
    result = screen(row)
    assert result.held == (row["expected_held"] == "1"), (row["text"], result.reasons)
    assert result.concern == (row["expected_concern"] == "1"), (
        row["text"],
        result.concern_reasons,
    )


# CH-05: years, ages, counts, articles, times and percentages are not held.
@pytest.mark.parametrize(
    "text",
    [
        "By 2027 every country acts",
        "ages 10-17",
        "193 Member States",
        "Article 16",
        "at 10:30",
        "50% of the budget",
    ],
)
def test_numbers_that_are_not_contact_details_are_not_held(text):
    assert not suggestion_screen(text=text, language="en").held


# CH-05: the hold reason is given, so the facilitator can be shown it.
def test_reasons_name_what_was_found():
    result = suggestion_screen(text="ana@example.com, +44 7700 900123", language="en")
    assert set(result.reasons) == {HoldReason.EMAIL, HoldReason.PHONE}
    assert str(HoldReason.EMAIL.label) == "An email address"


# CH-15: control and bidi-override characters are held, tab and newline are not.
def test_control_characters_held():
    assert suggestion_screen(text="a\u202eb", language="en").reasons == (
        HoldReason.CONTROL_CHARACTERS,
    )
    assert not suggestion_screen(text="a\tb\nc", language="en").held


# CH-05: the session's country (ISO3 or ISO2) picks the phone region.
def test_country_picks_the_phone_region():
    text = "06 12 34 56 78"  # a French mobile, written the French way
    assert suggestion_screen(text=text, language="en", country="FRA").held
    assert suggestion_screen(text=text, language="en", country="FR").held


# CH-06: a concern says which kind, so the facilitator sees why it is first in the queue.
def test_concern_reasons():
    result = suggestion_screen(text="I want to die", language="en")
    assert result.concern_reasons == (ConcernReason.SELF_HARM,)


# CH-05 and CH-06: the figures in docs/screening.md, measured on the table.
HELD_PRECISION, HELD_RECALL = 1.0, 1.0
CONCERN_PRECISION, CONCERN_RECALL = 1.0, 1.0


def test_precision_and_recall_on_the_table():
    table = [(row, screen(row)) for row in rows()]
    held = precision_recall([(r["expected_held"] == "1", res.held) for r, res in table])
    concern = precision_recall([(r["expected_concern"] == "1", res.concern) for r, res in table])
    assert held[0] >= HELD_PRECISION and held[1] >= HELD_RECALL, held
    assert concern[0] >= CONCERN_PRECISION and concern[1] >= CONCERN_RECALL, concern
    for language in LANGUAGES:
        mine = [(r, res) for r, res in table if r["language"] == language]
        _, recall = precision_recall([(r["expected_held"] == "1", res.held) for r, res in mine])
        assert recall >= 0.95, language


# CH-05, CH-06: screening never raises on any text and gives the same answer twice.
@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=400),
    language=st.sampled_from([*LANGUAGES, "pt", "", "xx-YY"]),
    country=st.one_of(st.none(), st.sampled_from(["FRA", "CN", "ZZZ", "", "x"])),
)
def test_never_raises_and_is_deterministic(text, language, country):
    first = suggestion_screen(text=text, language=language, country=country)
    second = suggestion_screen(text=text, language=language, country=country)
    assert first == second
    assert first.held == bool(first.reasons)
    assert first.concern == bool(first.concern_reasons)
