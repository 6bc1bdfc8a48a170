"""Registering incidents: lists per board, validation, who sees what, editing with
history, idempotent submit, and counting an incident once however many people it has."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.world import World
from vangnet.core.audit import Actor
from vangnet.core.models import AuditEvent, EventType
from vangnet.core.submissions import ConflictError
from vangnet.incidents import actions
from vangnet.incidents.actions import IncidentInput, PersonInput
from vangnet.incidents.lists import ensure_lists
from vangnet.incidents.models import (
    Incident,
    IncidentCategory,
    IncidentLocation,
    IncidentVersion,
)
from vangnet.lib.incidents import DEFAULT_LOCATIONS, NATIONAL_CATEGORIES

pytestmark = pytest.mark.django_db


def category(w: World, code: str = "bullying", board: Any = None) -> IncidentCategory:
    board = board or w.board
    ensure_lists(board)
    return IncidentCategory.objects.get(board=board, code=code)


def location(w: World, board: Any = None) -> IncidentLocation:
    board = board or w.board
    ensure_lists(board)
    return IncidentLocation.objects.filter(board=board).first()  # type: ignore[return-value]


def data(w: World, **changes: Any) -> IncidentInput:
    values: dict[str, Any] = {
        "occurred_at": timezone.now() - dt.timedelta(hours=2),
        "location_id": location(w).pk,
        "category_id": category(w).pk,
        "severity": "serious",
        "description": "Op het plein werd een bal steeds afgepakt.",
        "people": [
            PersonInput("initiator", pupil_id=w.pupil_a6.pk),
            PersonInput("affected", pupil_id=w.pupil_a5.pk),
        ],
    }
    values.update(changes)
    return IncidentInput(**values)


def create(w: World, persona: str = "director_a", **changes: Any) -> Incident:
    return actions.do_create_incident(
        w.school_a, data(w, **changes), actor=Actor(user=w[persona], role=persona)
    )


def refused(w: World, persona: str = "director_a", **changes: Any) -> dict[str, list[str]]:
    before = Incident.objects.count()
    with pytest.raises(ValidationError) as info:
        create(w, persona, **changes)
    assert Incident.objects.count() == before
    return info.value.message_dict


# --- the board's lists --------------------------------------------------------------------


def test_ensure_lists_is_idempotent_and_keeps_the_boards_choices(world: World) -> None:
    ensure_lists(world.board)
    cats = IncidentCategory.objects.filter(board=world.board)
    assert cats.count() == len(NATIONAL_CATEGORIES)
    assert IncidentLocation.objects.filter(board=world.board).count() == len(DEFAULT_LOCATIONS)
    assert cats.get(code="bullying").label == "Pesten"
    cats.filter(code="theft").update(label="Spullen weg", active=False)
    ensure_lists(world.board)
    assert cats.count() == len(NATIONAL_CATEGORIES)
    theft = cats.get(code="theft")
    assert (theft.label, theft.active) == ("Spullen weg", False)
    assert IncidentLocation.objects.filter(board=world.board).count() == len(DEFAULT_LOCATIONS)
    assert not IncidentCategory.objects.filter(board=world.other_board).exists()


# --- registering ----------------------------------------------------------------------------


def test_create_copies_the_national_code_and_writes_people_and_audit(world: World) -> None:
    incident = create(world, concern_ids=[world.concern.pk], case_ids=[world.case.pk])
    assert incident.national_code == "bullying"
    assert incident.reporter == world["director_a"]
    assert sorted(incident.people.values_list("role", flat=True)) == ["affected", "initiator"]
    assert list(incident.concerns.all()) == [world.concern]
    assert list(incident.cases.all()) == [world.case]
    events = AuditEvent.objects.filter(event_type=EventType.INCIDENT_CREATED)
    assert {e.pupil_id for e in events} == {world.pupil_a5.pk, world.pupil_a6.pk}
    for e in events:
        assert e.data == {"category": "bullying", "severity": "serious", "people": 2}
        assert "plein" not in str(e.data)


def test_future_date_is_refused_with_tolerance(world: World) -> None:
    errors = refused(world, occurred_at=timezone.now() + dt.timedelta(hours=1))
    assert "toekomst" in errors["occurred_at"][0]
    create(world, occurred_at=timezone.now() + dt.timedelta(minutes=2))  # clock skew is fine


def test_end_before_start_is_refused(world: World) -> None:
    start = timezone.now() - dt.timedelta(hours=3)
    errors = refused(world, occurred_at=start, ended_at=start - dt.timedelta(minutes=10))
    assert "vóór het begin" in errors["ended_at"][0]


def test_location_and_category_must_belong_to_the_board(world: World) -> None:
    errors = refused(
        world,
        location_id=location(world, world.other_board).pk,
        category_id=category(world, board=world.other_board).pk,
    )
    assert set(errors) >= {"location", "category"}
    assert "location" in refused(world, location_id=999_999)


def test_a_category_the_board_switched_off_is_refused_but_kept_on_edit(world: World) -> None:
    incident = create(world)
    IncidentCategory.objects.filter(pk=incident.category_id).update(active=False)
    errors = refused(world)
    assert "uitgezet" in errors["category"][0]
    updated = actions.do_update_incident(
        incident,
        data(world, category_id=incident.category_id, description="Aangevuld."),
        version=incident.version,
        actor=Actor(user=world["director_a"]),
    )
    assert updated.category_id == incident.category_id
    assert updated.description == "Aangevuld."


@pytest.mark.parametrize(
    ("persona", "pupil_attr"),
    [
        ("director_a", None),  # an id nobody has
        ("director_a", "pupil_c"),  # another board
        ("director_a", "pupil_b3"),  # same board, another school
        ("teacher_a", "pupil_a6"),  # same school, a group the teacher does not teach
    ],
)
def test_unknown_or_invisible_pupils_are_refused(
    world: World, persona: str, pupil_attr: str | None
) -> None:
    pupil_id = getattr(world, pupil_attr).pk if pupil_attr else 999_999
    errors = refused(world, persona, people=[PersonInput("affected", pupil_id=pupil_id)])
    assert "onbekend of niet voor jou zichtbaar" in errors["people"][0]


def test_staff_must_work_at_the_school(world: World) -> None:
    errors = refused(world, people=[PersonInput("staff", staff_id=world["teacher_b"].pk)])
    assert "werkt niet op deze school" in errors["people"][0]
    incident = create(world, people=[PersonInput("staff", staff_id=world["teacher_a"].pk)])
    assert incident.people.get().staff == world["teacher_a"]


@pytest.mark.parametrize(
    "person",
    [
        PersonInput("initiator", initials="J.B."),  # a pupil role needs a known pupil
        PersonInput("parent"),  # nothing
        PersonInput("outsider", staff_id=1),  # an outsider is named by initials
        PersonInput("staff", initials="X.Y."),  # staff needs a staff member
        PersonInput("perpetrator", initials="X."),  # no such role
        PersonInput("parent", initials="A.B.", note="x" * 301),
    ],
)
def test_person_rows_must_fit_their_role(world: World, person: PersonInput) -> None:
    errors = refused(world, people=[person])
    assert errors["people"][0].startswith("Betrokkene 1:")


def test_pupil_and_initials_together_is_refused(world: World) -> None:
    person = PersonInput("parent", pupil_id=world.pupil_a5.pk, initials="E.V.")
    assert "people" in refused(world, people=[person])


def test_at_least_one_person(world: World) -> None:
    assert "ten minste één" in refused(world, people=[])["people"][0]


def test_the_same_pupil_twice_in_the_same_role_is_refused(world: World) -> None:
    people = [PersonInput("bystander", pupil_id=world.pupil_a5.pk)] * 2
    assert "Betrokkene 2" in refused(world, people=people)["people"][0]


def test_links_must_be_visible(world: World) -> None:
    # teacher_a is not in the case; another school's incident is not hers either
    other = create(world)
    errors = refused(
        world,
        "teacher_b",
        people=[PersonInput("parent", initials="P.")],
        case_ids=[world.case.pk],
        concern_ids=[world.concern.pk],
        earlier_ids=[other.pk],
    )
    assert set(errors) >= {"cases", "concerns", "earlier"}


def test_several_problems_are_reported_together(world: World) -> None:
    errors = refused(
        world,
        occurred_at=timezone.now() + dt.timedelta(days=1),
        severity="huge",
        description=" ",
        people=[],
    )
    assert set(errors) >= {"occurred_at", "severity", "description", "people"}


# --- editing ---------------------------------------------------------------------------------


def test_edit_keeps_the_previous_version_and_audits_field_names_only(world: World) -> None:
    incident = create(world)
    actor = Actor(user=world["director_a"])
    updated = actions.do_update_incident(
        incident,
        data(
            world,
            occurred_at=incident.occurred_at,
            severity="very_serious",
            description="Het ging om meer dan een bal.",
            people=[PersonInput("affected", pupil_id=world.pupil_a5.pk)],
        ),
        version=1,
        actor=actor,
    )
    assert updated.version == 2
    old = IncidentVersion.objects.get(incident=incident)
    assert old.number == 1
    assert old.data["severity"] == "serious"
    assert old.data["description"].startswith("Op het plein")
    assert len(old.data["people"]) == 2
    assert old.data["category_label"] == "Pesten"
    event = AuditEvent.objects.filter(event_type=EventType.INCIDENT_UPDATED).first()
    assert event is not None
    assert event.data["changed"] == ["description", "people", "severity"]
    assert "bal" not in str(event.data)
    with pytest.raises(ConflictError):
        actions.do_update_incident(incident, data(world), version=1, actor=actor)
    assert IncidentVersion.objects.filter(incident=incident).count() == 1


def test_a_refused_edit_writes_nothing(world: World) -> None:
    incident = create(world)
    with pytest.raises(ValidationError):
        actions.do_update_incident(
            incident, data(world, people=[]), version=1, actor=Actor(user=world["director_a"])
        )
    incident.refresh_from_db()
    assert incident.version == 1
    assert incident.people.count() == 2
    assert not IncidentVersion.objects.exists()


def test_teacher_edit_keeps_pupils_and_links_she_cannot_see(world: World) -> None:
    incident = create(world, "teacher_a", people=[PersonInput("affected", world.pupil_a5.pk)])
    director = Actor(user=world["director_a"])
    actions.do_update_incident(
        incident,
        data(
            world,
            people=[
                PersonInput("affected", world.pupil_a5.pk),
                PersonInput("initiator", world.pupil_a6.pk),
            ],
            case_ids=[world.case.pk],
        ),
        version=1,
        actor=director,
    )
    actions.do_update_incident(
        incident,
        data(
            world,
            description="Aangevuld door de leerkracht.",
            people=[
                PersonInput("affected", world.pupil_a5.pk),
                PersonInput("initiator", world.pupil_a6.pk),
            ],
        ),
        version=2,
        actor=Actor(user=world["teacher_a"]),
    )
    incident.refresh_from_db()
    assert incident.people.count() == 2
    assert list(incident.cases.all()) == [world.case]


# --- who sees what (web) -----------------------------------------------------------------


@pytest.fixture
def three(world: World) -> dict[str, Incident]:
    """mine: teacher_a reported (a parent only); group: about her pupil; other: only group 6."""
    return {
        "mine": create(world, "teacher_a", people=[PersonInput("parent", initials="E.V.")]),
        "group": create(world),
        "other": create(world, people=[PersonInput("initiator", world.pupil_a6.pk)]),
    }


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("director_a", {"mine", "group", "other"}),
        ("care_a", {"mine", "group", "other"}),
        ("teacher_a", {"mine", "group"}),
        ("teacher_b", set()),
        ("adviser_a", set()),
        ("board", set()),
        ("privacy", set()),
        ("admin", set()),
        ("other_board", set()),
        ("no_role", set()),
    ],
)
def test_detail_per_persona(
    world: World, client_for: Any, three: dict[str, Incident], persona: str, sees: set[str]
) -> None:
    client = client_for(persona)
    for key, incident in three.items():
        response = client.get(reverse("incident_detail", args=[incident.pk]))
        assert response.status_code == (200 if key in sees else 404), (persona, key)


def test_list_shows_only_visible_incidents(
    world: World, client_for: Any, three: dict[str, Incident]
) -> None:
    response = client_for("teacher_a").get(reverse("incident_list"))
    assert response.status_code == 200
    ids = {i.pk for i in response.context["incidents"]}
    assert ids == {three["mine"].pk, three["group"].pk}
    assert AuditEvent.objects.filter(event_type=EventType.INCIDENTS_LISTED).exists()
    assert len(client_for("director_a").get(reverse("incident_list")).context["incidents"]) == 3
    for persona in ("board", "privacy", "admin", "no_role"):
        assert client_for(persona).get(reverse("incident_list")).status_code == 404
    response = client_for("other_board").get(reverse("incident_list"))
    assert response.status_code == 200
    assert response.context["incidents"] == []


def test_list_filters(world: World, client_for: Any, three: dict[str, Incident]) -> None:
    client = client_for("director_a")
    three["other"].occurred_at = timezone.now() - dt.timedelta(days=40)
    three["other"].save()
    verbal = category(world, "verbal")
    Incident.objects.filter(pk=three["mine"].pk).update(category=verbal)
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    got = client.get(reverse("incident_list"), {"van": since}).context["incidents"]
    assert {i.pk for i in got} == {three["mine"].pk, three["group"].pk}
    got = client.get(reverse("incident_list"), {"soort": verbal.pk}).context["incidents"]
    assert [i.pk for i in got] == [three["mine"].pk]
    got = client.get(reverse("incident_list"), {"tot": since}).context["incidents"]
    assert [i.pk for i in got] == [three["other"].pk]
    # nonsense filters are ignored, not a 500
    bad = {"van": "gisteren", "soort": "x", "school": "999", "pagina": "abc"}
    assert client.get(reverse("incident_list"), bad).status_code == 200


def test_an_incident_with_many_people_counts_once(world: World, client_for: Any) -> None:
    people = [
        PersonInput("initiator", world.pupil_a5.pk),
        PersonInput("affected", world.pupil_a6.pk),
        PersonInput("bystander", world.pupil_a6.pk),
        PersonInput("staff", staff_id=world["teacher_a"].pk),
        PersonInput("parent", initials="E.V."),
    ]
    incident = create(world, people=people)
    for persona in ("director_a", "teacher_a"):
        response = client_for(persona).get(reverse("incident_list"))
        assert [i.pk for i in response.context["incidents"]] == [incident.pk]
        assert response.context["total"] == 1
        assert response.context["incidents"][0].people_count == 5


def test_detail_records_a_read_and_shows_other_pupils_by_initials(
    world: World, client_for: Any, three: dict[str, Incident]
) -> None:
    incident = create(
        world,
        people=[
            PersonInput("affected", world.pupil_a5.pk),
            PersonInput("initiator", world.pupil_a6.pk),
        ],
    )
    # teacher_a sees the incident (her pupil) but not Bram of group 6 by name
    response = client_for("teacher_a").get(reverse("incident_detail", args=[incident.pk]))
    body = response.content.decode()
    assert "Anna Visser" in body
    assert "Bram Bakker" not in body
    assert "B.B." in body
    assert "dader" not in body.lower() and "slachtoffer" not in body.lower()
    events = AuditEvent.objects.filter(
        event_type=EventType.INCIDENT_VIEWED, object_id=str(incident.pk)
    )
    assert {e.pupil_id for e in events} == {world.pupil_a5.pk, world.pupil_a6.pk}


def test_edit_rights(world: World, client_for: Any, three: dict[str, Incident]) -> None:
    url = reverse("incident_edit", args=[three["group"].pk])
    assert client_for("director_a").get(url).status_code == 200
    assert client_for("care_a").get(url).status_code == 403  # reads, does not change
    assert client_for("teacher_a").get(url).status_code == 403
    assert client_for("teacher_b").get(url).status_code == 404
    assert client_for("board").get(url).status_code == 404
    mine = reverse("incident_edit", args=[three["mine"].pk])
    assert client_for("teacher_a").get(mine).status_code == 200


# --- the form (web) --------------------------------------------------------------------------


def form_data(w: World, **changes: Any) -> dict[str, Any]:
    when = timezone.localtime() - dt.timedelta(hours=1)
    values = {
        "submission_token": "tok-" + str(changes.pop("token", "1")),
        "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
        "ended_at": "",
        "category": category(w).pk,
        "location": location(w).pk,
        "severity": "minor",
        "description": "Schelden bij de kapstok.",
        "people_rows": "3",
        "p0_role": "initiator",
        "p0_pupil": w.pupil_a6.pk,
        "p1_role": "affected",
        "p1_pupil": w.pupil_a5.pk,
        "p2_role": "parent",
        "p2_initials": "E.V.",
        "save": "1",
    }
    values.update(changes)
    return values


def test_create_page_and_double_submit_makes_one_incident(world: World, client_for: Any) -> None:
    client = client_for("director_a")
    page = client.get(reverse("incident_create"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Anna Visser" in body and "Pesten" in body and "Klaslokaal" in body
    assert "dader" not in body.lower() and "slachtoffer" not in body.lower()
    first = client.post(reverse("incident_create"), form_data(world))
    second = client.post(reverse("incident_create"), form_data(world))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Incident.objects.count() == 1
    incident = Incident.objects.get()
    assert incident.people.count() == 3
    assert client.get(first["Location"]).status_code == 200


def test_create_page_for_a_school_the_user_cannot_register_at(
    world: World, client_for: Any
) -> None:
    url = reverse("incident_create")
    assert client_for("director_a").get(url, {"school": world.school_b.pk}).status_code == 404
    assert client_for("director_a").get(url, {"school": "x"}).status_code == 404
    assert client_for("board").get(url).status_code == 404
    assert client_for("teacher_b").get(url).status_code == 200


def test_bad_input_keeps_the_form_and_never_500s(world: World, client_for: Any) -> None:
    client = client_for("teacher_a")
    cases = [
        {"p0_pupil": world.pupil_a6.pk},  # not her group
        {"p0_pupil": "999999"},
        {"p0_pupil": "abc"},
        {"category": "999999"},
        {"occurred_at": "2999-01-01T10:00"},
        {"ended_at": "2000-01-01T10:00"},
        {"p1_role": "", "p0_role": "", "p2_role": ""},
        {"p0_role": "perpetrator"},
        {"concerns": ["999999"]},
    ]
    for i, changes in enumerate(cases):
        response = client.post(reverse("incident_create"), form_data(world, token=i, **changes))
        assert response.status_code == 200, changes
        assert response.context["form"].errors, changes
        assert "Schelden bij de kapstok." in response.content.decode()
    assert not Incident.objects.exists()


def test_more_people_adds_rows_and_keeps_what_was_typed(world: World, client_for: Any) -> None:
    client = client_for("director_a")
    data = form_data(world, more_people="1")
    del data["save"]
    response = client.post(reverse("incident_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.rows == 6
    assert not form.is_bound
    body = response.content.decode()
    assert "Schelden bij de kapstok." in body
    assert 'name="p5_role"' in body
    assert not Incident.objects.exists()
    data = form_data(world, people_rows="6", p5_role="bystander", p5_pupil=world.pupil_a5.pk)
    assert client.post(reverse("incident_create"), data).status_code == 302
    assert Incident.objects.get().people.count() == 4


def test_edit_via_the_web_and_version_conflict(world: World, client_for: Any) -> None:
    incident = create(world)
    client = client_for("director_a")
    url = reverse("incident_edit", args=[incident.pk])
    page = client.get(url)
    assert page.context["form"]["description"].value().startswith("Op het plein")
    response = client.post(url, form_data(world, version="1", description="Nieuw."))
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.version, incident.description) == (2, "Nieuw.")
    stale = client.post(url, form_data(world, version="1", description="Oud formulier."))
    assert stale.status_code == 200
    assert "Iemand anders heeft dit intussen gewijzigd" in stale.content.decode()
    assert "Oud formulier." in stale.content.decode()
    detail = client.get(reverse("incident_detail", args=[incident.pk])).content.decode()
    assert "Versie 1" in detail


def test_nav_item_for_those_who_register(world: World, client_for: Any) -> None:
    assert "Incidenten" in [n["label"] for n in client_for("teacher_a").get("/").context["nav"]]
    assert "Incidenten" not in [n["label"] for n in client_for("board").get("/").context["nav"]]


def test_list_and_detail_queries_do_not_grow_with_rows(
    world: World, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        create(world)
    client = client_for("director_a")
    client.get(reverse("incident_list"))  # warm the session
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("incident_list"))
    for _ in range(20):
        create(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("incident_list"))
    incident = Incident.objects.first()
    assert incident is not None
    with django_assert_max_num_queries(30):
        client.get(reverse("incident_detail", args=[incident.pk]))
