"""The role matrix of the staff workspace (AUTH-04, AUD-04, issue 8 item 3): EVERY URL of
staff/urls.py, read from the resolver, for every role, for staff with no role and for an
anonymous visitor; a GET answers exactly as the table says, and a POST by a role without
the permission answers 403 and changes nothing.

The tables are data. A new URL in staff/urls.py fails test_every_staff_url_is_in_the_tables
until it is given a row here (and its arguments in `url_kwargs`).

To extend the matrix to the admin site (the lead's part): add a table of the same shape
(admin URL → roles allowed, expected status) and call `expected_get` / `fingerprint` /
`call` from this module with paths built from `admin.site.get_urls()`.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, reverse

from campaign.models import Campaign, Engagement, Milestone, Partner
from campaign.services import engagement_create, partner_create
from drafting import services as drafting_services
from drafting.models import DraftingSession, Participant, Suggestion
from pledges import services
from pledges.models import (
    Capability,
    CapabilityStatus,
    NationalStrategy,
    Pledge,
    PledgeClause,
    PledgeClauseTranslation,
    PledgeEvent,
    PledgeText,
    ProgressReport,
    Revision,
)
from pledges.roles import Role
from staff import urls as staff_urls
from staff.imports import IMPORTERS
from staff.review_kinds import REVIEW_KINDS
from staff.views import EDIT_FORMS
from tests.drafting.conftest import open_session, session_fields
from tests.factories import UserFactory, country, event_kwargs
from tests.staff import with_role
from tests.staff.test_campaign_settings import settings_form
from tests.staff.test_partner_revisions import partner_form

pytestmark = pytest.mark.django_db

A, E, V, F, W = Role.ADMIN, Role.EDITOR, Role.VERIFIER, Role.FACILITATOR, Role.VIEWER
NO_ROLE = "staff without a role"
ANONYMOUS = "anonymous"
EVERYONE = [*Role.ALL, NO_ROLE, ANONYMOUS]

REGISTRY = {A, E, V, W}  # the registry's view permissions
EDITORS = {A, E}  # add and change, imports
VERIFIERS = {A, V}  # pledges.verify_changes

# URL name → (roles that may GET it, the status they get). Every other signed-in staff member
# gets 403; an anonymous visitor is sent to sign in (302).
GET_ALLOWED: dict[str, tuple[set[str], int]] = {
    "staff_home": ({A, E, V, F, W}, 200),
    "staff_invite": ({A}, 200),
    "country_list": (REGISTRY, 200),
    "country_workspace": (REGISTRY, 200),
    "country_history": (REGISTRY, 200),
    "pledge_event_new": (EDITORS, 200),
    "capability_status_new": (EDITORS, 200),
    "national_strategy_new": (EDITORS, 200),
    "progress_report_new": (EDITORS, 200),
    "draft_edit": (EDITORS, 200),  # their own draft
    "review_queue": (VERIFIERS, 200),
    "review_detail": (VERIFIERS, 200),  # someone else's draft, of every kind
    "review_batch_verify": (VERIFIERS, 405),  # POST only
    "partner_list": (REGISTRY, 200),
    "partner_edit": (REGISTRY, 200),  # the form only for those who may change partners
    "import_index": (EDITORS, 200),
    "import_upload": (EDITORS, 200),
    "import_apply": (EDITORS, 405),  # POST only
    "import_job_progress": (EDITORS, 404),  # a job that is not theirs: not found
    "import_template": (EDITORS, 200),
    "engagement_list": (REGISTRY, 200),
    "engagement_new": (EDITORS, 200),
    "engagement_edit": (EDITORS, 200),
    "pledge_text_list": ({A, E, V, F, W}, 200),
    "pledge_text_new": ({A, E, V, F, W}, 405),  # POST only
    "pledge_text_edit": ({A, E, V, F, W}, 200),  # the forms only for those who may change it
    "pledge_translation_list": ({A, E, V, F, W}, 200),  # the links only for editors
    "pledge_translation_edit": (EDITORS, 200),  # the form needs pledges.change_pledgetext
    "staff_dashboard": (REGISTRY, 200),
    "campaign_settings": ({A}, 200),  # campaign.change_campaign
    "campaign_milestone_add": ({A}, 405),  # POST only
    "campaign_milestone_remove": ({A}, 405),  # POST only
    # Children's sessions (issue 10): a facilitator's own session; an admin's every session.
    "session_list": ({A, F}, 200),
    "session_new": ({A, F}, 200),
    "session_detail": ({A, F}, 200),
    "session_edit": ({A, F}, 200),
    "session_status": ({A, F}, 405),  # POST only
    "participant_action": ({A, F}, 405),  # POST only
    "session_sheet": ({A, F}, 200),
    "session_moderation": ({A, F}, 200),
    "session_outcomes": ({A, F}, 200),
}

# URL name → (roles whose POST goes through, the status they get). Every other signed-in
# staff member gets 403 and nothing changes. Pages that only show something refuse a POST
# (405) for those who may see them.
POST_ALLOWED: dict[str, tuple[set[str], int]] = {
    **{name: (allowed, 405) for name, (allowed, _status) in GET_ALLOWED.items()},
    "staff_invite": ({A}, 302),
    "pledge_event_new": (EDITORS, 302),
    "capability_status_new": (EDITORS, 302),
    "national_strategy_new": (EDITORS, 302),
    "progress_report_new": (EDITORS, 302),
    "draft_edit": (EDITORS, 302),
    "review_detail": (VERIFIERS, 302),
    "review_batch_verify": (VERIFIERS, 302),  # an unknown batch: back to the queue
    "partner_edit": (EDITORS, 302),
    "import_upload": (EDITORS, 302),  # to the preview job's page: nothing changes until applied
    "import_apply": (EDITORS, 302),  # nothing staged: back to the upload
    "engagement_new": (EDITORS, 302),
    "engagement_edit": (EDITORS, 302),
    "pledge_text_new": (EDITORS, 302),  # back to the list: a draft version is open already
    "pledge_text_edit": (EDITORS, 302),
    "pledge_translation_list": ({A, E, V, F, W}, 405),  # GET only
    "pledge_translation_edit": (EDITORS, 302),  # saved, back to the list
    "campaign_settings": ({A}, 302),  # a revision proposed
    "campaign_milestone_add": ({A}, 302),
    "campaign_milestone_remove": ({A}, 302),
    "session_new": ({A, F}, 302),
    "session_edit": ({A, F}, 302),
    "session_status": ({A, F}, 302),  # paused
    "participant_action": ({A, F}, 302),  # let in
    "session_moderation": ({A, F}, 302),  # approved
    "session_outcomes": ({A, F}, 400),  # the session is open: outcomes come after it closes
}


def staff_url_patterns() -> list[URLPattern]:
    """Every URL of the staff workspace, as the resolver has them."""
    return [p for p in staff_urls.urlpatterns if isinstance(p, URLPattern)]


def test_every_staff_url_is_in_the_tables():
    names = {p.name for p in staff_url_patterns()}
    assert names == set(GET_ALLOWED) == set(POST_ALLOWED)


# --- The world each role meets: one record of every kind ---------------------------------------


def actor_for(role: str):
    if role == ANONYMOUS:
        return None
    if role == NO_ROLE:
        return UserFactory(username="nora", email="nora@example.org", is_staff=True)
    return with_role(UserFactory(username=f"{role}-person"), role)


def records_for(user) -> dict:
    """Drafts by someone else (to review), drafts of `user`'s own (to revise), and the rest."""
    author = with_role(UserFactory(username="author"), Role.EDITOR)
    kenya, france = country("KEN"), country("FRA")
    capability = Capability.objects.get(key="mnr-11")
    unicef = Partner.objects.get(slug="unicef")

    verifier = with_role(UserFactory(username="checker"), Role.VERIFIER)

    def drafts(owner, iso3) -> dict:
        place = country(iso3)
        # A verified pledge first: only a pledged state has progress reports (issue 11).
        pledged = services.pledge_event_create(
            country=place,
            user=author,
            **event_kwargs(to_status="pledged", event_date=dt.date(2025, 1, 1)),
        )
        services.record_verify(
            record=pledged, user=verifier, expected_lock_version=pledged.lock_version
        )
        made = {
            "pledge-event": services.pledge_event_create(
                country=place, user=author, **event_kwargs()
            ),
            "capability-status": services.capability_status_create(
                country=place,
                capability=capability,
                status="in_place",
                user=author,
                source_url="https://example.org/c",
            ),
            "national-strategy": services.national_strategy_create(
                country=place, user=author, status="drafting", source_url="https://e.org/s"
            ),
            "progress-report": services.progress_report_create(
                country=place,
                user=author,
                report_date=dt.date(2026, 1, 10),
                title="First progress report",
                source_url="https://example.org/report",
            ),
        }
        if owner is not None and owner != author:
            for record in made.values():
                # Given, not a door under test: the draft is theirs.
                record.created_by = record.last_changed_by = owner
                record.save()
                record.refresh_from_db()
        return made

    to_review = drafts(author, "KEN")
    to_review["partner"] = partner_create(
        user=author, slug="new-ngo", name="A new NGO", partner_type="civil_society"
    )
    to_review["revision"] = services.record_change(
        record=unicef,
        user=author,
        expected_lock_version=unicef.lock_version,
        values={"description": "Changed by the author"},
    )
    text = services.pledge_text_next_version(user=author)
    to_review["pledge-text"] = services.pledge_text_update(
        text=text,
        user=author,
        expected_lock_version=text.lock_version,
        values={"changelog": "Matrix"},
    )
    own = drafts(user, "BRA")
    engagement = engagement_create(
        user=author,
        country=france,
        institution="Ministry",
        date=dt.date(2026, 1, 5),
        channel="email",
        outcome="x",
    )
    # Children's sessions: the user's own when they may run one (else a facilitator's), open,
    # with a child waiting and an idea to read.
    runner = (
        user
        if user is not None and user.has_perm("drafting.add_draftingsession")
        else with_role(UserFactory(username="runner"), Role.FACILITATOR)
    )
    session = open_session(runner, PledgeText.objects.public().order_by("-version").first())
    waiting, _token = drafting_services.participant_join(code=session.join_code)
    pupil, _token = drafting_services.participant_join(code=session.join_code)
    drafting_services.participant_admit(participant=pupil, user=runner)
    idea = drafting_services.suggestion_submit(participant=pupil, clause_key="", text="An idea")
    return {
        "drafting_session": session,
        "waiting": waiting,
        "idea": idea,
        "to_review": to_review,
        "own": own,
        "engagement": engagement,
        "partner": Partner.objects.get(slug="itu"),  # UNICEF has a revision open
        "country": kenya,
        "author": author,
    }


def url_kwargs(name: str, records: dict) -> list[dict]:
    """Real arguments for every URL: one set, or one per kind where a URL takes a kind."""
    if name in ("country_workspace", "country_history", "pledge_event_new"):
        return [{"iso3": "KEN"}]
    if name in ("national_strategy_new", "progress_report_new"):
        return [{"iso3": "KEN"}]
    if name == "capability_status_new":
        return [{"iso3": "KEN", "key": "mnr-11"}]
    if name == "draft_edit":
        return [{"kind": key, "pk": records["own"][key].pk} for key in EDIT_FORMS]
    if name == "review_detail":
        return [{"kind": key, "pk": records["to_review"][key].pk} for key in REVIEW_KINDS]
    if name in ("import_upload", "import_apply", "import_template"):
        return [{"kind": key} for key in IMPORTERS]
    if name == "import_job_progress":
        return [{"kind": key, "job_id": uuid.UUID(int=0)} for key in IMPORTERS]
    if name == "engagement_edit":
        return [{"pk": records["engagement"].pk}]
    if name == "partner_edit":
        return [{"pk": records["partner"].pk}]
    if name in ("pledge_translation_list", "pledge_translation_edit"):
        draft = PledgeText.objects.exclude(review_state="verified").first()
        if draft is None:
            draft = services.pledge_text_next_version(user=records["author"])
        if name == "pledge_translation_list":
            return [{"version": draft.version}]
        clause = draft.clauses.order_by("number").first()
        return [{"version": draft.version, "clause": clause.pk, "language": "fr"}]
    if name == "pledge_text_edit":
        # A draft version (the one to review, unless a verifier's POST published it).
        draft = PledgeText.objects.exclude(review_state="verified").first()
        if draft is None:
            draft = services.pledge_text_next_version(user=records["author"])
        return [{"version": draft.version}]
    if name == "campaign_milestone_remove":
        return [{"pk": Milestone.objects.order_by("date").first().pk}]
    if name.startswith("session_") and name not in ("session_list", "session_new"):
        return [{"pk": records["drafting_session"].pk}]
    if name == "participant_action":
        return [{"pk": records["drafting_session"].pk, "participant": records["waiting"].pk}]
    pattern = next(p for p in staff_url_patterns() if p.name == name)
    assert not pattern.pattern.converters, f"give {name} its arguments in url_kwargs()"
    return [{}]


def post_data(name: str, kwargs: dict, records: dict) -> dict:
    """A valid submission for each form (what an allowed role's POST would save)."""
    evidence = {"source_url": "https://example.org/matrix", "reason": "Matrix"}
    if name == "pledge_event_new":
        # (the state has pledged: see records_for)
        return {"to_status": "strategy_adopted", "event_date": "2026-03-01", **evidence}
    if name == "capability_status_new":
        return {"status": "in_place", **evidence}
    if name == "national_strategy_new":
        return {"status": "adopted", "title": "Strategy", "year": "2024", **evidence}
    if name == "progress_report_new":
        return {"report_date": "2026-02-01", "title": "Report", **evidence}
    if name == "draft_edit":
        record = records["own"][kwargs["kind"]]
        values = {
            "pledge-event": {"to_status": "declined", "event_date": "2026-03-01"},
            "capability-status": {"status": "not_in_place"},
            "national-strategy": {"status": "adopted", "title": "Revised"},
            "progress-report": {"report_date": "2026-01-11", "title": "Revised report"},
        }[kwargs["kind"]]
        return {**values, **evidence, "lock_version": record.lock_version}
    if name == "review_detail":
        record = type(records["to_review"][kwargs["kind"]]).objects.get(pk=kwargs["pk"])
        return {"decision": "verify", "lock_version": record.lock_version}
    if name == "partner_edit":
        partner = Partner.objects.get(pk=kwargs["pk"])
        return partner_form(partner, description="Changed in the matrix")
    if name == "import_upload":
        header = ",".join(c.name for c in IMPORTERS[kwargs["kind"]].columns)
        upload = SimpleUploadedFile("rows.csv", f"{header}\r\n".encode(), "text/csv")
        return {"file": upload}
    if name == "import_apply":
        return {"sha256": "0" * 64}
    if name == "review_batch_verify":
        return {"batch": "0" * 64}
    if name in ("engagement_new", "engagement_edit"):
        data = {
            "country": "KEN",
            "institution": "Ministry of ICT",
            "date": "2026-02-01",
            "channel": "meeting",
            "outcome": "Agreed to talk again",
        }
        if name == "engagement_edit":
            data["lock_version"] = Engagement.objects.get(pk=kwargs["pk"]).lock_version
        return data
    if name == "pledge_text_edit":
        text = PledgeText.objects.get(version=kwargs["version"])
        clause = text.clauses.first()
        return {
            "action": "clause-update",
            "clause": clause.pk,
            "formal_text": "Reworded in the matrix",
            "child_text": clause.child_text,
            "lock_version": text.lock_version,
        }
    if name == "pledge_translation_edit":
        text = PledgeText.objects.get(version=kwargs["version"])
        return {
            "formal_text": "Nous nous engageons (matrice).",
            "child_text": "Nous allons t'aider.",
            "lock_version": text.lock_version,
        }
    if name == "staff_invite":
        return {"email": "new.person@example.org", "role": Role.VIEWER}
    if name == "campaign_settings":
        campaign = Campaign.objects.get()
        return settings_form(campaign, target_states=150)
    if name == "campaign_milestone_add":
        return {"name": "UN General Assembly", "date": "2027-09-21", "kind": "un_event"}
    if name == "campaign_milestone_remove":
        return {"lock_version": Milestone.objects.get(pk=kwargs["pk"]).lock_version}
    if name in ("session_new", "session_edit"):
        text = records["drafting_session"].pledge_text
        data = {**session_fields(text, title="Matrix room"), "pledge_text": text.pk}
        if name == "session_edit":
            data["lock_version"] = DraftingSession.objects.get(pk=kwargs["pk"]).lock_version
        return data
    if name == "session_status":
        session = DraftingSession.objects.get(pk=kwargs["pk"])
        return {"action": "pause", "lock_version": session.lock_version}
    if name == "participant_action":
        return {"action": "admit"}
    if name == "session_moderation":
        return {"action": "approve", "item": records["idea"].pk}
    if name == "session_outcomes":
        return {"suggestion": records["idea"].pk, "outcome": "used", "outcome_reason": "Thanks"}
    return {}


AUDITED = (
    PledgeEvent,
    ProgressReport,
    CapabilityStatus,
    NationalStrategy,
    Pledge,
    Revision,
    Partner,
    Engagement,
    PledgeText,
    PledgeClause,
    PledgeClauseTranslation,
    Campaign,
    Milestone,
    DraftingSession,
)


def fingerprint() -> dict:
    """Every row and every saved version of the records a workspace door can change, and the
    staff accounts."""
    from django.contrib.auth import get_user_model

    state = {
        model.__name__: (
            sorted(model._base_manager.values_list("pk", "lock_version")),
            model.history.count(),
        )
        for model in AUDITED
    }
    state["users"] = get_user_model().objects.count()
    state["participants"] = sorted(Participant.objects.values_list("pk", "status"))
    state["suggestions"] = (
        sorted(Suggestion.objects.values_list("pk", "status", "outcome")),
        Suggestion.history.count(),
    )
    return state


def expected(table: dict, name: str, role: str) -> int:
    if role == ANONYMOUS:
        return 302
    allowed, status = table[name]
    return status if role in allowed else 403


def call(client, method: str, path: str, data=None):
    response = getattr(client, method)(path, data or {})
    location = response.get("Location", "")
    return response.status_code, location


@pytest.mark.parametrize("role", EVERYONE)
def test_every_staff_url_answers_a_get_as_the_table_says(client, role):
    # AUTH-04
    # given someone in the role, and a record of every kind for each URL to open
    user = actor_for(role)
    records = records_for(user)
    if user is not None:
        client.force_login(user)
    wrong = []
    for pattern in staff_url_patterns():
        for kwargs in url_kwargs(pattern.name, records):
            path = reverse(f"staff:{pattern.name}", kwargs=kwargs)
            # when
            status, location = call(client, "get", path)
            # then
            want = expected(GET_ALLOWED, pattern.name, role)
            if status != want or (want == 302 and not location.startswith("/en/accounts/login/")):
                wrong.append(f"GET {path}: {status}, expected {want}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", EVERYONE)
def test_every_staff_post_answers_as_the_table_says_and_a_refusal_changes_nothing(
    client, role, mailoutbox
):
    # AUTH-04, AUD-04, SEC-04
    user = actor_for(role)
    records = records_for(user)
    if user is not None:
        client.force_login(user)
    wrong = []
    for pattern in staff_url_patterns():
        for kwargs in url_kwargs(pattern.name, records):
            path = reverse(f"staff:{pattern.name}", kwargs=kwargs)
            want = expected(POST_ALLOWED, pattern.name, role)
            before = fingerprint()
            # when they submit a valid form
            status, _location = call(client, "post", path, post_data(pattern.name, kwargs, records))
            # then
            if status != want:
                wrong.append(f"POST {path}: {status}, expected {want}")
            if role not in POST_ALLOWED[pattern.name][0] and fingerprint() != before:
                wrong.append(f"POST {path}: refused, yet something changed")
    assert not wrong, "\n".join(wrong)
    if role != A:
        assert not mailoutbox  # no invitation went out


@pytest.mark.parametrize("role", [*Role.ALL, NO_ROLE])
def test_every_refusal_is_in_the_security_log(client, role):
    # AUD-04: a refusal by a page or by a service, each once, with the path
    from pledges.models import SecurityEvent, SecurityEventKind

    user = actor_for(role)
    records = records_for(user)
    client.force_login(user)
    refused = []
    for pattern in staff_url_patterns():
        for kwargs in url_kwargs(pattern.name, records):
            path = reverse(f"staff:{pattern.name}", kwargs=kwargs)
            if client.get(path).status_code == 403:
                refused.append(path)
    logged = SecurityEvent.objects.filter(kind=SecurityEventKind.PERMISSION_DENIED, user=user)
    assert sorted(logged.values_list("path", flat=True)) == sorted(refused)
