"""The logbook: logging a concern, the dossier, sharing, hand-over, history, drafts, API."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from vangnet.accounts.actions import do_create_api_token
from vangnet.concerns.actions import ConcernInput, do_create_concern, do_share_concern
from vangnet.concerns.models import Concern, ConcernDraft, ConcernVersion
from vangnet.core.audit import Actor
from vangnet.core.models import AuditEvent, EventType
from vangnet.lib.statements import FACT, Statement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_dossier(world):
    """These tests count entries: start without the world's sample entry."""
    world.concern.delete()


def new_url(world) -> str:
    return f"/leerlingen/{world.pupil_a5.pk}/zorg/nieuw/"


def form_data(client, url, **fields) -> dict:
    token = client.get(url).context["form"].initial["submission_token"]
    # an hour ago in Dutch time: "today at 10:15" lies in the future just after midnight
    past = timezone.localtime() - dt.timedelta(hours=1)
    base = {
        "submission_token": token,
        "kind": "signal",
        "occurred_on": past.date().isoformat(),
        "occurred_time": past.strftime("%H:%M"),
        "child_suffers": "unknown",
        "s0_kind": "fact",
        "s0_text": "Hij gooide een stoel om.",
        "s0_consent": "yes",
    }
    return base | fields


def make(world, persona="teacher_a", **kwargs) -> Concern:
    data = ConcernInput(occurred_at=timezone.now(), statements=[Statement(FACT, "Zag iets.")])
    for k, v in kwargs.items():
        setattr(data, k, v)
    return do_create_concern(world.pupil_a5, data, actor=Actor(world[persona]))


def test_teacher_logs_a_concern_in_one_submit(world, client_for):
    client = client_for("teacher_a")
    response = client.post(new_url(world), form_data(client, new_url(world)))
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert response["Location"] == f"/zorgen/{concern.pk}/"
    assert (concern.author, concern.noticed_by) == (world["teacher_a"], "Teacher A")
    assert concern.statements.get().text == "Hij gooide een stoel om."
    event = AuditEvent.objects.get(event_type=EventType.CONCERN_CREATED)
    assert (event.pupil_id, event.actor_id) == (world.pupil_a5.pk, world["teacher_a"].pk)


def test_double_submit_makes_one_entry(world, client_for):
    client = client_for("teacher_a")
    data = form_data(client, new_url(world))
    client.post(new_url(world), data)
    client.post(new_url(world), data)
    assert Concern.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"s0_kind": "account", "s0_source": ""}, "Noem de bron"),
        (
            {"s0_kind": "diagnosis", "s0_professional": "", "s0_registration": "123"},
            "bevoegde professional",
        ),
        (
            {"s0_kind": "diagnosis", "s0_professional": "Dr. P. Bos", "s0_registration": "123"},
            "BIG-registratienummer",
        ),
        ({"s0_text": "", "s0_kind": ""}, "ten minste één uitspraak"),
        ({"occurred_on": "2999-01-01"}, "in de toekomst"),
        ({"kind": "conversation"}, "doel van het gesprek"),
    ],
)
def test_refusals_keep_the_form_filled(world, client_for, fields, message):
    client = client_for("teacher_a")
    data = form_data(client, new_url(world), location="speelplein") | fields
    response = client.post(new_url(world), data)
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert 'value="speelplein"' in html
    assert not Concern.objects.exists()


def test_account_without_consent_keeps_no_text(world, client_for):
    client = client_for("teacher_a")
    data = form_data(
        client,
        new_url(world),
        s0_kind="account",
        s0_source="buurvrouw",
        s0_consent="no",
        s0_text="Ze hoorde geschreeuw.",
    )
    client.post(new_url(world), data)
    statement = Concern.objects.get().statements.get()
    assert (statement.text, statement.source, statement.withheld) == ("", "buurvrouw", True)


def test_names_of_others_are_replaced_by_initials_on_request(world, client_for):
    client = client_for("teacher_a")
    data = form_data(client, new_url(world), s0_text="Bram Bakker duwde hem van de glijbaan.")
    warned = client.post(new_url(world), data)
    assert "Bram Bakker" in warned.context["found_names"]
    assert not Concern.objects.exists()
    client.post(new_url(world), data | {"names_action": "replace"})
    assert Concern.objects.get().statements.get().text == "B.B. duwde hem van de glijbaan."


def test_draft_is_kept_and_restored(world, client_for):
    client = client_for("teacher_a")
    client.post(
        f"/leerlingen/{world.pupil_a5.pk}/zorg/concept/",
        {"s0_text": "Half af verhaal", "location": "gang"},
        HTTP_HX_REQUEST="true",
    )
    assert ConcernDraft.objects.get(user=world["teacher_a"]).data["s0_text"] == "Half af verhaal"
    page = client.get(new_url(world)).content.decode()
    assert "Half af verhaal" in page and "concept" in page
    client.post(new_url(world), form_data(client, new_url(world)))
    assert not ConcernDraft.objects.exists()  # saving the entry removes the draft


def test_dossier_shows_all_years_newest_first_with_filters(world, client_for):
    old = make(world, occurred_at=timezone.now() - dt.timedelta(days=800))
    new = make(world, kind=Concern.Kind.CONSULTATION)
    client = client_for("teacher_a")
    entries = client.get(f"/leerlingen/{world.pupil_a5.pk}/").context["entries"]
    assert [c.pk for c in entries] == [new.pk, old.pk]
    filtered = client.get(
        f"/leerlingen/{world.pupil_a5.pk}/dossier/?soort=consultation", HTTP_HX_REQUEST="true"
    )
    assert [c.pk for c in filtered.context["entries"]] == [new.pk]
    by_year = client.get(f"/leerlingen/{world.pupil_a5.pk}/dossier/?jaar={old.school_year}")
    assert [c.pk for c in by_year.context["entries"]] == [old.pk]
    assert AuditEvent.objects.filter(event_type=EventType.DOSSIER_VIEWED).count() == 2


def test_follow_up_settles_an_earlier_entry(world, client_for):
    earlier = make(world)
    client = client_for("teacher_a")
    url = new_url(world)
    client.post(
        url, form_data(client, url, kind="follow_up", settles=earlier.pk, settlement="refuted")
    )
    later = Concern.objects.exclude(pk=earlier.pk).get()
    assert (later.settles, later.settlement) == (earlier, "refuted")
    html = client.get(f"/leerlingen/{world.pupil_a5.pk}/").content.decode()
    assert "weerlegd" in html


def test_sharing_lets_a_colleague_see_that_entry_only(world, client_for):
    concern = make(world)
    other = make(world)
    director = world["director_a"]
    # a colleague at the school without access to the pupil: teacher of another group
    from tests.world import make_user
    from vangnet.core.roles import Role
    from vangnet.organisations.models import RoleAssignment

    colleague = make_user("collega@test.invalid", "Carla Collega")
    RoleAssignment.objects.create(
        user=colleague, role=Role.TEACHER, board=world.board, school=world.school_a
    )
    client = client_for("teacher_a")
    url = f"/zorgen/{concern.pk}/delen/"
    token = client.get(url).context["form"].initial["submission_token"]
    client.post(
        url,
        {
            "submission_token": token,
            "colleagues": [str(colleague.pk)],
            "question": "Zag jij dit ook?",
        },
    )
    peer = Client()
    peer.force_login(colleague)
    assert peer.get(f"/zorgen/{concern.pk}/").status_code == 200
    assert peer.get(f"/zorgen/{other.pk}/").status_code == 404
    assert peer.get(f"/leerlingen/{world.pupil_a5.pk}/").status_code == 404
    assert peer.get(f"/zorgen/{concern.pk}/overdragen/").status_code == 404
    assert AuditEvent.objects.filter(event_type=EventType.CONCERN_SHARED).count() == 1
    assert director.pk  # the director sees it anyway, through the school


def test_handover_is_recorded_once(world, client_for):
    concern = make(world)
    client = client_for("teacher_a")
    url = f"/zorgen/{concern.pk}/overdragen/"
    token = client.get(url).context["form"].initial["submission_token"]
    client.post(url, {"submission_token": token, "note": "Zorg blijft."})
    client.post(url, {"submission_token": token, "note": "Zorg blijft."})
    concern.refresh_from_db()
    assert concern.handed_over_at is not None and concern.handover_note == "Zorg blijft."
    assert AuditEvent.objects.filter(event_type=EventType.CONCERN_HANDED_OVER).count() == 1
    again = client.get(url)  # already handed over: back to the entry, nothing changes
    assert again.status_code == 302 and again["Location"] == f"/zorgen/{concern.pk}/"


def test_edit_keeps_the_previous_version(world, client_for):
    concern = make(world)
    client = client_for("teacher_a")
    url = f"/zorgen/{concern.pk}/wijzigen/"
    page = client.get(url)
    token = page.context["form"].initial["submission_token"]
    data = form_data(client, new_url(world)) | {
        "submission_token": token,
        "version": 1,
        "s0_text": "Zag iets anders.",
    }
    missing_reason = client.post(url, data)
    assert "Geef aan waarom" in missing_reason.content.decode()
    client.post(url, data | {"reason": "typefout"})
    concern.refresh_from_db()
    assert concern.version == 2 and concern.statements.get().text == "Zag iets anders."
    old = ConcernVersion.objects.get(concern=concern)
    assert old.data["statements"][0]["text"] == "Zag iets." and old.reason == "typefout"
    html = client.get(f"/zorgen/{concern.pk}/").content.decode()
    assert "Versie 1" in html and "Zag iets." in html
    assert client_for("care_a").get(url).status_code == 403  # only the author edits


def test_delete_only_by_the_author_within_a_day(world, client_for):
    concern = make(world)
    assert client_for("care_a").post(f"/zorgen/{concern.pk}/verwijderen/").status_code == 403
    with time_machine.travel(timezone.now() + dt.timedelta(days=1, minutes=1)):
        client = client_for("teacher_a")
        response = client.post(f"/zorgen/{concern.pk}/verwijderen/", follow=True)
        assert "ouder dan een dag" in response.content.decode()
        assert Concern.objects.filter(pk=concern.pk).exists()
    client_for("teacher_a").post(f"/zorgen/{concern.pk}/verwijderen/")
    assert not Concern.objects.filter(pk=concern.pk).exists()
    assert AuditEvent.objects.filter(event_type=EventType.CONCERN_DELETED).exists()


def test_outsiders_get_404(world, client_for):
    concern = make(world)
    for persona in ["teacher_b", "board", "privacy", "admin", "other_board", "adviser_a"]:
        client = client_for(persona)
        assert client.get(f"/zorgen/{concern.pk}/").status_code == 404, persona
        assert client.get(new_url(world)).status_code == 404, persona


# --- API ----------------------------------------------------------------------------------


@pytest.fixture
def api(world):
    def make_client(persona: str) -> Client:
        token = do_create_api_token(world[persona], actor=Actor.system("test"))
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return make_client


def test_api_create_dossier_and_handover(world, api):
    client = api("teacher_a")
    payload = {
        "pupil": world.pupil_a5.pk,
        "occurred_at": timezone.now().isoformat(),
        "location": "klas",
        "statements": [{"kind": "fact", "text": "Viel flauw."}],
    }
    response = client.post("/api/v1/concerns", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["statements"][0]["text"] == "Viel flauw." and body["author"] == "Teacher A"
    dossier = client.get(f"/api/v1/pupils/{world.pupil_a5.pk}/dossier").json()
    assert [c["id"] for c in dossier] == [body["id"]]
    handed = client.post(
        f"/api/v1/concerns/{body['id']}/handover",
        {"note": "graag"},
        content_type="application/json",
    )
    assert handed.status_code == 200 and handed.json()["handed_over_at"]


def test_api_refuses_bad_statements_and_foreign_pupils(world, api):
    client = api("teacher_a")
    bad = {
        "pupil": world.pupil_a5.pk,
        "occurred_at": timezone.now().isoformat(),
        "statements": [{"kind": "account", "text": "Zei iets."}],
    }
    response = client.post("/api/v1/concerns", bad, content_type="application/json")
    assert response.status_code == 422 and "Noem de bron" in response.content.decode()
    foreign = bad | {"pupil": world.pupil_b3.pk, "statements": [{"kind": "fact", "text": "x"}]}
    assert (
        client.post("/api/v1/concerns", foreign, content_type="application/json").status_code == 404
    )
    assert api("teacher_b").get(f"/api/v1/pupils/{world.pupil_a5.pk}/dossier").status_code == 404
    assert not Concern.objects.exists()


def test_shared_colleague_cannot_hand_over_by_api(world, api):
    concern = make(world)
    do_share_concern(concern, [world["teacher_b"]], question="", actor=Actor(world["teacher_a"]))
    response = api("teacher_b").post(
        f"/api/v1/concerns/{concern.pk}/handover", {}, content_type="application/json"
    )
    assert response.status_code == 404


def test_start_page_shows_handovers_reminders_and_shared_entries(world, client_for):
    concern = make(
        world,
        kind=Concern.Kind.CONVERSATION,
        goal="Afspraken maken",
        follow_up_on=timezone.localdate() + dt.timedelta(days=2),
    )
    from tests.world import make_user
    from vangnet.concerns.actions import do_handover
    from vangnet.core.roles import Role
    from vangnet.organisations.models import RoleAssignment

    colleague = make_user("collega.a@test.invalid", "Carla Collega")
    RoleAssignment.objects.create(
        user=colleague, role=Role.TEACHER, board=world.board, school=world.school_a
    )
    do_share_concern(concern, [colleague], question="?", actor=Actor(world["teacher_a"]))

    do_handover(concern, note="Graag verder oppakken", actor=Actor(world["teacher_a"]))
    teacher = client_for("teacher_a").get("/").context
    assert [c.pk for c in teacher["follow_ups"]] == [concern.pk]
    peer = Client()
    peer.force_login(colleague)
    assert [c.pk for c in peer.get("/").context["shared_with_me"]] == [concern.pk]
    # a share to someone who does not work at the pupil's school gives them nothing
    do_share_concern(concern, [world["teacher_b"]], question="?", actor=Actor(world["teacher_a"]))
    assert client_for("teacher_b").get("/").context["shared_with_me"] == []
    assert client_for("teacher_b").get(f"/zorgen/{concern.pk}/").status_code == 404
    care = client_for("care_a").get("/").content.decode()
    assert "Overgedragen zorgen" in care and "Graag verder oppakken" in care
    assert "handovers" not in client_for("teacher_b").get("/").context


def test_long_dossier_loads_older_entries_in_pages(world, client_for):
    for days in range(45):
        make(world, occurred_at=timezone.now() - dt.timedelta(days=10 * days + 1))
    client = client_for("teacher_a")
    first = client.get(f"/leerlingen/{world.pupil_a5.pk}/").context
    assert first["total"] == 45 and len(first["entries"]) == 40 and first["more"]
    older = client.get(f"/leerlingen/{world.pupil_a5.pk}/dossier/?pagina=2", HTTP_HX_REQUEST="true")
    assert len(older.context["entries"]) == 5 and not older.context["more"]
    seen = [c.pk for c in first["entries"]] + [c.pk for c in older.context["entries"]]
    newest_first = Concern.objects.order_by("-occurred_at", "-id").values_list("pk", flat=True)
    assert seen == list(newest_first)


def test_start_page_quick_form_leads_to_the_concern_form(world, client_for):
    client = client_for("teacher_a")
    home = client.get("/")
    assert [p.pk for p in home.context["my_pupils"]] == [world.pupil_a5.pk]
    response = client.get(f"/zorg/nieuw/?leerling={world.pupil_a5.pk}")
    assert response["Location"] == new_url(world)
    assert client.get(f"/zorg/nieuw/?leerling={world.pupil_a6.pk}").status_code == 404
    assert client.get("/zorg/nieuw/?leerling=abc").status_code == 404


def test_review_fixes(world, client_for, api):
    """Regression tests for the access review of the dossier."""
    from vangnet.core import access

    # an entry others built on cannot be deleted (a message, not a server error)
    earlier = make(world)
    make(world, kind=Concern.Kind.FOLLOW_UP, settles_id=earlier.pk, settlement="confirmed")
    response = client_for("teacher_a").post(f"/zorgen/{earlier.pk}/verwijderen/", follow=True)
    assert (
        response.status_code == 200
        and "kan niet meer worden verwijderd" in response.content.decode()
    )
    assert Concern.objects.filter(pk=earlier.pk).exists()
    # the API wants a time zone
    naive = {
        "pupil": world.pupil_a5.pk,
        "occurred_at": "2026-01-05T10:00:00",
        "statements": [{"kind": "fact", "text": "x"}],
    }
    assert (
        api("teacher_a")
        .post("/api/v1/concerns", naive, content_type="application/json")
        .status_code
        == 422
    )
    # an edit without the version it was opened with is refused
    client = client_for("teacher_a")
    url = f"/zorgen/{earlier.pk}/wijzigen/"
    token = client.get(url).context["form"].initial["submission_token"]
    data = form_data(client, new_url(world)) | {"submission_token": token, "reason": "x"}
    assert "verouderd" in client.post(url, data).content.decode()
    # confidential advisers are not offered as colleagues to consult
    names = [u.email for u in access.colleagues_for_sharing(world["teacher_a"], world.pupil_a5)]
    assert world["adviser_a"].email not in names and world["care_a"].email in names
    # discarding a draft is a POST with an audit event
    client.post(f"/leerlingen/{world.pupil_a5.pk}/zorg/concept/", {"s0_text": "half"})
    client.post(f"/leerlingen/{world.pupil_a5.pk}/zorg/concept/weggooien/")
    assert not ConcernDraft.objects.exists()
    assert AuditEvent.objects.filter(event_type=EventType.DRAFT_DISCARDED).exists()
    # a handover note never goes into the audit log
    from vangnet.concerns.actions import do_handover

    do_handover(earlier, note="Vader slaat hem", actor=Actor(world["teacher_a"]))
    event = AuditEvent.objects.get(event_type=EventType.CONCERN_HANDED_OVER)
    assert event.data == {"has_note": True}
