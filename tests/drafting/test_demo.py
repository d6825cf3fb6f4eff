"""The demo co-drafting session: labelled, idempotent, printed by `make demo`."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from campaign.demo import demo_accounts_ensure
from drafting.models import DraftingSession, Participant, Suggestion, SuggestionStatus

pytestmark = pytest.mark.django_db


def test_demo_session_is_idempotent_labelled_and_printed():
    demo_accounts_ensure(password="demo-password-for-tests")
    first, second = StringIO(), StringIO()
    call_command("seed_demo_drafting", stdout=first)
    call_command("seed_demo_drafting", stdout=second)
    session = DraftingSession.objects.get()
    assert session.is_demo and "DEMO" in session.title
    assert Participant.objects.count() == 5
    assert Suggestion.objects.filter(status=SuggestionStatus.APPROVED).count() == 3
    assert Suggestion.objects.filter(status=SuggestionStatus.PENDING).count() == 2
    held = Suggestion.objects.get(text__contains="@example.com")
    assert "email" in held.hold_reasons
    out = second.getvalue()
    code = session.join_code
    assert f"{code[:5]}-{code[5:]}" in out
    # the printed child link works and the page says it is a demo
    link = re.search(r"(/en/draft/s/[^/\s]+/)", out).group(1)
    body = Client().get(link).content.decode()
    assert "Demo session" in body
    # the first run's link was replaced: only the newest link works
    old = re.search(r"(/en/draft/s/[^/\s]+/)", first.getvalue()).group(1)
    assert Client().get(old).status_code == 404
