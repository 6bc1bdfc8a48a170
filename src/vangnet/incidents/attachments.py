"""Attachments of an incident: which files Vangnet keeps, and how it stores them.

Only a few kinds of file are kept, and the kind is decided by the file's *content* (its
first bytes and, for PDF and e-mail, what is inside), never by its name or by the
content type the browser sends:

* PNG and JPEG images (screenshots, photos): the file must start with the format's
  signature;
* PDF: must start with ``%PDF-`` and may not contain active content. Vangnet refuses a PDF
  in which the names ``/JavaScript``, ``/JS``, ``/Launch`` or ``/EmbeddedFile`` occur —
  scripts, commands that start programs and files hidden inside the PDF are how PDFs carry
  malware. The whole file is searched (it is at most ``VANGNET_UPLOAD_MAX_MB``), names
  written with ``#xx`` escapes are decoded first, and compressed object streams are
  unpacked (with a limit) so a name cannot hide inside one. This is a filter, not a virus
  scanner: downloads are always offered as a file to save (never shown in the browser);
* e-mail saved as text (``.eml``, message/rfc822) and plain text: the file must decode as
  UTF-8 or Latin-1 text without control characters, and may not be HTML or SVG. The parts
  of an e-mail may be text (plain or HTML, as mail programs write both), PNG, JPEG or a PDF
  passing the check above — the content of each part is checked like an upload of its own;
  any other attachment (programs, Office files, archives) refuses the whole e-mail.

Refused always: SVG and HTML (they run scripts in a browser), Office files (macros),
archives (they hide what is inside), programs, anything unknown. An empty file and a file
over the limit are refused with a Dutch message naming the limit.

A stored file gets a random name under ``MEDIA_ROOT`` (never the user's name); the
original name is kept, cleaned, for display, with the size, content type and SHA-256.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
import secrets
import unicodedata
import zlib
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vangnet.core.audit import Actor, record
from vangnet.core.models import EventType
from vangnet.core.submissions import OnceFormMixin
from vangnet.incidents.models import Incident, IncidentAttachment

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

PNG = "image/png"
JPEG = "image/jpeg"
PDF = "application/pdf"
EML = "message/rfc822"
TEXT = "text/plain"

# content type -> the extension a stored or downloaded file gets
EXTENSIONS: dict[str, str] = {PNG: ".png", JPEG: ".jpg", PDF: ".pdf", EML: ".eml", TEXT: ".txt"}
# extensions a user's file name may keep for that type (otherwise it is replaced)
KNOWN_EXTENSIONS: dict[str, frozenset[str]] = {
    PNG: frozenset({".png"}),
    JPEG: frozenset({".jpg", ".jpeg", ".jpe"}),
    PDF: frozenset({".pdf"}),
    EML: frozenset({".eml"}),
    TEXT: frozenset({".txt", ".text"}),
}
ACCEPT = ".png,.jpg,.jpeg,.pdf,.eml,.txt"

MAX_NAME = 120
# Unpacking compressed PDF object streams: enough for real files, not for a zip bomb.
MAX_INFLATE_PER_STREAM = 4 * 1024 * 1024
MAX_INFLATE_TOTAL = 32 * 1024 * 1024


def max_upload_mb() -> int:
    return int(getattr(settings, "UPLOAD_MAX_MB", 10))


def max_upload_bytes() -> int:
    return max_upload_mb() * 1024 * 1024


class Refused(Exception):
    """The content is not a kind Vangnet keeps; ``args[0]`` is the Dutch reason."""


# --- recognising content ----------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
PDF_SIGNATURE = b"%PDF-"

# A PDF name: "/" followed by regular characters; "#xx" is an escaped byte.
_PDF_NAME = re.compile(rb"/((?:[^\x00\t\n\x0c\r ()<>\[\]{}/%]|#[0-9A-Fa-f]{2})+)")
_PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
ACTIVE_PDF_NAMES = frozenset({b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles"})
_PDF_STREAM = re.compile(rb"stream\r?\n")
_PDF_ENDSTREAM = b"endstream"

# Markup that a browser would run or render: never accepted, whatever the name says.
_MARKUP = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed|meta|"
    rb"\?xml|a\s+href|img\s|form|style|link\s)",
    re.IGNORECASE,
)
# Control characters that do not occur in text (tab, line feed, form feed and carriage
# return do; so does ESC in ISO-2022 mail, which we do not support).
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]{0,76}:[ \t]?\S?", re.MULTILINE)
_MAIL_HEADERS = frozenset(
    {
        b"from",
        b"to",
        b"subject",
        b"date",
        b"received",
        b"return-path",
        b"message-id",
        b"mime-version",
        b"delivered-to",
        b"cc",
        b"reply-to",
        b"content-type",
    }
)


def _active_names(data: bytes) -> set[str]:
    found = set()
    for match in _PDF_NAME.finditer(data):
        name = _PDF_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        if name in ACTIVE_PDF_NAMES:
            found.add(name.decode("ascii"))
    return found


def _inflated_streams(data: bytes) -> list[bytes]:
    """The unpacked contents of compressed streams (object streams can hide names)."""
    out: list[bytes] = []
    total = 0
    for match in _PDF_STREAM.finditer(data):
        start = match.end()
        end = data.find(_PDF_ENDSTREAM, start)
        if end < 0:
            break
        raw = data[start:end]
        if not raw[:1] or raw[:1] not in b"\x78\x08\x18\x28\x38\x48\x58\x68":
            continue  # not a zlib (FlateDecode) stream: images, raw data
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(raw, MAX_INFLATE_PER_STREAM)
        except zlib.error:
            continue
        if inflater.unconsumed_tail:
            raise Refused(
                _("Deze PDF bevat een onderdeel dat uitgepakt te groot is om te controleren.")
            )
        total += len(chunk)
        if total > MAX_INFLATE_TOTAL:
            raise Refused(_("Deze PDF is uitgepakt te groot om te controleren."))
        out.append(chunk)
    return out


def check_pdf(data: bytes) -> None:
    names = _active_names(data)
    for stream in _inflated_streams(data):
        names |= _active_names(stream)
    if names:
        raise Refused(
            _(
                "Deze PDF bevat actieve inhoud (%(names)s): scripts, opdrachten die programma's "
                "starten of verborgen bestanden. Zulke PDF's bewaart Vangnet niet. Druk het "
                "document af naar een nieuwe PDF of maak een schermafbeelding."
            )
            % {"names": ", ".join(sorted(names))}
        )


def _as_text(data: bytes) -> str:
    if _CONTROL.search(data):
        raise Refused(_("Dit bestand is geen afbeelding, PDF, e-mail of tekst."))
    if _MARKUP.search(data) and not _looks_like_email(data):
        raise Refused(
            _(
                "Dit bestand bevat HTML of SVG. Zulke bestanden kunnen scripts uitvoeren en "
                "bewaart Vangnet niet; maak een schermafbeelding of een PDF."
            )
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _looks_like_email(data: bytes) -> bool:
    head = data.lstrip()[: 16 * 1024].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    names = {m.group(0).split(b":", 1)[0].lower() for m in _HEADER_LINE.finditer(head)}
    first = head.split(b"\n", 1)[0]
    return (
        _HEADER_LINE.match(first) is not None
        and len(names & _MAIL_HEADERS) >= 2
        and bool(names & {b"from", b"received", b"return-path", b"delivered-to"})
    )


ALLOWED_MAIL_PARTS = frozenset({"text/plain", "text/html", PNG, JPEG, PDF})


def check_email(data: bytes) -> None:
    """Every part of the message must be text or an allowed file with matching content."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    _check_parts(message)


def _check_parts(message: EmailMessage) -> None:
    # walk() also enters attached messages (message/rfc822 parts are multipart here)
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        if kind not in ALLOWED_MAIL_PARTS:
            raise Refused(
                _(
                    "Deze e-mail heeft een bijlage van een soort die Vangnet niet bewaart "
                    "(%(kind)s). Bewaar de tekst van de e-mail en voeg toegestane bijlagen "
                    "(PNG, JPEG, PDF) apart toe."
                )
                % {"kind": kind}
            )
        if kind in (PNG, JPEG, PDF):
            payload = part.get_payload(decode=True)
            body = payload if isinstance(payload, bytes) else b""
            if sniff(body) != kind:
                raise Refused(
                    _(
                        "Een bijlage in deze e-mail zegt %(kind)s te zijn, maar de inhoud is "
                        "iets anders. Deze e-mail bewaart Vangnet niet."
                    )
                    % {"kind": kind}
                )
            if kind == PDF:
                check_pdf(body)


def sniff(data: bytes) -> str | None:
    """The content type of ``data`` by its content alone; ``None`` for anything else."""
    if data.startswith(PNG_SIGNATURE) and data[12:16] == b"IHDR":
        return PNG
    if data.startswith(JPEG_SIGNATURE):
        return JPEG
    if data.startswith(PDF_SIGNATURE):
        return PDF
    return None


def classify(data: bytes) -> str:
    """The content type Vangnet stores ``data`` as, after every check; raises
    :class:`Refused` with the Dutch reason."""
    if not data:
        raise Refused(_("Dit bestand is leeg."))
    kind = sniff(data)
    if kind == PDF:
        check_pdf(data)
        return PDF
    if kind is not None:
        return kind
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")):
        raise Refused(
            _(
                "Archieven (zoals zip) en Office-bestanden bewaart Vangnet niet: ze kunnen "
                "macro's of andere bestanden verbergen. Maak er een PDF of schermafbeelding van."
            )
        )
    if data.startswith((b"MZ", b"\x7fELF", b"#!")):
        raise Refused(_("Programma's en scripts bewaart Vangnet niet."))
    _as_text(data)
    if _looks_like_email(data):
        check_email(data)
        return EML
    return TEXT


# --- names --------------------------------------------------------------------------------------


def clean_name(name: str) -> str:
    """The user's file name, safe to show and to send back: no folders, no control or
    invisible characters, no quotes, at most :data:`MAX_NAME` characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(
        c for c in base if unicodedata.category(c)[0] not in "CZ" or c == " "
    )  # control, format, separators other than the space
    base = re.sub(r'["<>:|?*;]', "_", base).strip(" .")
    if not base:
        base = _("bijlage")
    if len(base) > MAX_NAME:
        stem, suffix = _split_suffix(base)
        base = stem[: MAX_NAME - len(suffix)] + suffix
    return base


def _split_suffix(name: str) -> tuple[str, str]:
    suffix = PurePosixPath(name).suffix
    if len(suffix) > 10:
        return name, ""
    return name[: len(name) - len(suffix)], suffix


def download_name(attachment: IncidentAttachment) -> str:
    """The name a download gets: the cleaned original name, with the extension of the
    stored content (``x.exe`` that is really a PNG downloads as ``x.png``)."""
    name = clean_name(attachment.original_name)
    stem, suffix = _split_suffix(name)
    if suffix.lower() in KNOWN_EXTENSIONS.get(attachment.content_type, frozenset()):
        return name
    return (stem or _("bijlage")) + EXTENSIONS.get(attachment.content_type, "")


# --- the action ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    data: bytes
    content_type: str
    name: str


def check_upload(upload: UploadedFile) -> Checked:
    """Read and check an uploaded file; raises :class:`ValidationError` (Dutch)."""
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(_too_large(), code="too_large")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(_too_large(), code="too_large")
    try:
        kind = classify(data)
    except Refused as exc:
        raise ValidationError(str(exc.args[0]), code="refused") from None
    return Checked(data=data, content_type=kind, name=clean_name(upload.name or ""))


def _too_large() -> str:
    return _("Dit bestand is te groot: een bijlage mag hoogstens %(mb)d MB zijn.") % {
        "mb": max_upload_mb()
    }


def do_add_attachment(incident: Incident, file: Checked, *, actor: Actor) -> IncidentAttachment:
    """Store a checked file with ``incident`` (the caller checked write access)."""
    assert actor.user is not None
    stored_name = secrets.token_hex(16) + EXTENSIONS[file.content_type]
    attachment = IncidentAttachment(
        incident=incident,
        original_name=file.name,
        content_type=file.content_type,
        size=len(file.data),
        sha256=hashlib.sha256(file.data).hexdigest(),
        uploaded_by=actor.user,
    )
    attachment.file.save(stored_name, ContentFile(file.data), save=False)
    try:
        with transaction.atomic():
            attachment.save()
            record(
                actor,
                EventType.INCIDENT_ATTACHMENT_ADDED,
                board_id=incident.school.board_id,
                school_id=incident.school_id,
                object_type="incident_attachment",
                object_id=str(attachment.pk),
                # No file name: names can hold a pupil's name; the log holds no free text.
                data={
                    "incident": incident.pk,
                    "content_type": file.content_type,
                    "size": attachment.size,
                    "sha256": attachment.sha256,
                },
            )
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return attachment


def record_download(attachment: IncidentAttachment, *, actor: Actor) -> None:
    incident = attachment.incident
    with transaction.atomic():
        record(
            actor,
            EventType.INCIDENT_ATTACHMENT_VIEWED,
            board_id=incident.school.board_id,
            school_id=incident.school_id,
            object_type="incident_attachment",
            object_id=str(attachment.pk),
            data={"incident": incident.pk, "sha256": attachment.sha256},
        )


# --- the form -----------------------------------------------------------------------------------


class AttachmentForm(OnceFormMixin):
    file = forms.FileField(
        label=gettext_lazy("Bestand"),
        allow_empty_file=True,  # an empty file gets our own message below
        error_messages={
            "required": gettext_lazy("Kies een bestand om toe te voegen."),
            "invalid": gettext_lazy("Dit is geen bestand. Kies een bestand om toe te voegen."),
            "missing": gettext_lazy("Het bestand is niet aangekomen. Probeer het opnieuw."),
        },
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        field.help_text = _(
            "Een foto of schermafbeelding (PNG, JPEG), een PDF of een e-mail (.eml of tekst); "
            "hoogstens %(mb)d MB."
        ) % {"mb": max_upload_mb()}
        field.widget.attrs["accept"] = ACCEPT
        self.checked: Checked | None = None

    def clean_file(self) -> object:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return upload
        self.checked = check_upload(upload)
        return upload
