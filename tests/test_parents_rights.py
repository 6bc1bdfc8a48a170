"""Parents' rights on the dossier: their view, correction requests, the export for parents.

Rules (domain.md, module 1): parents may inspect the dossier (internal working notes
excluded), may add their view (stored beside the entry), and may ask for correction of
factually wrong, incomplete or irrelevant data, answered in writing within 4 weeks, a
refusal with reasons. Other persons appear by initials only.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.world import World, build_world, pupil
from vangnet.concerns import rights
from vangnet.concerns.actions import ConcernInput, do_create_concern
from vangnet.concerns.models import Concern, ConcernVersion, CorrectionRequest, ParentView
from vangnet.core.audit import Actor, verify
from vangnet.core.models import AuditEvent, EventType
from vangnet.lib import statements as rules

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
REPO_ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"

WORKING_NOTE = "Werkaantekening: nog eens navragen bij de gymleraar"
VIEW_TEXT = "Wij herkennen dit niet; thuis is Anna juist vrolijk en open."
OTHER_PUPIL = "Bram Bakker"  # world.pupil_a6, same school


def make_concern(world: World, *, statements=None, working_note=False, when=None) -> Concern:
    return do_create_concern(
        world.pupil_a5,
        ConcernInput(
            occurred_at=when or timezone.now() - dt.timedelta(hours=2),
            location="schoolplein",
            statements=statements
            or [
                rules.Statement(
                    rules.FACT, f"Anna huilde in de pauze nadat {OTHER_PUPIL} haar duwde."
                ),
                rules.Statement(
                    rules.ACCOUNT, "Anna zei dat ze slecht slaapt.", source="Ellen Visser"
                ),
                rules.Statement(rules.ACCOUNT, "", source="buurvrouw", source_consent=False),
                rules.Statement(rules.SUSPICION, "Mogelijk speelt er iets thuis."),
            ],
            follow_up="Gesprek met Care A over een week.",
            is_working_note=working_note,
        ),
        actor=Actor(world["teacher_a"]),
    )


@pytest.fixture
def concern(world) -> Concern:
    return make_concern(world)


def events(event_type: EventType) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event_type).order_by("seq"))


def login(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world[persona])
    return client


def token(client: Client, url: str) -> str:
    html = client.get(url).content.decode()
    return re.search(r'name="submission_token" value="([^"]+)"', html).group(1)


# --- actions --------------------------------------------------------------------------------


def test_parent_view_is_stored_beside_the_entry(world, concern):
    before = concern.snapshot()
    view = rights.do_add_parent_view(
        concern, VIEW_TEXT, "moeder", timezone.localdate(), actor=Actor(world["care_a"])
    )
    assert view.concern == concern and view.recorded_by == world["care_a"]
    concern.refresh_from_db()
    assert concern.snapshot() == before and concern.version == 1  # the entry is untouched
    (event,) = events(EventType.PARENT_VIEW_ADDED)
    assert (event.board_id, event.school_id, event.pupil_id) == (
        world.board.pk,
        world.school_a.pk,
        world.pupil_a5.pk,
    )
    assert event.data == {"parent_view": view.pk}
    assert VIEW_TEXT not in str(event.data) and "moeder" not in str(event.data)
    assert all(r.ok for r in verify())


@pytest.mark.parametrize(
    ("text", "given_by", "days", "field"),
    [
        ("", "moeder", 0, "text"),
        ("Klopt niet.", "  ", 0, "given_by"),
        ("Klopt niet.", "moeder", 1, "received_on"),
    ],
)
def test_parent_view_needs_text_giver_and_no_future_date(
    world, concern, text, given_by, days, field
):
    with pytest.raises(ValidationError) as exc:
        rights.do_add_parent_view(
            concern,
            text,
            given_by,
            timezone.localdate() + dt.timedelta(days=days),
            actor=Actor(world["care_a"]),
        )
    assert field in exc.value.message_dict
    assert not ParentView.objects.exists() and not events(EventType.PARENT_VIEW_ADDED)


@pytest.fixture
def frozen(db):
    """A world built on a fixed day, with a clock that only moves when told."""
    with time_machine.travel(dt.datetime(2025, 1, 31, 10, 0, tzinfo=AMS), tick=False) as t:
        yield build_world(), t


def test_correction_due_four_weeks_after_receipt_with_frozen_clock(frozen):
    world, _clock = frozen
    concern = make_concern(world)
    req = rights.do_request_correction(
        concern,
        "De duw was per ongeluk.",
        "Feitelijk onjuist.",
        "moeder",
        dt.date(2025, 1, 31),
        actor=Actor(world["care_a"]),
    )
    assert req.due_on == dt.date(2025, 2, 28)
    assert req.is_open
    (event,) = events(EventType.CORRECTION_REQUESTED)
    assert event.data == {"correction_request": req.pk, "due_on": "2025-02-28"}
    assert event.pupil_id == world.pupil_a5.pk


def test_overdue_shows_on_the_start_page_only_after_the_due_date(frozen):
    world, clock = frozen
    concern = make_concern(world)
    req = rights.do_request_correction(
        concern, "Zin weghalen.", "Niet ter zake.", "vader", dt.date(2025, 1, 31),
        actor=Actor(world["care_a"]),
    )  # fmt: skip
    page = login(world, "care_a").get("/").content.decode()
    assert "Correctieverzoeken van ouders" in page and "Anna Visser" in page
    assert "Te laat" not in page and "nog 28 dagen" in page

    clock.move_to(dt.datetime(2025, 2, 28, 16, 0, tzinfo=AMS))  # the last day: still in time
    page = login(world, "care_a").get("/").content.decode()
    assert "Te laat" not in page and "nog 0 dagen" in page

    clock.move_to(dt.datetime(2025, 3, 3, 9, 0, tzinfo=AMS))
    page = login(world, "care_a").get("/").content.decode()
    assert "Te laat" in page and "3 dagen over de termijn" in page
    detail = login(world, "care_a").get(f"/correctieverzoeken/{req.pk}/").content.decode()
    assert "Te laat." in detail and "28 februari 2025" in detail

    rights.do_decide_correction(req, "refused", "Het verslag beschrijft wat de leerkracht zag.",
                                actor=Actor(world["care_a"]))  # fmt: skip
    page = login(world, "care_a").get("/").content.decode()
    assert "Te laat" not in page and "Er staan geen correctieverzoeken open." in page


def test_start_page_section_only_for_care_coordinator_and_director(world, client_for, concern):
    rights.do_request_correction(
        concern, "x", "y", "moeder", timezone.localdate(), actor=Actor(world["care_a"])
    )
    for persona in ("care_a", "director_a"):
        assert "Anna Visser" in client_for(persona).get("/").content.decode()
    page = client_for("other_board").get("/").content.decode()  # a care coordinator elsewhere
    assert "Er staan geen correctieverzoeken open." in page and "Anna Visser" not in page
    for persona in ("teacher_a", "teacher_b", "board", "privacy", "admin"):
        page = client_for(persona).get("/").content.decode()
        assert "Correctieverzoeken van ouders" not in page, persona


def _home_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def test_start_page_query_count_does_not_grow_with_requests(world, client_for, concern):
    client = client_for("care_a")
    actor = Actor(world["care_a"])
    rights.do_request_correction(concern, "a", "b", "moeder", timezone.localdate(), actor=actor)
    _home_queries(client)
    small = _home_queries(client)
    old = timezone.localdate() - dt.timedelta(days=40)
    for i in range(12):
        kid = pupil(world.school_a, world.group_a6, f"Kind{i}", f"Achter{i}", f"Q{i}")
        other = do_create_concern(
            kid,
            ConcernInput(
                occurred_at=timezone.now() - dt.timedelta(days=50),
                statements=[rules.Statement(rules.FACT, "Viel van de klimrek.")],
            ),
            actor=Actor(world["care_a"]),
        )
        rights.do_request_correction(other, "a", "b", "vader", old, actor=actor)
    assert _home_queries(client) == small
    page = client.get("/").content.decode()
    assert page.count("Te laat") >= 12 and "Kind11 Achter11" in page


# --- decisions ------------------------------------------------------------------------------


@pytest.fixture
def open_request(world, concern) -> CorrectionRequest:
    return rights.do_request_correction(
        concern,
        "Bram heeft haar niet geduwd, hij liep tegen haar aan.",
        "Feitelijk onjuist.",
        "Ellen Visser",
        timezone.localdate(),
        actor=Actor(world["care_a"]),
    )


def test_granted_correction_changes_the_statement_and_keeps_the_original(
    world, concern, open_request
):
    original = concern.statements.first().text
    corrected = "Anna huilde in de pauze nadat een klasgenoot tegen haar aan liep."
    rights.do_decide_correction(
        open_request, "granted", "", texts={0: corrected}, actor=Actor(world["care_a"])
    )
    concern.refresh_from_db()
    assert concern.version == 2
    texts = [s.text for s in concern.statements.all()]
    assert texts[0] == corrected and len(texts) == 4  # withheld account kept, others too
    old = ConcernVersion.objects.get(concern=concern, version=1)
    assert old.data["statements"][0]["text"] == original
    assert old.reason == f"correctieverzoek {open_request.pk}"
    open_request.refresh_from_db()
    assert open_request.decision == "granted" and open_request.decided_by == world["care_a"]
    assert open_request.decided_on == timezone.localdate()
    (event,) = events(EventType.CORRECTION_DECIDED)
    assert event.data == {
        "correction_request": open_request.pk,
        "decision": "granted",
        "concern_version": 2,
        "in_time": True,
    }
    (update,) = events(EventType.CONCERN_UPDATED)
    # the reason lives on the kept version, not as free text in the permanent audit log
    assert update.reason == "" and update.data["from_version"] == 1
    assert all(r.ok for r in verify())


def test_an_emptied_statement_is_removed_as_irrelevant(world, concern, open_request):
    rights.do_decide_correction(
        open_request, "partly", "Alleen het vermoeden schrappen we.", texts={3: ""},
        actor=Actor(world["care_a"]),
    )  # fmt: skip
    kinds = [s.kind for s in concern.statements.all()]
    assert kinds == [rules.FACT, rules.ACCOUNT, rules.ACCOUNT]


@pytest.mark.parametrize("decision", ["refused", "partly"])
def test_refusal_and_partial_grant_need_reasons(world, concern, open_request, decision):
    with pytest.raises(ValidationError) as exc:
        rights.do_decide_correction(
            open_request, decision, "  ", texts={0: "Iets anders."}, actor=Actor(world["care_a"])
        )
    assert "reasons" in exc.value.message_dict
    open_request.refresh_from_db()
    assert open_request.is_open and not events(EventType.CORRECTION_DECIDED)
    assert not ConcernVersion.objects.exists()


def test_refusal_leaves_the_entry_alone(world, concern, open_request):
    rights.do_decide_correction(
        open_request, "refused", "De leerkracht zag het zelf.", actor=Actor(world["care_a"])
    )
    concern.refresh_from_db()
    assert concern.version == 1 and not ConcernVersion.objects.exists()
    with pytest.raises(ValidationError):  # decided once
        rights.do_decide_correction(open_request, "granted", "", actor=Actor(world["care_a"]))


def test_granting_without_changing_the_text_is_refused(world, concern, open_request):
    with pytest.raises(ValidationError):
        rights.do_decide_correction(open_request, "granted", "", actor=Actor(world["care_a"]))
    assert open_request.is_open and not ConcernVersion.objects.exists()


# --- pages ----------------------------------------------------------------------------------

PERSONA_STATUS = {
    "anonymous": 302,
    "teacher_a": 403,  # may see the entry, may not act for the parents
    "care_a": 200,
    "director_a": 200,
    "adviser_a": 404,
    "teacher_b": 404,
    "board": 404,
    "privacy": 404,
    "admin": 404,
    "other_board": 404,
    "no_role": 404,
}
PAGES = {
    "parent_view_add": lambda c, r: f"/zorgen/{c.pk}/zienswijze/",
    "correction_request_add": lambda c, r: f"/zorgen/{c.pk}/correctieverzoek/",
    "correction_decide": lambda c, r: f"/correctieverzoeken/{r.pk}/",
    "dossier_export_pdf": lambda c, r: f"/leerlingen/{c.pupil_id}/dossier-voor-ouders.pdf",
    "dossier_export_docx": lambda c, r: f"/leerlingen/{c.pupil_id}/dossier-voor-ouders.docx",
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("persona", PERSONA_STATUS)
def test_access(world, concern, open_request, page, persona):
    client = Client() if persona == "anonymous" else login(world, persona)
    response = client.get(PAGES[page](concern, open_request))
    assert response.status_code == PERSONA_STATUS[persona]


def test_foreign_and_unknown_ids_are_404(world, client_for):
    other = do_create_concern(
        world.pupil_c,
        ConcernInput(
            occurred_at=timezone.now() - dt.timedelta(hours=1),
            statements=[rules.Statement(rules.FACT, "Zat alleen.")],
        ),
        actor=Actor(world["other_board"]),
    )
    foreign = rights.do_request_correction(
        other, "a", "b", "moeder", timezone.localdate(), actor=Actor(world["other_board"])
    )
    client = client_for("care_a")
    for url in [
        f"/zorgen/{other.pk}/zienswijze/",
        f"/zorgen/{other.pk}/correctieverzoek/",
        f"/correctieverzoeken/{foreign.pk}/",
        "/correctieverzoeken/999999/",
        "/correctieverzoeken/99999999999999999999999/",
        f"/leerlingen/{world.pupil_c.pk}/dossier-voor-ouders.pdf",
        f"/leerlingen/{world.pupil_b3.pk}/dossier-voor-ouders.docx",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/correctieverzoeken/{foreign.pk}/", {}).status_code == 404


def test_shared_colleague_sees_the_entry_but_may_not_act_for_parents(world, concern):
    from tests.world import make_user
    from vangnet.concerns.actions import do_share_concern
    from vangnet.core.roles import Role
    from vangnet.organisations.models import RoleAssignment

    colleague = make_user("collega.a@test.invalid", "Carla Collega")
    RoleAssignment.objects.create(
        user=colleague, role=Role.TEACHER, board=world.board, school=world.school_a
    )
    do_share_concern(concern, [colleague], question="?", actor=Actor(world["teacher_a"]))
    client = Client()
    client.force_login(colleague)
    assert client.get(f"/zorgen/{concern.pk}/").status_code == 200
    assert client.get(f"/zorgen/{concern.pk}/zienswijze/").status_code == 403
    posted = {"text": "x", "given_by": "moeder", "received_on": "2025-01-01"}
    assert client.post(f"/zorgen/{concern.pk}/zienswijze/", posted).status_code == 403
    assert (
        login(world, "teacher_a").post(f"/zorgen/{concern.pk}/correctieverzoek/", {}).status_code
        == 403
    )
    assert not ParentView.objects.exists()
    assert client.get(f"/leerlingen/{concern.pupil_id}/dossier-voor-ouders.pdf").status_code == 404


def test_parent_view_form_double_submit_makes_one_record(world, client_for, concern):
    client = client_for("care_a")
    url = f"/zorgen/{concern.pk}/zienswijze/"
    data = {
        "submission_token": token(client, url),
        "text": VIEW_TEXT,
        "given_by": "moeder",
        "received_on": timezone.localdate().isoformat(),
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/zorgen/{concern.pk}/#ouders"
    assert ParentView.objects.count() == 1 and len(events(EventType.PARENT_VIEW_ADDED)) == 1


def test_parent_view_form_comes_back_filled(world, client_for, concern):
    client = client_for("care_a")
    url = f"/zorgen/{concern.pk}/zienswijze/"
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        url,
        {
            "submission_token": token(client, url),
            "text": VIEW_TEXT,
            "given_by": "",
            "received_on": tomorrow.isoformat(),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Het formulier is nog niet opgeslagen." in html
    assert "Dit veld is verplicht." in html and "Deze datum ligt in de toekomst." in html
    assert "thuis is Anna juist vrolijk" in html
    assert not ParentView.objects.exists()


def test_correction_request_form_double_submit(world, client_for, concern):
    client = client_for("care_a")
    url = f"/zorgen/{concern.pk}/correctieverzoek/"
    data = {
        "submission_token": token(client, url),
        "requested_by": "moeder",
        "what": "De duw was per ongeluk.",
        "why": "Feitelijk onjuist.",
        "received_on": timezone.localdate().isoformat(),
    }
    first = client.post(url, data)
    second = client.post(url, data)
    req = CorrectionRequest.objects.get()
    assert first["Location"] == second["Location"] == f"/correctieverzoeken/{req.pk}/"
    assert req.due_on == timezone.localdate() + dt.timedelta(days=28)
    page = client.get(first["Location"]).content.decode()
    assert "Het correctieverzoek is vastgelegd. Beslis uiterlijk op" in page
    assert len(events(EventType.CORRECTION_REQUESTED)) == 1


def test_decision_form_prefills_statements_and_needs_reasons(world, client_for, open_request):
    client = client_for("care_a")
    url = f"/correctieverzoeken/{open_request.pk}/"
    html = client.get(url).content.decode()
    assert f"nadat {OTHER_PUPIL} haar duwde." in html  # prefilled with the current text
    assert "statement_2" not in html  # the withheld account has no text to correct
    response = client.post(
        url,
        {
            "submission_token": token(client, url),
            "version": 1,
            "decision": "refused",
            "reasons": "",
            "statement_0": "Een nieuwe tekst die blijft staan.",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "ouders hebben recht op die uitleg" in html
    assert "Een nieuwe tekst die blijft staan." in html
    open_request.refresh_from_db()
    assert open_request.is_open


def test_decision_form_grants_and_double_submit_decides_once(world, client_for, open_request):
    client = client_for("care_a")
    url = f"/correctieverzoeken/{open_request.pk}/"
    data = {
        "submission_token": token(client, url),
        "version": 1,
        "decision": "granted",
        "reasons": "",
        "statement_0": "Anna huilde in de pauze.",
        "statement_1": "Anna zei dat ze slecht slaapt.",
        "statement_3": "Mogelijk speelt er iets thuis.",
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert len(events(EventType.CORRECTION_DECIDED)) == 1
    assert ConcernVersion.objects.count() == 1
    detail = client.get(f"/zorgen/{open_request.concern_id}/").content.decode()
    assert "Anna huilde in de pauze." in detail
    assert "Toegekend" in detail


def test_decision_on_a_changed_entry_shows_a_conflict(world, client_for, open_request):
    client = client_for("care_a")
    url = f"/correctieverzoeken/{open_request.pk}/"
    form_token = token(client, url)
    concern = open_request.concern
    rights.do_add_parent_view(
        concern, "x", "moeder", timezone.localdate(), actor=Actor(world["care_a"])
    )
    from vangnet.concerns.actions import do_update_concern

    do_update_concern(
        concern,
        rights.corrected_input(concern, {0: "Door de leerkracht aangepast."}),
        version=1,
        actor=Actor(world["teacher_a"]),
        reason="typefout",
    )
    response = client.post(
        url,
        {
            "submission_token": form_token,
            "version": 1,
            "decision": "granted",
            "statement_0": "Mijn verbetering.",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Iemand anders heeft dit intussen gewijzigd" in html
    assert "Door de leerkracht aangepast." in html and "Mijn verbetering." in html
    open_request.refresh_from_db()
    assert open_request.is_open


def test_concern_page_shows_views_and_requests(world, client_for, concern, open_request):
    rights.do_add_parent_view(
        concern, VIEW_TEXT, "moeder", timezone.localdate(), actor=Actor(world["care_a"])
    )
    html = client_for("care_a").get(f"/zorgen/{concern.pk}/").content.decode()
    assert VIEW_TEXT in html and "Beslissen uiterlijk op" in html
    assert f"/zorgen/{concern.pk}/zienswijze/" in html
    html = client_for("teacher_a").get(f"/zorgen/{concern.pk}/").content.decode()
    assert VIEW_TEXT in html  # beside the entry, for everyone who sees the entry
    assert f"/zorgen/{concern.pk}/zienswijze/" not in html  # but no links to act


# --- export ---------------------------------------------------------------------------------


@pytest.fixture
def full_dossier(world, concern):
    """An entry with a parents' view, a working note, and an entry from an earlier year."""
    make_concern(
        world,
        working_note=True,
        statements=[rules.Statement(rules.SUSPICION, WORKING_NOTE)],
    )
    make_concern(
        world,
        when=timezone.now() - dt.timedelta(days=400),
        statements=[rules.Statement(rules.FACT, "Anna deelde haar lunch met een klasgenoot.")],
    )
    rights.do_add_parent_view(
        concern, VIEW_TEXT, "moeder", timezone.localdate(), actor=Actor(world["care_a"])
    )
    rights.do_request_correction(
        concern, "a", "b", "moeder", timezone.localdate(), actor=Actor(world["care_a"])
    )
    return concern


def _parents_entries(world: World) -> int:
    entries = Concern.objects.filter(pupil=world.pupil_a5, is_working_note=False).count()
    assert entries >= 2
    return entries


def _flat(text: str) -> str:
    return " ".join(text.split())


def _check_export_text(text: str) -> None:
    text = _flat(text)
    assert "Anna Visser" in text  # the pupil's own name stays
    assert WORKING_NOTE not in text and "gymleraar" not in text
    assert OTHER_PUPIL not in text and "nadat B.B. haar duwde" in text
    assert "bron: Ellen Visser" in text  # the guardian's name stays
    assert "buurvrouw" not in text  # the source of a withheld account is not named
    assert "Gesprek met C.A. over een week." in text  # staff by initials
    assert "Gesprek met Care A" not in text
    assert "T.A. (Leerkracht)" in text  # who noticed it: initials and role
    assert VIEW_TEXT in text
    assert "Waargenomen feit" in text and "Vermoeden of interpretatie" in text
    assert "binnen 4 weken" in text
    assert text.index("lunch") > text.index("huilde")  # newest first


def test_export_docx(world, client_for, full_dossier):
    import docx

    response = client_for("care_a").get(f"/leerlingen/{world.pupil_a5.pk}/dossier-voor-ouders.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    _check_export_text("\n".join(parts))
    (event,) = events(EventType.DOSSIER_EXPORTED)
    assert event.data == {"format": "docx", "entries": _parents_entries(world)}
    assert event.pupil_id == world.pupil_a5.pk


def test_export_pdf(world, client_for, full_dossier, tmp_path):
    response = client_for("director_a").get(
        f"/leerlingen/{world.pupil_a5.pk}/dossier-voor-ouders.pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pdf = tmp_path / "dossier.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    _check_export_text(text)
    assert "Pagina 1 van" in _flat(text)
    (event,) = events(EventType.DOSSIER_EXPORTED)
    assert event.data == {"format": "pdf", "entries": _parents_entries(world)}

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / "dossier-export-page1"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
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


def test_export_of_an_empty_dossier(world, client_for):
    response = client_for("care_a").get(f"/leerlingen/{world.pupil_a5.pk}/dossier-voor-ouders.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
