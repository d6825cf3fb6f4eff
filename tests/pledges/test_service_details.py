"""Details of the services that mutants of pledges/services.py showed no test read (issue 15):
what a refusal logs, how a batch answers, which field an error belongs to, the edges of a
clause move, what a first version needs, and how many queries an import's build costs.

Actors (tests/staff/__init__.py): alice (editor), bob (verifier), vera (viewer).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaign.models import Partner
from pledges import services
from pledges.models import (
    Capability,
    CapabilityStatus,
    PledgeClause,
    PledgeEvent,
    PledgeText,
    ReviewState,
    Revision,
    SecurityEvent,
)
from tests.drafts import DRAFT_MAKERS
from tests.factories import country, event_kwargs, verify
from tests.pledge_texts import fresh, next_version

pytestmark = pytest.mark.django_db


def _draft_strategy(alice):
    return services.national_strategy_create(
        country=country("GHA"),
        user=alice,
        status="adopted",
        title="Strategy",
        year=2025,
        source_url="https://example.org/strategy",
    )


def _verified_pledge(alice, bob):
    event = services.pledge_event_create(
        country=country("UGA"), user=alice, **event_kwargs(to_status="pledged")
    )
    verify(event, bob)
    return PledgeEvent.objects.get(pk=event.pk)


def _viewer_verifies(record, vera):
    services.record_verify(record=record, user=vera, expected_lock_version=record.lock_version)


def _viewer_changes(record, vera):
    services.record_change(
        record=record, user=vera, expected_lock_version=record.lock_version, values={}
    )


def _draft_of(model):
    return lambda alice, bob: DRAFT_MAKERS[model](alice)


def _nothing(alice, bob):
    return None


VERIFY = "pledges.verify_changes"

# Every service door a viewer may not pass: what it is called on (made by alice and bob, or
# nothing), how the viewer calls it, and what the refusal must log: the action, the record's
# kind, the permission missing (and the record's id when there is a record).
REFUSALS = {
    "pledge_event_create": (
        _nothing,
        lambda _, vera: services.pledge_event_create(
            country=country("KEN"), user=vera, **event_kwargs()
        ),
        "add",
        "pledges.pledgeevent",
        "pledges.add_pledgeevent",
    ),
    "pledge_event_verify": (
        _draft_of(PledgeEvent),
        _viewer_verifies,
        "verify",
        "pledges.pledgeevent",
        VERIFY,
    ),
    "review_draft_update": (
        _draft_of(PledgeEvent),
        _viewer_changes,
        "change",
        "pledges.pledgeevent",
        "pledges.change_pledgeevent",
    ),
    "record_change of a verified change": (
        _verified_pledge,
        _viewer_changes,
        "change",
        "pledges.pledgeevent",
        "pledges.change_pledgeevent",
    ),
    "capability_status_create": (
        _nothing,
        lambda _, vera: services.capability_status_create(
            country=country("KEN"),
            capability=Capability.objects.get(key="mnr-01"),
            status="in_place",
            user=vera,
            source_url="https://example.org/c",
        ),
        "add",
        "pledges.capabilitystatus",
        "pledges.add_capabilitystatus",
    ),
    "capability_statuses_build": (
        _nothing,
        lambda _, vera: services.capability_statuses_build(user=vera, rows=[], import_batch="b"),
        "add",
        "pledges.capabilitystatus",
        "pledges.add_capabilitystatus",
    ),
    "capability_statuses_import": (
        _nothing,
        lambda _, vera: services.capability_statuses_import(user=vera, records=[]),
        "add",
        "pledges.capabilitystatus",
        "pledges.add_capabilitystatus",
    ),
    "capability_status_verify": (
        _draft_of(CapabilityStatus),
        _viewer_verifies,
        "verify",
        "pledges.capabilitystatus",
        VERIFY,
    ),
    "national_strategy_create": (
        _nothing,
        lambda _, vera: services.national_strategy_create(
            country=country("KEN"), user=vera, status="adopted", source_url="https://e.org/"
        ),
        "add",
        "pledges.nationalstrategy",
        "pledges.add_nationalstrategy",
    ),
    "national_strategy_verify": (
        lambda alice, bob: _draft_strategy(alice),
        lambda record, vera: services.national_strategy_verify(
            record=record, user=vera, expected_lock_version=record.lock_version
        ),
        "verify",
        "pledges.nationalstrategy",
        VERIFY,
    ),
    "progress_report_create": (
        _nothing,
        lambda _, vera: services.progress_report_create(
            country=country("KEN"),
            user=vera,
            title="Report",
            summary="s",
            source_url="https://example.org/r",
        ),
        "add",
        "pledges.progressreport",
        "pledges.add_progressreport",
    ),
    "reviewable_verify": (
        _draft_of(Partner),
        _viewer_verifies,
        "verify",
        "campaign.partner",
        VERIFY,
    ),
    "revision_propose": (
        lambda alice, bob: Partner.objects.get(slug="unicef"),
        _viewer_changes,
        "change",
        "campaign.partner",
        "campaign.change_partner",
    ),
    "revision_verify": (
        _draft_of(Revision),
        lambda revision, vera: services.revision_verify(
            revision=revision, user=vera, expected_lock_version=revision.lock_version
        ),
        "verify",
        "pledges.revision",
        VERIFY,
    ),
    "pledge_text_next_version": (
        _nothing,
        lambda _, vera: services.pledge_text_next_version(user=vera),
        "add",
        "pledges.pledgetext",
        "pledges.add_pledgetext",
    ),
    "pledge_text_update": (
        lambda alice, bob: next_version(editor=alice),
        lambda text, vera: services.pledge_text_update(
            text=text, user=vera, expected_lock_version=text.lock_version, values={"title": "V"}
        ),
        "change",
        "pledges.pledgetext",
        "pledges.change_pledgetext",
    ),
    "pledge_text_verify": (
        lambda alice, bob: next_version(editor=alice),
        lambda text, vera: services.pledge_text_verify(
            text=text, user=vera, expected_lock_version=text.lock_version
        ),
        "verify",
        "pledges.pledgetext",
        VERIFY,
    ),
}


@pytest.mark.parametrize("service", REFUSALS)
def test_a_refused_service_logs_its_action_and_record(service, alice, bob, vera):
    make, call, action, label, permission = REFUSALS[service]
    record = make(alice, bob)
    # when a viewer calls it
    with pytest.raises(PermissionDenied) as refused:
        call(record, vera)
    # then she is told her role does not allow it, and the log says what, on what, and why
    assert str(refused.value) == "Your role does not allow this."
    expected = {"action": action, "why": f"missing {permission}", "record": label}
    if record is not None:
        expected["id"] = record.pk
    assert SecurityEvent.objects.get(kind="permission_denied", user=vera).detail == expected


def test_a_batch_verifies_what_it_may_and_says_why_it_refused_the_rest(alice, bob):
    def draft(iso3):
        return services.pledge_event_create(country=country(iso3), user=alice, **event_kwargs())

    ok, stale, done = draft("KEN"), draft("UGA"), draft("TZA")
    services.record_verify(record=done, user=bob, expected_lock_version=done.lock_version)
    # when an editor tries the batch: each record refused, for her role
    result = services.batch_verify(items=[(ok, ok.lock_version)], user=alice)
    assert result.verified == []
    assert result.refused == [(ok, "Your role does not allow this.")]
    # when bob verifies a batch holding a record that changed since, and one already verified
    done = PledgeEvent.objects.get(pk=done.pk)
    result = services.batch_verify(
        items=[(ok, ok.lock_version), (stale, stale.lock_version + 1), (done, done.lock_version)],
        user=bob,
    )
    # then the one he may verify is verified, by him, and each refusal says why
    assert result.verified == [ok]
    verified = PledgeEvent.objects.get(pk=ok.pk)
    assert verified.review_state == ReviewState.VERIFIED and verified.verified_by == bob
    assert result.refused == [
        (stale, "It changed since you loaded the batch."),
        (done, "Only a draft awaiting verification can be verified."),
    ]
    assert PledgeEvent.objects.get(pk=stale.pk).review_state == ReviewState.DRAFT


def test_revision_changes_names_each_field_with_its_label_before_and_after(alice):
    unicef = Partner.objects.get(slug="unicef")
    revision = services.record_change(
        record=unicef,
        user=alice,
        expected_lock_version=unicef.lock_version,
        values={"name": "UNICEF (renamed)"},
    )
    assert services.revision_changes(revision=revision) == [
        {
            "field": "name",
            "label": str(Partner._meta.get_field("name").verbose_name),
            "before": unicef.name,
            "after": "UNICEF (renamed)",
        }
    ]


def test_a_clause_moves_to_the_last_position_but_not_past_it(alice):
    text = next_version(editor=alice)
    count = text.clauses.count()
    first = text.clauses.get(number=1)
    # when moved to the last position
    services.pledge_clause_move(
        clause=first, user=alice, expected_lock_version=text.lock_version, position=count
    )
    # then it is last, the others moved up, and each renumbering is in its history, with why
    text = fresh(text)
    assert text.clauses.get(pk=first.pk).number == count
    assert list(text.clauses.values_list("number", flat=True)) == list(range(1, count + 1))
    moved = PledgeClause.objects.get(pk=first.pk).history.first()
    assert moved.history_change_reason == "Clauses reordered"
    # when moved past either end: refused, saying which positions there are
    for position in (0, count + 1):
        with pytest.raises(ValidationError) as refused:
            services.pledge_clause_move(
                clause=first,
                user=alice,
                expected_lock_version=fresh(text).lock_version,
                position=position,
            )
        assert refused.value.messages == [f"Choose a position from 1 to {count}."]


def test_an_english_translation_is_refused_on_the_language_field(alice):
    text = next_version(editor=alice)
    for language in ("en", "xx"):
        with pytest.raises(ValidationError) as refused:
            services.pledge_clause_translation_set(
                clause=text.clauses.first(),
                user=alice,
                expected_lock_version=fresh(text).lock_version,
                language=language,
                formal_text="x",
                child_text="x",
            )
        assert refused.value.message_dict == {"language": ["Choose one of the other UN languages."]}


def test_publishing_refuses_a_later_version_without_its_changelog(alice, bob):
    text = next_version(editor=alice)
    services.pledge_text_update(
        text=text,
        user=alice,
        expected_lock_version=fresh(text).lock_version,
        values={"changelog": " "},
    )
    with pytest.raises(ValidationError) as refused:
        services.pledge_text_verify(
            text=text, user=bob, expected_lock_version=fresh(text).lock_version
        )
    assert refused.value.messages == [
        "Say what changed in this version (its changelog) before it is published."
    ]


def test_the_very_first_version_starts_empty_and_needs_no_changelog(alice, bob):
    # given a database with no pledge text at all (a new campaign, not yet set up)
    from campaign.models import Campaign

    Campaign.objects.all().delete()
    PledgeClause.objects.all().delete()
    PledgeText.objects.all().delete()
    # when an editor starts one
    text = services.pledge_text_next_version(user=alice)
    # then it is version 1, a draft with the default title and no clauses
    assert (text.version, text.title, text.review_state) == (1, "Global pledge", ReviewState.DRAFT)
    assert not text.clauses.exists()
    assert (text.created_by, text.last_changed_by) == (alice, alice)
    # and it cannot be published without a clause
    with pytest.raises(ValidationError) as refused:
        services.pledge_text_verify(
            text=text, user=bob, expected_lock_version=fresh(text).lock_version
        )
    assert refused.value.messages == ["A version needs at least one clause before it is published."]
    services.pledge_clause_add(
        text=text,
        user=alice,
        expected_lock_version=fresh(text).lock_version,
        formal_text="We commit to protect every child online.",
        child_text="We will keep you safe online.",
    )
    # and it is published with no changelog: there is nothing before it to compare with
    services.pledge_text_verify(text=text, user=bob, expected_lock_version=fresh(text).lock_version)
    assert fresh(text).review_state == ReviewState.VERIFIED


def test_building_an_import_costs_the_same_queries_for_one_row_or_many(alice):
    capability = Capability.objects.get(key="mnr-01")

    def rows(n):
        return [
            {
                "country": country(iso3),
                "capability": capability,
                "status": "in_place",
                "source_url": "https://example.org/c",
                "reason": "Imported",
            }
            for iso3 in ("KEN", "UGA", "TZA", "GHA", "NGA", "ZAF")[:n]
        ]

    one, many = rows(1), rows(6)
    services.capability_statuses_build(user=alice, rows=[], import_batch="b0")  # permissions read
    with CaptureQueriesContext(connection) as for_one:
        services.capability_statuses_build(user=alice, rows=one, import_batch="b1")
    with CaptureQueriesContext(connection) as for_many:
        records = services.capability_statuses_build(user=alice, rows=many, import_batch="b2")
    assert len(for_many) == len(for_one)
    assert {r._change_reason for r in records} == {"Imported"}
    assert {r.import_batch for r in records} == {"b2"}


def test_the_next_version_copies_each_translation_still_current(alice, bob):
    from tests.pledge_texts import publish

    # given version 2, with a French translation of its first clause, published
    text = next_version(editor=alice)
    clause = text.clauses.get(number=1)
    services.pledge_clause_translation_set(
        clause=clause,
        user=alice,
        expected_lock_version=fresh(text).lock_version,
        language="fr",
        formal_text="Nous nous engageons.",
        child_text="Nous promettons.",
    )
    publish(text, verifier=bob)
    # when version 3 is started
    following = services.pledge_text_next_version(user=alice)
    # then the translation comes along, in its language, still up to date
    copy = following.clauses.get(key=clause.key).translations.get()
    assert (copy.language, copy.formal_text, copy.child_text) == (
        "fr",
        "Nous nous engageons.",
        "Nous promettons.",
    )
    assert not copy.is_outdated
    assert (following.created_by, following.last_changed_by) == (alice, alice)


def test_a_version_update_takes_only_its_own_fields(alice):
    text = next_version(editor=alice)
    # the placeholder flag is one of them
    services.pledge_text_update(
        text=text,
        user=alice,
        expected_lock_version=fresh(text).lock_version,
        values={"is_placeholder": False},
    )
    assert fresh(text).is_placeholder is False
    assert fresh(text).last_changed_by == alice
    # anything else is a programming error, named
    with pytest.raises(ValueError, match=r"not a version field: \['review_state'\]"):
        services.pledge_text_update(
            text=text,
            user=alice,
            expected_lock_version=fresh(text).lock_version,
            values={"title": "T", "review_state": ReviewState.VERIFIED},
        )


def test_a_capability_status_is_logged_with_its_author_reason_and_evidence(alice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # given evidence as a document only, and a reason
    record = services.capability_status_create(
        country=country("KEN"),
        capability=Capability.objects.get(key="mnr-02"),
        status="in_place",
        user=alice,
        source_document=SimpleUploadedFile("law.pdf", b"%PDF-1.4"),
        source_title="Gazette",
        reason="From the gazette",
    )
    # then the record keeps the evidence it was given and no invented link
    record.refresh_from_db()
    assert record.source_url == "" and record.source_title == "Gazette"
    assert record.source_document.name.endswith(".pdf")
    assert record.review_state == ReviewState.DRAFT and record.created_by == alice
    # and its history says who and why
    logged = record.history.get()
    assert logged.history_user == alice
    assert logged.history_change_reason == "From the gazette"
