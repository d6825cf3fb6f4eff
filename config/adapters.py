"""django-allauth customisation, in one place (readthedocs style)."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Staff accounts are created by invitation only (AUTH-01).
        return False
