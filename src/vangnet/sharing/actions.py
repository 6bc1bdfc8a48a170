"""Asking, approving and recording a share outside the institution (decision framework 2).

Every function is one transaction with its audit event. Missing answers raise
``ValidationError`` per field; a step the rules forbid raises :class:`SharingRefused` with
the rule quoted and its status (409: not now — not approved, already decided or shared;
422: not with these answers — a "no" on the weighed route). Without the Executive Board's
recorded approval nothing is ever marked as shared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.cases.actions import about_case
from vangnet.cases.consent import ExchangeInput, store_exchange
from vangnet.cases.models import Case, CaseTask, ExternalExchange
from vangnet.core import access
from vangnet.core.audit import Actor, record
from vangnet.core.models import EventType
from vangnet.core.notify import Note, notify_many
from vangnet.core.submissions import ConflictError
from vangnet.lib import sharing as rules
from vangnet.sharing.models import SharingRequest

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.organisations.models import Partner

HE_PROTOCOL = "he_concern"
CONFIRM_WITHIN_DAYS = 2  # a consent given by phone is confirmed in writing within this
MAX_TEXT = 10_000


class SharingRefused(Exception):
    """A step the rules forbid; ``status`` is 409 or 422, ``message`` quotes the rule."""

    def __init__(self, refusal: rules.Refusal) -> None:
        self.status = refusal.status
        self.message = refusal_text(refusal)
        super().__init__(self.message)


def refusal_text(refusal: rules.Refusal) -> str:
    values: dict[str, object] = {}
    questions = dict(rules.QUESTIONS)
    for name, value in refusal.values:
        if isinstance(value, tuple):
            values[name] = "; ".join(f"‘{_(questions.get(str(v), str(v)))}’" for v in value)
        else:
            values[name] = value
    text = _(refusal.rule)
    return text % values if values else text


def _user(actor: Actor) -> User:
    if actor.user is None:
        raise ValueError("a sharing request is handled by a person")
    return actor.user


def about_request(request: SharingRequest) -> dict[str, object]:
    return {
        **about_case(request.case),
        "object_type": "sharing_request",
        "object_id": str(request.pk),
    }


@dataclass
class SharingInput:
    route: str
    recipient: Partner | None
    what: str
    purpose: str
    answers: dict[str, str] = field(default_factory=dict)
    rationales: dict[str, str] = field(default_factory=dict)
    acute_grounds: list[str] = field(default_factory=list)
    acute_explanation: str = ""
    # the acute route: the Executive Board's consent given by phone or in person, recorded
    # by the one who asks (who gave it, how)
    consent_by: User | None = None
    consent_channel: str = ""


def input_errors(case: Case, data: SharingInput) -> dict[str, str]:
    errors = {
        k: _(v)
        for k, v in rules.answer_problems(
            data.route, data.answers, data.rationales, data.acute_grounds
        ).items()
    }
    if data.recipient is None or data.recipient.board_id != case.school.board_id:
        errors["recipient"] = _("Kies de organisatie van de sociale kaart die het ontvangt.")
    if not data.what.strip():
        errors["what"] = _("Beschrijf welke informatie u wilt delen.")
    if not data.purpose.strip():
        errors["purpose"] = _("Beschrijf met welk doel.")
    for name in ("what", "purpose", "acute_explanation"):
        if len(getattr(data, name)) > MAX_TEXT:
            errors[name] = _("Houd de tekst korter dan 10.000 tekens.")
    if data.route == rules.ACUTE and not data.acute_explanation.strip():
        errors["acute_explanation"] = _("Beschrijf kort wat er acuut aan de hand is.")
    if data.consent_by is not None or data.consent_channel:
        if data.route != rules.ACUTE:
            errors["consent_by"] = _(
                "Instemming buiten Vangnet vastleggen kan alleen bij de acute route; bij de "
                "afweging beslist het College van Bestuur in Vangnet."
            )
        elif data.consent_channel not in (
            SharingRequest.Channel.PHONE,
            SharingRequest.Channel.IN_PERSON,
            SharingRequest.Channel.WRITING,
        ):
            errors["consent_channel"] = _("Kies hoe het College instemde.")
        elif (
            data.consent_by is None
            or not access.sharing_boards_users(case.school).filter(pk=data.consent_by.pk).exists()
        ):
            errors["consent_by"] = _("Kies het lid van het College van Bestuur dat instemde.")
    return errors


def do_request(case: Case, data: SharingInput, *, actor: Actor) -> SharingRequest:
    """Ask to share. On the acute route the Executive Board's consent given by phone or in
    person can be recorded at once: the request is then approved, and a written
    confirmation is due within :data:`CONFIRM_WITHIN_DAYS` days (a task on the case)."""
    user = _user(actor)
    with transaction.atomic():
        case = (
            Case.objects.select_for_update()
            .select_related("pupil__school", "school")
            .get(pk=case.pk)
        )
        if not access.can_request_sharing(user, case):
            raise PermissionDenied
        if case.protocol != HE_PROTOCOL:
            raise ValidationError(
                _("Delen via het afwegingskader hoort bij een traject zorgwekkend gedrag.")
            )
        if case.is_closed:
            raise ValidationError(_("Dit traject is afgesloten."))
        errors = input_errors(case, data)
        if errors:
            raise ValidationError(errors)
        assert data.recipient is not None
        now = timezone.now()
        consented = data.route == rules.ACUTE and data.consent_by is not None
        request = SharingRequest.objects.create(
            case=case,
            pupil=case.pupil,
            school_id=case.school_id,
            route=data.route,
            recipient=data.recipient,
            what=data.what.strip(),
            purpose=data.purpose.strip(),
            answers={k: data.answers[k] for k in rules.QUESTION_KEYS if k in data.answers}
            if data.route == rules.WEIGHED
            else {},
            rationales={
                k: data.rationales[k].strip() for k in rules.QUESTION_KEYS if k in data.rationales
            }
            if data.route == rules.WEIGHED
            else {},
            acute_grounds=sorted(set(data.acute_grounds)) if data.route == rules.ACUTE else [],
            acute_explanation=data.acute_explanation.strip(),
            requested_by=user,
            status=SharingRequest.Status.APPROVED if consented else SharingRequest.Status.AWAITING,
            decided_by=data.consent_by if consented else None,
            decided_at=now if consented else None,
            decision_channel=data.consent_channel if consented else "",
            recorded_by=user if consented else None,
        )
        request.case = case
        if consented and data.consent_channel != SharingRequest.Channel.WRITING:
            _confirmation_task(request, user)
        if consented and data.consent_by is not None:
            # the Board member whose consent was recorded hears of it (and can object)
            notify_many(
                [
                    Note(
                        data.consent_by.pk,
                        f"sharing-consent:{request.pk}",
                        _("Uw instemming met acuut delen is vastgelegd door %(who)s (%(ref)s)")
                        % {"who": user.full_name, "ref": case.reference},
                        reverse("sharing_request_detail", args=[request.pk]),
                    )
                ]
            )
        no_on_weighed = rules.framework_refusal(request.route, request.answers) is not None
        if request.status == SharingRequest.Status.AWAITING and not no_on_weighed:
            # after commit: the Executive Board hears that a request waits (no name)
            notify_many(
                Note(
                    member.pk,
                    f"sharing-request:{request.pk}",
                    _("Verzoek om informatie te delen wacht op uw besluit (%(ref)s)")
                    % {"ref": case.reference},
                    reverse("sharing_request_detail", args=[request.pk]),
                )
                for member in access.sharing_boards_users(case.school)
            )
        record(
            actor,
            EventType.SHARING_REQUESTED,
            **about_request(request),
            data={
                "route": request.route,
                "recipient": request.recipient_id,
                "answers": request.answers,
                "acute_grounds": request.acute_grounds,
                "consent_recorded": consented,
            },
        )
    return request


def _confirmation_task(request: SharingRequest, user: User) -> None:
    due = timezone.localdate() + dt.timedelta(days=CONFIRM_WITHIN_DAYS)
    request.confirmation_due = due
    request.save(update_fields=["confirmation_due"])
    CaseTask.objects.create(
        case_id=request.case_id,
        kind=CaseTask.Kind.REVIEW,
        key=f"sharing:{request.pk}:confirm",
        title=_("Schriftelijke bevestiging van het College van Bestuur vastleggen"),
        step="",
        due_on=due,
        created_by=user,
    )


def _locked(request: SharingRequest, version: int | None) -> SharingRequest:
    fresh = (
        SharingRequest.objects.select_for_update()
        .select_related("case__pupil__school", "school", "recipient", "pupil__school")
        .get(pk=request.pk)
    )
    if version is not None and fresh.version != version:
        raise ConflictError
    return fresh


def do_decide(
    request: SharingRequest,
    *,
    approve: bool,
    note: str = "",
    actor: Actor,
    version: int | None = None,
) -> SharingRequest:
    """The Executive Board approves or refuses, in Vangnet."""
    user = _user(actor)
    with transaction.atomic():
        request = _locked(request, version)
        if not access.can_approve_sharing(user, request):
            raise PermissionDenied
        refusal = rules.approval_refusal(request.route, request.answers, request.status)
        if refusal is not None and (approve or refusal.status == 409):
            raise SharingRefused(refusal)
        if not approve and len(note.strip()) < 5:
            raise ValidationError({"note": _("Schrijf kort waarom het College niet instemt.")})
        request.status = (
            SharingRequest.Status.APPROVED if approve else SharingRequest.Status.REFUSED
        )
        request.decided_by = user
        request.decided_at = timezone.now()
        request.decision_channel = SharingRequest.Channel.IN_APP
        request.decision_note = note.strip()
        request.version += 1
        request.save()
        record(
            actor,
            EventType.SHARING_DECIDED,
            **about_request(request),
            data={"approved": approve},
        )
    return request


def do_share(
    request: SharingRequest,
    *,
    shared_on: dt.date | None = None,
    actor: Actor,
    version: int | None = None,
) -> SharingRequest:
    """Record that the information went out: only an approved request whose weighing
    allows it. The exchange enters the register with its basis."""
    user = _user(actor)
    shared_on = shared_on or timezone.localdate()
    if shared_on > timezone.localdate():
        raise ValidationError({"shared_on": _("Deze datum ligt in de toekomst.")})
    with transaction.atomic():
        request = _locked(request, version)
        if not access.can_work_on_case(user, request.case):
            raise PermissionDenied
        refusal = rules.share_refusal(request.route, request.answers, request.status)
        if refusal is not None:
            raise SharingRefused(refusal)
        if request.case.is_closed:
            raise SharingRefused(rules.Refusal(409, rules.RULE_CASE_CLOSED))
        basis = (
            ExternalExchange.Basis.WEIGHED
            if request.route == rules.WEIGHED
            else ExternalExchange.Basis.ACUTE
        )
        exchange = store_exchange(
            request.pupil,
            ExchangeInput(
                partner=request.recipient,
                what=request.what,
                purpose=request.purpose,
                exchanged_on=shared_on,
                case=request.case,
            ),
            basis=basis,
            consent=None,
            actor=actor,
        )
        request.status = SharingRequest.Status.SHARED
        request.shared_at = timezone.now()
        request.shared_by = user
        request.exchange = exchange
        request.version += 1
        request.save()
        record(
            actor,
            EventType.SHARING_DONE,
            **about_request(request),
            data={"exchange": exchange.pk, "basis": basis},
        )
    return request


def do_confirm(request: SharingRequest, *, confirmed_on: dt.date, actor: Actor) -> SharingRequest:
    """The Executive Board's written confirmation of a consent given by phone arrived."""
    user = _user(actor)
    if confirmed_on > timezone.localdate():
        raise ValidationError({"confirmed_on": _("Deze datum ligt in de toekomst.")})
    with transaction.atomic():
        request = _locked(request, None)
        if not access.can_work_on_case(user, request.case):
            raise PermissionDenied
        if request.confirmation_due is None or request.confirmed_on is not None:
            raise ValidationError(_("Hier is geen bevestiging nodig."))
        request.confirmed_on = confirmed_on
        request.version += 1
        request.save(update_fields=["confirmed_on", "version"])
        CaseTask.objects.filter(key=f"sharing:{request.pk}:confirm", done_at__isnull=True).update(
            done_at=timezone.now(), done_by=user
        )
        record(actor, EventType.SHARING_CONFIRMED, **about_request(request), data={})
    return request


def answers_from(mapping: Mapping[str, object]) -> dict[str, str]:
    """The yes/no answers of a form or an API body (booleans accepted)."""
    out: dict[str, str] = {}
    for key in rules.QUESTION_KEYS:
        value = mapping.get(key)
        if value is True or value == rules.YES:
            out[key] = rules.YES
        elif value is False or value == rules.NO:
            out[key] = rules.NO
    return out


def grounds_from(values: Sequence[object]) -> list[str]:
    return [str(v) for v in values]
