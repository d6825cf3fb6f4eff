"""What the services write down, which mutants of pledges/services.py showed no test read
(issue 15, docs/testing.md): the security log of a four-eyes refusal, of a revision by
someone else and of a return; the reason each change leaves in the history; the values a
service keeps (a demo pledge, a status's note, a revised draft's fields).

Actors (tests/staff/__init__.py): alice (editor), bob (verifier), dave (a second editor),
vera (viewer); mona, who is both an editor and a verifier.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaign.models import Partner
from pledges import services
from pledges.models import (
    Capability,
    CapabilityStatus,
    NationalStrategy,
    Pledge,
    PledgeEvent,
    ReviewState,
    SecurityEvent,
)
from pledges.roles import Role
from tests.factories import UserFactory, country, event_kwargs, verify
from tests.pledge_texts import fresh, next_version
from tests.staff import with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def mona(db):
    return with_role(with_role(UserFactory(username="mona"), Role.EDITOR), Role.VERIFIER)


def _draft(user, iso3="KEN", **overrides):
    return services.pledge_event_create(
        country=country(iso3), user=user, **event_kwargs(**overrides)
    )


def _pledged(author, verifier, iso3="KEN"):
    """A state's pledge of 1 March 2026, logged by `author` and verified by `verifier`."""
    import datetime as dt

    event = _draft(author, iso3, to_status="pledged", event_date=dt.date(2026, 3, 1))
    verify(event, verifier)
    return event


def _propose(partner, user, description="Revised"):
    """A revision of a published partner's description, proposed by `user`."""
    return services.record_change(
        record=partner,
        user=user,
        expected_lock_version=partner.lock_version,
        values={"description": description},
    )


def _denied(user) -> dict:
    return SecurityEvent.objects.filter(kind="permission_denied", user=user).latest("pk").detail


def test_a_four_eyes_refusal_says_what_was_refused_on_which_record(mona):
    event = _draft(mona)
    # when the author, who may verify, verifies her own change
    with pytest.raises(PermissionDenied) as refused:
        services.record_verify(record=event, user=mona, expected_lock_version=event.lock_version)
    assert str(refused.value) == (
        "You logged or changed this record; a different person must verify it."
    )
    assert _denied(mona) == {
        "action": "verify",
        "why": "four eyes",
        "record": "pledges.pledgeevent",
        "id": event.pk,
    }
    # and when she returns it
    with pytest.raises(PermissionDenied) as refused:
        services.review_return(
            record=event, user=mona, comment="Fix it", expected_lock_version=event.lock_version
        )
    assert str(refused.value).endswith("a different person must review it.")
    assert _denied(mona)["action"] == "return"


def test_a_pledge_text_verification_refused_logs_verify(mona):
    text = next_version(editor=mona)
    with pytest.raises(PermissionDenied):
        services.pledge_text_verify(
            text=text, user=mona, expected_lock_version=fresh(text).lock_version
        )
    assert _denied(mona)["action"] == "verify"


def test_whoever_last_changed_a_record_may_not_verify_it_even_with_no_history(alice, bob):
    # given a draft whose last changer is bob, set through a door that left no history
    event = _draft(alice)
    PledgeEvent._base_manager.filter(pk=event.pk).update(last_changed_by=bob)
    assert not event.history.filter(history_user=bob).exists()
    # then bob may not verify it, even from a copy read before that change
    assert event.last_changed_by == alice
    with pytest.raises(PermissionDenied):
        services.record_verify(record=event, user=bob, expected_lock_version=event.lock_version)
    # and the refusal is logged: checked on a fresh read, before the verification's
    # transaction (which would roll the log back)
    assert _denied(bob)["why"] == "four eyes"


def test_a_return_is_logged_under_the_verifier_and_only_a_draft_can_be_returned(alice, bob):
    event = _draft(alice)
    services.review_return(
        record=event, user=bob, comment="Add the source", expected_lock_version=event.lock_version
    )
    logged = SecurityEvent.objects.get(kind="returned")
    assert logged.user == bob and logged.detail == {"record": "pledges.pledgeevent", "id": event.pk}
    verified = _draft(alice, iso3="UGA")
    services.record_verify(record=verified, user=bob, expected_lock_version=verified.lock_version)
    verified = PledgeEvent.objects.get(pk=verified.pk)
    with pytest.raises(ValidationError) as refused:
        services.review_return(
            record=verified, user=bob, comment="x", expected_lock_version=verified.lock_version
        )
    assert refused.value.messages == ["Only a draft awaiting verification can be returned."]


def test_only_the_author_revises_a_draft_and_the_refusal_is_logged(alice, dave):
    event = _draft(alice)
    with pytest.raises(PermissionDenied) as refused:
        services.review_draft_update(
            record=event, user=dave, expected_lock_version=event.lock_version, values={"note": "x"}
        )
    assert str(refused.value) == "Only the person who logged this change can revise it."
    assert _denied(dave) == {
        "action": "change",
        "why": "not the author",
        "record": "pledges.pledgeevent",
        "id": event.pk,
    }


def test_a_revision_keeps_the_document_and_applies_every_other_value(alice):
    event = _draft(alice)
    # no new document (None) comes first: the fields after it are still applied
    services.review_draft_update(
        record=event,
        user=alice,
        expected_lock_version=event.lock_version,
        values={"source_document": None, "note": "revised note", "source_title": "New title"},
    )
    event = PledgeEvent.objects.get(pk=event.pk)
    assert (event.note, event.source_title) == ("revised note", "New title")
    # and with no reason given, the history says it was revised by the author
    assert event.history.latest("history_id").history_change_reason == "Revised by the author"


def test_each_pledge_text_edit_leaves_its_reason_and_editor_in_the_history(alice):
    text = next_version(editor=alice)

    def last(model_history):
        row = model_history.latest("history_id")
        return row.history_change_reason, row.history_user

    clause = services.pledge_clause_add(
        text=text,
        user=alice,
        expected_lock_version=fresh(text).lock_version,
        formal_text="We commit.",
        child_text="We will.",
    )
    assert last(clause.history) == ("Clause added", alice)
    assert last(fresh(text).history) == ("Clause added", alice)
    services.pledge_clause_update(
        clause=clause,
        user=alice,
        expected_lock_version=fresh(text).lock_version,
        formal_text="We commit, reworded.",
        child_text="We will.",
        change_note="clearer",
    )
    assert last(clause.history) == ("Clause reworded", alice)
    assert last(fresh(text).history) == ("Clause reworded", alice)
    services.pledge_clause_move(
        clause=clause, user=alice, expected_lock_version=fresh(text).lock_version, position=1
    )
    assert last(fresh(text).history) == ("Clauses reordered", alice)
    translation = services.pledge_clause_translation_set(
        clause=clause,
        user=alice,
        expected_lock_version=fresh(text).lock_version,
        language="fr",
        formal_text="Nous nous engageons.",
        child_text="Nous allons.",
    )
    assert last(translation.history) == ("Translation recorded", alice)
    assert last(fresh(text).history) == ("Translation recorded", alice)


def test_verifying_and_revising_leave_their_reasons_in_the_history(alice, bob):
    event = _draft(alice, to_status="pledged")
    services.pledge_event_verify(event=event, user=bob, expected_lock_version=event.lock_version)
    pledge = Pledge.objects.get(country__iso3="KEN", pledge_text=services.pledge_text_current())
    assert pledge.history.latest("history_id").history_change_reason == "Status change verified"
    unicef = Partner.objects.get(slug="unicef")
    revision = _propose(unicef, alice, "Revised description")
    assert revision.history.latest("history_id").history_change_reason == "Change proposed"
    services.record_verify(record=revision, user=bob, expected_lock_version=revision.lock_version)
    assert Partner.objects.get(slug="unicef").history.latest(
        "history_id"
    ).history_change_reason == (f"Revision {revision.pk} verified")


def test_a_revision_names_every_field_it_cannot_change_and_refuses_no_change(alice):
    unicef = Partner.objects.get(slug="unicef")
    with pytest.raises(ValidationError) as refused:
        services.record_change(
            record=unicef,
            user=alice,
            expected_lock_version=unicef.lock_version,
            values={"review_state": "verified", "verified_by": alice},
        )
    assert refused.value.messages == [
        "These fields cannot be changed here: review_state, verified_by."
    ]
    with pytest.raises(ValidationError) as refused:
        services.record_change(
            record=unicef,
            user=alice,
            expected_lock_version=unicef.lock_version,
            values={"name": unicef.name},
        )
    assert refused.value.messages == ["Nothing was changed."]


def test_a_created_record_keeps_what_it_was_given(alice, vera):
    # a demo event makes a demo pledge
    _draft(alice, is_demo=True)
    assert Pledge.objects.get(country__iso3="KEN").is_demo is True
    # a status keeps its note
    status = services.capability_status_create(
        country=country("KEN"),
        capability=Capability.objects.get(key="mnr-03"),
        status="in_place",
        user=alice,
        source_url="https://example.org/s",
        note="From the annual report",
    )
    status.refresh_from_db()
    assert status.note == "From the annual report"
    # a strategy keeps its reason in the history
    strategy = services.national_strategy_create(
        country=country("KEN"),
        user=alice,
        status="adopted",
        year=2025,
        source_url="https://example.org/st",
        reason="From the gazette",
    )
    assert strategy.history.get().history_change_reason == "From the gazette"
    assert NationalStrategy.objects.get(pk=strategy.pk).review_state == ReviewState.DRAFT
    # and a viewer's refused strategy names the model in the security log
    with pytest.raises(PermissionDenied):
        services.national_strategy_create(
            country=country("KEN"), user=vera, status="adopted", source_url="https://e.org/"
        )
    assert _denied(vera) == {
        "action": "add",
        "why": "missing pledges.add_nationalstrategy",
        "record": "pledges.nationalstrategy",
    }


def test_an_imported_record_is_in_the_history_under_the_importer(alice):
    # a record of the importer's own, even one not given a history user, is theirs
    record = CapabilityStatus(
        country=country("KEN"),
        capability=Capability.objects.get(key="mnr-04"),
        status="in_place",
        source_url="https://example.org/i",
        created_by=alice,
        last_changed_by=alice,
    )
    services.capability_statuses_import(user=alice, records=[record])
    (row,) = CapabilityStatus.history.filter(country__iso3="KEN", capability__key="mnr-04")
    assert row.history_user == alice


def test_a_next_version_is_not_demo_data_unless_asked(alice):
    text = services.pledge_text_next_version(user=alice)
    assert text.is_demo is False


def test_the_open_revision_comes_with_its_author_in_one_query(alice, django_assert_num_queries):
    unicef = Partner.objects.get(slug="unicef")
    _propose(unicef, alice)
    services.revision_open_for(target=unicef)  # the content type, cached from here on
    with django_assert_num_queries(1):
        assert services.revision_open_for(target=unicef).created_by.username == "alice"


def test_an_import_row_without_a_reason_leaves_none(alice):
    (record,) = services.capability_statuses_build(
        user=alice,
        rows=[
            {
                "country": country("KEN"),
                "capability": Capability.objects.get(key="mnr-05"),
                "status": "in_place",
                "source_url": "https://example.org/b",
            }
        ],
        import_batch="no-reason",
    )
    assert record._change_reason == ""


def test_an_import_refuses_records_it_did_not_build_for_this_user(alice, bob):
    record = CapabilityStatus(
        country=country("KEN"),
        capability=Capability.objects.get(key="mnr-06"),
        status="in_place",
        source_url="https://example.org/c",
        created_by=bob,
    )
    with pytest.raises(ValueError) as refused:
        services.capability_statuses_import(user=alice, records=[record])
    assert str(refused.value) == (
        "Only new records built by capability_statuses_build for this user."
    )


def test_a_revision_of_a_record_changed_since_is_refused_with_what_to_do(alice, bob):
    unicef = Partner.objects.get(slug="unicef")
    revision = _propose(unicef, alice)
    # the published record changes after the revision was proposed (another door)
    Partner._base_manager.filter(pk=unicef.pk).update(lock_version=unicef.lock_version + 1)
    with pytest.raises(ValidationError) as refused:
        services.record_verify(
            record=revision, user=bob, expected_lock_version=revision.lock_version
        )
    assert refused.value.messages == [
        "The published record changed after this revision was proposed: applying it would "
        "undo that change. Return it so its author can redo it."
    ]
    assert Partner.objects.get(pk=unicef.pk).description != "Revised"


def test_a_removed_clause_says_so_in_its_history(alice):
    text = next_version(editor=alice)
    clause = fresh(text).clauses.order_by("number").last()
    services.pledge_clause_remove(
        clause=clause, user=alice, expected_lock_version=fresh(text).lock_version
    )
    row = clause.history.latest("history_id")
    assert (row.history_type, row.history_change_reason, row.history_user) == (
        "-",
        "Clause removed",
        alice,
    )


def test_a_newly_verified_strategy_replaces_the_states_current_one(alice, bob):
    def verified_strategy(year):
        record = services.national_strategy_create(
            country=country("KEN"),
            user=alice,
            status="adopted",
            year=year,
            source_url=f"https://example.org/{year}",
        )
        return services.record_verify(
            record=record, user=bob, expected_lock_version=record.lock_version
        )

    first, second = verified_strategy(2024), verified_strategy(2026)
    current = NationalStrategy.objects.filter(country__iso3="KEN", is_current=True)
    assert list(current.values_list("year", flat=True)) == [2026]
    # each change of "current" is in the history under the verifier
    for record in (first, second):
        assert record.history.latest("history_id").history_user == bob


def test_a_clause_added_in_place_has_a_default_note_and_moves_the_rest(alice):
    text = next_version(editor=alice)
    second = fresh(text).clauses.get(number=2)
    added = services.pledge_clause_add(
        text=text,
        user=alice,
        expected_lock_version=fresh(text).lock_version,
        formal_text="We commit first.",
        child_text="We will first.",
        position=1,
    )
    assert (added.number, added.change_note) == (1, "New clause.")
    moved = second.history.latest("history_id")
    assert (moved.number, moved.history_change_reason) == (3, "Clauses reordered")


def test_a_revision_keeps_a_date_as_text_and_an_unchanged_list_is_no_change(ada):
    import datetime as dt

    from campaign.models import Campaign

    campaign = Campaign.objects.get()
    # a date is kept in the revision as ISO text (JSON)
    revision = services.record_change(
        record=campaign,
        user=ada,
        expected_lock_version=campaign.lock_version,
        values={"launch_date": dt.date(2027, 2, 10)},
    )
    assert revision.values == {"launch_date": "2027-02-10"}
    # a partner's countries given again as they are, and nothing else, is no change
    partner = Partner.objects.get(slug="unicef")
    partner.countries.add(country("KEN"), country("UGA"))
    with pytest.raises(ValidationError, match="Nothing was changed"):
        services.record_change(
            record=partner,
            user=ada,
            expected_lock_version=partner.lock_version,
            values={},
            m2m={"countries": list(partner.countries.all())},
        )


def test_a_return_needs_a_comment_on_the_comment_field(alice, bob):
    event = _draft(alice)
    with pytest.raises(ValidationError) as refused:
        services.review_return(
            record=event, user=bob, comment="  ", expected_lock_version=event.lock_version
        )
    assert refused.value.message_dict == {"review_comment": ["Say what needs fixing."]}


def test_a_version_details_change_says_so_in_the_history(alice):
    text = next_version(editor=alice)
    services.pledge_text_update(
        text=text,
        user=alice,
        expected_lock_version=fresh(text).lock_version,
        values={"title": "A clearer title"},
    )
    row = fresh(text).history.latest("history_id")
    assert (row.title, row.history_change_reason, row.history_user) == (
        "A clearer title",
        "Version details changed",
        alice,
    )


# --- The seed-20261209 sample's survivors (docs/testing.md) ----------------------------------


def test_the_verification_step_refuses_alone_and_says_what_it_refused(alice, vera, mona):
    """review_verify is the building block every verification calls inside its lock: it
    refuses by itself, logged with its action, for a caller that did not check first."""
    event = _draft(mona)
    with pytest.raises(PermissionDenied):
        services.review_verify(event, user=vera, expected_lock_version=event.lock_version)
    assert _denied(vera) == {
        "action": "verify",
        "why": "missing pledges.verify_changes",
        "record": "pledges.pledgeevent",
        "id": event.pk,
    }
    with pytest.raises(PermissionDenied):
        services.review_verify(event, user=mona, expected_lock_version=event.lock_version)
    assert _denied(mona)["action"] == "verify"
    # and a return refused is logged as one, with its record
    with pytest.raises(PermissionDenied):
        services.review_return(
            record=event, user=vera, comment="Fix", expected_lock_version=event.lock_version
        )
    assert _denied(vera) == {
        "action": "return",
        "why": "missing pledges.verify_changes",
        "record": "pledges.pledgeevent",
        "id": event.pk,
    }


def test_every_refused_door_logs_its_action_and_record(alice, bob, vera):
    event = _draft(alice)
    with pytest.raises(PermissionDenied):
        _draft(vera)
    assert _denied(vera) == {
        "action": "add",
        "why": "missing pledges.add_pledgeevent",
        "record": "pledges.pledgeevent",
    }
    with pytest.raises(PermissionDenied):
        services.record_change(
            record=event, user=vera, expected_lock_version=event.lock_version, values={}
        )
    assert _denied(vera) == {
        "action": "change",
        "why": "missing pledges.change_pledgeevent",
        "record": "pledges.pledgeevent",
        "id": event.pk,
    }
    unicef = Partner.objects.get(slug="unicef")
    revision = _propose(unicef, alice)
    with pytest.raises(PermissionDenied):
        services.revision_verify(
            revision=revision, user=vera, expected_lock_version=revision.lock_version
        )
    assert _denied(vera) == {
        "action": "verify",
        "why": "missing pledges.verify_changes",
        "record": "pledges.revision",
        "id": revision.pk,
    }


def test_a_verification_is_in_the_security_log_under_the_verifier(alice, bob):
    event = _draft(alice)
    services.record_verify(record=event, user=bob, expected_lock_version=event.lock_version)
    logged = SecurityEvent.objects.get(kind="verification")
    assert (logged.user, logged.detail) == (
        bob,
        {"record": "pledges.pledgeevent", "id": event.pk},
    )


def test_the_current_text_is_the_newest_final_one_when_no_campaign_names_one(alice, bob):
    from campaign.models import Campaign
    from pledges.models import PledgeText
    from tests.pledge_texts import publish

    Campaign.objects.all().delete()
    final = next_version(editor=alice)
    services.pledge_text_update(
        text=final,
        user=alice,
        expected_lock_version=final.lock_version,
        values={"status": "final"},
    )
    final = publish(final, verifier=bob)
    newer = next_version(editor=alice)
    services.pledge_text_update(
        text=newer, user=alice, expected_lock_version=newer.lock_version, values={"status": "open"}
    )
    newer = publish(newer, verifier=bob)
    assert PledgeText.objects.public().order_by("-version").first() == newer
    assert services.pledge_text_current() == final


def test_a_change_dated_before_the_latest_names_its_status_in_words(alice, bob):
    import datetime as dt

    _pledged(alice, bob)
    with pytest.raises(ValidationError) as refused:
        _draft(alice, to_status="signed", event_date=dt.date(2026, 2, 1))
    assert refused.value.message_dict["event_date"] == [
        "This change is dated 2026-02-01, before the latest verified change (Pledged on "
        "2026-03-01): the changelog would show a status that did not exist then. Date it on "
        "or after 2026-03-01, and say in the note what it corrects."
    ]


def test_a_logged_change_keeps_its_import_batch(alice):
    event = services.pledge_event_create(
        country=country("KEN"), user=alice, import_batch="batch-7", **event_kwargs()
    )
    assert PledgeEvent.objects.get(pk=event.pk).import_batch == "batch-7"


def test_a_draft_changed_through_any_door_keeps_the_reason_given(alice):
    event = _draft(alice)
    services.record_change(
        record=event,
        user=alice,
        expected_lock_version=event.lock_version,
        values={"note": "Signed at the summit."},
        reason="Note corrected",
    )
    assert event.history.latest("history_id").history_change_reason == "Note corrected"


def test_a_strategy_given_no_document_is_kept_without_one(alice):
    strategy = services.national_strategy_create(
        country=country("KEN"),
        user=alice,
        status="adopted",
        source_url="https://example.org/st",
        source_document=None,
    )
    assert not NationalStrategy.objects.get(pk=strategy.pk).source_document


def test_a_progress_report_is_last_changed_by_its_author_with_no_reason_given(alice, bob):
    import datetime as dt

    from pledges.models import ProgressReport

    _pledged(alice, bob)
    report = services.progress_report_create(
        country=country("KEN"),
        user=alice,
        report_date=dt.date(2026, 12, 1),
        title="First progress report",
        summary="Helpline funded.",
        source_url="https://example.org/report",
    )
    assert ProgressReport.objects.get(pk=report.pk).last_changed_by == alice
    assert report.history.get().history_change_reason is None


def test_a_revision_compares_a_list_of_records_by_their_keys(ada):
    partner = Partner.objects.get(slug="unicef")
    partner.countries.add(country("KEN"))
    revision = services.record_change(
        record=partner,
        user=ada,
        expected_lock_version=partner.lock_version,
        values={},
        m2m={"countries": [country("KEN"), country("UGA")]},
        reason="Works in Uganda too",
    )
    assert revision.reason == "Works in Uganda too"
    (change,) = services.revision_changes(revision=revision)
    assert (change["field"], change["before"], change["after"]) == (
        "countries",
        [country("KEN").pk],
        sorted([country("KEN").pk, country("UGA").pk]),
    )


def test_a_next_version_keeps_the_title_of_the_one_before(alice, bob):
    from tests.pledge_texts import publish

    publish(next_version(editor=alice, title="Safer together online"), verifier=bob)
    assert services.pledge_text_next_version(user=alice).title == "Safer together online"


def test_removing_a_clause_renumbers_the_rest_and_says_so_in_each_history(alice):
    text = next_version(editor=alice, clauses=3)
    first = fresh(text).clauses.get(number=1)
    services.pledge_clause_remove(
        clause=first, user=alice, expected_lock_version=fresh(text).lock_version
    )
    for clause in fresh(text).clauses.all():
        assert clause.history.latest("history_id").history_change_reason == "Clauses renumbered"
    assert fresh(text).history.latest("history_id").history_change_reason == "Clause removed"
