"""Issue 12, item 3: the home charts, without JavaScript and as drawn."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.django_db


def _progress_payload(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="progress-data">(.*?)</script>', html)
    return json.loads(found.group(1))


def test_without_javascript_each_chart_box_has_a_message_and_its_table_open(client):
    html = client.get("/en/").content.decode()
    for chart in ("funnel", "over-time", "regions"):
        box = html.split(f'data-chart="{chart}"', 1)[1].split("</div>", 1)[0]
        # then: not a blank box
        assert "The figures of this chart are in the table below." in box
    # and the three tables are open until a script has drawn the charts
    assert html.count("<details open data-chart-table>") == 3


def test_the_funnel_says_at_or_beyond_so_it_does_not_contradict_the_status_table(client):
    # before: the bar "Not engaged 143" beside the status table's "Not engaged 10"
    html = client.get("/en/").content.decode()
    funnel = _progress_payload(html)["charts"]["funnel"]
    labels = funnel["layout"]["yaxis"]["ticktext"]
    assert labels[0] == "Not engaged or beyond"
    assert all(label.endswith(" or beyond") for label in labels[:-1])
    assert labels[-1] == "Reporting"  # the last step has nothing beyond it
    assert '<td><span class="status status-not_engaged">Not engaged or beyond</span>' in html
    assert "States at or beyond each step of the ladder" in html


@pytest.mark.parametrize("chart", ["funnel", "regions"])
def test_no_gridline_or_zero_line_is_drawn_over_the_bars(client, chart):
    # before: gridlines over the bars, and the y zero line crossing the top bar
    layout = _progress_payload(client.get("/en/").content.decode())["charts"][chart]["layout"]
    for axis in ("xaxis", "yaxis"):
        assert layout[axis]["showgrid"] is False
        assert layout[axis]["zeroline"] is False
