"""Need-to-know: the one place that decides who may see and do what.

Lists go through ``visible_*`` (and the ``visible_to`` queryset methods that call them);
single records through ``access_*(user, id, *, for_write=False)``. A record outside the
user's reach raises :class:`~django.http.Http404` (its existence is not revealed); a
record the user may read but not change raises :class:`PermissionDenied` (403) on write.

The rules (see docs/domain.md, "Who uses it"):

* teacher: pupils of the groups they teach this school year; other pupils of their own
  school only through break-the-glass, where the board allows it;
* care coordinator, director/social-safety officer: every pupil of their school(s);
* confidential adviser: no pupil records (their own conversations only, later module);
* board: aggregates across the board's schools, no named pupils;
* privacy officer: the audit trail of the board, and pupils' identity only on the access
  log page (to answer requests);
* administrator: organisation data (schools, roles, social map, import), no pupil pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from vangnet.core.roles import BOARD_ROLES, SCHOOL_WIDE_ROLES, Role
from vangnet.lib.dates import school_year_of

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.core.models import AuditEvent, BreakGlassGrant
    from vangnet.organisations.models import Board, Partner, Pupil, School

_M = TypeVar("_M", bound=Model)


@dataclass(frozen=True)
class Scope:
    """What a user's role assignments add up to; computed once per request."""

    roles: frozenset[str] = frozenset()
    # role -> school ids (school roles) / board ids (board roles)
    school_ids: dict[str, frozenset[int]] = field(default_factory=dict)
    board_ids: dict[str, frozenset[int]] = field(default_factory=dict)
    all_board_ids: frozenset[int] = frozenset()
    all_school_ids: frozenset[int] = frozenset()

    def schools(self, *roles: str) -> frozenset[int]:
        return frozenset().union(*(self.school_ids.get(r, frozenset()) for r in roles))

    def boards(self, *roles: str) -> frozenset[int]:
        return frozenset().union(*(self.board_ids.get(r, frozenset()) for r in roles))

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)


EMPTY = Scope()


def scope_of(user: User | None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY
    cached: Scope | None = getattr(user, "_vangnet_scope", None)
    if cached is not None:
        return cached
    from vangnet.organisations.models import RoleAssignment, School

    schools: dict[str, set[int]] = {}
    boards: dict[str, set[int]] = {}
    all_boards: set[int] = set()
    for role, board_id, school_id in RoleAssignment.objects.filter(user=user).values_list(
        "role", "board_id", "school_id"
    ):
        all_boards.add(board_id)
        boards.setdefault(role, set()).add(board_id)
        if school_id is not None and role not in BOARD_ROLES:
            schools.setdefault(role, set()).add(school_id)
    board_wide = set().union(*(boards.get(r, set()) for r in BOARD_ROLES))
    school_ids = set().union(*schools.values()) if schools else set()
    if board_wide:
        school_ids |= set(
            School.objects.filter(board_id__in=board_wide).values_list("id", flat=True)
        )
    scope = Scope(
        roles=frozenset(boards),
        school_ids={k: frozenset(v) for k, v in schools.items()},
        board_ids={k: frozenset(v) for k, v in boards.items()},
        all_board_ids=frozenset(all_boards),
        all_school_ids=frozenset(school_ids),
    )
    user._vangnet_scope = scope  # type: ignore[attr-defined]
    return scope


# --- pupils -------------------------------------------------------------------------------


def _active_grants(user: User) -> QuerySet[BreakGlassGrant]:
    from vangnet.core.models import BreakGlassGrant

    return BreakGlassGrant.objects.filter(user=user, expires_at__gt=timezone.now())


@dataclass(frozen=True)
class TeacherReach:
    """The groups a teacher teaches this school year and the pupils they hold an active
    break-the-glass grant for; computed once per request, like the scope."""

    group_ids: frozenset[int] = frozenset()
    granted_pupil_ids: frozenset[int] = frozenset()


def teacher_reach(user: User) -> TeacherReach:
    cached: TeacherReach | None = getattr(user, "_vangnet_reach", None)
    if cached is not None:
        return cached
    from vangnet.organisations.models import Group

    scope = scope_of(user)
    reach = TeacherReach()
    if scope.has(Role.TEACHER):
        schools = scope.schools(Role.TEACHER)
        groups = Group.teachers.through.objects.filter(
            user_id=user.pk,
            group__school_year=school_year_of(timezone.localdate()),
            group__school_id__in=schools,
        ).values_list("group_id", flat=True)
        grants = _active_grants(user).filter(pupil__school_id__in=schools)
        reach = TeacherReach(
            frozenset(groups), frozenset(grants.values_list("pupil_id", flat=True))
        )
    user._vangnet_reach = reach  # type: ignore[attr-defined]
    return reach


def visible_pupils(user: User, base: QuerySet[Pupil] | None = None) -> QuerySet[Pupil]:
    """Pupils whose page the user may open."""
    from vangnet.organisations.models import Pupil

    qs = base if base is not None else Pupil.objects.all()
    scope = scope_of(user)
    if not scope.roles:
        return qs.none()
    condition = Q(school_id__in=scope.schools(*SCHOOL_WIDE_ROLES))
    if scope.has(Role.TEACHER):
        reach = teacher_reach(user)
        condition |= Q(school_id__in=scope.schools(Role.TEACHER)) & (
            Q(group_id__in=reach.group_ids) | Q(pk__in=reach.granted_pupil_ids)
        )
    return qs.filter(condition)


def can_view_pupil(user: User, pupil: Pupil) -> bool:
    """The rule of :func:`visible_pupils` for one pupil in hand, answered from the request's
    scope without a query (tests check both agree for every persona and pupil)."""
    scope = scope_of(user)
    if pupil.school_id in scope.schools(*SCHOOL_WIDE_ROLES):
        return True
    if pupil.school_id in scope.schools(Role.TEACHER):
        reach = teacher_reach(user)
        return pupil.group_id in reach.group_ids or pupil.pk in reach.granted_pupil_ids
    return False


def access_pupil(user: User, pupil_id: object, *, for_write: bool = False) -> Pupil:
    from vangnet.organisations.models import Pupil

    pupil = _get(Pupil.objects.select_related("school", "group"), pupil_id)
    if not can_view_pupil(user, pupil):
        raise Http404
    if for_write and not can_edit_pupil(user, pupil):
        raise PermissionDenied
    return pupil


def can_edit_pupil(user: User, pupil: Pupil) -> bool:
    scope = scope_of(user)
    return pupil.school_id in scope.schools(*SCHOOL_WIDE_ROLES)


def break_glass_candidates(user: User) -> QuerySet[Pupil]:
    """Pupils a teacher could open by stating a reason: own school, board allows it."""
    from vangnet.organisations.models import Pupil

    scope = scope_of(user)
    if not scope.has(Role.TEACHER):
        return Pupil.objects.none()
    return Pupil.objects.filter(
        school_id__in=scope.schools(Role.TEACHER), school__board__break_glass_allowed=True
    )


def access_break_glass(user: User, pupil_id: object) -> Pupil:
    return _get(break_glass_candidates(user).select_related("school__board", "group"), pupil_id)


def pupils_with_access_log(user: User) -> QuerySet[Pupil]:
    """Pupils whose access log the user may read: care coordinators of the school and
    the board's privacy officer (the record owner and the privacy officer)."""
    from vangnet.organisations.models import Pupil

    scope = scope_of(user)
    return Pupil.objects.filter(
        Q(school_id__in=scope.schools(Role.CARE_COORDINATOR))
        | Q(school__board_id__in=scope.boards(Role.PRIVACY_OFFICER))
    )


def can_see_access_log(user: User, pupil: Pupil) -> bool:
    """:func:`pupils_with_access_log` for a pupil already in hand, without a query."""
    scope = scope_of(user)
    return pupil.school_id in scope.schools(Role.CARE_COORDINATOR) or (
        pupil.school.board_id in scope.boards(Role.PRIVACY_OFFICER)
    )


def access_pupil_access_log(user: User, pupil_id: object) -> Pupil:
    return _get(pupils_with_access_log(user).select_related("school__board", "group"), pupil_id)


# --- organisation -----------------------------------------------------------------------


def visible_schools(user: User) -> QuerySet[School]:
    from vangnet.organisations.models import School

    return School.objects.filter(id__in=scope_of(user).all_school_ids)


def access_school(user: User, school_id: object) -> School:
    return _get(visible_schools(user).select_related("board"), school_id)


def visible_boards(user: User) -> QuerySet[Board]:
    from vangnet.organisations.models import Board

    return Board.objects.filter(id__in=scope_of(user).all_board_ids)


def access_board(user: User, board_id: object, *, for_write: bool = False) -> Board:
    board = _get(visible_boards(user), board_id)
    if for_write and board.pk not in scope_of(user).boards(Role.ADMINISTRATOR):
        raise PermissionDenied
    return board


def can_see_staff(user: User, school: School) -> bool:
    """Staff names and roles: everyone who works at the school or for its board."""
    return school.pk in scope_of(user).all_school_ids


def can_manage_board(user: User, board: Board) -> bool:
    return board.pk in scope_of(user).boards(Role.ADMINISTRATOR)


def can_import(user: User, board: Board) -> bool:
    return can_manage_board(user, board)


def can_see_board_overview(user: User, board: Board) -> bool:
    return board.pk in scope_of(user).boards(*BOARD_ROLES)


# --- social map -------------------------------------------------------------------------

PARTNER_EDITORS = (Role.ADMINISTRATOR, Role.SAFETY_OFFICER, Role.CARE_COORDINATOR)


def visible_partners(user: User) -> QuerySet[Partner]:
    from vangnet.organisations.models import Partner

    return Partner.objects.filter(board_id__in=scope_of(user).all_board_ids)


def can_edit_partners(user: User, board: Board) -> bool:
    return board.pk in scope_of(user).boards(*PARTNER_EDITORS)


def access_partner(user: User, partner_id: object, *, for_write: bool = False) -> Partner:
    partner = _get(visible_partners(user).select_related("board"), partner_id)
    if for_write and not can_edit_partners(user, partner.board):
        raise PermissionDenied
    return partner


# --- audit log ----------------------------------------------------------------------------


def visible_audit_events(user: User) -> QuerySet[AuditEvent]:
    """The board-wide audit log: privacy officers of the board."""
    from vangnet.core.models import AuditEvent

    boards = scope_of(user).boards(Role.PRIVACY_OFFICER)
    return AuditEvent.objects.filter(board_id__in=boards)


def can_see_audit_log(user: User) -> bool:
    return bool(scope_of(user).boards(Role.PRIVACY_OFFICER))


def visible_break_glass_grants(user: User) -> QuerySet[BreakGlassGrant]:
    """Break-the-glass use, shown to the care coordinators of the school, the board's
    privacy officer, and the user who used it."""
    from vangnet.core.models import BreakGlassGrant

    scope = scope_of(user)
    return BreakGlassGrant.objects.filter(
        Q(pupil__school_id__in=scope.schools(Role.CARE_COORDINATOR))
        | Q(pupil__school__board_id__in=scope.boards(Role.PRIVACY_OFFICER))
        | Q(user_id=user.pk)
    )


def active_break_glass_grant(user: User, pupil: Pupil) -> BreakGlassGrant | None:
    """The user's own unexpired break-the-glass grant for ``pupil``, if any. (A user
    always sees their own grants, so this equals filtering
    :func:`visible_break_glass_grants` on ``user``.)"""
    if pupil.pk not in teacher_reach(user).granted_pupil_ids:
        return None
    return _active_grants(user).filter(pupil=pupil).first()


# --- helpers --------------------------------------------------------------------------------


def _get(queryset: QuerySet[_M], pk: object) -> _M:
    try:
        return queryset.get(pk=int(str(pk)))
    except (ValueError, TypeError, OverflowError):
        raise Http404 from None
    except ObjectDoesNotExist:
        raise Http404 from None
