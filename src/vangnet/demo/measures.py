"""Demo behaviour ladder and measures (issue 6, item 9) at school A (De Regenboog).

Seven pupils, each on a behaviour-ladder case (:mod:`vangnet.cases.protocols.behaviour`)
at one of the seven steps, every step they passed with its report (what happened, who was
involved in neutral roles, the agreements, whether and how the parents were told, the
consequences chosen):

1. "ik kan het zelf" — pushed at the coat rack, solved with the teacher;
2. "ik vraag om hulp" — football in the break, a classmate asked for help;
3. "we zoeken samen een oplossing" — taking and hiding a neighbour's things, a talk with
   the pupils involved, parents phoned;
4. "school en ouders werken samen" — a meeting with both parents, the care coordinator on
   the case;
5. time-out — on the last school day before today, approved by the director, the parents
   told in writing and by phone;
6. suspension — an earlier time-out, temporary extra rules with their first evaluation,
   and now a suspension proposed for three school days from the first school day after
   tomorrow: it waits for the board's approval;
7. expulsion — decided by the board some weeks ago after the educational report and the
   hearings; the eight-week search for another school is running (two schools contacted)
   and so is the parents' term for an objection.

The stories themselves are in :mod:`vangnet.demo.measure_stories`; this module tells them.
Everything is written through the actions (:mod:`vangnet.cases.actions`,
:mod:`vangnet.measures.actions`), so the audit events and tasks are what the app itself
writes. Like the care cases (:mod:`vangnet.demo.cases`), each action is dated and a
:class:`~vangnet.demo.cases.Clock` moves the timestamps the actions stamped with "now" to
that day afterwards (demo timestamps only; audit events keep the moment of loading). The
dates a user types are in the past and fall on school days of the board's calendar
(:func:`vangnet.organisations.calendar.calendar_for`), so the demo reads right on any day,
also in a weekend or a holiday. Where an action takes "today" for a date that has to lie
in the past — the board's decision to expel and the deadlines that follow from it — the
date columns and the tasks' due dates are set afterwards with the same pure functions the
action uses (:mod:`vangnet.lib.measures`).

All texts are invented for the demo.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from vangnet.accounts.models import User
from vangnet.cases import actions as case_actions
from vangnet.cases.models import Case, CaseMember, CaseTask
from vangnet.core.audit import Actor
from vangnet.core.roles import Role
from vangnet.demo.cases import Clock, day
from vangnet.lib import measures as rules
from vangnet.lib.measure_rules import MeasureRules
from vangnet.lib.schooldays import SchoolCalendar
from vangnet.measures import actions
from vangnet.measures.actions import Proposal
from vangnet.measures.models import (
    ExtraRulesEvaluation,
    ExtraRulesPlan,
    Measure,
    SearchAttempt,
)
from vangnet.organisations.calendar import calendar_for, rules_for
from vangnet.organisations.models import Pupil, RoleAssignment, School

ONE_DAY = dt.timedelta(days=1)


class MeasureClock(Clock):
    """The care cases' clock, moving the measures' own timestamps too."""

    FIELDS = (
        *Clock.FIELDS,
        (Measure, ("proposed_at", "approved_at")),
        (SearchAttempt, ("recorded_at",)),
        (ExtraRulesPlan, ("created_at",)),
        (ExtraRulesEvaluation, ("recorded_at",)),
    )


def school_day_on_or_before(calendar: SchoolCalendar, when: dt.date) -> dt.date:
    while not calendar.is_school_day(when):
        when -= ONE_DAY
    return when


def weekday_on_or_before(when: dt.date) -> dt.date:
    while when.weekday() >= 5:
        when -= ONE_DAY
    return when


@dataclass
class Setting:
    """What every story at the school shares: the calendar, the terms and the staff."""

    school: School
    calendar: SchoolCalendar
    rules: MeasureRules
    today: dt.date
    clock: MeasureClock
    care: User
    director: User
    board: User

    def ago(self, days: int) -> int:
        """How many days ago the last school day lies that is at least ``days`` ago (a
        holiday moves what happened to the school day before it; the order stays)."""
        when = school_day_on_or_before(self.calendar, self.today - dt.timedelta(days=days))
        return (self.today - when).days

    def actor(self, user: User, role: Role) -> Actor:
        return Actor(user=user, role=role, channel="system")


class Ladder:
    """One pupil's ladder case, told through the actions; every call is dated ``days_ago``
    (``None``: the moment of loading)."""

    def __init__(self, at: Setting, pupil: Pupil) -> None:
        self.at = at
        self.pupil = pupil
        self.first = pupil.first_name
        group = pupil.group
        teacher = group.teachers.order_by("pk").first() if group else None
        assert teacher is not None, "every demo group has a teacher"
        self.teacher = at.actor(teacher, Role.TEACHER)
        self.care = at.actor(at.care, Role.CARE_COORDINATOR)
        self.director = at.actor(at.director, Role.SAFETY_OFFICER)
        self.board = at.actor(at.board, Role.BOARD)
        self._case: Case | None = None
        self._tick = 0

    @property
    def other_group(self) -> str:
        """A neighbouring group, where the pupil can work for a while ("groep 7")."""
        name = self.pupil.group.name if self.pupil.group else ""
        number = int(name.rsplit(" ", 1)[-1]) if name[-1:].isdigit() else 5
        return f"groep {number + 1 if number < 8 else number - 1}"

    @property
    def case(self) -> Case:
        assert self._case is not None, "open the case first"
        return self._case

    def moment(self, days_ago: int) -> dt.datetime:
        self._tick += 1
        start = dt.datetime.combine(day(days_ago), dt.time(8, 20))
        return timezone.make_aware(start + dt.timedelta(minutes=7 * self._tick))

    @contextmanager
    def on(self, days_ago: int | None) -> Iterator[None]:
        self.at.clock.mark(timezone.now(), None if days_ago is None else self.moment(days_ago))
        yield

    # --- the ladder case ------------------------------------------------------------------

    def open(self, days_ago: int) -> None:
        with self.on(days_ago):
            self._case = case_actions.do_open_case(self.pupil, "behaviour", actor=self.teacher)

    def report(
        self,
        days_ago: int | None,
        by: Actor,
        *,
        what: str,
        involved: str,
        roles: Sequence[str],
        agreements: str,
        informed: str,
        informed_ago: int | None = None,
        consequences: Sequence[str] = (),
        dossier: str = "",
        happened_ago: int | None = None,
    ) -> None:
        """The step report of the case's current step."""
        happened = happened_ago if happened_ago is not None else days_ago or 0
        data: dict[str, Any] = {
            "happened_on": day(happened),
            "what_happened": what,
            "involved": involved,
            "involved_roles": list(roles),
            "agreements": agreements,
            "consequences": list(consequences),
            "parents_informed": informed,
            "parents_informed_on": None if informed_ago is None else day(informed_ago),
            "report": dossier,
        }
        with self.on(days_ago):
            case_actions.do_add_record(self.case, "step_report", data, actor=by)

    def next(self, days_ago: int, by: Actor | None = None) -> None:
        with self.on(days_ago):
            self._case = case_actions.do_complete_step(self.case, actor=by or self.teacher)

    def join(self, days_ago: int, user: User, kind: str = CaseMember.Kind.MEMBER) -> None:
        """The director brings a colleague (or themselves) onto the case."""
        with self.on(days_ago):
            case_actions.do_add_member(self.case, user, kind=kind, actor=self.director)

    def refresh(self) -> None:
        self._case = Case.objects.select_related("pupil__school", "school").get(pk=self.case.pk)

    # --- measures -------------------------------------------------------------------------

    def propose(self, days_ago: int | None, by: Actor, proposal: Proposal) -> Measure:
        with self.on(days_ago):
            measure = actions.do_propose(self.pupil, proposal, actor=by)
        self._case = measure.case
        return measure

    def time_out(
        self, days_ago: int, reasons: str, taught_where: str, restrictions: list[str]
    ) -> Measure:
        """A time-out for the rest of that school day: proposed by the care coordinator,
        approved by the director, the parents told in writing and by phone. A time-out can
        only be proposed for today or later this week, so the demo proposes it for the next
        school day and then moves its dates back to that day (demo data only)."""
        when = day(days_ago)
        first = calendar_for(self.pupil.school).next_school_day(timezone.localdate())
        measure = self.propose(
            days_ago,
            self.care,
            Proposal(
                kind="time_out",
                reasons=reasons,
                start=first,
                end=first,
                taught_where=taught_where,
                restrictions=restrictions,
            ),
        )
        with self.on(days_ago):
            actions.do_decide(
                measure, approve=True, note="Akkoord; ouders direct bellen.", actor=self.director
            )
        today = timezone.localdate()
        with self.on(days_ago):
            actions.do_record(
                measure,
                {"parents_phoned_on": today, "parents_written_on": today},
                actor=self.director,
            )
        Measure.objects.filter(pk=measure.pk).update(
            start=when, end=when, parents_phoned_on=when, parents_written_on=when
        )
        measure.refresh_from_db()
        return measure


class Pupils:
    """Picks pupils of school A who have no case yet, one per story."""

    def __init__(self, school: School) -> None:
        self.school = school
        self.used: set[int] = set()

    def take(self, *groups: int) -> Pupil:
        free = (
            Pupil.objects.filter(school=self.school, cases__isnull=True)
            .exclude(pk__in=self.used)
            .select_related("group", "school")
            .order_by("last_name", "first_name", "pk")
        )
        pupil = None
        # the groups asked for, then the older pupils first (small demo data sets)
        for number in (*groups, 8, 7, 6, 5, 4, 3, 2, 1):
            pupil = free.filter(group__name=f"Groep {number}").first()
            if pupil is not None:
                break
        assert pupil is not None, "no pupil of school A left for the ladder"
        self.used.add(pupil.pk)
        return pupil


def _staff(school: School, role: Role) -> User | None:
    row = (
        RoleAssignment.objects.filter(school=school, role=role)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return row.user if row else None


def add_measures() -> int:
    """Create the ladder cases and measures of school A; returns how many measures."""
    school = School.objects.filter(sector="PO").order_by("code").select_related("board").first()
    if school is None:
        return 0
    care = _staff(school, Role.CARE_COORDINATOR)
    director = _staff(school, Role.SAFETY_OFFICER)
    board_row = (
        RoleAssignment.objects.filter(board_id=school.board_id, role=Role.BOARD, school=None)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if care is None or director is None or board_row is None:
        return 0
    at = Setting(
        school=school,
        calendar=calendar_for(school),
        rules=rules_for(school),
        today=timezone.localdate(),
        clock=MeasureClock(),
        care=care,
        director=director,
        board=board_row.user,
    )
    from vangnet.demo import measure_stories as stories

    pupils = Pupils(school)
    stories.step_one(Ladder(at, pupils.take(5, 4)))
    stories.step_two(Ladder(at, pupils.take(6, 5)))
    stories.step_three(Ladder(at, pupils.take(4, 3)))
    stories.step_four(Ladder(at, pupils.take(6, 7)))
    created = stories.time_out(Ladder(at, pupils.take(7, 6)))
    created += stories.suspension(Ladder(at, pupils.take(8, 7)))
    created += stories.expulsion(Ladder(at, pupils.take(8, 7)))
    at.clock.apply()
    return created


def dated_decision(measure: Measure, decided: dt.date, terms: MeasureRules) -> None:
    """The board decided on ``decided``, not today: the decision's date and the terms that
    run from it (demo dates only, computed as the action computes them)."""
    search_end = rules.search_ends_on(decided, terms)
    objection = rules.objection_deadline(decided, terms)
    Measure.objects.filter(pk=measure.pk).update(
        decided_on=decided, start=decided, search_ends_on=search_end, objection_deadline=objection
    )
    for name, due in (("search", search_end), ("objection", objection)):
        CaseTask.objects.filter(key=f"measure:{measure.pk}:{name}").update(due_on=due)
