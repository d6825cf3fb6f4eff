"""Named actors for co-drafting: Fay the facilitator, Fred (another facilitator), Ada the
admin; a published pledge text; an open session and children who joined it."""

from __future__ import annotations

import pytest

from drafting import services
from drafting.models import ConsentBasis
from pledges.models import PledgeText, ReviewState
from tests.factories import UserFactory
from tests.staff import with_role


@pytest.fixture
def fay(db):
    return with_role(UserFactory(username="fay", email="fay@example.org"), "facilitator")


@pytest.fixture
def fred(db):
    return with_role(UserFactory(username="fred", email="fred@example.org"), "facilitator")


@pytest.fixture
def ada(db):
    return with_role(UserFactory(username="ada", email="ada@example.org"), "admin")


@pytest.fixture
def text(db):
    return PledgeText.objects.filter(review_state=ReviewState.VERIFIED).order_by("-version")[0]


def session_fields(text, **overrides):
    values = {
        "pledge_text": text,
        "language": "en",
        "age_band": "13-15",
        "region": "Africa",
        "title": "Nairobi workshop",
        "consent_basis": ConsentBasis.PARTNER_HOLDS,
        "consent_reference": "Consent held by partner X, ref 2027-01",
        "safeguarding_contact": "Jane, partner X safeguarding lead",
        "helpline": "Childline 116 111",
    }
    values.update(overrides)
    return values


def open_session(user, text, **overrides):
    session = services.session_create(user=user, **session_fields(text, **overrides))
    return services.session_open(
        session=session, user=user, expected_lock_version=session.lock_version
    )


def child(session, user):
    """A child who joined with the code and was let in: (participant, token)."""
    participant, token = services.participant_join(code=session.join_code)
    services.participant_admit(participant=participant, user=user)
    participant.refresh_from_db()
    return participant, token


def close(session, user):
    session.refresh_from_db()
    return services.session_close(
        session=session, user=user, expected_lock_version=session.lock_version
    )


@pytest.fixture
def session(fay, text):
    return open_session(fay, text)
