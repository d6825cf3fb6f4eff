"""The facilitator console in the staff workspace (issue 10): each role, own and other
sessions, the lock version, moderation, outcomes before archive, and crediting ideas in the
pledge-text editor. Each test names the requirement it proves."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from drafting import services
from drafting.models import (
    DraftingSession,
    ParticipantStatus,
    SessionStatus,
    SuggestionStatus,
    SuggestionUse,
)
from pledges.models import SecurityEvent, SecurityEventKind
from pledges.services import pledge_text_next_version
from tests.drafting.conftest import child, close, open_session, session_fields
from tests.factories import UserFactory
from tests.staff import signed_in, with_role

pytestmark = pytest.mark.django_db


def detail(session):
    return reverse("staff:session_detail", kwargs={"pk": session.pk})


SESSION_PAGES = (
    "session_detail",
    "session_edit",
    "session_sheet",
    "session_moderation",
    "session_outcomes",
)


def test_auth04_a_facilitator_sees_only_their_own_sessions(fay, fred, text):
    # given Fay's and Fred's sessions
    mine = open_session(fay, text, title="Fay's room")
    theirs = open_session(fred, text, title="Fred's room")
    client = signed_in(fay)
    # when Fay lists the sessions
    html = client.get(reverse("staff:session_list")).content.decode()
    # then hers only
    assert "Fay&#x27;s room" in html and "Fred&#x27;s room" not in html
    # and every page of Fred's session is refused (403, in the security log); her own open
    for name in SESSION_PAGES:
        assert client.get(reverse(f"staff:{name}", kwargs={"pk": mine.pk})).status_code == 200
        assert client.get(reverse(f"staff:{name}", kwargs={"pk": theirs.pk})).status_code == 403
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.PERMISSION_DENIED, user=fay
    ).count() == len(SESSION_PAGES)
    # and a session that does not exist is a 404
    assert client.get(reverse("staff:session_detail", kwargs={"pk": 99999})).status_code == 404


def test_auth04_another_facilitator_cannot_act_on_a_session(fay, fred, text):
    # given Fay's open session with a child waiting
    session = open_session(fay, text)
    participant, _token = services.participant_join(code=session.join_code)
    client = signed_in(fred)
    # when Fred tries to let the child in, close the session or approve an idea
    admit = reverse(
        "staff:participant_action", kwargs={"pk": session.pk, "participant": participant.pk}
    )
    assert client.post(admit, {"action": "admit"}).status_code == 403
    status_url = reverse("staff:session_status", kwargs={"pk": session.pk})
    response = client.post(status_url, {"action": "close", "lock_version": session.lock_version})
    assert response.status_code == 403
    # then nothing changed
    participant.refresh_from_db()
    session.refresh_from_db()
    assert participant.status == ParticipantStatus.WAITING
    assert session.status == SessionStatus.OPEN


@pytest.mark.parametrize("role", ["viewer", "editor", "verifier"])
def test_auth04_other_roles_are_refused_the_console(role, fay, text):
    session = open_session(fay, text)
    client = signed_in(with_role(UserFactory(username=f"{role}-x"), role))
    assert client.get(reverse("staff:session_list")).status_code == 403
    assert client.get(reverse("staff:session_new")).status_code == 403
    assert client.get(detail(session)).status_code == 403
    # and the workspace menu does not offer it
    home = client.get(reverse("staff:staff_home")).content.decode()
    assert reverse("staff:session_list") not in home


def test_auth04_an_admin_sees_and_acts_on_every_session(ada, fay, fred, text):
    one, two = open_session(fay, text, title="Room one"), open_session(fred, text, title="Two")
    client = signed_in(ada)
    html = client.get(reverse("staff:session_list")).content.decode()
    assert "Room one" in html and "Two" in html
    assert client.get(detail(two)).status_code == 200
    response = client.post(
        reverse("staff:session_status", kwargs={"pk": one.pk}),
        {"action": "pause", "lock_version": one.lock_version},
    )
    assert response.status_code == 302
    one.refresh_from_db()
    assert one.status == SessionStatus.PAUSED


def test_the_list_has_an_empty_state_and_the_home_page_links_it(fay):
    client = signed_in(fay)
    html = client.get(reverse("staff:session_list")).content.decode()
    assert "No sessions yet." in html
    home = client.get(reverse("staff:staff_home")).content.decode()
    assert reverse("staff:session_list") in home and reverse("staff:session_new") in home


def form_data(text, **overrides):
    values = session_fields(text, **overrides)
    values["pledge_text"] = values["pledge_text"].pk
    values = {k: v for k, v in values.items() if v is not None}
    return values


def test_ch03_a_session_is_created_in_the_console_and_cannot_open_without_consent(fay, text):
    client = signed_in(fay)
    # given Fay creates a session without the consent record
    data = form_data(text, consent_basis="", consent_reference="", title="Lima")
    response = client.post(reverse("staff:session_new"), data)
    assert response.status_code == 302
    session = DraftingSession.objects.get(title="Lima")
    assert session.facilitator == fay and session.status == SessionStatus.DRAFT
    # when she tries to open it
    response = client.post(
        reverse("staff:session_status", kwargs={"pk": session.pk}),
        {"action": "open", "lock_version": session.lock_version},
    )
    # then it is refused with the reason, and stays a draft
    assert response.status_code == 400
    assert "parental consent" in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.DRAFT


def test_bad_session_input_gets_a_clear_error_and_keeps_what_was_typed(fay, text):
    client = signed_in(fay)
    data = form_data(text, title="Kept title", region="Atlantis")
    response = client.post(reverse("staff:session_new"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Kept title" in html and "Select a valid choice" in html
    assert not DraftingSession.objects.filter(title="Kept title").exists()


def test_aud03_a_stale_session_edit_is_refused_with_a_clear_message(fay, text):
    # given Fay opened the settings, then the session changed (paused in another tab)
    session = open_session(fay, text)
    loaded = session.lock_version
    services.session_pause(session=session, user=fay, expected_lock_version=loaded)
    client = signed_in(fay)
    data = {**form_data(text, title="My new label"), "lock_version": loaded}
    # when she saves the settings she loaded
    response = client.post(reverse("staff:session_edit", kwargs={"pk": session.pk}), data)
    # then it is refused, clearly, and nothing is saved
    assert response.status_code == 409
    assert "someone else changed this in the meantime" in response.content.decode()
    session.refresh_from_db()
    assert session.title != "My new label"
    # and a stale state change is refused too
    response = client.post(
        reverse("staff:session_status", kwargs={"pk": session.pk}),
        {"action": "close", "lock_version": loaded},
    )
    assert response.status_code == 409
    assert "Someone changed this session" in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.PAUSED


def test_ch01_the_page_shows_the_join_code_and_the_waiting_room_admits_a_child(fay, session):
    participant, _token = services.participant_join(code=session.join_code)
    client = signed_in(fay)
    html = client.get(detail(session)).content.decode()
    assert services.join_code_display(session.join_code) in html
    assert participant.pseudonym in html
    url = reverse(
        "staff:participant_action", kwargs={"pk": session.pk, "participant": participant.pk}
    )
    assert client.post(url, {"action": "admit"}).status_code == 302
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.ADMITTED
    assert client.post(url, {"action": "remove"}).status_code == 302
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.REMOVED


def test_the_instruction_sheet_is_printable_and_in_the_sessions_language(fay, text):
    session = open_session(fay, text, language="fr")
    html = signed_in(fay).get(reverse("staff:session_sheet", kwargs={"pk": session.pk}))
    body = html.content.decode()
    assert services.join_code_display(session.join_code) in body
    # the address children type is the French join page (issue 14: the session's language)
    with translation.override("fr"):
        assert reverse("drafting:join") in body
    assert "/fr/draft/join/" in body
    assert 'lang="fr"' in body
    assert session.facilitator.get_username() not in body.split('class="room-sheet"')[1]


def test_ch05_ch06_the_queue_shows_concerns_first_with_contact_and_hold_reasons(fay, session):
    participant, _ = child(session, fay)
    held = services.suggestion_submit(
        participant=participant, clause_key="", text="Write to me at kid@example.org"
    )
    concern = services.suggestion_submit(
        participant=participant, clause_key="", text="Plain idea about games"
    )
    services.suggestion_mark_concern(suggestion=concern, user=fay)
    html = signed_in(fay).get(reverse("staff:session_moderation", kwargs={"pk": session.pk}))
    body = html.content.decode()
    assert session.safeguarding_contact in body and session.helpline in body
    # the concern first, then the held idea with its reason
    assert body.index(f'id="idea-{concern.pk}"') < body.index(f'id="idea-{held.pk}"')
    assert "Held because:" in body and "mail" in body.lower()


def test_ch04_approve_reject_with_a_reason_and_mark_concern(fay, session):
    participant, _ = child(session, fay)
    ideas = [
        services.suggestion_submit(participant=participant, clause_key="", text=f"Idea {n}")
        for n in range(3)
    ]
    client = signed_in(fay)
    url = reverse("staff:session_moderation", kwargs={"pk": session.pk})
    assert client.post(url, {"action": "approve", "item": ideas[0].pk}).status_code == 302
    # a rejection needs a reason for the child: refused without, the page says why
    response = client.post(url, {"action": "reject", "item": ideas[1].pk})
    assert response.status_code == 400 and "reason the child will read" in response.content.decode()
    response = client.post(
        url, {"action": "reject", "item": ideas[1].pk, "rejection_reason": "Off topic, sorry."}
    )
    assert response.status_code == 302
    assert client.post(url, {"action": "concern", "item": ideas[2].pk}).status_code == 302
    statuses = [type(i).objects.get(pk=i.pk).status for i in ideas]
    assert statuses == [
        SuggestionStatus.APPROVED,
        SuggestionStatus.REJECTED,
        SuggestionStatus.CONCERN,
    ]
    # CH-06: a concern is never shared, whatever is posted
    assert client.post(url, {"action": "approve", "item": ideas[2].pk}).status_code == 400
    assert type(ideas[2]).objects.get(pk=ideas[2].pk).status == SuggestionStatus.CONCERN


def test_ch08_a_childs_concern_report_is_shown_and_handled(fay, session):
    participant, _ = child(session, fay)
    report = services.concern_report_create(participant=participant, text="Someone is mean")
    client = signed_in(fay)
    url = reverse("staff:session_moderation", kwargs={"pk": session.pk})
    assert "Someone is mean" in client.get(url).content.decode()
    assert client.post(url, {"action": "handle-report", "item": report.pk}).status_code == 302
    report.refresh_from_db()
    assert report.handled_by == fay


def test_ch09_archive_is_refused_while_outcomes_are_missing(fay, session):
    participant, _ = child(session, fay)
    one = services.suggestion_submit(participant=participant, clause_key="", text="One idea")
    two = services.suggestion_submit(participant=participant, clause_key="", text="Two ideas")
    services.suggestion_approve(suggestion=one, user=fay)
    session = close(session, fay)
    client = signed_in(fay)
    outcomes = reverse("staff:session_outcomes", kwargs={"pk": session.pk})
    # the outcomes page says clearly which ideas are missing
    html = client.get(outcomes).content.decode()
    assert "2 ideas have no outcome yet" in html
    assert f'href="#idea-{one.pk}"' in html and f'href="#idea-{two.pk}"' in html
    # when she archives now: refused, the session stays closed
    archive = {"action": "archive", "lock_version": session.lock_version}
    status_url = reverse("staff:session_status", kwargs={"pk": session.pk})
    response = client.post(status_url, archive)
    assert response.status_code == 400 and "no outcome yet" in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    # a reason for the child is needed; what was typed stays on refusal
    response = client.post(outcomes, {"suggestion": one.pk, "outcome": "used"})
    assert response.status_code == 400
    for idea in (one, two):
        response = client.post(
            outcomes, {"suggestion": idea.pk, "outcome": "not_used", "outcome_reason": "Thanks!"}
        )
        assert response.status_code == 302
    assert "Every idea has its outcome" in client.get(outcomes).content.decode()
    session.refresh_from_db()
    response = client.post(status_url, {"action": "archive", "lock_version": session.lock_version})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.ARCHIVED


def test_children_text_is_escaped_in_the_console(fay, session):
    # CH-15: a child's text is plain text, escaped on output
    participant, _ = child(session, fay)
    services.suggestion_submit(participant=participant, clause_key="", text="<b>bold</b> idea")
    html = signed_in(fay).get(reverse("staff:session_moderation", kwargs={"pk": session.pk}))
    body = html.content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt; idea" in body and "<b>bold</b>" not in body


# --- Crediting ideas in the pledge-text editor (CH-09) -------------------------------------


@pytest.fixture
def closed_idea(fay, text):
    session = open_session(fay, text)
    participant, _ = child(session, fay)
    clause = text.clauses.order_by("number").first()
    idea = services.suggestion_submit(
        participant=participant, clause_key=clause.key, text="Say it more simply"
    )
    services.suggestion_approve(suggestion=idea, user=fay)
    close(session, fay)
    return idea


def test_ch09_an_editor_links_and_unlinks_an_idea_a_clause_used(closed_idea, text):
    editor = with_role(UserFactory(username="eddie"), "editor")
    draft = pledge_text_next_version(user=editor)
    clause = draft.clauses.get(key=closed_idea.clause_key)
    client = signed_in(editor)
    url = reverse("staff:pledge_text_edit", kwargs={"version": draft.version})
    html = client.get(url).content.decode()
    assert "Say it more simply" in html and "a young person from Africa" in html
    data = {"action": "use-link", "clause": clause.pk, "suggestion": closed_idea.pk}
    assert client.post(url, data).status_code == 302
    assert SuggestionUse.objects.filter(clause=clause, suggestion=closed_idea).exists()
    assert client.post(url, {**data, "action": "use-unlink"}).status_code == 302
    assert not SuggestionUse.objects.exists()


def test_ch09_a_viewer_cannot_credit_an_idea(closed_idea, text):
    editor = with_role(UserFactory(username="eddie"), "editor")
    draft = pledge_text_next_version(user=editor)
    clause = draft.clauses.get(key=closed_idea.clause_key)
    viewer = signed_in(with_role(UserFactory(username="vic"), "viewer"))
    url = reverse("staff:pledge_text_edit", kwargs={"version": draft.version})
    assert "Say it more simply" not in viewer.get(url).content.decode()
    data = {"action": "use-link", "clause": clause.pk, "suggestion": closed_idea.pk}
    assert viewer.post(url, data).status_code == 403
    assert not SuggestionUse.objects.exists()
