"""The board's lists of incident categories and locations: the administrator renames,
switches off and reorders; the national code never changes; nothing is deleted."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.world import World
from vangnet.core.models import AuditEvent, EventType
from vangnet.incidents.lists import ensure_lists
from vangnet.incidents.models import IncidentCategory, IncidentLocation
from vangnet.incidents.settings_views import IncidentListsForm
from vangnet.lib.incidents import DEFAULT_LOCATIONS, NATIONAL_CATEGORIES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def lists(world: World) -> None:
    ensure_lists(world.board)
    ensure_lists(world.other_board)


def url(world: World) -> str:
    return f"/besturen/{world.board.pk}/incidentlijsten/"


def current_post(world: World, token: str = "tok", **changes: Any) -> dict[str, Any]:
    """The form as the page renders it, with ``changes`` applied."""
    ensure_lists(world.board)
    form = IncidentListsForm(
        categories=list(IncidentCategory.objects.filter(board=world.board)),
        locations=list(IncidentLocation.objects.filter(board=world.board)),
    )
    data: dict[str, Any] = {"submission_token": token, "state": form.initial["state"]}
    for name, field in form.fields.items():
        if name in ("submission_token", "state"):
            continue
        value = form.initial.get(name, field.initial)
        if name.endswith("_active"):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def category(world: World, code: str) -> IncidentCategory:
    return IncidentCategory.objects.get(board=world.board, code=code)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("director_a", 403),
        ("care_a", 403),
        ("teacher_a", 403),
        ("board", 403),
        ("privacy", 403),
        ("other_board", 404),
        ("no_role", 404),
    ],
)
def test_access(world: World, client_for, persona: str, status: int) -> None:
    assert client_for(persona).get(url(world)).status_code == status
    assert client_for(persona).post(url(world), {}).status_code == (
        200 if status == 200 else status
    )


def test_anonymous_goes_to_login(world: World) -> None:
    assert Client().get(url(world)).status_code == 302


def test_page_shows_every_national_code_read_only(world: World, client_for) -> None:
    html = client_for("admin").get(url(world)).content.decode()
    for code, _label in NATIONAL_CATEGORIES:
        assert f"<code>{code}</code>" in html
        assert f'name="cat_{category(world, code).pk}_code"' not in html
    for label in DEFAULT_LOCATIONS:
        assert label in html


def test_rename_switch_off_and_reorder(world: World, client_for) -> None:
    theft = category(world, "theft")
    bullying = category(world, "bullying")
    data = current_post(
        world,
        **{
            f"cat_{theft.pk}_label": "Spullen kwijt",
            f"cat_{theft.pk}_active": None,  # unchecked
            f"cat_{theft.pk}_code": "weapons",  # not a field: ignored
            f"cat_{bullying.pk}_position": 99,
        },
    )
    response = client_for("admin").post(url(world), data)
    assert response.status_code == 302
    theft.refresh_from_db()
    bullying.refresh_from_db()
    assert (theft.label, theft.active, theft.code) == ("Spullen kwijt", False, "theft")
    assert bullying.position == 99
    assert IncidentCategory.objects.filter(board=world.board).count() == len(NATIONAL_CATEGORIES)
    event = AuditEvent.objects.get(event_type=EventType.INCIDENT_LISTS_CHANGED)
    changed = {c["code"]: c for c in event.data["categories"]}
    assert changed["theft"]["new"] == {"label": "Spullen kwijt", "active": False, "position": 9}
    assert changed["theft"]["old"]["label"] == "Diefstal"


def test_switched_off_category_is_no_longer_offered(world: World, client_for) -> None:
    theft = category(world, "theft")
    data = current_post(world, **{f"cat_{theft.pk}_active": None})
    assert client_for("admin").post(url(world), data).status_code == 302
    html = client_for("teacher_a").get("/incidenten/nieuw/").content.decode()
    assert "Pesten" in html
    assert "Diefstal" not in html
    other = IncidentCategory.objects.get(board=world.other_board, code="theft")
    assert other.active  # another board's list is its own


def test_add_and_switch_off_locations(world: World, client_for) -> None:
    online = IncidentLocation.objects.get(board=world.board, label="Online")
    data = current_post(
        world,
        **{"new_0_label": "Fietsenstalling", f"loc_{online.pk}_active": None},
    )
    assert client_for("admin").post(url(world), data).status_code == 302
    online.refresh_from_db()
    assert not online.active
    added = IncidentLocation.objects.get(board=world.board, label="Fietsenstalling")
    assert added.active
    assert IncidentLocation.objects.filter(board=world.board).count() == len(DEFAULT_LOCATIONS) + 1


def test_swapping_two_names_works(world: World, client_for) -> None:
    a, b = category(world, "verbal"), category(world, "physical")
    data = current_post(world, **{f"cat_{a.pk}_label": b.label, f"cat_{b.pk}_label": a.label})
    assert client_for("admin").post(url(world), data).status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.label, b.label) == ("Fysiek geweld", "Verbaal geweld")
    assert (a.code, b.code) == ("verbal", "physical")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda w: {f"cat_{category(w, 'theft').pk}_label": "Pesten"}, "staat al in de lijst"),
        (lambda w: {f"cat_{category(w, 'theft').pk}_label": ""}, "Vul een naam in"),
        (lambda w: {"new_1_label": "online"}, "staat al in de lijst"),
        (
            lambda w: {
                f"cat_{c.pk}_active": None for c in IncidentCategory.objects.filter(board=w.board)
            },
            "minstens één soort",
        ),
    ],
    ids=["duplicate", "empty", "duplicate-location-case", "none-active"],
)
def test_bad_input_keeps_the_form(world: World, client_for, change, message: str) -> None:
    ensure_lists(world.board)
    data = current_post(world, **change(world), new_2_label="Kantine")
    response = client_for("admin").post(url(world), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Kantine"' in html  # what was typed stays
    assert not IncidentLocation.objects.filter(label="Kantine").exists()
    assert not AuditEvent.objects.filter(event_type=EventType.INCIDENT_LISTS_CHANGED).exists()


def test_conflict_when_lists_changed_meanwhile(world: World, client_for) -> None:
    theft = category(world, "theft")
    data = current_post(world, **{f"cat_{theft.pk}_label": "Stelen"})
    IncidentCategory.objects.filter(pk=theft.pk).update(label="Diefstal en heling")
    response = client_for("admin").post(url(world), data)
    assert response.status_code == 200
    assert "Iemand anders heeft dit intussen gewijzigd" in response.content.decode()
    theft.refresh_from_db()
    assert theft.label == "Diefstal en heling"


def test_double_submit_changes_once(world: World, client_for) -> None:
    data = current_post(world, new_0_label="Kantine")
    client = client_for("admin")
    assert client.post(url(world), data).status_code == 302
    assert client.post(url(world), data).status_code == 302
    assert IncidentLocation.objects.filter(board=world.board, label="Kantine").count() == 1
