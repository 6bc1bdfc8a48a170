"""Session lifetime (idle and absolute) and mandatory second factor."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from vangnet.core.access import scope_of
from vangnet.core.roles import MFA_REQUIRED_ROLES

LOGIN_AT = "vangnet_login_at"
LAST_SEEN = "vangnet_last_seen"
# Writing the session on every request costs a database write; once a minute is enough
# to keep the idle timer accurate to within that minute.
TOUCH_EVERY = 60

OPEN_PREFIXES = ("/static/", "/healthz", "/i18n/", "/accounts/", "/api/")


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            login_at = session.get(LOGIN_AT)
            last_seen = session.get(LAST_SEEN)
            if login_at is None or last_seen is None:
                session[LOGIN_AT] = session[LAST_SEEN] = now
            elif (
                now - last_seen > settings.IDLE_TIMEOUT.total_seconds()
                or now - login_at > settings.SESSION_MAX_AGE.total_seconds()
            ):
                return self.expire(request)
            elif now - last_seen > TOUCH_EVERY:
                session[LAST_SEEN] = now
        return self.get_response(request)

    def expire(self, request: HttpRequest) -> HttpResponse:
        from vangnet.accounts.receivers import record_auth_event
        from vangnet.core.models import EventType

        with transaction.atomic():
            record_auth_event(request, request.user, EventType.SESSION_EXPIRED)
        request._vangnet_expired = True  # type: ignore[attr-defined]
        logout(request)
        messages.info(request, _("Je sessie is verlopen. Log opnieuw in."))
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        url = reverse("account_login") + (f"?{query}" if query else "")
        return _redirect(request, url)


class MfaRequiredMiddleware:
    """Users whose role can reach personal data must set up a second factor first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and needs_mfa_setup(user)
        ):
            messages.warning(
                request,
                _(
                    "Stel eerst een tweede factor in (een code uit een authenticator-app). "
                    "Dat is verplicht voor iedereen die leerlinggegevens kan inzien."
                ),
            )
            return _redirect(request, reverse("mfa_activate_totp"))
        return self.get_response(request)


def needs_mfa_setup(user: Any) -> bool:
    from allauth.mfa.utils import is_mfa_enabled

    scope = scope_of(user)
    if not (scope.roles & MFA_REQUIRED_ROLES):
        return False
    cached = getattr(user, "_vangnet_mfa", None)
    if cached is None:
        cached = is_mfa_enabled(user)
        user._vangnet_mfa = cached
    return not cached
