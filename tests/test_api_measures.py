"""The measures API: proposing, deciding and reading a measure with its deadlines.

The legal rules themselves are tested in tests/test_measures.py; this file covers access,
audit, the statuses and the shape of the answers. The clock stands still on Monday
2 March 2026 (the world is built on that day, so its groups are of that school year)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.world import PERSONAS, World
from vangnet.accounts.actions import do_create_api_token
from vangnet.cases import actions as case_actions
from vangnet.cases.models import Case, CaseMember
from vangnet.core.audit import Actor, verify
from vangnet.core.models import AuditEvent, EventType
from vangnet.measures import actions, letters
from vangnet.measures.actions import Proposal
from vangnet.measures.models import Measure, MeasureDocument
from vangnet.organisations.models import Sector

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = dt.date(2026, 3, 2)  # a Monday
D = dt.date
URL = "/api/v1/measures"
REASONS = "Heeft een medeleerling in de pauze ernstig bedreigd."


@pytest.fixture(autouse=True)
def frozen() -> Iterator[time_machine.Coordinates]:
    """Autouse, so it runs before the world is built."""
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=AMS), tick=False) as t:
        yield t


@pytest.fixture
def api(world: World):
    def make(persona: str) -> Client:
        if persona == "anonymous":
            return Client()
        token = do_create_api_token(world[persona], actor=Actor.system("test"))
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return make


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def suspension(world: World, **extra: Any) -> dict[str, Any]:
    """The body of a suspension; a value None in ``extra`` leaves that field out."""
    body = {
        "pupil": world.pupil_a5.pk,
        "kind": "suspension",
        "start": "2026-03-04",
        "end": "2026-03-06",
        "reasons": REASONS,
        "learning_arrangements": "De leerkracht geeft dagelijks werk mee.",
        **extra,
    }
    return {k: v for k, v in body.items() if v is not None}


def proposed(world: World, persona: str = "care_a", **kwargs: Any) -> Measure:
    values: dict[str, Any] = {
        "kind": "suspension",
        "reasons": REASONS,
        "start": D(2026, 3, 4),
        "end": D(2026, 3, 6),
        "learning_arrangements": "Werk via de leerkracht.",
    }
    values.update(kwargs)
    return actions.do_propose(world.pupil_a5, Proposal(**values), actor=Actor(world[persona]))


def time_out_with_teacher(world: World) -> Measure:
    """A time-out on a ladder case the teacher opened; the care coordinator joined it."""
    case = case_actions.do_open_case(world.pupil_a5, "behaviour", actor=Actor(world["teacher_a"]))
    case_actions.do_add_member(
        case, world["care_a"], kind=CaseMember.Kind.MEMBER, actor=Actor(world["director_a"])
    )
    return proposed(world, kind="time_out", start=TODAY, end=TODAY, taught_where="Groep 7")


def heard(world: World, measure: Measure) -> None:
    actions.do_record(
        measure,
        {
            "educational_report": "Verslag van de ontwikkeling en de geboden ondersteuning.",
            "teacher_heard_on": TODAY,
            "parents_heard_on": TODAY,
        },
        actor=Actor(world["director_a"]),
    )


# --- POST /measures -------------------------------------------------------------------------


def test_care_coordinator_proposes_a_suspension_on_a_new_ladder_case(world, api):
    response = post(api("care_a"), URL, suspension(world, tests_arrangements="Toets op 9 maart."))
    assert response.status_code == 201
    body = response.json()
    measure = Measure.objects.get(pk=body["id"])
    case = Case.objects.get(pk=body["case_id"])
    assert (case.protocol, case.current_step, case.pupil_id) == (
        "behaviour",
        "suspension",
        world.pupil_a5.pk,
    )
    assert (body["pupil_id"], body["school_id"]) == (world.pupil_a5.pk, world.school_a.pk)
    assert (body["kind"], body["status"], body["start"], body["end"]) == (
        "suspension",
        "proposed",
        "2026-03-04",
        "2026-03-06",
    )
    assert body["school_days"] == 3 and measure.school_days == 3
    assert body["kind_label"] == "Schorsing"
    assert body["status_label"] == "Voorgesteld, wacht op toestemming"
    assert body["reasons"] == REASONS and body["tests_arrangements"] == "Toets op 9 maart."
    assert body["proposed_by"] == world["care_a"].full_name
    assert (body["approved_by"], body["approved_at"], body["version"]) == (None, None, 1)
    assert body["deadlines"] == {
        "inspectie_report_due": None,
        "appeal_decision_due": None,
        "search_ends_on": None,
        "objection_deadline": None,
        "objection_decision_due": None,
        "open_tasks": [],
    }
    assert body["documents"] == [] and body["attempts"] == []
    assert body["facts"]["parents_written_on"] is None
    event = AuditEvent.objects.filter(event_type=EventType.MEASURE_PROPOSED).get()
    assert (event.actor_id, event.channel, event.pupil_id, event.object_id) == (
        world["care_a"].pk,
        "api",
        world.pupil_a5.pk,
        str(measure.pk),
    )
    assert all(r.ok for r in verify())


def test_director_proposes_a_time_out_with_restrictions(world, api):
    body = {
        "pupil": world.pupil_a5.pk,
        "kind": "time_out",
        "start": "2026-03-02",
        "end": "2026-03-03",
        "reasons": REASONS,
        "taught_where": "In groep 7 bij meester Jan",
        "restrictions": ["gym", "group_activities"],
    }
    response = post(api("director_a"), URL, body)
    assert response.status_code == 201
    out = response.json()
    assert (out["kind"], out["school_days"], out["taught_where"]) == (
        "time_out",
        2,
        "In groep 7 bij meester Jan",
    )
    assert out["restrictions"] == ["group_activities", "gym"]
    assert set(out["facts"]) == {"parents_written_on", "parents_phoned_on"}


def test_expulsion_needs_a_ground_and_no_dates(world, api):
    body = {"pupil": world.pupil_a5.pk, "kind": "expulsion", "reasons": REASONS}
    response = post(api("director_a"), URL, body)
    assert response.status_code == 422
    assert response.json()["detail"] == {"ground": ["Kies de grond voor verwijdering."]}
    response = post(api("director_a"), URL, {**body, "ground": "misconduct"})
    assert response.status_code == 201
    assert (response.json()["ground"], response.json()["start"]) == ("misconduct", None)


# (changes to the suspension body, field, words of the rule in its message)
REFUSALS = [
    # "suspension: at most one week" — 5 school days
    ({"end": "2026-03-11"}, "end", "Deze schorsing telt 6 schooldagen"),
    # the board approves before the start: the start lies after today
    ({"start": "2026-03-02", "end": "2026-03-02"}, "start", "Kies een begindatum na vandaag"),
    ({"start": "2026-03-07", "end": "2026-03-09"}, "start", "is geen schooldag (weekend)"),
    ({"start": "2026-03-06", "end": "2026-03-04"}, "end", "De einddatum ligt voor de begindatum"),
    ({"start": "4 maart"}, "start", "Geen geldige datum; gebruik bijv. 2026-03-04."),
    ({"end": None}, "end", "Vul de laatste dag in."),
    ({"reasons": "Boos."}, "reasons", "Beschrijf de redenen (ten minste 10 tekens)."),
    ({"learning_arrangements": ""}, "learning_arrangements", "schorsing schoolwerk doet"),
    ({"restrictions": ["detention"]}, "restrictions", "Kies beperkingen uit de lijst."),
    ({"kind": "schorsing"}, "kind", "Mogelijk: time_out, suspension, expulsion"),
    ({"kind": None}, "kind", "Onbekende maatregel."),
    ({"reasons": None}, "reasons", "Beschrijf de redenen (ten minste 10 tekens)."),
]


@pytest.mark.parametrize(("change", "field", "words"), REFUSALS)
def test_refused_proposals_quote_the_rule_and_leave_nothing(world, api, change, field, words):
    response = post(api("care_a"), URL, suspension(world, **change))
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert any(words in message for message in detail[field]), detail
    assert not Measure.objects.exists()
    assert not Case.objects.filter(protocol="behaviour").exists()  # no half-opened case
    assert not AuditEvent.objects.filter(event_type=EventType.MEASURE_PROPOSED).exists()


def test_a_time_out_beyond_the_week_is_refused(world, api):
    body = {
        "pupil": world.pupil_a5.pk,
        "kind": "time_out",
        "start": "2026-03-04",
        "end": "2026-03-09",
        "reasons": REASONS,
        "taught_where": "Bij de intern begeleider",
    }
    response = post(api("director_a"), URL, body)
    assert response.status_code == 422
    [message] = response.json()["detail"]["end"]
    assert message == (
        "Een time-out loopt hoogstens tot het einde van de week waarin hij begint "
        "(hier vrijdag 6 maart 2026)."
    )


def test_unknown_fields_and_wrong_shapes_are_422(world, api):
    assert post(api("care_a"), URL, suspension(world, leerling=1)).status_code == 422
    assert post(api("care_a"), URL, suspension(world, restrictions="gym")).status_code == 422
    assert not Measure.objects.exists()


def test_higher_education_offers_the_executive_boards_measures(world, api):
    world.school_a.sector = Sector.HBO
    world.school_a.save()
    body = {
        "pupil": world.pupil_a5.pk,
        "kind": "access_denial",
        "start": "2026-03-03",
        "end": "2026-09-02",
        "reasons": "Heeft herhaaldelijk medewerkers bedreigd op de campus.",
    }
    # the Executive Board's measures come from the last step of a concerning-behaviour case
    response = post(api("care_a"), URL, body)
    assert response.status_code == 403
    assert "laatste stap van het traject zorgwekkend gedrag" in response.json()["detail"]
    case = case_actions.do_open_case(world.pupil_a5, "he_concern", actor=Actor(world["care_a"]))
    Case.objects.filter(pk=case.pk).update(current_step="board")
    response = post(api("care_a"), URL, suspension(world))
    assert response.status_code == 422
    assert "In het hoger onderwijs kent de wet geen" in response.json()["detail"]["kind"][0]
    response = post(api("care_a"), URL, body)
    assert response.status_code == 201, response.json()
    assert (response.json()["kind_label"], response.json()["case_id"]) == (
        "Ontzegging van de toegang",
        case.pk,
    )
    body = {**body, "kind": "enrolment_end", "start": None, "end": None}
    assert post(api("care_a"), URL, body).status_code == 201


def test_who_may_not_propose_gets_403_outsiders_404(world, api):
    # the teacher sees the pupil but proposes no measure; nothing is opened for them
    response = post(api("teacher_a"), URL, suspension(world))
    assert response.status_code == 403
    assert "geen maatregel voorstellen" in response.json()["detail"]
    for persona in ("teacher_b", "adviser_a", "board", "privacy", "admin", "other_board"):
        assert post(api(persona), URL, suspension(world)).status_code == 404, persona
    # a bad body does not tell an outsider more than a good one
    assert post(api("teacher_b"), URL, suspension(world, kind="x")).status_code == 404
    assert post(api("care_a"), URL, suspension(world, pupil=world.pupil_c.pk)).status_code == 404
    assert post(api("care_a"), URL, suspension(world, pupil=999999)).status_code == 404
    assert post(api("anonymous"), URL, suspension(world)).status_code == 401
    assert not Measure.objects.exists()
    assert not Case.objects.filter(protocol="behaviour").exists()


def test_a_colleague_on_the_ladder_case_who_is_not_a_member_cannot_propose(world, api):
    """The director sees every case of the school but works on one only as a member."""
    proposed(world)
    response = post(api("director_a"), URL, suspension(world))
    assert response.status_code == 403
    assert Measure.objects.count() == 1


# --- POST /measures/{id}/approve -------------------------------------------------------------


def approve_url(measure: Measure) -> str:
    return f"{URL}/{measure.pk}/approve"


def test_the_board_approves_a_suspension_and_its_deadlines_appear(world, api):
    measure = proposed(world)
    response = post(api("board"), approve_url(measure), {"approve": True, "note": "Akkoord."})
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["approved_by"], body["decision_note"]) == (
        "approved",
        world["board"].full_name,
        "Akkoord.",
    )
    assert body["approved_at"] is not None and body["version"] == 2
    # "a suspension longer than one day is reported to the Inspectie"
    assert body["deadlines"]["inspectie_report_due"] == "2026-03-04"
    assert body["deadlines"]["open_tasks"] == [
        {"name": "inspectie", "title": "Schorsing melden bij de Inspectie", "due_on": "2026-03-04"},
        {
            "name": "meeting",
            "title": "Gesprek met de ouders over de schorsing",
            "due_on": "2026-03-06",
        },
    ]
    event = AuditEvent.objects.filter(event_type=EventType.MEASURE_DECIDED).get()
    assert (event.actor_id, event.channel, event.pupil_id) == (
        world["board"].pk,
        "api",
        world.pupil_a5.pk,
    )
    assert event.data == {"kind": "suspension", "approved": True, "status": "approved"}


def test_the_director_approves_a_time_out(world, api):
    measure = time_out_with_teacher(world)
    response = post(api("director_a"), approve_url(measure), {"approve": True})
    assert response.status_code == 200
    assert response.json()["status"] == "approved"


@pytest.mark.parametrize("persona", ["care_a", "director_a"])
def test_only_the_board_decides_on_a_suspension(world, api, persona):
    measure = proposed(world)
    response = post(api(persona), approve_url(measure), {"approve": True})
    assert response.status_code == 403
    assert response.json()["detail"] == "Over deze maatregel beslist het bestuur (bevoegd gezag)."
    measure.refresh_from_db()
    assert measure.status == Measure.Status.PROPOSED
    assert not AuditEvent.objects.filter(event_type=EventType.MEASURE_DECIDED).exists()


def test_only_the_director_approves_a_time_out(world, api):
    measure = time_out_with_teacher(world)
    # the teacher and the care coordinator work on the case, but do not approve
    for persona in ("teacher_a", "care_a"):
        response = post(api(persona), approve_url(measure), {"approve": True})
        assert response.status_code == 403, persona
        assert "alleen in met toestemming van de directeur" in response.json()["detail"]
    # a time-out stays with the school: the board does not even see it
    assert post(api("board"), approve_url(measure), {"approve": True}).status_code == 404
    for persona in ("teacher_b", "adviser_a", "other_board", "no_role"):
        assert post(api(persona), approve_url(measure), {"approve": True}).status_code == 404
    measure.refresh_from_db()
    assert measure.status == Measure.Status.PROPOSED


def test_a_decision_already_taken_is_409(world, api):
    measure = proposed(world)
    client = api("board")
    assert post(client, approve_url(measure), {"approve": True}).status_code == 200
    response = post(client, approve_url(measure), {"approve": False, "note": "Toch niet."})
    assert response.status_code == 409
    assert response.json()["detail"] == "Over dit voorstel is al besloten."
    measure.refresh_from_db()
    assert measure.status == Measure.Status.APPROVED
    assert AuditEvent.objects.filter(event_type=EventType.MEASURE_DECIDED).count() == 1


def test_a_stale_version_is_409(world, api):
    measure = proposed(world)
    actions.do_record(measure, {"tests_arrangements": "Toets later."}, actor=Actor(world["care_a"]))
    body = {"approve": True, "version": 1}
    response = post(api("board"), approve_url(measure), body)
    assert response.status_code == 409
    assert "intussen gewijzigd" in response.json()["detail"]
    assert post(api("board"), approve_url(measure), {**body, "version": 2}).status_code == 200


def test_refusing_needs_a_reason(world, api):
    measure = proposed(world)
    client = api("board")
    response = post(client, approve_url(measure), {"approve": False})
    assert response.status_code == 422
    assert response.json()["detail"] == {"note": ["Schrijf kort waarom u niet goedkeurt."]}
    body = {"approve": False, "note": "Eerst een gesprek met de ouders."}
    response = post(client, approve_url(measure), body)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["decision_note"]) == (
        "refused",
        "Eerst een gesprek met de ouders.",
    )


def test_approve_must_be_a_boolean(world, api):
    measure = proposed(world)
    for body in ({"note": ""}, {"approve": "ja"}, {"approve": 1}, {"approve": True, "x": 1}):
        assert post(api("board"), approve_url(measure), body).status_code == 422, body
    measure.refresh_from_db()
    assert measure.status == Measure.Status.PROPOSED


def test_the_board_cannot_approve_on_the_first_day_of_the_suspension(world, api, frozen):
    measure = proposed(world)
    frozen.move_to(dt.datetime(2026, 3, 4, 8, 0, tzinfo=AMS))
    response = post(api("board"), approve_url(measure), {"approve": True})
    assert response.status_code == 422
    [message] = response.json()["detail"]["approval"]
    assert "moet een schorsing goedkeuren vóór de dag waarop die ingaat" in message
    assert "tot en met dinsdag 3 maart 2026" in message


def test_an_expulsion_is_decided_after_the_report_and_hearings(world, api):
    measure = proposed(world, "director_a", kind="expulsion", ground="misconduct", start=None)
    client = api("board")
    response = post(client, approve_url(measure), {"approve": True})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "onderwijskundig rapport" in detail["educational_report"][0]
    assert "Nog niet vastgelegd: de leerkracht, de ouders." in detail["hearings"][0]
    heard(world, measure)
    response = post(client, approve_url(measure), {"approve": True})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "decided"
    # "for 8 weeks the board seeks another school"; "objection within 6 weeks"
    assert body["deadlines"]["search_ends_on"] == "2026-04-27"
    assert body["deadlines"]["objection_deadline"] == "2026-04-13"
    assert [(t["name"], t["due_on"]) for t in body["deadlines"]["open_tasks"]] == [
        ("objection", "2026-04-13"),
        ("search", "2026-04-27"),
    ]
    assert body["facts"]["teacher_heard_on"] == "2026-03-02"


# --- GET /measures/{id} ----------------------------------------------------------------------


def test_detail_is_audited_with_the_api_channel(world, api):
    measure = proposed(world)
    response = api("board").get(f"{URL}/{measure.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == measure.pk
    event = AuditEvent.objects.filter(event_type=EventType.MEASURE_VIEWED).get()
    assert (event.actor_id, event.channel, event.pupil_id, event.object_id) == (
        world["board"].pk,
        "api",
        world.pupil_a5.pk,
        str(measure.pk),
    )
    assert event.object_type == "measure"
    assert event.data == {"kind": "suspension", "status": "proposed"}
    assert all(r.ok for r in verify())


def test_detail_is_404_without_an_event_for_who_may_not_see_it(world, api):
    measure = proposed(world)
    for persona in ("teacher_a", "adviser_a", "teacher_b", "privacy", "admin", "other_board"):
        assert api(persona).get(f"{URL}/{measure.pk}").status_code == 404, persona
    assert api("care_a").get(f"{URL}/999999").status_code == 404
    assert api("anonymous").get(f"{URL}/{measure.pk}").status_code == 401
    assert not AuditEvent.objects.filter(event_type=EventType.MEASURE_VIEWED).exists()


def test_a_time_out_is_seen_by_the_case_and_the_director_not_the_board(world, api):
    measure = time_out_with_teacher(world)
    for persona in ("teacher_a", "care_a", "director_a"):
        assert api(persona).get(f"{URL}/{measure.pk}").status_code == 200, persona
    assert api("board").get(f"{URL}/{measure.pk}").status_code == 404


def test_detail_lists_the_search_for_another_school_and_the_letters(world, api):
    measure = proposed(world, "director_a", kind="expulsion", ground="relation", start=None)
    heard(world, measure)
    actions.do_decide(measure, approve=True, actor=Actor(world["board"]))
    for school, outcome in (("De Vlinder", "refused"), ("Het Anker", "pending")):
        actions.do_add_search_attempt(
            measure,
            contacted_on=TODAY,
            school_name=school,
            outcome=outcome,
            actor=Actor(world["director_a"]),
        )
    document = MeasureDocument.objects.create(
        measure=measure,
        kind="intent_letter",
        docx="letters/2026/03/a.docx",
        pdf="letters/2026/03/a.pdf",
        created_by=world["director_a"],
    )
    body = api("director_a").get(f"{URL}/{measure.pk}").json()
    assert [(a["school_name"], a["outcome"]) for a in body["attempts"]] == [
        ("De Vlinder", "refused"),
        ("Het Anker", "pending"),
    ]
    [letter] = body["documents"]
    assert (letter["id"], letter["kind"], letter["number"]) == (document.pk, "intent_letter", 1)
    assert letter["label"] == letters.label_of("intent_letter") and letter["label"]
    base = f"/maatregelen/{measure.pk}/brieven/{document.pk}"
    assert (letter["pdf_url"], letter["docx_url"]) == (f"{base}.pdf", f"{base}.docx")
    assert letter["pdf_url"] == reverse("measure_letter", args=[measure.pk, document.pk, "pdf"])


def test_detail_shows_the_appeal_deadline(world, api):
    measure = proposed(world)
    actions.do_decide(measure, approve=True, actor=Actor(world["board"]))
    actions.do_record(
        measure,
        {"appeal_lodged_on": TODAY, "inspectie_reported_on": TODAY},
        actor=Actor(world["director_a"]),
    )
    body = api("care_a").get(f"{URL}/{measure.pk}").json()
    # "appeal to the board, which decides within 14 days"
    assert body["deadlines"]["appeal_decision_due"] == "2026-03-16"
    assert body["facts"]["inspectie_reported_on"] == "2026-03-02"
    names = [t["name"] for t in body["deadlines"]["open_tasks"]]
    assert names == ["meeting", "appeal"]  # the Inspectie was told


# --- every persona, as the access matrix will list them ---------------------------------------

EXPECT = {
    # POST /measures with an expulsion of pupil_a5 (no dates: the same on every day)
    "create": {"care_a": 201, "director_a": 201, "teacher_a": 403, "anonymous": 401},
    # GET /measures/{id} of a suspension of pupil_a5 on care_a's ladder case
    "detail": {"care_a": 200, "director_a": 200, "board": 200, "anonymous": 401},
    # POST /measures/{id}/approve of that suspension
    "approve": {
        "care_a": 403,
        "director_a": 403,
        "board": 200,
        "anonymous": 401,
    },
}


@pytest.mark.parametrize("persona", ["anonymous", *PERSONAS])
@pytest.mark.parametrize("route", sorted(EXPECT))
def test_every_persona(world, api, route, persona):
    client = api(persona)
    if route == "create":
        body = {
            "pupil": world.pupil_a5.pk,
            "kind": "expulsion",
            "ground": "misconduct",
            "reasons": REASONS,
        }
        response = post(client, URL, body)
    else:
        measure = proposed(world)
        if route == "detail":
            response = client.get(f"{URL}/{measure.pk}")
        else:
            response = post(client, approve_url(measure), {"approve": True, "note": ""})
    assert response.status_code == EXPECT[route].get(persona, 404)


def test_the_openapi_schema_describes_the_measures(world, api):
    schema = api("care_a").get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert set(paths["/api/v1/measures"]) == {"post"}
    assert set(paths["/api/v1/measures/{measure_id}"]) == {"get"}
    assert set(paths["/api/v1/measures/{measure_id}/approve"]) == {"post"}
    measure_in = schema["components"]["schemas"]["MeasureIn"]["properties"]
    assert measure_in["start"]["format"] == "date"
    assert {"pupil", "kind", "reasons", "ground", "taught_where"} <= set(measure_in)
