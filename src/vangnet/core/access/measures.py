"""Access rules: behaviour measures (part of :mod:`vangnet.core.access`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from vangnet.core.access.base import _get, access_board, scope_of
from vangnet.core.access.cases import (
    can_direct_case,
    can_start_case,
    can_work_on_case,
    visible_cases,
)
from vangnet.core.roles import Role

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.cases.models import Case
    from vangnet.measures.models import ExtraRulesPlan, Measure
    from vangnet.organisations.models import Board, Pupil


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
    """Recording what happened, letters, the search, withdrawing, de-registering: the
    school's director, or the care coordinator working on the ladder case. A teacher added
    to the case records the ladder's step reports, not the measure's course."""
    return measure.school_id in scope_of(user).schools(Role.SAFETY_OFFICER) or can_direct_case(
        user, measure.case, Role.CARE_COORDINATOR
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
