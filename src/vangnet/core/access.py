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
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from vangnet.core.roles import BOARD_ROLES, SCHOOL_WIDE_ROLES, Role
from vangnet.lib.dates import school_year_of

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.cases.models import Case, CaseTask, Consent, ExternalExchange
    from vangnet.concerns.models import Concern
    from vangnet.core.models import AuditEvent, BreakGlassGrant
    from vangnet.incidents.models import Incident
    from vangnet.measures.models import ExtraRulesPlan, Measure
    from vangnet.meetings.models import CareMeeting, MeetingSeries
    from vangnet.organisations.models import Board, Partner, Pupil, School
    from vangnet.sharing.models import SharingRequest

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


# --- concerns and the pupil dossier ---------------------------------------------------
#
# * the dossier (every entry about a pupil): whoever may open the pupil's page;
# * one entry: also the colleagues it was shared with for consultation;
# * changing or deleting an entry: its author (deleting only within a day of writing);
# * parents' rights (their view, correction requests, the export for parents): the care
#   coordinator and the director of the pupil's school.


def visible_concerns(user: User, base: QuerySet[Concern] | None = None) -> QuerySet[Concern]:
    from vangnet.concerns.models import Concern, ConcernShare

    qs = base if base is not None else Concern.objects.all()
    if not scope_of(user).roles:
        return qs.none()
    shared = ConcernShare.objects.filter(concern_id=OuterRef("pk"), user_id=user.pk)
    # A share counts only while the colleague still works at the pupil's school in a role
    # that may consult on pupils (not as confidential adviser).
    consulting = scope_of(user).schools(Role.TEACHER, *SCHOOL_WIDE_ROLES)
    return qs.filter(
        Q(pupil__in=visible_pupils(user).values("pk"))
        | (Exists(shared) & Q(pupil__school_id__in=consulting))
    )


def dossier_concerns(user: User, pupil: Pupil) -> QuerySet[Concern]:
    """The pupil's whole dossier, for someone who may open the pupil (checked by the
    caller with :func:`access_pupil`)."""
    from vangnet.concerns.models import Concern

    if not can_view_pupil(user, pupil):
        return Concern.objects.none()
    return Concern.objects.filter(pupil=pupil)


def access_concern(user: User, concern_id: object, *, for_write: bool = False) -> Concern:
    concern = _get(visible_concerns(user).select_related("pupil__school", "author"), concern_id)
    if for_write and concern.author_id != user.pk:
        raise PermissionDenied
    return concern


def can_delete_concern(user: User, concern: Concern) -> bool:
    return concern.author_id == user.pk and timezone.now() < concern.deletable_until


def can_manage_dossier(user: User, pupil: Pupil) -> bool:
    """Parents' rights: recording their view, correction requests, the parents' export."""
    return pupil.school_id in scope_of(user).schools(*SCHOOL_WIDE_ROLES)


def access_dossier_for_parents(user: User, pupil_id: object) -> Pupil:
    pupil = access_pupil(user, pupil_id)
    if not can_manage_dossier(user, pupil):
        raise PermissionDenied
    return pupil


def colleagues_for_sharing(user: User, pupil: Pupil) -> QuerySet[User]:
    """Staff of the pupil's school a concern can be shared with (not the user)."""
    from vangnet.accounts.models import User as UserModel

    return (
        UserModel.objects.filter(
            role_assignments__school_id=pupil.school_id,
            role_assignments__role__in=[Role.TEACHER, *SCHOOL_WIDE_ROLES],
            is_active=True,
        )
        .exclude(pk=user.pk)
        .distinct()
        .order_by("full_name")
    )


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


# --- incidents -------------------------------------------------------------------------
#
# * the social-safety officer/director and the care coordinator: every incident of their
#   school(s);
# * a teacher: the incidents they reported, and those involving a pupil of a group they
#   teach this school year;
# * changing an incident: its reporter and the director of the school;
# * the report for the parents of a pupil involved: the school's director and care
#   coordinator, and the reporter for a pupil they may open;
# * the board: aggregates across its schools (insights), no named incident;
# * privacy officer, administrator, confidential adviser: none.


def visible_incidents(user: User, base: QuerySet[Incident] | None = None) -> QuerySet[Incident]:
    from vangnet.incidents.models import Incident, IncidentPerson

    qs = base if base is not None else Incident.objects.all()
    scope = scope_of(user)
    if not scope.roles:
        return qs.none()
    condition = Q(school_id__in=scope.schools(*SCHOOL_WIDE_ROLES))
    if scope.has(Role.TEACHER):
        teaching = scope.schools(Role.TEACHER)
        groups = teacher_reach(user).group_ids
        involves = IncidentPerson.objects.filter(
            incident_id=OuterRef("pk"), pupil__group_id__in=groups
        )
        condition |= Q(school_id__in=teaching) & (Q(reporter_id=user.pk) | Q(Exists(involves)))
    return qs.filter(condition)


def access_incident(user: User, incident_id: object, *, for_write: bool = False) -> Incident:
    from vangnet.incidents.models import Incident

    incident = _get(visible_incidents(user, Incident.objects.select_related("school")), incident_id)
    if for_write and not can_edit_incident(user, incident):
        raise PermissionDenied
    return incident


def can_edit_incident(user: User, incident: Incident) -> bool:
    return incident.reporter_id == user.pk or incident.school_id in scope_of(user).schools(
        Role.SAFETY_OFFICER
    )


def incident_schools(user: User) -> QuerySet[School]:
    """Schools where the user may register an incident."""
    from vangnet.organisations.models import School

    scope = scope_of(user)
    return School.objects.filter(id__in=scope.schools(Role.TEACHER, *SCHOOL_WIDE_ROLES))


def insight_schools(user: User) -> QuerySet[School]:
    """Schools whose incident figures (counts, never names) the user may see: the school's
    director and care coordinator, and the board for all its schools."""
    from vangnet.organisations.models import School

    scope = scope_of(user)
    return School.objects.filter(
        Q(id__in=scope.schools(*SCHOOL_WIDE_ROLES)) | Q(board_id__in=scope.boards(Role.BOARD))
    )


def can_export_incident_for_parents(user: User, incident: Incident, pupil: Pupil) -> bool:
    """The report for the parents of a pupil involved: the school's director and care
    coordinator, and the reporter for a pupil they may open themselves."""
    if incident.school_id in scope_of(user).schools(*SCHOOL_WIDE_ROLES):
        return True
    return can_edit_incident(user, incident) and can_view_pupil(user, pupil)


def access_incident_parent_export(
    user: User, incident_id: object, pupil_id: object
) -> tuple[Incident, Pupil]:
    """The incident and the pupil involved in it: 404 when the incident is out of sight or
    the pupil is not involved, 403 for a reader who may not make the report."""
    from vangnet.incidents.models import IncidentPerson
    from vangnet.organisations.models import Pupil

    incident = access_incident(user, incident_id)
    involved = IncidentPerson.objects.filter(incident_id=incident.pk, pupil_id=OuterRef("pk"))
    pupil = _get(Pupil.objects.filter(Exists(involved)).select_related("school"), pupil_id)
    if not can_export_incident_for_parents(user, incident, pupil):
        raise PermissionDenied
    return incident, pupil


# --- behaviour measures -------------------------------------------------------------------
# A measure belongs to a behaviour-ladder case. Who sees it:
# * the readers of that case (its members at the school, the school's director);
# * the board (bevoegd gezag) of the school, for the measures it decides: a suspension,
#   an expulsion and, in higher education, the Executive Board's measures — the protocol
#   hands those to the board by name; never a time-out, which stays with the school.
# Who approves: a time-out the school's director; every other measure the board.
# Who works on it (records hearings, letters, search attempts): members of the case who
# may work on it, and the school's director.


def visible_measures(user: User, base: QuerySet[Measure] | None = None) -> QuerySet[Measure]:
    from vangnet.measures.models import Measure

    qs = base if base is not None else Measure.objects.all()
    scope = scope_of(user)
    if not scope.roles:
        return qs.none()
    readable = visible_cases(user).values("pk")
    return qs.filter(
        Q(case_id__in=readable)
        | (Q(school__board_id__in=scope.boards(Role.BOARD)) & ~Q(kind=Measure.Kind.TIME_OUT))
    )


def access_measure(user: User, measure_id: object, *, for_write: bool = False) -> Measure:
    from vangnet.measures.models import Measure

    measure = _get(
        visible_measures(user, Measure.objects.select_related("case", "pupil", "school__board")),
        measure_id,
    )
    if for_write and not can_work_on_measure(user, measure):
        raise PermissionDenied
    return measure


def can_work_on_measure(user: User, measure: Measure) -> bool:
    return measure.school_id in scope_of(user).schools(Role.SAFETY_OFFICER) or can_work_on_case(
        user, measure.case
    )


def can_approve_measure(user: User, measure: Measure) -> bool:
    """A time-out: the school's director. Every other measure: the board."""
    from vangnet.measures.models import Measure

    scope = scope_of(user)
    if measure.kind == Measure.Kind.TIME_OUT:
        return measure.school_id in scope.schools(Role.SAFETY_OFFICER)
    return measure.school.board_id in scope.boards(Role.BOARD)


def can_propose_measure(user: User, case: Case) -> bool:
    """Proposing a measure on a ladder case: the case's director-role member or the
    school's director, or the case's care coordinator."""
    return can_direct_case(user, case, Role.CARE_COORDINATOR)


def measures_to_decide(user: User) -> QuerySet[Measure]:
    """Proposals waiting for the user's decision (the rule of :func:`can_approve_measure`):
    time-outs at the director's schools, every other measure at the board's schools."""
    from vangnet.measures.models import Measure

    scope = scope_of(user)
    time_out = Q(kind=Measure.Kind.TIME_OUT)
    return visible_measures(user).filter(
        (time_out & Q(school_id__in=scope.schools(Role.SAFETY_OFFICER)))
        | (~time_out & Q(school__board_id__in=scope.boards(Role.BOARD))),
        status=Measure.Status.PROPOSED,
    )


def can_propose_for_pupil(user: User, pupil: Pupil) -> bool:
    """Proposing a measure for a pupil: on the case a proposal goes to (the newest open
    behaviour-ladder case the user sees; in higher education the concerning-behaviour case
    at its Executive Board step) the rule of :func:`can_propose_measure`; without one, the
    care coordinator or director of the pupil's school, who may start the ladder (higher
    education: nobody, the measures come from that last step)."""
    from vangnet.cases import protocols
    from vangnet.cases.models import Case
    from vangnet.measures import actions as measure_actions
    from vangnet.measures.models import Measure

    if pupil.school_id not in scope_of(user).schools(Role.CARE_COORDINATOR, Role.SAFETY_OFFICER):
        return False
    higher = pupil.school.is_higher_education
    protocol = measure_actions.HE_LADDER if higher else measure_actions.LADDER
    cases = visible_cases(user, Case.objects.filter(pupil_id=pupil.pk, protocol=protocol))
    if higher:
        cases = cases.filter(current_step=measure_actions.STEP_OF[Measure.Kind.ACCESS_DENIAL])
    case = cases.exclude(state=Case.State.CLOSED).order_by("-opened_at", "-id").first()
    if case is not None:
        return can_propose_measure(user, case)
    return not higher and can_start_case(user, pupil, protocols.current(protocol).starters)


def visible_extra_rules(user: User) -> QuerySet[ExtraRulesPlan]:
    """Temporary extra rules: the readers of their ladder case."""
    from vangnet.measures.models import ExtraRulesPlan

    return ExtraRulesPlan.objects.filter(case_id__in=visible_cases(user).values("pk"))


def access_extra_rules(user: User, plan_id: object, *, for_write: bool = False) -> ExtraRulesPlan:
    """One plan; writing (evaluating) for those who work on its case."""
    plan = _get(visible_extra_rules(user).select_related("case__pupil__school"), plan_id)
    if for_write and not can_work_on_case(user, plan.case):
        raise PermissionDenied
    return plan


def measure_boards(user: User) -> QuerySet[Board]:
    """Boards whose measures and letter templates the user looks after (board role)."""
    from vangnet.organisations.models import Board

    return Board.objects.filter(id__in=scope_of(user).boards(Role.BOARD))


def can_edit_letter_templates(user: User, board: Board) -> bool:
    """A board's own wording of the measure letters: its administrator and its board role."""
    return board.pk in scope_of(user).boards(Role.ADMINISTRATOR, Role.BOARD)


def access_letter_templates(user: User, board_id: object) -> Board:
    """The board whose letter texts are edited: 404 for a board the user does not know,
    403 for its other members."""
    board = access_board(user, board_id)
    if not can_edit_letter_templates(user, board):
        raise PermissionDenied
    return board


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
    return qs.filter(Q(school_id__in=meeting_schools(user)) | Exists(member))


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


# --- helpers --------------------------------------------------------------------------------


def _get(queryset: QuerySet[_M], pk: object) -> _M:
    try:
        return queryset.get(pk=int(str(pk)))
    except (ValueError, TypeError, OverflowError):
        raise Http404 from None
    except ObjectDoesNotExist:
        raise Http404 from None
