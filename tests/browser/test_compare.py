"""Compare states (issue 12, item 4) in chromium: keyboard-usable form, tables that fit a
phone (they scroll inside their own box), axe-clean."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_world(reference_data):
    from campaign.demo import demo_accounts_ensure, demo_data_build

    users = demo_accounts_ensure(password="demo-password-for-tests")
    demo_data_build(editor=users["editor"], verifier=users["verifier"], today=dt.date(2026, 11, 1))


@pytest.mark.parametrize("size", [(375, 812), (1366, 900)])
def test_compare_states_by_keyboard_on_phone_and_desktop(page, demo_world, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(reverse("dashboards:country", args=["KEN"]))
    page.get_by_role("link", name="Compare with other states").click()
    # Kenya is already chosen; add Ghana and Fiji with the keyboard
    assert page.get_by_label("State 1").input_value() == "KEN"
    page.get_by_label("State 2").select_option("GHA")
    page.get_by_label("State 3").select_option("FJI")
    page.get_by_label("State 3").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**s=GHA**")
    table = page.get_by_role("table", name="Verified pledge status of each state at each date")
    assert table.get_by_role("columnheader").all_inner_texts()[:4] == [
        "Date",
        "Kenya",
        "Ghana",
        "Fiji",
    ]
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
    assert axe_violations(page) == []
    assert page.requests_outside == []
