"""The report of an incident for the parents of one pupil involved: each report holds the
own child's role and nothing of the others (no names, initials or notes), every known
name in the texts replaced; who may make it; the export event; and a look at the PDF."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.world import World, make_user, pupil
from vangnet.accounts.models import User
from vangnet.core.audit import Actor
from vangnet.core.models import AuditEvent, EventType
from vangnet.core.roles import Role
from vangnet.incidents import actions, attachments
from vangnet.incidents.actions import IncidentInput, PersonInput
from vangnet.incidents.lists import ensure_lists
from vangnet.incidents.models import Incident, IncidentCategory, IncidentLocation, IncidentPerson
from vangnet.incidents.parent_export import NamesLeft, build
from vangnet.organisations.models import Guardian, GuardianLink, Pupil, RoleAssignment

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"

DESCRIPTION = (
    "In de pauze pakte Bram Bakker de muts van Anna Visser af. Sem de Vries zag het en "
    "haalde juf Marieke. Mevrouw Van der Meer bracht Anna naar binnen.\n"
    "Brams moeder Hatice Bakker en Ellen Visser zijn gebeld. B.B. en S.d.V. hadden daarna "
    "een gesprek met Director A."
)
MEASURES = "Gesprek met Bram en Sem. Marieke van der Meer belt morgen Anna's moeder."
NOTES = {
    "affected": "Huilde lang in de klas",
    "initiator": "Zegt dat het een grap was",
    "bystander": "Wil liever niet genoemd worden",
    "staff": "Greep meteen in",
    "parent": "Kwam het kind ophalen",
}
DAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
EVERYONE_ELSE = ["Marieke", "Hatice", "Ellen", "Director", "H.B.", "B.B.", "S.d.V.", "A.V."]


@dataclass
class Scene:
    incident: Incident
    sem: Pupil
    marieke: User


def _flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(content: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "verslag.pdf"
    pdf.write_bytes(content)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    return _flat(out)


def absent(word: str, text: str) -> bool:
    return not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, flags=re.IGNORECASE)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _input(w: World, people: list[PersonInput], **changes: object) -> IncidentInput:
    ensure_lists(w.board)
    values: dict[str, object] = {
        "occurred_at": timezone.now() - dt.timedelta(hours=2),
        "ended_at": timezone.now() - dt.timedelta(hours=1, minutes=50),
        "location_id": IncidentLocation.objects.filter(board=w.board).first().pk,  # type: ignore[union-attr]
        "category_id": IncidentCategory.objects.get(board=w.board, code="bullying").pk,
        "severity": "serious",
        "description": DESCRIPTION,
        "measures": MEASURES,
        "people": people,
    }
    values.update(changes)
    return IncidentInput(**values)  # type: ignore[arg-type]


@pytest.fixture
def scene(world: World) -> Scene:
    """At school A, reported by the director: Bram (group 6) took Anna's (group 5) hat,
    Sem (group 5) saw it and fetched a teacher; Bram's mother came."""
    sem = Pupil.objects.create(
        school=world.school_a,
        group=world.group_a5,
        student_number="A502",
        first_name="Sem",
        name_prefix="de",
        last_name="Vries",
        date_of_birth=dt.date(2016, 2, 3),
    )
    marieke = make_user("marieke@test.invalid", "Marieke van der Meer")
    RoleAssignment.objects.create(
        user=marieke, role=Role.TEACHER, board=world.board, school=world.school_a
    )
    hatice = Guardian.objects.create(board=world.board, name="Hatice Bakker")
    GuardianLink.objects.create(pupil=world.pupil_a6, guardian=hatice, relation="mother")
    people = [
        PersonInput("affected", pupil_id=world.pupil_a5.pk, note=NOTES["affected"]),
        PersonInput("initiator", pupil_id=world.pupil_a6.pk, note=NOTES["initiator"]),
        PersonInput("bystander", pupil_id=sem.pk, note=NOTES["bystander"]),
        PersonInput("staff", staff_id=marieke.pk, note=NOTES["staff"]),
        PersonInput("parent", initials="H.B.", note=NOTES["parent"]),
    ]
    incident = actions.do_create_incident(
        world.school_a, _input(world, people), actor=Actor(user=world["director_a"])
    )
    checked = attachments.Checked(
        data=b"%PDF-1.4\n%%EOF\n", content_type="application/pdf", name="foto-muts-bram.pdf"
    )
    attachments.do_add_attachment(incident, checked, actor=Actor(user=world["director_a"]))
    return Scene(incident, sem, marieke)


def url(incident: Incident, pupil_id: int) -> str:
    return f"/incidenten/{incident.pk}/ouders/{pupil_id}/"


def exports() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=EventType.INCIDENT_PARENT_EXPORT))


# --- what each report holds --------------------------------------------------------------


def _common_checks(text: str) -> None:
    for word in EVERYONE_ELSE:
        assert absent(word, text), word
    assert "Meer" not in text.split()  # "van der Meer" without its prefix too
    for note in NOTES.values():
        assert note not in text
    assert "foto-muts" not in text
    assert "Gemeld door de school" in text
    assert "School A" in text and "Pesten" in text and "Ernstig" in text
    assert "[een medewerker]" in text and "[een ouder]" in text


def test_each_pupils_report_has_their_role_and_nothing_of_the_others(
    world: World, scene: Scene, client_for, tmp_path: Path
) -> None:
    client = client_for("care_a")
    reports = {}
    for p in (world.pupil_a5, world.pupil_a6, scene.sem):
        response = client.get(url(scene.incident, p.pk))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "no-store"
        assert "attachment" in response["Content-Disposition"]
        assert response.content.startswith(b"%PDF")
        reports[p.first_name] = text = pdf_text(response.content, tmp_path)
        _common_checks(text)

    anna = reports["Anna"]
    assert "Rol van Anna Leerling die het overkwam" in anna
    assert "muts van Anna af" in anna and "bracht Anna naar binnen" in anna
    assert "belt morgen Anna's moeder" in anna
    for word in ("Bram", "Brams", "Bakker", "Sem", "Vries", "Visser"):
        assert absent(word, anna), word
    assert "Een andere leerling — degene die het initiatief nam" in anna
    assert "Een andere leerling — omstander" in anna
    assert "Een medewerker van de school" in anna and "Een ouder of verzorger" in anna
    assert "degene die het overkwam" not in anna  # that is Anna, not someone else

    bram = reports["Bram"]
    assert "Rol van Bram Leerling die het initiatief nam" in bram
    assert "In de pauze pakte Bram de muts van [een andere leerling] af" in bram
    assert "Brams moeder" in bram
    for word in ("Anna", "Sem", "Vries", "Visser", "Bakker"):
        assert absent(word, bram), word
    assert "Een andere leerling — degene die het overkwam" in bram

    sem = reports["Sem"]
    assert "Rol van Sem Omstander" in sem
    assert "Sem zag het en haalde juf [een medewerker]" in sem
    for word in ("Anna", "Bram", "Brams", "Bakker", "Visser", "Vries"):
        assert absent(word, sem), word


def test_report_fields(world: World, scene: Scene) -> None:
    incident = Incident.objects.select_related("school", "location", "category").get(
        pk=scene.incident.pk
    )
    report, replaced = build(incident, world.pupil_a5)
    start = timezone.localtime(incident.occurred_at)
    end = timezone.localtime(incident.ended_at)  # type: ignore[arg-type]
    day = f"{DAYS[start.weekday()]} {start.day} {MONTHS[start.month - 1]} {start.year}"
    until = f"{end:%H:%M}"
    if end.date() != start.date():
        until = f"{end.day} {MONTHS[end.month - 1]} {end.year}, {until}"
    assert dict(report.facts)["Datum en tijd"] == f"{day}, {start:%H:%M} – {until}"
    assert report.description.startswith(
        "In de pauze pakte [een andere leerling] de muts van Anna af. [een andere leerling] zag "
        "het en haalde juf [een medewerker]. Mevrouw [een medewerker] bracht Anna naar binnen."
    )
    assert report.description.endswith(
        "[een andere leerling]'s moeder [een ouder] en [een ouder] zijn gebeld. [een andere "
        "leerling] en [een andere leerling] hadden daarna een gesprek met [een medewerker]."
    )
    assert report.measures == (
        "Gesprek met [een andere leerling] en [een andere leerling]. [een medewerker] belt "
        "morgen Anna's moeder."
    )
    # Bram Bakker, Anna Visser, Sem de Vries, Marieke, Van der Meer, Brams, Hatice Bakker,
    # Ellen Visser, B.B., S.d.V., Director A; Bram, Sem, Marieke van der Meer
    assert replaced == 14


def test_a_pupil_with_two_roles_and_a_report_without_others(world: World) -> None:
    people = [
        PersonInput("initiator", pupil_id=world.pupil_a5.pk),
        PersonInput("affected", pupil_id=world.pupil_a5.pk),
    ]
    incident = actions.do_create_incident(
        world.school_a,
        _input(world, people, description="Anna viel van de trap.", measures=""),
        actor=Actor(user=world["director_a"]),
    )
    report, replaced = build(incident, world.pupil_a5)
    assert dict(report.facts)["Rol van Anna"] == (
        "Leerling die het initiatief nam, leerling die het overkwam"
    )
    assert report.others == [] and report.measures == "" and replaced == 0


def test_a_name_left_after_replacing_stops_the_report(
    world: World, scene: Scene, client_for
) -> None:
    """A pupil called 'Medewerker' makes the stand-in for staff a known name: the last
    guard refuses the report rather than let a name through."""
    pupil(world.school_b, world.group_b3, "Kim", "Medewerker", "B302")
    incident = Incident.objects.select_related("school", "location", "category").get(
        pk=scene.incident.pk
    )
    with pytest.raises(NamesLeft) as info:
        build(incident, world.pupil_a5)
    assert info.value.names == ["medewerker"]
    response = client_for("care_a").get(url(scene.incident, world.pupil_a5.pk), follow=True)
    assert response.redirect_chain == [(f"/incidenten/{scene.incident.pk}/", 302)]
    assert "niet gemaakt" in response.content.decode()
    assert exports() == []


# --- who may make it ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("care_a", 200),
        ("director_a", 200),
        ("teacher_a", 403),  # sees the incident (Anna is in group 5), did not report it
        ("adviser_a", 404),
        ("teacher_b", 404),
        ("board", 404),
        ("privacy", 404),
        ("admin", 404),
        ("other_board", 404),
        ("no_role", 404),
    ],
)
def test_access(world: World, scene: Scene, client_for, persona: str, status: int) -> None:
    response = client_for(persona).get(url(scene.incident, world.pupil_a5.pk))
    assert response.status_code == status
    assert len(exports()) == (1 if status == 200 else 0)


def test_anonymous_goes_to_the_login_page(world: World, scene: Scene) -> None:
    response = Client().get(url(scene.incident, world.pupil_a5.pk))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_pupil_not_involved_or_unknown_is_not_found(
    world: World, scene: Scene, client_for
) -> None:
    client = client_for("director_a")
    other = pupil(world.school_a, world.group_a5, "Noor", "Jansen", "A503")
    for pupil_id in (other.pk, world.pupil_b3.pk, world.pupil_c.pk, 999999):
        assert client.get(url(scene.incident, pupil_id)).status_code == 404
    assert client.get(url(Incident(pk=999999), world.pupil_a5.pk)).status_code == 404
    assert exports() == []


def test_the_reporter_may_make_it_for_the_pupils_they_may_open(
    world: World, scene: Scene, client_for
) -> None:
    people = [PersonInput("affected", pupil_id=world.pupil_a5.pk)]
    incident = actions.do_create_incident(
        world.school_a, _input(world, people), actor=Actor(user=world["teacher_a"])
    )
    # the director adds Bram, of group 6, whom teacher A does not teach
    IncidentPerson.objects.create(incident=incident, role="initiator", pupil=world.pupil_a6)
    client = client_for("teacher_a")
    assert client.get(url(incident, world.pupil_a5.pk)).status_code == 200
    assert client.get(url(incident, world.pupil_a6.pk)).status_code == 403
    assert client_for("care_a").get(url(incident, world.pupil_a6.pk)).status_code == 200

    page = client.get(f"/incidenten/{incident.pk}/")
    assert page.context["parent_exports"] == [(world.pupil_a5.pk, "Anna")]


def test_the_export_event(world: World, scene: Scene, client_for) -> None:
    client = client_for("director_a")
    before = AuditEvent.objects.count()
    response = client.get(url(scene.incident, scene.sem.pk))
    assert response.status_code == 200
    (event,) = exports()
    assert AuditEvent.objects.count() == before + 1
    assert event.actor_id == world["director_a"].pk
    assert (event.board_id, event.school_id, event.pupil_id) == (
        world.board.pk,
        world.school_a.pk,
        scene.sem.pk,
    )
    assert (event.object_type, event.object_id) == ("incident", str(scene.incident.pk))
    # for Sem's parents "Anna" is replaced too (twice, and "Anna's"), "Sem" is not
    assert event.data == {"format": "pdf", "replaced": 15}


def test_the_incident_page_offers_a_report_per_pupil(
    world: World, scene: Scene, client_for
) -> None:
    page = client_for("care_a").get(f"/incidenten/{scene.incident.pk}/")
    html = page.content.decode()
    for p in (world.pupil_a5, world.pupil_a6, scene.sem):
        assert f'href="{url(scene.incident, p.pk)}"' in html
        assert f"Verslag voor ouders van {p.first_name}" in html
    teacher = client_for("teacher_a").get(f"/incidenten/{scene.incident.pk}/")
    assert teacher.status_code == 200 and teacher.context["parent_exports"] == []
    assert "/ouders/" not in teacher.content.decode()


def test_the_links_cost_no_query_per_pupil(world: World, scene: Scene, client_for) -> None:
    client = client_for("care_a")
    one = actions.do_create_incident(
        world.school_a,
        _input(world, [PersonInput("affected", pupil_id=world.pupil_a5.pk)]),
        actor=Actor(user=world["director_a"]),
    )
    client.get(f"/incidenten/{one.pk}/")
    counts = []
    for incident in (one, scene.incident):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/incidenten/{incident.pk}/")
        counts.append(len(queries))
    assert len(response.context["parent_exports"]) == 3
    assert counts[1] == counts[0]


# --- a look at it ---------------------------------------------------------------------------


def test_screenshot_of_a_report(world: World, scene: Scene, client_for, tmp_path: Path) -> None:
    response = client_for("care_a").get(url(scene.incident, world.pupil_a5.pk))
    pdf = tmp_path / "verslag.pdf"
    pdf.write_bytes(response.content)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / "incident-parent-export"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(target),
        ],
        check=True,
    )
    assert target.with_suffix(".png").stat().st_size > 1000
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True)
    assert re.search(r"Pages:\s+1\b", info.stdout)
