"""Access rules: care cases (part of :mod:`vangnet.core.access`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from vangnet.core.access.base import _get, access_pupil, can_view_pupil, scope_of, visible_pupils
from vangnet.core.roles import SCHOOL_WIDE_ROLES, Role

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.cases.models import Case, CaseTask, Consent, ExternalExchange
    from vangnet.organisations.models import Board, Pupil, School


# --- care cases (the Meldcode and later protocols) ------------------------------------
#
# * a case's content: its owners and the colleagues explicitly added to it (while they
#   still work at the pupil's school), and the director of the pupil's school;
# * changing a case (records, tasks): owners and added colleagues; completing steps,
#   deciding and shortcuts: those of them who hold the step's responsible role (or the
#   director);
# * who is in a case: its owners and the director (the director can take a case over);
# * that a case exists, and what a colleague is asked to do: whoever may open the pupil;
# * starting a case: the roles the protocol names, at the pupil's school;
# * the consent register and exchanges with outside parties: the care coordinator and the
#   director of the pupil's school (school-wide, like parents' rights);
# * the yearly Meldcode bundle (no names): the director for their school, the board for
#   all its schools.


def visible_cases(user: User, base: QuerySet[Case] | None = None) -> QuerySet[Case]:
    from vangnet.cases.models import Case, CaseMember

    qs = base if base is not None else Case.objects.all()
    scope = scope_of(user)
    if not scope.roles:
        return qs.none()
    member = CaseMember.objects.filter(case_id=OuterRef("pk"), user_id=user.pk)
    working = scope.schools(Role.TEACHER, *SCHOOL_WIDE_ROLES)
    return qs.filter(
        Q(school_id__in=scope.schools(Role.SAFETY_OFFICER))
        | (Exists(member) & Q(school_id__in=working))
    )


def access_case(user: User, case_id: object, *, for_write: bool = False) -> Case:
    from vangnet.cases.models import Case

    case = _get(
        visible_cases(user, Case.objects.select_related("pupil__school", "school")), case_id
    )
    if for_write and not can_work_on_case(user, case):
        raise PermissionDenied
    return case


def case_member_ids(case: Case) -> dict[int, str]:
    """user id -> membership kind, read once per case and cached on it."""
    cached: dict[int, str] | None = getattr(case, "_member_ids", None)
    if cached is None:
        cached = dict(case.members.values_list("user_id", "kind"))
        case._member_ids = cached  # type: ignore[attr-defined]
    return cached


def can_work_on_case(user: User, case: Case) -> bool:
    return user.pk in case_member_ids(case) and case.school_id in scope_of(user).schools(
        Role.TEACHER, *SCHOOL_WIDE_ROLES
    )


def can_direct_case(user: User, case: Case, role: str) -> bool:
    """Completing a step, deciding and taking a shortcut: a member who holds the step's
    responsible ``role`` at the pupil's school, or the school's director who took the case
    over (a colleague added to the case, e.g. a teacher, records but does not decide)."""
    return can_work_on_case(user, case) and case.school_id in scope_of(user).schools(
        role, Role.SAFETY_OFFICER
    )


def can_manage_case_members(user: User, case: Case) -> bool:
    from vangnet.cases.models import CaseMember

    scope = scope_of(user)
    if case.school_id in scope.schools(Role.SAFETY_OFFICER):
        return True
    return case_member_ids(case).get(
        user.pk
    ) == CaseMember.Kind.OWNER and case.school_id in scope.schools(*SCHOOL_WIDE_ROLES)


def can_start_case(user: User, pupil: Pupil, starters: tuple[str, ...]) -> bool:
    return can_view_pupil(user, pupil) and pupil.school_id in scope_of(user).schools(*starters)


def cases_known_for_pupil(user: User, pupil: Pupil) -> QuerySet[Case]:
    """The cases whose existence (protocol, state, owner) the user may see on the pupil's
    page: whoever may open the pupil. Their content needs :func:`access_case`."""
    from vangnet.cases.models import Case

    if not can_view_pupil(user, pupil):
        return Case.objects.none()
    return Case.objects.filter(pupil=pupil)


def visible_case_tasks(user: User) -> QuerySet[CaseTask]:
    """Tasks on the user's list: asked of them (for a pupil they may still open, or in a
    case they are in), or, unassigned, in a case they work on."""
    from vangnet.cases.models import CaseTask

    scope = scope_of(user)
    if not scope.roles:
        return CaseTask.objects.none()
    workable = visible_cases(user).filter(
        members__user_id=user.pk,
        school_id__in=scope.schools(Role.TEACHER, *SCHOOL_WIDE_ROLES),
    )
    return CaseTask.objects.filter(
        (Q(assignee_id=user.pk) & Q(case__pupil__in=visible_pupils(user).values("pk")))
        | (Q(assignee_id=user.pk) & Q(case__in=workable.values("pk")))
        | (Q(assignee__isnull=True) & Q(case__in=workable.values("pk")))
    )


def access_case_task(user: User, task_id: object) -> CaseTask:
    """A task the user may mark as done (it is on their list)."""
    return _get(visible_case_tasks(user).select_related("case__pupil__school"), task_id)


def colleagues_for_case(case: Case) -> QuerySet[User]:
    """Staff of the pupil's school who can be added to a case or asked to do something."""
    return colleagues_for_school(case.school_id)


def colleagues_for_school(school: School | int) -> QuerySet[User]:
    """Active staff with a teaching or school-wide role at the school."""
    from vangnet.accounts.models import User as UserModel

    school_id = school if isinstance(school, int) else school.pk
    return (
        UserModel.objects.filter(
            role_assignments__school_id=school_id,
            role_assignments__role__in=[Role.TEACHER, *SCHOOL_WIDE_ROLES],
            is_active=True,
        )
        .distinct()
        .order_by("full_name")
    )


def visible_consents(user: User) -> QuerySet[Consent]:
    from vangnet.cases.models import Consent

    return Consent.objects.filter(school_id__in=scope_of(user).schools(*SCHOOL_WIDE_ROLES))


def visible_exchanges(user: User) -> QuerySet[ExternalExchange]:
    """The school's exchanges with outside parties; one that belongs to a case (every
    report to Veilig Thuis does) only for those who may read that case."""
    from vangnet.cases.models import ExternalExchange

    return ExternalExchange.objects.filter(
        Q(case__isnull=True) | Q(case__in=visible_cases(user).values("pk")),
        school_id__in=scope_of(user).schools(*SCHOOL_WIDE_ROLES),
    )


def can_manage_consent(user: User, pupil: Pupil) -> bool:
    return pupil.school_id in scope_of(user).schools(*SCHOOL_WIDE_ROLES)


def access_consents_of(user: User, pupil_id: object) -> Pupil:
    """The pupil whose consent register the user may read and write."""
    pupil = access_pupil(user, pupil_id)
    if not can_manage_consent(user, pupil):
        raise PermissionDenied
    return pupil


def access_consent(user: User, consent_id: object) -> Consent:
    return _get(visible_consents(user).select_related("pupil__school", "recipient"), consent_id)


def meldcode_bundle_schools(user: User) -> QuerySet[School]:
    """Schools whose yearly Meldcode bundle (without names) the user may export."""
    from vangnet.organisations.models import School

    scope = scope_of(user)
    return School.objects.filter(
        Q(id__in=scope.schools(Role.SAFETY_OFFICER)) | Q(board_id__in=scope.boards(Role.BOARD))
    )


def access_meldcode_bundle(user: User, school_id: object) -> School:
    return _get(meldcode_bundle_schools(user).select_related("board"), school_id)


def meldcode_bundle_boards(user: User) -> QuerySet[Board]:
    """Boards whose schools' Meldcode bundles the user may list: the board role."""
    from vangnet.organisations.models import Board

    return Board.objects.filter(id__in=scope_of(user).boards(Role.BOARD))


def access_meldcode_board(user: User, board_id: object) -> Board:
    return _get(meldcode_bundle_boards(user), board_id)
