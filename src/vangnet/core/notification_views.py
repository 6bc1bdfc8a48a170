"""The user's own notifications: reminders and overdue steps from the worker.

Only ever the user's own rows; the link of a notification leads to a page that checks
access again (a colleague removed from a case since gets a 404 there).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from vangnet.core.http import AuthedRequest
from vangnet.core.models import Notification
from vangnet.core.notify import mark_all_read

PER_PAGE = 50


@login_required
@require_http_methods(["GET"])
def notifications(request: AuthedRequest) -> HttpResponse:
    rows = Notification.objects.filter(user=request.user).only(
        "id", "title", "url", "created_at", "read_at"
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("pagina"))
    return render(request, "core/notifications.html", {"page": page})


@login_required
@require_http_methods(["POST"])
def notifications_read(request: AuthedRequest) -> HttpResponse:
    mark_all_read(request.user)
    return redirect("notifications")
