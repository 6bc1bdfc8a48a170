"""What care cases add to the start page.

* **Termijnen en evaluaties**: the user's open tasks (asked of them, or unassigned in a case
  they own) due within :data:`DUE_DAYS_AHEAD` days or overdue, overdue first;
* **Mijn zorgtrajecten**: the open cases the user works on (owner or added), with the
  current step, the state and the days in that step;
* **Zorgtrajecten die achterlopen** (directors): the open cases of their school(s) with a step
  term past its date.

Every section reads at most :data:`SHOWN` + 1 rows (the extra row tells that there are
more: the section then links to the task list) in two queries (tasks: the rows and their
counts; cases: the rows and which of them are behind; directors: the late terms grouped by
case, then those cases): the page's query count does not grow with the number of cases or
tasks. Links and the texts that vary per row are prepared here, not in the template.

When a section shows a row, :func:`record_listed` writes one ``CASES_LISTED`` read event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from vangnet.cases.models import Case, CaseMember, CaseTask
from vangnet.core import access
from vangnet.core.audit import Actor, record
from vangnet.core.models import EventType
from vangnet.core.roles import SCHOOL_WIDE_ROLES, Role

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.core.access import Scope
    from vangnet.core.http import AuthedRequest

SHOWN = 20
DUE_DAYS_AHEAD = 7
OPEN_STATES = (Case.State.OPEN, Case.State.MONITORING)


@dataclass(frozen=True)
class Rows:
    """At most :data:`SHOWN` rows of a section, and whether there are more."""

    rows: list[Any]
    more: bool

    def __bool__(self) -> bool:
        return bool(self.rows)


def _bounded(queryset: Any) -> Rows:
    rows = list(queryset[: SHOWN + 1])
    return Rows(rows[:SHOWN], len(rows) > SHOWN)


def _step_title(case: Case) -> str:
    try:
        return str(case.definition.step(case.current_step).title)
    except KeyError:
        return case.current_step


def home_sections(user: User, scope: Scope) -> dict[str, Any]:
    today = timezone.localdate()
    context: dict[str, Any] = {}
    working = scope.schools(Role.TEACHER, *SCHOOL_WIDE_ROLES)
    if not working:
        return context

    # --- my open tasks: due within a week, or overdue --------------------------------
    owner = CaseMember.objects.filter(
        case_id=OuterRef("case_id"), user_id=user.pk, kind=CaseMember.Kind.OWNER
    )
    mine = (
        access.visible_case_tasks(user)
        .filter(done_at__isnull=True, case__state__in=OPEN_STATES)
        .filter(Q(assignee_id=user.pk) | (Q(assignee__isnull=True) & Exists(owner)))
    )
    horizon = today + dt.timedelta(days=DUE_DAYS_AHEAD)
    due = mine.filter(due_on__lte=horizon)
    context["case_task_counts"] = due.aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        upcoming=Count("pk", filter=Q(due_on__gte=today)),
    )
    tasks = _bounded(
        due.annotate(can_open=Exists(access.visible_cases(user).filter(pk=OuterRef("case_id"))))
        .select_related("case__pupil")
        .order_by("due_on", "id")
    )
    my_tasks = reverse("my_tasks")
    for task in tasks.rows:
        task.url = reverse("case_detail", args=[task.case_id]) if task.can_open else my_tasks
        task.overdue = task.due_on < today
        task.when = _when(task.due_on, today)
    context["case_tasks"] = tasks

    # --- my open cases ------------------------------------------------------------------
    my_cases = _bounded(
        access.visible_cases(user)
        .filter(
            state__in=OPEN_STATES,
            school_id__in=working,
            pk__in=CaseMember.objects.filter(user_id=user.pk).values("case_id"),
        )
        .select_related("pupil")
        .order_by("step_entered_at", "id")
    )
    # which of the shown cases have something past its date: one query for the rows shown
    # (a correlated EXISTS per case made SQLite scan the open-task index for every case)
    behind = set(
        CaseTask.objects.filter(
            case_id__in=[c.pk for c in my_cases.rows], done_at__isnull=True, due_on__lt=today
        )
        .values_list("case_id", flat=True)
        .distinct()
    )
    for case in my_cases.rows:
        _describe(case, today)
        case.behind = case.pk in behind
    context["my_cases"] = my_cases

    # --- directors: cases of their school with a step past its term ------------------
    directed = scope.schools(Role.SAFETY_OFFICER)
    if directed:
        context["cases_behind"] = _cases_behind(user, directed, today)
    return context


def record_listed(request: AuthedRequest, scope: Scope, context: dict[str, Any]) -> None:
    """The sections name pupils and their case's step: one read event (counts only, no
    names), committed before the page is rendered; nothing when they show no row."""
    cases = sum(len(context[k].rows) for k in ("my_cases", "cases_behind") if k in context)
    tasks = len(context["case_tasks"].rows) if "case_tasks" in context else 0
    if not cases and not tasks:
        return
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.CASES_LISTED,
            board_id=min(scope.all_board_ids) if scope.all_board_ids else None,
            object_type="cases",
            data={"page": "home", "cases": cases, "tasks": tasks},
        )


def _cases_behind(user: User, schools: frozenset[int], today: dt.date) -> Rows:
    """Open cases at ``schools`` with a step term past its date, the longest late first:
    the late terms grouped by case (the open-task index), then those cases."""
    late = list(
        CaseTask.objects.filter(
            kind=CaseTask.Kind.TERM,
            done_at__isnull=True,
            due_on__lt=today,
            case__state__in=OPEN_STATES,
            case__school_id__in=schools,
            case__in=access.visible_cases(user).values("pk"),
        )
        .values("case_id")
        .annotate(late_since=Min("due_on"))
        .order_by("late_since", "case_id")[: SHOWN + 1]
    )
    since = {row["case_id"]: row["late_since"] for row in late}
    cases = {
        c.pk: c
        for c in access.visible_cases(user).filter(pk__in=list(since)).select_related("pupil")
    }
    rows = [cases[pk] for pk in since if pk in cases]
    for case in rows:
        _describe(case, today)
        case.late_text = _days((today - since[case.pk]).days)  # type: ignore[attr-defined]
    return Rows(rows[:SHOWN], len(rows) > SHOWN)


def _when(due_on: dt.date, today: dt.date) -> str:
    days = (due_on - today).days
    if days < 0:
        return ngettext("%(n)d dag te laat", "%(n)d dagen te laat", -days) % {"n": -days}
    if days == 0:
        return gettext("vandaag")
    return ngettext("nog %(n)d dag", "nog %(n)d dagen", days) % {"n": days}


def _describe(case: Case, today: dt.date) -> None:
    """What a case row shows, prepared once (the template only prints it)."""
    days = (today - timezone.localdate(case.step_entered_at)).days
    case.step_title = _step_title(case)  # type: ignore[attr-defined]
    case.url = reverse("case_detail", args=[case.pk])  # type: ignore[attr-defined]
    case.days_text = _days(days)  # type: ignore[attr-defined]
    case.days_in_step_text = ngettext(  # type: ignore[attr-defined]
        "%(n)d dag in deze stap", "%(n)d dagen in deze stap", days
    ) % {"n": days}


def _days(n: int) -> str:
    return ngettext("%(n)d dag", "%(n)d dagen", n) % {"n": n}
