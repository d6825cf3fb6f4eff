"""Issue 12, item 4: compare up to five states — statuses over time and the 21 capabilities
side by side, in the order asked for, never a ranking."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from dashboards import public
from dashboards.snapshot import snapshot_current
from tests.dashboards import test_map_svg

pytestmark = pytest.mark.django_db
demo_world = test_map_svg.demo_world  # the demo data set, built once per module


def _url(*codes: str) -> str:
    return reverse("dashboards:compare") + "?" + "&".join(f"s={c}" for c in codes)


def test_states_come_in_the_order_asked_for_with_their_status_at_each_change(demo_world):
    data = snapshot_current().data
    # when
    result = public.comparison(data, ["ken", "FJI", "KEN", ""])
    # then Kenya once, first; Fiji second; no error for the repeat or the empty slot
    assert [s["iso3"] for s in result.states] == ["KEN", "FJI"]
    assert result.errors == []
    # each row is a date one of them changed, oldest first; the changed one is marked
    events = {s["iso3"]: {e["date"]: e["to"] for e in s["events"]} for s in result.states}
    assert [row["date"] for row in result.timeline] == sorted(
        set(events["KEN"]) | set(events["FJI"])
    )
    for row in result.timeline:
        for state, cell in zip(result.states, row["cells"], strict=True):
            if row["date"] in events[state["iso3"]]:
                assert cell["changed"] and cell["status"] == events[state["iso3"]][row["date"]]
    # 21 capabilities, one cell per state
    assert sum(len(d["rows"]) for d in result.domains) == 21
    assert all(len(r["cells"]) == 2 for d in result.domains for r in d["rows"])


def test_unknown_codes_and_a_sixth_state_get_a_clear_message(demo_world):
    data = snapshot_current().data
    result = public.comparison(data, ["KEN", "XXX", "GHA", "FJI", "AUS", "BRA", "FRA"])
    assert [s["iso3"] for s in result.states] == ["KEN", "GHA", "FJI", "AUS", "BRA"]
    assert any("XXX" in e for e in result.errors)
    assert any("France" in e and "5" in e for e in result.errors)


def test_the_page_shows_tables_a_form_and_no_rank(demo_world, client):
    # when
    response = client.get(_url("KEN", "GHA"))
    html = response.content.decode()
    # then
    assert response.status_code == 200
    assert "Pledge status over time" in html
    heads = re.findall(r'<th scope="col">(?:<a [^>]*>)?([^<]+)', html)
    assert heads[:3] == ["Date", "Kenya", "Ghana"]
    # the form keeps the choice, five labelled selects
    assert len(re.findall(r'<label for="compare-\d">', html)) == 5
    assert re.search(r'<option value="KEN" selected>', html)
    # never a ranking
    for word in ("rank", "score", "best", "worst"):
        assert word not in re.sub(r"not a score and states are not ranked", "", html.lower())
    # demo data is labelled
    assert "demo" in html.lower()


def test_an_empty_comparison_explains_what_to_do(demo_world, client):
    html = client.get(reverse("dashboards:compare")).content.decode()
    assert "Choose one or more states above" in html


def test_a_bad_code_is_a_message_on_the_page_not_an_error_page(demo_world, client):
    response = client.get(_url("ZZZ"))
    assert response.status_code == 200
    assert "ZZZ" in response.content.decode()


def test_the_country_page_links_its_comparison(demo_world, client):
    html = client.get(reverse("dashboards:country", args=["KEN"])).content.decode()
    assert f'href="{reverse("dashboards:compare")}?s=KEN"' in html


def test_the_states_to_choose_from_are_in_the_languages_order(demo_world, client):
    # issue 14: in French, "Égypte" sorts among the E, not after "Zimbabwe"
    from django.utils import translation

    from pledges.languages import collation_key

    with translation.override("fr"):
        url = reverse("dashboards:compare")
    html = client.get(url).content.decode()
    first = html.split('<select id="compare-1"', 1)[1].split("</select>", 1)[0]
    names = re.findall(r'<option value="[A-Z]{3}">([^<]+)</option>', first)
    assert len(names) > 190
    assert names == sorted(names, key=lambda n: collation_key(n, "fr"))
    assert names.index("Égypte") < names.index("Zimbabwe")
