"""`vangnet demo` and the behaviour ladder (issue 6, item 9): one pupil at each ladder step
at school A, a time-out approved with the parents told, a suspension awaiting the board's
approval, an expulsion in its eight-week search, temporary extra rules with an evaluation
— on any day, also in a weekend or a holiday."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from vangnet.accounts.models import User
from vangnet.cases.models import Case, CaseRecord, CaseStep, CaseTask
from vangnet.cases.protocols.behaviour import INVOLVED_ROLES, PARENTS_INFORMED
from vangnet.core import access
from vangnet.core.audit import Actor, verify
from vangnet.core.models import AuditEvent, EventType
from vangnet.measures import actions
from vangnet.measures.models import ExtraRulesPlan, Measure, SearchAttempt
from vangnet.organisations.calendar import calendar_for
from vangnet.organisations.models import School

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
STEPS = ["self", "ask_help", "together", "with_parents", "time_out", "suspension", "expulsion"]


def _load() -> None:
    call_command("demo", "--pupils-per-group", "3", stdout=io.StringIO())


def _school_a() -> School:
    return School.objects.get(code="91AA00")


def _ladders():
    return Case.objects.filter(protocol="behaviour", school__code="91AA00").exclude(
        state=Case.State.CLOSED
    )


def _one(kind: str, status: str) -> Measure:
    return Measure.objects.get(school__code="91AA00", kind=kind, status=status)


def _counts() -> tuple[int, ...]:
    return (
        Measure.objects.count(),
        Case.objects.filter(protocol="behaviour").count(),
        CaseRecord.objects.filter(kind="step_report").count(),
        SearchAttempt.objects.count(),
        ExtraRulesPlan.objects.count(),
    )


# --- the checks -------------------------------------------------------------------------------


def _check_a_pupil_at_each_step_with_reports() -> None:
    today = timezone.localdate()
    cases = list(_ladders())
    assert sorted(c.current_step for c in cases) == sorted(STEPS)
    assert len({c.pupil_id for c in cases}) == 7
    roles = {k for k, _label in INVOLVED_ROLES}
    informed = {k for k, _label in PARENTS_INFORMED}
    for case in cases:
        reports = list(CaseRecord.objects.filter(case=case, kind="step_report").order_by("pk"))
        visited = set(CaseStep.objects.filter(case=case).values_list("step", flat=True))
        # every step the pupil passed, and the one they are at, has its report
        assert {r.step for r in reports} == visited, case.current_step
        happened = [dt.date.fromisoformat(r.data["happened_on"]) for r in reports]
        assert happened == sorted(happened) and happened[-1] <= today
        for report in reports:
            data = report.data
            assert data["what_happened"].strip() and data["agreements"].strip()
            assert data["involved_roles"] and set(data["involved_roles"]) <= roles
            assert data["parents_informed"] in informed
            if data["parents_informed"] != "no":
                assert dt.date.fromisoformat(data["parents_informed_on"]) <= today
            text = f"{data['what_happened']} {data['involved']}".lower()
            assert "dader" not in text and "slachtoffer" not in text  # neutral roles
        assert any(r.data["consequences"] for r in reports)
    # steps 1-3 are the teacher's: the pupil's own teacher opened every ladder case
    for case in cases:
        owner = case.opened_by
        assert case.pupil.group.teachers.filter(pk=owner.pk).exists()
    # the parents were told in every ladder that reached step 3
    for case in cases:
        if STEPS.index(case.current_step) >= 2:
            told = CaseRecord.objects.filter(case=case, kind="step_report").exclude(
                data__parents_informed="no"
            )
            assert told.exists(), case.current_step


def _check_the_time_out() -> None:
    school = _school_a()
    calendar = calendar_for(school)
    today = timezone.localdate()
    director = User.objects.get(email="directeur.a@vangnet.test")
    time_outs = Measure.objects.filter(school=school, kind="time_out")
    assert time_outs.count() == 3 and not time_outs.exclude(status="approved").exists()
    for measure in time_outs:
        assert measure.approved_by == director
        assert measure.start == measure.end and measure.start < today
        assert calendar.is_school_day(measure.start) and measure.school_days == 1
        assert measure.parents_written_on == measure.parents_phoned_on == measure.start
        assert measure.taught_where and measure.restrictions
    # the pupil at step 5 had it on the last school day before today
    at_step = time_outs.get(case__current_step="time_out")
    between = calendar.school_days_between(at_step.start + dt.timedelta(days=1), today)
    assert between <= (1 if calendar.is_school_day(today) else 0)


def _check_the_suspension_awaits_the_board() -> None:
    school = _school_a()
    calendar = calendar_for(school)
    today = timezone.localdate()
    measure = _one("suspension", "proposed")
    assert measure.case.current_step == "suspension"
    assert measure.start > today + dt.timedelta(days=1) and calendar.is_school_day(measure.start)
    assert measure.start == calendar.next_school_day(today + dt.timedelta(days=2))
    assert 1 < measure.school_days <= 5
    assert measure.school_days == calendar.school_days_between(measure.start, measure.end)
    assert measure.approved_by is None and measure.learning_arrangements
    # the board sees it and may approve it today; the Inspectie report follows
    board = User.objects.get(email="bestuur@vangnet.test")
    assert access.visible_measures(board).filter(pk=measure.pk).exists()
    actions.do_decide(measure, approve=True, actor=Actor(board))
    measure.refresh_from_db()
    assert measure.status == "approved" and measure.inspectie_report_due == measure.start


def _check_the_expulsion_search_is_running() -> None:
    today = timezone.localdate()
    measure = _one("expulsion", "decided")
    assert measure.case.current_step == "expulsion" and measure.ground
    assert today - dt.timedelta(days=35) <= measure.decided_on <= today - dt.timedelta(days=14)
    assert measure.search_ends_on == measure.decided_on + dt.timedelta(weeks=8)
    assert measure.objection_deadline == measure.decided_on + dt.timedelta(weeks=6)
    assert measure.search_ends_on > today and measure.objection_deadline > today
    assert measure.objection_received_on is None and measure.accepted_on is None
    assert measure.educational_report
    assert measure.teacher_heard_on <= measure.decided_on
    assert measure.parents_heard_on <= measure.decided_on
    assert measure.proposed_at.date() < measure.decided_on
    attempts = list(measure.attempts.all())
    assert len(attempts) >= 2
    assert all(measure.decided_on <= a.contacted_on < today for a in attempts)
    tasks = {
        t.key.rsplit(":", 1)[1]: t.due_on
        for t in CaseTask.objects.filter(key__startswith=f"measure:{measure.pk}:", done_at=None)
    }
    assert tasks == {"search": measure.search_ends_on, "objection": measure.objection_deadline}
    # no school accepted the pupil yet and the term runs: no final expulsion
    board = User.objects.get(email="bestuur@vangnet.test")
    with pytest.raises(ValidationError):
        actions.do_finalise_expulsion(measure, actor=Actor(board))


def _check_the_extra_rules_and_their_evaluation() -> None:
    today = timezone.localdate()
    plan = ExtraRulesPlan.objects.get(school__code="91AA00")
    assert plan.rules and plan.parents_note and plan.ended_on is None
    [evaluation] = plan.evaluations.all()
    assert plan.starts_on < evaluation.held_on < today
    assert evaluation.participants and evaluation.findings and evaluation.continues
    assert plan.next_evaluation_on is not None and plan.next_evaluation_on > today
    task = CaseTask.objects.get(key=f"extra_rules:{plan.pk}", done_at=None)
    assert task.due_on == plan.next_evaluation_on


def _check_dates_lie_in_the_past_and_in_order() -> None:
    now = timezone.now()
    for case in _ladders():
        entered = list(CaseStep.objects.filter(case=case).order_by("id"))
        assert [s.entered_at for s in entered] == sorted(s.entered_at for s in entered)
        assert case.opened_at <= entered[0].entered_at <= now
        records = list(CaseRecord.objects.filter(case=case).order_by("id"))
        assert [r.created_at for r in records] == sorted(r.created_at for r in records)
        assert all(r.created_at <= now for r in records)
    for measure in Measure.objects.all():
        assert measure.proposed_at <= now
        if measure.approved_at is not None:
            assert measure.proposed_at <= measure.approved_at <= now


def _check_audit_and_who_sees_what() -> None:
    measures = Measure.objects.filter(school__code="91AA00")
    assert measures.count() == 5
    proposed = AuditEvent.objects.filter(event_type=EventType.MEASURE_PROPOSED)
    assert proposed.count() >= 5
    assert AuditEvent.objects.filter(event_type=EventType.MEASURE_DECIDED).count() >= 4
    assert AuditEvent.objects.filter(event_type=EventType.EXTRA_RULES_SAVED).exists()
    assert AuditEvent.objects.filter(event_type=EventType.EXTRA_RULES_EVALUATED).exists()
    # the board decides on suspensions and expulsions and sees them; time-outs stay at school
    board = User.objects.get(email="bestuur@vangnet.test")
    kinds = set(access.visible_measures(board).values_list("kind", flat=True))
    assert kinds == {"suspension", "expulsion"}
    care = User.objects.get(email="ib.a@vangnet.test")
    assert access.visible_measures(care).count() == 5
    assert all(report.ok for report in verify())


# --- the tests --------------------------------------------------------------------------------


def test_demo_ladder_steps_and_measures():
    _load()
    _check_a_pupil_at_each_step_with_reports()
    _check_the_time_out()
    _check_the_expulsion_search_is_running()
    _check_the_extra_rules_and_their_evaluation()
    _check_dates_lie_in_the_past_and_in_order()
    _check_audit_and_who_sees_what()
    _check_the_suspension_awaits_the_board()  # last: it approves the suspension


def test_demo_measures_are_idempotent_and_reset_starts_over():
    _load()
    counts = _counts()
    assert counts[0] == 5
    call_command("demo", stdout=io.StringIO())
    assert _counts() == counts
    out = io.StringIO()
    call_command("demo", "--reset", "--pupils-per-group", "3", stdout=out)
    assert "all data removed" in out.getvalue()
    assert _counts() == counts
    assert all(report.ok for report in verify())


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 10, 24, 11, 0),  # a Saturday in the autumn holiday
        dt.datetime(2026, 12, 25, 10, 0),  # Christmas Day, in the Christmas holiday
        dt.datetime(2027, 3, 1, 0, 5),  # a Monday, just after midnight
        dt.datetime(2027, 7, 28, 9, 0),  # in the summer holiday
    ],
    ids=["autumn-saturday", "christmas", "after-midnight", "summer"],
)
def test_demo_measures_on_any_day(moment):
    with time_machine.travel(moment.replace(tzinfo=AMS), tick=True):
        _load()
        _check_a_pupil_at_each_step_with_reports()
        _check_the_time_out()
        _check_the_expulsion_search_is_running()
        _check_the_extra_rules_and_their_evaluation()
        _check_dates_lie_in_the_past_and_in_order()
        _check_the_suspension_awaits_the_board()
