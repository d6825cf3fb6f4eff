"""The pledge text in a browser: side by side on a desktop, stacked on a phone, the diff,
and axe-core clean (issue 9)."""

from __future__ import annotations

import os

import pytest

from pledges import services
from pledges.roles import Role
from tests.browser.conftest import axe_violations
from tests.factories import UserFactory
from tests.pledge_texts import clause, fresh, next_version, publish
from tests.staff import with_role

pytestmark = pytest.mark.browser

PHONE, DESKTOP = (375, 812), (1366, 900)
SHOTS = os.environ.get("PLEDGE_SCREENSHOTS")  # a folder, to look at the pages by hand


@pytest.fixture
def two_versions(reference_data):
    """Version 2 published: clause 1 reworded, clause 2 removed, a clause added."""
    editor = with_role(UserFactory(username="ed"), Role.EDITOR)
    verifier = with_role(UserFactory(username="ver"), Role.VERIFIER)
    text = next_version(editor=editor, changelog="Clearer wording after consultation.")
    first = clause(text, 1)
    services.pledge_clause_update(
        clause=first,
        user=editor,
        expected_lock_version=fresh(text).lock_version,
        formal_text=first.formal_text.replace("We commit to", "We resolve to"),
        child_text=first.child_text,
        change_note="A stronger verb.",
    )
    services.pledge_clause_remove(
        clause=clause(text, 2), user=editor, expected_lock_version=fresh(text).lock_version
    )
    services.pledge_clause_add(
        text=text,
        user=editor,
        expected_lock_version=fresh(text).lock_version,
        formal_text="We commit to report on progress every year.",
        child_text="We will tell everyone every year how it is going.",
        change_note="Children asked for it.",
    )
    return publish(text, verifier=verifier)


def _boxes(page, key: str):
    item = page.locator(f"li#{key}")
    formal = item.locator(".clause-formal").first.bounding_box()
    child = item.locator(".clause-child").first.bounding_box()
    return formal, child


def test_on_a_phone_the_child_friendly_text_is_below_the_formal_one(page, reference_data):
    # given
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    # when
    page.goto("/en/pledge/")
    # then
    key = page.locator("li.clause").first.get_attribute("id")
    formal, child = _boxes(page, key)
    assert child["y"] >= formal["y"] + formal["height"] - 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    assert page.requests_outside == []


def test_on_a_desktop_the_two_texts_are_side_by_side(page, reference_data):
    # given
    page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})
    # when
    page.goto("/en/pledge/")
    # then: the same row (same top), the child-friendly one to the right
    for item in page.locator("li.clause").all():
        formal, child = _boxes(page, item.get_attribute("id"))
        assert abs(child["y"] - formal["y"]) < 2
        assert child["x"] >= formal["x"] + formal["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP[0]


def test_the_pledge_page_is_axe_clean(page, two_versions):
    for size in (PHONE, DESKTOP):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.goto("/en/pledge/")
        violations = axe_violations(page)
        assert violations == [], [(v["id"], v["help"]) for v in violations]
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/pledge-{size[0]}.png", full_page=True)
    page.goto("/en/pledge/v/2/print/")
    page.emulate_media(media="print")
    if SHOTS:
        page.pdf(path=f"{SHOTS}/print.pdf", format="A4")
    page.emulate_media(media="screen")


def test_the_compare_form_shows_the_diff_with_ins_and_del(page, two_versions):
    # given
    page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})
    page.goto("/en/pledge/")
    # when: the form (from version 1, to version 2 by default)
    page.get_by_label("From version").select_option("1")
    page.get_by_label("To version").select_option("2")
    page.get_by_role("button", name="Show the changes").click()
    # then
    page.wait_for_url("**/pledge/compare/?from=1&to=2")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Changes from version 1 to version 2"
    )
    assert page.locator("del", has_text="commit").first.is_visible()
    assert page.locator("ins", has_text="resolve").first.is_visible()
    # not colour alone: struck through and underlined
    assert "line-through" in page.locator("del").first.evaluate(
        "e => getComputedStyle(e).textDecorationLine"
    )
    assert "underline" in page.locator("ins").first.evaluate(
        "e => getComputedStyle(e).textDecorationLine"
    )
    labels = page.locator(".change-label").all_inner_texts()
    assert {"Reworded", "Removed", "Added"} <= set(labels)
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["help"]) for v in violations]
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/compare-desktop.png", full_page=True)
    # and on a phone, no sideways scroll
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
