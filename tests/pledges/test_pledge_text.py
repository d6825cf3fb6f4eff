"""The pledge text (issue 9): versions, clause identity, four-eyes publication, immutability,
the clause diff and readability — through the services, the door every other door calls."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from pledges import services
from pledges.diff import ClauseChange, Segment, pledge_text_diff, words_diff
from pledges.models import (
    PledgeClause,
    PledgeClauseTranslation,
    PledgeText,
    PledgeTextImmutableError,
    ReviewState,
    StaleEditError,
)
from pledges.readability import readability
from tests.factories import UserFactory
from tests.staff import with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def carol(db):
    """Carol, a second editor."""
    return with_role(UserFactory(username="carol"), "editor")


def current() -> PledgeText:
    return PledgeText.objects.get(version=1)


def keys(text: PledgeText) -> list[str]:
    return list(text.clauses.order_by("number").values_list("key", flat=True))


def fresh(text: PledgeText) -> PledgeText:
    return PledgeText.objects.get(pk=text.pk)


def test_the_reference_text_is_published_with_keys():
    text = current()
    assert text.review_state == ReviewState.VERIFIED and text.published_on
    assert keys(text) == [f"clause-{n}" for n in range(1, 6)]
    assert services.pledge_text_current() == text


def test_the_next_version_keeps_the_clause_keys_and_text(alice):
    base = current()
    text = services.pledge_text_next_version(user=alice)
    assert text.version == 2 and text.review_state == ReviewState.DRAFT
    assert keys(text) == keys(base)
    assert [c.formal_text for c in text.clauses.all()] == [
        c.formal_text for c in base.clauses.all()
    ]
    assert text.created_by == alice
    # one draft version at a time
    with pytest.raises(ValidationError, match="not published yet"):
        services.pledge_text_next_version(user=alice)


def test_clause_identity_survives_add_remove_reorder_reword(alice):
    text = services.pledge_text_next_version(user=alice)
    first, second, *_rest = text.clauses.order_by("number")
    text = fresh(text)
    added = services.pledge_clause_add(
        text=text,
        user=alice,
        expected_lock_version=text.lock_version,
        formal_text="We commit to listen.",
        child_text="We will listen.",
        position=1,
    )
    assert added.key == "clause-6" and added.number == 1
    text = fresh(text)
    services.pledge_clause_remove(
        clause=second, user=alice, expected_lock_version=text.lock_version
    )
    text = fresh(text)
    services.pledge_clause_move(
        clause=first, user=alice, expected_lock_version=text.lock_version, position=4
    )
    text = fresh(text)
    services.pledge_clause_update(
        clause=first,
        user=alice,
        expected_lock_version=text.lock_version,
        formal_text="We commit to protect every child from CSEA.",
        child_text=first.child_text,
        change_note="Shorter.",
    )
    assert keys(text) == ["clause-6", "clause-3", "clause-4", "clause-1", "clause-5"]
    assert list(text.clauses.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    reworded = text.clauses.get(key="clause-1")
    assert reworded.formal_text.endswith("from CSEA.") and reworded.change_note == "Shorter."
    # the published version is untouched
    assert keys(current()) == [f"clause-{n}" for n in range(1, 6)]


def test_a_key_is_never_reused_after_its_clause_is_removed(alice):
    text = services.pledge_text_next_version(user=alice)
    last = text.clauses.order_by("number").last()
    services.pledge_clause_remove(clause=last, user=alice, expected_lock_version=text.lock_version)
    text = fresh(text)
    added = services.pledge_clause_add(
        text=text,
        user=alice,
        expected_lock_version=text.lock_version,
        formal_text="New.",
        child_text="New.",
    )
    assert added.key == "clause-6"


def test_a_stale_edit_is_refused_and_loses_nothing(alice, carol):
    text = services.pledge_text_next_version(user=alice)
    seen = text.lock_version
    clause = text.clauses.first()
    services.pledge_clause_update(
        clause=clause,
        user=carol,
        expected_lock_version=seen,
        formal_text="Carol's wording.",
        child_text=clause.child_text,
    )
    with pytest.raises(StaleEditError):
        services.pledge_clause_update(
            clause=clause,
            user=alice,
            expected_lock_version=seen,
            formal_text="Alice's wording.",
            child_text=clause.child_text,
        )
    assert PledgeClause.objects.get(pk=clause.pk).formal_text == "Carol's wording."


def test_publishing_takes_four_eyes_and_the_verify_permission(alice, bob, carol):
    text = services.pledge_text_next_version(user=alice)
    clause = text.clauses.first()
    services.pledge_clause_update(
        clause=clause,
        user=carol,
        expected_lock_version=text.lock_version,
        formal_text="Reworded by Carol.",
        child_text=clause.child_text,
    )
    text = fresh(text)
    # an editor has no verify permission; a verifier cannot have changed it
    with pytest.raises(PermissionDenied):
        services.pledge_text_verify(text=text, user=carol, expected_lock_version=text.lock_version)
    bob_edits = with_role(UserFactory(username="dave"), "admin")
    services.pledge_text_update(
        text=text,
        user=bob_edits,
        expected_lock_version=text.lock_version,
        values={"title": "Changed by an admin", "changelog": "Clause 1 reworded."},
    )
    text = fresh(text)
    with pytest.raises(PermissionDenied, match="different person"):
        services.record_verify(record=text, user=bob_edits, expected_lock_version=text.lock_version)
    # the door every view and admin action uses
    services.record_verify(record=text, user=bob, expected_lock_version=text.lock_version)
    text = fresh(text)
    assert text.review_state == ReviewState.VERIFIED and text.verified_by == bob
    assert text.published_on is not None and text.final_on is None
    assert services.pledge_text_published().first() == text
    # states still pledge to the version the campaign promotes
    assert services.pledge_text_current().version == 1


def test_a_version_is_published_only_with_its_changelog(alice, bob):
    text = services.pledge_text_next_version(user=alice)
    with pytest.raises(ValidationError, match="changelog"):
        services.pledge_text_verify(text=text, user=bob, expected_lock_version=text.lock_version)
    assert fresh(text).review_state == ReviewState.DRAFT


def test_final_versions_record_the_date_they_became_final(alice, bob):
    text = services.pledge_text_next_version(user=alice)
    services.pledge_text_update(
        text=text,
        user=alice,
        expected_lock_version=text.lock_version,
        values={"status": "final", "changelog": "Agreed."},
    )
    text = fresh(text)
    services.pledge_text_verify(text=text, user=bob, expected_lock_version=text.lock_version)
    text = fresh(text)
    assert text.final_on == text.published_on


def test_a_published_version_cannot_be_edited_through_any_door(alice, bob):
    text = current()
    clause = text.clauses.first()
    with pytest.raises(PledgeTextImmutableError):
        services.pledge_clause_update(
            clause=clause,
            user=alice,
            expected_lock_version=text.lock_version,
            formal_text="Rewritten",
            child_text="Rewritten",
        )
    with pytest.raises(PledgeTextImmutableError):
        services.pledge_text_update(
            text=text, user=alice, expected_lock_version=text.lock_version, values={"title": "x"}
        )
    # nor by saving the model (the admin, a shell, a command)
    clause.formal_text = "Rewritten"
    with pytest.raises(PledgeTextImmutableError):
        clause.save()
    with pytest.raises(PledgeTextImmutableError):
        clause.delete()
    text.title = "Rewritten"
    with pytest.raises(PledgeTextImmutableError):
        text.save()
    with pytest.raises(PledgeTextImmutableError):
        PledgeClause.objects.create(
            pledge_text=text, key="clause-99", number=99, formal_text="x", child_text="x"
        )
    assert current().title != "Rewritten"
    assert current().clauses.first().formal_text != "Rewritten"


def test_only_editors_change_a_draft_version(alice, bob):
    text = services.pledge_text_next_version(user=alice)
    with pytest.raises(PermissionDenied):
        services.pledge_clause_add(
            text=text,
            user=bob,
            expected_lock_version=text.lock_version,
            formal_text="x",
            child_text="x",
        )
    with pytest.raises(PermissionDenied):
        services.pledge_text_next_version(user=bob)


def test_a_returned_version_goes_back_to_the_queue_when_revised(alice, bob):
    text = services.pledge_text_next_version(user=alice)
    services.review_return(
        record=text,
        user=bob,
        comment="Clause 2 is too long.",
        expected_lock_version=text.lock_version,
    )
    text = fresh(text)
    assert text.review_state == ReviewState.RETURNED
    clause = text.clauses.get(number=2)
    services.pledge_clause_update(
        clause=clause,
        user=alice,
        expected_lock_version=text.lock_version,
        formal_text=clause.formal_text,
        child_text="We will make a plan.",
    )
    assert fresh(text).review_state == ReviewState.DRAFT


def test_translations_are_outdated_when_the_english_changes(alice):
    text = services.pledge_text_next_version(user=alice)
    clause = text.clauses.first()
    translation = services.pledge_clause_translation_set(
        clause=clause,
        user=alice,
        expected_lock_version=text.lock_version,
        language="fr",
        formal_text="Nous nous engageons…",
        child_text="Nous promettons…",
    )
    assert not translation.is_outdated
    text = fresh(text)
    services.pledge_clause_update(
        clause=clause,
        user=alice,
        expected_lock_version=text.lock_version,
        formal_text="A new English text.",
        child_text=clause.child_text,
    )
    assert PledgeClauseTranslation.objects.get(pk=translation.pk).is_outdated
    with pytest.raises(ValidationError):
        services.pledge_clause_translation_set(
            clause=clause,
            user=alice,
            expected_lock_version=fresh(text).lock_version,
            language="en",
            formal_text="x",
            child_text="x",
        )


def test_long_texts_and_odd_characters_are_kept_or_refused_clearly(alice):
    text = services.pledge_text_next_version(user=alice)
    odd = "Kinder — «enfants» 儿童 أطفال ‏\u200f" + "é" * 1900
    added = services.pledge_clause_add(
        text=text,
        user=alice,
        expected_lock_version=text.lock_version,
        formal_text=odd,
        child_text=odd,
    )
    assert PledgeClause.objects.get(pk=added.pk).formal_text == odd
    text = fresh(text)
    with pytest.raises(ValidationError):
        services.pledge_clause_add(
            text=text,
            user=alice,
            expected_lock_version=text.lock_version,
            formal_text="x" * 2001,
            child_text="x",
        )
    with pytest.raises(ValidationError):
        services.pledge_clause_add(
            text=fresh(text),
            user=alice,
            expected_lock_version=fresh(text).lock_version,
            formal_text="NUL\x00",
            child_text="x",
        )


# --- The diff -----------------------------------------------------------------------------


class C:
    def __init__(self, key, number, formal, child=None):
        self.key, self.number, self.formal_text = key, number, formal
        self.child_text = child if child is not None else formal
        self.change_note = ""


def kinds(diff):
    return [(d.key, [str(c) for c in d.changes]) for d in diff]


def test_diff_added_removed_and_unchanged():
    old = [C("a", 1, "A"), C("b", 2, "B"), C("c", 3, "C")]
    new = [C("a", 1, "A"), C("c", 2, "C"), C("d", 3, "D")]
    assert kinds(pledge_text_diff(old, new)) == [
        ("a", ["unchanged"]),
        ("b", ["removed"]),
        ("c", ["unchanged"]),
        ("d", ["added"]),
    ]


def test_diff_reorder_marks_only_the_moved_clause():
    old = [C(k, n, k) for n, k in enumerate("abcde", 1)]
    new = [C(k, n, k) for n, k in enumerate("abdec", 1)]  # c moved to the end
    diff = pledge_text_diff(old, new)
    assert [d.key for d in diff if ClauseChange.MOVED in d.changes] == ["c"]
    moved = next(d for d in diff if d.key == "c")
    assert (moved.old_number, moved.new_number) == (3, 5)


def test_diff_reword_is_word_level():
    old = [C("a", 1, "We protect children online.", "Safe online")]
    new = [C("a", 1, "We protect every child online.", "Safe online")]
    (d,) = pledge_text_diff(old, new)
    assert d.changes == [ClauseChange.REWORDED]
    assert d.formal == [
        Segment("equal", "We protect "),
        Segment("delete", "children"),
        Segment("insert", "every child"),
        Segment("equal", " online."),
    ]
    assert d.child == [Segment("equal", "Safe online")]


def test_diff_moved_and_reworded_together():
    old = [C("a", 1, "A one"), C("b", 2, "B")]
    new = [C("b", 1, "B"), C("a", 2, "A two")]
    diff = pledge_text_diff(old, new)
    assert sum(ClauseChange.MOVED in d.changes for d in diff) == 1
    assert ClauseChange.REWORDED in next(d for d in diff if d.key == "a").changes


@settings(max_examples=200, derandomize=True)
@given(st.text(max_size=60), st.text(max_size=60))
def test_words_diff_rebuilds_both_texts(old, new):
    segments = words_diff(old, new)
    assert "".join(s.text for s in segments if s.op != "insert") == old
    assert "".join(s.text for s in segments if s.op != "delete") == new


@settings(max_examples=200, derandomize=True)
@given(
    st.permutations(list("abcdefg")).flatmap(
        lambda old: st.tuples(st.just(old), st.lists(st.sampled_from("abcdefghij"), unique=True))
    )
)
def test_diff_accounts_for_every_clause_once(orders):
    old_keys, new_keys = orders
    old = [C(k, n, k) for n, k in enumerate(old_keys, 1)]
    new = [C(k, n, k) for n, k in enumerate(new_keys, 1)]
    diff = pledge_text_diff(old, new)
    assert sorted(d.key for d in diff) == sorted(set(old_keys) | set(new_keys))
    # the new version's clauses come in its own order
    assert [d.key for d in diff if d.new_number] == new_keys
    assert {d.key for d in diff if ClauseChange.REMOVED in d.changes} == set(old_keys) - set(
        new_keys
    )


# --- Readability ---------------------------------------------------------------------------


def test_readability_is_measured_for_english_and_not_guessed_elsewhere():
    easy = readability("We will help you. You can ask us. We will listen.")
    hard = readability(
        "Notwithstanding jurisdictional heterogeneity, signatories shall institutionalise "
        "comprehensive multisectoral coordination mechanisms."
    )
    assert easy.measured and easy.on_target and easy.ease > 80
    assert hard.measured and not hard.on_target and hard.ease < easy.ease
    assert "harder than the target" in hard.summary
    assert readability("أطفال", language="ar").measured is False
    assert readability("Nous vous aiderons.", language="fr").measured is True
