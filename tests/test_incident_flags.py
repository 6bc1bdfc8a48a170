"""The flag system for incidents of sexual behaviour: the concerns module's form and rule,
a weighing without a concern, linked to the incident."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tests.world import World
from vangnet.concerns.models import FlagWeighing
from vangnet.core.audit import Actor
from vangnet.core.models import AuditEvent, EventType
from vangnet.incidents.flag_link import do_weigh_incident
from vangnet.incidents.lists import ensure_lists
from vangnet.incidents.models import Incident, IncidentCategory, IncidentLocation, IncidentPerson
from vangnet.lib import flags as rules

pytestmark = pytest.mark.django_db


def make_incident(world: World, code: str = "sexual", reporter: str = "teacher_a") -> Incident:
    ensure_lists(world.board)
    incident = Incident.objects.create(
        school=world.school_a,
        occurred_at=timezone.now(),
        location=IncidentLocation.objects.filter(board=world.board).first(),
        category=IncidentCategory.objects.get(board=world.board, code=code),
        national_code=code,
        severity=Incident.Severity.SERIOUS,
        description="In de kleedkamer.",
        reporter=world[reporter],
    )
    IncidentPerson.objects.create(incident=incident, role="affected", pupil=world.pupil_a5)
    return incident


def post_data(
    token: str = "tok", flag: str = "", reason: str = "", **answers: str
) -> dict[str, Any]:
    data: dict[str, Any] = {key: rules.YES for key in rules.CRITERIA_KEYS}
    data.update(answers)
    data.update(
        {"submission_token": token, "step": "save", "flag": flag, "override_reason": reason}
    )
    return data


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher_a", 200),  # the reporter
        ("director_a", 200),
        ("care_a", 403),  # sees the incident; changing it is the reporter's and director's
        ("teacher_b", 404),
        ("board", 404),
        ("admin", 404),
        ("other_board", 404),
        ("no_role", 404),
    ],
)
def test_access(world: World, client_for, persona: str, status: int) -> None:
    incident = make_incident(world)
    assert (
        client_for(persona).get(f"/incidenten/{incident.pk}/vlaggensysteem/").status_code == status
    )


def test_only_for_sexual_behaviour(world: World, client_for) -> None:
    incident = make_incident(world, code="bullying")
    assert (
        client_for("teacher_a").get(f"/incidenten/{incident.pk}/vlaggensysteem/").status_code == 404
    )


def test_page_reuses_the_flag_form(world: World, client_for) -> None:
    incident = make_incident(world)
    response = client_for("teacher_a").get(f"/incidenten/{incident.pk}/vlaggensysteem/")
    html = response.content.decode()
    for key in rules.CRITERIA_KEYS:
        assert f'name="{key}"' in html
    assert "De vier vlaggen" in html
    assert AuditEvent.objects.filter(
        event_type=EventType.INCIDENT_VIEWED, object_id=str(incident.pk)
    ).exists()


def test_suggest_then_save_links_the_weighing(world: World, client_for) -> None:
    incident = make_incident(world)
    client = client_for("teacher_a")
    url = f"/incidenten/{incident.pk}/vlaggensysteem/"
    suggest = client.post(url, {**post_data(consent=rules.NO), "step": "suggest"})
    assert suggest.status_code == 200
    assert "Voorgestelde vlag" in suggest.content.decode()
    assert not FlagWeighing.objects.exists()
    saved = client.post(url, post_data(flag=rules.RED, consent=rules.NO))
    assert saved.status_code == 302
    incident.refresh_from_db()
    weighing = incident.flag_weighing
    assert weighing is not None
    assert weighing.concern is None
    assert weighing.flag == weighing.suggested_flag == rules.RED
    assert weighing.weighed_by == world["teacher_a"]
    event = AuditEvent.objects.get(event_type=EventType.FLAG_WEIGHED)
    assert event.data["incident"] == incident.pk
    assert event.data["replaces"] is None
    assert event.object_id == str(weighing.pk)


def test_other_flag_needs_a_reason(world: World, client_for) -> None:
    incident = make_incident(world)
    url = f"/incidenten/{incident.pk}/vlaggensysteem/"
    response = client_for("teacher_a").post(url, post_data(flag="yellow"))
    assert response.status_code == 200
    assert "schrijf dan op waarom" in response.content.decode()
    assert not FlagWeighing.objects.exists()
    assert (
        client_for("teacher_a")
        .post(url, post_data(token="t2", flag="yellow", reason="Ik zag meer."))
        .status_code
        == 302
    )
    incident.refresh_from_db()
    assert incident.flag_weighing is not None
    assert (incident.flag_weighing.flag, incident.flag_weighing.suggested_flag) == (
        "yellow",
        "green",
    )


def test_new_weighing_replaces_the_link_and_keeps_the_old_row(world: World) -> None:
    incident = make_incident(world)
    actor = Actor(user=world["director_a"])
    first = do_weigh_incident(
        incident, {k: rules.YES for k in rules.CRITERIA_KEYS}, "green", actor=actor
    )
    version = Incident.objects.get(pk=incident.pk).version
    second = do_weigh_incident(
        incident, {k: rules.UNCLEAR for k in rules.CRITERIA_KEYS}, "yellow", actor=actor
    )
    incident.refresh_from_db()
    assert incident.flag_weighing == second
    assert incident.version == version  # an open edit form is not put in conflict
    assert FlagWeighing.objects.filter(pk=first.pk).exists()
    event = AuditEvent.objects.filter(event_type=EventType.FLAG_WEIGHED).order_by("-seq").first()
    assert event is not None and event.data["replaces"] == first.pk


def test_double_submit_weighs_once(world: World, client_for) -> None:
    incident = make_incident(world)
    client = client_for("teacher_a")
    url = f"/incidenten/{incident.pk}/vlaggensysteem/"
    assert client.post(url, post_data(flag="green")).status_code == 302
    assert client.post(url, post_data(flag="green")).status_code == 302
    assert FlagWeighing.objects.count() == 1
