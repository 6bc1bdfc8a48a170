"""Attachments of incidents: content decides the type (never the name or the browser's
content type), only virus-safe kinds are kept, the limit is named, files are stored under a
random name and downloaded with safe headers, by who sees the incident only."""

from __future__ import annotations

import io
import struct
import zlib
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.world import World
from vangnet.core.audit import Actor
from vangnet.core.models import AuditEvent, EventType
from vangnet.incidents import attachments as att
from vangnet.incidents.lists import ensure_lists
from vangnet.incidents.models import (
    Incident,
    IncidentAttachment,
    IncidentCategory,
    IncidentLocation,
    IncidentPerson,
)

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return att.PNG_SIGNATURE + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'
PLAIN_MAIL = (
    b"From: ouder@example.invalid\r\nTo: school@example.invalid\r\n"
    b"Subject: Wat er gebeurde\r\nDate: Mon, 5 Jan 2026 10:00:00 +0100\r\n\r\n"
    b"Beste juf,\r\nGisteren op het plein ...\r\n"
)


def mail_with(kind: str, body: bytes, *, html: bool = False) -> bytes:
    msg = EmailMessage()
    msg["From"] = "ouder@example.invalid"
    msg["To"] = "school@example.invalid"
    msg["Subject"] = "Bijlage"
    msg.set_content("Zie de bijlage.")
    if html:
        msg.add_alternative("<p>Zie de bijlage.</p>", subtype="html")
    maintype, subtype = kind.split("/")
    msg.add_attachment(body, maintype=maintype, subtype=subtype, filename="bijlage")
    return msg.as_bytes()


def pdf_with_objstm(secret: bytes) -> bytes:
    packed = zlib.compress(b"1 0 << " + secret + b" (app.alert(1)) >>")
    return (
        b"%PDF-1.5\n5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length "
        + str(len(packed)).encode()
        + b" >>\nstream\n"
        + packed
        + b"\nendstream\nendobj\n%%EOF\n"
    )


# --- content rules (pure) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (png_bytes(), att.PNG),
        (JPEG, att.JPEG),
        (PDF, att.PDF),
        (PLAIN_MAIL, att.EML),
        (mail_with("image/png", png_bytes(), html=True), att.EML),
        (mail_with("application/pdf", PDF), att.EML),
        ("Aantekening: één leerling huilde.\n".encode(), att.TEXT),
        ("Aantekening: één leerling huilde.\n".encode("latin-1"), att.TEXT),
    ],
    ids=["png", "jpeg", "pdf", "eml", "eml-html-png", "eml-pdf", "utf8-text", "latin1-text"],
)
def test_accepted_by_content(data: bytes, kind: str) -> None:
    assert att.classify(data) == kind


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "leeg"),
        (HTML, "HTML of SVG"),
        (SVG, "HTML of SVG"),
        (b"<svg onload=alert(1)>", "HTML of SVG"),
        (b"PK\x03\x04" + b"\x00" * 40, "Archieven"),  # zip, docx, xlsm
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "Office"),  # old .doc/.xls
        (b"MZ\x90\x00" + b"\x00" * 40, "Programma"),
        (b"#!/bin/sh\nrm -rf /\n", "Programma"),
        (b"\x00\x01\x02binary", "geen afbeelding"),
        (PDF.replace(b"/Catalog", b"/Catalog /OpenAction << /S /JavaScript /JS (x) >>"), "actieve"),
        (PDF.replace(b"/Catalog", b"/Catalog /OpenAction << /S /Launch /F (cmd.exe) >>"), "Launch"),
        (PDF.replace(b"/Catalog", b"/Catalog /Names << /EmbeddedFiles 3 0 R >>"), "Embedded"),
        (PDF.replace(b"/Catalog", b"/Catalog /OpenAction << /S /J#61vaScript >>"), "JavaScript"),
        (pdf_with_objstm(b"/JS"), "JS"),
        (mail_with("application/x-msdownload", b"MZ\x90\x00"), "x-msdownload"),
        (mail_with("application/zip", b"PK\x03\x04"), "zip"),
        (mail_with("image/png", HTML), "inhoud is iets anders"),
    ],
    ids=[
        "empty",
        "html",
        "svg-xml",
        "svg",
        "zip",
        "ole",
        "exe",
        "script",
        "binary",
        "pdf-js",
        "pdf-launch",
        "pdf-embedded",
        "pdf-escaped-name",
        "pdf-objstm",
        "eml-exe",
        "eml-zip",
        "eml-fake-png",
    ],
)
def test_refused_by_content(data: bytes, reason: str) -> None:
    with pytest.raises(att.Refused) as refused:
        att.classify(data)
    assert reason in str(refused.value.args[0])


def test_clean_name() -> None:
    assert att.clean_name("C:\\Users\\x\\foto.png") == "foto.png"
    assert att.clean_name("../../etc/passwd") == "passwd"
    assert att.clean_name('a"b\r\n<c>.pdf') == "a_b_c_.pdf"
    assert att.clean_name("\u202egnp.exe") == "gnp.exe"  # right-to-left override gone
    assert att.clean_name("...") == "bijlage"
    long = att.clean_name("x" * 300 + ".pdf")
    assert len(long) == att.MAX_NAME and long.endswith(".pdf")


def test_too_large_names_the_limit(settings) -> None:
    settings.UPLOAD_MAX_MB = 1
    upload = SimpleUploadedFile("groot.png", png_bytes() + b"\x00" * (1024 * 1024))
    with pytest.raises(ValidationError) as error:
        att.check_upload(upload)
    assert "hoogstens 1 MB" in error.value.messages[0]


# --- pages and storage -------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def make_incident(
    world: World, *, school=None, reporter: str = "teacher_a", code: str = "bullying"
) -> Incident:
    school = school or world.school_a
    ensure_lists(school.board)
    incident = Incident.objects.create(
        school=school,
        occurred_at=timezone.now(),
        location=IncidentLocation.objects.filter(board=school.board).first(),
        category=IncidentCategory.objects.get(board=school.board, code=code),
        national_code=code,
        severity=Incident.Severity.SERIOUS,
        description="Op het plein geduwd.",
        reporter=world[reporter],
    )
    if school == world.school_a:
        IncidentPerson.objects.create(incident=incident, role="affected", pupil=world.pupil_a5)
    return incident


def upload(
    client: Client,
    incident: Incident,
    name: str,
    data: bytes,
    *,
    token: str = "t1",
    content_type: str = "application/octet-stream",
):
    file = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(
        f"/incidenten/{incident.pk}/bijlagen/", {"file": file, "submission_token": token}
    )


def test_png_named_exe_is_stored_as_png_under_a_random_name(
    world: World, client_for, media: Path
) -> None:
    incident = make_incident(world)
    response = upload(
        client_for("teacher_a"),
        incident,
        "x.exe",
        png_bytes(),
        content_type="application/x-msdownload",
    )
    assert response.status_code == 302
    attachment = IncidentAttachment.objects.get(incident=incident)
    assert attachment.content_type == att.PNG
    assert attachment.original_name == "x.exe"
    assert attachment.size == len(png_bytes())
    stored = Path(attachment.file.path)
    assert stored.is_file() and media in stored.parents
    assert stored.suffix == ".png" and stored.stem != "x" and len(stored.stem) == 32
    assert att.download_name(attachment) == "x.png"
    event = AuditEvent.objects.get(event_type=EventType.INCIDENT_ATTACHMENT_ADDED)
    assert event.data["sha256"] == attachment.sha256
    assert "x.exe" not in str(event.data)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("x.png", HTML, "HTML of SVG"),
        ("tekening.svg", SVG, "HTML of SVG"),
        ("leeg.png", b"", "leeg"),
        ("brief.docx", b"PK\x03\x04" + b"\x00" * 40, "Archieven"),
    ],
)
def test_refused_upload_shows_the_reason(
    world: World, client_for, media: Path, name: str, data: bytes, message: str
) -> None:
    incident = make_incident(world)
    response = upload(client_for("teacher_a"), incident, name, data, content_type="image/png")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'name="submission_token"' in response.content.decode()
    assert not IncidentAttachment.objects.exists()
    assert not any(media.rglob("*.*"))


def test_too_large_upload_is_refused_with_the_limit(
    world: World, client_for, media: Path, settings
) -> None:
    settings.UPLOAD_MAX_MB = 1
    incident = make_incident(world)
    response = upload(
        client_for("teacher_a"), incident, "foto.png", png_bytes() + b"\x00" * (1024 * 1024)
    )
    assert response.status_code == 200
    assert "hoogstens 1 MB" in response.content.decode()
    assert not IncidentAttachment.objects.exists()


def test_double_submit_stores_once(world: World, client_for, media: Path) -> None:
    incident = make_incident(world)
    client = client_for("teacher_a")
    assert upload(client, incident, "a.pdf", PDF, token="same").status_code == 302
    assert upload(client, incident, "a.pdf", PDF, token="same").status_code == 302
    assert IncidentAttachment.objects.count() == 1


def test_download_headers_and_audit(world: World, client_for, media: Path) -> None:
    incident = make_incident(world)
    assert upload(client_for("teacher_a"), incident, "scherm foto.jpg", JPEG).status_code == 302
    attachment = IncidentAttachment.objects.get()
    response = client_for("director_a").get(f"/incidenten/{incident.pk}/bijlagen/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == JPEG
    assert response["Content-Type"] == att.JPEG
    assert response["Content-Disposition"].startswith("attachment;")
    assert "scherm foto.jpg" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(event_type=EventType.INCIDENT_ATTACHMENT_VIEWED)
    assert event.actor_id == world["director_a"].pk
    assert event.object_id == str(attachment.pk)


def test_attachment_of_another_incident_is_404(world: World, client_for, media: Path) -> None:
    first = make_incident(world)
    second = make_incident(world)
    assert upload(client_for("teacher_a"), first, "a.pdf", PDF).status_code == 302
    attachment = IncidentAttachment.objects.get()
    response = client_for("teacher_a").get(f"/incidenten/{second.pk}/bijlagen/{attachment.pk}/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("persona", "upload_status", "download_status"),
    [
        ("teacher_a", 302, 200),  # the reporter
        ("director_a", 302, 200),  # the school's director (safety officer)
        ("care_a", 403, 200),  # sees every incident of the school, does not change them
        ("adviser_a", 404, 404),
        ("teacher_b", 404, 404),
        ("board", 404, 404),  # figures only, never a named incident
        ("privacy", 404, 404),
        ("admin", 404, 404),
        ("other_board", 404, 404),
        ("no_role", 404, 404),
    ],
)
def test_access_per_persona(
    world: World, client_for, media: Path, persona: str, upload_status: int, download_status: int
) -> None:
    incident = make_incident(world)
    assert upload(client_for("teacher_a"), incident, "a.pdf", PDF, token="first").status_code == 302
    attachment = IncidentAttachment.objects.get()
    client = client_for(persona)
    assert upload(client, incident, "b.pdf", PDF, token="second").status_code == upload_status
    url = f"/incidenten/{incident.pk}/bijlagen/{attachment.pk}/"
    assert client.get(url).status_code == download_status
    expected_pages = 200 if download_status == 200 else 404
    assert client.get(f"/incidenten/{incident.pk}/bijlagen/").status_code == expected_pages


def test_teacher_sees_incident_of_own_group_but_cannot_add(
    world: World, client_for, media: Path
) -> None:
    incident = make_incident(world, reporter="director_a")
    client = client_for("teacher_a")  # pupil_a5 of group 5 is involved
    assert client.get(f"/incidenten/{incident.pk}/bijlagen/").status_code == 200
    assert upload(client, incident, "a.pdf", PDF).status_code == 403


def test_anonymous_is_sent_to_login(world: World, media: Path) -> None:
    incident = make_incident(world)
    assert Client().get(f"/incidenten/{incident.pk}/bijlagen/").status_code == 302


def test_partial_lists_attachments_and_form(world: World, client_for, media: Path) -> None:
    from django.template.loader import render_to_string

    incident = make_incident(world)
    upload(client_for("teacher_a"), incident, "verslag.pdf", PDF)
    attachment = IncidentAttachment.objects.get()
    html = render_to_string(
        "incidents/partials/_attachments.html", {"incident": incident, "can_edit": True}
    )
    assert f"/incidenten/{incident.pk}/bijlagen/{attachment.pk}/" in html
    assert "verslag.pdf" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="submission_token"' in html
    read_only = render_to_string(
        "incidents/partials/_attachments.html", {"incident": incident, "can_edit": False}
    )
    assert "<form" not in read_only


def test_action_writes_audit_in_one_transaction(world: World, media: Path) -> None:
    incident = make_incident(world)
    checked = att.check_upload(SimpleUploadedFile("mail.eml", PLAIN_MAIL))
    attachment = att.do_add_attachment(incident, checked, actor=Actor(user=world["teacher_a"]))
    assert attachment.content_type == att.EML
    assert io.BytesIO(attachment.file.read()).read() == PLAIN_MAIL
