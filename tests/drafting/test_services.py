"""The co-drafting rules, one or more tests per CH requirement (SAFEGUARDING.md)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from drafting import selectors, services
from drafting.models import (
    ConcernReport,
    DraftingSession,
    Outcome,
    Participant,
    ParticipantStatus,
    Reaction,
    SessionStatus,
    Suggestion,
    SuggestionStatus,
    SuggestionUse,
)
from pledges.models import SecurityEvent, SecurityEventKind
from tests.drafting.conftest import child, close, open_session, session_fields
from tests.pledge_texts import next_version
from tests.staff import with_role

pytestmark = pytest.mark.django_db

LOOK_ALIKES = set("0O1IL2Z5S8B6GUVQ")


# --- CH-01 join code and admission -----------------------------------------------------------


def test_join_code_has_40_bits_and_no_look_alikes(session):
    # CH-01
    alphabet = services.JOIN_CODE_ALPHABET
    assert len(set(alphabet)) == len(alphabet)
    assert not set(alphabet) & LOOK_ALIKES
    assert services.JOIN_CODE_LENGTH * math.log2(len(alphabet)) >= 40
    assert len(session.join_code) == services.JOIN_CODE_LENGTH
    assert set(session.join_code) <= set(alphabet)
    codes = {services.join_code_generate() for _ in range(500)}
    assert len(codes) == 500


def test_a_leaked_code_lets_no_one_in_until_the_facilitator_admits(session, fay):
    # CH-01
    participant, token = services.participant_join(
        code=services.join_code_display(session.join_code).lower()
    )
    assert participant.status == ParticipantStatus.WAITING
    with pytest.raises(ValidationError) as exc:
        services.suggestion_submit(participant=participant, clause_key="", text="An idea")
    assert exc.value.code == "not_admitted"
    services.participant_admit(participant=participant, user=fay)
    participant.refresh_from_db()
    services.suggestion_submit(participant=participant, clause_key="", text="An idea")
    # the link token is stored hashed only; the pseudonym is random
    assert participant.token_hash == services.token_hash(token) != token
    assert services.participant_from_token(token=token) == participant
    assert participant.pseudonym.split()[-1].isdigit()


def test_a_wrong_or_ended_code_is_refused_in_plain_words(session, fay):
    # CH-01 (bad input)
    with pytest.raises(ValidationError) as exc:
        services.participant_join(code="NOPE-NOPE")
    assert exc.value.code == "wrong_code"
    close(session, fay)
    with pytest.raises(ValidationError) as exc:
        services.participant_join(code=session.join_code)
    assert exc.value.code == "session_closed"


def test_only_the_sessions_facilitator_or_an_admin_admits(session, fay, fred, ada):
    # CH-01, AUTH-04
    participant, _ = services.participant_join(code=session.join_code)
    with pytest.raises(PermissionDenied):
        services.participant_admit(participant=participant, user=fred)
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.PERMISSION_DENIED, user=fred
    ).exists()
    services.participant_admit(participant=participant, user=ada)


def test_a_removed_participant_cannot_write_but_can_report_a_concern(session, fay):
    # CH-01, CH-08
    participant, _ = child(session, fay)
    services.participant_remove(participant=participant, user=fay)
    participant.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.suggestion_submit(participant=participant, clause_key="", text="An idea")
    assert exc.value.code == "removed"
    services.concern_report_create(participant=participant, text="Someone was mean")
    assert ConcernReport.objects.filter(participant=participant).count() == 1


# --- CH-02 field allow-list ------------------------------------------------------------------

CHILD_SIDE_FIELDS = {
    Participant: {"id", "session", "token_hash", "pseudonym", "status", "joined_at", "admitted_at"},
    Suggestion: {
        "id",
        "session",
        "participant",
        "clause_key",
        "text",
        "status",
        "hold_reasons",
        "rejection_reason",
        "moderated_by",
        "moderated_at",
        "created_at",
        "outcome",
        "outcome_reason",
        "merged_into",
        "text_purged",
    },
    Reaction: {"id", "participant", "suggestion"},
    ConcernReport: {
        "id",
        "session",
        "participant",
        "text",
        "created_at",
        "handled_at",
        "handled_by",
    },
}


@pytest.mark.parametrize("model", list(CHILD_SIDE_FIELDS), ids=lambda m: m.__name__)
def test_child_side_models_hold_only_allowed_fields(model):
    # CH-02: a new field on a child-side model fails here until it is reviewed and listed
    fields = {f.name for f in model._meta.concrete_fields}
    assert fields == CHILD_SIDE_FIELDS[model]
    forbidden = ("name", "email", "phone", "birth", "school", "ip", "address", "age", "city")
    assert not [
        f for f in fields if any(word in f.split("_") for word in forbidden) and f != "pseudonym"
    ]


def test_the_session_holds_age_as_a_band_and_place_no_finer_than_a_country():
    # CH-02
    names = {f.name for f in DraftingSession._meta.concrete_fields}
    assert "age_band" in names
    assert not names & {"city", "school", "address", "latitude", "longitude", "postcode"}


# --- CH-03 consent before open --------------------------------------------------------------


def test_a_session_cannot_open_without_the_consent_record(fay, text):
    # CH-03
    session = services.session_create(
        user=fay, **session_fields(text, consent_basis="", consent_reference="")
    )
    with pytest.raises(ValidationError) as exc:
        services.session_open(session=session, user=fay, expected_lock_version=1)
    assert "consent_basis" in exc.value.message_dict
    session.refresh_from_db()
    assert session.status == SessionStatus.DRAFT
    # the database refuses it too, whatever the door
    session.status = SessionStatus.OPEN
    with pytest.raises(IntegrityError), transaction.atomic():
        DraftingSession._base_manager.filter(pk=session.pk).update(status=SessionStatus.OPEN)


# --- CH-04 pre-moderation -----------------------------------------------------------------------


def test_a_suggestion_starts_pending_and_only_approved_ones_reach_other_children(session, fay):
    # CH-04
    a, _ = child(session, fay)
    idea = services.suggestion_submit(participant=a, clause_key="", text="Teach online safety")
    assert idea.status == SuggestionStatus.PENDING
    assert list(selectors.approved_for_children(session)) == []
    services.suggestion_approve(suggestion=idea, user=fay)
    assert list(selectors.approved_for_children(session)) == [idea]
    services.suggestion_withdraw(participant=a, suggestion=idea)
    assert list(selectors.approved_for_children(session)) == []


def test_approved_ideas_of_one_session_are_not_shown_in_another(session, fay, text):
    # CH-04
    other = open_session(fay, text, title="Other room")
    a, _ = child(session, fay)
    idea = services.suggestion_submit(participant=a, clause_key="", text="Idea one")
    services.suggestion_approve(suggestion=idea, user=fay)
    assert list(selectors.approved_for_children(other)) == []


# --- CH-05 / CH-06 screening in the flow -------------------------------------------------------


def test_personal_details_are_held_with_the_reason_never_published(session, fay):
    # CH-05
    a, _ = child(session, fay)
    idea = services.suggestion_submit(
        participant=a, clause_key="", text="Write to me at kid (at) mail (dot) com"
    )
    assert idea.status == SuggestionStatus.PENDING
    assert "email" in idea.hold_reasons
    assert list(selectors.session_queue(session)) == [idea]
    assert list(selectors.approved_for_children(session)) == []
    assert selectors.hold_reason_labels(idea.hold_reasons) == ["An email address"]


def test_years_and_article_numbers_are_not_held(session, fay):
    # CH-05
    a, _ = child(session, fay)
    idea = services.suggestion_submit(
        participant=a, clause_key="", text="By 2030 all 193 Member States follow Article 16"
    )
    assert idea.hold_reasons == []


def test_a_safeguarding_concern_goes_first_and_is_never_published(session, fay):
    # CH-06
    a, _ = child(session, fay)
    plain = services.suggestion_submit(participant=a, clause_key="", text="More lessons")
    held = services.suggestion_submit(participant=a, clause_key="", text="call me 0712 345 678 9")
    worry = services.suggestion_submit(participant=a, clause_key="", text="My uncle hits me")
    assert worry.status == SuggestionStatus.CONCERN
    assert list(selectors.session_queue(session)) == [worry, held, plain]
    with pytest.raises(ValidationError):
        services.suggestion_approve(suggestion=worry, user=fay)
    # a facilitator may also mark one by hand; it leaves every public list
    services.suggestion_approve(suggestion=plain, user=fay)
    services.suggestion_mark_concern(suggestion=plain, user=fay)
    assert list(selectors.approved_for_children(session)) == []
    # the child cannot remove a concern (it stays with the safeguarding contact)
    with pytest.raises(ValidationError):
        services.suggestion_withdraw(participant=a, suggestion=worry)


# --- CH-07 credit ------------------------------------------------------------------------------


def _credited_session(fay, text, editor, children: int):
    session = open_session(fay, text)
    nxt = next_version(editor=editor)
    clause = nxt.clauses.order_by("number").first()
    for n in range(children):
        kid, _ = child(session, fay)
        idea = services.suggestion_submit(
            participant=kid, clause_key=clause.key, text=f"Better words {n}"
        )
        services.suggestion_approve(suggestion=idea, user=fay)
        services.suggestion_use_link(clause=clause, suggestion=idea, user=fay)
    return session, nxt, clause


def test_published_words_are_credited_to_a_region_never_a_pseudonym(fay, text, alice):
    # CH-07, CH-09
    editor = with_role(alice, "editor")
    session, nxt, clause = _credited_session(fay, text, editor, children=5)
    influence = selectors.clause_influence(nxt)
    assert influence[clause.key] == {
        "suppressed": False,
        "suggestions": 5,
        "children": 5,
        "regions": ["Africa"],
    }
    pseudonyms = set(session.participants.values_list("pseudonym", flat=True))
    assert not pseudonyms & {str(v) for v in influence[clause.key].values()}


# --- CH-14 suppression -------------------------------------------------------------------------


def test_influence_below_five_children_is_suppressed(fay, text, alice):
    # CH-14
    editor = with_role(alice, "editor")
    _session, nxt, clause = _credited_session(fay, text, editor, children=4)
    assert selectors.clause_influence(nxt)[clause.key] == {
        "suppressed": True,
        "suggestions": None,
        "children": None,
        "regions": [],
    }


def test_session_counts_are_suppressed_below_five_children(session, fay):
    # CH-14
    for _ in range(4):
        child(session, fay)
    assert selectors.session_counts(session)["suppressed"] is True
    assert selectors.session_counts(session)["children"] is None
    child(session, fay)
    assert selectors.session_counts(session) == {
        "suppressed": False,
        "children": 5,
        "suggestions": 0,
        "approved": 0,
    }


# --- CH-08 within reach: withdraw, see mine, report --------------------------------------------


def test_a_child_removes_their_own_words_and_sees_their_ideas(session, fay):
    # CH-08
    a, _ = child(session, fay)
    b, _ = child(session, fay)
    idea = services.suggestion_submit(participant=a, clause_key="", text="My idea")
    assert list(selectors.participant_suggestions(a)) == [idea]
    assert list(selectors.participant_suggestions(b)) == []
    with pytest.raises(PermissionDenied):
        services.suggestion_withdraw(participant=b, suggestion=idea)
    services.suggestion_withdraw(participant=a, suggestion=idea)
    idea.refresh_from_db()
    assert idea.status == SuggestionStatus.WITHDRAWN


# --- CH-09 outcomes ---------------------------------------------------------------------------


def test_archive_is_refused_while_an_outcome_is_missing(session, fay):
    # CH-09
    a, _ = child(session, fay)
    one = services.suggestion_submit(participant=a, clause_key="", text="Idea one")
    two = services.suggestion_submit(participant=a, clause_key="", text="Idea two")
    services.suggestion_approve(suggestion=one, user=fay)
    with pytest.raises(ValidationError):
        services.suggestion_outcome_set(
            suggestion=one, user=fay, outcome=Outcome.USED, reason="Too early"
        )
    session = close(session, fay)
    services.suggestion_outcome_set(
        suggestion=one, user=fay, outcome=Outcome.USED, reason="It is in part 2 now."
    )
    with pytest.raises(ValidationError) as exc:
        services.session_archive(
            session=session, user=fay, expected_lock_version=session.lock_version
        )
    assert exc.value.code == "outcome_missing"
    services.suggestion_outcome_set(
        suggestion=two, user=fay, outcome=Outcome.MERGED, reason="Joined with a similar idea.",
        merged_into=one,
    )  # fmt: skip
    session.refresh_from_db()
    services.session_archive(session=session, user=fay, expected_lock_version=session.lock_version)
    session.refresh_from_db()
    assert session.status == SessionStatus.ARCHIVED


def test_an_outcome_needs_a_reason_for_the_child(session, fay):
    # CH-09
    a, _ = child(session, fay)
    one = services.suggestion_submit(participant=a, clause_key="", text="Idea one")
    close(session, fay)
    with pytest.raises(ValidationError):
        services.suggestion_outcome_set(suggestion=one, user=fay, outcome=Outcome.USED, reason="")


# --- CH-10 reactions ---------------------------------------------------------------------------


def test_one_reaction_per_child_per_idea_counts_only_after_close(session, fay):
    # CH-10
    a, _ = child(session, fay)
    b, _ = child(session, fay)
    idea = services.suggestion_submit(participant=a, clause_key="", text="Idea")
    with pytest.raises(ValidationError):  # not approved yet: not visible, not likeable
        services.reaction_add(participant=b, suggestion=idea)
    services.suggestion_approve(suggestion=idea, user=fay)
    services.reaction_add(participant=b, suggestion=idea)
    with pytest.raises(ValidationError) as exc:
        services.reaction_add(participant=b, suggestion=idea)
    assert exc.value.code == "duplicate"
    with pytest.raises(IntegrityError), transaction.atomic():
        Reaction.objects.create(participant=b, suggestion=idea)
    with pytest.raises(ValidationError):
        services.reaction_add(participant=a, suggestion=idea)  # own idea
    assert selectors.reaction_counts(session) == {}
    close(session, fay)
    assert selectors.reaction_counts(session) == {idea.pk: 1}


# --- CH-11 rate limits -----------------------------------------------------------------------


def test_rate_limit_is_per_participant_and_session_not_per_address(session, fay, settings):
    # CH-11
    settings.DRAFTING_RATE_LIMITS = {"suggest": (2, 600)}
    a, _ = child(session, fay)
    b, _ = child(session, fay)
    services.suggestion_submit(participant=a, clause_key="", text="one")
    services.suggestion_submit(participant=a, clause_key="", text="two")
    with pytest.raises(ValidationError) as exc:
        services.suggestion_submit(participant=a, clause_key="", text="three")
    assert exc.value.code == "rate_limited"
    # another child (same classroom, same address) is not affected
    services.suggestion_submit(participant=b, clause_key="", text="one")
    services.suggestion_submit(participant=b, clause_key="", text="two")


def test_the_rate_limit_reads_no_address():
    # CH-11: the rate-limit key is built from the action, session and participant only
    import inspect

    source = inspect.getsource(services._rate_limit)
    assert "REMOTE_ADDR" not in source and "client_ip" not in source and "request" not in source


def test_thirty_children_behind_one_address_all_take_part(session, fay):
    # CH-11
    for n in range(30):
        kid, _ = child(session, fay)
        services.suggestion_submit(participant=kid, clause_key="", text=f"Idea {n}")
    assert session.suggestions.count() == 30


# --- CH-15 plain text -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("x" * 801, "too_long"),
        ("hello\x00world", "hidden_characters"),
        ("evil \u202egnp.exe", "hidden_characters"),
        ("isolate \u2066x\u2069", "hidden_characters"),
        ("bell \x07", "hidden_characters"),
        ("   ", "empty"),
    ],
)
def test_childrens_text_is_plain_capped_and_without_control_or_bidi_characters(
    session, fay, typed, code
):
    # CH-15
    a, _ = child(session, fay)
    with pytest.raises(ValidationError) as exc:
        services.suggestion_submit(participant=a, clause_key="", text=typed)
    assert exc.value.error_dict["text"][0].code == code
    assert not Suggestion.objects.exists()


def test_arabic_and_new_lines_are_plain_text_and_kept(session, fay):
    # CH-15
    a, _ = child(session, fay)
    idea = services.suggestion_submit(participant=a, clause_key="", text="فكرة\r\nسطر ثان")
    assert idea.text == "فكرة\nسطر ثان"


def test_a_double_submit_is_refused_kindly(session, fay):
    # bad input: a double submit
    a, _ = child(session, fay)
    services.suggestion_submit(participant=a, clause_key="", text="Same idea")
    with pytest.raises(ValidationError) as exc:
        services.suggestion_submit(participant=a, clause_key="", text="Same idea")
    assert exc.value.code == "duplicate"
    assert Suggestion.objects.count() == 1


def test_a_closed_session_takes_no_new_ideas(session, fay):
    # bad input: a closed session
    a, _ = child(session, fay)
    close(session, fay)
    with pytest.raises(ValidationError) as exc:
        services.suggestion_submit(participant=a, clause_key="", text="Late idea")
    assert exc.value.code == "session_closed"


def test_a_session_past_its_closing_time_takes_no_new_ideas(fay, text):
    # bad input: an expired session
    now = timezone.now()
    session = open_session(
        fay, text, opens_at=now - dt.timedelta(hours=2), closes_at=now - dt.timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as exc:
        services.participant_join(code=session.join_code)
    assert exc.value.code == "session_closed"


# --- AUTH-04 own sessions only -------------------------------------------------------------------


def test_a_facilitator_acts_only_on_their_own_sessions(session, fay, fred, ada):
    # AUTH-04
    a, _ = child(session, fay)
    idea = services.suggestion_submit(participant=a, clause_key="", text="Idea")
    with pytest.raises(PermissionDenied):
        services.suggestion_approve(suggestion=idea, user=fred)
    with pytest.raises(PermissionDenied):
        selectors.session_for(pk=session.pk, user=fred)
    assert list(selectors.sessions_for(user=fred)) == []
    assert list(selectors.sessions_for(user=ada)) == [session]
    services.suggestion_approve(suggestion=idea, user=ada)


def test_crediting_needs_an_approved_idea_and_a_later_version(fay, text, alice):
    # CH-09
    editor = with_role(alice, "editor")
    session = open_session(fay, text)
    a, _ = child(session, fay)
    idea = services.suggestion_submit(participant=a, clause_key="", text="Idea")
    same_version_clause = text.clauses.first()
    with pytest.raises(ValidationError):
        services.suggestion_use_link(clause=same_version_clause, suggestion=idea, user=editor)
    services.suggestion_approve(suggestion=idea, user=fay)
    with pytest.raises(ValidationError):
        services.suggestion_use_link(clause=same_version_clause, suggestion=idea, user=editor)
    nxt = next_version(editor=editor)
    clause = nxt.clauses.first()
    services.suggestion_use_link(clause=clause, suggestion=idea, user=editor)
    assert SuggestionUse.objects.filter(clause=clause, suggestion=idea).exists()
    services.suggestion_use_unlink(clause=clause, suggestion=idea, user=editor)
    assert not SuggestionUse.objects.exists()
