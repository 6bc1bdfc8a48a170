"""Request types for views behind login."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from vangnet.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request whose user is logged in (views decorated with ``login_required``)."""

    user: User
