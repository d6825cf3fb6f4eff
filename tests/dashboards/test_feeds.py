"""Atom feeds (issue 11, item 5): valid Atom, verified data only, unknown country is a 404."""

import xml.etree.ElementTree as ET

import pytest

from pledges import services
from tests.factories import country, event_kwargs

ATOM = "{http://www.w3.org/2005/Atom}"

pytestmark = pytest.mark.django_db


def _atom(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None, required
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{required}") is not None, required
    return [e.find(f"{ATOM}id").text for e in entries]


@pytest.fixture
def published(alice, bob):
    verified = services.pledge_event_create(country=country("KEN"), user=alice, **event_kwargs())
    services.pledge_event_verify(
        event=verified, user=bob, expected_lock_version=verified.lock_version
    )
    draft = services.pledge_event_create(country=country("FRA"), user=alice, **event_kwargs())
    return verified, draft


def test_feeds_are_atom_with_verified_only(client, published):
    verified, draft = published
    ids = _atom(client, "/en/feeds/changes.atom")
    assert f"pledge-event-{verified.pk}" in ids
    assert f"pledge-event-{draft.pk}" not in ids
    assert _atom(client, "/en/feeds/countries/KEN.atom") == [f"pledge-event-{verified.pk}"]
    assert _atom(client, "/en/feeds/countries/fra.atom") == []
    assert _atom(client, "/en/feeds/regions/Africa.atom") == [f"pledge-event-{verified.pk}"]
    assert _atom(client, "/en/feeds/regions/europe.atom") == []


def test_unknown_country_or_region_is_404(client, db):
    assert client.get("/en/feeds/countries/XXX.atom").status_code == 404
    assert client.get("/en/feeds/regions/Atlantis.atom").status_code == 404


def test_country_page_and_data_link_the_feeds(client, db):
    page = client.get("/en/countries/KEN/").content.decode()
    assert 'type="application/atom+xml"' in page
    assert "/en/feeds/countries/KEN.atom" in page
    assert "/en/feeds/changes.atom" in client.get("/en/data/").content.decode()
