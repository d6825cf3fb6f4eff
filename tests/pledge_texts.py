"""Test helpers: versions of the pledge text made and published through the services
(an editor writes, a different verifier publishes), as staff do."""

from __future__ import annotations

from pledges import services
from pledges.models import PledgeText


def fresh(text: PledgeText) -> PledgeText:
    return PledgeText.objects.get(pk=text.pk)


def next_version(
    *, editor, title: str | None = None, changelog: str = "", clauses: int | None = None
) -> PledgeText:
    """A draft next version (copied from the newest); with `clauses`, padded or cut to n."""
    text = services.pledge_text_next_version(user=editor)
    values = {"changelog": changelog or "Changed for a test."}
    if title:
        values["title"] = title
    text = services.pledge_text_update(
        text=text, user=editor, expected_lock_version=text.lock_version, values=values
    )
    if clauses is not None:
        while fresh(text).clauses.count() < clauses:
            n = fresh(text).clauses.count() + 1
            services.pledge_clause_add(
                text=text,
                user=editor,
                expected_lock_version=fresh(text).lock_version,
                formal_text=f"We commit to measure number {n} for every child.",
                child_text=f"We will do thing {n} for you.",
                change_note=f"Clause {n} added.",
            )
        while fresh(text).clauses.count() > clauses:
            last = fresh(text).clauses.order_by("-number").first()
            services.pledge_clause_remove(
                clause=last, user=editor, expected_lock_version=fresh(text).lock_version
            )
    return fresh(text)


def publish(text: PledgeText, *, verifier) -> PledgeText:
    text = fresh(text)
    services.pledge_text_verify(text=text, user=verifier, expected_lock_version=text.lock_version)
    return fresh(text)


def clause(text: PledgeText, number: int):
    return fresh(text).clauses.get(number=number)
