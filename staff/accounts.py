"""Staff accounts: invitations, the MFA rule and ending sessions (AUTH-01, AUTH-02, AUTH-05).

Services for accounts live here rather than in services.py: they concern people, not the
registry. Keyword-only, like every service.
"""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from allauth.utils import generate_unique_username
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from pledges.audit import security_event_log
from pledges.models import SecurityEventKind
from pledges.roles import INVITE, ROLE_LABELS, Role
from pledges.services import action_denied, permission_require

# The demo data set's accounts use this reserved domain (RFC 2606); see campaign/demo.py.
DEMO_ACCOUNT_DOMAIN = "demo.invalid"
# Session flag: this session's user has an authenticator (or a demo waiver). Set at sign-in
# and when an authenticator is added, so the MFA middleware costs no query per request.
MFA_OK_SESSION_KEY = "gpt_mfa_ok"


# --- The MFA rule (AUTH-02) -------------------------------------------------------------------


def user_is_staff_member(user) -> bool:
    """Anyone with access to staff tools: admin-site staff, superusers, any role."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or user.is_superuser or user.groups.exists()


def mfa_waived(user) -> bool:
    """Demo accounts may skip MFA in demo mode, never with DEBUG off (production)."""
    return bool(
        settings.MFA_DEMO_WAIVER
        and settings.DEMO_MODE
        and settings.DEBUG
        and (user.email or "").lower().endswith("@" + DEMO_ACCOUNT_DOMAIN)
    )


def mfa_satisfied(user) -> bool:
    """The user may use staff tools: an authenticator is set up, or the demo waiver holds."""
    return Authenticator.objects.filter(
        user_id=user.pk,
        type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN],
    ).exists() or mfa_waived(user)


def session_mfa_refresh(*, request, user) -> bool:
    """Record in the session whether the user has satisfied the MFA rule; return it."""
    satisfied = mfa_satisfied(user)
    if satisfied:
        request.session[MFA_OK_SESSION_KEY] = True
    else:
        request.session.pop(MFA_OK_SESSION_KEY, None)
    return satisfied


# --- Sessions (AUTH-05) -----------------------------------------------------------------------


def user_other_sessions_end(*, user, keep_session_key: str | None) -> int:
    """End every session of `user` except the one with `keep_session_key`; return how many."""
    ended = 0
    for user_session in UserSession.objects.filter(user_id=user.pk):
        if keep_session_key and user_session.session_key == keep_session_key:
            continue
        user_session.end()
        ended += 1
    return ended


# --- Invitations (AUTH-01) --------------------------------------------------------------------


def staff_invitation_link(*, user) -> str:
    """A one-time link to set a password: allauth's password-reset key for this user."""
    key = default_token_generator.make_token(user)
    path = reverse(
        "account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key}
    )
    return f"{settings.SITE_URL}{path}"


def staff_invite(*, email: str, role: str, invited_by, request=None):
    """Create a staff account with no usable password, in one role, and email a link.

    The account can be used only after its owner sets a password through the link (which
    stops working once used, or after PASSWORD_RESET_TIMEOUT) and then sets up MFA.
    """
    permission_require(user=invited_by, permission=INVITE, action="invite")
    email = email.strip().lower()
    validate_email(email)
    if role not in Role.ALL:
        raise ValidationError({"role": _("Unknown role.")})
    User = get_user_model()
    if (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    ):
        raise ValidationError({"email": _("An account with this email address already exists.")})
    with transaction.atomic():
        user = User(
            username=generate_unique_username([email.split("@")[0], "staff"]),
            email=email,
            is_staff=True,
        )
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        user.groups.add(Group.objects.get(name=role))
        # The link proves the address: the invitee owns it when they set a password.
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        security_event_log(
            kind=SecurityEventKind.INVITATION,
            user=invited_by,
            request=request,
            identifier=email,
            detail={"role": role, "invited_user_id": user.pk},
        )
        context = {
            "link": staff_invitation_link(user=user),
            "role_label": ROLE_LABELS[role],
            "invited_by": invited_by.get_full_name() or invited_by.email,
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            "site_url": settings.SITE_URL,
        }
        # Sent inside the transaction: if the mail server refuses, no half-made account stays.
        send_mail(
            subject=render_to_string("staff/email/staff_invitation_subject.txt", context).strip(),
            message=render_to_string("staff/email/staff_invitation_message.txt", context),
            from_email=None,
            recipient_list=[email],
        )
    return user


# --- Roles (AUTH-04) ----------------------------------------------------------------------------


def staff_roles_set(*, actor, user, roles: list[str] | set[str]) -> None:
    """Give `user` exactly these roles. Only roles: no raw permissions, no superuser flag.

    An administrator cannot change a superuser's account, nor their own roles (no one
    widens their own access); every change is in the security log.
    """
    permission_require(user=actor, permission="auth.change_user", action="change roles")
    wanted = set(roles)
    unknown = wanted - set(Role.ALL)
    if unknown:
        raise ValidationError(_("Unknown role: %(roles)s.") % {"roles": ", ".join(sorted(unknown))})
    if not actor.is_superuser and (user.is_superuser or user.pk == actor.pk):
        raise action_denied(
            user=actor,
            action="change roles",
            why="superuser account" if user.is_superuser else "own account",
            message=_("Ask another administrator to change this account's roles."),
        )
    before = set(user.groups.values_list("name", flat=True))
    if before == wanted:
        return
    with transaction.atomic():
        user.groups.set(Group.objects.filter(name__in=wanted))
        security_event_log(
            kind=SecurityEventKind.ROLES_CHANGED,
            user=actor,
            identifier=user.email,
            detail={"user_id": user.pk, "before": sorted(before), "after": sorted(wanted)},
        )
