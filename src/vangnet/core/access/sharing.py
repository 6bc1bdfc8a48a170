"""Access rules: sharing outside the institution, decision framework 2 (see
:mod:`vangnet.core.access`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from vangnet.core.access.base import _get, scope_of
from vangnet.core.access.cases import can_work_on_case, visible_cases
from vangnet.core.roles import Role

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.cases.models import Case
    from vangnet.organisations.models import School
    from vangnet.sharing.models import SharingRequest


# --- sharing outside the institution (decision framework 2) ----------------------------
# A sharing request belongs to a case (concerning behaviour in higher education). Who sees
# it: the readers of the case, and the Executive Board (the board role of the school's
# board) — the protocol hands the request to them by name, nothing else of the case.
# Who asks and who marks it as shared: those who may work on the case. Who approves: the
# board role only.


def visible_sharing_requests(
    user: User, base: QuerySet[SharingRequest] | None = None
) -> QuerySet[SharingRequest]:
    from vangnet.sharing.models import SharingRequest

    qs = base if base is not None else SharingRequest.objects.all()
    scope = scope_of(user)
    if not scope.roles:
        return qs.none()
    return qs.filter(
        Q(case_id__in=visible_cases(user).values("pk"))
        | Q(school__board_id__in=scope.boards(Role.BOARD))
    )


def access_sharing_request(user: User, request_id: object) -> SharingRequest:
    from vangnet.sharing.models import SharingRequest

    return _get(
        visible_sharing_requests(
            user, SharingRequest.objects.select_related("case", "pupil", "school", "recipient")
        ),
        request_id,
    )


def can_request_sharing(user: User, case: Case) -> bool:
    return can_work_on_case(user, case)


def can_approve_sharing(user: User, request: SharingRequest) -> bool:
    return request.school.board_id in scope_of(user).boards(Role.BOARD)


def sharing_boards_users(school: School) -> QuerySet[User]:
    """The Executive Board members of a school's board (whose consent can be recorded)."""
    from vangnet.accounts.models import User
    from vangnet.organisations.models import RoleAssignment

    ids = RoleAssignment.objects.filter(board_id=school.board_id, role=Role.BOARD).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("full_name")
