"""The user's own notifications: reminders and overdue steps from the worker.

Only ever the user's own rows; the link of a notification leads to a page that checks
access again (a colleague removed from a case since gets a 404 there). Notifications
about a case name its pupil: a page that lists one writes a ``CASES_LISTED`` read event.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from vangnet.core import access
from vangnet.core.audit import Actor, record
from vangnet.core.http import AuthedRequest
from vangnet.core.models import EventType, Notification
from vangnet.core.notify import mark_all_read

PER_PAGE = 50
# the keys of notifications about a case (its tasks, reminders and escalations)
CASE_KEYS = ("case-",)


@login_required
@require_http_methods(["GET"])
def notifications(request: AuthedRequest) -> HttpResponse:
    rows = Notification.objects.filter(user=request.user).only(
        "id", "key", "title", "url", "created_at", "read_at"
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("pagina"))
    # a notification about a case names its pupil: listing them is a read (counts only)
    about_cases = sum(1 for n in page.object_list if n.key.startswith(CASE_KEYS))
    if about_cases:
        scope = access.scope_of(request.user)
        with transaction.atomic():
            record(
                Actor.from_request(request),
                EventType.CASES_LISTED,
                board_id=min(scope.all_board_ids) if scope.all_board_ids else None,
                object_type="notifications",
                data={"page": "notifications", "count": about_cases},
            )
    return render(request, "core/notifications.html", {"page": page})


@login_required
@require_http_methods(["POST"])
def notifications_read(request: AuthedRequest) -> HttpResponse:
    mark_all_read(request.user)
    return redirect("notifications")
