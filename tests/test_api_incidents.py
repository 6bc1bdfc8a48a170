"""The incidents API: registering, listing and counting, per persona, with audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.test_incident_insights import AMS, make_incident
from tests.world import World
from vangnet.accounts.actions import do_create_api_token
from vangnet.core.audit import Actor
from vangnet.core.models import AuditEvent, EventType
from vangnet.incidents.lists import ensure_lists
from vangnet.incidents.models import Incident, IncidentCategory, IncidentLocation

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    ensure_lists(world.board)
    ensure_lists(world.other_board)

    def make(persona: str) -> Client:
        token = do_create_api_token(world[persona], actor=Actor.system("test"))
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return make


def post(client: Client, body: dict[str, Any]) -> Any:
    return client.post("/api/v1/incidents", body, content_type="application/json")


def category(world: World, code: str = "bullying", board: Any = None) -> IncidentCategory:
    return IncidentCategory.objects.get(board=board or world.board, code=code)


def place(world: World, label: str = "Schoolplein", board: Any = None) -> IncidentLocation:
    return IncidentLocation.objects.get(board=board or world.board, label=label)


def body(world: World, **extra: Any) -> dict[str, Any]:
    occurred = timezone.localtime() - dt.timedelta(hours=3)
    return {
        "school": world.school_a.pk,
        "occurred_at": occurred.isoformat(),
        "ended_at": (occurred + dt.timedelta(minutes=10)).isoformat(),
        "location": place(world).pk,
        "category": category(world).pk,
        "severity": "serious",
        "description": "Bij het hek werd Anna uitgescholden en geduwd.",
        "unrest": True,
        "unrest_among": "groep 5",
        "measures": "Gesprek met beide leerlingen.",
        "people": [
            {"role": "affected", "pupil": world.pupil_a5.pk},
            {"role": "initiator", "pupil": world.pupil_a6.pk, "note": "Begon het duwen."},
            {"role": "parent", "initials": "E.V."},
        ],
        **extra,
    }


def events(event_type: EventType) -> Any:
    return AuditEvent.objects.filter(event_type=event_type)


# --- POST /incidents ------------------------------------------------------------------------


def test_director_registers_an_incident_with_three_people(world, api):
    response = post(api("director_a"), body(world))
    assert response.status_code == 201, response.content
    data = response.json()
    incident = Incident.objects.get(pk=data["id"])
    assert incident.school_id == world.school_a.pk and incident.reporter == world["director_a"]
    assert data["national_code"] == "bullying" and data["category"]["code"] == "bullying"
    assert data["location"] == {"id": place(world).pk, "label": "Schoolplein"}
    assert [(p["role"], p["pupil_id"], p["initials"]) for p in data["people"]] == [
        ("affected", world.pupil_a5.pk, ""),
        ("initiator", world.pupil_a6.pk, ""),
        ("parent", None, "E.V."),
    ]
    assert data["reporter"] == world["director_a"].full_name and data["version"] == 1
    created = events(EventType.INCIDENT_CREATED)
    assert {e.channel for e in created} == {"api"}
    assert {e.pupil_id for e in created} == {world.pupil_a5.pk, world.pupil_a6.pk}


def test_teacher_registers_for_their_school_only(world, api):
    client = api("teacher_a")
    people = [{"role": "affected", "pupil": world.pupil_a5.pk}]
    assert post(client, body(world, people=people)).status_code == 201
    other = body(
        world,
        school=world.school_c.pk,
        category=category(world, board=world.other_board).pk,
        location=place(world, board=world.other_board).pk,
        people=[{"role": "outsider", "initials": "K."}],
    )
    assert post(client, other).status_code == 404
    assert post(client, body(world, school=world.school_b.pk)).status_code == 404


@pytest.mark.parametrize("persona", ["board", "privacy", "admin", "other_board", "no_role"])
def test_outsiders_cannot_register_at_school_a(world, api, persona):
    before = Incident.objects.count()
    assert post(api(persona), body(world)).status_code == 404
    assert Incident.objects.count() == before


def test_unknown_school_is_404(world, api):
    assert post(api("director_a"), body(world, school=999_999)).status_code == 404


def refused(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.content
    return response.json()["detail"]


def test_bad_input_is_refused_in_dutch(world, api):
    client = api("director_a")
    future = (timezone.localtime() + dt.timedelta(days=2)).isoformat()
    assert "toekomst" in refused(post(client, body(world, occurred_at=future)))["occurred_at"][0]
    naive = dt.datetime(2024, 3, 4, 10, 0).isoformat()
    assert "tijdzone" in refused(post(client, body(world, occurred_at=naive)))["occurred_at"][0]
    assert "geldige" in refused(post(client, body(world, occurred_at="gisteren")))["occurred_at"][0]
    start = timezone.localtime() - dt.timedelta(hours=2)
    early = {
        "occurred_at": start.isoformat(),
        "ended_at": (start - dt.timedelta(hours=1)).isoformat(),
    }
    assert "vóór het begin" in refused(post(client, body(world, **early)))["ended_at"][0]
    switched_off = category(world, "theft")
    switched_off.active = False
    switched_off.save()
    detail = refused(post(client, body(world, category=switched_off.pk)))
    assert "uitgezet" in detail["category"][0]
    foreign = category(world, board=world.other_board)
    assert "category" in refused(post(client, body(world, category=foreign.pk)))
    unknown_pupil = [{"role": "affected", "pupil": world.pupil_c.pk}]
    detail = refused(post(client, body(world, people=unknown_pupil)))
    assert detail["people"][0].startswith("Betrokkene 1:")
    assert "severity" in refused(post(client, body(world, severity="heel erg")))
    assert "people" in refused(post(client, body(world, people=[])))
    assert not Incident.objects.exists()
    assert not events(EventType.INCIDENT_CREATED).exists()


def test_a_body_of_the_wrong_shape_is_422(world, api):
    client = api("director_a")
    assert post(client, body(world, location="Schoolplein")).status_code == 422
    assert post(client, body(world, perpetrator=1)).status_code == 422  # unknown field
    assert not Incident.objects.exists()


# --- GET /incidents -------------------------------------------------------------------------


def at(day: int, month: int = 3, year: int = 2024) -> dt.datetime:
    return dt.datetime(year, month, day, 10, tzinfo=AMS)


@pytest.fixture
def incidents(world, api) -> dict[str, Incident]:
    return {
        "mine": make_incident(world, world.school_a, at(4), reporter="teacher_a"),
        "group": make_incident(
            world,
            world.school_a,
            at(5),
            code="sexual",
            people=[("affected", world.pupil_a5), ("initiator", world.pupil_a6)],
        ),
        "a6": make_incident(
            world, world.school_a, at(6, month=4), people=[("affected", world.pupil_a6)]
        ),
        "b": make_incident(world, world.school_b, at(7), code="theft", reporter="teacher_b"),
        "c": make_incident(world, world.school_c, at(8), reporter="other_board"),
    }


def listed(client: Client, **params: Any) -> list[int]:
    response = client.get("/api/v1/incidents", params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()]


def test_list_shows_the_visible_incidents_newest_first(world, api, incidents):
    i = {k: v.pk for k, v in incidents.items()}
    assert listed(api("teacher_a")) == [i["group"], i["mine"]]
    assert listed(api("director_a")) == [i["a6"], i["group"], i["mine"]]
    assert listed(api("care_a")) == [i["a6"], i["group"], i["mine"]]
    assert listed(api("teacher_b")) == [i["b"]]
    assert listed(api("other_board")) == [i["c"]]
    for persona in ("board", "privacy", "admin", "adviser_a", "no_role"):
        assert listed(api(persona)) == [], persona


def test_list_filters(world, api, incidents):
    client = api("director_a")
    i = {k: v.pk for k, v in incidents.items()}
    assert listed(client, category="sexual") == [i["group"]]
    assert listed(client, category_id=category(world, "sexual").pk) == [i["group"]]
    assert listed(client, school=world.school_b.pk) == []
    assert listed(client, **{"from": "2024-03-05", "to": "2024-03-31"}) == [i["group"]]
    assert listed(client, limit=1, offset=1) == [i["group"]]
    detail = refused(client.get("/api/v1/incidents", {"category": "pesten"}))
    assert "Onbekende landelijke categorie" in detail["category"][0]
    assert "to" in refused(
        client.get("/api/v1/incidents", {"from": "2024-04-01", "to": "2024-03-01"})
    )


def test_list_is_audited(world, api, incidents):
    listed(api("teacher_a"), category="sexual")
    event = events(EventType.INCIDENTS_LISTED).get()
    assert event.channel == "api" and event.actor_id == world["teacher_a"].pk
    assert event.data["ids"] == [incidents["group"].pk] and event.data["category"] == "sexual"


def test_no_token_is_401(world):
    assert Client().get("/api/v1/incidents").status_code == 401
    assert Client().get("/api/v1/insights/incidents").status_code == 401


# --- GET /insights/incidents ----------------------------------------------------------------


def counted(client: Client, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/insights/incidents", params)
    assert response.status_code == 200, response.content
    return response.json()


def as_dict(data: dict[str, Any]) -> dict[str, int]:
    return {row["key"]: row["count"] for row in data["rows"]}


def test_board_counts_all_its_schools(world, api, incidents):
    client = api("board")
    data = counted(client, group_by="school")
    assert as_dict(data) == {str(world.school_a.pk): 3, str(world.school_b.pk): 1}
    assert data["total"] == 4 == Incident.objects.filter(school__board=world.board).count()
    assert as_dict(counted(client, group_by="category", school=world.school_a.pk)) == {
        "bullying": 2,
        "sexual": 1,
    }
    assert as_dict(counted(client, board=world.board.pk)) == {"2024-03": 3, "2024-04": 1}
    by_month = counted(client, **{"from": "2024-04-01", "to": "2024-04-30"})
    assert as_dict(by_month) == {"2024-04": 1}
    assert as_dict(counted(client, group_by="severity")) == {"minor": 4}
    assert as_dict(counted(client, group_by="weekday")) == {"1": 1, "2": 1, "4": 1, "6": 1}
    assert as_dict(counted(client, group_by="location")) == {"Schoolplein": 4}


def test_other_boards_and_schools_are_404(world, api, incidents):
    client = api("board")
    url = "/api/v1/insights/incidents"
    assert client.get(url, {"school": world.school_c.pk}).status_code == 404
    assert client.get(url, {"board": world.other_board.pk}).status_code == 404
    assert client.get(url, {"school": 999_999}).status_code == 404
    other = api("other_board")
    assert other.get(url, {"board": world.board.pk}).status_code == 404
    assert as_dict(counted(other, group_by="school")) == {str(world.school_c.pk): 1}
    for persona in ("privacy", "admin", "adviser_a", "no_role"):
        assert counted(api(persona))["rows"] == [], persona
        assert api(persona).get(url, {"school": world.school_a.pk}).status_code == 404


def test_teacher_counts_only_their_own(world, api, incidents):
    client = api("teacher_a")
    assert counted(client)["total"] == 2
    assert as_dict(counted(client, group_by="category")) == {"bullying": 1, "sexual": 1}
    assert counted(client, school=world.school_a.pk)["total"] == 2
    url = "/api/v1/insights/incidents"
    assert client.get(url, {"school": world.school_b.pk}).status_code == 404
    assert counted(api("director_a"), school=world.school_a.pk)["total"] == 3


def test_counts_do_not_double_count_people(world, api, incidents):
    data = counted(api("director_a"), group_by="category")
    assert as_dict(data) == {"bullying": 2, "sexual": 1}  # "group" has two pupils


def test_insights_bad_input_and_audit(world, api, incidents):
    client = api("board")
    url = "/api/v1/insights/incidents"
    detail = refused(client.get(url, {"group_by": "pupil"}))
    assert "Onbekende indeling" in detail["group_by"][0]
    assert "to" in refused(client.get(url, {"from": "2024-05-01", "to": "2024-04-01"}))
    assert not events(EventType.INCIDENT_INSIGHTS_VIEWED).exists()
    counted(client, group_by="category", school=world.school_a.pk)
    event = events(EventType.INCIDENT_INSIGHTS_VIEWED).get()
    assert event.channel == "api" and event.board_id == world.board.pk
    assert event.school_id == world.school_a.pk
    assert event.data["group_by"] == "category" and event.data["total"] == 3


def test_openapi_lists_the_incident_routes(world, api):
    from vangnet.api.v1 import api as ninja_api

    paths = ninja_api.get_openapi_schema()["paths"]
    assert {"/api/v1/incidents", "/api/v1/insights/incidents"} <= set(paths)


# --- the rows proposed for tests/test_access_matrix.py --------------------------------------

ALL_PERSONAS = (
    "teacher_a",
    "care_a",
    "director_a",
    "adviser_a",
    "teacher_b",
    "board",
    "privacy",
    "admin",
    "other_board",
    "no_role",
)
REGISTER = {"teacher_a": 201, "care_a": 201, "director_a": 201}
COUNT_SCHOOL_A = {"teacher_a": 200, "care_a": 200, "director_a": 200, "board": 200}


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_matrix_rows(world, api, persona):
    client = api(persona)
    people = [{"role": "affected", "pupil": world.pupil_a5.pk}]
    assert post(client, body(world, people=people)).status_code == REGISTER.get(persona, 404)
    assert client.get("/api/v1/incidents").status_code == 200
    assert client.get("/api/v1/insights/incidents").status_code == 200
    response = client.get(f"/api/v1/insights/incidents?school={world.school_a.pk}")
    assert response.status_code == COUNT_SCHOOL_A.get(persona, 404)
