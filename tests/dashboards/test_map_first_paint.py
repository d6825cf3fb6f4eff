"""Issue 12: the map box must not say "needs JavaScript" while scripts download."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_map_box_says_loading_not_needs_javascript_while_scripts_download(client):
    # given: the map page as first served
    html = client.get(reverse("dashboards:map")).content.decode()
    # then: the visible placeholder says the map is loading; the no-JS message is in <noscript>
    fallback = html.split("data-map-fallback>", 1)[1].split("</p>", 1)[0]
    assert "needs JavaScript" not in fallback
    noscript = html.split("<noscript>", 1)[1].split("</noscript>", 1)[0]
    assert "needs JavaScript" in noscript


def test_public_pages_link_a_favicon(client):
    html = client.get(reverse("dashboards:map")).content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html
