"""One demo co-drafting session: invented, labelled as demo on every child page, idempotent."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from drafting import services
from drafting.models import (
    ConsentBasis,
    DraftingSession,
    Participant,
)
from pledges.models import PledgeText, ReviewState

DEMO_TITLE = "DEMO session (invented): children's co-drafting"
DEMO_FACILITATOR = "demo-facilitator"
DEMO_CHILDREN = 5
DEMO_IDEAS = (
    # (child, clause number or None for a new idea, text, approve?)
    (0, 1, "Every child should learn how to stay safe online at school, from age 8.", True),
    (1, 2, "Apps must make reporting a problem as easy as one tap.", True),
    (2, None, "Ask children every year if the promise is working.", True),
    (3, 1, "Use words that children understand in every language.", False),
    (4, None, "Write to me at demo.child@example.com if you want more ideas.", False),
)


def demo_session_ensure() -> tuple[DraftingSession, str]:
    """The demo session (created once) and a fresh link for its demo child (the old one is
    replaced on each run, so the count of participants stays the same)."""
    facilitator = get_user_model().objects.get(username=DEMO_FACILITATOR)
    session = DraftingSession.objects.filter(is_demo=True).order_by("pk").first()
    with transaction.atomic():
        if session is None:
            session = _demo_session_build(facilitator)
        demo_child = session.participants.order_by("pk").first()
        token = secrets.token_urlsafe(24)
        demo_child.token_hash = services.token_hash(token)
        demo_child.save(update_fields=["token_hash"])
    return session, token


def _demo_session_build(facilitator) -> DraftingSession:
    # The reference text (not a demo version): `seed_demo --reset` removes demo texts, and a
    # session holds on to its text.
    text = (
        PledgeText.objects.filter(review_state=ReviewState.VERIFIED, is_demo=False)
        .order_by("-version")
        .first()
    )
    session = services.session_create(
        user=facilitator,
        is_demo=True,
        pledge_text=text,
        language="en",
        age_band="13-15",
        region="Africa",
        title=DEMO_TITLE,
        consent_basis=ConsentBasis.OTHER,
        consent_reference="DEMO: invented session, no real children, no consent needed",
        safeguarding_contact="DEMO: the partner's safeguarding lead (invented)",
        helpline="DEMO: your national child helpline, e.g. 116 111",
    )
    session = services.session_open(session=session, user=facilitator, expected_lock_version=1)
    children = []
    for _ in range(DEMO_CHILDREN):
        participant, _token = services.participant_join(code=session.join_code)
        services.participant_admit(participant=participant, user=facilitator)
        children.append(Participant.objects.get(pk=participant.pk))
    clauses = {c.number: c.key for c in text.clauses.all()}
    for who, number, words, approve in DEMO_IDEAS:
        idea = services.suggestion_submit(
            participant=children[who], clause_key=clauses.get(number, "") if number else "",
            text=words,
        )  # fmt: skip
        if approve:
            services.suggestion_approve(suggestion=idea, user=facilitator)
    return session
