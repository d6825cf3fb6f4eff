"""The public pledge text: only published versions, a page per version, the word-level diff,
the printable view, the API and the downloads (issue 9)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from pledges import services
from pledges.models import PledgeText
from tests.pledge_texts import clause, fresh, next_version, publish

pytestmark = pytest.mark.django_db

MARKER = "zqunpublishedclause"


def _html(response) -> str:
    return response.content.decode()


@pytest.fixture
def draft(alice):
    """A draft version 2 (not published) with a distinctive marker in title and clauses."""
    text = next_version(editor=alice, title=f"{MARKER} title", changelog=f"{MARKER} log")
    services.pledge_clause_add(
        text=text,
        user=alice,
        expected_lock_version=fresh(text).lock_version,
        formal_text=f"We commit to {MARKER} formal.",
        child_text=f"We will {MARKER} child.",
    )
    return fresh(text)


def test_pledge_page_shows_the_newest_published_version(client):
    # given the reference data: version 1, published, a placeholder
    text = PledgeText.objects.public().get()
    # when
    response = client.get("/en/pledge/")
    # then
    html = _html(response)
    assert response.status_code == 200
    assert text.title in html
    assert "Placeholder text." in html
    for c in text.clauses.all():
        assert f'id="{c.key}"' in html
        assert c.formal_text.replace("'", "&#x27;") in html
        assert c.child_text.replace("'", "&#x27;") in html
    assert 'class="clause-formal"' in html and 'class="clause-child"' in html
    assert "/en/pledge/v/1/print/" in html


def test_an_unpublished_version_is_invisible_on_every_public_page(client, draft):
    # when / then: not the current version, not in the list, its own URL is a 404
    assert MARKER not in _html(client.get("/en/pledge/"))
    assert client.get(f"/en/pledge/v/{draft.version}/").status_code == 404
    assert client.get(f"/en/pledge/v/{draft.version}/print/").status_code == 404
    # the same 404 as a version that does not exist: no leak of its existence
    missing = client.get("/en/pledge/v/99/")
    assert missing.status_code == 404
    assert _html(client.get(f"/en/pledge/v/{draft.version}/")) == _html(missing)
    assert client.get(f"/en/pledge/compare/?from=1&to={draft.version}").status_code == 404
    assert f"/en/pledge/v/{draft.version}/" not in _html(client.get("/en/pledge/"))
    # the API and its list
    assert client.get(f"/api/v1/pledge-texts/{draft.version}/").status_code == 404
    listing = client.get("/api/v1/pledge-texts/").json()
    assert [t["version"] for t in listing["results"]] == [1]
    assert MARKER not in json.dumps(listing)


def test_a_published_version_keeps_its_permanent_page(client, alice, bob):
    # given version 2 published
    v2 = publish(next_version(editor=alice, title="Second text", changelog="Clearer"), verifier=bob)
    # when
    current = _html(client.get("/en/pledge/"))
    old = client.get("/en/pledge/v/1/")
    # then: /pledge/ is version 2, version 1 is an earlier version with a link back
    assert "Second text" in current and "Clearer" in current
    assert 'href="/en/pledge/v/1/"' in current
    assert old.status_code == 200
    assert "This is an earlier version." in _html(old)
    assert client.get(f"/en/pledge/v/{v2.version}/").status_code == 200
    assert "This is an earlier version." not in _html(client.get(f"/en/pledge/v/{v2.version}/"))
    # the compare form offers both versions
    assert 'name="from"' in current and 'name="to"' in current


def _diff(client, a, b) -> str:
    response = client.get(f"/en/pledge/compare/?from={a}&to={b}")
    assert response.status_code == 200
    return _html(response)


def _clause_block(html: str, key: str) -> str:
    match = re.search(rf'<li class="clause clause-diff[^"]*" id="{key}">(.*?)</li>', html, re.S)
    assert match, key
    return match.group(1)


def test_diff_shows_a_reworded_clause_word_by_word(client, alice, bob):
    # given version 2 where clause 1 is reworded
    text = next_version(editor=alice)
    first = clause(text, 1)
    services.pledge_clause_update(
        clause=first,
        user=alice,
        expected_lock_version=fresh(text).lock_version,
        formal_text=first.formal_text.replace("We commit to", "We resolve to"),
        child_text=first.child_text,
        change_note="Stronger verb.",
    )
    publish(text, verifier=bob)
    # when
    html = _diff(client, 1, 2)
    block = _clause_block(html, first.key)
    # then
    assert "Reworded" in block
    assert '<del><span class="visually-hidden">removed: </span>commit</del>' in block
    assert '<ins><span class="visually-hidden">added: </span>resolve</ins>' in block
    assert "Stronger verb." in block
    # an untouched clause has no label and no marks
    other = _clause_block(html, clause(text, 2).key)
    assert "<del>" not in other and "<ins>" not in other and "change-label" not in other


def test_diff_shows_added_removed_and_moved_clauses(client, alice, bob):
    # given version 2: clause 2 removed, clause 5 moved to the top, a new clause at the end
    text = next_version(editor=alice)
    removed, moved = clause(text, 2), clause(text, 5)
    services.pledge_clause_remove(
        clause=removed, user=alice, expected_lock_version=fresh(text).lock_version
    )
    services.pledge_clause_move(
        clause=fresh(text).clauses.get(key=moved.key),
        user=alice,
        expected_lock_version=fresh(text).lock_version,
        position=1,
    )
    added = services.pledge_clause_add(
        text=text,
        user=alice,
        expected_lock_version=fresh(text).lock_version,
        formal_text="We commit to report every year.",
        child_text="We will tell everyone how we are doing every year.",
        change_note="Asked by children.",
    )
    publish(text, verifier=bob)
    # when
    html = _diff(client, 1, 2)
    # then
    assert "Removed" in _clause_block(html, removed.key)
    assert "<del>" in _clause_block(html, removed.key)
    assert "Former clause 2" in _clause_block(html, removed.key)
    moved_block = _clause_block(html, moved.key)
    assert "Moved" in moved_block and "Was clause 5, now clause 1." in moved_block
    added_block = _clause_block(html, added.key)
    assert "Added" in added_block and "<ins>" in added_block and "Asked by children." in added_block
    assert "<del>" not in added_block


def test_compare_with_bad_parameters_is_a_clear_400(client, alice, bob):
    publish(next_version(editor=alice), verifier=bob)
    for query in ("", "?from=1", "?from=x&to=2", "?from=1&to=1", "?from=-1&to=2"):
        response = client.get(f"/en/pledge/compare/{query}")
        assert response.status_code == 400, query
        assert "Compare versions" in _html(response)
    assert "Choose two different versions" in _html(client.get("/en/pledge/compare/?from=1&to=1"))
    # a well-formed number that is no published version is a 404, as on its own page
    assert client.get("/en/pledge/compare/?from=1&to=7").status_code == 404


def test_print_view_is_formal_then_child_friendly_without_the_site_chrome(client):
    # when
    html = _html(client.get("/en/pledge/v/1/print/"))
    # then
    assert 'class="site-header"' not in html and 'class="site-footer"' not in html
    assert html.index("Formal text") < html.index("Child-friendly text")
    assert 'class="print-body"' in html


def test_translations_show_for_the_active_language_and_say_when_outdated(client, alice, bob):
    # given version 2 with a French translation of clause 1, then clause 1 reworded
    text = _version_with_an_outdated_french_clause(alice)
    publish(text, verifier=bob)
    # when
    french = _html(client.get("/fr/pledge/"))
    english = _html(client.get("/en/pledge/", HTTP_ACCEPT_LANGUAGE="en"))
    # then
    assert "Nous nous engageons." in french and 'lang="fr"' in french
    assert "notice-outdated" in french
    assert "Nous nous engageons." not in english
    api = client.get("/api/v1/pledge-texts/2/").json()
    assert api["clauses"][0]["translations"] == [
        {
            "language": "fr",
            "formal_text": "Nous nous engageons.",
            "child_text": "Nous allons aider.",
            "is_outdated": True,
        }
    ]


def test_api_detail_lists_the_clauses(client):
    text = PledgeText.objects.public().get()
    # when
    body = client.get(f"/api/v1/pledge-texts/{text.version}/").json()
    # then
    assert body["version"] == text.version and body["is_placeholder"] is True
    assert [c["key"] for c in body["clauses"]] == [c.key for c in text.clauses.all()]
    assert set(body["clauses"][0]) == {
        "key",
        "number",
        "formal_text",
        "child_text",
        "change_note",
        "translations",
    }


def test_country_page_links_the_version_pledged_to(client, alice, bob):
    from tests.dashboards.open_data import publish as publish_states

    (state,) = publish_states(n=1, author=alice, verifier=bob)
    # when
    html = _html(client.get(f"/en/countries/{state.iso3}/"))
    # then
    assert 'href="/en/pledge/v/1/"' in html
    assert "version 1 of the pledge text" in html
    assert 'href="/en/pledge/"' in _html(client.get("/en/map/"))


@pytest.mark.parametrize(("clauses", "versions"), [(5, 1), (30, 4)])
def test_pledge_page_query_count_does_not_grow(
    alice, bob, django_assert_num_queries, clauses, versions
):
    # given `versions` published versions, the newest with `clauses` clauses
    for _ in range(versions - 1):
        publish(next_version(editor=alice, clauses=clauses), verifier=bob)
    newest = PledgeText.objects.public().order_by("-version").first()
    assert newest.clauses.count() == (clauses if versions > 1 else 5)
    client = Client()
    # when / then: the published versions; the newest; its clauses; their translations;
    # the children's influence on its clauses (one query, issue 10); the demo-data flag
    # (cached after the first page)
    with django_assert_num_queries(6):
        response = client.get("/en/pledge/")
    assert response.status_code == 200
    with django_assert_num_queries(5):
        client.get(f"/en/pledge/v/{newest.version}/")


def test_the_print_view_notes_each_clause_shown_in_english_or_outdated(client, alice, bob):
    # given version 2 with clause 1 in French, then reworded (outdated); clause 2 not in French
    text = _version_with_an_outdated_french_clause(alice)
    assert not clause(text, 2).translations.filter(language="fr").exists()
    publish(text, verifier=bob)
    # when
    french = _html(client.get(f"/fr/pledge/v/{text.version}/print/"))
    english = _html(client.get(f"/en/pledge/v/{text.version}/print/"))
    # then the notes /pledge/ shows, in French, in both the formal and the child-friendly list
    formal, child = french.split('id="child-heading"', 1)
    for section in (formal, child):
        assert "notice-outdated" in section
        assert "notice-untranslated" in section
    assert "pas encore traduite" in french and "Traduction obsolète" in french
    assert "notice-untranslated" not in english and "notice-outdated" not in english


def _version_with_an_outdated_french_clause(editor):
    """A next version whose clause 1 has a French translation, then an English rewording."""
    text = next_version(editor=editor)
    first = clause(text, 1)
    services.pledge_clause_translation_set(
        clause=first,
        user=editor,
        expected_lock_version=fresh(text).lock_version,
        language="fr",
        formal_text="Nous nous engageons.",
        child_text="Nous allons aider.",
    )
    services.pledge_clause_update(
        clause=clause(text, 1),
        user=editor,
        expected_lock_version=fresh(text).lock_version,
        formal_text=first.formal_text + " Always.",
        child_text=first.child_text,
    )
    return text
