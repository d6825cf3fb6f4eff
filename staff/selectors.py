"""Staff workspace reads that span the domain apps: the verification queue and my drafts."""

from __future__ import annotations

from dataclasses import dataclass

from pledges.models import ReviewState
from staff.review_kinds import REVIEW_KINDS, ReviewKind


@dataclass(frozen=True)
class ReviewItem:
    kind: ReviewKind
    record: object
    summary: str


def _review_items(filters: dict, *, exclude_user=None) -> list[ReviewItem]:
    items = []
    for kind in REVIEW_KINDS.values():
        records = kind.model._default_manager.filter(**filters).select_related(*kind.select_related)
        if exclude_user is not None:
            records = records.exclude(created_by=exclude_user)
        items.extend(
            ReviewItem(kind=kind, record=r, summary=kind.summary(r))
            for r in records.order_by("created_at")
        )
    return sorted(items, key=lambda i: i.record.created_at)


def review_queue(*, user) -> list[ReviewItem]:
    """Drafts awaiting verification that `user` did not log (one query per kind)."""
    return _review_items({"review_state": ReviewState.DRAFT}, exclude_user=user)


def drafts_of(*, user) -> list[ReviewItem]:
    """The user's own drafts and returned changes (one query per kind)."""
    return _review_items(
        {"created_by": user, "review_state__in": [ReviewState.DRAFT, ReviewState.RETURNED]}
    )
