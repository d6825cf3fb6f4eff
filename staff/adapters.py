"""django-allauth customisation, in one place (readthedocs style)."""

from __future__ import annotations

import base64
import datetime
import logging
import time
from functools import cache

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ValidationError

from pledges.audit import security_event_log
from pledges.models import SecurityEventKind

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        """Tell staff by mail that their password or MFA changed — but a mail server that
        is down must not turn a change that succeeded into an HTTP 500 (the password was
        changed and the other sessions ended already): it is logged and the page answers."""
        try:
            super().send_notification_mail(template_prefix, user, context=context, email=email)
        except Exception:  # any transport error: SMTP, DNS, TLS, timeouts
            logger.exception("Notification mail %s could not be sent", template_prefix)
            security_event_log(
                kind=SecurityEventKind.NOTIFICATION_FAILED,
                user=user,
                request=self.request,
                detail={"notification": template_prefix.rsplit("/", 1)[-1]},
            )

    def is_open_for_signup(self, request) -> bool:
        # Staff accounts are created by invitation only (AUTH-01).
        return False

    def pre_authenticate(self, request, **credentials) -> None:
        # A refused attempt never reaches authenticate(), so Django sends no
        # user_login_failed signal for it: record it here (AUD-04), identifier only.
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            security_event_log(
                kind=SecurityEventKind.LOGIN_FAILED,
                request=request,
                identifier=str(credentials.get("email") or credentials.get("username") or ""),
                detail={"reason": "rate_limited"},
            )
            raise

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        # Setting up two-factor authentication right after signing in (which the MFA
        # middleware demands), and seeing the recovery codes it creates, need not ask for
        # the password a second time. Changing MFA later still requires re-authentication.
        required = super().is_reauthentication_required(app=app, **kwargs)
        if required and app == "allauth.mfa" and self._mfa_first_set_up_after_sign_in():
            return False
        return required

    def _mfa_first_set_up_after_sign_in(self) -> bool:
        from allauth.mfa.models import Authenticator

        request = self.request or context.request
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        # allauth's own record of how this session signed in (the password step).
        records = request.session.get("account_authentication_methods") or []
        signed_in_at = max((r.get("at", 0) for r in records if r.get("method")), default=0)
        if time.time() - signed_in_at >= account_settings.REAUTHENTICATION_TIMEOUT:
            return False
        # No authenticator older than this sign-in: MFA is being set up for the first time.
        older = Authenticator.objects.filter(
            user_id=user.pk,
            created_at__lt=datetime.datetime.fromtimestamp(signed_in_at, tz=datetime.UTC),
        )
        return not older.exists()


def _fernet_key(secret_key: str) -> bytes:
    """A Fernet key derived from a Django secret key, for MFA secrets only (AUTH-02)."""
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"global-pledge-tracker",
        info=b"allauth.mfa secrets at rest",
    ).derive(secret_key.encode("utf-8"))
    return base64.urlsafe_b64encode(derived)


@cache
def _mfa_cipher(secret_key: str, fallbacks: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(key)) for key in (secret_key, *fallbacks)])


def mfa_cipher() -> MultiFernet:
    """Encrypt with SECRET_KEY; decrypt with it or any of SECRET_KEY_FALLBACKS."""
    return _mfa_cipher(settings.SECRET_KEY, tuple(getattr(settings, "SECRET_KEY_FALLBACKS", ())))


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds are stored encrypted (AUTH-02)."""

    def encrypt(self, text: str) -> str:
        return mfa_cipher().encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, encrypted_text: str) -> str:
        try:
            return mfa_cipher().decrypt(encrypted_text.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeEncodeError) as exc:
            # Never fall back to treating the stored value as plain text.
            raise ValueError(
                "An MFA secret could not be decrypted: was SECRET_KEY changed without "
                "keeping the old one in SECRET_KEY_FALLBACKS?"
            ) from exc
