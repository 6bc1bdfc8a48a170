"""Login, logout, failed logins, lockouts and MFA set-up go into the audit log."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa.signals import authenticator_added
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from vangnet.core.access import scope_of
from vangnet.core.audit import Actor, client_ip, record
from vangnet.core.models import EventType


def record_auth_event(
    request: HttpRequest | None, user: Any, event_type: EventType, **data: Any
) -> None:
    scope = scope_of(user) if user is not None else None
    board_ids: list[int | None] = [*sorted(scope.all_board_ids)] if scope else []
    actor = Actor(
        user=user,
        role=",".join(sorted(scope.roles)) if scope else "",
        ip=client_ip(request) if request is not None else None,
    )
    for board_id in board_ids or [None]:
        record(
            actor,
            event_type,
            board_id=board_id,
            object_type="user",
            object_id=str(user.pk) if user else "",
            data=data,
        )


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    from vangnet.accounts.middleware import LAST_SEEN, LOGIN_AT

    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = request.session[LAST_SEEN] = time.time()
    with transaction.atomic():
        record_auth_event(request, user, EventType.LOGIN)


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is None or getattr(request, "_vangnet_expired", False):
        return
    with transaction.atomic():
        record_auth_event(request, user, EventType.LOGOUT)


@receiver(user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    attempted = str(credentials.get("email") or credentials.get("login") or "")[:254]
    with transaction.atomic():
        record(
            Actor(user=None, role="anonymous", ip=client_ip(request) if request else None),
            EventType.LOGIN_FAILED,
            object_type="login",
            data={"login": attempted},
        )


@receiver(user_locked_out)
def on_locked_out(sender: Any, request: Any = None, username: str = "", **kwargs: Any) -> None:
    with transaction.atomic():
        record(
            Actor(user=None, role="anonymous", ip=client_ip(request) if request else None),
            EventType.LOCKED_OUT,
            object_type="login",
            data={"login": username or ""},
        )


@receiver(authenticator_added)
def on_authenticator_added(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    user._vangnet_mfa = True
    with transaction.atomic():
        record_auth_event(request, user, EventType.MFA_ACTIVATED, kind=authenticator.type)
