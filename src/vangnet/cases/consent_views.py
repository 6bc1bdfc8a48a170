"""The consent register of a pupil and the record of exchanges with outside parties.

Access (core/access/): the care coordinator and the director of the pupil's school read
and write the register; a colleague who may open the pupil gets 403; others 404. Sharing
with a partner other than Veilig Thuis needs a valid consent for that partner
(cases/consent.py blocks it otherwise); sharing inside the school needs none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vangnet.cases import consent as actions
from vangnet.cases.consent_forms import ConsentForm, ExchangeForm, WithdrawForm
from vangnet.cases.models import Case, Consent
from vangnet.core import access
from vangnet.core.audit import Actor, about_pupil, record_read
from vangnet.core.http import AuthedRequest
from vangnet.core.models import EventType
from vangnet.core.submissions import run_once
from vangnet.lib import consent as rules
from vangnet.organisations.models import Partner, Pupil


def _read(
    request: AuthedRequest,
    pupil: Pupil,
    event: EventType,
    page: str,
    consent: Consent | None = None,
) -> None:
    """The page shows pupil data: its read event commits before it is rendered."""
    record_read(
        Actor.from_request(request),
        event,
        **about_pupil(pupil),
        object_type="consent" if consent else "pupil",
        object_id=str(consent.pk if consent else pupil.pk),
        data={"page": page},
    )


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error.messages)
    else:
        form.add_error(None, exc.messages)


def _submit(
    request: AuthedRequest, form: forms.Form, create: Callable[[], str], done: str
) -> HttpResponse | None:
    """Run ``create`` once per form token: a redirect on success, None to show the form
    again with the action's messages on its fields."""
    try:
        url, created = run_once(request.user, form.cleaned_data["submission_token"], create)
    except ValidationError as exc:
        _add_errors(form, exc)
        return None
    if created:
        messages.success(request, done)
    return HttpResponseRedirect(url)


def _register_url(pupil: Pupil | int) -> str:
    return reverse("consent_register", args=[pupil if isinstance(pupil, int) else pupil.pk])


def _partners(request: AuthedRequest, pupil: Pupil) -> QuerySet[Partner]:
    """The social map of the pupil's board."""
    return access.visible_partners(request.user).filter(board_id=pupil.school.board_id)


@dataclass(frozen=True)
class ConsentRow:
    consent: Consent
    status: str  # "valid", "withdrawn", "expired"
    label: str


def consent_status(consent: Consent, today: dt.date) -> ConsentRow:
    if consent.withdrawn_on is not None:
        date = date_format(consent.withdrawn_on, "j F Y")
        return ConsentRow(consent, "withdrawn", _("ingetrokken op %(date)s") % {"date": date})
    if consent.valid_until is not None and consent.valid_until < today:
        return ConsentRow(consent, "expired", _("verlopen"))
    if consent.superseded_on(today):
        return ConsentRow(
            consent, "expired", _("vervallen: de leerling is 16 en geeft nu zelf toestemming")
        )
    return ConsentRow(consent, "valid", _("geldig"))


@login_required
@require_GET
def consent_register(request: AuthedRequest, pupil_id: int) -> HttpResponse:
    user = request.user
    pupil = access.access_consents_of(user, pupil_id)
    today = timezone.localdate()
    consents = [
        consent_status(c, today)
        for c in access.visible_consents(user)
        .filter(pupil=pupil)
        .select_related("recipient", "guardian", "pupil")
        .order_by("-given_on", "-id")
    ]
    exchanges = list(
        access.visible_exchanges(user)
        .filter(pupil=pupil)
        .select_related("partner", "case", "consent")
        .order_by("-exchanged_on", "-id")
    )
    _read(request, pupil, EventType.CONSENTS_VIEWED, "register")
    age = pupil.age(today)
    context = {
        "pupil": pupil,
        "age": age,
        "consents": consents,
        "exchanges": exchanges,
        "decides_self": age >= rules.OWN_CONSENT_AGE,
        "parents_gave_valid": any(
            row.status == "valid" and row.consent.given_by == Consent.GivenBy.GUARDIAN
            for row in consents
        ),
    }
    return render(request, "cases/consent_register.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def consent_create(request: AuthedRequest, pupil_id: int) -> HttpResponse:
    user = request.user
    pupil = access.access_consents_of(user, pupil_id)
    links = list(
        pupil.guardian_links.select_related("guardian").order_by(
            "-parental_authority", "guardian__name"
        )
    )
    form = ConsentForm(
        request.POST or None,
        partners=_partners(request, pupil),
        links=links,
        pupil=pupil,
        provider=f"{user.full_name}, {pupil.school.name}" if user.full_name else "",
    )
    if request.method == "POST" and form.is_valid():

        def create() -> str:
            actions.do_record_consent(pupil, form.to_input(), actor=Actor.from_request(request))
            return _register_url(pupil)

        if response := _submit(request, form, create, _("De toestemming is vastgelegd.")):
            return response
    _read(request, pupil, EventType.PUPIL_VIEWED, "consent_form")
    today = timezone.localdate()
    return render(
        request,
        "cases/consent_form.html",
        {
            "pupil": pupil,
            "form": form,
            "links": links,
            "age": pupil.age(today),
            "own_consent_age": rules.OWN_CONSENT_AGE,
            "own_consent_from": rules.own_consent_from(pupil.date_of_birth),
            "decides_self": pupil.age(today) >= rules.OWN_CONSENT_AGE,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: AuthedRequest, consent_id: int) -> HttpResponse:
    consent = access.access_consent(request.user, consent_id)
    pupil = consent.pupil
    already = _("Deze toestemming was al ingetrokken op %(date)s.")
    if request.method == "POST" and consent.withdrawn_on is not None:
        messages.info(request, already % {"date": date_format(consent.withdrawn_on, "j F Y")})
        return HttpResponseRedirect(_register_url(consent.pupil_id))
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create() -> str:
            actions.do_withdraw_consent(
                consent,
                on=data["withdrawn_on"],
                note=data["note"],
                actor=Actor.from_request(request),
            )
            return _register_url(consent.pupil_id)

        done = _(
            "De toestemming is ingetrokken. Vanaf %(date)s mag er niets meer op grond van "
            "deze toestemming worden gedeeld."
        ) % {"date": date_format(data["withdrawn_on"], "j F Y")}
        try:
            url, created = run_once(request.user, data["submission_token"], create)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                # Someone withdrew it meanwhile: say so instead of failing.
                messages.info(request, " ".join(exc.messages))
                return HttpResponseRedirect(_register_url(consent.pupil_id))
            _add_errors(form, exc)
        else:
            if created:
                messages.success(request, done)
            return HttpResponseRedirect(url)
    _read(request, pupil, EventType.CONSENTS_VIEWED, "withdraw", consent)
    return render(
        request,
        "cases/consent_withdraw.html",
        {
            "pupil": pupil,
            "consent": consent,
            "row": consent_status(consent, timezone.localdate()),
            "form": form if consent.withdrawn_on is None else None,
        },
    )


def _case_for(request: AuthedRequest, pupil: Pupil) -> Case | None:
    """The case named in ``?traject=``: readable by the user and about this pupil."""
    raw = request.GET.get("traject", "")
    if not raw:
        return None
    case = access.access_case(request.user, raw)
    if case.pupil_id != pupil.pk:
        raise Http404
    return case


@login_required
@require_http_methods(["GET", "POST"])
def exchange_create(request: AuthedRequest, pupil_id: int) -> HttpResponse:
    pupil = access.access_consents_of(request.user, pupil_id)
    case = _case_for(request, pupil)
    partners = _partners(request, pupil)

    def consents_for(partner: Partner, day: dt.date) -> list[Consent]:
        return actions.valid_consents(pupil, partner, day)

    kwargs: dict[str, Any] = {
        "partners": partners,
        "consents_for": consents_for,
        "refresh_url": _exchange_url(pupil, case),
    }
    if request.method == "POST":
        form = ExchangeForm(request.POST, **kwargs)
    else:
        initial = {k: request.GET[k] for k in ("partner", "exchanged_on") if request.GET.get(k)}
        form = ExchangeForm(initial=initial, **kwargs)
    if request.method == "POST" and form.is_valid():
        partner = form.cleaned_data["partner"]

        def create() -> str:
            actions.do_record_exchange(
                pupil, form.to_input(case), actor=Actor.from_request(request)
            )
            return _register_url(pupil)

        done = _("De uitwisseling met %(partner)s is vastgelegd.") % {
            "partner": partner.organisation
        }
        if partner.kind == Partner.Kind.VEILIG_THUIS and form.cleaned_data["consent"] is None:
            done += " " + _(
                "Voor Veilig Thuis is geen toestemming nodig: de grondslag is de Meldcode."
            )
        if response := _submit(request, form, create, done):
            return response
    context = {
        "pupil": pupil,
        "form": form,
        "case": case,
        "blocked": "consent" in form.errors,
        "action_url": _exchange_url(pupil, case),
    }
    _read(request, pupil, EventType.CONSENTS_VIEWED, "exchange_form")
    if getattr(request, "htmx", False) and request.method == "GET":
        # The partner (or date) changed: only the consent choice is swapped.
        return render(request, "cases/consent_exchange_choice.html", context)
    return render(request, "cases/consent_exchange_form.html", context)


def _exchange_url(pupil: Pupil, case: Case | None) -> str:
    url = reverse("exchange_create", args=[pupil.pk])
    return f"{url}?traject={case.pk}" if case else url
