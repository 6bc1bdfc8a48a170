"""Access rules: incidents (part of :mod:`vangnet.core.access`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from vangnet.core.access.base import _get, can_view_pupil, scope_of, teacher_reach
from vangnet.core.roles import SCHOOL_WIDE_ROLES, Role

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.incidents.models import Incident
    from vangnet.organisations.models import Pupil, School


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
