"""Issue 12: one resolver of names and aliases for the import and the public search."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dashboards import public
from dashboards.pagecache import page_cache_clear
from dashboards.snapshot import snapshot_current
from pledges.imports import country_index, country_resolve

pytestmark = pytest.mark.django_db

# What a journalist types, and the one state it must find (before: "UK" found Ukraine and
# the others found nothing, though the import knew these names)
QUERIES = [
    ("UK", {"GBR"}),
    ("Turkey", {"TUR"}),
    ("Vietnam", {"VNM"}),
    ("South Korea", {"KOR"}),
    ("Laos", {"LAO"}),
    ("Czech Republic", {"CZE"}),
    ("Swaziland", {"SWZ"}),
    ("Vatican", {"VAT"}),
    ("ivory", {"CIV"}),
    ("kenya", {"KEN"}),
    ("KEN", {"KEN"}),
    ("Côte d'Ivoire", {"CIV"}),
]


def _found(query: str) -> set[str]:
    data = snapshot_current().data
    return {r.iso3 for r in public.state_rows(data, public.TableQuery(q=query))}


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_public_search_finds_the_right_state(query, expected):
    assert _found(query) == expected


@pytest.mark.parametrize(("query", "expected"), [q for q in QUERIES if q[0] != "ivory"])
def test_the_import_resolves_the_same_names_to_the_same_state(query, expected):
    assert {country_resolve(query, country_index()).iso3} == expected


def test_a_part_of_a_name_still_finds_every_state_with_it():
    assert {"KOR", "PRK"} <= _found("korea")
    assert "UKR" in _found("ukr")


def test_the_map_page_search_uses_the_resolver(client):
    page_cache_clear()
    html = client.get(reverse("dashboards:map"), {"q": "UK"}).content.decode()
    # the table (the server-drawn map above it shows every state, as the map always did)
    table = html.split('id="states-table"', 1)[1].split("</table>", 1)[0]
    assert "/en/countries/GBR/" in table
    assert "/en/countries/UKR/" not in table


def test_every_public_page_has_a_labelled_search_in_its_header(client):
    for url in ["/en/", "/en/map/", "/en/countries/KEN/", "/en/data/", "/exports/"]:
        html = client.get(url).content.decode()
        header = html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
        assert 'role="search"' in header, url
        assert '<label for="site-search-q">' in header and 'id="site-search-q"' in header, url
        assert 'name="q"' in header and 'action="/en/map/"' in header, url
