from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from vangnet.core.access import scope_of
from vangnet.core.roles import BOARD_ROLES, SCHOOL_WIDE_ROLES, Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    from vangnet.accounts.middleware import needs_mfa_setup

    if needs_mfa_setup(user):
        return {"nav": []}  # every link would lead back to the set-up page
    scope = scope_of(user)
    items = [("home", reverse("home"), _("Start"))]
    if scope.has(Role.TEACHER, Role.CARE_COORDINATOR, Role.SAFETY_OFFICER):
        items.append(("pupils", reverse("pupil_search"), _("Leerlingen")))
        items.append(("tasks", reverse("my_tasks"), _("Mijn taken")))
    if scope.schools(Role.TEACHER, *SCHOOL_WIDE_ROLES):
        items.append(("incidents", reverse("incident_list"), _("Incidenten")))
        items.append(("meetings", reverse("meeting_list"), _("Zorgoverleg")))
    if scope.schools(*SCHOOL_WIDE_ROLES) or scope.boards(Role.BOARD):
        items.append(("insights", reverse("incident_insights"), _("Trends")))
        items.append(("measures", reverse("measure_list"), _("Maatregelen")))
    if scope.all_school_ids:
        items.append(("schools", reverse("school_list"), _("Scholen")))
    for board_id in sorted(scope.boards(*BOARD_ROLES)):
        items.append(("board", reverse("board_detail", args=[board_id]), _("Bestuur")))
        break
    if scope.all_board_ids:
        items.append(("partners", reverse("partner_list"), _("Sociale kaart")))
    if scope.has(Role.PRIVACY_OFFICER):
        items.append(("audit", reverse("audit_log"), _("Auditlog")))
    path = request.path
    # the year in review and the annual report belong to Trends, not to the register
    for section in ("/incidenten/jaaroverzicht/", "/incidenten/jaarverslag/"):
        if path.startswith(section):
            path = reverse("incident_insights")
    # the current item is the longest link the path starts with ("/" only for itself)
    matches = [
        url for _k, url, _l in items if (path == url if url == "/" else path.startswith(url))
    ]
    current_url = max(matches, key=len, default=None)
    nav = [
        {"key": key, "url": url, "label": label, "current": url == current_url}
        for key, url, label in items
    ]
    from vangnet.core.notify import unread_count

    # A callable: the template calls it (once, cached) only where it shows the counter.
    unread = cache(lambda: unread_count(user))
    return {"nav": nav, "unread_notifications": unread}
