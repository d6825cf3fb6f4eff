"""CH-04 as a property: no sequence of actions makes a suggestion that is not approved
visible to another child, to the public or to the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafting import selectors, services
from drafting.models import Outcome, Suggestion, SuggestionStatus
from tests.drafting.conftest import open_session

pytestmark = pytest.mark.django_db

# Each text is unique (the number), so finding it in a page finds that suggestion.
KINDS = (
    "Idea number {n} zqx",
    "Idea number {n} zqx, write to me at kid{n}@example.com",
    "Idea number {n} zqx my brother hits me",
)
PUBLIC_PATHS = (
    "/en/",
    "/en/pledge/",
    "/data/snapshot.json",
    "/api/v1/",
    "/api/v1/pledge-texts/",
    "/api/v1/snapshot/",
)

actions = st.lists(
    st.tuples(
        st.sampled_from(
            (
                "submit",
                "approve",
                "reject",
                "concern",
                "withdraw",
                "react",
                "remove_child",
                "pause",
                "reopen",
                "close",
                "outcome",
                "purge",
            )
        ),
        st.integers(min_value=0, max_value=2),  # which child
        st.integers(min_value=0, max_value=7),  # which suggestion / which kind
    ),
    min_size=1,
    max_size=18,
)


def _try(fn, **kwargs):
    try:
        return fn(**kwargs)
    except (ValidationError, PermissionDenied, ObjectDoesNotExist):
        return None


def _step(env, action: str, who: int, which: int) -> None:
    fay, session = env["fay"], env["session"]
    kids = env["kids"]
    ideas = list(Suggestion.objects.filter(session=session).order_by("pk"))
    idea = ideas[which % len(ideas)] if ideas else None
    participant = kids[who][0]
    session.refresh_from_db()
    if action == "submit":
        env["n"] += 1
        text = KINDS[which % len(KINDS)].format(n=env["n"])
        _try(services.suggestion_submit, participant=participant, clause_key="", text=text)
    elif idea is None:
        return
    elif action == "approve":
        _try(services.suggestion_approve, suggestion=idea, user=fay)
    elif action == "reject":
        _try(services.suggestion_reject, suggestion=idea, user=fay, reason="Not this time")
    elif action == "concern":
        _try(services.suggestion_mark_concern, suggestion=idea, user=fay)
    elif action == "withdraw":
        _try(services.suggestion_withdraw, participant=participant, suggestion=idea)
    elif action == "react":
        _try(services.reaction_add, participant=participant, suggestion=idea)
    elif action == "remove_child":
        _try(services.participant_remove, participant=participant, user=fay)
    elif action in ("pause", "reopen", "close"):
        fn = {
            "pause": services.session_pause,
            "reopen": services.session_open,
            "close": services.session_close,
        }[action]
        _try(fn, session=session, user=fay, expected_lock_version=session.lock_version)
    elif action == "outcome":
        _try(
            services.suggestion_outcome_set,
            suggestion=idea,
            user=fay,
            outcome=Outcome.USED,
            reason="Used in part 2",
        )
    elif action == "purge":
        services.purge_child_data(days=0, now=timezone.now() + dt.timedelta(seconds=1))


def _check(env) -> None:
    session = env["session"]
    # the selector every child-facing and public read goes through
    shown = list(selectors.approved_for_children(session))
    assert all(s.status == SuggestionStatus.APPROVED for s in shown)
    influence = selectors.clause_influence(session.pledge_text)
    assert all(v["suggestions"] is None or v["suggestions"] >= 0 for v in influence.values())


def _check_pages(env) -> None:
    session = env["session"]
    hidden = {
        s.pk: s.text
        for s in Suggestion.objects.filter(session=session).exclude(
            status=SuggestionStatus.APPROVED
        )
        if s.text
    }
    if not hidden:
        return
    client = Client()
    for participant, token in env["kids"]:
        others = [t for pk, t in hidden.items() if _author(pk) != participant.pk]
        for name in ("home", "ideas", "mine", "suggest", "concern"):
            response = client.get(reverse(f"drafting:{name}", args=[token]))
            body = response.content.decode()
            leaked = [t for t in others if t in body]
            assert not leaked, (name, participant.pseudonym, leaked)
    for path in PUBLIC_PATHS:
        body = client.get(path).content.decode()
        leaked = [t for t in hidden.values() if t in body]
        assert not leaked, (path, leaked)


def _author(pk: int) -> int | None:
    return Suggestion.objects.values_list("participant_id", flat=True).get(pk=pk)


@pytest.fixture
def env(fay, text):
    session = open_session(fay, text)
    kids = []
    for _ in range(3):
        participant, token = services.participant_join(code=session.join_code)
        services.participant_admit(participant=participant, user=fay)
        participant.refresh_from_db()
        kids.append((participant, token))
    return {"fay": fay, "session": session, "kids": kids, "n": 0}


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=actions)
def test_no_sequence_of_actions_shows_an_unapproved_suggestion(env, steps):
    # CH-04: to another child (their pages), the public (pages, snapshot) or the API
    cache.clear()  # rate-limit counters are not rolled back with the database
    with transaction.atomic():
        for action, who, which in steps:
            _step(env, action, who, which)
            _check(env)
        _check_pages(env)
        transaction.set_rollback(True)
    env["session"].refresh_from_db()
