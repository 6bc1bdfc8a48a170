"""``GET /api/v1/care-meetings/{id}/agenda``: the items as the meeting page shows them,
pseudonymised unless an organiser asks otherwise (and then a name only on an item marked
named with a consent); members always pseudonymised, and only their own meetings; 404 for
a meeting the caller does not see; every read in the audit log."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from tests.test_meeting_pages import case_item, make_series, meeting
from tests.world import World
from vangnet.accounts.actions import do_create_api_token
from vangnet.core.audit import Actor, verify
from vangnet.core.models import AuditEvent, EventType
from vangnet.meetings import actions
from vangnet.meetings.actions import ActionInput
from vangnet.meetings.models import MeetingMember
from vangnet.organisations.models import Guardian

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    def make(persona: str) -> Client:
        if persona == "anonymous":
            return Client()
        token = do_create_api_token(world[persona], actor=Actor.system("test"))
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return make


def url(m, pseudonymised: str | None = None) -> str:
    query = f"?pseudonymised={pseudonymised}" if pseudonymised is not None else ""
    return f"/api/v1/care-meetings/{m.pk}/agenda{query}"


def consent_and_name(world: World, m) -> None:
    care = Actor(user=world["care_a"])
    guardian = Guardian.objects.get(name="Ellen Visser")
    actions.do_record_naming_consent(
        world.pupil_a5,
        given_by="guardian",
        guardian=guardian,
        given_on=timezone.localdate(),
        actor=care,
    )
    actions.do_set_named(case_item(m), named=True, actor=care)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("care_a", 200),
        ("director_a", 200),
        ("teacher_a", 200),  # a member
        ("adviser_a", 404),
        ("teacher_b", 404),
        ("board", 404),
        ("privacy", 404),
        ("admin", 404),
        ("other_board", 404),
        ("no_role", 404),
    ],
)
def test_who_reads_the_agenda(world, api, persona, expected):
    m = meeting(world)
    assert api(persona).get(url(m, "true")).status_code == expected
    assert api(persona).get(url(m, "false")).status_code == expected


def test_the_agenda_is_pseudonymised_by_default(world, api):
    m = meeting(world)
    item = case_item(m)
    actions.do_save_minutes(
        item,
        analysis="Anna Visser is stil.",
        risk="",
        decision="Teacher A belt Ellen Visser.",
        actions=[ActionInput("Ellen bellen", world["teacher_a"], timezone.localdate())],
        actor=Actor(user=world["care_a"]),
    )
    before = AuditEvent.objects.filter(event_type=EventType.MEETING_VIEWED).count()
    response = api("care_a").get(url(m))
    assert response.status_code == 200
    body = response.json()
    assert body["pseudonymised"] is True and body["meeting_id"] == m.pk
    assert body["held_on"] == timezone.localdate().isoformat() and body["closed"] is False
    kinds = [i["kind"] for i in body["items"]]
    assert kinds[0] == "case" and "trends" in kinds
    first = body["items"][0]
    assert first["who"] == world.case.reference and first["named"] is False
    assert first["reason"].startswith("[de leerling] vertelde dat haar moeder [een ouder]")
    assert first["analysis"] == "[de leerling] is stil."
    assert first["decision"] == "[een medewerker] belt [een ouder]."
    assert first["actions"] == [
        {
            "what": "[een ouder] bellen",
            "owner": "Leerkracht",
            "due_on": timezone.localdate().isoformat(),
        }
    ]
    assert "Anna" not in response.content.decode() and "Ellen" not in response.content.decode()
    trends = next(i for i in body["items"] if i["kind"] == "trends")
    assert {"incidents", "cases_opened", "cases_closed"} <= set(trends["figures"])
    # the read: one event for the meeting, one for the case item with its pupil, over the API
    events = list(AuditEvent.objects.filter(event_type=EventType.MEETING_VIEWED).order_by("id"))[
        before:
    ]
    assert [(e.pupil_id, e.channel) for e in events] == [(None, "api"), (world.pupil_a5.pk, "api")]
    assert all(r.ok for r in verify())


def test_names_only_for_organisers_and_only_with_consent(world, api):
    m = meeting(world)
    # asked without names, but nobody marked named: still the case reference
    assert api("care_a").get(url(m, "false")).json()["items"][0]["who"] == world.case.reference
    consent_and_name(world, m)
    body = api("care_a").get(url(m, "false")).json()
    assert body["pseudonymised"] is False
    assert body["items"][0]["who"] == "Anna Visser" and body["items"][0]["named"] is True
    assert api("director_a").get(url(m, "false")).json()["items"][0]["who"] == "Anna Visser"
    # the default and an explicit true stay pseudonymised
    for query in (None, "true"):
        assert api("care_a").get(url(m, query)).json()["items"][0]["who"] == world.case.reference
    # a member asking for names gets the pseudonymised agenda
    body = api("teacher_a").get(url(m, "false")).json()
    assert body["pseudonymised"] is True
    assert body["items"][0]["who"] == world.case.reference
    assert "Anna" not in str(body) and "Ellen" not in str(body)


def test_members_see_only_the_items_of_their_own_meetings(world, api):
    m = meeting(world)
    other = make_series(world, title="Overleg bovenbouw")
    MeetingMember.objects.filter(series=other, user=world["teacher_a"]).delete()
    other_meeting = actions.do_plan_meeting(
        other, timezone.localdate(), actor=Actor(world["care_a"])
    )
    actions.do_add_item(other_meeting, title="Afspraken bovenbouw", actor=Actor(world["care_a"]))
    teacher = api("teacher_a")
    assert teacher.get(url(other_meeting)).status_code == 404
    titles = [i["title"] for i in teacher.get(url(m)).json()["items"]]
    assert "Afspraken bovenbouw" not in titles
    # the organisers see both
    assert (
        api("care_a").get(url(other_meeting)).json()["items"][0]["title"] == "Afspraken bovenbouw"
    )
    # the case behind an item stays closed to the member
    assert teacher.get(f"/api/v1/cases/{world.case.pk}").status_code == 404
    assert api("care_a").get("/api/v1/care-meetings/999999/agenda").status_code == 404


def test_the_agenda_is_in_the_openapi_schema(world, api):
    paths = api("care_a").get("/api/v1/openapi.json").json()["paths"]
    agenda = paths["/api/v1/care-meetings/{meeting_id}/agenda"]["get"]
    assert [p["name"] for p in agenda["parameters"]] == ["meeting_id", "pseudonymised"]
