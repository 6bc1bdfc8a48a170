"""The "care-home" scenario: a care coordinator's start page with many open cases and
deadlines (issue 5: 200 open cases and 2,000 deadlines, a bounded number of queries).

:func:`add_care_cases` bulk-creates open Meldcode cases owned by a user, spread over the
protocol's steps, each with its tasks (step terms, review dates, requests) due from three
weeks ago to six weeks ahead. The tests use it too (``tests/test_query_counts.py``).

Only ever run against the benchmark's throwaway database or a test database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from vangnet.accounts.models import User
from vangnet.bench.floor import FloorResult, measure
from vangnet.bench.queries import QueryCount, count_queries, session_client
from vangnet.bench.setup import create_session
from vangnet.cases import protocols
from vangnet.cases.models import Case, CaseMember, CaseTask
from vangnet.core import access
from vangnet.core.roles import Role
from vangnet.organisations.models import Pupil, School

CARE_USER = "ib.a@vangnet.test"
CARE_CASES = 200
TASKS_PER_CASE = 10
FEW_CASES = 10


@dataclass(frozen=True)
class CareFixture:
    user: User
    session_key: str
    school_id: int


def prepare_care(email: str = CARE_USER) -> CareFixture:
    """A logged-in session for the care coordinator and the school their cases are at."""
    user = User.objects.get(email=email)
    schools = sorted(access.scope_of(user).schools(Role.CARE_COORDINATOR))
    if not schools:
        raise RuntimeError(f"{email} is no care coordinator; is the demo data loaded?")
    return CareFixture(user=user, session_key=create_session(user), school_id=schools[0])


def add_care_cases(
    user: User, school: School | int, count: int, tasks_per_case: int = TASKS_PER_CASE
) -> tuple[int, int]:
    """Bulk-create ``count`` open Meldcode cases at ``school`` owned by ``user``, with
    ``tasks_per_case`` open tasks each. Returns (cases, tasks) created."""
    school_id = school if isinstance(school, int) else school.pk
    pupils = list(Pupil.objects.filter(school_id=school_id).values_list("pk", flat=True))
    if not pupils:
        raise RuntimeError("the school has no pupils")
    definition = protocols.current("meldcode")
    steps = [s for s in definition.steps if s.phase == "open"] or list(definition.steps)
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        start = Case.objects.count()
        cases = Case.objects.bulk_create(
            Case(
                pupil_id=pupils[(start + i) % len(pupils)],
                school_id=school_id,
                protocol=definition.key,
                protocol_version=definition.version,
                current_step=steps[i % len(steps)].key,
                state=Case.State.OPEN,
                step_entered_at=now - dt.timedelta(days=(i * 3) % 40),
                opened_by=user,
                opened_at=now - dt.timedelta(days=40 + i % 60),
            )
            for i in range(count)
        )
        CaseMember.objects.bulk_create(
            CaseMember(case=case, user=user, kind=CaseMember.Kind.OWNER, added_by=user)
            for case in cases
        )
        tasks = []
        for n, case in enumerate(cases):
            for i in range(tasks_per_case):
                term = i == 0
                tasks.append(
                    CaseTask(
                        case=case,
                        kind=CaseTask.Kind.TERM
                        if term
                        else (CaseTask.Kind.REVIEW if i % 2 else CaseTask.Kind.REQUEST),
                        title=f"Benchmarktaak {i + 1}",
                        step=case.current_step,
                        # from three weeks ago to six weeks ahead
                        due_on=today + dt.timedelta(days=(n * 7 + i * 5) % 63 - 21),
                        assignee=user if not term and i % 2 == 0 else None,
                        escalate_to=str(Role.SAFETY_OFFICER.value) if term else "",
                        created_by=user,
                    )
                )
        CaseTask.objects.bulk_create(tasks)
    return len(cases), len(tasks)


def open_cases_of(user: User) -> int:
    return CaseMember.objects.filter(user=user, case__state=Case.State.OPEN).count()


# --- the SQL floor --------------------------------------------------------------------------


def _care_sql() -> tuple[str, str]:
    q = connection.ops.quote_name
    case, member, task, pupil = (
        q(Case._meta.db_table),
        q(CaseMember._meta.db_table),
        q(CaseTask._meta.db_table),
        q(Pupil._meta.db_table),
    )
    cases = (
        "SELECT c.id, c.current_step, c.state, c.step_entered_at, p.first_name, p.last_name "  # noqa: S608 - table names from the models
        f"FROM {case} c JOIN {member} m ON m.case_id = c.id JOIN {pupil} p ON p.id = c.pupil_id "
        "WHERE m.user_id = %s AND c.state IN ('open', 'monitoring') "
        "ORDER BY c.step_entered_at, c.id LIMIT 21"
    )
    tasks = (
        "SELECT t.id, t.title, t.kind, t.due_on, c.id, p.first_name, p.last_name "  # noqa: S608 - table names from the models
        f"FROM {task} t JOIN {case} c ON c.id = t.case_id JOIN {pupil} p ON p.id = c.pupil_id "
        f"JOIN {member} m ON m.case_id = c.id AND m.user_id = %s "
        "WHERE t.done_at IS NULL AND t.due_on <= %s AND c.state IN ('open', 'monitoring') "
        "AND (t.assignee_id = %s OR t.assignee_id IS NULL) "
        "ORDER BY t.due_on, t.id LIMIT 21"
    )
    return cases, tasks


def read_care_home(user_id: int) -> list[tuple[Any, ...]]:
    """The start page's two lists (20 cases, 20 tasks due within a week) as plain SQL."""
    cases_sql, tasks_sql = _care_sql()
    horizon = timezone.localdate() + dt.timedelta(days=7)
    with connection.cursor() as cursor:
        cursor.execute(cases_sql, [user_id])
        rows = list(cursor.fetchall())
        cursor.execute(tasks_sql, [user_id, horizon, user_id])
        rows += cursor.fetchall()
    return rows


def measure_care_floor(user_id: int, *, seconds: float) -> FloorResult:
    rows, stats = measure(lambda: read_care_home(user_id), seconds=seconds)
    return FloorResult("care-home", "20 open cases + 20 tasks due (2 statements)", rows, stats)


# --- queries per request ------------------------------------------------------------------


def care_home_counts(care: CareFixture) -> QueryCount:
    """The start page with FEW_CASES of the benchmark's cases, then with CARE_CASES (and
    TASKS_PER_CASE tasks each): the count must not grow. Leaves CARE_CASES cases for the
    load scenario."""
    client = session_client(care.session_key)
    before = open_cases_of(care.user)
    add_care_cases(care.user, care.school_id, FEW_CASES)
    small, _ = count_queries(client, "/")
    added, _tasks = add_care_cases(care.user, care.school_id, CARE_CASES - FEW_CASES)
    large, _ = count_queries(client, "/")
    total_tasks = CaseTask.objects.filter(case__members__user=care.user, done_at__isnull=True)
    return QueryCount(
        "care home",
        f"{before + FEW_CASES} open cases",
        small,
        f"{before + FEW_CASES + added} open cases, {total_tasks.count():,} open tasks",
        large,
    )
