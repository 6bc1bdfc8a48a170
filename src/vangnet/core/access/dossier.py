"""Access rules: concerns and the pupil dossier (part of :mod:`vangnet.core.access`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from vangnet.core.access.base import _get, access_pupil, can_view_pupil, scope_of, visible_pupils
from vangnet.core.roles import SCHOOL_WIDE_ROLES, Role

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.concerns.models import Concern
    from vangnet.organisations.models import Pupil


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
