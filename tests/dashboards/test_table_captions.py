"""Issue 12: the count and the caption of the table say what is shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dashboards.pagecache import page_cache_clear

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cold():
    page_cache_clear()


def _caption(html: str) -> str:
    return html.split("data-table-caption", 1)[1].split(">", 1)[1].split("</p>", 1)[0]


def test_the_caption_names_the_region_and_its_count(client):
    # before: "All 195 states" whatever the filter
    html = client.get(reverse("dashboards:map"), {"region": "Africa"}).content.decode()
    assert "54 states shown" in html
    assert _caption(html).startswith("54 states in Africa:")


def test_the_caption_of_the_whole_table_says_all_195(client):
    html = client.get(reverse("dashboards:map")).content.decode()
    assert _caption(html).startswith("All 195 states")


def test_a_search_caption_counts_the_rows(client):
    html = client.get(reverse("dashboards:map"), {"q": "korea"}).content.decode()
    assert _caption(html).startswith("2 of 195 states:")


def test_the_browser_has_the_texts_to_update_the_count_and_caption(client):
    html = client.get(reverse("dashboards:map")).content.decode()
    assert 'data-count-other="{n} states shown"' in html
    assert 'data-caption-region="{n} states in {region}:' in html


def test_apply_lands_on_the_results(client):
    html = client.get(reverse("dashboards:map")).content.decode()
    assert 'action="/en/map/#states-heading"' in html
    assert '<h2 id="states-heading" tabindex="-1">' in html
