"""The cases API: starting a case, reading it, recording the afwegingskader decision.

Every path through the decision tree is in tests/test_afwegingskader.py; this file covers
access, audit, the shape of the answers and the statuses around them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.test_case_engine import to_decision
from tests.world import World
from vangnet.accounts.actions import do_create_api_token
from vangnet.cases import actions
from vangnet.cases.models import Case, CaseMember, CaseRecord
from vangnet.concerns.models import Concern
from vangnet.core.audit import Actor, verify
from vangnet.core.models import AuditEvent, EventType
from vangnet.core.submissions import ConflictError

pytestmark = pytest.mark.django_db

HELP = {"q1": True, "q2_acute": False, "q2_structural": False, "q3": True, "q4": True}
WHY = {q: f"Onderbouwing bij {q}." for q in ("q1", "q2", "q3", "q4", "q5")}


def evaluation() -> dict[str, Any]:
    """A review of the help (no next date): what the help step needs before question 5."""
    return {
        "held_on": timezone.localdate(),
        "participants": "IB, moeder, gezinscoach",
        "findings": "Rust in huis.",
        "next_review_on": None,
    }


@pytest.fixture
def api(world):
    def make(persona: str) -> Client:
        token = do_create_api_token(world[persona], actor=Actor.system("test"))
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return make


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def open_body(world: World, **extra: Any) -> dict[str, Any]:
    return {"pupil": world.pupil_a5.pk, "protocol": "meldcode", **extra}


def decide(client: Client, case: Case, answers: dict[str, Any], **extra: Any) -> Any:
    return post(client, f"/api/v1/cases/{case.pk}/decision", {**answers, **extra})


def rationale_for(answers: dict[str, Any]) -> dict[str, str]:
    questions = {k.split("_")[0] for k in answers}
    return {q: WHY[q] for q in questions}


# --- POST /cases ----------------------------------------------------------------------------


def test_care_coordinator_starts_a_case_and_owns_it(world, api):
    before = Case.objects.count()
    response = post(api("care_a"), "/api/v1/cases", open_body(world, origin_concern=None))
    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert Case.objects.count() == before + 1
    assert body["reference"] == case.reference and body["pupil_id"] == world.pupil_a5.pk
    assert (body["protocol"], body["version"], body["state"]) == ("meldcode", 1, "open")
    step = body["current_step"]
    assert (step["key"], step["role"], step["decision"], step["next"]) == (
        "signals",
        "care_coordinator",
        None,
        "consult",
    )
    assert step["requirements"] == [
        {"message": "Leg ten minste één signaal vast.", "met": False},
        {"message": "Doe de kindcheck.", "met": False},
    ]
    assert step["ready"] is False
    assert CaseMember.objects.get(case=case).user == world["care_a"]
    event = AuditEvent.objects.filter(event_type=EventType.CASE_OPENED).latest("id")
    assert (event.object_id, event.pupil_id, event.channel) == (str(case.pk), case.pupil_id, "api")


def test_the_director_may_start_a_case(world, api):
    assert post(api("director_a"), "/api/v1/cases", open_body(world)).status_code == 201


def test_a_teacher_who_sees_the_pupil_gets_403_outsiders_404(world, api):
    before = Case.objects.count()
    assert post(api("teacher_a"), "/api/v1/cases", open_body(world)).status_code == 403
    for persona in ("teacher_b", "adviser_a", "board", "other_board", "no_role"):
        assert post(api(persona), "/api/v1/cases", open_body(world)).status_code == 404, persona
    # an outsider learns nothing about the pupil, not even from a bad protocol
    bad = open_body(world, protocol="nope")
    assert post(api("teacher_b"), "/api/v1/cases", bad).status_code == 404
    assert Case.objects.count() == before


def test_unknown_protocol_is_422(world, api):
    response = post(api("care_a"), "/api/v1/cases", open_body(world, protocol="gedragsladder"))
    assert response.status_code == 422
    assert "meldcode" in response.json()["detail"]["protocol"][0]


def test_origin_concern_must_be_visible_and_about_the_pupil(world, api):
    client = api("care_a")
    response = post(client, "/api/v1/cases", open_body(world, origin_concern=world.concern.pk))
    assert response.status_code == 201
    assert Case.objects.get(pk=response.json()["id"]).origin_concern == world.concern

    other = Concern.objects.create(
        pupil=world.pupil_a6,
        school=world.school_a,
        author=world["care_a"],
        noticed_by="IB",
        occurred_at=timezone.now(),
    )
    response = post(client, "/api/v1/cases", open_body(world, origin_concern=other.pk))
    assert response.status_code == 422
    assert response.json()["detail"] == {
        "origin_concern": ["Deze zorg gaat over een andere leerling."]
    }
    foreign = Concern.objects.create(
        pupil=world.pupil_c,
        school=world.school_c,
        author=world["other_board"],
        noticed_by="X",
        occurred_at=timezone.now(),
    )
    for concern_id in (foreign.pk, 999999):
        response = post(client, "/api/v1/cases", open_body(world, origin_concern=concern_id))
        assert response.status_code == 404


def test_acute_route_goes_straight_to_reporting(world, api):
    reason = "Kind vertelt dat vader haar vanavond weer slaat."
    response = post(api("care_a"), "/api/v1/cases", open_body(world, acute_reason=reason))
    assert response.status_code == 201
    body = response.json()
    assert body["acute"] is True and body["current_step"]["key"] == "report"


def test_acute_route_without_a_real_reason_opens_nothing(world, api):
    before = Case.objects.count()
    response = post(api("care_a"), "/api/v1/cases", open_body(world, acute_reason="nu"))
    assert response.status_code == 422
    assert "acute_reason" in response.json()["detail"]
    assert Case.objects.count() == before


def test_unknown_fields_are_refused(world, api):
    response = post(api("care_a"), "/api/v1/cases", open_body(world, leerling="x"))
    assert response.status_code == 422


# --- GET /cases/{id} ------------------------------------------------------------------------


def test_detail_shows_state_step_history_records_and_decisions(world, api):
    case = to_decision(world)
    client = api("care_a")
    answers = {"q1": True, "q2_acute": False, "q2_structural": True}
    assert decide(client, case, answers, rationale=rationale_for(answers)).status_code == 200
    body = client.get(f"/api/v1/cases/{case.pk}").json()
    assert (body["state"], body["outcome"], body["version"]) == ("open", "report", 1)
    assert body["current_step"]["key"] == "report"
    assert body["current_step"]["requirements"] == [
        {"message": "Leg de melding bij Veilig Thuis vast.", "met": False}
    ]
    assert [(s["step"], s["via"], s["completed_at"] is None) for s in body["steps"]] == [
        ("signals", "start", False),
        ("consult", "next", False),
        ("conversation", "next", False),
        ("weigh", "next", False),
        ("decide", "next", False),
        ("report", "report", True),
    ]
    assert body["steps"][0]["title"] == "Stap 1: signalen in kaart brengen"
    assert [r["kind"] for r in body["records"]] == [
        "observation",
        "kindcheck",
        "consultation",
        "conversation",
        "weighing",
    ]
    first = body["records"][0]
    assert first["label"] == "Signaal" and first["step"] == "signals"
    assert first["created_by"] == world["care_a"].full_name
    assert first["data"]["observed_on"] == timezone.localdate().isoformat()
    [decision] = body["decisions"]
    assert decision["answers"] == answers
    assert decision["rationale"] == {"q1": WHY["q1"], "q2": WHY["q2"]}
    assert (decision["outcome"], decision["outcome_label"]) == ("report", "Melden bij Veilig Thuis")
    assert decision["step"] == "decide" and decision["waiting"] is False


def test_detail_is_audited_with_the_api_channel(world, api):
    before = AuditEvent.objects.filter(event_type=EventType.CASE_VIEWED).count()
    assert api("director_a").get(f"/api/v1/cases/{world.case.pk}").status_code == 200
    event = AuditEvent.objects.filter(event_type=EventType.CASE_VIEWED).latest("id")
    assert AuditEvent.objects.filter(event_type=EventType.CASE_VIEWED).count() == before + 1
    assert (event.actor_id, event.channel, event.pupil_id, event.object_id) == (
        world["director_a"].pk,
        "api",
        world.pupil_a5.pk,
        str(world.case.pk),
    )
    assert event.data == {"step": "signals"}
    assert all(r.ok for r in verify())


def test_detail_is_404_without_an_event_for_who_may_not_read_the_content(world, api):
    # teacher_a is asked to do something in the case: they know it exists, not its content
    for persona in ("teacher_a", "adviser_a", "teacher_b", "board", "privacy", "other_board"):
        assert api(persona).get(f"/api/v1/cases/{world.case.pk}").status_code == 404, persona
    assert api("care_a").get("/api/v1/cases/999999").status_code == 404
    assert not AuditEvent.objects.filter(event_type=EventType.CASE_VIEWED).exists()


def test_an_added_colleague_reads_the_case(world, api):
    actions.do_add_member(
        world.case, world["teacher_a"], kind="member", actor=Actor(world["care_a"])
    )
    assert api("teacher_a").get(f"/api/v1/cases/{world.case.pk}").status_code == 200


def test_closed_case_has_no_current_step(world, api):
    case = to_decision(world)
    client = api("care_a")
    response = decide(client, case, {"q1": False}, rationale={"q1": "Geen vermoeden."})
    assert response.json()["case"]["current_step"] is None
    body = client.get(f"/api/v1/cases/{case.pk}").json()
    assert (body["state"], body["current_step"], body["outcome"]) == ("closed", None, "close")
    assert body["closed_at"] is not None


def test_anonymous_gets_401(world):
    assert Client().get(f"/api/v1/cases/{world.case.pk}").status_code == 401
    assert Client().post("/api/v1/cases", {}, content_type="application/json").status_code == 401


# --- POST /cases/{id}/decision --------------------------------------------------------------


def test_decision_returns_the_outcome_and_the_moved_case(world, api):
    case = to_decision(world)
    response = decide(api("care_a"), case, HELP, rationale=rationale_for(HELP))
    assert response.status_code == 200
    body = response.json()
    assert (body["outcome"], body["waiting"], body["path"]) == (
        "help",
        True,
        ["q1", "q2", "q3", "q4"],
    )
    assert body["outcome_label"] == "Hulp organiseren en effecten volgen"
    assert body["case"]["state"] == "monitoring"
    assert body["case"]["current_step"]["key"] == "help"
    assert body["case"]["current_step"]["decision"] == "afwegingskader"
    event = AuditEvent.objects.filter(event_type=EventType.CASE_DECISION_RECORDED).latest("id")
    assert event.channel == "api" and event.data["outcome"] == "help"


def test_decision_needs_membership_director_403_outsiders_404(world, api):
    case = to_decision(world)
    answers = {"q1": False}
    why = {"q1": "Geen vermoeden."}
    response = decide(api("director_a"), case, answers, rationale=why)
    assert response.status_code == 403
    assert response.json()["detail"] == "Alleen wie aan dit traject werkt, legt het besluit vast."
    for persona in ("teacher_a", "teacher_b", "adviser_a", "board", "other_board", "no_role"):
        assert decide(api(persona), case, answers, rationale=why).status_code == 404, persona
    assert not CaseRecord.objects.filter(case=case, kind="afwegingskader").exists()


def test_a_teacher_added_to_the_case_reads_it_but_does_not_decide(world, api):
    """Deciding (like completing a step and the acute route) is for a member who holds the
    step's responsible role, or the school's director; a teacher added to the case records
    but does not decide."""
    case = to_decision(world)
    actions.do_add_member(case, world["teacher_a"], kind="member", actor=Actor(world["care_a"]))
    teacher = api("teacher_a")
    assert teacher.get(f"/api/v1/cases/{case.pk}").status_code == 200
    response = decide(teacher, case, {"q1": False}, rationale={"q1": "Geen vermoeden."})
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Het besluit in deze stap neemt wie de rol ‘Intern begeleider / aandachtsfunctionaris’ "
        "heeft, of de directeur. U kunt in dit traject wel vastleggen."
    )
    # also with answers the tree would refuse: the role comes first
    assert decide(teacher, case, {}, rationale={}).status_code == 403
    case.refresh_from_db()
    assert case.current_step == "decide"
    assert not CaseRecord.objects.filter(case=case, kind="afwegingskader").exists()
    assert not AuditEvent.objects.filter(event_type=EventType.CASE_DECISION_RECORDED).exists()


def test_the_director_who_took_the_case_over_decides(world, api):
    case = to_decision(world)
    actions.do_add_member(case, world["director_a"], kind="owner", actor=Actor(world["care_a"]))
    response = decide(api("director_a"), case, {"q1": False}, rationale={"q1": "Geen vermoeden."})
    assert response.status_code == 200 and response.json()["outcome"] == "close"


def test_decision_outside_a_decision_step_is_409(world, api):
    client = api("care_a")
    response = decide(client, world.case, {"q1": False}, rationale={"q1": "Geen vermoeden."})
    assert response.status_code == 409
    assert "Stap 1" in response.json()["detail"]
    case = to_decision(world)
    assert decide(client, case, {"q1": False}, rationale={"q1": "Geen."}).status_code == 200
    response = decide(client, case, {"q1": False}, rationale={"q1": "Geen."})
    assert response.status_code == 409
    assert response.json()["detail"] == "Dit traject is afgesloten."


def test_a_case_that_moved_on_meanwhile_is_409(world, api, monkeypatch):
    case = to_decision(world)

    def stale(*args: object, **kwargs: object) -> None:
        raise ConflictError

    monkeypatch.setattr(actions, "do_record_decision", stale)
    response = decide(api("care_a"), case, {"q1": False}, rationale={"q1": "Geen vermoeden."})
    assert response.status_code == 409


def test_each_answered_question_needs_a_rationale(world, api):
    case = to_decision(world)
    client = api("care_a")
    answers = {"q1": True, "q2_acute": False, "q2_structural": False, "q3": False}
    response = decide(client, case, answers, rationale={"q1": "Ja.", "q3": "  "})
    assert response.status_code == 422
    assert response.json()["detail"] == {
        "rationale.q2": ["Onderbouw dit antwoord."],
        "rationale.q3": ["Onderbouw dit antwoord."],
    }
    case.refresh_from_db()
    assert case.current_step == "decide"
    assert not CaseRecord.objects.filter(case=case, kind="afwegingskader").exists()


def test_question_two_may_be_justified_per_part(world, api):
    case = to_decision(world)
    client = api("care_a")
    answers = {"q1": True, "q2_acute": True, "q2_structural": False}
    half = {"q1": "Ja.", "q2_acute": "Hij dreigde vanavond."}
    response = decide(client, case, answers, rationale=half)
    assert response.status_code == 422
    assert response.json()["detail"] == {
        "rationale.q2_structural": ["Onderbouw ook dit deel van de vraag."]
    }
    both = half | {"q2_structural": "Niet eerder gezien."}
    response = decide(client, case, answers, rationale=both)
    assert response.status_code == 200 and response.json()["outcome"] == "report"
    kept = CaseRecord.objects.get(case=case, kind="afwegingskader").data["rationale"]
    assert kept == {"q1": "Ja.", "q2": "Hij dreigde vanavond. Niet eerder gezien."}


def test_with_veilig_thuis_is_kept_for_questions_three_to_five(world, api):
    case = to_decision(world)
    client = api("care_a")
    flags = {"q3": True, "q4": False}
    response = decide(client, case, HELP, rationale=rationale_for(HELP), with_veilig_thuis=flags)
    assert response.status_code == 200
    body = client.get(f"/api/v1/cases/{case.pk}").json()
    assert body["decisions"][0]["with_veilig_thuis"] == flags


@pytest.mark.parametrize(
    ("flags", "field", "message"),
    [
        ({"q1": True}, "q1", "Deze vraag wordt niet samen met Veilig Thuis doorgelopen."),
        ({"q9": True}, "q9", "Deze vraag wordt niet samen met Veilig Thuis doorgelopen."),
        ({"q5": True}, "q5", "Bij deze vraag is geen antwoord gegeven."),
    ],
)
def test_with_veilig_thuis_only_for_answered_partner_questions(world, api, flags, field, message):
    case = to_decision(world)
    response = decide(
        api("care_a"), case, HELP, rationale=rationale_for(HELP), with_veilig_thuis=flags
    )
    assert response.status_code == 422
    assert response.json()["detail"] == {f"with_veilig_thuis.{field}": [message]}


def test_with_veilig_thuis_for_a_question_the_tree_never_reached_is_refused(world, api):
    case = to_decision(world)
    response = decide(
        api("care_a"),
        case,
        {"q1": False},
        rationale={"q1": "Geen vermoeden."},
        with_veilig_thuis={"q3": True},
    )
    assert response.status_code == 422
    assert set(response.json()["detail"]) == {"with_veilig_thuis.q3"}


@pytest.mark.parametrize(
    ("rationale", "field", "message"),
    [
        (
            {"q1": "Geen.", "q3": "Kan wel."},
            "rationale.q3",
            "Bij deze vraag is geen antwoord gegeven.",
        ),
        (
            {"q1": "Geen.", "q7": "?"},
            "rationale.q7",
            "Deze vraag bestaat niet in het afwegingskader.",
        ),
    ],
)
def test_rationale_that_would_be_dropped_is_refused(world, api, rationale, field, message):
    case = to_decision(world)
    response = decide(api("care_a"), case, {"q1": False}, rationale=rationale)
    assert response.status_code == 422
    assert response.json()["detail"] == {field: [message]}


def test_answers_must_be_true_or_false(world, api):
    case = to_decision(world)
    for value in ("ja", 1, "true"):
        response = decide(api("care_a"), case, {"q1": value}, rationale={"q1": "Ja."})
        assert response.status_code == 422, value
    response = decide(api("care_a"), case, {"q2": True, "q1": True}, rationale={"q1": "Ja."})
    assert response.status_code == 422  # "q2" is answered in its two parts
    case.refresh_from_db()
    assert case.current_step == "decide"


def test_help_step_without_a_help_plan_cannot_decide_question_five(world, api):
    case = to_decision(world)
    client = api("care_a")
    decide(client, case, HELP, rationale=rationale_for(HELP))
    full = HELP | {"q5": True}
    response = decide(client, case, full, rationale=rationale_for(full))
    assert response.status_code == 422
    assert response.json()["detail"] == [
        "Leg vast welke hulp er is georganiseerd.",
        "Evalueer de hulp eerst: leg een evaluatie vast voordat u vraag 5 beantwoordt.",
    ]
    # without question 5 the case would stay where it is
    response = decide(client, case, HELP, rationale=rationale_for(HELP))
    assert response.status_code == 422
    assert "blijft het traject in deze stap" in response.json()["detail"][0]


def test_openapi_lists_the_case_routes():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/cases", "/api/v1/cases/{case_id}", "/api/v1/cases/{case_id}/decision"} <= set(
        paths
    )


def test_review_dates_of_a_help_plan_are_unaffected_by_the_api(world, api):
    """The API decides; records (like the help plan and its review task) stay actions."""
    case = to_decision(world)
    client = api("care_a")
    decide(client, case, HELP, rationale=rationale_for(HELP))
    plan = {
        "help": "Gezinscoach",
        "provided_by": "Wijkteam",
        "accepted": True,
        "agreed_with_vt": True,
        "review_on": timezone.localdate() + dt.timedelta(days=42),
    }
    actions.do_add_record(case, "help_plan", plan, actor=Actor(world["care_a"]))
    actions.do_add_record(case, "review", evaluation(), actor=Actor(world["care_a"]))
    response = decide(client, case, {"q5": True}, rationale={"q5": WHY["q5"]})
    assert response.status_code == 200
    assert response.json()["case"]["current_step"]["key"] == "monitoring"
    review = case.tasks.get(kind="review")
    assert review.due_on == plan["review_on"] and review.done_at is None


def test_detail_queries_do_not_grow_with_the_history(world, api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.test_case_engine import consultation

    case = to_decision(world)
    client = api("care_a")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/cases/{case.pk}").status_code == 200
        return len(queries)

    count()  # the first request also notes when the token was used
    before = count()
    for _ in range(10):
        actions.do_add_record(case, "consultation", consultation(), actor=Actor(world["care_a"]))
    assert count() == before
