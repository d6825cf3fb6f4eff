"""django-allauth customisation, in one place (readthedocs style)."""

from __future__ import annotations

import base64
from functools import cache

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ValidationError

from pledges.audit import security_event_log
from pledges.models import SecurityEventKind


class AccountAdapter(DefaultAccountAdapter):
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
