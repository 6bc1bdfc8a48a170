"""Sharing outside the institution over the API (decision framework 2, docs/domain.md module
5): ask to share from a concerning-behaviour case, the Executive Board's approval or
refusal, "the information went out" and the written confirmation. Same access rules,
actions and audit as the pages.

Statuses: outsiders get 404 (a request's or case's existence is not revealed); someone who
may see it but not do this 403 (only the Executive Board approves; only who works on the
case marks it as shared); 409 when the step is not possible now (not approved, already
decided or shared, the case closed, changed meanwhile); 422 when the answers do not allow
it — missing or wrong input per field (``{"detail": {"recipient": ["..."]}}``), and a
"no" on the weighed route (``{"detail": "<the rule quoted>"}``).

Answers are booleans or "yes"/"no".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, StrictBool

from vangnet.core import access
from vangnet.core.audit import Actor, record
from vangnet.core.http import AuthedRequest
from vangnet.core.models import EventType
from vangnet.core.submissions import ConflictError
from vangnet.lib import sharing as rules
from vangnet.sharing import actions
from vangnet.sharing.actions import SharingInput, SharingRefused, about_request, refusal_text
from vangnet.sharing.models import SharingRequest

router = Router(tags=["sharing"])


def _actor(request: AuthedRequest) -> Actor:
    return Actor.from_request(request, channel="api")


# --- schemas ------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: Any


class SharingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    route: str  # "weighed" | "acute"
    recipient: int  # a partner of the board's social map
    what: str
    purpose: str
    # the weighed route: each of all_options_used, consent_sought, necessary answered
    # true/false or "yes"/"no", each with a rationale
    answers: dict[str, StrictBool | str] = {}
    rationales: dict[str, str] = {}
    # the acute route: own_safety, others, offence (at least one), and what is going on
    acute_grounds: list[str] = []
    acute_explanation: str = ""
    # the acute route: the Executive Board's consent given outside Vangnet (a board
    # member's user id and "phone" | "in_person" | "writing")
    consent_by: int | None = None
    consent_channel: str = ""


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = ""
    version: int | None = None  # the version read; a later change gives 409


class ShareIn(Schema):
    model_config = ConfigDict(extra="forbid")

    shared_on: dt.date | None = None  # today when left out
    version: int | None = None


class ConfirmIn(Schema):
    model_config = ConfigDict(extra="forbid")

    confirmed_on: dt.date | None = None  # today when left out


class PartnerRef(Schema):
    id: int
    kind: str
    organisation: str


class SharingOut(Schema):
    id: int
    case_id: int
    pupil_id: int
    school_id: int
    route: str
    status: str
    recipient: PartnerRef
    what: str
    purpose: str
    answers: dict[str, str]
    rationales: dict[str, str]
    acute_grounds: list[str]
    acute_explanation: str
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_channel: str
    decision_note: str
    consent_recorded_by: str | None
    confirmation_due: dt.date | None
    confirmed_on: dt.date | None
    shared_at: dt.datetime | None
    shared_by: str | None
    exchange_id: int | None
    # why it may not be marked as shared now (the rule), or null when it may
    share_refusal: str | None
    version: int


def _name(user: Any) -> str | None:
    return user.full_name if user is not None else None


def _out(sharing: SharingRequest) -> dict[str, Any]:
    refusal = rules.share_refusal(sharing.route, sharing.answers, sharing.status)
    return {
        "id": sharing.pk,
        "case_id": sharing.case_id,
        "pupil_id": sharing.pupil_id,
        "school_id": sharing.school_id,
        "route": sharing.route,
        "status": sharing.status,
        "recipient": {
            "id": sharing.recipient.pk,
            "kind": sharing.recipient.kind,
            "organisation": sharing.recipient.organisation,
        },
        "what": sharing.what,
        "purpose": sharing.purpose,
        "answers": sharing.answers,
        "rationales": sharing.rationales,
        "acute_grounds": sharing.acute_grounds,
        "acute_explanation": sharing.acute_explanation,
        "requested_by": sharing.requested_by.full_name,
        "requested_at": sharing.requested_at,
        "decided_by": _name(sharing.decided_by),
        "decided_at": sharing.decided_at,
        "decision_channel": sharing.decision_channel,
        "decision_note": sharing.decision_note,
        "consent_recorded_by": _name(sharing.recorded_by),
        "confirmation_due": sharing.confirmation_due,
        "confirmed_on": sharing.confirmed_on,
        "shared_at": sharing.shared_at,
        "shared_by": _name(sharing.shared_by),
        "exchange_id": sharing.exchange_id,
        "share_refusal": refusal_text(refusal) if refusal is not None else None,
        "version": sharing.version,
    }


def _errors(exc: ValidationError) -> Any:
    if not hasattr(exc, "error_dict"):
        return exc.messages
    return exc.message_dict


def _refused(exc: SharingRefused) -> Status:
    return Status(exc.status, {"detail": exc.message})


def _load(request: AuthedRequest, request_id: int) -> SharingRequest:
    sharing = access.access_sharing_request(request.user, request_id)
    sharing.case.pupil = sharing.pupil  # the events' ids without another query
    sharing.pupil.school = sharing.school
    return sharing


# --- input --------------------------------------------------------------------------------


def _dropped(payload: SharingIn) -> dict[str, list[str]]:
    """What the other route's fields would silently lose, and unknown questions."""
    errors: dict[str, list[str]] = {}
    for key in [*payload.answers, *payload.rationales]:
        if key not in rules.QUESTION_KEYS:
            errors[f"answers.{key}"] = [_("Deze vraag bestaat niet in het afwegingskader.")]
    for key, value in payload.answers.items():
        if key in rules.QUESTION_KEYS and value not in (True, False, rules.YES, rules.NO):
            errors[key] = [_("Beantwoord elke vraag met ja of nee (true of false).")]
    if payload.route == rules.ACUTE and (payload.answers or payload.rationales):
        errors["answers"] = [
            _("De vragen van afwegingskader 2 horen bij de afweging, niet bij de acute route.")
        ]
    if payload.route == rules.WEIGHED and (payload.acute_grounds or payload.acute_explanation):
        errors["acute_grounds"] = [
            _("Acute gronden horen bij de acute route, niet bij de afweging.")
        ]
    return errors


# --- routes -------------------------------------------------------------------------------


@router.post(
    "/cases/{case_id}/sharing-requests",
    response={201: SharingOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Ask to share information about a student outside the institution",
)
def create_sharing_request(request: AuthedRequest, case_id: int, payload: SharingIn) -> Any:
    user = request.user
    try:
        case = access.access_case(user, case_id, for_write=True)
    except PermissionDenied:
        return Status(403, {"detail": _("Alleen wie aan dit traject werkt, vraagt om te delen.")})
    if case.protocol != actions.HE_PROTOCOL:
        message = _("Delen via het afwegingskader hoort bij een traject zorgwekkend gedrag.")
        return Status(422, {"detail": message})
    if case.is_closed:
        return Status(409, {"detail": _("Dit traject is afgesloten.")})
    dropped = _dropped(payload)
    if dropped:
        return Status(422, {"detail": dropped})
    recipient = (
        access.visible_partners(user)
        .filter(pk=payload.recipient, board_id=case.school.board_id)
        .first()
    )
    consent_by = None
    if payload.consent_by is not None:
        consent_by = access.sharing_boards_users(case.school).filter(pk=payload.consent_by).first()
        if consent_by is None:
            message = _("Kies het lid van het College van Bestuur dat instemde.")
            return Status(422, {"detail": {"consent_by": [message]}})
    data = SharingInput(
        route=payload.route,
        recipient=recipient,
        what=payload.what,
        purpose=payload.purpose,
        answers=actions.answers_from(payload.answers),
        rationales=dict(payload.rationales),
        acute_grounds=actions.grounds_from(payload.acute_grounds),
        acute_explanation=payload.acute_explanation,
        consent_by=consent_by,
        consent_channel=payload.consent_channel,
    )
    try:
        sharing = actions.do_request(case, data, actor=_actor(request))
    except PermissionDenied:  # the membership was taken away meanwhile
        return Status(403, {"detail": _("Alleen wie aan dit traject werkt, vraagt om te delen.")})
    except ValidationError as exc:
        return Status(422, {"detail": _errors(exc)})
    return Status(201, _out(sharing))


@router.get(
    "/sharing-requests/{request_id}",
    response=SharingOut,
    summary="A request to share: the answers, the decision, whether it went out",
)
def get_sharing_request(request: AuthedRequest, request_id: int) -> Any:
    with transaction.atomic():
        sharing = _load(request, request_id)
        record(
            _actor(request),
            EventType.SHARING_VIEWED,
            **about_request(sharing),
            data={"status": sharing.status},
        )
        return _out(sharing)


def _decide(request: AuthedRequest, request_id: int, payload: DecisionIn, approve: bool) -> Any:
    sharing = _load(request, request_id)
    if not access.can_approve_sharing(request.user, sharing):
        return Status(403, {"detail": _("Alleen het College van Bestuur besluit hierover.")})
    try:
        sharing = actions.do_decide(
            sharing,
            approve=approve,
            note=payload.note,
            actor=_actor(request),
            version=payload.version,
        )
    except PermissionDenied:
        return Status(403, {"detail": _("Alleen het College van Bestuur besluit hierover.")})
    except ConflictError:
        return Status(409, {"detail": _("Het verzoek is intussen gewijzigd. Haal het opnieuw op.")})
    except SharingRefused as exc:
        return _refused(exc)
    except ValidationError as exc:
        return Status(422, {"detail": _errors(exc)})
    return _out(sharing)


@router.post(
    "/sharing-requests/{request_id}/approve",
    response={200: SharingOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="The Executive Board approves a request to share",
)
def approve_sharing_request(request: AuthedRequest, request_id: int, payload: DecisionIn) -> Any:
    return _decide(request, request_id, payload, approve=True)


@router.post(
    "/sharing-requests/{request_id}/refuse",
    response={200: SharingOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="The Executive Board refuses a request to share (with a note)",
)
def refuse_sharing_request(request: AuthedRequest, request_id: int, payload: DecisionIn) -> Any:
    return _decide(request, request_id, payload, approve=False)


@router.post(
    "/sharing-requests/{request_id}/share",
    response={200: SharingOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Record that the information went out (only after the Executive Board's approval)",
)
def share_sharing_request(request: AuthedRequest, request_id: int, payload: ShareIn) -> Any:
    sharing = _load(request, request_id)
    if not access.can_work_on_case(request.user, sharing.case):
        message = _("Alleen wie aan het traject werkt, legt vast dat de informatie gedeeld is.")
        return Status(403, {"detail": message})
    try:
        sharing = actions.do_share(
            sharing, shared_on=payload.shared_on, actor=_actor(request), version=payload.version
        )
    except PermissionDenied:
        message = _("Alleen wie aan het traject werkt, legt vast dat de informatie gedeeld is.")
        return Status(403, {"detail": message})
    except ConflictError:
        return Status(409, {"detail": _("Het verzoek is intussen gewijzigd. Haal het opnieuw op.")})
    except SharingRefused as exc:
        return _refused(exc)
    except ValidationError as exc:
        return Status(422, {"detail": _errors(exc)})
    return _out(sharing)


@router.post(
    "/sharing-requests/{request_id}/confirm",
    response={200: SharingOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Record the Executive Board's written confirmation of a consent given by phone",
)
def confirm_sharing_request(request: AuthedRequest, request_id: int, payload: ConfirmIn) -> Any:
    sharing = _load(request, request_id)
    if not access.can_work_on_case(request.user, sharing.case):
        message = _("Alleen wie aan het traject werkt, legt de bevestiging vast.")
        return Status(403, {"detail": message})
    if sharing.confirmation_due is None or sharing.confirmed_on is not None:
        return Status(409, {"detail": _("Hier is geen bevestiging nodig.")})
    try:
        sharing = actions.do_confirm(
            sharing,
            confirmed_on=payload.confirmed_on or timezone.localdate(),
            actor=_actor(request),
        )
    except PermissionDenied:
        message = _("Alleen wie aan het traject werkt, legt de bevestiging vast.")
        return Status(403, {"detail": message})
    except ValidationError as exc:
        return Status(422, {"detail": _errors(exc)})
    return _out(sharing)
