"""`vangnet demo`: the documented accounts, idempotent, a verifiable audit chain, and care
cases at every step of the Meldcode with their outcomes, consents and exchanges."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from tests.world import has_totp
from vangnet.accounts.models import User
from vangnet.cases.models import (
    Case,
    CaseMember,
    CaseRecord,
    CaseStep,
    CaseTask,
    Consent,
    ExternalExchange,
)
from vangnet.concerns.models import Concern, CorrectionRequest, ParentView
from vangnet.core import access
from vangnet.core.audit import verify
from vangnet.demo.build import ACCOUNTS, totp_secret
from vangnet.organisations.models import Board, GuardianLink, Partner, Pupil, School

pytestmark = pytest.mark.django_db


def test_demo_is_complete_and_idempotent():
    out = io.StringIO()
    call_command("demo", "--pupils-per-group", "3", stdout=out)
    assert "demo data loaded" in out.getvalue()
    for account in ACCOUNTS:
        user = User.objects.get(email=account.email)
        assert user.check_password("vangnet-demo") and has_totp(user)
        assert totp_secret(account.email) in out.getvalue()
    assert Board.objects.count() == 2
    assert School.objects.filter(sector="PO").count() == 6
    assert Pupil.objects.filter(school__sector="PO").count() == 6 * 8 * 3
    assert Concern.objects.filter(kind="conversation").exists()
    assert Concern.objects.filter(shares__isnull=False).exists()
    assert ParentView.objects.exists() and CorrectionRequest.objects.filter(decision="").exists()
    counts = (Pupil.objects.count(), Concern.objects.count(), User.objects.count())
    again = io.StringIO()
    call_command("demo", stdout=again)
    assert "already present" in again.getvalue()
    assert (Pupil.objects.count(), Concern.objects.count(), User.objects.count()) == counts
    assert all(report.ok for report in verify())


# --- care cases (issue 5, item 8) -------------------------------------------------------------


def _load(per_group: str = "3") -> None:
    call_command("demo", "--pupils-per-group", per_group, stdout=io.StringIO())


def _cases_of(email: str):
    owner = User.objects.get(email=email)
    return Case.objects.filter(members__user=owner, members__kind=CaseMember.Kind.OWNER)


def _decision(case: Case) -> dict:
    return CaseRecord.objects.filter(case=case, kind="afwegingskader").latest("created_at").data


def _check_has_a_case_at_every_step_for_the_care_coordinator_of_school_a() -> None:
    mine = _cases_of("ib.a@vangnet.test")
    assert set(mine.values_list("school__code", flat=True)) == {"91AA00"}
    open_steps = set(mine.exclude(state=Case.State.CLOSED).values_list("current_step", flat=True))
    assert {"signals", "consult", "conversation", "weigh", "decide"} <= open_steps
    assert {"report", "help", "monitoring"} <= open_steps
    # the acute route jumps from step 1 to the report
    acute = mine.get(current_step="report")
    assert acute.acute and CaseStep.objects.filter(case=acute, step="report", via="acute").exists()
    # a conversation skipped because it would endanger someone, with the reason
    skipped = CaseRecord.objects.get(case__in=mine, kind="conversation_skipped")
    assert skipped.data["reason"] and skipped.data["decided_with"]
    # at least two cases started from a concern of the same pupil that was handed over
    linked = mine.filter(origin_concern__handed_over_at__isnull=False)
    assert linked.count() >= 2
    assert all(c.origin_concern.pupil_id == c.pupil_id for c in linked)


def _check_outcomes_reported_help_closed_after_help_and_unfounded() -> None:
    mine = _cases_of("ib.a@vangnet.test")
    today = timezone.localdate()
    # reported to Veilig Thuis after the decision, now followed with review dates
    reported = mine.get(current_step="monitoring", state=Case.State.MONITORING)
    assert _decision(reported)["outcome"] == "report"
    assert CaseRecord.objects.filter(case=reported, kind="vt_report").exists()
    reviews = CaseTask.objects.filter(case=reported, kind=CaseTask.Kind.REVIEW, done_at=None)
    assert any(t.due_on < today for t in reviews)  # overdue: on the start page
    assert any(today <= t.due_on <= today + dt.timedelta(days=7) for t in reviews)
    # help organised, with a review date ahead
    helped = mine.get(current_step="help")
    assert _decision(helped)["outcome"] == "help"
    assert CaseRecord.objects.filter(case=helped, kind="help_plan").exists()
    assert CaseTask.objects.filter(
        case=helped, kind=CaseTask.Kind.REVIEW, done_at=None, due_on__gt=today
    ).exists()
    # closed after help: question 5 yes, then monitoring, then closed with agreements
    after_help = mine.get(state=Case.State.CLOSED, outcome="close_with_monitoring")
    assert _decision(after_help)["answers"]["q5"] is True
    kinds = set(CaseRecord.objects.filter(case=after_help).values_list("kind", flat=True))
    assert {"help_plan", "review", "closing"} <= kinds
    assert list(CaseStep.objects.filter(case=after_help).values_list("step", flat=True))[-2:] == [
        "help",
        "monitoring",
    ]
    assert not CaseTask.objects.filter(case=after_help, done_at=None).exists()
    # closed as unfounded: question 1 no, with its rationale
    unfounded = mine.get(state=Case.State.CLOSED, outcome="close")
    decision = _decision(unfounded)
    assert decision["answers"] == {"q1": False} and decision["rationale"]["q1"].strip()
    assert unfounded.closed_at is not None


def _check_case_dates_lie_in_the_past_and_in_order() -> None:
    today = timezone.localdate()
    now = timezone.now()
    for case in Case.objects.all():
        entered = list(CaseStep.objects.filter(case=case).order_by("id"))
        assert [s.entered_at for s in entered] == sorted(s.entered_at for s in entered)
        assert case.opened_at <= entered[0].entered_at <= now
        assert all(s.completed_at is None or s.completed_at >= s.entered_at for s in entered)
    assert Case.objects.filter(opened_at__lt=now - dt.timedelta(days=90)).exists()  # months
    for item in CaseRecord.objects.all():
        for name in ("observed_on", "held_on", "reported_on", "received_on", "signed_on"):
            if item.data.get(name):
                assert dt.date.fromisoformat(item.data[name]) <= today, (item.kind, name)


def _check_teacher_is_asked_to_observe_and_sees_nothing_more() -> None:
    teacher = User.objects.get(email="leerkracht.a@vangnet.test")
    tasks = access.visible_case_tasks(teacher).filter(done_at=None)
    assert tasks.filter(assignee=teacher, kind=CaseTask.Kind.REQUEST).exists()
    task = tasks.get(assignee=teacher)
    assert task.case.current_step == "signals"
    assert task.case.pupil.group.teachers.filter(pk=teacher.pk).exists()
    # the Meldcode content stays with the owners (the teacher owns behaviour-ladder cases)
    assert not access.visible_cases(teacher).filter(protocol="meldcode").exists()
    # an earlier request in another case was done by the teacher
    assert CaseTask.objects.filter(assignee=teacher, done_by=teacher).exists()


def _check_consents_and_exchanges_with_outside_parties() -> None:
    today = timezone.localdate()
    consents = Consent.objects.filter(school__code="91AA00")
    valid = [c for c in consents if c.is_valid_on(today)]
    assert len(valid) == 1
    given = valid[0]
    assert given.given_by == Consent.GivenBy.GUARDIAN
    assert given.recipient.kind in (Partner.Kind.YOUTH_FAMILY, Partner.Kind.GGD)
    assert GuardianLink.objects.get(pupil=given.pupil, guardian=given.guardian).parental_authority
    withdrawn = consents.get(withdrawn_on__isnull=False)
    assert withdrawn.given_on < withdrawn.withdrawn_on <= today and withdrawn.withdrawn_note
    for consent in (given, withdrawn):
        assert Case.objects.filter(pupil=consent.pupil).exists()
    on_consent = ExternalExchange.objects.filter(basis=ExternalExchange.Basis.CONSENT)
    assert on_consent.filter(consent=given, case__pupil=given.pupil).exists()
    to_vt = ExternalExchange.objects.filter(basis=ExternalExchange.Basis.MELDCODE)
    assert to_vt.exists()
    assert all(
        e.consent_id is None and e.case_id and e.partner.kind == Partner.Kind.VEILIG_THUIS
        for e in to_vt
    )


def _check_has_cases_at_another_school_of_the_board() -> None:
    other = Case.objects.filter(school__code="91AB00")
    assert other.count() == 3
    assert not other.filter(members__user__email="ib.a@vangnet.test").exists()
    assert other.filter(outcome="report").exists() and other.filter(outcome="close").exists()
    assert all(report.ok for report in verify())


def test_demo_cases_of_school_a_steps_outcomes_and_dates():
    """Issue 5, item 8: cases at every step, one reported to Veilig Thuis, one closed after
    help, one closed as unfounded."""
    _load()
    _check_has_a_case_at_every_step_for_the_care_coordinator_of_school_a()
    _check_outcomes_reported_help_closed_after_help_and_unfounded()
    _check_case_dates_lie_in_the_past_and_in_order()


def test_demo_teacher_task_consents_exchanges_and_the_other_school():
    _load()
    _check_teacher_is_asked_to_observe_and_sees_nothing_more()
    _check_consents_and_exchanges_with_outside_parties()
    _check_has_cases_at_another_school_of_the_board()


def test_demo_reset_starts_over_with_the_cases():
    _load()
    counts = (Case.objects.count(), CaseRecord.objects.count(), Consent.objects.count())
    out = io.StringIO()
    call_command("demo", "--reset", "--pupils-per-group", "3", stdout=out)
    assert "all data removed" in out.getvalue() and "demo data loaded" in out.getvalue()
    assert (Case.objects.count(), CaseRecord.objects.count(), Consent.objects.count()) == counts
    assert Board.objects.count() == 2
    assert all(report.ok for report in verify())


# --- incidents (issue 4, item 7) ----------------------------------------------------------------


def _local_month(when: dt.datetime) -> tuple[int, int]:
    local = timezone.localtime(when)
    return local.year, local.month


def _months_back(month: tuple[int, int], count: int) -> list[tuple[int, int]]:
    """``count`` months ending with ``month``, oldest first."""
    year, number = month
    out = []
    for _ in range(count):
        out.append((year, number))
        year, number = (year, number - 1) if number > 1 else (year - 1, 12)
    return out[::-1]


def test_demo_incidents_three_school_years_a_trend_and_one_early_warning():
    from vangnet.core.models import AuditEvent, EventType
    from vangnet.demo.build import PO_BOARD
    from vangnet.demo.incidents import latest_complete_month
    from vangnet.incidents.models import Incident
    from vangnet.lib.dates import school_year_of
    from vangnet.lib.insights import early_warning

    _load()
    board = Board.objects.get(name=PO_BOARD)
    incidents = Incident.objects.filter(school__board=board)
    count = incidents.count()
    call_command("demo", stdout=io.StringIO())  # idempotent
    assert Incident.objects.count() == count
    rows = list(incidents.values_list("occurred_at", "school__code", "national_code"))
    today = timezone.localdate()
    years = {school_year_of(timezone.localtime(t).date()) for t, _s, _c in rows}
    current = school_year_of(today)
    first = int(current[:4])
    assert years == {f"{y}-{y + 1}" for y in range(first - 2, first + 1)}
    assert all(timezone.localtime(t).date() < today for t, _s, _c in rows)
    # all six schools, modest numbers per complete school year
    for code in ("91AA00", "91AB00", "91AC00", "91AD00", "91AE00", "91AF00"):
        for year in (f"{first - 2}-{first - 1}", f"{first - 1}-{first}"):
            n = sum(
                1
                for t, s, _c in rows
                if s == code and school_year_of(timezone.localtime(t).date()) == year
            )
            assert 35 <= n <= 80, (code, year, n)
    assert not incidents.filter(people__isnull=True).exists()
    assert not incidents.exclude(national_code=F("category__code")).exists()
    # the trend: online bullying at school A rises year on year
    online_a = Counter(
        school_year_of(timezone.localtime(t).date())
        for t, s, c in rows
        if s == "91AA00" and c == "online_bullying"
    )
    assert online_a[f"{first - 2}-{first - 1}"] < online_a[f"{first - 1}-{first}"]
    # the early warning: the latest complete month far above its own twelve months before
    start, _end = latest_complete_month(today)
    months = _months_back((start.year, start.month), 13)

    def series(code: str, category: str) -> list[int]:
        counts = Counter(_local_month(t) for t, s, c in rows if s == code and c == category)
        return [counts[m] for m in months]

    spike = series("91AA00", "online_bullying")
    mean = sum(spike[:-1]) / 12
    assert spike[-1] >= 5 and spike[-1] >= 3 * mean, spike
    assert early_warning(spike).raised
    # ... and the only one of the schools' category series
    raised = [
        (code, category)
        for code in sorted({s for _t, s, _c in rows})
        for category in sorted({c for _t, _s, c in rows})
        if early_warning(series(code, category)).raised
    ]
    assert raised == [("91AA00", "online_bullying")]
    places = list(incidents.values_list("occurred_at", "school__code", "location__label"))
    by_place = Counter((s, p, _local_month(t)) for t, s, p in places)
    raised = [
        (code, place)
        for code in sorted({s for _t, s, _p in places})
        for place in sorted({p for _t, _s, p in places})
        if early_warning([by_place[code, place, m] for m in months]).raised
    ]
    assert raised in ([], [("91AA00", "Online")])  # the same group chat, seen by place
    # the spike was registered through the action, with its audit events; the bulk not
    assert AuditEvent.objects.filter(event_type=EventType.INCIDENT_CREATED).count() >= 7
    assert all(report.ok for report in verify())
