"""Reads for children's co-drafting. Only approved text ever leaves the moderation queue
(CH-04), and aggregates about children are suppressed below the small-group threshold (CH-14).
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from drafting.models import (
    ConcernReport,
    DraftingSession,
    Participant,
    ParticipantStatus,
    SessionStatus,
    Suggestion,
    SuggestionStatus,
    SuggestionUse,
)
from drafting.screening import ConcernReason, HoldReason
from pledges.models import PledgeText
from pledges.services import action_denied


def small_group_threshold() -> int:
    return settings.SMALL_GROUP_THRESHOLD


def sessions_for(*, user) -> QuerySet[DraftingSession]:
    """The sessions a staff member may see: their own; every session for an admin."""
    qs = DraftingSession.objects.select_related("pledge_text", "country", "facilitator")
    if not user.has_perm("drafting.view_draftingsession"):
        return qs.none()
    if user.has_perm("drafting.manage_all_sessions"):
        return qs
    return qs.filter(facilitator=user)


def session_for(*, pk: int, user) -> DraftingSession:
    """One session the user may act on: DoesNotExist if there is none, PermissionDenied
    (logged in the security log) for another facilitator's session (AUTH-04)."""
    session = DraftingSession.objects.select_related("pledge_text", "country", "facilitator").get(
        pk=pk
    )
    if not sessions_for(user=user).filter(pk=pk).exists():
        raise action_denied(
            user=user,
            action="view",
            record=session,
            why="not the session's facilitator",
            message=_("This is another facilitator's session."),
        )
    return session


def hold_reason_labels(codes: list[str]) -> list[str]:
    """The facilitator-facing labels of stored hold / concern reason codes (CH-05, CH-06)."""
    labels = {**dict(HoldReason.choices), **dict(ConcernReason.choices)}
    return [str(labels.get(code, code)) for code in codes]


def session_queue(session: DraftingSession) -> QuerySet[Suggestion]:
    """The moderation queue: safeguarding concerns first, then held, then pending (CH-06)."""
    return (
        session.suggestions.filter(status__in=(SuggestionStatus.CONCERN, SuggestionStatus.PENDING))
        .annotate(
            queue_rank=Case(
                When(status=SuggestionStatus.CONCERN, then=Value(0)),
                When(~Q(hold_reasons=[]), then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .select_related("participant")
        .order_by("queue_rank", "created_at", "pk")
    )


def session_concern_reports(session: DraftingSession) -> QuerySet[ConcernReport]:
    """Children's "report a concern" messages, unhandled first."""
    return session.concern_reports.select_related("participant").order_by(
        "handled_at", "created_at"
    )


def session_waiting(session: DraftingSession) -> QuerySet[Participant]:
    return session.participants.filter(status=ParticipantStatus.WAITING)


def approved_for_children(session: DraftingSession) -> QuerySet[Suggestion]:
    """The ideas other children of the same session may read: approved ones only (CH-04).

    No pseudonym goes with them (CH-07): the child sees the idea, not who wrote it.
    """
    return (
        Suggestion.objects.filter(session=session, status=SuggestionStatus.APPROVED)
        .only("pk", "session_id", "participant_id", "clause_key", "text", "created_at")
        .order_by("created_at", "pk")
    )


def reaction_counts(session: DraftingSession) -> dict[int, int]:
    """Likes per approved idea, only once the session has closed (CH-10): no bandwagon."""
    if session.status not in (SessionStatus.CLOSED, SessionStatus.ARCHIVED):
        return {}
    rows = (
        Suggestion.objects.filter(session=session, status=SuggestionStatus.APPROVED)
        .annotate(n=Count("reactions"))
        .values_list("pk", "n")
    )
    return dict(rows)


def participant_reacted_ids(participant: Participant) -> set[int]:
    return set(participant.reactions.values_list("suggestion_id", flat=True))


def participant_suggestions(participant: Participant) -> QuerySet[Suggestion]:
    """A child's own ideas, newest first, with status, and outcome after the session closes."""
    return Suggestion.objects.filter(participant=participant).order_by("-created_at", "-pk")


def _suppress(children: int, values: dict) -> dict:
    if children < small_group_threshold():
        return {"suppressed": True, **dict.fromkeys(values), "regions": []}
    return {"suppressed": False, **values}


def _children_lower_bound(participant_ids: list[int | None]) -> int:
    """Distinct children; rows whose link the retention purge cut count as one child at most,
    so the suppression stays on the safe side (CH-14)."""
    linked = {pid for pid in participant_ids if pid is not None}
    return len(linked) + (1 if any(pid is None for pid in participant_ids) else 0)


def clause_influence(pledge_text: PledgeText) -> dict[str, dict]:
    """How children shaped each clause of `pledge_text`, in aggregate (CH-07, CH-09, CH-14).

    {clause_key: {"suppressed": bool, "suggestions": n, "children": n, "regions": [...]}}:
    counts of approved suggestions linked to the clause, the children behind them and the
    regions they were from ("a young person from <region>"); below the threshold of
    children the counts are None and no region is named. One query for the whole text.

    "children" counts distinct participants; after the retention purge (CH-12) the link to
    the child is cut (participant NULL), so all purged suggestions of a clause count as one
    child at most: a lower bound, which keeps the suppression on the safe side.
    """
    uses = (
        SuggestionUse.objects.filter(
            clause__pledge_text=pledge_text, suggestion__status=SuggestionStatus.APPROVED
        )
        .select_related("clause", "suggestion__session__country")
        .order_by("clause__number", "pk")
    )
    by_clause: dict[str, list[Suggestion]] = defaultdict(list)
    for use in uses:
        by_clause[use.clause.key].append(use.suggestion)
    result = {}
    for key, suggestions in by_clause.items():
        unique = {s.pk: s for s in suggestions}.values()
        children = _children_lower_bound([s.participant_id for s in unique])
        regions = sorted({s.session.region_label for s in unique if s.session.region_label})
        result[key] = _suppress(
            children, {"suggestions": len(unique), "children": children, "regions": regions}
        )
    return result


def session_counts(session: DraftingSession) -> dict:
    """Counts about one session's children, suppressed below the threshold (CH-14)."""
    admitted = session.participants.filter(status=ParticipantStatus.ADMITTED).count()
    suggestions = session.suggestions.exclude(status=SuggestionStatus.WITHDRAWN)
    values = {
        "children": admitted,
        "suggestions": suggestions.count(),
        "approved": suggestions.filter(status=SuggestionStatus.APPROVED).count(),
    }
    if admitted == 0 and session.status in (SessionStatus.CLOSED, SessionStatus.ARCHIVED):
        # After the retention purge the participants are gone: count the children who wrote.
        admitted = _children_lower_bound(list(suggestions.values_list("participant_id", flat=True)))
        values["children"] = admitted
    return _suppress(admitted, values)


def clause_texts_for_children(session: DraftingSession) -> list[dict]:
    """Each clause of the session's text in its child-friendly wording, in the session's
    language when a translation exists (falls back to English)."""
    clauses = list(session.pledge_text.clauses.prefetch_related("translations").order_by("number"))
    rows = []
    for clause in clauses:
        text = clause.child_text
        for translation in clause.translations.all():
            if translation.language == session.language and translation.child_text:
                text = translation.child_text
        rows.append({"key": clause.key, "number": clause.number, "text": text})
    return rows


def child_page_state(participant: Participant) -> dict:
    """What a child's page may offer now: flags the templates read, never re-derive."""
    session = participant.session
    now = timezone.now()
    ended = session.status in (SessionStatus.CLOSED, SessionStatus.ARCHIVED) or bool(
        session.closes_at and session.closes_at <= now
    )
    admitted = participant.status == ParticipantStatus.ADMITTED
    return {
        "waiting": participant.status == ParticipantStatus.WAITING and not ended,
        "removed": participant.status == ParticipantStatus.REMOVED,
        "admitted": admitted,
        "ended": ended,
        "paused": session.status == SessionStatus.PAUSED and not ended,
        "can_write": admitted
        and not ended
        and session.status == SessionStatus.OPEN
        and not (session.opens_at and session.opens_at > now),
        "younger": session.age_band == "10-12",
        "outcomes_shown": ended,
    }


def credit_candidates(pledge_text: PledgeText) -> dict[str, list[Suggestion]]:
    """For each clause key of `pledge_text` (a later version being drafted), the approved
    suggestions of closed or archived sessions on earlier versions that it might use: the
    ideas about that clause, and new ideas (listed under every clause, key ""). One query.

    Staff-only (the pledge-text editor): the text is a child's, so it is shown escaped and
    without the pseudonym (CH-07, CH-15).
    """
    suggestions = (
        Suggestion.objects.filter(
            status=SuggestionStatus.APPROVED,
            text_purged=False,
            session__status__in=(SessionStatus.CLOSED, SessionStatus.ARCHIVED),
            session__pledge_text__version__lt=pledge_text.version,
        )
        .select_related("session", "session__country")
        .order_by("clause_key", "created_at", "pk")
    )
    by_key: dict[str, list[Suggestion]] = defaultdict(list)
    for suggestion in suggestions:
        by_key[suggestion.clause_key].append(suggestion)
    return dict(by_key)


def clause_uses(pledge_text: PledgeText) -> dict[int, set[int]]:
    """{clause pk: {suggestion pks it used}} for one version (one query)."""
    linked: dict[int, set[int]] = defaultdict(set)
    for clause_id, suggestion_id in SuggestionUse.objects.filter(
        clause__pledge_text=pledge_text
    ).values_list("clause_id", "suggestion_id"):
        linked[clause_id].add(suggestion_id)
    return dict(linked)
