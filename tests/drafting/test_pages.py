"""The children's pages at /draft/: flow, bad input, headers, weight (CH-08, CH-13, CH-15)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from drafting import services
from drafting.models import Suggestion, SuggestionStatus
from tests.drafting.conftest import child, close, open_session

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def child_pages(token: str, idea_pk: int) -> list[str]:
    return [
        reverse("drafting:home", args=[token]),
        reverse("drafting:suggest", args=[token]),
        reverse("drafting:ideas", args=[token]),
        reverse("drafting:mine", args=[token]),
        reverse("drafting:concern", args=[token]),
    ]


@pytest.fixture
def world(session, fay):
    a, token_a = child(session, fay)
    b, token_b = child(session, fay)
    idea = services.suggestion_submit(participant=a, clause_key="", text="Idea of A")
    return {"a": a, "b": b, "token_a": token_a, "token_b": token_b, "idea": idea}


def test_join_wait_admit_write_flow(session, fay):
    # CH-01, CH-04: join with the code, wait, get let in, write
    client = Client()
    page = client.get("/en/draft/join/?code=" + session.join_code)
    assert page.status_code == 200 and session.join_code in page.content.decode()
    response = client.post(
        "/en/draft/join/", {"code": services.join_code_display(session.join_code)}
    )
    assert response.status_code == 302
    home = response["Location"]
    waiting = client.get(home)
    # No timed refresh (WCAG 2.2.1, axe "meta-refresh"): the child presses "Check now".
    assert b'http-equiv="refresh"' not in waiting.content
    assert "Check now" in waiting.content.decode()
    participant = session.participants.get()
    assert participant.pseudonym in waiting.content.decode()
    services.participant_admit(participant=participant, user=fay)
    text_page = client.get(home)
    assert b'http-equiv="refresh"' not in text_page.content
    clause = session.pledge_text.clauses.order_by("number").first()
    assert clause.child_text in text_page.content.decode()
    sent = client.post(home + "suggest/", {"clause_key": clause.key, "text": "Clearer words"})
    assert sent.status_code == 302
    mine = client.get(sent["Location"])
    assert "Clearer words" in mine.content.decode()


def test_the_writing_page_says_who_reads_and_what_not_to_write(world):
    # issue 10, item 3
    body = Client().get(reverse("drafting:suggest", args=[world["token_a"]])).content.decode()
    assert "A facilitator reads it first" in body
    assert "Do not write your name, your school" in body


def test_another_child_sees_only_approved_ideas_without_a_name(world, fay):
    # CH-04, CH-07
    b_client = Client()
    url = reverse("drafting:ideas", args=[world["token_b"]])
    assert "Idea of A" not in b_client.get(url).content.decode()
    services.suggestion_approve(suggestion=world["idea"], user=fay)
    body = b_client.get(url).content.decode()
    assert "Idea of A" in body
    assert world["a"].pseudonym not in body


def test_a_like_counts_only_after_close(world, fay, session):
    # CH-10
    services.suggestion_approve(suggestion=world["idea"], user=fay)
    client = Client()
    like = reverse("drafting:like", args=[world["token_b"], world["idea"].pk])
    assert client.post(like).status_code == 302
    again = client.post(like)
    assert again.status_code == 400 and "already liked" in again.content.decode()
    ideas = reverse("drafting:ideas", args=[world["token_b"]])
    assert "children liked" not in client.get(ideas).content.decode()
    assert "child liked" not in client.get(ideas).content.decode()
    close(session, fay)
    assert "1 child liked this" in client.get(ideas).content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("x" * 900, "too long"),
        ("sneaky \u202etxet", "hidden characters"),
        ("ctrl \x01 char", "hidden characters"),
    ],
)
def test_bad_text_gets_a_plain_message_and_stays_in_the_box(world, typed, message):
    # CH-15 (bad input)
    url = reverse("drafting:suggest", args=[world["token_a"]])
    response = Client().post(url, {"clause_key": "", "text": typed})
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    kept = typed.replace("\x01", "&#x01;") if "\x01" in typed else typed
    assert typed in body or kept in body or typed.split()[0] in body
    assert re.search(r"<textarea[^>]*>" + re.escape(typed.split()[0]), body)


def test_a_double_submit_keeps_one_idea_and_the_text(world):
    # bad input: double submit
    url = reverse("drafting:suggest", args=[world["token_a"]])
    client = Client()
    client.post(url, {"clause_key": "", "text": "Twice"})
    second = client.post(url, {"clause_key": "", "text": "Twice"})
    assert second.status_code == 400
    assert "already sent this idea" in second.content.decode()
    assert ">Twice</textarea>" in second.content.decode()
    assert Suggestion.objects.filter(text="Twice").count() == 1


def test_wrong_code_closed_session_removed_child_get_plain_messages(world, session, fay):
    # bad input: wrong code, closed session, removed participant
    client = Client()
    wrong = client.post("/en/draft/join/", {"code": "WRONG-CODE1"})
    assert wrong.status_code == 400 and "could not find a session" in wrong.content.decode()
    assert 'value="WRONG-CODE1"' in wrong.content.decode()
    services.participant_remove(participant=world["b"], user=fay)
    removed = client.post(
        reverse("drafting:suggest", args=[world["token_b"]]), {"text": "Still here"}
    )
    assert "taken you out" in removed.content.decode()
    assert ">Still here</textarea>" in removed.content.decode()
    close(session, fay)
    late = client.post(reverse("drafting:suggest", args=[world["token_a"]]), {"text": "Late"})
    assert "session has ended" in late.content.decode()
    assert ">Late</textarea>" in late.content.decode()
    unknown = client.get(reverse("drafting:home", args=["not-a-real-token"]))
    assert unknown.status_code == 404 and "does not work" in unknown.content.decode()


def test_report_mine_and_remove_are_within_two_clicks_of_every_child_page(world):
    # CH-08
    token = world["token_a"]
    client = Client()
    mine = reverse("drafting:mine", args=[token])
    concern = reverse("drafting:concern", args=[token])
    for url in child_pages(token, world["idea"].pk):
        body = client.get(url).content.decode()
        assert f'href="{mine}"' in body, url  # one click: my ideas
        assert f'href="{concern}"' in body, url  # one click: report a concern
    withdraw = reverse("drafting:withdraw", args=[token, world["idea"].pk])
    assert f'action="{withdraw}"' in client.get(mine).content.decode()  # second click
    assert client.post(withdraw).status_code == 302
    world["idea"].refresh_from_db()
    assert world["idea"].status == SuggestionStatus.WITHDRAWN
    sent = client.post(concern, {"text": "Something upset me"})
    assert "Thank you for telling us" in sent.content.decode()


def test_outcome_and_reason_reach_the_child_with_the_same_link(world, fay, session):
    # CH-09
    services.suggestion_approve(suggestion=world["idea"], user=fay)
    close(session, fay)
    services.suggestion_outcome_set(
        suggestion=world["idea"], user=fay, outcome="used", reason="It is now in part 3."
    )
    body = Client().get(reverse("drafting:mine", args=[world["token_a"]])).content.decode()
    assert "Used" in body and "It is now in part 3." in body


def test_child_pages_send_permissions_policy_set_only_csrf_cookie_load_nothing_third_party(
    world,
):
    # CH-13
    client = Client()
    urls = ["/en/draft/join/", *child_pages(world["token_a"], world["idea"].pk)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Permissions-Policy"]
        for feature in ("geolocation=()", "camera=()", "microphone=()"):
            assert feature in policy, url
        assert set(response.cookies) <= {settings.CSRF_COOKIE_NAME, settings.SESSION_COOKIE_NAME}
        assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
        body = response.content.decode()
        # no third-party resource: every src/href is on this site
        for attr in re.findall(r'(?:src|href|action)="([^"]+)"', body):
            assert attr.startswith(("/", "#", "?")), (url, attr)
        assert "<script" not in body and "style=" not in body, url
    posted = client.post(reverse("drafting:suggest", args=[world["token_a"]]), {"text": "New"})
    assert set(posted.cookies) <= {settings.CSRF_COOKIE_NAME, settings.SESSION_COOKIE_NAME}


def test_children_templates_have_no_analytics_and_no_safe_filter():
    # CH-13, CH-15: children's text is escaped on output, never marked safe
    folder = ROOT / "drafting" / "templates"
    for path in folder.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        assert "|safe" not in source and "autoescape off" not in source, path
        assert "analytics" not in source.lower() and "gtag" not in source, path
    for path in (ROOT / "drafting").rglob("*.py"):
        assert "mark_safe" not in path.read_text(encoding="utf-8"), path


def test_childrens_text_is_escaped(world, fay):
    # CH-15
    a = world["a"]
    services.suggestion_submit(
        participant=a, clause_key="", text="<b>bold</b> & <script>x</script>"
    )
    body = Client().get(reverse("drafting:mine", args=[world["token_a"]])).content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in body and "<script>x" not in body


def test_each_child_page_weighs_under_30_kb_compressed(world, fay, session):
    # issue 10, item 3: the page and everything it loads, gzip-compressed
    for _ in range(12):
        kid, _token = child(session, fay)
        idea = services.suggestion_submit(participant=kid, clause_key="", text="An idea " * 90)
        services.suggestion_approve(suggestion=idea, user=fay)
    css = Path(finders.find("drafting/drafting.css")).read_bytes()
    client = Client()
    for url in ["/en/draft/join/", *child_pages(world["token_a"], world["idea"].pk)]:
        html = client.get(url).content
        assets = re.findall(rb'(?:src|href)="/static/([^"]+)"', html)
        assert assets == [b"drafting/drafting.css"], assets
        total = len(gzip.compress(html)) + len(gzip.compress(css))
        assert total < 30 * 1024, (url, total)


def test_the_words_follow_the_sessions_age_band(fay, text):
    # CH-02 (age is the session's band, never asked) and plain words for the age band
    younger = open_session(fay, text, age_band="10-12", title="Younger group")
    _participant, token = child(younger, fay)
    body = Client().get(reverse("drafting:suggest", args=[token])).content.decode()
    assert "A grown-up helping today reads it first" in body
    assert "birth" not in body.lower() and "how old" not in body.lower()


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_child_pages_make_a_constant_number_of_queries(world, fay, session):
    # Pinned: the participant with its session and text (1), the clauses and their
    # translations (2), the approved ideas (1), the child's likes (1); "My ideas" reads the
    # clauses (2) and the child's ideas (1). The same at 1 and at 11 ideas.
    client = Client()
    ideas = reverse("drafting:ideas", args=[world["token_b"]])
    mine = reverse("drafting:mine", args=[world["token_a"]])
    services.suggestion_approve(suggestion=world["idea"], user=fay)
    small = (_queries(client, ideas), _queries(client, mine))
    for n in range(10):
        kid, _ = child(session, fay)
        idea = services.suggestion_submit(participant=kid, clause_key="", text=f"More {n}")
        services.suggestion_approve(suggestion=idea, user=fay)
        if n < 8:  # within the child's rate limit (10 ideas in 10 minutes)
            services.suggestion_submit(participant=world["a"], clause_key="", text=f"Mine {n}")
    big = (_queries(client, ideas), _queries(client, mine))
    assert small == big == (5, 4), (small, big)


def test_a_form_refused_by_the_csrf_check_gives_the_words_back(world):
    # bad input: a page left open too long (its CSRF token no longer matches)
    client = Client(enforce_csrf_checks=True)
    url = reverse("drafting:suggest", args=[world["token_a"]])
    refused = client.post(url, {"clause_key": "", "text": "Words I typed"})
    assert refused.status_code == 403
    body = refused.content.decode()
    assert ">Words I typed</textarea>" in body and f'action="{url}"' in body
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    sent = client.post(url, {"csrfmiddlewaretoken": token, "text": "Words I typed"})
    assert sent.status_code == 302
    assert Suggestion.objects.filter(text="Words I typed").exists()


def test_a_staff_csrf_failure_is_djangos_own():
    response = Client(enforce_csrf_checks=True).post("/en/accounts/login/", {})
    assert response.status_code == 403 and b"Please send it again" not in response.content
