"""What the logbook adds to the start page: reminders, shared entries and hand-overs."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from vangnet.concerns.models import Concern
from vangnet.core.roles import Role

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.core.access import Scope

REMIND_DAYS_AHEAD = 7
SHARED_DAYS = 60
HANDOVER_DAYS = 90


def home_sections(user: User, scope: Scope) -> dict[str, Any]:
    now = timezone.now()
    today = timezone.localdate()
    context: dict[str, Any] = {
        # follow-up dates of conversations with parents: due within a week, or overdue
        "follow_ups": list(
            Concern.objects.visible_to(user)
            .filter(
                author=user,
                follow_up_on__isnull=False,
                follow_up_on__lte=today + dt.timedelta(days=REMIND_DAYS_AHEAD),
                follow_up_on__gte=today - dt.timedelta(days=30),
            )
            .select_related("pupil")
            .order_by("follow_up_on")[:20]
        ),
        "shared_with_me": list(
            Concern.objects.visible_to(user)
            .filter(shares__user=user, shares__shared_at__gte=now - dt.timedelta(days=SHARED_DAYS))
            .select_related("pupil", "author")
            .order_by("-occurred_at")[:20]
        ),
        "today": today,
    }
    if scope.has(Role.TEACHER):
        from vangnet.core import access

        context["my_pupils"] = list(
            access.visible_pupils(user)
            .filter(group__teachers=user)
            .select_related("group")
            .order_by("group__name", "last_name", "first_name")
        )
    schools = scope.schools(Role.CARE_COORDINATOR, Role.SAFETY_OFFICER)
    if schools:
        context["handovers"] = list(
            Concern.objects.visible_to(user)
            .filter(
                pupil__school_id__in=schools,
                handed_over_at__gte=now - dt.timedelta(days=HANDOVER_DAYS),
            )
            .select_related("pupil", "author")
            .order_by("-handed_over_at")[:30]
        )
    return context
