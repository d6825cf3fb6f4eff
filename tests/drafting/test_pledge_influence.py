"""/pledge/ shows per clause how children shaped it: in aggregate, credited to "a young person
from <region>" (CH-07), suppressed below 5 children (CH-14), approved ideas only (CH-04)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from drafting import services
from tests.drafting.conftest import child, close, open_session
from tests.pledge_texts import next_version, publish

pytestmark = pytest.mark.django_db

HEADING = "How children shaped this clause"


def _ideas(fay, text, *, children: int, region="Africa", clause_key: str):
    """`children` children of one closed session, each with an approved idea on the clause;
    one more child's idea left pending (never counted, never shown)."""
    session = open_session(fay, text, region=region)
    approved = []
    for n in range(children):
        participant, _ = child(session, fay)
        idea = services.suggestion_submit(
            participant=participant, clause_key=clause_key, text=f"Approved idea {n}"
        )
        approved.append(services.suggestion_approve(suggestion=idea, user=fay))
    participant, _ = child(session, fay)
    pending = services.suggestion_submit(
        participant=participant, clause_key=clause_key, text="Secret pending words"
    )
    close(session, fay)
    return approved, pending


def _published_crediting(alice, bob, ideas):
    """The next version, whose first clause credits `ideas`, published (four eyes)."""
    draft = next_version(editor=alice)
    clause = draft.clauses.order_by("number").first()
    for idea in ideas:
        services.suggestion_use_link(clause=clause, suggestion=idea, user=alice)
    publish(draft, verifier=bob)
    return clause


def _clause_html(html: str, key: str) -> str:
    start = html.index(f'id="{key}"')
    end = html.find('<li class="clause"', start + 1)
    return html[start : end if end > 0 else None]


@pytest.mark.parametrize("children", [4, 5])
def test_ch14_ch07_influence_is_suppressed_at_4_children_and_shown_at_5(
    fay, text, alice, bob, children
):
    key = text.clauses.order_by("number").first().key
    ideas, _pending = _ideas(fay, text, children=children, clause_key=key)
    clause = _published_crediting(alice, bob, ideas)
    # when the public reads the pledge page
    html = Client().get(reverse("dashboards:pledge")).content.decode()
    block = _clause_html(html, clause.key)
    # then the clause says children shaped it
    assert HEADING in block
    if children < 5:
        # CH-14: no count, no region below 5 children
        assert "Fewer than 5 children took part" in block
        assert "Africa" not in block
        assert "4 ideas" not in block
    else:
        # CH-07: credited to a young person from the region, never to a pseudonym
        assert "5 ideas from 5 young people" in block
        assert "a young person from Africa" in block
    # never a child's words or pseudonym, approved or not (CH-04, CH-07)
    assert "Approved idea" not in html and "Secret pending words" not in html
    for idea in ideas:
        assert idea.participant.pseudonym not in html


def test_ch14_children_are_counted_across_sessions_and_regions(fay, text, alice, bob):
    key = text.clauses.order_by("number").first().key
    africa, _ = _ideas(fay, text, children=3, region="Africa", clause_key=key)
    europe, _ = _ideas(fay, text, children=2, region="Europe", clause_key=key)
    clause = _published_crediting(alice, bob, [*africa, *europe])
    block = _clause_html(Client().get(reverse("dashboards:pledge")).content.decode(), clause.key)
    assert "a young person from Africa" in block and "a young person from Europe" in block


def test_ch09_an_unpublished_version_shows_no_influence(fay, text, alice):
    # given the crediting version is still a draft
    key = text.clauses.order_by("number").first().key
    ideas, _ = _ideas(fay, text, children=5, clause_key=key)
    draft = next_version(editor=alice)
    clause = draft.clauses.order_by("number").first()
    for idea in ideas:
        services.suggestion_use_link(clause=clause, suggestion=idea, user=alice)
    # then the public page (the published version) credits nothing
    assert HEADING not in Client().get(reverse("dashboards:pledge")).content.decode()


def test_ch04_a_withdrawn_idea_no_longer_counts(fay, text, alice, bob):
    key = text.clauses.order_by("number").first().key
    ideas, _ = _ideas(fay, text, children=5, clause_key=key)
    clause = _published_crediting(alice, bob, ideas)
    # when one child removes their words after the text was published
    services.suggestion_withdraw(participant=ideas[0].participant, suggestion=ideas[0])
    block = _clause_html(Client().get(reverse("dashboards:pledge")).content.decode(), clause.key)
    # then 4 children remain: suppressed again
    assert "Fewer than 5 children took part" in block and "Africa" not in block
