"""Retention: `manage.py purge_child_data` (CH-12)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from drafting import services
from drafting.models import ConcernReport, Participant, Reaction, Suggestion, SuggestionStatus
from tests.drafting.conftest import child, close

pytestmark = pytest.mark.django_db


def _world(session, fay):
    a, token_a = child(session, fay)
    b, _ = child(session, fay)
    approved = services.suggestion_submit(participant=a, clause_key="", text="Approved words")
    services.suggestion_approve(suggestion=approved, user=fay)
    rejected = services.suggestion_submit(participant=a, clause_key="", text="Rejected words")
    services.suggestion_reject(suggestion=rejected, user=fay, reason="Off topic")
    held = services.suggestion_submit(participant=b, clause_key="", text="mail me a@b.com")
    withdrawn = services.suggestion_submit(participant=b, clause_key="", text="Changed my mind")
    services.suggestion_withdraw(participant=b, suggestion=withdrawn)
    services.reaction_add(participant=b, suggestion=approved)
    report = services.concern_report_create(participant=a, text="I felt sad")
    services.concern_handle(report=report, user=fay)
    close(session, fay)
    return {
        "approved": approved,
        "rejected": rejected,
        "held": held,
        "withdrawn": withdrawn,
        "token": token_a,
    }


def test_purge_removes_tokens_pseudonyms_and_unapproved_text_history_included(session, fay):
    # CH-12
    w = _world(session, fay)
    later = timezone.now() + dt.timedelta(days=91)
    counts = services.purge_child_data(now=later)
    assert counts["participants"] == 2
    assert counts["suggestions_text_removed"] == 3
    assert counts["suggestions_unlinked"] == 1
    assert not Participant.objects.exists()
    for key in ("rejected", "held", "withdrawn"):
        s = Suggestion.objects.get(pk=w[key].pk)
        assert (s.text, s.participant_id, s.text_purged) == ("", None, True)
    approved = Suggestion.objects.get(pk=w["approved"].pk)
    assert approved.text == "Approved words" and approved.participant_id is None
    # history rows: no unapproved text and no link to a child anywhere
    history = Suggestion.history.all()
    assert not history.filter(participant__isnull=False).exists()
    assert set(history.exclude(text="").values_list("text", flat=True)) == {"Approved words"}
    # the aggregate like count stays; the concern report keeps no words
    assert Reaction.objects.filter(suggestion=approved).count() == 1
    assert ConcernReport.objects.get().text == ""
    # the child's link no longer works
    with pytest.raises(services.ChildRefusal):
        services.participant_from_token(token=w["token"])


def test_purge_waits_for_the_retention_period_and_is_idempotent(session, fay):
    # CH-12
    _world(session, fay)
    assert (
        services.purge_child_data(now=timezone.now() + dt.timedelta(days=89))["participants"] == 0
    )
    first = services.purge_child_data(now=timezone.now() + dt.timedelta(days=91))
    assert first["participants"] == 2
    second = services.purge_child_data(now=timezone.now() + dt.timedelta(days=91))
    assert all(n == 0 for n in second.values()), second


def test_dry_run_changes_nothing_and_command_takes_days(session, fay):
    # CH-12
    _world(session, fay)
    out = StringIO()
    call_command("purge_child_data", "--dry-run", "--days", "0", stdout=out)
    assert "Would purge" in out.getvalue() and "participants 2" in out.getvalue()
    assert Participant.objects.count() == 2
    call_command("purge_child_data", "--days", "0", stdout=out)
    assert not Participant.objects.exists()
    assert Suggestion.objects.filter(status=SuggestionStatus.APPROVED).exclude(text="").exists()


def test_an_open_session_is_never_purged(session, fay):
    # CH-12
    child(session, fay)
    assert services.purge_child_data(days=0)["participants"] == 0
