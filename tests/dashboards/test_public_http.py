"""Issue 12, item 5: public pages a CDN can keep; SITE_URL; our 404 page in every mode."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils.translation import override

from dashboards.pagecache import page_cache_clear

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_HTML = [
    "/en/",
    "/en/map/",
    "/en/map/?region=Africa",
    "/en/countries/KEN/",
    "/en/embed/map/",
    "/en/data/",
]


@pytest.fixture(autouse=True)
def _cold_pages():
    page_cache_clear()
    yield
    page_cache_clear()


@pytest.mark.parametrize("url", [*PUBLIC_HTML, "/exports/"])
def test_anonymous_public_html_is_cacheable_with_an_etag_and_revalidates(client, url):
    # given an anonymous visitor
    first = client.get(url)
    assert first.status_code == 200
    # then a CDN may keep it a while and serve it stale while it revalidates
    control = {d.strip().split("=")[0] for d in first["Cache-Control"].split(",")}
    assert {"public", "max-age", "s-maxage", "stale-while-revalidate"} <= control, first[
        "Cache-Control"
    ]
    assert "private" not in control and "no-store" not in control
    assert first["ETag"]
    vary = {v.strip().lower() for v in first["Vary"].split(",")}
    assert {"accept-encoding", "cookie"} <= vary
    # the language is in the URL (/fr/map/), so the page does not vary with Accept-Language
    # (a CDN keeps one copy per URL), except an unprefixed page such as /exports/
    assert "accept-language" not in vary or not url.startswith("/en/")
    assert not first.cookies
    # and a revalidation with its ETag is a 304 with no body
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    assert client.get(url, headers={"if-none-match": 'W/"old"'}).status_code == 200


def test_the_same_page_compressed_has_the_same_weak_etag(client):
    plain = client.get("/en/map/")
    gz = client.get("/en/map/", headers={"accept-encoding": "gzip"})
    assert gz["Content-Encoding"] == "gzip"
    assert gz["ETag"] == plain["ETag"] and plain["ETag"].startswith("W/")
    assert client.get("/en/map/", headers={"if-none-match": gz["ETag"]}).status_code == 304


def test_another_language_is_another_version(client):
    english = client.get(reverse("dashboards:map"))
    with override("fr"):
        french = client.get(reverse("dashboards:map"))
    assert french["Content-Language"] == "fr" and english["Content-Language"] == "en"
    assert english["ETag"] != french["ETag"]
    # the URL says the language: Accept-Language does not change the page (nor its cache key)
    again = client.get(reverse("dashboards:map"), headers={"accept-language": "fr"})
    assert again["ETag"] == english["ETag"]


@pytest.mark.parametrize(
    "url", ["/en/", "/en/map/", "/en/countries/KEN/", "/en/data/", "/exports/"]
)
def test_signed_in_staff_get_private_no_store_pages(alice_client, url):
    response = alice_client.get(url)
    assert response.status_code == 200
    control = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= control
    assert "public" not in control


def test_unknown_state_shows_our_404_page(client):
    response = client.get("/en/countries/XXX/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "No UN Member or observer State has this code." in html
    assert 'class="site-header"' in html


@override_settings(DEBUG=True)
@pytest.mark.parametrize("url", ["/en/countries/XXX/", "/no-such-page/"])
def test_debug_mode_shows_our_404_page_not_djangos(client, url):
    # before: DEBUG=1 answered Django's technical 404 ("Using the URLconf defined in ...")
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and 'class="site-header"' in html
    assert "URLconf" not in html and "technical" not in html.lower()


@override_settings(DEBUG=True)
def test_debug_mode_leaves_the_apis_json_404_alone(client):
    response = client.get("/api/v1/countries/XXX/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_make_demo_sets_site_url_from_its_port():
    # before: `make demo PORT=8123` left SITE_URL at :8000 (embed snippet, permalinks, ...)
    result = subprocess.run(
        [shutil.which("make") or "/usr/bin/make", "-n", "demo", "PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    runserver = [line for line in result.stdout.splitlines() if "runserver" in line]
    assert runserver and "SITE_URL=http://127.0.0.1:8123" in runserver[0]


def test_readme_documents_site_url_and_a_cdn():
    readme = (ROOT / "README.md").read_text()
    assert "SITE_URL" in readme
    assert "CDN" in readme and "stale-while-revalidate" in readme


def test_embed_snippet_uses_site_url(client, settings):
    settings.SITE_URL = "https://pledge.example.org"
    html = client.get(reverse("dashboards:map")).content.decode()
    assert "https://pledge.example.org/en/embed/map/" in html
