"""Issue 12, item 2: the time slider moves everything on the map page, with date labels and
a play button; a keyboard-driven change leaves no stale tooltip."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.test_map import DRAWN, _shape_centre

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_world(reference_data):
    from campaign.demo import demo_accounts_ensure, demo_data_build

    users = demo_accounts_ensure(password="demo-password-for-tests")
    demo_data_build(editor=users["editor"], verifier=users["verifier"], today=dt.date(2026, 11, 1))


def _rows(page) -> dict[str, tuple[str, str]]:
    return page.evaluate(
        """() => Object.fromEntries(Array.from(
            document.querySelectorAll('#states-table tbody tr[data-iso3]')).map(tr => [
              tr.dataset.iso3,
              [tr.querySelector('[data-cell-status]').textContent.trim(),
               tr.querySelector('[data-cell-since]').textContent.trim()]]))"""
    )


def test_the_slider_moves_the_headline_the_table_and_the_url(page, demo_world):
    # given: what the server says for the first month, through ?at= (the reload that was needed)
    page.goto("/en/map/")
    page.wait_for_selector(f"#world-map{DRAWN}")
    slider = page.get_by_label("Pledge status on", exact=True)
    first = slider.get_attribute("data-steps").split(",")[0]
    page.goto(f"/en/map/?at={first}")
    expected_headline = page.locator("#map-summary").inner_text()
    expected_rows = _rows(page)
    page.goto("/en/map/")
    page.wait_for_selector(f"#world-map{DRAWN}")
    today_headline = page.locator("#map-summary").inner_text()
    today_rows = _rows(page)
    assert expected_headline != today_headline  # the demo has pledges after the first month
    # when the slider goes back to the first month, without a reload
    slider.fill("0")
    # then
    assert page.locator("#map-summary").inner_text() == expected_headline
    assert _rows(page) == expected_rows
    assert f"at={first}" in page.url
    assert f"as it was on {first}" in page.locator(".table-count").inner_text()
    # and back to today: today's headline and rows again, ?at= gone
    slider.fill(str(int(slider.get_attribute("max"))))
    assert page.locator("#map-summary").inner_text() == today_headline
    assert _rows(page) == today_rows
    assert "at=" not in page.url


def test_the_slider_has_date_labels_and_a_play_button(page, demo_world):
    page.goto("/en/map/")
    page.wait_for_selector(f"#world-map{DRAWN}")
    ends = page.locator("[data-time-ends]")
    assert ends.is_visible() and "today" in ends.inner_text()
    slider = page.get_by_label("Pledge status on", exact=True)
    last = int(slider.get_attribute("max"))
    # given: the slider one month before today
    slider.fill(str(last - 1))
    # when
    play = page.get_by_role("button", name="Play")
    play.click()
    # then it plays to today and stops
    assert page.get_by_role("button", name="Pause").get_attribute("aria-pressed") == "true"
    page.wait_for_function(
        f"() => document.getElementById('f-time').value === '{last}'", timeout=5000
    )
    page.get_by_role("button", name="Play").wait_for()
    assert play.get_attribute("aria-pressed") == "false"
    assert "at=" not in page.url


def test_a_keyboard_layer_change_leaves_no_stale_tooltip(page, demo_world):
    # given: the mouse over Brazil, its tooltip up
    page.goto("/en/map/")
    page.wait_for_selector(f"#world-map{DRAWN}")
    x, y = _shape_centre(page, "BRA")
    page.mouse.move(x, y)
    hover = page.locator("#world-map .hoverlayer .hovertext")
    hover.wait_for()
    # when the layer changes from the keyboard (the mouse stays where it was)
    page.get_by_label("Show").focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_selector("#world-map[data-drawn^='strategy|']")
    # then no tooltip is left over the map
    assert hover.count() == 0
    # and the same after a region change
    page.get_by_label("Region", exact=True).focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_selector("#world-map[data-drawn*='|Africa|']")
    assert hover.count() == 0


def _order(page) -> list[str]:
    """The data-iso3 of the table's visible rows, top to bottom."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('#states-table tbody tr[data-iso3]'))
            .filter(tr => !tr.hidden).map(tr => tr.dataset.iso3)"""
    )


@pytest.mark.parametrize("sort", ["sort=status", "sort=since&dir=desc"])
def test_the_slider_reorders_the_table_as_the_server_sorts_it(page, demo_world, sort):
    # given: the order the server gives the first month, sorted by a column the slider moves
    page.goto(f"/en/map/?{sort}")
    page.wait_for_selector(f"#world-map{DRAWN}")
    slider = page.get_by_label("Pledge status on", exact=True)
    first = slider.get_attribute("data-steps").split(",")[0]
    today_order = _order(page)
    page.goto(f"/en/map/?at={first}&{sort}")
    expected = _order(page)
    assert expected != today_order  # the statuses differ, so must the order
    page.goto(f"/en/map/?{sort}")
    page.wait_for_selector(f"#world-map{DRAWN}")
    # when the slider goes back to the first month, without a reload
    slider.fill("0")
    # then the rows stand in the server's order for that day
    assert _order(page) == expected
    # and back to today: today's order again
    slider.fill(str(int(slider.get_attribute("max"))))
    assert _order(page) == today_order


def test_a_sort_link_keeps_the_date_the_slider_chose(page, demo_world):
    # given: the table sorted by status, the slider moved to the first month
    page.goto("/en/map/?sort=status")
    page.wait_for_selector(f"#world-map{DRAWN}")
    slider = page.get_by_label("Pledge status on", exact=True)
    first = slider.get_attribute("data-steps").split(",")[0]
    slider.fill("0")
    # when the status heading is clicked again (descending)
    page.get_by_role("link", name="Pledge status (sort)").click()
    page.wait_for_url("**dir=desc**")
    # then the server's table is for the same day
    assert f"at={first}" in page.url
    assert f"as it was on {first}" in page.locator(".table-count").inner_text()
    assert (
        page.locator("#states-table th[aria-sort='descending']")
        .inner_text()
        .startswith("Pledge status")
    )
