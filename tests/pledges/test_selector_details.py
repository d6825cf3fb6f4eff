"""Details of the registry's reads that mutants of pledges/selectors.py showed no test read
(issue 15): every field of a state's public changelog and its order, whose records a
workspace and a history show, what a history entry says, and the state filters of the
staff list (pledge status per text, "no public information" on capabilities).

Actors: alice (editor), bob (verifier).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pledges import selectors, services
from pledges.models import (
    NO_INFORMATION_LABEL,
    Capability,
    CapabilityStatus,
    Country,
)
from tests.factories import country, event_kwargs, verify
from tests.pledge_texts import next_version

pytestmark = pytest.mark.django_db


def _capability(iso3, key, status, alice, bob, **fields):
    fields = fields or {"source_url": f"https://example.org/{iso3}-{key}"}
    record = services.capability_status_create(
        country=country(iso3),
        capability=Capability.objects.get(key=key),
        status=status,
        user=alice,
        **fields,
    )
    return verify(record, bob)


@pytest.fixture
def kenya(alice, bob, settings, tmp_path):
    """Kenya, verified: a first pledge event (3 Feb), a capability with a document only
    (5 Feb), a strategy with no title, a document and its own link but no source link
    (7 Feb)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    ken = country("KEN")
    event = services.pledge_event_create(
        country=ken,
        user=alice,
        **event_kwargs(
            to_status="in_dialogue",
            event_date=dt.date(2026, 2, 3),
            note="event note",
            source_url="https://example.org/event",
            source_title="event title",
            source_publisher="event publisher",
            source_date=dt.date(2026, 2, 2),
        ),
    )
    verify(event, bob)
    capability = _capability(
        "KEN",
        "mnr-02",
        "in_place",
        alice,
        bob,
        note="capability note",
        source_document=SimpleUploadedFile("law.pdf", b"%PDF-1.4"),
        source_title="capability title",
        source_publisher="capability publisher",
        source_date=dt.date(2026, 2, 5),
    )
    strategy = services.national_strategy_create(
        country=ken,
        user=alice,
        status="adopted",
        title="",
        year=2025,
        link="https://example.org/strategy-link",
        note="strategy note",
        source_document=SimpleUploadedFile("strategy.pdf", b"%PDF-1.4"),
        source_title="strategy title",
        source_publisher="strategy publisher",
        source_date=dt.date(2026, 2, 7),
    )
    verify(strategy, bob)
    return {"country": ken, "capability": capability, "strategy": strategy}


def test_a_public_changelog_entry_carries_every_field_of_its_record(kenya):
    # when the changelog of Kenya is read
    strategy, capability, event = selectors.country_public_changelog(country=kenya["country"])
    # then it is newest first, and each entry says what changed with its whole source
    assert [e.date for e in (strategy, capability, event)] == [
        dt.date(2026, 2, 7),
        dt.date(2026, 2, 5),
        dt.date(2026, 2, 3),
    ]
    assert (event.kind, event.subject) == ("pledge", "pledge status change")
    assert (event.before, event.after) == (str(NO_INFORMATION_LABEL), "In dialogue")
    assert (event.note, event.source_url, event.source_document_url) == (
        "event note",
        "https://example.org/event",
        "",
    )
    assert (event.source_title, event.source_publisher, event.source_date) == (
        "event title",
        "event publisher",
        dt.date(2026, 2, 2),
    )
    record = kenya["capability"]
    assert (capability.kind, capability.subject) == ("capability", str(record.capability))
    assert (capability.before, capability.after) == ("", "In place")
    assert (capability.note, capability.source_url) == ("capability note", "")
    assert capability.source_document_url == record.source_document.url != ""
    assert (capability.source_title, capability.source_publisher) == (
        "capability title",
        "capability publisher",
    )
    assert capability.source_date == dt.date(2026, 2, 5)
    assert (capability.verified_at, capability.is_demo) == (record.verified_at, False)
    # a strategy with no title says its status alone, and its own link stands as the source
    assert (strategy.kind, strategy.subject) == ("strategy", "national strategy")
    assert (strategy.before, strategy.after) == ("", "Adopted")
    assert strategy.source_url == "https://example.org/strategy-link"
    assert (strategy.note, strategy.source_title, strategy.source_publisher) == (
        "strategy note",
        "strategy title",
        "strategy publisher",
    )
    assert all(entry.is_demo is False for entry in (strategy, capability, event))


def test_a_workspace_shows_only_its_own_states_current_capabilities(kenya):
    # given Kenya's verified capability, when Uganda's workspace is read
    workspace = selectors.country_workspace(country=country("UGA"))
    # then no capability of Uganda has a current status
    assert [current for _capability, current, _drafts in workspace.capabilities] == [None] * 21
    # and Kenya's own workspace shows it
    kenya_capabilities = selectors.country_workspace(country=kenya["country"]).capabilities
    assert [c for _k, c, _d in kenya_capabilities if c] == [kenya["capability"]]


def test_a_history_entry_says_what_was_done_to_which_record_and_why(kenya, alice, bob):
    # given a capability status changed by its verification and then deleted
    record = kenya["capability"]
    CapabilityStatus.objects.get(pk=record.pk).delete()
    # when Kenya's history is read
    history = selectors.country_history(country=kenya["country"])
    # then the capability's entries name it, say what was done, newest first
    named = [e for e in history if e.subject == str(record.capability)]
    actions = [e.action for e in named]
    assert (actions[0], set(actions[1:-1]), actions[-1]) == ("deleted", {"changed"}, "created")
    assert all(e.what == "capability status" for e in named)
    # a strategy's entries are named by its number, and an entry with no reason says ""
    strategy = kenya["strategy"]
    assert {e.subject for e in history if e.what == "national strategy"} == {f"#{strategy.pk}"}
    assert "" in {e.why for e in history} and None not in {e.why for e in history}
    # and no other state's record is in it
    _capability("UGA", "mnr-03", "in_place", alice, bob)
    again = selectors.country_history(country=kenya["country"])
    assert len(again) == len(history)


def test_the_pledge_status_filter_reads_the_given_text_only(kenya, alice):
    every = Country.objects.all()
    current = services.pledge_text_current()
    # Kenya is in dialogue on the current text
    assert list(
        selectors.countries_with_pledge_status(
            every, statuses=["in_dialogue"], pledge_text_id=current.pk
        ).values_list("iso3", flat=True)
    ) == ["KEN"]
    # and has no status at all on another version
    other = next_version(editor=alice)
    assert not selectors.countries_with_pledge_status(
        every, statuses=["in_dialogue"], pledge_text_id=other.pk
    ).exists()
    assert (
        selectors.countries_with_pledge_status(
            every, statuses=["no_information"], pledge_text_id=other.pk
        )
        .filter(iso3="KEN")
        .exists()
    )


def _iso3s(queryset, *, capability_key, status):
    return set(
        selectors.countries_with_capability(
            queryset, capability_key=capability_key, status=status
        ).values_list("iso3", flat=True)
    )


def test_no_public_information_on_capabilities_means_some_capability_is_not_informed(
    kenya, alice, bob
):
    # given Kenya informed on one capability (mnr-02), and Ghana on all 21 (one of them
    # "no public information": that does not count as informed)
    for capability in Capability.objects.order_by("number"):
        status = "no_public_information" if capability.key == "mnr-21" else "in_place"
        _capability("GHA", capability.key, status, alice, bob)
    states = Country.objects.filter(iso3__in=["KEN", "GHA", "UGA"])
    # then, on mnr-02, only Uganda is not informed
    assert _iso3s(states, capability_key="mnr-02", status="no_public_information") == {"UGA"}
    # and on mnr-21, no one is informed (Ghana's record says "no public information")
    assert _iso3s(states, capability_key="mnr-21", status="no_public_information") == {
        "KEN",
        "GHA",
        "UGA",
    }
    # on any capability: all three have one not informed
    assert _iso3s(states, capability_key=None, status="no_public_information") == {
        "KEN",
        "GHA",
        "UGA",
    }
    # once Ghana's last capability is informed, Ghana no longer matches
    _capability("GHA", "mnr-21", "in_place", alice, bob)
    assert _iso3s(states, capability_key=None, status="no_public_information") == {"KEN", "UGA"}
    # and a key alone means informed on it
    assert _iso3s(states, capability_key="mnr-21", status=None) == {"GHA"}


def test_status_rows_name_each_state_in_the_language_in_two_queries(
    kenya, django_assert_num_queries
):
    text = services.pledge_text_current()
    with django_assert_num_queries(2):
        rows = {
            row.iso3: row for row in selectors.country_status_rows(pledge_text=text, language="fr")
        }
    assert (rows["KEN"].name, rows["KEN"].status_label) == ("Kenya", "In dialogue")
    # a state with no verified pledge has no status label, only its status
    assert (rows["UGA"].status, rows["UGA"].status_label) == ("no_information", "")


def test_a_workspace_reads_its_drafts_with_their_authors_in_fixed_queries(
    alice, django_assert_max_num_queries
):
    ken = country("KEN")
    for key in ("mnr-01", "mnr-02", "mnr-03"):
        services.capability_status_create(
            country=ken,
            capability=Capability.objects.get(key=key),
            status="in_place",
            user=alice,
            source_url="https://example.org/d",
        )
    selectors.country_workspace(country=ken)  # the current text, cached from here on
    with django_assert_max_num_queries(12) as captured:
        workspace = selectors.country_workspace(country=ken)
        authors = [
            d.created_by.username for _c, _s, drafts in workspace.capabilities for d in drafts
        ]
    assert authors == ["alice"] * 3
    assert not [q for q in captured.captured_queries if 'FROM "auth_user"' in q["sql"]]


def test_a_published_version_comes_with_its_clauses_and_translations_in_three_queries(
    django_assert_num_queries,
):
    version = services.pledge_text_current().version
    with django_assert_num_queries(3):
        text = selectors.pledge_text_public_get(version=version)
        clauses = list(text.clauses.all())
        [list(c.translations.all()) for c in clauses]
    assert [c.number for c in clauses] == sorted(c.number for c in clauses)
