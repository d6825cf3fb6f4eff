"""Writes for children's co-drafting. Every rule lives here; every door calls these.

Staff functions take `user=` and check the permission and that a facilitator acts only on
their own sessions (AUTH-04); child functions take `participant=` (never a user) and answer
refusals in plain words, so the page can show them beside the text the child typed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import unicodedata

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from drafting.models import (
    CONCERN_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SUGGESTION_MAX_LENGTH,
    ConcernReport,
    DraftingSession,
    Outcome,
    Participant,
    ParticipantStatus,
    Reaction,
    SessionStatus,
    Suggestion,
    SuggestionStatus,
    SuggestionUse,
)
from drafting.screening import suggestion_screen
from pledges.audit import security_event_log
from pledges.models import Country, PledgeClause, ReviewState, SecurityEventKind
from pledges.services import _check_lock, _save, action_denied, permission_require

MANAGE_ALL = "drafting.manage_all_sessions"

# --- Join codes and links (CH-01) ---------------------------------------------------------

# No look-alikes: no 0/O/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B, U/V. 20 symbols; 10 of them carry
# log2(20**10) = 43.2 bits (CH-01: at least 40).
JOIN_CODE_ALPHABET = "ACDEFHJKMNPRTWXY3479"
JOIN_CODE_LENGTH = 10
PSEUDONYM_COLOURS = (
    "Blue", "Green", "Golden", "Silver", "Orange", "Purple", "Red", "Teal", "Yellow", "Coral",
    "Indigo", "Amber", "Jade", "Ruby", "Sky", "Sunny",
)  # fmt: skip
PSEUDONYM_ANIMALS = (
    "Otter", "Falcon", "Panda", "Turtle", "Dolphin", "Fox", "Owl", "Koala", "Tiger", "Zebra",
    "Heron", "Lynx", "Gecko", "Whale", "Robin", "Badger", "Llama", "Puffin",
)  # fmt: skip


def join_code_generate() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def join_code_display(code: str) -> str:
    """ACDEF-HJKMN: two groups of five, easier to copy from a board."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def join_code_normalise(code: str) -> str:
    """What a child typed, as stored: capitals, without spaces or dashes."""
    return re.sub(r"[\s\-_.]", "", unicodedata.normalize("NFKC", code or "")).upper()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def pseudonym_generate() -> str:
    return (
        f"{secrets.choice(PSEUDONYM_COLOURS)} {secrets.choice(PSEUDONYM_ANIMALS)} "
        f"{secrets.randbelow(90) + 10}"
    )


# --- Children's text (CH-15) ----------------------------------------------------------------

# Control characters (C0 but tab / line feed / carriage return, DEL, C1) and the bidi
# embeddings, overrides and isolates that can make text read differently from how it is stored.
CHILD_TEXT_FORBIDDEN = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)


def child_text_clean(text: str, *, max_length: int, field: str = "text", required=True) -> str:
    """Plain text a child typed, or a plain-words ValidationError (CH-15)."""
    text = (text or "").replace("\r\n", "\n").strip()
    if CHILD_TEXT_FORBIDDEN.search(text):
        raise ValidationError(
            {
                field: ValidationError(
                    _(
                        "Your text has hidden characters in it (for example ones that change "
                        "the direction of the writing). Please type it again without them."
                    ),
                    code="hidden_characters",
                )
            }
        )
    if required and not text:
        raise ValidationError(
            {field: ValidationError(_("Please write something first."), code="empty")}
        )
    if len(text) > max_length:
        raise ValidationError(
            {
                field: ValidationError(
                    _(
                        "Your text is too long: %(length)d characters. Please make it "
                        "%(limit)d characters or shorter."
                    )
                    % {"length": len(text), "limit": max_length},
                    code="too_long",
                )
            }
        )
    return text


def staff_text_clean(text: str, *, field: str, max_length: int = REASON_MAX_LENGTH) -> str:
    """A reason staff write for children: plain text, same character rules, required."""
    text = (text or "").strip()
    if CHILD_TEXT_FORBIDDEN.search(text):
        raise ValidationError({field: _("This text contains a control character; remove it.")})
    if not text:
        raise ValidationError({field: _("Write a short reason the child will read.")})
    if len(text) > max_length:
        raise ValidationError(
            {field: _("Keep it to %(limit)d characters or fewer.") % {"limit": max_length}}
        )
    return text


# --- Rate limits (CH-11): per participant and session, never per address --------------------

DEFAULT_RATE_LIMITS = {
    "suggest": (10, 600),  # ten ideas in ten minutes
    "react": (60, 600),
    "concern": (5, 600),
    "join": (400, 600),  # per session: a class joins at once; a leaked code is not a flood
}


def _rate_limit(*, action: str, session_id: int, participant_id: int | None) -> None:
    limits = {**DEFAULT_RATE_LIMITS, **getattr(settings, "DRAFTING_RATE_LIMITS", {})}
    count, seconds = limits[action]
    window = int(timezone.now().timestamp()) // seconds
    key = f"drafting:rate:{action}:{session_id}:{participant_id or '-'}:{window}"
    cache.add(key, 0, timeout=seconds + 5)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds + 5)
        used = 1
    if used > count:
        raise ValidationError(
            _(
                "You are going a bit fast. Please wait a few minutes and try again: "
                "your text is still in the box."
            ),
            code="rate_limited",
        )


# --- Staff: who may act on a session -------------------------------------------------------


def _session_require(*, user, session: DraftingSession, permission: str, action: str) -> None:
    """The permission, then: a facilitator acts only on their own sessions (AUTH-04)."""
    permission_require(user=user, permission=permission, action=action, record=session)
    if session.facilitator_id != user.pk and not user.has_perm(MANAGE_ALL):
        raise action_denied(
            user=user,
            action=action,
            record=session,
            why="not the session's facilitator",
            message=_("This is another facilitator's session."),
        )


def _moderation_log(*, user, action: str, record) -> None:
    security_event_log(
        kind=SecurityEventKind.MODERATION,
        user=user,
        detail={"action": action, "record": record._meta.model_name, "id": record.pk},
    )


SESSION_FIELDS = (
    "pledge_text",
    "language",
    "age_band",
    "country",
    "region",
    "title",
    "opens_at",
    "closes_at",
    "consent_basis",
    "consent_reference",
    "safeguarding_contact",
    "helpline",
)


def _session_values_check(session: DraftingSession) -> None:
    errors = {}
    if session.pledge_text_id and session.pledge_text.review_state != ReviewState.VERIFIED:
        errors["pledge_text"] = _("Choose a published version of the pledge text.")
    if session.region:
        known = set(Country.objects.values_list("region", flat=True))
        if session.region not in known:
            errors["region"] = _("Choose one of the registry's regions: %(regions)s.") % {
                "regions": ", ".join(sorted(known))
            }
    if session.country_id and session.region and session.country.region != session.region:
        errors["region"] = _("The country is not in this region.")
    if errors:
        raise ValidationError(errors)


def session_create(*, user, is_demo: bool = False, **fields) -> DraftingSession:
    """A new session in draft, with a fresh join code; the creator is its facilitator.

    Accepted fields (SESSION_FIELDS): pledge_text (a published PledgeText), language (a
    settings.LANGUAGES code), age_band (AgeBand), country (Country or None), region (an M49
    region name of the registry, or ""), title, opens_at, closes_at (after opens_at),
    consent_basis (ConsentBasis or ""), consent_reference, safeguarding_contact, helpline.
    Errors: ValidationError keyed by field (pledge_text not published, unknown region,
    country outside the region, closes_at before opens_at, lengths, choices);
    PermissionDenied (logged) without drafting.add_draftingsession; TypeError for an
    unknown field name.
    """
    permission_require(
        user=user,
        permission="drafting.add_draftingsession",
        action="add",
        model=DraftingSession,
    )
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown session fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        session = DraftingSession(facilitator=user, is_demo=is_demo, **fields)
        session.join_code = join_code_generate()
        while DraftingSession.objects.filter(join_code=session.join_code).exists():
            session.join_code = join_code_generate()
        _session_values_check(session)
        _save(session, user=user, reason=_("Session created"))
    return session


def session_update(
    *, session: DraftingSession, user, expected_lock_version: int, **fields
) -> DraftingSession:
    """Change the fields of session_create (the same errors), plus: StaleEditError for an
    old lock version, a refusal on an archived session, and pledge_text fixed once opened."""
    _session_require(
        user=user, session=session, permission="drafting.change_draftingsession", action="change"
    )
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown session fields: {', '.join(sorted(unknown))}")
    _check_lock(session, expected_lock_version)
    if session.status == SessionStatus.ARCHIVED:
        raise ValidationError(_("An archived session cannot be changed."))
    if (
        "pledge_text" in fields
        and fields["pledge_text"].pk != session.pledge_text_id
        and session.status != SessionStatus.DRAFT
    ):
        raise ValidationError(
            {"pledge_text": _("The pledge text cannot change once the session has opened.")}
        )
    with transaction.atomic():
        for name, value in fields.items():
            setattr(session, name, value)
        _session_values_check(session)
        _save(session, user=user, reason=_("Session changed"))
    return session


def _session_transition(
    *,
    session: DraftingSession,
    user,
    expected_lock_version: int,
    to: str,
    allowed_from: tuple[str, ...],
    reason: str,
) -> DraftingSession:
    _session_require(
        user=user, session=session, permission="drafting.change_draftingsession", action=to
    )
    _check_lock(session, expected_lock_version)
    if session.status not in allowed_from:
        raise ValidationError(
            _("A session that is %(status)s cannot be %(action)s.")
            % {"status": session.get_status_display().lower(), "action": reason.lower()}
        )
    session.status = to
    if to == SessionStatus.CLOSED:
        session.closed_at = timezone.now()
    _save(session, user=user, reason=reason)
    return session


def session_open(*, session: DraftingSession, user, expected_lock_version: int):
    """Open for children. CH-03: only with the consent record; CH-06: with a contact."""
    errors = {}
    if not session.consent_basis or not session.consent_reference.strip():
        errors["consent_basis"] = _(
            "Record how parental consent was handled (the basis and a reference) before "
            "opening the session."
        )
    if not session.safeguarding_contact.strip():
        errors["safeguarding_contact"] = _(
            "Name the session's designated safeguarding contact before opening it."
        )
    if errors:
        _session_require(
            user=user, session=session, permission="drafting.change_draftingsession", action="open"
        )
        raise ValidationError(errors)
    return _session_transition(
        session=session,
        user=user,
        expected_lock_version=expected_lock_version,
        to=SessionStatus.OPEN,
        allowed_from=(SessionStatus.DRAFT, SessionStatus.PAUSED),
        reason=_("Opened"),
    )


def session_pause(*, session: DraftingSession, user, expected_lock_version: int):
    return _session_transition(
        session=session,
        user=user,
        expected_lock_version=expected_lock_version,
        to=SessionStatus.PAUSED,
        allowed_from=(SessionStatus.OPEN,),
        reason=_("Paused"),
    )


def session_close(*, session: DraftingSession, user, expected_lock_version: int):
    return _session_transition(
        session=session,
        user=user,
        expected_lock_version=expected_lock_version,
        to=SessionStatus.CLOSED,
        allowed_from=(SessionStatus.OPEN, SessionStatus.PAUSED),
        reason=_("Closed"),
    )


# Suggestions that need no outcome: the child removed them, or they went to safeguarding.
NO_OUTCOME_NEEDED = (SuggestionStatus.WITHDRAWN, SuggestionStatus.CONCERN)


def suggestions_missing_outcome(session: DraftingSession):
    return session.suggestions.exclude(status__in=NO_OUTCOME_NEEDED).filter(outcome=Outcome.NONE)


def session_archive(*, session: DraftingSession, user, expected_lock_version: int):
    """CH-09: refused while any suggestion lacks its outcome."""
    if session.status == SessionStatus.CLOSED:
        missing = suggestions_missing_outcome(session).count()
        if missing:
            _session_require(
                user=user,
                session=session,
                permission="drafting.change_draftingsession",
                action="archive",
            )
            raise ValidationError(
                _(
                    "%(count)d suggestion(s) have no outcome yet: give each one an outcome "
                    "and a reason for the child before archiving."
                )
                % {"count": missing},
                code="outcome_missing",
            )
    return _session_transition(
        session=session,
        user=user,
        expected_lock_version=expected_lock_version,
        to=SessionStatus.ARCHIVED,
        allowed_from=(SessionStatus.CLOSED,),
        reason=_("Archived"),
    )


# --- Staff: participants --------------------------------------------------------------------


def participant_admit(*, participant: Participant, user) -> Participant:
    """CH-01: a child who typed the code is in only once the facilitator lets them in."""
    session = participant.session
    _session_require(
        user=user, session=session, permission="drafting.change_participant", action="admit"
    )
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.status == ParticipantStatus.REMOVED:
            raise ValidationError(_("This participant was removed; they must join again."))
        if session.status in (SessionStatus.CLOSED, SessionStatus.ARCHIVED):
            raise ValidationError(_("The session has ended."))
        if participant.status != ParticipantStatus.ADMITTED:
            participant.status = ParticipantStatus.ADMITTED
            participant.admitted_at = timezone.now()
            participant.save(update_fields=["status", "admitted_at"])
    _moderation_log(user=user, action="participant_admit", record=participant)
    return participant


def participant_remove(*, participant: Participant, user) -> Participant:
    _session_require(
        user=user,
        session=participant.session,
        permission="drafting.change_participant",
        action="remove",
    )
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        participant.status = ParticipantStatus.REMOVED
        participant.save(update_fields=["status"])
    _moderation_log(user=user, action="participant_remove", record=participant)
    return participant


# --- Staff: moderation (CH-04, CH-06) -------------------------------------------------------


def _suggestion_for_moderation(*, suggestion: Suggestion, user, action: str) -> Suggestion:
    _session_require(
        user=user,
        session=suggestion.session,
        permission="drafting.change_suggestion",
        action=action,
    )
    fresh = Suggestion.objects.select_for_update().select_related("session").get(pk=suggestion.pk)
    if fresh.session.status == SessionStatus.ARCHIVED:
        raise ValidationError(_("The session is archived."))
    if fresh.text_purged:
        raise ValidationError(_("This suggestion's text was removed under the retention rule."))
    return fresh


def suggestion_approve(*, suggestion: Suggestion, user) -> Suggestion:
    """Share with the other children of the session. A concern is never published (CH-06)."""
    with transaction.atomic():
        s = _suggestion_for_moderation(suggestion=suggestion, user=user, action="approve")
        if s.status == SuggestionStatus.CONCERN:
            raise ValidationError(
                _("A safeguarding concern is never shared; pass it to the safeguarding contact.")
            )
        if s.status == SuggestionStatus.WITHDRAWN:
            raise ValidationError(_("The child removed this suggestion."))
        s.status = SuggestionStatus.APPROVED
        s.rejection_reason = ""
        s.moderated_by = user
        s.moderated_at = timezone.now()
        _save(s, user=user, reason=_("Approved"))
    _moderation_log(user=user, action="suggestion_approve", record=s)
    return s


def suggestion_reject(*, suggestion: Suggestion, user, reason: str) -> Suggestion:
    reason = staff_text_clean(reason, field="rejection_reason")
    with transaction.atomic():
        s = _suggestion_for_moderation(suggestion=suggestion, user=user, action="reject")
        if s.status in (SuggestionStatus.WITHDRAWN, SuggestionStatus.CONCERN):
            raise ValidationError(
                _("This suggestion is %(status)s.") % {"status": s.get_status_display().lower()}
            )
        s.status = SuggestionStatus.REJECTED
        s.rejection_reason = reason
        s.moderated_by = user
        s.moderated_at = timezone.now()
        _save(s, user=user, reason=_("Not shared"))
    _moderation_log(user=user, action="suggestion_reject", record=s)
    return s


def suggestion_mark_concern(*, suggestion: Suggestion, user) -> Suggestion:
    """A safeguarding concern: first in the queue, never published (CH-06)."""
    with transaction.atomic():
        s = _suggestion_for_moderation(suggestion=suggestion, user=user, action="concern")
        s.status = SuggestionStatus.CONCERN
        s.moderated_by = user
        s.moderated_at = timezone.now()
        _save(s, user=user, reason=_("Marked as a safeguarding concern"))
    _moderation_log(user=user, action="suggestion_concern", record=s)
    return s


def suggestion_outcome_set(
    *, suggestion: Suggestion, user, outcome: str, reason: str, merged_into=None
) -> Suggestion:
    """CH-09: after the session closes, what became of the idea, and why, for the child."""
    if outcome not in Outcome.values or outcome == Outcome.NONE:
        raise ValidationError({"outcome": _("Choose used, partly used, not used or merged.")})
    reason = staff_text_clean(reason, field="outcome_reason")
    with transaction.atomic():
        s = _suggestion_for_moderation(suggestion=suggestion, user=user, action="outcome")
        if s.session.status != SessionStatus.CLOSED:
            raise ValidationError(_("Outcomes are given after the session closes."))
        if s.status in NO_OUTCOME_NEEDED:
            raise ValidationError(
                _("This suggestion is %(status)s: it gets no outcome.")
                % {"status": s.get_status_display().lower()}
            )
        if outcome == Outcome.MERGED:
            if (
                merged_into is None
                or merged_into.session_id != s.session_id
                or merged_into.pk == s.pk
            ):
                raise ValidationError(
                    {"merged_into": _("Choose another idea of the same session.")}
                )
        else:
            merged_into = None
        s.outcome = outcome
        s.outcome_reason = reason
        s.merged_into = merged_into
        _save(s, user=user, reason=_("Outcome given"))
    _moderation_log(user=user, action="suggestion_outcome", record=s)
    return s


def _credit_require(*, suggestion: Suggestion, user, permission: str, action: str) -> None:
    """Crediting is pledge-text work: an editor (who writes the next version) or an admin on
    any session; a facilitator on their own sessions."""
    permission_require(user=user, permission=permission, action=action, record=suggestion)
    if user.has_perm("pledges.change_pledgetext"):
        return
    _session_require(user=user, session=suggestion.session, permission=permission, action=action)


def suggestion_use_link(*, clause: PledgeClause, suggestion: Suggestion, user) -> SuggestionUse:
    """A clause of a later version of the text used this (approved) idea (CH-09)."""
    _credit_require(
        suggestion=suggestion, user=user, permission="drafting.add_suggestionuse", action="link"
    )
    suggestion = Suggestion.objects.select_related("session__pledge_text").get(pk=suggestion.pk)
    if suggestion.status != SuggestionStatus.APPROVED:
        raise ValidationError(_("Only an approved suggestion can be credited."))
    if clause.pledge_text.version <= suggestion.session.pledge_text.version:
        raise ValidationError(
            {"clause": _("Choose a clause of a later version than the session's text.")}
        )
    with transaction.atomic():
        use, _created = SuggestionUse.objects.get_or_create(
            clause=clause, suggestion=suggestion, defaults={"linked_by": user}
        )
    return use


def suggestion_use_unlink(*, clause: PledgeClause, suggestion: Suggestion, user) -> None:
    _credit_require(
        suggestion=suggestion,
        user=user,
        permission="drafting.delete_suggestionuse",
        action="unlink",
    )
    SuggestionUse.objects.filter(clause=clause, suggestion=suggestion).delete()


def concern_handle(*, report: ConcernReport, user) -> ConcernReport:
    _session_require(
        user=user,
        session=report.session,
        permission="drafting.change_concernreport",
        action="handle",
    )
    with transaction.atomic():
        report = ConcernReport.objects.select_for_update().get(pk=report.pk)
        if report.handled_at is None:
            report.handled_at = timezone.now()
            report.handled_by = user
            report.save(update_fields=["handled_at", "handled_by"])
    _moderation_log(user=user, action="concern_handle", record=report)
    return report


# --- Children ---------------------------------------------------------------------------------


class ChildRefusal(ValidationError):
    """A refusal a child reads: plain words, and the page keeps what they typed."""


def _session_accepting(session: DraftingSession, *, now: dt.datetime | None = None) -> None:
    """Raise a plain-words refusal unless the session takes children's ideas now."""
    now = now or timezone.now()
    if session.status in (SessionStatus.CLOSED, SessionStatus.ARCHIVED) or (
        session.closes_at and session.closes_at <= now
    ):
        raise ChildRefusal(
            _("This session has ended, so you cannot send new ideas. You can still see yours."),
            code="session_closed",
        )
    if session.status == SessionStatus.PAUSED:
        raise ChildRefusal(
            _("The session is paused for a moment. Please wait: your text is still in the box."),
            code="session_paused",
        )
    if session.status != SessionStatus.OPEN or (session.opens_at and session.opens_at > now):
        raise ChildRefusal(_("This session has not started yet."), code="session_not_open")


def participant_join(*, code: str) -> tuple[Participant, str]:
    """Enter with the session's code; wait for the facilitator to let you in (CH-01)."""
    normalised = join_code_normalise(code)
    session = (
        DraftingSession.objects.filter(join_code=normalised).first()
        if 0 < len(normalised) <= 16
        else None
    )
    if session is None:
        raise ChildRefusal(
            _("We could not find a session with this code. Check it with your facilitator."),
            code="wrong_code",
        )
    now = timezone.now()
    if session.status in (SessionStatus.CLOSED, SessionStatus.ARCHIVED) or (
        session.closes_at and session.closes_at <= now
    ):
        raise ChildRefusal(_("This code is for a session that has ended."), code="session_closed")
    if session.status == SessionStatus.DRAFT or (session.opens_at and session.opens_at > now):
        raise ChildRefusal(_("This session has not started yet."), code="session_not_open")
    _rate_limit(action="join", session_id=session.pk, participant_id=None)
    token = secrets.token_urlsafe(24)
    for _attempt in range(20):
        try:
            with transaction.atomic():
                participant = Participant.objects.create(
                    session=session, token_hash=token_hash(token), pseudonym=pseudonym_generate()
                )
            return participant, token
        except IntegrityError:  # the pseudonym is taken in this session: draw another
            continue
    raise ChildRefusal(_("Something went wrong. Please try again."), code="busy")


def participant_from_token(*, token: str) -> Participant:
    """The child behind a link, or a plain-words refusal (the link is wrong or purged)."""
    participant = None
    if token and len(token) <= 64:
        participant = (
            Participant.objects.select_related("session", "session__pledge_text")
            .filter(token_hash=token_hash(token))
            .first()
        )
    if participant is None:
        raise ChildRefusal(
            _("This link does not work any more. Ask your facilitator for help."),
            code="unknown_link",
        )
    return participant


def _participant_active(participant: Participant) -> None:
    if participant.status == ParticipantStatus.REMOVED:
        raise ChildRefusal(
            _("The facilitator has taken you out of this session. You can still report a concern."),
            code="removed",
        )
    if participant.status != ParticipantStatus.ADMITTED:
        raise ChildRefusal(_("Please wait until the facilitator lets you in."), code="not_admitted")


def suggestion_submit(*, participant: Participant, clause_key: str, text: str) -> Suggestion:
    """A child's idea: screened (CH-05, CH-06), pending until a facilitator approves (CH-04)."""
    session = participant.session
    participant = Participant.objects.get(pk=participant.pk)
    _participant_active(participant)
    _session_accepting(session)
    clause_key = (clause_key or "").strip()
    if clause_key and not session.pledge_text.clauses.filter(key=clause_key).exists():
        raise ChildRefusal(
            {"clause_key": _("Please choose one of the parts of the text.")}, code="clause"
        )
    text = child_text_clean(text, max_length=SUGGESTION_MAX_LENGTH)
    if (
        Suggestion.objects.filter(participant=participant, clause_key=clause_key, text=text)
        .exclude(status=SuggestionStatus.WITHDRAWN)
        .exists()
    ):
        raise ChildRefusal(
            _("You already sent this idea. You can see it in “My ideas”."), code="duplicate"
        )
    _rate_limit(action="suggest", session_id=session.pk, participant_id=participant.pk)
    screen = suggestion_screen(
        text=text,
        language=session.language,
        country=session.country_id,
    )
    suggestion = Suggestion(
        session=session,
        participant=participant,
        clause_key=clause_key,
        text=text,
        hold_reasons=[str(r) for r in (*screen.reasons, *screen.concern_reasons)],
        status=SuggestionStatus.CONCERN if screen.concern else SuggestionStatus.PENDING,
    )
    suggestion.full_clean()
    suggestion.save()
    return suggestion


def suggestion_withdraw(*, participant: Participant, suggestion: Suggestion) -> Suggestion:
    """ "Remove my words" (CH-08): the child's own pending, approved or not-shared idea."""
    with transaction.atomic():
        s = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if s.participant_id != participant.pk:
            raise PermissionDenied(_("This is not your idea."))
        if s.status == SuggestionStatus.WITHDRAWN:
            return s
        if s.status == SuggestionStatus.CONCERN:
            raise ChildRefusal(
                _(
                    "A grown-up who keeps children safe is looking at this one, so it stays "
                    "with them. It is not shown to anyone else."
                ),
                code="concern",
            )
        s.status = SuggestionStatus.WITHDRAWN
        s.save()
    return s


def reaction_add(*, participant: Participant, suggestion: Suggestion) -> Reaction:
    """ "I like this": once per child per idea (CH-10); only on approved ideas of the session."""
    participant = Participant.objects.select_related("session").get(pk=participant.pk)
    _participant_active(participant)
    _session_accepting(participant.session)
    suggestion = Suggestion.objects.get(pk=suggestion.pk)
    if (
        suggestion.session_id != participant.session_id
        or suggestion.status != SuggestionStatus.APPROVED
    ):
        raise ChildRefusal(_("This idea cannot be liked."), code="not_visible")
    if suggestion.participant_id == participant.pk:
        raise ChildRefusal(_("This is your own idea."), code="own_idea")
    _rate_limit(action="react", session_id=participant.session_id, participant_id=participant.pk)
    try:
        with transaction.atomic():
            return Reaction.objects.create(participant=participant, suggestion=suggestion)
    except IntegrityError:
        raise ChildRefusal(_("You already liked this idea."), code="duplicate") from None


def concern_report_create(*, participant: Participant, text: str) -> ConcernReport:
    """ "Report a concern" (CH-08): open to every child of the session, even one removed."""
    text = child_text_clean(text, max_length=CONCERN_MAX_LENGTH, required=False)
    _rate_limit(action="concern", session_id=participant.session_id, participant_id=participant.pk)
    report = ConcernReport(session_id=participant.session_id, participant=participant, text=text)
    report.full_clean()
    report.save()
    return report


# --- Retention (CH-12) ------------------------------------------------------------------------


def purge_child_data(
    *, days: int | None = None, dry_run: bool = False, now: dt.datetime | None = None
) -> dict[str, int]:
    """Purge children's data of sessions closed `days` ago (default: the setting).

    Participants (link tokens, pseudonyms) are deleted; the text of every suggestion that was
    not approved (pending, held, rejected, withdrawn, concern) is removed, in the history too;
    approved wording stays, unlinked from the child; handled concern reports lose their text
    (an unhandled one is kept until someone handles it). Idempotent: a second run finds nothing.
    """
    days = settings.CHILD_DATA_RETENTION_DAYS if days is None else days
    if days < 0:
        raise ValueError("days must be 0 or more")
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=days)
    sessions = DraftingSession.objects.filter(
        status__in=(SessionStatus.CLOSED, SessionStatus.ARCHIVED),
        closed_at__isnull=False,
        closed_at__lte=cutoff,
    )
    counts = {
        "sessions": 0,
        "participants": 0,
        "suggestions_text_removed": 0,
        "suggestions_unlinked": 0,
        "history_rows": 0,
        "concern_reports": 0,
    }
    history = Suggestion.history.model
    with transaction.atomic():
        session_ids = list(sessions.values_list("pk", flat=True))
        base = Suggestion._base_manager.filter(session_id__in=session_ids)
        to_blank = base.exclude(status=SuggestionStatus.APPROVED).filter(text_purged=False)
        to_unlink = base.filter(status=SuggestionStatus.APPROVED, participant__isnull=False)
        blank_ids = list(to_blank.values_list("pk", flat=True))
        all_ids = list(base.values_list("pk", flat=True))
        participants = Participant.objects.filter(session_id__in=session_ids)
        reports = ConcernReport.objects.filter(
            session_id__in=session_ids, handled_at__isnull=False
        ).exclude(text="")
        history_blank = history.objects.filter(id__in=blank_ids).exclude(text="")
        history_unlink = history.objects.filter(id__in=all_ids, participant__isnull=False)
        counts["participants"] = participants.count()
        counts["suggestions_text_removed"] = len(blank_ids)
        counts["suggestions_unlinked"] = to_unlink.count()
        counts["history_rows"] = (
            history.objects.filter(id__in=all_ids)
            .filter(Q(participant__isnull=False) | (Q(id__in=blank_ids) & ~Q(text="")))
            .count()
        )
        counts["concern_reports"] = reports.count()
        counts["sessions"] = len(
            {
                *participants.values_list("session_id", flat=True),
                *to_blank.values_list("session_id", flat=True),
                *to_unlink.values_list("session_id", flat=True),
                *reports.values_list("session_id", flat=True),
            }
        )
        if dry_run:
            return counts
        # The retention purge is the one deliberate bulk write on these audited rows: the
        # history it would otherwise write is exactly the data being removed.
        to_blank.update(text="", hold_reasons=[], participant=None, text_purged=True)
        to_unlink.update(participant=None)
        history_blank.update(text="", hold_reasons=[])
        history_unlink.update(participant=None)
        reports.update(text="", participant=None)
        # Deleting participants cuts the remaining links (reactions, concern reports: SET_NULL).
        participants.delete()
    return counts
