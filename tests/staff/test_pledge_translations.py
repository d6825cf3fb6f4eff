"""Translations of the pledge text's clauses in the staff workspace (issue 14, item 3): the
list of clauses by languages (missing, outdated, up to date) and an edit form per clause and
language, every save through pledges.services.pledge_clause_translation_set."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from pledges import services
from pledges.models import PledgeClauseTranslation
from tests.pledge_texts import clause, fresh, next_version, publish
from tests.staff import signed_in

pytestmark = pytest.mark.django_db


def list_url(text) -> str:
    with override("en"):
        return reverse("staff:pledge_translation_list", kwargs={"version": text.version})


def edit_url(text, number: int, language: str) -> str:
    with override("en"):
        return reverse(
            "staff:pledge_translation_edit",
            kwargs={
                "version": text.version,
                "clause": clause(text, number).pk,
                "language": language,
            },
        )


def status_cell(html: str, number: int, position: int) -> str:
    """The status cell of clause `number` for the `position`-th language (fr, es, ru, zh, ar)."""
    row = html.split(f"Clause {number}</th>", 1)[1].split("</tr>", 1)[0]
    return row.split("<td", position + 1)[position + 1].split("</td>", 1)[0]


def test_an_editor_translates_a_clause_into_french_and_the_pledge_page_shows_it(editor, verifier):
    # given a draft next version, its clause 1 not in French
    text = next_version(editor=editor)
    alice = signed_in(editor)
    listing = alice.get(list_url(text)).content.decode()
    assert "Missing" in status_cell(listing, 1, 0)
    form = alice.get(edit_url(text, 1, "fr"))
    assert form.status_code == 200
    assert clause(text, 1).formal_text in form.content.decode()  # the English beside the form
    # when alice saves a French translation
    response = alice.post(
        edit_url(text, 1, "fr"),
        {
            "formal_text": "Nous nous engageons à protéger chaque enfant en ligne.",
            "child_text": "Nous allons te protéger sur Internet.",
            "lock_version": fresh(text).lock_version,
        },
    )
    # then it is saved, up to date, and the version is back in the queue (four eyes)
    assert response.status_code == 302 and response["Location"] == list_url(text)
    assert "Up to date" in status_cell(alice.get(list_url(text)).content.decode(), 1, 0)
    assert fresh(text).review_state == "draft" and fresh(text).last_changed_by == editor
    # and once bob publishes it, /pledge/ in French shows it
    publish(text, verifier=verifier)
    with override("fr"):
        pledge_url = reverse("dashboards:pledge")
    page = Client().get(pledge_url).content.decode()
    assert "Nous nous engageons à protéger chaque enfant en ligne." in page


def test_a_viewer_cannot_translate(viewer):
    # given a draft version and a viewer
    text = next_version(editor=viewer["editor"])
    client = signed_in(viewer["viewer"])
    # then the list shows no edit link, the form is refused, and so is a POST (by the service)
    listing = client.get(list_url(text))
    assert listing.status_code == 200
    assert f"/translations/{clause(text, 1).pk}/" not in listing.content.decode()
    assert client.get(edit_url(text, 1, "fr")).status_code == 403
    response = client.post(
        edit_url(text, 1, "fr"),
        {"formal_text": "x", "child_text": "y", "lock_version": fresh(text).lock_version},
    )
    assert response.status_code == 403
    assert not PledgeClauseTranslation.objects.filter(clause__pledge_text=text).exists()


def test_a_stale_lock_version_is_refused_and_keeps_what_was_typed(editor):
    # given alice opened the form, then the version changed (a clause reworded)
    text = next_version(editor=editor)
    seen = fresh(text).lock_version
    services.pledge_clause_update(
        clause=clause(text, 2),
        user=editor,
        expected_lock_version=seen,
        formal_text="Reworded meanwhile.",
        child_text=clause(text, 2).child_text,
    )
    # when she saves with the version she saw
    response = signed_in(editor).post(
        edit_url(text, 1, "fr"),
        {"formal_text": "Ma traduction.", "child_text": "Mon texte.", "lock_version": seen},
    )
    # then it is refused, said plainly, nothing saved, and her text is still in the form
    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone changed this version since you opened it" in body
    assert "Ma traduction." in body
    assert f'name="lock_version" value="{fresh(text).lock_version}"' in body
    assert not PledgeClauseTranslation.objects.filter(clause__pledge_text=text).exists()


def test_an_outdated_translation_shows_as_outdated_until_saved_again(editor):
    # given clause 1 translated into French, then its English reworded
    text = next_version(editor=editor)
    services.pledge_clause_translation_set(
        clause=clause(text, 1),
        user=editor,
        expected_lock_version=fresh(text).lock_version,
        language="fr",
        formal_text="Première version.",
        child_text="Premier texte.",
    )
    services.pledge_clause_update(
        clause=clause(text, 1),
        user=editor,
        expected_lock_version=fresh(text).lock_version,
        formal_text="The English, reworded.",
        child_text=clause(text, 1).child_text,
    )
    alice = signed_in(editor)
    # then the list and the form say it is outdated
    assert "Outdated" in status_cell(alice.get(list_url(text)).content.decode(), 1, 0)
    assert "Outdated:" in alice.get(edit_url(text, 1, "fr")).content.decode()
    assert "Missing" in status_cell(alice.get(list_url(text)).content.decode(), 1, 1)  # es
    # when it is saved again against the English as it is now
    alice.post(
        edit_url(text, 1, "fr"),
        {
            "formal_text": "Le texte revu.",
            "child_text": "Premier texte.",
            "lock_version": fresh(text).lock_version,
        },
    )
    # then it is up to date
    assert "Up to date" in status_cell(alice.get(list_url(text)).content.decode(), 1, 0)
    assert not PledgeClauseTranslation.objects.get(
        clause=clause(text, 1), language="fr"
    ).is_outdated


def test_a_published_version_shows_no_form_and_refuses_a_save(editor, verifier):
    text = publish(next_version(editor=editor), verifier=verifier)
    alice = signed_in(editor)
    listing = alice.get(list_url(text)).content.decode()
    assert (
        "can no longer be changed" in listing
        and f"/translations/{clause(text, 1).pk}/" not in listing
    )
    response = alice.post(
        edit_url(text, 1, "fr"),
        {"formal_text": "x", "child_text": "y", "lock_version": fresh(text).lock_version},
    )
    assert response.status_code == 400
    assert not PledgeClauseTranslation.objects.filter(clause__pledge_text=text).exists()


def test_an_unknown_language_or_clause_is_not_found(editor):
    text = next_version(editor=editor)
    alice = signed_in(editor)
    assert alice.get(edit_url(text, 1, "en")).status_code == 404
    assert alice.get(edit_url(text, 1, "de")).status_code == 404
    with override("en"):
        other = reverse(
            "staff:pledge_translation_edit",
            kwargs={"version": text.version + 1, "clause": clause(text, 1).pk, "language": "fr"},
        )
    assert alice.get(other).status_code == 404


@pytest.fixture
def viewer(db):
    from tests.factories import UserFactory
    from tests.staff import with_role

    return {
        "viewer": with_role(UserFactory(username="vera"), "viewer"),
        "editor": with_role(UserFactory(username="eddie"), "editor"),
    }
