"""The public partner directory, partner pages and the embeddable card (issue 11, item 3).

The reference data publishes the 27 partners of the campaign plan that need no disclosure
(the three industry partners stay drafts until staff record one).
"""

from __future__ import annotations

import re

import pytest

from campaign.models import Outcome, Partner
from campaign.services import partner_create, partner_verify
from pledges.models import Capability
from tests.factories import country

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


def _names(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/en/partners/[^"]+/">([^<]+)</a></h3>', html)


@pytest.fixture
def published(alice, bob):
    """Two extra published partners (industry with a disclosure; civil society in KEN)
    and a draft one, by Alice, verified by Bob (four eyes)."""
    cap = Capability.objects.get(key="mnr-11")
    helpline = partner_create(
        user=alice,
        slug="zz-helpline-network",
        name="Zz Helpline Network",
        partner_type="civil_society",
        description="Supports child helplines in East Africa.",
        endorsement="endorsed",
        countries=[country("KEN"), country("UGA")],
        outcomes=[Outcome.objects.get(number=3)],
        capabilities=[cap],
    )
    partner_verify(partner=helpline, user=bob, expected_lock_version=helpline.lock_version)
    tech = partner_create(
        user=alice,
        slug="zz-tech",
        name="Zz Tech",
        partner_type="industry",
        coi_disclosure="Zz Tech sells moderation tools to platforms.",
        endorsement="invited",
    )
    partner_verify(partner=tech, user=bob, expected_lock_version=tech.lock_version)
    partner_create(
        user=alice,
        slug="zz-draft",
        name="Zz Draft Partner",
        partner_type="civil_society",
        countries=[country("KEN")],
    )
    return {"helpline": helpline, "tech": tech}


def test_directory_lists_only_published_partners_with_counts_and_pages(client, published):
    # given 27 reference partners and 2 verified ones (29 published), 1 draft, 3 held
    total = Partner.objects.public().count()
    assert total == 29
    # when the directory is read
    first = _html(client.get("/en/partners/"))
    second = _html(client.get("/en/partners/?page=2"))
    # then 20 on the first page, the rest on the second, and the count says 29
    assert "29 partners" in first
    assert len(_names(first)) == 20 and len(_names(second)) == 9
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert "Zz Draft Partner" not in first + second
    # a page past the end is the last page, not an error
    assert _names(_html(client.get("/en/partners/?page=99"))) == _names(second)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "industry"}, ["Zz Tech"]),
        ({"country": "UGA"}, ["Zz Helpline Network"]),
        ({"country": "uga"}, ["Zz Helpline Network"]),
        ({"capability": "mnr-11", "type": "civil_society"}, ["Zz Helpline Network"]),
        ({"outcome": "3", "q": "east africa"}, ["Zz Helpline Network"]),
        ({"q": "HELPLINES east"}, ["Zz Helpline Network"]),
        ({"q": "zz"}, ["Zz Helpline Network", "Zz Tech"]),
    ],
)
def test_partner_filters(client, published, params, expected):
    # issue 11: filter by type, outcome, country, capability; search
    html = _html(client.get("/en/partners/", params))
    assert _names(html) == expected
    assert f"{len(expected)} partner" in html


def test_filters_that_match_nothing_show_an_empty_state(client, published):
    html = _html(client.get("/en/partners/", {"type": "industry", "country": "KEN"}))
    assert _names(html) == []
    assert "No published partner matches these filters." in html
    assert "0 partners of 29 match" in html


def test_unknown_filter_values_are_ignored_not_errors(client, published):
    response = client.get("/en/partners/", {"type": "<x>", "country": "ZZZ", "outcome": "9"})
    assert response.status_code == 200
    assert "29 partners" in _html(response)


def test_type_menu_counts_partners_matching_the_other_filters(client, published):
    html = _html(client.get("/en/partners/", {"q": "zz"}))
    assert ">Industry (1)</option>" in html
    assert ">Civil society (1)</option>" in html
    assert ">Donor (0)</option>" in html


def test_partner_page_shows_support_places_endorsement_and_disclosure(client, published):
    html = _html(client.get("/en/partners/zz-helpline-network/"))
    assert "Endorses the pledge" in html
    assert "Child helpline" in html  # the MNR capability
    assert 'href="/en/countries/KEN/"' in html and 'href="/en/countries/UGA/"' in html
    assert "Conflict-of-interest disclosure" not in html  # not an industry partner
    tech = _html(client.get("/en/partners/zz-tech/"))
    assert "Conflict-of-interest disclosure" in tech
    assert "Zz Tech sells moderation tools to platforms." in tech
    assert "Invited to endorse" in tech


def test_draft_and_unknown_partners_are_not_found(client, published):
    # a draft partner, and a held industry partner, have no page and no card
    for path in ["/en/partners/zz-draft/", "/en/partners/google/", "/en/embed/partners/zz-draft/"]:
        assert client.get(path).status_code == 404, path


def test_the_card_may_be_framed_the_directory_may_not(client, published):
    card = client.get("/en/embed/partners/zz-tech/")
    assert card.status_code == 200
    assert "X-Frame-Options" not in card
    assert "frame-ancestors *" in card["Content-Security-Policy"]
    assert "Zz Tech" in _html(card)
    page = client.get("/en/partners/zz-tech/")
    assert page["X-Frame-Options"] == "DENY"
    assert "/en/embed/partners/zz-tech/" in _html(page)  # the embed code


def test_country_page_links_its_partners_to_their_pages(client, published):
    html = _html(client.get("/en/countries/UGA/"))
    assert 'href="/en/partners/zz-helpline-network/"' in html
    assert "Zz Draft Partner" not in _html(client.get("/en/countries/KEN/"))


def test_demo_links_between_partners_and_states_are_marked_as_demo(client, alice, bob):
    # given the demo data set, where partners' countries are invented
    from tests.dashboards.test_public_pages import demo_data

    demo_data()
    slug = (
        Partner.objects.public().filter(countries__isnull=False).values_list("slug", flat=True)[0]
    )
    # then the partner page and the directory say so
    assert "Demo data: where partners work is invented" in _html(
        client.get(f"/en/partners/{slug}/")
    )
    assert "Demo data: where partners work is invented" in _html(client.get("/en/partners/"))


def test_warm_partner_pages_make_no_query(client, published, django_assert_num_queries):
    client.get("/en/partners/")  # builds the snapshot
    for url in [
        "/en/partners/",
        "/en/partners/?type=industry",
        "/en/partners/zz-tech/",
        "/en/embed/partners/zz-tech/",
    ]:
        with django_assert_num_queries(0):
            assert client.get(url).status_code == 200, url
