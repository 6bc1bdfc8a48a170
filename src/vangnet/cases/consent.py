"""The consent register and the record of exchanges with outside parties: every function
is one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.cases.models import Case, Consent, ExternalExchange
from vangnet.core.audit import Actor, about_pupil, record
from vangnet.core.models import EventType
from vangnet.lib import consent as rules
from vangnet.organisations.models import Guardian, Partner

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.organisations.models import Pupil


def _user(actor: Actor) -> User:
    if actor.user is None:
        raise ValueError("consent is recorded by a person")
    return actor.user


def giver_message(code: str) -> str:
    return {
        "pupil_too_young": _("Een leerling geeft zelf toestemming vanaf 16 jaar."),
        "pupil_decides": _(
            "De leerling is 16 jaar of ouder en geeft zelf toestemming, niet de ouder."
        ),
        "no_authority": _("Alleen een ouder met ouderlijk gezag kan toestemming geven."),
    }[code]


@dataclass
class ConsentInput:
    recipient: Partner
    what: str
    purpose: str
    provider: str
    given_by: str
    given_on: dt.date
    guardian: Guardian | None = None
    valid_until: dt.date | None = None


def do_record_consent(pupil: Pupil, data: ConsentInput, *, actor: Actor) -> Consent:
    errors: dict[str, str] = {}
    if data.recipient.board_id != pupil.school.board_id:
        errors["recipient"] = _("Kies een partner van de sociale kaart van uw bestuur.")
    if data.given_on > timezone.localdate():
        errors["given_on"] = _("Deze datum ligt in de toekomst.")
    elif data.given_on < pupil.date_of_birth:
        errors["given_on"] = _("Deze datum ligt vóór de geboortedatum van de leerling.")
    if data.valid_until and data.valid_until < data.given_on:
        errors["valid_until"] = _("De einddatum ligt vóór de datum van de toestemming.")
    for name in ("what", "purpose", "provider"):
        if not getattr(data, name).strip():
            errors[name] = _("Dit veld is verplicht.")
    has_authority = False
    if data.given_by == Consent.GivenBy.GUARDIAN:
        link = (
            pupil.guardian_links.filter(guardian=data.guardian).first() if data.guardian else None
        )
        if link is None:
            errors["guardian"] = _("Kies de ouder die toestemming gaf.")
        has_authority = bool(link and link.parental_authority)
    if "given_on" not in errors and "guardian" not in errors:
        problem = rules.giver_problem(
            pupil.date_of_birth, data.given_on, data.given_by, has_authority=has_authority
        )
        if problem:
            errors["given_by"] = giver_message(problem)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        consent = Consent.objects.create(
            pupil=pupil,
            school_id=pupil.school_id,
            recipient=data.recipient,
            what=data.what.strip(),
            purpose=data.purpose.strip(),
            provider=data.provider.strip(),
            given_by=data.given_by,
            guardian=data.guardian if data.given_by == Consent.GivenBy.GUARDIAN else None,
            given_on=data.given_on,
            valid_until=data.valid_until,
            recorded_by=_user(actor),
        )
        record(
            actor,
            EventType.CONSENT_RECORDED,
            **about_pupil(pupil),
            object_type="consent",
            object_id=str(consent.pk),
            data={"recipient": data.recipient.pk, "given_by": data.given_by},
        )
    return consent


def do_withdraw_consent(consent: Consent, *, on: dt.date, note: str, actor: Actor) -> Consent:
    if on > timezone.localdate():
        raise ValidationError({"withdrawn_on": _("Deze datum ligt in de toekomst.")})
    if on < consent.given_on:
        raise ValidationError(
            {"withdrawn_on": _("De intrekking ligt vóór de datum van de toestemming.")}
        )
    with transaction.atomic():
        updated = Consent.objects.filter(pk=consent.pk, withdrawn_on__isnull=True).update(
            withdrawn_on=on, withdrawn_note=note.strip()
        )
        if not updated:
            raise ValidationError(_("Deze toestemming is al ingetrokken."))
        consent.refresh_from_db()
        record(
            actor,
            EventType.CONSENT_WITHDRAWN,
            **about_pupil(consent.pupil),
            object_type="consent",
            object_id=str(consent.pk),
        )
    return consent


def valid_consents(pupil: Pupil, partner: Partner, day: dt.date) -> list[Consent]:
    """Consents that allow sharing with ``partner`` on ``day``: recorded at the pupil's
    current school (the school is the one that provides the information)."""
    consents = list(
        Consent.objects.filter(pupil=pupil, recipient=partner, school_id=pupil.school_id).order_by(
            "-given_on", "-id"
        )
    )
    for consent in consents:
        consent.pupil = pupil
    return [c for c in consents if c.is_valid_on(day)]


@dataclass
class ExchangeInput:
    partner: Partner
    what: str
    purpose: str
    exchanged_on: dt.date
    consent: Consent | None = None
    direction: str = ExternalExchange.Direction.SENT
    case: Case | None = None


def sharing_rule(pupil: Pupil, data: ExchangeInput) -> rules.SharingRule:
    consent_ok = bool(
        data.consent is not None
        and data.consent.pupil_id == pupil.pk
        and data.consent.recipient_id == data.partner.pk
        and data.consent.school_id == pupil.school_id
        and data.consent.is_valid_on(data.exchanged_on)
    )
    return rules.sharing(data.partner.kind == Partner.Kind.VEILIG_THUIS, consent_ok)


def do_record_exchange(pupil: Pupil, data: ExchangeInput, *, actor: Actor) -> ExternalExchange:
    """Record information that went to (or came from) an outside party. Sending to a
    partner other than Veilig Thuis needs valid consent for that partner."""
    errors: dict[str, str] = {}
    if data.partner.board_id != pupil.school.board_id:
        errors["partner"] = _("Kies een partner van de sociale kaart van uw bestuur.")
    if data.exchanged_on > timezone.localdate():
        errors["exchanged_on"] = _("Deze datum ligt in de toekomst.")
    if not data.what.strip():
        errors["what"] = _("Dit veld is verplicht.")
    if not data.purpose.strip():
        errors["purpose"] = _("Dit veld is verplicht.")
    if data.direction not in ExternalExchange.Direction.values:
        errors["direction"] = _("Kies of de school informatie gaf of ontving.")
    if data.case is not None and data.case.pupil_id != pupil.pk:
        errors["case"] = _("Dit traject gaat over een andere leerling.")
    if (
        data.partner.kind == Partner.Kind.VEILIG_THUIS
        and data.direction == ExternalExchange.Direction.SENT
        and data.case is None
    ):
        # what goes to Veilig Thuis about a named pupil is a Meldcode matter: it belongs to
        # the case, where only its members read it
        errors["case"] = _(
            "Informatie aan Veilig Thuis leg je vast bij het zorgtraject (Meldcode) van de "
            "leerling: open het traject en kies daar ‘Uitwisseling vastleggen’. Anoniem "
            "advies vragen leg je vast als overleg in het traject."
        )
    rule = sharing_rule(pupil, data)
    sent = data.direction == ExternalExchange.Direction.SENT
    if not rule.allowed and sent and "partner" not in errors:
        errors["consent"] = _(
            "Er is geen geldige toestemming om informatie over deze leerling met %(partner)s "
            "te delen. Leg eerst de toestemming vast, of deel niets."
        ) % {"partner": data.partner.organisation}
    if errors:
        raise ValidationError(errors)
    # Receiving information needs no consent of the school; it is recorded as received.
    basis: str = rule.basis or ExternalExchange.Basis.RECEIVED
    if data.direction == ExternalExchange.Direction.RECEIVED and rule.basis != "consent":
        basis = ExternalExchange.Basis.RECEIVED
    # only a consent that was valid for this exchange is linked to it
    valid = data.consent if rule.basis == ExternalExchange.Basis.CONSENT else None
    with transaction.atomic():
        return store_exchange(pupil, data, basis=basis, consent=valid, actor=actor)


def store_exchange(
    pupil: Pupil, data: ExchangeInput, *, basis: str, consent: Consent | None, actor: Actor
) -> ExternalExchange:
    """Write an exchange whose basis is settled, with its audit event (ids and codes
    only), inside the caller's transaction."""
    exchange = ExternalExchange.objects.create(
        pupil=pupil,
        school_id=pupil.school_id,
        case=data.case,
        partner=data.partner,
        direction=data.direction,
        basis=basis,
        consent=consent,
        what=data.what.strip(),
        purpose=data.purpose.strip(),
        exchanged_on=data.exchanged_on,
        recorded_by=_user(actor),
    )
    record(
        actor,
        EventType.EXCHANGE_RECORDED,
        **about_pupil(pupil),
        object_type="exchange",
        object_id=str(exchange.pk),
        data={
            "partner": data.partner.pk,
            "basis": basis,
            "direction": data.direction,
            "case": data.case.pk if data.case else None,
        },
    )
    return exchange
