"""The legal rules of time-out, suspension and expulsion, table-driven, each quoting the rule
(docs/domain.md, module 4), and the deadlines with a frozen clock.

The calendar of the tests: Monday 2 March 2026 is "today"; the board closes its school for
a spring holiday from Monday 16 to Friday 20 March 2026."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.world import World
from vangnet.cases.actions import do_open_case
from vangnet.cases.models import Case, CaseTask
from vangnet.core.audit import Actor
from vangnet.core.models import AuditEvent, EventType
from vangnet.measures import actions
from vangnet.measures.actions import Proposal
from vangnet.measures.models import Measure
from vangnet.organisations.models import SchoolHoliday, Sector

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = dt.date(2026, 3, 2)  # a Monday
D = dt.date


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=AMS), tick=False) as t:
        yield t


@pytest.fixture
def holiday(world: World) -> None:
    SchoolHoliday.objects.create(
        board=world.board,
        name="Voorjaarsvakantie",
        first_day=D(2026, 3, 16),
        last_day=D(2026, 3, 20),
    )


def as_(world: World, persona: str) -> Actor:
    return Actor(user=world[persona])


def propose(world: World, persona: str = "director_a", **kwargs: object) -> Measure:
    values: dict[str, object] = {
        "kind": "suspension",
        "reasons": "Heeft een medeleerling ernstig bedreigd.",
        "learning_arrangements": "Werk via de leerkracht, dagelijks opgehaald.",
    }
    values.update(kwargs)
    return actions.do_propose(world.pupil_a5, Proposal(**values), actor=as_(world, persona))  # type: ignore[arg-type]


def refusal(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(m for msgs in exc.value.message_dict.values() for m in msgs)


# --- time-out and suspension: the length, counted in school days --------------------------

# (kind, start, end, refused?, the rule quoted in the message or "")
PERIODS = [
    # "time-out: for the rest of the day, up to the end of the week, at most 5 days"
    ("time_out", D(2026, 3, 2), D(2026, 3, 2), False, ""),
    ("time_out", D(2026, 3, 2), D(2026, 3, 6), False, ""),
    ("time_out", D(2026, 3, 4), D(2026, 3, 9), True, "hoogstens tot het einde van de week"),
    ("time_out", D(2026, 3, 2), D(2026, 3, 10), True, "niet meer dan 5 schooldagen"),
    ("time_out", D(2026, 3, 7), D(2026, 3, 7), True, "is geen schooldag (weekend)"),
    # "suspension: at most one week" — 5 school days, weekends and holidays do not count
    ("suspension", D(2026, 3, 3), D(2026, 3, 9), False, ""),
    ("suspension", D(2026, 3, 3), D(2026, 3, 10), True, "hoogstens één week: niet meer dan 5"),
    # over the spring holiday: 12-13 March and 23-25 March are 5 school days
    ("suspension", D(2026, 3, 12), D(2026, 3, 25), False, ""),
    ("suspension", D(2026, 3, 12), D(2026, 3, 26), True, "Deze schorsing telt 6 schooldagen"),
    ("suspension", D(2026, 3, 16), D(2026, 3, 17), True, "geen schooldag (Voorjaarsvakantie)"),
    # the board approves before the suspension starts: it cannot start today or earlier
    ("suspension", D(2026, 3, 2), D(2026, 3, 2), True, "Kies een begindatum na vandaag"),
    ("suspension", D(2026, 3, 5), D(2026, 3, 3), True, "De einddatum ligt voor de begindatum"),
]


@pytest.mark.parametrize(("kind", "start", "end", "refused", "rule"), PERIODS)
def test_length_of_time_out_and_suspension(
    world: World,
    frozen: object,
    holiday: None,
    kind: str,
    start: dt.date,
    end: dt.date,
    refused: bool,
    rule: str,
) -> None:
    extra = {"taught_where": "In groep 7 bij meester Jan"} if kind == "time_out" else {}
    if refused:
        with pytest.raises(ValidationError) as exc:
            propose(world, kind=kind, start=start, end=end, **extra)
        assert rule in refusal(exc)
        assert not Measure.objects.exists()
        assert not Case.objects.filter(protocol="behaviour").exists()  # nothing half-made
    else:
        measure = propose(world, kind=kind, start=start, end=end, **extra)
        assert measure.status == Measure.Status.PROPOSED
        assert measure.case.protocol == "behaviour"
        assert measure.case.current_step == kind


def test_a_proposal_moves_the_ladder_case_up_and_is_audited(world: World, frozen: object) -> None:
    measure = propose(world, start=D(2026, 3, 3), end=D(2026, 3, 4))
    assert measure.school_days == 2
    again = propose(world, kind="expulsion", ground="misconduct")
    assert again.case == measure.case  # the same open situation
    assert again.case.current_step == "expulsion"
    events = AuditEvent.objects.filter(event_type=EventType.MEASURE_PROPOSED)
    assert events.count() == 2
    assert events.first().pupil_id == world.pupil_a5.pk  # type: ignore[union-attr]


# --- approvals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "persona", "allowed"),
    [
        # "time-out … only with the director's approval"
        ("time_out", "director_a", True),
        ("time_out", "care_a", False),
        ("time_out", "board", False),
        # "the board is informed and asked for approval beforehand"
        ("suspension", "board", True),
        ("suspension", "director_a", False),
        ("suspension", "care_a", False),
        ("suspension", "other_board", False),
    ],
)
def test_who_approves(world: World, frozen: object, kind: str, persona: str, allowed: bool) -> None:
    extra = {"taught_where": "Bij de intern begeleider"} if kind == "time_out" else {}
    measure = propose(world, kind=kind, start=D(2026, 3, 3), end=D(2026, 3, 3), **extra)
    if allowed:
        actions.do_decide(measure, approve=True, actor=as_(world, persona))
        measure.refresh_from_db()
        assert measure.status == Measure.Status.APPROVED
        assert measure.approved_by == world[persona]
    else:
        with pytest.raises(PermissionDenied):
            actions.do_decide(measure, approve=True, actor=as_(world, persona))


def test_the_board_cannot_approve_a_suspension_on_or_after_its_start(
    world: World, frozen: time_machine.Coordinates
) -> None:
    measure = propose(world, start=D(2026, 3, 4), end=D(2026, 3, 5))
    frozen.move_to(dt.datetime(2026, 3, 4, 8, 0, tzinfo=AMS))
    with pytest.raises(ValidationError) as exc:
        actions.do_decide(measure, approve=True, actor=as_(world, "board"))
    assert "moet een schorsing goedkeuren vóór de dag waarop die ingaat" in refusal(exc)
    assert "tot en met dinsdag 3 maart 2026" in refusal(exc)
    measure.refresh_from_db()
    assert measure.status == Measure.Status.PROPOSED


def test_a_time_out_letter_to_parents_needs_the_directors_approval(
    world: World, frozen: object
) -> None:
    measure = propose(
        world, kind="time_out", start=TODAY, end=TODAY, taught_where="In de teamkamer"
    )
    with pytest.raises(ValidationError) as exc:
        actions.do_record(measure, {"parents_written_on": TODAY}, actor=as_(world, "director_a"))
    assert "Een time-out gaat alleen in met toestemming van de directeur" in refusal(exc)
    actions.do_decide(measure, approve=True, actor=as_(world, "director_a"))
    actions.do_record(
        measure,
        {"parents_written_on": TODAY, "parents_phoned_on": TODAY},
        actor=as_(world, "director_a"),
    )
    measure.refresh_from_db()
    assert (measure.parents_written_on, measure.parents_phoned_on) == (TODAY, TODAY)


# --- deadlines with a frozen clock ------------------------------------------------------------


def open_tasks(measure: Measure) -> dict[str, dt.date]:
    return {
        t.key.rsplit(":", 1)[1]: t.due_on
        for t in CaseTask.objects.filter(key__startswith=f"measure:{measure.pk}:", done_at=None)
    }


def test_suspension_deadlines(world: World, frozen: object) -> None:
    one_day = propose(world, start=D(2026, 3, 3), end=D(2026, 3, 3))
    actions.do_decide(one_day, approve=True, actor=as_(world, "board"))
    one_day.refresh_from_db()
    # "a suspension longer than one day is reported to the Inspectie"
    assert one_day.inspectie_report_due is None
    assert "inspectie" not in open_tasks(one_day)

    three = propose(world, start=D(2026, 3, 4), end=D(2026, 3, 6))
    actions.do_decide(three, approve=True, actor=as_(world, "board"))
    three.refresh_from_db()
    assert three.inspectie_report_due == D(2026, 3, 4)
    assert open_tasks(three)["inspectie"] == D(2026, 3, 4)
    # "appeal to the board, which decides within 14 days"
    actions.do_record(three, {"appeal_lodged_on": TODAY}, actor=as_(world, "director_a"))
    three.refresh_from_db()
    assert three.appeal_decision_due == D(2026, 3, 16)
    assert open_tasks(three)["appeal"] == D(2026, 3, 16)
    actions.do_record(three, {"inspectie_reported_on": TODAY}, actor=as_(world, "director_a"))
    assert "inspectie" not in open_tasks(three)
    assert three.deadlines()["appeal_decision_due"] == "2026-03-16"


def heard(world: World, measure: Measure, **extra: object) -> None:
    values: dict[str, object] = {
        "educational_report": "Rapport over de ontwikkeling en de geboden ondersteuning.",
        "teacher_heard_on": TODAY,
        "parents_heard_on": TODAY,
    }
    values.update(extra)
    actions.do_record(measure, values, actor=as_(world, "director_a"))
    measure.refresh_from_db()


def test_expulsion_needs_report_and_hearings_before_the_board_decides(
    world: World, frozen: object
) -> None:
    measure = propose(world, kind="expulsion", ground="misconduct")
    with pytest.raises(ValidationError) as exc:
        actions.do_decide(measure, approve=True, actor=as_(world, "board"))
    text = refusal(exc)
    assert "onderwijskundig rapport" in text
    assert "de leerkracht, de ouders" in text
    # a pupil of 9 is not heard by law (from age 12)
    heard(world, measure)
    actions.do_decide(measure, approve=True, actor=as_(world, "board"))
    measure.refresh_from_db()
    assert measure.status == Measure.Status.DECIDED
    # "for 8 weeks the board seeks another school"; "objection within 6 weeks"
    assert measure.search_ends_on == D(2026, 4, 27)
    assert measure.objection_deadline == D(2026, 4, 13)
    assert open_tasks(measure) == {"search": D(2026, 4, 27), "objection": D(2026, 4, 13)}
    # "… decision within 4 weeks"
    actions.do_record(
        measure, {"objection_received_on": D(2026, 3, 2)}, actor=as_(world, "director_a")
    )
    measure.refresh_from_db()
    assert measure.objection_decision_due == D(2026, 3, 30)
    assert open_tasks(measure)["objection_decision"] == D(2026, 3, 30)
    assert "objection" not in open_tasks(measure)


def test_a_pupil_of_twelve_is_heard_too(world: World, frozen: object) -> None:
    world.pupil_a5.date_of_birth = D(2014, 3, 1)  # 12 on 1 March 2026
    world.pupil_a5.save()
    measure = propose(world, kind="expulsion", ground="misconduct")
    heard(world, measure)
    with pytest.raises(ValidationError) as exc:
        actions.do_decide(measure, approve=True, actor=as_(world, "board"))
    assert "de leerling zelf vanaf 12 jaar. Nog niet vastgelegd: de leerling" in refusal(exc)
    heard(world, measure, pupil_heard_on=TODAY)
    actions.do_decide(measure, approve=True, actor=as_(world, "board"))


def decided(world: World) -> Measure:
    measure = propose(world, kind="expulsion", ground="misconduct")
    heard(world, measure)
    actions.do_decide(measure, approve=True, actor=as_(world, "board"))
    measure.refresh_from_db()
    return measure


# (sector, accepted by another school?, days after the decision, attempts, refused?, rule)
FINAL = [
    # "final expulsion only once another school has accepted the pupil"
    (Sector.PO, True, 10, 1, False, ""),
    (Sector.PO, False, 10, 1, True, "of als het bestuur 8 weken aantoonbaar"),
    # "(or after 8 weeks of demonstrable effort)" — where the sector allows it
    (Sector.PO, False, 57, 1, False, ""),
    (Sector.PO, False, 57, 0, True, "met ten minste één vastgelegde poging"),
    (Sector.VO, False, 57, 2, True, "pas als een andere school de leerling heeft toegelaten."),
    (Sector.VO, True, 57, 2, False, ""),
]


@pytest.mark.parametrize(("sector", "accepted", "days", "attempts", "refused", "rule"), FINAL)
def test_final_expulsion(
    world: World,
    frozen: time_machine.Coordinates,
    sector: str,
    accepted: bool,
    days: int,
    attempts: int,
    refused: bool,
    rule: str,
) -> None:
    world.school_a.sector = sector
    world.school_a.save()
    measure = decided(world)
    for i in range(attempts):
        actions.do_add_search_attempt(
            measure,
            contacted_on=TODAY,
            school_name=f"School {i}",
            outcome="refused",
            actor=as_(world, "director_a"),
        )
    if accepted:
        actions.do_add_search_attempt(
            measure,
            contacted_on=TODAY,
            school_name="De Regenboog",
            outcome="accepted",
            actor=as_(world, "director_a"),
        )
    frozen.move_to(dt.datetime.combine(TODAY + dt.timedelta(days=days), dt.time(9), AMS))
    if refused:
        with pytest.raises(ValidationError) as exc:
            actions.do_finalise_expulsion(measure, actor=as_(world, "board"))
        assert rule in refusal(exc)
        measure.refresh_from_db()
        assert measure.status == Measure.Status.DECIDED
    else:
        actions.do_finalise_expulsion(measure, actor=as_(world, "board"))
        measure.refresh_from_db()
        assert measure.status == Measure.Status.FINAL


def test_deregistration_only_after_the_enrolment_notice(world: World, frozen: object) -> None:
    measure = decided(world)
    actions.do_add_search_attempt(
        measure,
        contacted_on=TODAY,
        school_name="De Regenboog",
        outcome="accepted",
        actor=as_(world, "director_a"),
    )
    actions.do_finalise_expulsion(measure, actor=as_(world, "board"))
    with pytest.raises(ValidationError) as exc:
        actions.do_deregister(measure, actor=as_(world, "director_a"))
    assert "pas als de nieuwe school heeft laten weten" in refusal(exc)
    actions.do_record(measure, {"enrolment_notice_on": TODAY}, actor=as_(world, "director_a"))
    actions.do_deregister(measure, actor=as_(world, "director_a"))
    world.pupil_a5.refresh_from_db()
    assert world.pupil_a5.left_on == TODAY


# --- higher education ---------------------------------------------------------------------


def test_higher_education_has_no_suspension_but_the_boards_measures(
    world: World, frozen: object
) -> None:
    world.school_a.sector = Sector.HBO
    world.school_a.save()
    with pytest.raises(ValidationError) as exc:
        propose(world, start=D(2026, 3, 3), end=D(2026, 3, 3))
    assert "In het hoger onderwijs kent de wet geen time-out, schorsing" in refusal(exc)
    # the Executive Board's measures come from the last step of a concerning-behaviour case
    with pytest.raises(ValidationError) as exc:
        propose(world, kind="access_denial", start=D(2026, 3, 3), end=D(2027, 3, 2))
    assert "pas in beeld bij de laatste stap" in refusal(exc)
    case = do_open_case(world.pupil_a5, "he_concern", actor=as_(world, "director_a"))
    Case.objects.filter(pk=case.pk).update(current_step="board")
    with pytest.raises(ValidationError) as exc:
        propose(world, kind="access_denial", start=D(2026, 3, 3), end=D(2027, 3, 3))
    assert "hoogstens 12 maanden (tot en met dinsdag 2 maart 2027)" in refusal(exc)
    measure = propose(world, kind="access_denial", start=D(2026, 3, 3), end=D(2027, 3, 2))
    # "after hearing the student"
    with pytest.raises(ValidationError) as exc:
        actions.do_decide(measure, approve=True, actor=as_(world, "board"))
    assert "nadat de student is gehoord" in refusal(exc)
    actions.do_record(measure, {"student_heard_on": TODAY}, actor=as_(world, "director_a"))
    actions.do_decide(measure, approve=True, actor=as_(world, "board"))


def test_school_measures_of_higher_education_are_refused_at_a_school(
    world: World, frozen: object
) -> None:
    with pytest.raises(ValidationError) as exc:
        propose(world, kind="enrolment_end")
    assert "zijn maatregelen van het hoger onderwijs" in refusal(exc)


# --- temporary extra rules ----------------------------------------------------------------


def test_extra_rules_are_evaluated_after_two_weeks_then_monthly(
    world: World, frozen: time_machine.Coordinates
) -> None:
    measure = propose(world, kind="time_out", start=TODAY, end=TODAY, taught_where="Groep 7")
    plan = actions.do_create_plan(
        measure.case,
        chosen=["breaks", "toilet"],
        rules_note="",
        extra_teacher=True,
        starts_on=TODAY,
        parents_note="Er gelden tijdelijk extra afspraken in de pauzes.",
        actor=as_(world, "director_a"),
    )
    assert plan.next_evaluation_on == D(2026, 3, 16)
    task = CaseTask.objects.get(key=f"extra_rules:{plan.pk}", done_at=None)
    assert task.due_on == D(2026, 3, 16)
    frozen.move_to(dt.datetime(2026, 3, 16, 15, 0, tzinfo=AMS))
    actions.do_evaluate_plan(
        plan,
        held_on=D(2026, 3, 16),
        participants="Leerkracht, intern begeleider, ouders",
        findings="De pauzes gaan beter.",
        changes="Toiletregel vervalt.",
        chosen=["breaks"],
        continues=True,
        actor=as_(world, "director_a"),
    )
    plan.refresh_from_db()
    assert plan.rules == ["breaks"]
    assert plan.next_evaluation_on == D(2026, 4, 16)
    assert CaseTask.objects.get(key=f"extra_rules:{plan.pk}", done_at=None).due_on == D(2026, 4, 16)


def test_withdrawing_closes_the_measures_tasks(world: World, frozen: object) -> None:
    measure = propose(world, start=D(2026, 3, 4), end=D(2026, 3, 6))
    actions.do_decide(measure, approve=True, actor=as_(world, "board"))
    assert open_tasks(measure)
    actions.do_withdraw(
        measure,
        reason="Ouders en school kwamen tot een andere afspraak.",
        actor=as_(world, "director_a"),
    )
    assert open_tasks(measure) == {}


# --- review findings: the rules cannot be stretched -----------------------------------------

# (kind, start, end, refused?, rule) — "today" is Monday 2 March 2026
TIME_OUT_DATES = [
    # "time-out: immediate for a serious incident": not afterwards, not weeks ahead
    (D(2026, 2, 27), D(2026, 2, 27), True, "niet achteraf en niet weken vooruit"),
    (D(2026, 6, 1), D(2026, 6, 1), True, "niet achteraf en niet weken vooruit"),
    (D(2026, 3, 4), D(2026, 3, 4), False, ""),
]


@pytest.mark.parametrize(("start", "end", "refused", "rule"), TIME_OUT_DATES)
def test_a_time_out_starts_now(
    world: World, frozen: object, start: dt.date, end: dt.date, refused: bool, rule: str
) -> None:
    if refused:
        with pytest.raises(ValidationError) as exc:
            propose(world, kind="time_out", start=start, end=end, taught_where="Groep 7")
        assert rule in refusal(exc)
    else:
        propose(world, kind="time_out", start=start, end=end, taught_where="Groep 7")


def test_the_director_approves_a_time_out_before_it_starts(
    world: World, frozen: time_machine.Coordinates
) -> None:
    measure = propose(world, kind="time_out", start=TODAY, end=TODAY, taught_where="Groep 7")
    frozen.move_to(dt.datetime(2026, 3, 3, 9, 0, tzinfo=AMS))
    with pytest.raises(ValidationError) as exc:
        actions.do_decide(measure, approve=True, actor=as_(world, "director_a"))
    assert "voordat de time-out begint, of op de eerste dag zelf" in refusal(exc)


@pytest.mark.parametrize(
    ("second", "refused", "rule"),
    [
        # the same week again: an overlap
        ((D(2026, 3, 4), D(2026, 3, 5)), True, "in dezelfde periode"),
        # straight after a 3-day suspension: 3 + 3 = 6 school days joined
        ((D(2026, 3, 9), D(2026, 3, 11)), True, "samen tellen ze 6 schooldagen"),
        # 3 + 2 = 5 joined: allowed
        ((D(2026, 3, 9), D(2026, 3, 10)), False, ""),
        # a school day in between: a new suspension, counted on its own
        ((D(2026, 3, 10), D(2026, 3, 13)), False, ""),
    ],
)
def test_a_suspension_cannot_be_stretched_by_splitting_it(
    world: World, frozen: object, second: tuple[dt.date, dt.date], refused: bool, rule: str
) -> None:
    first = propose(world, start=D(2026, 3, 4), end=D(2026, 3, 6))
    actions.do_decide(first, approve=True, actor=as_(world, "board"))
    if refused:
        with pytest.raises(ValidationError) as exc:
            propose(world, start=second[0], end=second[1])
        assert rule in refusal(exc)
    else:
        propose(world, start=second[0], end=second[1])


def test_a_teacher_on_the_case_does_not_withdraw_a_measure(world: World, frozen: object) -> None:
    from vangnet.cases.models import CaseMember

    measure = propose(world, start=D(2026, 3, 4), end=D(2026, 3, 5))
    CaseMember.objects.create(
        case=measure.case, user=world["teacher_a"], kind="member", added_by=world["director_a"]
    )
    with pytest.raises(PermissionDenied):
        actions.do_withdraw(measure, reason="Toch niet nodig.", actor=as_(world, "teacher_a"))


def test_dates_before_the_decision_do_not_count(world: World, frozen: object) -> None:
    measure = decided(world)
    with pytest.raises(ValidationError) as exc:
        actions.do_add_search_attempt(
            measure,
            contacted_on=D(2026, 2, 20),
            school_name="De Regenboog",
            outcome="accepted",
            actor=as_(world, "director_a"),
        )
    assert "een poging van daarvoor telt niet mee" in refusal(exc)
    suspension = propose(world, start=D(2026, 3, 4), end=D(2026, 3, 5))
    actions.do_decide(suspension, approve=True, actor=as_(world, "board"))
    with pytest.raises(ValidationError) as exc:
        actions.do_record(
            suspension, {"appeal_lodged_on": D(2026, 2, 27)}, actor=as_(world, "director_a")
        )
    assert "nadat het bestuur de schorsing heeft goedgekeurd" in refusal(exc)


def test_temporary_exclusion_while_another_school_is_sought(world: World, frozen: object) -> None:
    """ "for 8 weeks the board seeks another school; temporary exclusion meanwhile" """
    proposed = propose(world, kind="expulsion", ground="misconduct")
    with pytest.raises(ValidationError) as exc:
        actions.do_record(proposed, {"excluded_from": TODAY}, actor=as_(world, "director_a"))
    assert "pas na het besluit tot verwijdering" in refusal(exc)
    heard(world, proposed)
    actions.do_decide(proposed, approve=True, actor=as_(world, "board"))
    with pytest.raises(ValidationError) as exc:
        actions.do_record(
            proposed,
            {"excluded_from": D(2026, 3, 9), "excluded_until": D(2026, 3, 6)},
            actor=as_(world, "director_a"),
        )
    assert "De einddatum ligt voor de begindatum" in refusal(exc)
    actions.do_record(
        proposed,
        {"excluded_from": D(2026, 3, 3), "excluded_until": D(2026, 4, 24)},
        actor=as_(world, "director_a"),
    )
    proposed.refresh_from_db()
    assert (proposed.excluded_from, proposed.excluded_until) == (D(2026, 3, 3), D(2026, 4, 24))
