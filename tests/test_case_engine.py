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
from vangnet.lib.protocols import CLOSED, FRESH

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
    # waiting for the report is still "open"; monitoring starts once it is made
    assert (case.current_step, case.outcome, case.state) == ("report", "report", "open")
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
    with pytest.raises(ValidationError) as caught:  # question 5 comes after an evaluation
        actions.do_record_decision(
            case, answers | {"q5": True}, rationale | {"q5": "Gaat goed."}, actor=a
        )
    assert "Evalueer de hulp eerst" in caught.value.messages[0]
    review = {
        "held_on": timezone.localdate(),
        "participants": "IB, moeder, gezinscoach",
        "findings": "Rust in huis, Anna slaapt beter.",
        "next_review_on": None,
    }
    actions.do_add_record(case, "review", review, actor=a)
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


# --- who directs the case: the step's responsible role ----------------------------------------


def test_a_teacher_added_to_the_case_records_but_does_not_direct_it(world):
    """Completing a step, deciding and the acute route need the step's responsible role at
    the school (or the director): access.can_direct_case."""
    case = actions.do_open_case(world.pupil_a5, "meldcode", actor=actor(world))
    actions.do_add_member(case, world["teacher_a"], kind="member", actor=actor(world))
    teacher = actor(world, "teacher_a")
    actions.do_add_record(case, "observation", observation(), actor=teacher)
    actions.do_add_record(case, "kindcheck", kindcheck(), actor=teacher)
    with pytest.raises(PermissionDenied):
        actions.do_complete_step(case, actor=teacher)
    with pytest.raises(PermissionDenied):
        actions.do_take_shortcut(case, "acute", reason="Vader dreigt vanavond.", actor=teacher)
    case.refresh_from_db()
    assert case.current_step == "signals" and not case.acute
    case = to_decision(world)
    actions.do_add_member(case, world["teacher_a"], kind="member", actor=actor(world))
    with pytest.raises(PermissionDenied):
        actions.do_record_decision(case, {"q1": False}, {"q1": "Geen vermoeden."}, actor=teacher)
    assert not CaseRecord.objects.filter(case=case, kind="afwegingskader").exists()


def test_the_director_in_the_case_directs_it(world):
    case = actions.do_open_case(world.pupil_a5, "meldcode", actor=actor(world))
    actions.do_add_member(case, world["director_a"], kind="owner", actor=actor(world))
    director = actor(world, "director_a")
    actions.do_add_record(case, "observation", observation(), actor=director)
    actions.do_add_record(case, "kindcheck", kindcheck(), actor=director)
    assert actions.do_complete_step(case, actor=director).current_step == "consult"


def test_a_director_who_is_not_in_the_case_does_not_direct_it(world):
    case = to_decision(world)
    with pytest.raises(PermissionDenied):
        actions.do_record_decision(
            case, {"q1": False}, {"q1": "Geen vermoeden."}, actor=actor(world, "director_a")
        )


# --- the help step: the earlier answers stand --------------------------------------------------

HELP_ANSWERS = {"q1": True, "q2_acute": False, "q2_structural": False, "q3": True, "q4": True}


def help_plan() -> dict[str, object]:
    return {
        "help": "Gezinscoach",
        "provided_by": "Wijkteam",
        "accepted": True,
        "agreed_with_vt": True,
        "review_on": timezone.localdate() + dt.timedelta(days=42),
    }


def evaluation() -> dict[str, object]:
    return {
        "held_on": timezone.localdate(),
        "participants": "IB, moeder, gezinscoach",
        "findings": "Rust in huis.",
        "next_review_on": None,
    }


def at_help(world: World) -> Case:
    case = to_decision(world)
    a = actor(world)
    rationale = {k: f"Waarom {k}." for k in ("q1", "q2", "q3", "q4")}
    actions.do_record_decision(case, HELP_ANSWERS, rationale, actor=a)
    case.refresh_from_db()
    actions.do_add_record(case, "help_plan", help_plan(), actor=a)
    return case


def test_question_five_alone_at_the_help_step(world):
    case = at_help(world)
    a = actor(world)
    with pytest.raises(ValidationError) as caught:  # the help is evaluated first
        actions.do_record_decision(case, {"q5": True}, {"q5": "Gaat goed."}, actor=a)
    assert caught.value.messages == [
        "Evalueer de hulp eerst: leg een evaluatie vast voordat u vraag 5 beantwoordt."
    ]
    assert actions.record_counts(case)[FRESH + "review"] == 0
    actions.do_add_record(case, "review", evaluation(), actor=a)
    assert actions.record_counts(case)[FRESH + "review"] == 1
    item = actions.do_record_decision(case, {"q5": True}, {"q5": "Gaat goed."}, actor=a)
    assert item.data["answers"] == HELP_ANSWERS | {"q5": True}
    assert item.data["rationale"]["q1"] == "Waarom q1." and item.data["rationale"]["q5"]
    case.refresh_from_db()
    assert (case.current_step, case.outcome) == ("monitoring", "close_with_monitoring")


def test_an_earlier_answer_cannot_be_changed_at_the_help_step(world):
    case = at_help(world)
    actions.do_add_record(case, "review", evaluation(), actor=actor(world))
    first = CaseRecord.objects.get(case=case, kind="afwegingskader")
    with pytest.raises(ValidationError) as caught:
        actions.do_record_decision(
            case, {"q1": False, "q5": True}, {"q1": "Toch niet.", "q5": "Ja."}, actor=actor(world)
        )
    date = timezone.localtime(first.created_at).strftime("%d-%m-%Y")
    assert caught.value.message_dict == {
        "q1": [
            f"Deze vraag is al beantwoord in het besluit van {date}; dat antwoord blijft staan. "
            "Beantwoord alleen de vraag die nog open is."
        ]
    }
    case.refresh_from_db()
    assert case.current_step == "help"
    # the same answers again are fine
    actions.do_record_decision(
        case, HELP_ANSWERS | {"q5": False}, {"q5": "Geen verbetering."}, actor=actor(world)
    )
    case.refresh_from_db()
    assert (case.current_step, case.outcome) == ("report", "report")


# --- fresh requirements: a new report after the acute route --------------------------------------


def vt_report(**changes: object) -> dict[str, object]:
    return {
        "reported_on": timezone.localdate(),
        "reference": "VT-2026-1",
        "reported_by": "IB",
        "summary": "Herhaald letsel",
        "parents_told": True,
        "parents_not_told_why": "",
    } | changes


def reported_and_monitoring(world: World) -> tuple[Case, CaseRecord]:
    case = to_decision(world)
    a = actor(world)
    answers = {"q1": True, "q2_acute": False, "q2_structural": True}
    actions.do_record_decision(case, answers, {"q1": "Ja.", "q2": "Het herhaalt zich."}, actor=a)
    case.refresh_from_db()
    report = actions.do_add_record(case, "vt_report", vt_report(), actor=a)
    case = actions.do_complete_step(case, actor=a)
    assert case.current_step == "monitoring"
    return case, report


def test_the_acute_route_from_monitoring_needs_a_new_report(world):
    """The report step needs a report added since the case entered it: the report of the
    first visit does not complete the step again after the acute route."""
    case, _report = reported_and_monitoring(world)
    a = actor(world)
    case = actions.do_take_shortcut(case, "acute", reason="Opnieuw letsel, vader dreigt.", actor=a)
    case.refresh_from_db()
    assert case.current_step == "report" and case.acute
    counts = actions.record_counts(case)
    assert (counts["vt_report"], counts[FRESH + "vt_report"]) == (1, 0)
    with pytest.raises(ValidationError) as caught:
        actions.do_complete_step(case, actor=a)
    assert caught.value.messages == ["Leg de melding bij Veilig Thuis vast."]
    case.refresh_from_db()
    assert case.current_step == "report"
    actions.do_add_record(case, "vt_report", vt_report(reference="VT-2026-2"), actor=a)
    counts = actions.record_counts(case)
    assert (counts["vt_report"], counts[FRESH + "vt_report"]) == (2, 1)
    assert actions.do_complete_step(case, actor=a).current_step == "monitoring"


def test_the_steps_skipped_by_the_acute_route_can_be_caught_up_on(world):
    """After the acute route the kindcheck (and conversation, weighing) can be recorded in
    the report and monitoring steps."""
    case = actions.do_open_case(
        world.pupil_a5, "meldcode", actor=actor(world), acute_reason="Kind durft niet naar huis."
    )
    case.refresh_from_db()
    a = actor(world)
    actions.do_add_record(case, "kindcheck", kindcheck(), actor=a)
    actions.do_add_record(case, "vt_report", vt_report(), actor=a)
    case = actions.do_complete_step(case, actor=a)
    actions.do_add_record(case, "conversation", conversation(), actor=a)
    assert actions.record_counts(case)["kindcheck"] == 1


# --- corrections ------------------------------------------------------------------------------


def test_a_correction_replaces_a_record_of_the_same_kind_at_any_step(world):
    case = to_decision(world)  # step 5: the signals of step 1 are no longer offered
    a = actor(world)
    original = CaseRecord.objects.get(case=case, kind="observation")
    fixed = observation() | {"what": "Blauwe plek op de onderarm."}
    with pytest.raises(ValidationError):  # a new signal: not at this step
        actions.do_add_record(case, "observation", fixed, actor=a)
    before = actions.record_counts(case)
    correction = actions.do_add_record(case, "observation", fixed, actor=a, corrects=original)
    assert correction.corrects == original and correction.kind == "observation"
    assert correction.data["what"] == "Blauwe plek op de onderarm."
    original.refresh_from_db()
    assert original.data["what"].startswith("Blauwe plek op de bovenarm")  # kept as it was
    # the corrected record no longer counts: still one signal
    assert actions.record_counts(case)["observation"] == before["observation"] == 1
    event = AuditEvent.objects.filter(event_type=EventType.CASE_RECORD_ADDED).latest("seq")
    assert event.data["corrects"] == original.pk and event.data["record"] == correction.pk
    case.refresh_from_db()
    assert case.current_step == "decide"
    assert all(r.ok for r in verify())


def test_a_correction_is_checked_like_a_record(world):
    case = to_decision(world)
    original = CaseRecord.objects.get(case=case, kind="kindcheck")
    with pytest.raises(ValidationError) as caught:
        actions.do_add_record(
            case, "kindcheck", kindcheck() | {"who": ""}, actor=actor(world), corrects=original
        )
    assert "who" in caught.value.message_dict
    assert not original.corrections.exists()


def test_a_record_is_corrected_once_then_its_correction_is(world):
    case = to_decision(world)
    a = actor(world)
    original = CaseRecord.objects.get(case=case, kind="kindcheck")
    first = actions.do_add_record(case, "kindcheck", kindcheck(), actor=a, corrects=original)
    with pytest.raises(ValidationError) as caught:
        actions.do_add_record(case, "kindcheck", kindcheck(), actor=a, corrects=original)
    assert caught.value.messages == ["Deze vastlegging is al gecorrigeerd."]
    second = actions.do_add_record(case, "kindcheck", kindcheck(), actor=a, corrects=first)
    assert second.corrects == first
    assert actions.record_counts(case)["kindcheck"] == 1


def test_a_correction_must_be_of_a_record_of_the_case_and_its_kind(world):
    case = to_decision(world)
    a = actor(world)
    signal = CaseRecord.objects.get(case=case, kind="observation")
    with pytest.raises(ValidationError) as caught:  # another kind
        actions.do_add_record(case, "kindcheck", kindcheck(), actor=a, corrects=signal)
    assert caught.value.messages == ["Deze vastlegging hoort niet bij dit traject."]
    actions.do_add_record(world.case, "observation", observation(), actor=a)
    elsewhere = CaseRecord.objects.get(case=world.case, kind="observation")
    with pytest.raises(ValidationError) as caught:  # a record of another case
        actions.do_add_record(case, "observation", observation(), actor=a, corrects=elsewhere)
    assert caught.value.messages == ["Deze vastlegging hoort niet bij dit traject."]
    assert not CaseRecord.objects.filter(corrects__isnull=False).exists()


def test_a_closed_case_takes_no_corrections(world):
    case = to_decision(world)
    actions.do_record_decision(case, {"q1": False}, {"q1": "Geen vermoeden."}, actor=actor(world))
    signal = CaseRecord.objects.get(case=case, kind="observation")
    with pytest.raises(ValidationError) as caught:
        actions.do_add_record(
            case, "observation", observation(), actor=actor(world), corrects=signal
        )
    assert caught.value.messages == ["Dit traject is afgesloten."]


def test_correcting_the_old_report_is_not_a_new_report(world):
    case, first_report = reported_and_monitoring(world)
    a = actor(world)
    case = actions.do_take_shortcut(case, "acute", reason="Opnieuw letsel, vader dreigt.", actor=a)
    actions.do_add_record(
        case, "vt_report", vt_report(reference="VT-2026-1b"), actor=a, corrects=first_report
    )
    with pytest.raises(ValidationError):
        actions.do_complete_step(case, actor=a)


# --- record values ------------------------------------------------------------------------------


def test_a_date_decades_off_is_refused_as_a_typing_error(world):
    case = actions.do_open_case(world.pupil_a5, "meldcode", actor=actor(world))
    old = observation() | {"observed_on": timezone.localdate() - dt.timedelta(days=100 * 365)}
    with pytest.raises(ValidationError) as caught:
        actions.do_add_record(case, "observation", old, actor=actor(world))
    assert caught.value.message_dict == {
        "observed_on": ["Deze datum ligt te ver in het verleden. Controleer het jaartal."]
    }
    actions.do_add_record(case, "observation", observation(), actor=actor(world))
    # a review date a century ahead
    case = to_decision(world)
    actions.do_record_decision(
        case, HELP_ANSWERS, {k: "Waarom." for k in ("q1", "q2", "q3", "q4")}, actor=actor(world)
    )
    plan = help_plan() | {"review_on": timezone.localdate() + dt.timedelta(days=100 * 365)}
    with pytest.raises(ValidationError) as caught:
        actions.do_add_record(case, "help_plan", plan, actor=actor(world))
    assert caught.value.message_dict == {
        "review_on": ["Deze datum ligt te ver in de toekomst. Controleer het jaartal."]
    }


def test_a_correction_lets_the_corrected_records_review_task_lapse(world):
    case = to_decision(world)
    a = actor(world)
    answers = {"q1": True, "q2_acute": False, "q2_structural": False, "q3": True, "q4": True}
    actions.do_record_decision(case, answers, {k: "Zo is het." for k in answers}, actor=a)
    case.refresh_from_db()
    first_date = timezone.localdate() + dt.timedelta(days=42)
    plan = {
        "help": "Gezinscoach",
        "provided_by": "Wijkteam",
        "accepted": True,
        "agreed_with_vt": True,
        "review_on": first_date,
    }
    first = actions.do_add_record(case, "help_plan", plan, actor=a)
    actions.do_add_record(
        case,
        "help_plan",
        plan | {"review_on": first_date + dt.timedelta(days=7)},
        actor=a,
        corrects=first,
    )
    open_reviews = CaseTask.objects.filter(case=case, kind=CaseTask.Kind.REVIEW, done_at=None)
    assert [t.due_on for t in open_reviews] == [first_date + dt.timedelta(days=7)]


def test_a_decision_is_not_corrected_as_a_record(world):
    case = to_decision(world)
    a = actor(world)
    decision = actions.do_record_decision(case, {"q1": False}, {"q1": "Geen vermoeden."}, actor=a)
    case.refresh_from_db()
    case.state = Case.State.OPEN  # even on an open case
    with pytest.raises(ValidationError):
        actions.do_add_record(case, "afwegingskader", {}, actor=a, corrects=decision)


def test_a_report_to_veilig_thuis_is_also_an_exchange_in_the_register(world):
    """Every exchange with an outside party is recorded (to whom, on which basis, for what):
    the report and Veilig Thuis's feedback go into the pupil's register by themselves."""
    from vangnet.cases.models import ExternalExchange

    case = actions.do_open_case(
        world.pupil_a5, "meldcode", actor=actor(world), acute_reason="Direct gevaar vanavond."
    )
    reported_on = timezone.localdate() - dt.timedelta(days=1)
    report = {
        "reported_on": reported_on,
        "reference": "VT-1",
        "reported_by": "IB",
        "summary": "Acuut",
        "parents_told": False,
        "parents_not_told_why": "Gevaar voor het kind.",
    }
    actions.do_add_record(case, "vt_report", report, actor=actor(world))
    feedback = {"received_on": timezone.localdate(), "feedback": "Onderzoek loopt."}
    actions.do_add_record(
        case, "vt_feedback", feedback | {"next_review_on": None}, actor=actor(world)
    )
    sent, received = ExternalExchange.objects.filter(case=case).order_by("exchanged_on")
    assert (sent.partner, sent.direction, sent.basis, sent.exchanged_on) == (
        world.partner,
        "sent",
        "meldcode",
        reported_on,
    )
    assert (received.direction, received.basis) == ("received", "received")
    assert "Onderzoek" not in received.what  # the content stays in the case
