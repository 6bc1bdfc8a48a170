"""The formal letters of a measure: which ones fit, filling them, and keeping them.

Issue 6, item 6: "Every formal letter (time-out notice, suspension, intent to expel, final
expulsion, decision on objection, invitation to a meeting) generated as DOCX (editable)
and PDF from templates written in our own words, filled from the case …, stored with the
case, and listed in a per-case document overview. Templates can be adapted per board."
and "Nothing is half-created when letter generation fails."

* :func:`available` tells which letters fit a measure and whether each is ready (the
  approval it needs is there, the meeting is planned…), with the reason when it is not.
* :func:`do_generate` fills the board's text (or Vangnet's, :mod:`letter_texts`) with the
  measure's facts — dates written out with their weekday, school days counted with the
  school's calendar, the terms and legal basis of the sector (``rules_for``) — and builds
  the Word file and the PDF in memory first. Only then, in one transaction, it writes both
  files to private storage, the :class:`MeasureDocument` row and the audit event; when
  anything fails after a file was written, the files are deleted again.
* Documents are only streamed by the access-checked view in :mod:`letter_views`, which
  records a read event before any byte leaves the server.

A board adapts its texts with :func:`do_save_template` / :func:`do_reset_template`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vangnet.core import access
from vangnet.core.audit import Actor, record
from vangnet.core.models import EventType, SubmissionToken
from vangnet.core.submissions import ConflictError
from vangnet.measures import letter_texts as texts
from vangnet.measures.actions import about_measure
from vangnet.measures.letter_render import Letter, compose, render_docx, render_pdf
from vangnet.measures.models import LetterTemplate, Measure, MeasureDocument

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.cases.models import Case
    from vangnet.organisations.models import Board

LETTER_KINDS: tuple[tuple[str, Any], ...] = (
    (texts.TIME_OUT_NOTICE, gettext_lazy("Brief over de time-out")),
    (texts.SUSPENSION_LETTER, gettext_lazy("Brief over de schorsing")),
    (texts.MEETING_INVITATION, gettext_lazy("Uitnodiging voor een gesprek")),
    (texts.INTENT_LETTER, gettext_lazy("Brief over het voornemen tot verwijdering")),
    (texts.FINAL_LETTER, gettext_lazy("Brief over de definitieve verwijdering")),
    (texts.OBJECTION_DECISION, gettext_lazy("Beslissing op het bezwaar")),
)
LABELS = dict(LETTER_KINDS)
# the short name of a downloaded file: "schorsing-2026-03-04-brief-1.pdf"
FILE_STEMS = {
    texts.TIME_OUT_NOTICE: "time-out",
    texts.SUSPENSION_LETTER: "schorsing",
    texts.MEETING_INVITATION: "uitnodiging-gesprek",
    texts.INTENT_LETTER: "voornemen-verwijdering",
    texts.FINAL_LETTER: "verwijdering",
    texts.OBJECTION_DECISION: "beslissing-bezwaar",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

K = Measure.Kind
S = Measure.Status
# the letters that belong to each kind of measure, in the order they are usually sent
FITS: dict[str, tuple[str, ...]] = {
    K.TIME_OUT: (texts.TIME_OUT_NOTICE,),
    K.SUSPENSION: (texts.SUSPENSION_LETTER, texts.MEETING_INVITATION),
    K.EXPULSION: (
        texts.MEETING_INVITATION,
        texts.INTENT_LETTER,
        texts.FINAL_LETTER,
        texts.OBJECTION_DECISION,
    ),
}
ATTEMPTS = 3  # builds of a letter before giving up when the measure keeps changing


def label_of(kind: str) -> str:
    return str(LABELS.get(kind, kind))


@dataclass(frozen=True)
class Available:
    """A letter that fits a measure: ready to make now, or why not yet."""

    kind: str
    label: str
    ready: bool
    reason: str


def not_ready_reason(measure: Measure, kind: str) -> str:
    """Why ``kind`` cannot be made for ``measure`` now ("" when it can)."""
    if kind not in FITS.get(measure.kind, ()):
        return _("Deze brief hoort niet bij deze maatregel.")
    status = measure.status
    if status in (S.REFUSED, S.WITHDRAWN):
        return _("Deze maatregel gaat niet door; er hoort geen brief meer bij.")
    if kind == texts.TIME_OUT_NOTICE and status != S.APPROVED:
        return _("Eerst geeft de directeur toestemming voor de time-out.")
    if kind == texts.SUSPENSION_LETTER and status != S.APPROVED:
        return _("Eerst keurt het bestuur de schorsing goed.")
    if kind == texts.MEETING_INVITATION:
        if measure.kind == K.SUSPENSION and status != S.APPROVED:
            return _("Eerst keurt het bestuur de schorsing goed.")
        if measure.kind == K.EXPULSION and status not in (S.PROPOSED, S.DECIDED):
            return _("De verwijdering is al definitief.")
        if measure.meeting_at is None:
            return _("Leg eerst de datum en het tijdstip van het gesprek met de ouders vast.")
    if kind == texts.INTENT_LETTER:
        if status == S.PROPOSED:
            return _("Eerst besluit het bestuur tot verwijdering.")
        if status != S.DECIDED:
            return _(
                "De verwijdering is al definitief; maak de brief over de definitieve verwijdering."
            )
    if kind == texts.FINAL_LETTER and status not in (S.FINAL, S.DEREGISTERED):
        return _("Eerst besluit het bestuur dat de verwijdering definitief wordt.")
    if kind == texts.OBJECTION_DECISION:
        if measure.objection_decided_on is None:
            return _("Leg eerst vast wanneer het bestuur op het bezwaar heeft beslist.")
        if measure.objection_heard_on is None:
            return _("Leg eerst vast wanneer de ouders over hun bezwaar zijn gehoord.")
        if not measure.objection_outcome.strip():
            return _("Leg eerst vast wat het bestuur op het bezwaar heeft beslist.")
    return ""


def available(measure: Measure) -> list[Available]:
    """The letters that fit this measure, each ready or with the reason it is not yet.
    Higher education's measures have no letters of their own here."""
    out = []
    for kind in FITS.get(measure.kind, ()):
        reason = not_ready_reason(measure, kind)
        out.append(Available(kind, label_of(kind), not reason, reason))
    return out


def documents(measure: Measure) -> QuerySet[MeasureDocument]:
    """The measure's letters, oldest first (the caller checked access to the measure)."""
    return MeasureDocument.objects.filter(measure_id=measure.pk).select_related("created_by")


def case_documents(case: Case) -> QuerySet[MeasureDocument]:
    """Every letter of every measure of a case, oldest first: the case's document
    overview (the caller checked that the user reads the case's content)."""
    return MeasureDocument.objects.filter(measure__case_id=case.pk).select_related(
        "measure", "created_by"
    )


def download_name(document: MeasureDocument, fmt: str) -> str:
    """A file name without the pupil's name: "schorsing-2026-03-04-brief-1.pdf"."""
    made = timezone.localtime(document.created_at).date().isoformat()
    stem = FILE_STEMS.get(document.kind, "brief")
    return f"{stem}-{made}-brief-{document.number}.{fmt}"


# --- the board's texts --------------------------------------------------------------------


def board_template(board_id: int, kind: str) -> LetterTemplate | None:
    return (
        LetterTemplate.objects.filter(board_id=board_id, kind=kind)
        .select_related("updated_by")
        .first()
    )


def body_for(board_id: int, kind: str) -> str:
    """The board's own text of a letter, or Vangnet's."""
    own = board_template(board_id, kind)
    return own.body if own is not None else texts.default_body(kind)


def fingerprint(template: LetterTemplate | None) -> str:
    """What the editor read: the stored text's hash, or "" for Vangnet's text."""
    if template is None:
        return ""
    return hashlib.sha256(template.body.encode()).hexdigest()[:32]


def _user(actor: Actor) -> User:
    if actor.user is None:
        raise ValueError("a letter is made by a person")
    return actor.user


def _check_kind(kind: str) -> None:
    if kind not in LABELS:
        raise ValidationError({"kind": _("Kies een brief uit de lijst.")})


def _locked_template(board: Board, kind: str, based_on: str) -> LetterTemplate | None:
    current = LetterTemplate.objects.select_for_update().filter(board=board, kind=kind).first()
    if fingerprint(current) != based_on:
        raise ConflictError
    return current


def do_save_template(
    board: Board, kind: str, body: str, *, actor: Actor, based_on: str
) -> LetterTemplate:
    """Store the board's own text of a letter. ``based_on`` is the :func:`fingerprint` of
    the text the editor started from; a text changed meanwhile raises ConflictError."""
    user = _user(actor)
    _check_kind(kind)
    body = body.replace("\r\n", "\n").strip()
    problems = texts.template_problems(kind, body)
    if problems:
        raise ValidationError({"body": problems})
    with transaction.atomic():
        if not access.can_edit_letter_templates(user, board):
            raise PermissionDenied
        current = _locked_template(board, kind, based_on)
        now = timezone.now()
        if current is None:
            try:
                with transaction.atomic():
                    current = LetterTemplate.objects.create(
                        board=board, kind=kind, body=body, updated_by=user, updated_at=now
                    )
            except IntegrityError:
                raise ConflictError from None  # saved at the same moment by someone else
        else:
            current.body, current.updated_by, current.updated_at = body, user, now
            current.save(update_fields=["body", "updated_by", "updated_at"])
        record(
            actor,
            EventType.LETTER_TEMPLATE_CHANGED,
            board_id=board.pk,
            object_type="letter_template",
            object_id=str(current.pk),
            data={
                "kind": kind,
                "change": "saved",
                "length": len(body),
                "sha256": hashlib.sha256(body.encode()).hexdigest(),
            },
        )
    return current


def do_reset_template(board: Board, kind: str, *, actor: Actor, based_on: str) -> None:
    """Back to Vangnet's text: the board's own text of the letter is removed."""
    user = _user(actor)
    _check_kind(kind)
    with transaction.atomic():
        if not access.can_edit_letter_templates(user, board):
            raise PermissionDenied
        current = _locked_template(board, kind, based_on)
        if current is None:
            return
        pk = current.pk
        current.delete()
        record(
            actor,
            EventType.LETTER_TEMPLATE_CHANGED,
            board_id=board.pk,
            object_type="letter_template",
            object_id=str(pk),
            data={"kind": kind, "change": "reset"},
        )


# --- generating ---------------------------------------------------------------------------


class AlreadySubmitted(Exception):
    """The form that asked for this letter was sent before; ``url`` is where it led."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class _Changed(Exception):
    """The measure changed while its letter was being built."""


def _fresh(measure: Measure) -> Measure:
    related = ("case__pupil__school", "pupil__group", "school__board", "approved_by")
    return Measure.objects.select_related(*related).get(pk=measure.pk)


def build(measure: Measure, kind: str) -> tuple[Letter, bytes, bytes]:
    """The filled letter and its two files, in memory (nothing is stored)."""
    letter = compose(measure, kind, body_for(measure.school.board_id, kind), timezone.localdate())
    return letter, render_docx(letter), render_pdf(letter)


def discard(names: list[str]) -> None:
    """Delete stored files of a letter that was not kept."""
    for name in names:
        default_storage.delete(name)


def do_generate(
    measure: Measure, kind: str, *, actor: Actor, token: str = "", result_url: str = ""
) -> MeasureDocument:
    """Make a letter of ``kind`` for ``measure`` and keep it (DOCX and PDF) with a number
    one higher than the last letter of that kind. Refused with ``ValidationError`` when the
    letter does not fit the measure or is not ready; ``PermissionDenied`` for those who do
    not work on the measure.

    ``token`` (a form's submission token) makes a double submit harmless: the second one
    raises :class:`AlreadySubmitted` and makes nothing."""
    user = _user(actor)
    _check_kind(kind)
    for _attempt in range(ATTEMPTS):
        current = _fresh(measure)
        if not access.can_work_on_measure(user, current):
            raise PermissionDenied
        reason = not_ready_reason(current, kind)
        if reason:
            raise ValidationError({"kind": reason})
        _letter, docx, pdf = build(current, kind)
        try:
            return _keep(current, kind, docx, pdf, actor=actor, token=token, url=result_url)
        except _Changed:
            continue
    raise ConflictError


def _claim(user: User, token: str, url: str) -> None:
    try:
        with transaction.atomic():
            SubmissionToken.objects.create(token=token[:64], user=user, result_url=url[:300])
    except IntegrityError:
        earlier = SubmissionToken.objects.filter(token=token[:64], user=user).first()
        raise AlreadySubmitted(earlier.result_url if earlier else url) from None


def _keep(
    built_from: Measure,
    kind: str,
    docx: bytes,
    pdf: bytes,
    *,
    actor: Actor,
    token: str,
    url: str,
) -> MeasureDocument:
    user = _user(actor)
    written: list[str] = []
    try:
        with transaction.atomic():
            measure = Measure.objects.select_for_update().get(pk=built_from.pk)
            if measure.version != built_from.version:
                raise _Changed
            if token:
                _claim(user, token, url)
            last = MeasureDocument.objects.filter(measure=measure, kind=kind).aggregate(
                n=Max("number")
            )["n"]
            document = MeasureDocument(
                measure=measure,
                kind=kind,
                number=(last or 0) + 1,
                created_by=user,
                created_at=timezone.now(),
            )
            stem = secrets.token_hex(16)  # never the pupil's name on disk
            document.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
            written.append(document.docx.name)
            document.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
            written.append(document.pdf.name)
            document.save()
            record(
                actor,
                EventType.MEASURE_LETTER_CREATED,
                **{
                    **about_measure(built_from),
                    "object_type": "measure_document",
                    "object_id": str(document.pk),
                },
                data={
                    "measure": measure.pk,
                    "kind": kind,
                    "number": document.number,
                    "docx_sha256": hashlib.sha256(docx).hexdigest(),
                    "pdf_sha256": hashlib.sha256(pdf).hexdigest(),
                },
            )
    except BaseException:
        discard(written)
        raise
    return document


def record_view(document: MeasureDocument, fmt: str, *, actor: Actor) -> None:
    """The read event of a downloaded letter; commits before the file is sent."""
    measure = document.measure
    with transaction.atomic():
        record(
            actor,
            EventType.MEASURE_LETTER_VIEWED,
            **{
                **about_measure(measure),
                "object_type": "measure_document",
                "object_id": str(document.pk),
            },
            data={
                "measure": measure.pk,
                "kind": document.kind,
                "number": document.number,
                "format": fmt,
            },
        )
