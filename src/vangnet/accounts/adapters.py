"""allauth and django-axes hooks."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Staff accounts come from the school administration import or the administrator.
        return False


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The login name axes counts failures for: the e-mail address, lower-cased."""
    value = ""
    if credentials:
        value = credentials.get("email") or credentials.get("login") or ""
    if not value and request is not None:
        value = request.POST.get("login", "")
    return str(value).strip().lower()
