"""End to end (issue 10): a facilitator prepares and opens a session in the console, two
children join in two browser contexts and are let in (CH-01), child A's idea is invisible to
child B until approved (CH-04), an idea with an email address is held and the console shows
why (CH-05), and the outcome reaches child A after the session closes (CH-09). axe-core runs
on every console page and every children's page on the way."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from drafting.models import DraftingSession, Suggestion
from pledges.models import PledgeText, ReviewState
from pledges.roles import Role
from tests.browser.conftest import axe_violations
from tests.browser.test_staff_flow import staff_page
from tests.factories import UserFactory
from tests.staff import with_role

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def clean(page, where: str) -> None:
    violations = axe_violations(page)
    assert violations == [], (where, [(v["id"], v["nodes"][0]["target"]) for v in violations])


def child_joins(browser, live_server, code: str):
    """A child on a phone: the join page, the code, the waiting room; (page, pseudonym)."""
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.goto(reverse("drafting:join"))
    clean(page, "join")
    page.get_by_label("Session code").fill(code.lower())
    page.get_by_role("button", name="Join").click()
    page.get_by_role("heading", name="Waiting to be let in").wait_for()
    clean(page, "waiting")
    name = re.search(r"Your made-up name here is (.+?)\.", page.inner_text("main")).group(1)
    return page, name


def test_a_session_from_opening_to_the_outcome_reaching_the_child(
    browser, live_server, reference_data
):
    fay = with_role(UserFactory(username="fay"), Role.FACILITATOR)
    text = PledgeText.objects.filter(review_state=ReviewState.VERIFIED).order_by("-version")[0]

    # given Fay prepares a session in the console (CH-03: the consent record, the contact)
    console = staff_page(browser, live_server, fay)
    console.goto(reverse("staff:staff_home"))
    console.get_by_role("navigation", name="Staff workspace").get_by_role(
        "link", name="Children's sessions"
    ).click()
    assert console.get_by_text("No sessions yet.").is_visible()
    clean(console, "session list (empty)")
    console.get_by_role("link", name="Prepare a new session").first.click()
    clean(console, "new session form")
    console.locator("#id_pledge_text").select_option(str(text.pk))
    console.locator("#id_age_band").select_option("13-15")
    console.locator("#id_region").select_option("Africa")
    console.locator("#id_title").fill("Nairobi workshop")
    console.locator("#id_consent_basis").select_option("partner_holds")
    console.locator("#id_consent_reference").fill("Consent held by partner X, ref 2027-01")
    console.locator("#id_safeguarding_contact").fill("Partner X safeguarding lead, room 2")
    console.locator("#id_helpline").fill("Childline 116 111")
    console.get_by_role("button", name="Create the session").click()
    console.get_by_role("button", name="Open the session").click()
    assert console.get_by_text("The session is open.").is_visible()
    clean(console, "session page")
    session = DraftingSession.objects.get(title="Nairobi workshop")
    code = console.locator(".join-code strong").inner_text()
    assert code.replace("-", "") == session.join_code
    # the printable sheet for the room
    console.get_by_role("link", name="Printable instruction sheet for the room").click()
    assert console.get_by_text(code).is_visible()
    clean(console, "instruction sheet")

    # when two children join in two browser contexts and Fay lets them in (CH-01)
    child_a, name_a = child_joins(browser, live_server, code)
    child_b, name_b = child_joins(browser, live_server, code)
    console.goto(reverse("staff:session_detail", kwargs={"pk": session.pk}))
    people = console.locator(".waiting-room .pseudonym").all_inner_texts()
    assert name_a in people and name_b in people
    clean(console, "waiting room")
    console.get_by_role("button", name=f"Let in {name_a}").click()
    console.get_by_role("button", name=f"Let in {name_b}").click()
    assert console.get_by_role("heading", name="In the session: 2 children").is_visible()

    # and child A sends an idea, then one with an email address
    child_a.get_by_role("button", name="Check now").click()
    child_a.get_by_role("heading", name="The pledge text").wait_for()
    clean(child_a, "child home")
    child_a.get_by_role("link", name="I have a new idea").click()
    clean(child_a, "suggest")
    child_a.get_by_label("Your idea").fill("Apps should ask before sharing where we are")
    child_a.get_by_role("button", name="Send my idea").click()
    child_a.get_by_text("Thank you! Your idea was sent.").wait_for()
    clean(child_a, "my ideas")
    child_a.goto(child_a.url.split("/mine/")[0] + "/suggest/")
    child_a.get_by_label("Your idea").fill("Write to me at kid.a@example.org about it")
    child_a.get_by_role("button", name="Send my idea").click()
    child_a.get_by_text("Thank you! Your idea was sent.").wait_for()

    # then child B does not see A's idea before it is approved (CH-04)
    child_b.get_by_role("button", name="Check now").click()
    child_b.get_by_role("link", name="Ideas from the group").click()
    assert child_b.get_by_text("No ideas to show yet.").is_visible()
    assert "Apps should ask" not in child_b.content()
    clean(child_b, "ideas (empty)")

    # when Fay reads the queue: the email idea is held, with its reason (CH-05)
    console.get_by_role("link", name="Moderation queue").first.click()
    first = Suggestion.objects.get(text__startswith="Apps should ask")
    held = Suggestion.objects.get(text__startswith="Write to me")
    held_card = console.locator(f"#idea-{held.pk}")
    assert "Held because:" in held_card.inner_text()
    assert "Partner X safeguarding lead" in console.content()
    clean(console, "moderation queue")
    console.get_by_role("button", name=f"Share with the group (idea {first.pk})").click()
    assert console.get_by_text("Shared with the children of the session.").is_visible()

    # then child B sees it now, without any name (CH-07)
    child_b.reload()
    assert child_b.get_by_text("Apps should ask before sharing where we are").is_visible()
    assert name_a not in child_b.inner_text("main")
    assert "kid.a@example.org" not in child_b.content()
    clean(child_b, "ideas")
    child_b.get_by_role("link", name="Report a worry").click()
    clean(child_b, "report a worry")

    # when Fay closes the session and gives each idea its outcome (CH-09)
    console.goto(reverse("staff:session_detail", kwargs={"pk": session.pk}))
    console.get_by_role("button", name="Close the session").click()
    console.get_by_role("link", name="Give the outcomes").click()
    assert console.get_by_text("2 ideas have no outcome yet:").is_visible()
    clean(console, "outcomes")
    for idea, outcome, reason in (
        (first, "used", "Clause 3 now says apps must ask first. Thank you!"),
        (held, "not_used", "It had an email address in it, so we could not share it."),
    ):
        card = console.locator(f"#idea-{idea.pk}")
        card.get_by_label("Outcome", exact=True).select_option(outcome)
        card.get_by_label("Reason, written for the child").fill(reason)
        card.get_by_role("button", name=f"Save the outcome (idea {idea.pk})").click()
        console.get_by_text(f"Outcome saved for idea {idea.pk}.").wait_for()
    assert console.get_by_text("Every idea has its outcome.").is_visible()

    # then child A sees the outcome and its reason with the same link
    child_a.get_by_role("link", name="My ideas").click()
    mine = child_a.locator(f"#mine-{first.pk}")
    assert "Used" in mine.inner_text()
    assert "Clause 3 now says apps must ask first." in mine.inner_text()
    clean(child_a, "my ideas after close")

    # and the session can be archived now
    console.goto(reverse("staff:session_detail", kwargs={"pk": session.pk}))
    console.get_by_role("button", name="Archive").click()
    assert console.get_by_text("The session is archived.").is_visible()
    assert not page_requests_outside(child_a, live_server)


def page_requests_outside(page, live_server) -> list[str]:
    """CH-13: nothing a child's page loaded came from another site (checked via the
    performance entries, as these pages were opened outside the `page` fixture)."""
    urls = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    return [u for u in urls if not u.startswith(live_server.url)]
