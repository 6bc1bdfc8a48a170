"""`vangnet generate`: counts as asked, the seasonal shape of the seeds, sound rows
(people, national codes, schools), one audit event per run, and a seed that repeats."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F

from vangnet.core.audit import verify
from vangnet.core.models import AuditEvent, EventType
from vangnet.incidents import generate as gen
from vangnet.incidents.models import Incident, IncidentPerson
from vangnet.lib.incidents import ROLES
from vangnet.organisations.models import Board, Group, Pupil, RoleAssignment, School

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 21)


def _run(seed: int = 7, **sizes: int) -> gen.Counts:
    options = {
        "boards": 2,
        "schools_per_board": 2,
        "pupils_per_school": 12,
        "years": 2,
        "incidents_per_school_year": 240,
    }
    options.update(sizes)
    return gen.generate(seed=seed, today=TODAY, **options)


def _local(when: dt.datetime) -> dt.datetime:
    from django.utils import timezone

    return timezone.localtime(when)


def test_counts_as_asked_and_one_audit_event():
    before = AuditEvent.objects.filter(event_type=EventType.DEMO_LOADED).count()
    counts = _run()
    assert counts.boards == Board.objects.count() == 2
    assert counts.schools == School.objects.count() == 4
    assert counts.pupils == Pupil.objects.count() == 4 * 12
    assert counts.groups == Group.objects.count()
    assert counts.incidents == Incident.objects.count() == 2 * 2 * 2 * 240
    assert counts.people == IncidentPerson.objects.count()
    per_school = Incident.objects.values("school").annotate(n=Count("id"))
    assert {row["n"] for row in per_school} == {2 * 240}
    # a board role for the board, a safety officer and teachers at every school
    assert RoleAssignment.objects.filter(role="board", school=None).count() == 2
    assert RoleAssignment.objects.filter(role="safety_officer").count() == 4
    # generated rows are not user activity: one system event for the whole run
    events = AuditEvent.objects.filter(event_type=EventType.DEMO_LOADED)
    assert events.count() == before + 1
    assert events.latest("id").data["generated"] == counts.as_dict()
    assert not AuditEvent.objects.filter(event_type=EventType.INCIDENT_CREATED).exists()
    assert all(report.ok for report in verify())


def test_seasonal_shape_weekdays_and_school_hours():
    _run(boards=1, schools_per_board=3, incidents_per_school_year=400)
    times = [_local(t) for t in Incident.objects.values_list("occurred_at", flat=True)]
    assert all(t.date() < TODAY for t in times)
    assert min(t.date() for t in times) >= TODAY - dt.timedelta(days=2 * 365)
    months = Counter(t.month for t in times)
    mean = len(times) / 12
    for peak in (9, 3, 1):
        assert months[peak] > 1.15 * mean, (peak, months[peak], mean)
    assert months[8] < 0.1 * mean  # the summer holiday
    assert months[12] < mean and months[5] < mean  # Christmas and May holidays
    weekend = sum(1 for t in times if t.weekday() >= 5)
    assert weekend < 0.08 * len(times)
    assert all(8 <= t.hour <= 21 for t in times)
    during_school = sum(1 for t in times if 8 <= t.hour < 16)
    assert during_school > 0.8 * len(times)


def test_category_mix_people_and_codes():
    _run(incidents_per_school_year=300)
    codes = Counter(Incident.objects.values_list("national_code", flat=True))
    top_two = {code for code, _n in codes.most_common(2)}
    assert top_two == {"bullying", "verbal"}
    assert codes["weapons"] + codes["radicalisation"] < 0.02 * sum(codes.values())
    # every incident has one to four people, with neutral roles only
    people = Incident.objects.annotate(n=Count("people")).values_list("n", flat=True)
    assert min(people) >= 1 and max(people) <= 4
    assert set(IncidentPerson.objects.values_list("role", flat=True)) <= set(ROLES)
    assert not Incident.objects.exclude(national_code=F("category__code")).exists()
    assert not Incident.objects.exclude(category__board=F("school__board")).exists()
    assert not Incident.objects.exclude(location__board=F("school__board")).exists()
    # pupils of the incident's own school; exactly one of pupil, staff member or initials
    assert (
        not IncidentPerson.objects.filter(pupil__isnull=False)
        .exclude(pupil__school=F("incident__school"))
        .exists()
    )
    for pupil, staff, initials in IncidentPerson.objects.values_list(
        "pupil_id", "staff_id", "initials"
    ):
        assert sum(bool(x) for x in (pupil, staff, initials)) == 1
    assert not IncidentPerson.objects.filter(
        role__in=["initiator", "affected", "bystander"], pupil=None
    ).exists()
    assert (
        not IncidentPerson.objects.filter(role="staff")
        .exclude(staff__role_assignments__school=F("incident__school"))
        .exists()
    )
    # the same pupils come back: a tenth of the pupils in a large share of the roles
    involved = Counter(
        IncidentPerson.objects.filter(pupil__isnull=False).values_list("pupil_id", flat=True)
    )
    busiest = sum(n for _p, n in involved.most_common(len(involved) // 10 or 1))
    assert busiest > 0.25 * sum(involved.values())


def _signature(board: Board) -> list[tuple]:
    rows = []
    for incident in (
        Incident.objects.filter(school__board=board)
        .select_related("school", "location", "category")
        .prefetch_related("people__pupil")
        .order_by("school__code", "occurred_at", "id")
    ):
        rows.append(
            (
                incident.school.code[-4:],
                incident.occurred_at,
                incident.national_code,
                incident.location.label,
                incident.severity,
                incident.description,
                tuple(
                    (p.role, p.pupil.student_number if p.pupil else None, bool(p.staff_id))
                    for p in incident.people.all()
                ),
            )
        )
    return rows


def test_deterministic_with_a_seed():
    _run(seed=11, boards=1, incidents_per_school_year=50)
    _run(seed=11, boards=1, incidents_per_school_year=50)
    _run(seed=12, boards=1, incidents_per_school_year=50)
    first, second, other = Board.objects.order_by("id")
    assert first.name != second.name  # a new board every run
    assert _signature(first) == _signature(second)
    assert _signature(first) != _signature(other)


def test_the_rows_name_every_column_copy_needs():
    """COPY on PostgreSQL writes exactly the named columns: none may be forgotten."""
    incident = {f.attname for f in Incident._meta.concrete_fields}
    assert set(gen.INCIDENT_COLUMNS) == incident
    person = {f.attname for f in IncidentPerson._meta.concrete_fields}
    assert set(gen.PERSON_COLUMNS) | {"id"} == person


def test_year_shape_functions():
    assert gen.day_weight(dt.date(2026, 8, 10)) < 0.05 * gen.day_weight(dt.date(2026, 9, 10))
    assert gen.day_weight(dt.date(2026, 9, 12)) < 0.1  # a Saturday
    assert gen.is_school_day(dt.date(2026, 10, 6)) and not gen.is_school_day(dt.date(2026, 10, 20))
    windows = gen.year_windows(TODAY, 3)
    assert [len(days) for days, _cum in windows] == [365, 365, 365]
    assert windows[0][0][-1] == TODAY - dt.timedelta(days=1)
    assert windows[1][0][-1] == windows[0][0][0] - dt.timedelta(days=1)


def test_command_reports_and_refuses_bad_sizes():
    out = io.StringIO()
    call_command(
        "generate",
        "--boards=1",
        "--schools-per-board=1",
        "--pupils-per-school=5",
        "--years=1",
        "--incidents-per-school-year=20",
        "--seed=3",
        stdout=out,
    )
    assert "20 incidents" in out.getvalue() and Incident.objects.count() == 20
    with pytest.raises(CommandError, match="--pupils-per-school"):
        call_command("generate", "--pupils-per-school=1", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--years"):
        call_command("generate", "--years=0", stdout=io.StringIO())
