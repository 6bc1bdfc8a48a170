"""The case engine on the Meldcode definition: opening, records, steps, decisions, the acute
route, members and tasks (actions only; pages and API have their own tests)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.world import World
from vangnet.cases import actions
from vangnet.cases.models import Case, CaseMember, CaseRecord, CaseStep, CaseTask
from vangnet.core.audit import Actor, verify
from vangnet.core.models import AuditEvent, EventType
from vangnet.core.submissions import ConflictError
from vangnet.lib.protocols import CLOSED

pytestmark = pytest.mark.django_db

TODAY = dt.date.today


def actor(world: World, persona: str = "care_a") -> Actor:
    return Actor(user=world[persona], role="test")


def observation() -> dict[str, object]:
    return {
        "observed_on": timezone.localdate(),
        "observed_by": "Juf A",
        "what": "Blauwe plek op de bovenarm, drie dagen achter elkaar.",
        "source": "own",
        "objectified": "",
    }


def kindcheck() -> dict[str, object]:
    return {"other_children": "yes", "who": "Broertje van 4, peuteropvang", "action": ""}


def consultation() -> dict[str, object]:
    return {
        "held_on": timezone.localdate(),
        "with_whom": "veilig_thuis",
        "name": "Adviseur Veilig Thuis",
        "anonymous": True,
        "question": "Moeten wij melden?",
        "advice": "Eerst in gesprek met de ouders.",
    }


def conversation() -> dict[str, object]:
    return {
        "held_on": timezone.localdate(),
        "participants": "Moeder, IB",
        "purpose": "Zorgen delen",
        "facts": "De blauwe plekken",
        "response": "",
        "agreements": "Moeder zoekt hulp via het wijkteam",
        "signed": False,
        "signed_on": None,
    }


def weighing() -> dict[str, object]:
    return {
        "physical_danger": False,
        "physical_danger_why": "Geen letsel gezien sinds het gesprek.",
        "development_hindered": True,
        "development_hindered_why": "Spanning thuis.",
        "future_risk": True,
        "future_risk_why": "Werkloosheid vader.",
        "risk_micro": "Spanning tussen ouders",
        "protect_micro": "Betrokken oma",
        "risk_meso": "",
        "protect_meso": "",
        "risk_macro": "",
        "protect_macro": "",
        "context_score": 5,
        "goals": "Rust in huis",
    }


def to_decision(world: World) -> Case:
    case = actions.do_open_case(world.pupil_a5, "meldcode", actor=actor(world))
    a = actor(world)
    actions.do_add_record(case, "observation", observation(), actor=a)
    actions.do_add_record(case, "kindcheck", kindcheck(), actor=a)
    case = actions.do_complete_step(case, actor=a)
    actions.do_add_record(case, "consultation", consultation(), actor=a)
    case = actions.do_complete_step(case, actor=a)
    actions.do_add_record(case, "conversation", conversation(), actor=a)
    case = actions.do_complete_step(case, actor=a)
    actions.do_add_record(case, "weighing", weighing(), actor=a)
    return actions.do_complete_step(case, actor=a)


def test_open_case_makes_the_opener_owner_and_sets_step_terms(world):
    case = actions.do_open_case(world.pupil_a5, "meldcode", actor=actor(world))
    assert case.current_step == "signals" and case.protocol_version == 1
    assert CaseMember.objects.get(case=case).kind == CaseMember.Kind.OWNER
    term = CaseTask.objects.get(case=case, kind=CaseTask.Kind.TERM)
    assert term.due_on == timezone.localdate() + dt.timedelta(days=14)
    assert term.escalate_to == "safety_officer"
    assert AuditEvent.objects.filter(event_type=EventType.CASE_OPENED, pupil_id=world.pupil_a5.pk)


def test_only_the_protocols_starters_may_open_a_case(world):
    with pytest.raises(PermissionDenied):
        actions.do_open_case(world.pupil_a5, "meldcode", actor=actor(world, "teacher_a"))
    with pytest.raises(PermissionDenied):  # another school
        actions.do_open_case(world.pupil_b3, "meldcode", actor=actor(world))


def test_a_step_is_not_completed_without_its_records(world):
    case = actions.do_open_case(world.pupil_a5, "meldcode", actor=actor(world))
    actions.do_add_record(case, "observation", observation(), actor=actor(world))
    with pytest.raises(ValidationError) as caught:
        actions.do_complete_step(case, actor=actor(world))
    assert caught.value.messages == ["Doe de kindcheck."]
    case.refresh_from_db()
    assert case.current_step == "signals"


def test_record_fields_are_checked_and_nothing_is_kept_on_error(world):
    case = actions.do_open_case(world.pupil_a5, "meldcode", actor=actor(world))
    bad = kindcheck() | {"who": ""}  # other children: yes, but not who
    with pytest.raises(ValidationError) as caught:
        actions.do_add_record(case, "kindcheck", bad, actor=actor(world))
    assert "who" in caught.value.message_dict
    future = observation() | {"observed_on": timezone.localdate() + dt.timedelta(days=2)}
    with pytest.raises(ValidationError) as caught:
        actions.do_add_record(case, "observation", future, actor=actor(world))
    assert caught.value.message_dict["observed_on"] == ["Deze datum ligt in de toekomst."]
    assert not CaseRecord.objects.filter(case=case).exists()


def test_a_record_the_step_does_not_offer_is_refused(world):
    case = actions.do_open_case(world.pupil_a5, "meldcode", actor=actor(world))
    with pytest.raises(ValidationError):
        actions.do_add_record(case, "weighing", weighing(), actor=actor(world))


def test_walk_to_a_report_and_monitoring_then_close(world):
    case = to_decision(world)
    assert case.current_step == "decide"
    a = actor(world)
    answers = {"q1": True, "q2_acute": False, "q2_structural": True}
    rationale = {"q1": "Signalen en gesprek wijzen erop.", "q2": "Het herhaalt zich."}
    actions.do_record_decision(case, answers, rationale, actor=a)
    case.refresh_from_db()
    assert (case.current_step, case.outcome, case.state) == ("report", "report", "monitoring")
    report = {
        "reported_on": timezone.localdate(),
        "reference": "VT-2026-1",
        "reported_by": "IB",
        "summary": "Herhaald letsel",
        "parents_told": False,
        "parents_not_told_why": "",
    }
    with pytest.raises(ValidationError) as caught:
        actions.do_add_record(case, "vt_report", report, actor=a)
    assert "parents_not_told_why" in caught.value.message_dict
    report["parents_not_told_why"] = "Vader dreigde eerder met geweld."
    actions.do_add_record(case, "vt_report", report, actor=a)
    case = actions.do_complete_step(case, actor=a)
    assert case.current_step == "monitoring"
    review_on = timezone.localdate() + dt.timedelta(days=30)
    review = {
        "held_on": timezone.localdate(),
        "participants": "IB, leerkracht",
        "findings": "Rustiger",
        "next_review_on": review_on,
    }
    actions.do_add_record(case, "review", review, actor=a)
    assert CaseTask.objects.get(case=case, kind=CaseTask.Kind.REVIEW).due_on == review_on
    actions.do_add_record(
        case,
        "closing",
        {"agreements": "Leerkracht blijft signaleren", "informed": "Moeder"},
        actor=a,
    )
    case = actions.do_complete_step(case, actor=a)
    assert case.state == Case.State.CLOSED and case.current_step == CLOSED
    assert not CaseTask.objects.filter(case=case, done_at__isnull=True).exists()
    assert all(r.ok for r in verify())


def test_help_then_question_five_decides(world):
    case = to_decision(world)
    a = actor(world)
    answers = {"q1": True, "q2_acute": False, "q2_structural": False, "q3": True, "q4": True}
    rationale = {k: "Omdat het zo is." for k in ("q1", "q2", "q3", "q4")}
    actions.do_record_decision(case, answers, rationale, actor=a)
    case.refresh_from_db()
    assert case.current_step == "help" and case.outcome == "help"
    with pytest.raises(ValidationError):  # q5 still open: the case would stay here
        actions.do_record_decision(case, answers, rationale, actor=a)
    plan = {
        "help": "Gezinscoach",
        "provided_by": "Wijkteam",
        "accepted": True,
        "agreed_with_vt": True,
        "review_on": timezone.localdate() + dt.timedelta(days=42),
    }
    actions.do_add_record(case, "help_plan", plan, actor=a)
    actions.do_record_decision(
        case, answers | {"q5": True}, rationale | {"q5": "Veiligheid hersteld."}, actor=a
    )
    case.refresh_from_db()
    assert (case.current_step, case.outcome) == ("monitoring", "close_with_monitoring")


def test_decision_needs_a_rationale_per_answered_question(world):
    case = to_decision(world)
    with pytest.raises(ValidationError) as caught:
        actions.do_record_decision(case, {"q1": False}, {"q1": "  "}, actor=actor(world))
    assert "rationale_q1" in caught.value.message_dict
    actions.do_record_decision(case, {"q1": False}, {"q1": "Geen vermoeden."}, actor=actor(world))
    case.refresh_from_db()
    assert case.state == Case.State.CLOSED and case.outcome == "close"


def test_report_to_veilig_thuis_needs_signals_except_on_the_acute_route(world):
    case = actions.do_open_case(
        world.pupil_a5,
        "meldcode",
        actor=actor(world),
        acute_reason="Kind vertelt dat vader haar vanavond weer slaat.",
    )
    case.refresh_from_db()
    assert case.current_step == "report" and case.acute
    step = CaseStep.objects.get(case=case, step="report")
    assert step.via == "acute" and "vanavond" in step.reason
    report = {
        "reported_on": timezone.localdate(),
        "reference": "",
        "reported_by": "IB",
        "summary": "Acuut",
        "parents_told": False,
        "parents_not_told_why": "Gevaar voor het kind.",
    }
    actions.do_add_record(case, "vt_report", report, actor=actor(world))


def test_acute_route_needs_a_reason(world):
    case = actions.do_open_case(world.pupil_a5, "meldcode", actor=actor(world))
    with pytest.raises(ValidationError):
        actions.do_take_shortcut(case, "acute", reason="kort", actor=actor(world))


def test_a_stale_page_cannot_move_the_case_twice(world):
    case = actions.do_open_case(world.pupil_a5, "meldcode", actor=actor(world))
    actions.do_add_record(case, "observation", observation(), actor=actor(world))
    actions.do_add_record(case, "kindcheck", kindcheck(), actor=actor(world))
    actions.do_complete_step(case, actor=actor(world), expected_step="signals")
    with pytest.raises(ConflictError):
        actions.do_complete_step(case, actor=actor(world), expected_step="signals")
    assert CaseStep.objects.filter(case=case).count() == 2


def test_the_last_owner_cannot_be_removed(world):
    case = actions.do_open_case(world.pupil_a5, "meldcode", actor=actor(world))
    owner = CaseMember.objects.get(case=case)
    with pytest.raises(ValidationError):
        actions.do_remove_member(case, owner, actor=actor(world))


def test_tasks_go_to_colleagues_of_the_school_only(world):
    case = actions.do_open_case(world.pupil_a5, "meldcode", actor=actor(world))
    due = TODAY() + dt.timedelta(days=5)
    task = actions.do_request_task(
        case, world["teacher_a"], "Let op hoe Anna binnenkomt", due, actor=actor(world)
    )
    assert task.assignee == world["teacher_a"]
    with pytest.raises(ValidationError):
        actions.do_request_task(case, world["teacher_b"], "x", due, actor=actor(world))
    actions.do_complete_task(task, note="Gedaan", actor=actor(world, "teacher_a"))
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == world["teacher_a"]


def test_the_colleague_asked_is_notified_after_commit(world, django_capture_on_commit_callbacks):
    from vangnet.core.models import Notification

    case = actions.do_open_case(world.pupil_a5, "meldcode", actor=actor(world))
    due = TODAY() + dt.timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        task = actions.do_request_task(
            case, world["teacher_a"], "Let op hoe Anna binnenkomt", due, actor=actor(world)
        )
    note = Notification.objects.get(user=world["teacher_a"], key=f"case-task-asked:{task.pk}")
    assert "Let op hoe Anna binnenkomt" in note.title and note.url == "/taken/"
