"""Access rules: care meetings (zorgoverleg) (part of :mod:`vangnet.core.access`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from vangnet.core.access.base import _get, scope_of
from vangnet.core.access.cases import can_work_on_case
from vangnet.core.roles import SCHOOL_WIDE_ROLES

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.cases.models import Case
    from vangnet.meetings.models import CareMeeting, MeetingSeries
    from vangnet.organisations.models import School


# --- care meetings (zorgoverleg) --------------------------------------------------------
# The school's care coordinator and director organise the meeting: they plan it, build the
# agenda, keep the minutes and see every meeting of their school. A member with an account
# sees the meetings of their series and only the items on those agendas — pseudonymised
# unless naming is allowed — never the cases behind them (those stay need-to-know).


def meeting_schools(user: User) -> frozenset[int]:
    """Schools whose care meetings the user organises."""
    return scope_of(user).schools(*SCHOOL_WIDE_ROLES)


def visible_meeting_series(
    user: User, base: QuerySet[MeetingSeries] | None = None
) -> QuerySet[MeetingSeries]:
    from vangnet.meetings.models import MeetingMember, MeetingSeries

    qs = base if base is not None else MeetingSeries.objects.all()
    if not scope_of(user).roles:
        return qs.none()
    member = MeetingMember.objects.filter(series_id=OuterRef("pk"), user_id=user.pk)
    # a member only while they still work at the school (like case members)
    scope = scope_of(user)
    return qs.filter(
        Q(school_id__in=meeting_schools(user))
        | (Exists(member) & Q(school_id__in=scope.all_school_ids))
    )


def visible_care_meetings(
    user: User, base: QuerySet[CareMeeting] | None = None
) -> QuerySet[CareMeeting]:
    from vangnet.meetings.models import CareMeeting

    qs = base if base is not None else CareMeeting.objects.all()
    return qs.filter(series__in=visible_meeting_series(user).values("pk"))


def access_meeting_series(
    user: User, series_id: object, *, for_write: bool = False
) -> MeetingSeries:
    from vangnet.meetings.models import MeetingSeries

    series = _get(
        visible_meeting_series(user, MeetingSeries.objects.select_related("school")), series_id
    )
    if for_write and series.school_id not in meeting_schools(user):
        raise PermissionDenied
    return series


def access_care_meeting(user: User, meeting_id: object, *, for_write: bool = False) -> CareMeeting:
    from vangnet.meetings.models import CareMeeting

    meeting = _get(
        visible_care_meetings(user, CareMeeting.objects.select_related("series__school__board")),
        meeting_id,
    )
    if for_write and meeting.series.school_id not in meeting_schools(user):
        raise PermissionDenied
    return meeting


def can_organise_meetings(user: User, school: School) -> bool:
    return school.pk in meeting_schools(user)


def can_request_meeting(user: User, case: Case) -> bool:
    return can_work_on_case(user, case)
