"""The staff workspace lists and selects states as the public pages do (issue 14): by their
names in the page's language, in that language's collation (pledges.languages.collation_key),
not by the English name or the code."""

from __future__ import annotations

import html
import re

import pytest

from campaign.models import Campaign, Partner
from pledges.languages import collation_key, country_name
from pledges.models import Country
from pledges.roles import Role
from tests.factories import UserFactory
from tests.staff import signed_in, with_role

pytestmark = pytest.mark.django_db

LANGUAGES = ["fr", "ru"]


@pytest.fixture
def ada():
    """Ada holds every role a page below asks for: admin, editor and facilitator."""
    user = UserFactory(username="ada", email="ada@example.org")
    for role in (Role.ADMIN, Role.EDITOR, Role.FACILITATOR):
        user = with_role(user, role)
    return signed_in(user)


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select named {name}"
    return [
        html.unescape(text)
        for value, text in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select[1])
        if value
    ]


def _localised(language: str, countries=None) -> set[str]:
    return {country_name(c, language) for c in (countries or Country.objects.all())}


def _assert_collated(shown: list[str], language: str, expected: set[str]) -> None:
    assert set(shown) == expected  # the names in the language, not the English ones
    assert shown == sorted(shown, key=lambda n: collation_key(n, language))


def _form_pages() -> list[tuple[str, str]]:
    partner = Partner.objects.order_by("pk").first()
    return [
        ("/staff/engagements/new/", "country"),
        ("/staff/sessions/new/", "country"),
        (f"/staff/partners/{partner.pk}/edit/", "countries"),
        ("/staff/campaign/", "target_countries"),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_state_select_is_in_the_languages_names_and_collation(ada, language):
    for path, field in _form_pages():
        page = ada.get(f"/{language}{path}").content.decode()
        _assert_collated(_options(page, field), language, _localised(language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_country_list_is_in_the_languages_names_and_collation(ada, language):
    page = ada.get(f"/{language}/staff/countries/").content.decode()
    table = page.split('<table class="data-table', 1)[1].split("</table>", 1)[0]
    shown = [
        html.unescape(n) for n in re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', table)
    ]
    _assert_collated(shown, language, _localised(language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_target_list_is_in_the_languages_names_and_collation(ada, language):
    # given a target list whose English order differs from the French and Russian ones
    targets = Country.objects.filter(iso3__in=["EGY", "ESP", "SWZ", "ZAF", "JPN", "DEU"])
    campaign = Campaign.objects.order_by("pk").first()
    campaign.target_countries.set(targets)
    expected = _localised(language, targets)
    # when the settings page and the dashboard show it
    settings_page = ada.get(f"/{language}/staff/campaign/").content.decode()
    dashboard = ada.get(f"/{language}/staff/dashboard/").content.decode()
    # then
    fields = settings_page.split('<dl class="record-fields">', 1)[1].split("</dl>", 1)[0]
    listed = re.findall(r"<dd>(.*?)</dd>", fields, re.S)[-1]  # the target list is the last
    _assert_collated([html.unescape(n) for n in listed.split(", ")], language, expected)
    not_engaged = dashboard.split('<ul class="columns">', 1)[1].split("</ul>", 1)[0]
    shown = [html.unescape(n) for n in re.findall(r">([^<]+)</a>", not_engaged)]
    _assert_collated(shown, language, expected)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_states_workspace_and_history_are_headed_by_its_name_in_the_language(ada, language):
    state = Country.objects.get(iso3="DEU")  # Allemagne, Германия: unlike its English name
    name = country_name(state, language)
    assert name != state.short_name
    for path in (f"/{language}/staff/countries/DEU/", f"/{language}/staff/countries/DEU/history/"):
        page = html.unescape(ada.get(path).content.decode())
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)[1]
        assert name in heading, path
        assert state.short_name not in heading, path


@pytest.mark.parametrize(("language", "africa"), [("fr", "Afrique"), ("ru", "Африка")])
def test_region_filters_name_the_regions_in_the_language(ada, language, africa):
    for path in (
        f"/{language}/staff/countries/",
        f"/{language}/staff/review/",
        f"/{language}/staff/engagements/",
    ):
        page = html.unescape(ada.get(path).content.decode())
        assert f'<option value="Africa">{africa}</option>' in page, path
