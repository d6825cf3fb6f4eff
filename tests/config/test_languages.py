"""The six UN languages (issue 14): prefixed URLs, old URLs redirect, the switcher, right to
left, state names and sorting in the page's language, the pledge clause by clause.

URLs come from reverse() under `override(language)`: the test does not hard-code a prefix.
"""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import override

import tests.drafting.conftest as drafting
from dashboards.pagecache import page_cache_clear
from pledges import services
from pledges.languages import collation_key, name_code, path_without_language
from pledges.models import Capability, Country, PledgeText
from tests.factories import UserFactory
from tests.pledge_texts import clause, fresh, next_version, publish
from tests.staff import signed_in, with_role

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
RTL = {"ar"}


@pytest.fixture(autouse=True)
def _cold_pages():
    page_cache_clear()
    yield
    page_cache_clear()


def url(name: str, language: str = "en", **kwargs) -> str:
    with override(language):
        return reverse(name, kwargs=kwargs or None)


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode())[0]


# --- Prefixed URLs, and the old ones redirect --------------------------------------------------


OLD_URLS = [
    ("/", "dashboards:home", {}),
    ("/map/", "dashboards:map", {}),
    ("/countries/GHA/", "dashboards:country", {"iso3": "GHA"}),
    ("/pledge/", "dashboards:pledge", {}),
    ("/embed/map/", "dashboards:embed_map", {}),
    ("/partners/", "dashboards:partners", {}),
    ("/live/", "dashboards:live_wall", {}),
    ("/data/", "open_data:data", {}),
    ("/staff/", "staff:staff_home", {}),
    ("/accounts/login/", "account_login", {}),
    ("/draft/join/", "drafting:join", {}),
]


@pytest.mark.parametrize(("old", "name", "kwargs"), OLD_URLS)
def test_an_old_unprefixed_url_redirects_to_the_page_in_the_default_language(old, name, kwargs):
    # given a link published before the language prefixes, with a query string
    # when a visitor with no language preference follows it
    response = Client().get(old + "?layer=pledge&region=Africa")
    # then it lands on the same page in English, the query string kept
    assert response.status_code == 302
    assert response["Location"] == url(name, "en", **kwargs) + "?layer=pledge&region=Africa"


@pytest.mark.parametrize(("old", "name", "kwargs"), OLD_URLS)
def test_accept_language_on_a_first_visit_picks_the_language(old, name, kwargs):
    response = Client().get(old, headers={"accept-language": "fr-CH, fr;q=0.9, en;q=0.5"})
    assert response["Location"] == url(name, "fr", **kwargs)
    assert response["Location"].startswith("/fr/")
    # the redirect depends on the header: a cache must not give it to another visitor
    assert "Accept-Language" in response["Vary"]


def test_the_language_cookie_wins_over_accept_language():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.get("/countries/GHA/", headers={"accept-language": "fr"})
    assert response["Location"] == url("dashboards:country", "ar", iso3="GHA")


def test_an_unknown_language_gets_english():
    response = Client().get("/map/", headers={"accept-language": "de, nl;q=0.8"})
    assert response["Location"] == url("dashboards:map", "en")


def test_the_chinese_prefix_is_zh_hans():
    response = Client().get("/map/", headers={"accept-language": "zh-CN"})
    assert response["Location"] == url("dashboards:map", "zh-hans") == "/zh-hans/map/"


@pytest.mark.parametrize(
    "neutral",
    [
        lambda: reverse("files:snapshot_json"),
        lambda: reverse("files:live_json"),
        lambda: reverse("files:states_download", kwargs={"fmt": "csv"}),
        lambda: reverse("exports:index"),
        lambda: "/api/v1/",
    ],
)
def test_language_neutral_endpoints_keep_their_unprefixed_urls(neutral):
    path = neutral()
    assert path_without_language(path) == path
    response = Client().get(path, headers={"accept-language": "fr"})
    assert response.status_code == 200, path


def test_the_snapshot_and_live_documents_keep_the_paths_of_the_wsgi_fast_path():
    from dashboards.live import LIVE_PATH
    from dashboards.snapshot_http import SNAPSHOT_PATH

    assert reverse("files:snapshot_json") == SNAPSHOT_PATH
    assert reverse("files:live_json") == LIVE_PATH


def test_a_prefixed_page_does_not_vary_on_accept_language_and_is_cached_per_language():
    client = Client()
    english = client.get(url("dashboards:map", "en"))
    french = client.get(url("dashboards:map", "fr"))
    assert "Accept-Language" not in english["Vary"]
    assert english["ETag"] != french["ETag"]
    assert french["Content-Language"] == "fr"
    # a warm page is served from the page cache in its own language
    again = client.get(url("dashboards:map", "fr"), headers={"if-none-match": french["ETag"]})
    assert again.status_code == 304


def test_path_without_language():
    assert path_without_language("/fr/staff/x/") == "/staff/x/"
    assert path_without_language("/zh-hans/") == "/"
    assert path_without_language("/zh-hans") == "/"
    assert path_without_language("/staff/") == "/staff/"
    assert path_without_language("/france/") == "/france/"


# --- Every page in each language ------------------------------------------------------------


def public_pages() -> list[tuple[str, dict]]:
    text = PledgeText.objects.public().order_by("-version").first()
    return [
        ("dashboards:home", {}),
        ("dashboards:map", {}),
        ("dashboards:country", {"iso3": "GHA"}),
        ("dashboards:pledge", {}),
        ("dashboards:pledge_version", {"version": text.version}),
        ("dashboards:pledge_print", {"version": text.version}),
        ("dashboards:embed_map", {}),
        ("dashboards:partners", {}),
        ("dashboards:live_wall", {}),
        ("open_data:data", {}),
        ("drafting:join", {}),
        ("account_login", {}),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_renders_in_each_language_with_its_lang_and_dir(language):
    client = Client()
    for name, kwargs in public_pages():
        response = client.get(url(name, language, **kwargs))
        assert response.status_code == 200, (name, language)
        tag = html_tag(response)
        assert f'lang="{language}"' in tag, (name, tag)
        if name != "dashboards:embed_map":
            direction = "rtl" if language in RTL else "ltr"
            assert f'dir="{direction}"' in tag, (name, tag)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_staff_workspace_renders_in_each_language(language, alice):
    staff = signed_in(with_role(alice, "editor"))
    for name in ("staff:staff_home", "staff:country_list"):
        response = staff.get(url(name, language))
        assert response.status_code == 200, name
        assert f'lang="{language}"' in html_tag(response)
        assert ('dir="rtl"' in html_tag(response)) == (language in RTL)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_childs_page_speaks_the_sessions_language_whatever_the_link(language, db):
    # given a session in this language and a child let in
    facilitator = with_role(UserFactory(username="fay"), "facilitator")
    text = PledgeText.objects.public().order_by("-version").first()
    session = drafting.open_session(facilitator, text, language=language)
    _participant, token = drafting.child(session, facilitator)
    client = Client()
    # when the child follows a link in another language
    other = "ar" if language != "ar" else "en"
    response = client.get(url("drafting:home", other, token=token))
    # then they land on the page in the session's language, which is in that language
    assert response["Location"] == url("drafting:home", language, token=token)
    assert "no-store" in response["Cache-Control"]
    page = client.get(response["Location"])
    assert page.status_code == 200
    tag = html_tag(page)
    assert f'lang="{language}"' in tag and ('dir="rtl"' in tag) == (language in RTL)
    # the session's pages offer no language switch; the join page does, as links
    assert "language-switcher" not in page.content.decode()
    join = client.get(url("drafting:join", other)).content.decode()
    assert f'href="{url("drafting:join", language)}" lang="{language}"' in join
    assert not client.cookies.get(settings.LANGUAGE_COOKIE_NAME)


def test_the_embed_map_is_right_to_left_in_arabic():
    tag = html_tag(Client().get(url("dashboards:embed_map", "ar")))
    assert 'lang="ar"' in tag and 'dir="rtl"' in tag


# --- The language switcher ---------------------------------------------------------------------


def test_the_public_switcher_links_this_page_in_each_language_named_in_its_own():
    page = Client().get(url("dashboards:country", "fr", iso3="GHA") + "?x=1").content.decode()
    switcher = page.split('<nav class="language-switcher"', 1)[1].split("</nav>", 1)[0]
    for language in LANGUAGES:
        link = url("dashboards:country", language, iso3="GHA") + "?x=1"
        assert f'href="{link}" lang="{language}" hreflang="{language}"' in switcher
    assert ">العربيّة</a>" in switcher and ">Русский</a>" in switcher and ">简体中文</a>" in switcher
    assert 'hreflang="fr" aria-current="true">français</a>' in switcher
    # a cached public page holds no per-visitor token
    assert "csrfmiddlewaretoken" not in page


def test_the_staff_switcher_is_a_form_posting_to_set_language(alice):
    staff = signed_in(with_role(alice, "editor"))
    page = staff.get(url("staff:country_list", "en")).content.decode()
    form = page.split('<form class="language-switcher"', 1)[1].split("</form>", 1)[0]
    assert f'action="{reverse("set_language")}" method="post"' in form
    assert 'name="next" value="/en/staff/countries/"' in form
    assert '<option value="ar" lang="ar">العربيّة</option>' in form
    assert "<button" in form  # works without JavaScript
    # when staff choose Arabic, they come back to the same page in Arabic, and it sticks
    response = staff.post(
        reverse("set_language"), {"language": "ar", "next": url("staff:country_list", "en")}
    )
    assert response["Location"] == url("staff:country_list", "ar")
    assert staff.get("/staff/")["Location"] == url("staff:staff_home", "ar")


def test_a_not_found_page_links_to_each_languages_home_page():
    page = Client().get("/fr/no-such-page/").content.decode()
    assert f'href="{url("dashboards:home", "ar")}" lang="ar"' in page


def test_staff_pages_in_any_language_still_require_mfa(alice):
    # given a staff member without an authenticator
    from allauth.mfa.models import Authenticator

    editor = with_role(alice, "editor")
    Authenticator.objects.filter(user=editor).delete()
    client = signed_in(editor)
    # then every workspace page, in every language, sends them to set one up
    for language in ("fr", "ar"):
        response = client.get(url("staff:staff_home", language))
        assert response.status_code == 302
        assert path_without_language(response["Location"]).startswith("/accounts/2fa/")


# --- State names, sorting and search in the page's language -----------------------------------


def test_country_names_follow_the_language_in_the_hover_text_svg_map_table_and_page():
    client = Client()
    ghana = Country.objects.get(iso3="GHA")
    for language, name in [
        ("ru", ghana.name_ru),
        ("ar", ghana.name_ar),
        ("zh-hans", ghana.name_zh),
    ]:
        map_page = client.get(url("dashboards:map", language)).content.decode()
        payload = json.loads(
            re.search(
                r'<script type="application/json" id="[^"]*-data">(.*?)</script>', map_page, re.S
            )[1]
        )
        hover = [t for trace in payload["layers"]["pledge"] for t in trace["text"]]
        assert any(t.startswith(name) for t in hover), language
        assert f"<title>{name}" in map_page  # the server-drawn SVG map
        assert f">{name}</a>" in map_page  # the table of states
        svg = client.get(url("dashboards:map_svg", language)).content.decode()
        assert f"<title>{name}" in svg
        country_page = client.get(url("dashboards:country", language, iso3="GHA")).content
        assert f"<h1>{name}</h1>" in country_page.decode()
    english = client.get(url("dashboards:map", "en")).content.decode()
    assert ghana.name_ru not in english


def test_mnr_names_follow_the_language_on_the_country_page_compare_map_and_staff(alice):
    # given Legislation (mnr-03) in the project's own French translation
    legislation = Capability.objects.get(key="mnr-03")
    assert legislation.name_fr == "Législation"
    client = Client()
    # when the pages are shown in French
    country = client.get(url("dashboards:country", "fr", iso3="GHA")).content.decode()
    compare = client.get(url("dashboards:compare", "fr") + "?s=GHA&s=KEN").content.decode()
    map_page = client.get(url("dashboards:map", "fr")).content.decode()
    # then the capability grid, /compare/ and the map's domain layers name it in French
    assert "3. Législation" in country
    assert escape(legislation.description_fr) in country
    assert "1. Politiques et gouvernance" in country
    assert "3. Législation" in compare
    assert "1. Politiques et gouvernance" in compare
    assert "Politiques et gouvernance" in map_page
    # and English stays English
    english = client.get(url("dashboards:country", "en", iso3="GHA")).content.decode()
    assert "3. Legislation" in english and "Législation" not in english
    # the staff workspace's capability list too
    with_role(alice, "editor")
    staff = signed_in(alice)
    workspace = staff.get(url("staff:country_workspace", "fr", iso3="GHA")).content.decode()
    assert "3. Législation" in workspace


def test_the_api_names_the_mnr_in_six_languages_and_stays_english_keyed():
    client = Client()
    capability = client.get("/api/v1/mnr/capabilities/mnr-03/").json()
    assert capability["name"] == "Legislation"
    assert capability["names"]["fr"] == "Législation"
    assert set(capability["names"]) == {"en", "fr", "es", "ru", "zh", "ar"}
    assert capability["descriptions"]["fr"].startswith("Une législation")
    domains = client.get("/api/v1/mnr/domains/").json()["results"]
    assert domains[0]["names"]["ru"] == "Политика и управление"


def test_state_names_sort_by_the_languages_collation():
    # French: accents do not send "Égypte" after "Zambie"
    names = ["Zambie", "Égypte", "Espagne", "Eswatini"]
    assert sorted(names, key=lambda n: collation_key(n, "fr")) == [
        "Égypte",
        "Espagne",
        "Eswatini",
        "Zambie",
    ]
    # Russian: Yo sits with Ye, not after Ya (code point order would put it first)
    assert sorted(["Япония", "Ёлка", "Египет"], key=lambda n: collation_key(n, "ru")) == [
        "Египет",
        "Ёлка",
        "Япония",
    ]


def test_the_table_of_states_is_in_collation_order_in_french():
    page = Client().get(url("dashboards:map", "fr")).content.decode()
    table = page.split('<table class="data-table', 1)[1].split("</table>", 1)[0]
    shown = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', table)
    assert len(shown) > 100
    assert shown == sorted(shown, key=lambda n: collation_key(n, "fr"))
    # code point order would put "Égypte" after "Zimbabwe": this test can fail
    assert shown.index("Égypte") < shown.index("Espagne") < shown.index("Zimbabwe")


@pytest.mark.parametrize("query", ["Ghana", "Гана", "غانا", "加纳", "GHA"])
def test_the_public_search_finds_a_state_by_its_name_in_any_language(query):
    for language in ("en", "ar"):
        page = Client().get(url("dashboards:map", language), {"q": query}).content.decode()
        table = page.split('<table class="data-table', 1)[1].split("</table>", 1)[0]
        rows = re.findall(r'<th scope="row"><a href="([^"]+)"', table)
        assert rows == [url("dashboards:country", language, iso3="GHA")], (query, language)


def test_name_code_maps_interface_languages_to_reference_fields():
    assert name_code("zh-hans") == "zh"
    assert name_code("ar") == "ar"
    assert name_code("de") == "en"
    assert name_code(None) == "en"


# --- Right to left charts --------------------------------------------------------------------


def test_progress_charts_mirror_in_arabic(settings):
    from dashboards import figures
    from dashboards.snapshot import snapshot_current

    snapshot = snapshot_current()
    with override("ar"):
        arabic = json.loads(
            figures.progress_payload(snapshot.data, snapshot.etag, today=timezone.localdate())
        )
    with override("en"):
        english = json.loads(
            figures.progress_payload(snapshot.data, snapshot.etag, today=timezone.localdate())
        )
    assert arabic["charts"]["funnel"]["layout"]["yaxis"]["side"] == "right"
    assert english["charts"]["funnel"]["layout"]["yaxis"]["side"] == "left"
    assert arabic["charts"]["over-time"]["layout"]["xaxis"]["autorange"] == "reversed"
    low, high = arabic["charts"]["regions"]["layout"]["xaxis"]["range"]
    assert low > high  # the bars grow from the right


# --- The pledge text, clause by clause -------------------------------------------------------


def test_pledge_page_shows_each_clause_in_the_language_or_english_with_a_note(alice, bob):
    # given a version with clause 1 translated into Spanish, clause 2 not
    text = next_version(editor=alice)
    services.pledge_clause_translation_set(
        clause=clause(text, 1),
        user=alice,
        expected_lock_version=fresh(text).lock_version,
        language="es",
        formal_text="Nos comprometemos.",
        child_text="Vamos a ayudar.",
    )
    publish(text, verifier=bob)
    # when the page is read in Spanish
    page = Client().get(url("dashboards:pledge", "es")).content.decode()
    first = page.split(f'id="{clause(text, 1).key}"', 1)[1].split("</li>", 1)[0]
    second = page.split(f'id="{clause(text, 2).key}"', 1)[1].split("</li>", 1)[0]
    # then clause 1 is in Spanish (the English behind a disclosure), clause 2 in English, said
    assert '<div class="clause-columns clause-translation" lang="es">' in first
    assert "Nos comprometemos." in first and "notice-untranslated" not in first
    assert "notice-untranslated" in second and 'lang="en"' in second
    assert "Nos comprometemos." not in second
    # and in English there is no note
    english = Client().get(url("dashboards:pledge", "en")).content.decode()
    assert "notice-untranslated" not in english and "Nos comprometemos." not in english


def test_a_published_embed_still_loads_in_a_frame_through_the_redirect():
    # given an embed snippet published before the language prefixes, on another site
    response = Client().get("/embed/map/?layer=pledge", headers={"accept-language": "ar"})
    # then the redirect may be framed, and so may the page it leads to
    assert response.status_code == 302 and "X-Frame-Options" not in response
    page = Client().get(response["Location"])
    assert page.status_code == 200 and "X-Frame-Options" not in page
    assert "frame-ancestors *" in page["Content-Security-Policy"]
    assert 'dir="rtl"' in html_tag(page)


def test_map_hover_text_reads_from_the_right_in_arabic():
    from dashboards.figures import map_layout

    with override("ar"):
        assert map_layout()["hoverlabel"]["align"] == "right"
    with override("fr"):
        assert map_layout()["hoverlabel"]["align"] == "left"
