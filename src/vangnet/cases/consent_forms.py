"""Forms of the consent register: recording and withdrawing a consent, and recording an
exchange of information with an outside party."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from vangnet.cases.consent import ConsentInput, ExchangeInput
from vangnet.cases.models import Case, Consent, ExternalExchange
from vangnet.core.submissions import OnceFormMixin
from vangnet.organisations.models import Guardian, GuardianLink, Partner, Pupil

DATE_WIDGET = {"format": "%Y-%m-%d", "attrs": {"type": "date"}}
DATE_ERRORS = {"required": _("Vul de datum in."), "invalid": _("Vul een geldige datum in.")}
NOT_ON_MAP = _("Kies een partner van de sociale kaart van uw bestuur.")


class PartnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.organisation} ({obj.get_kind_display()})"


class GuardianField(forms.ModelChoiceField):
    """The pupil's guardians, each labelled with the relation and parental authority."""

    def __init__(self, links: list[GuardianLink], **kwargs: Any) -> None:
        self.links = {link.guardian_id: link for link in links}
        queryset = Guardian.objects.filter(pk__in=list(self.links))
        super().__init__(queryset=queryset, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        link = self.links[obj.pk]
        authority = _t("met ouderlijk gezag") if link.parental_authority else _t("zonder gezag")
        return f"{obj.name} ({link.get_relation_display()}, {authority})"


class ConsentForm(OnceFormMixin):
    recipient = PartnerField(
        label=_("Aan wie mag de informatie worden gegeven?"),
        queryset=Partner.objects.none(),
        empty_label=_("— kies een partner —"),
        help_text=_(
            "Een partner van de sociale kaart. Voor Veilig Thuis is geen toestemming nodig; "
            "Veilig Thuis staat daarom niet in deze lijst."
        ),
        error_messages={"required": _("Kies de partner."), "invalid_choice": NOT_ON_MAP},
    )
    what = forms.CharField(
        label=_("Welke informatie mag worden gedeeld?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Zo precies mogelijk, bijvoorbeeld: het verslag van het gesprek van 3 maart."),
        error_messages={"required": _("Beschrijf welke informatie gedeeld mag worden.")},
    )
    purpose = forms.CharField(
        label=_("Met welk doel?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Beschrijf waarvoor de informatie nodig is.")},
    )
    provider = forms.CharField(
        label=_("Wie geeft de informatie door?"),
        max_length=200,
        help_text=_("Bijvoorbeeld de intern begeleider van de school."),
        error_messages={"required": _("Vul in wie de informatie doorgeeft.")},
    )
    given_by = forms.ChoiceField(
        label=_("Wie gaf de toestemming?"),
        choices=Consent.GivenBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies wie de toestemming gaf.")},
    )
    guardian = forms.ModelChoiceField(
        label=_("Welke ouder?"),
        queryset=Guardian.objects.none(),
        required=False,
        empty_label=_("— kies een ouder —"),
        help_text=_(
            "Als een ouder toestemming gaf: welke. Alleen een ouder met ouderlijk gezag kan "
            "toestemming geven."
        ),
        error_messages={"invalid_choice": _("Kies een ouder of verzorger van deze leerling.")},
    )
    given_on = forms.DateField(
        label=_("Datum van de toestemming"),
        widget=forms.DateInput(**DATE_WIDGET),  # type: ignore[arg-type]
        error_messages=DATE_ERRORS,
    )
    valid_until = forms.DateField(
        label=_("Geldig tot en met"),
        required=False,
        widget=forms.DateInput(**DATE_WIDGET),  # type: ignore[arg-type]
        help_text=_("Leeg laten als er geen einddatum is afgesproken."),
        error_messages={"invalid": _("Vul een geldige datum in.")},
    )

    def __init__(
        self,
        *args: Any,
        partners: QuerySet[Partner],
        links: list[GuardianLink],
        pupil: Pupil,
        provider: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        recipient = self.fields["recipient"]
        assert isinstance(recipient, forms.ModelChoiceField)
        recipient.queryset = partners.exclude(kind=Partner.Kind.VEILIG_THUIS)
        self.fields["guardian"] = GuardianField(
            links,
            label=self.fields["guardian"].label,
            required=False,
            empty_label=_("— kies een ouder —"),
            help_text=self.fields["guardian"].help_text,
            error_messages=self.fields["guardian"].error_messages,
        )
        today = timezone.localdate()
        self.initial.setdefault("given_on", today)
        self.initial.setdefault("provider", provider)
        older = pupil.age(today) >= 16
        self.initial.setdefault(
            "given_by", Consent.GivenBy.PUPIL if older else Consent.GivenBy.GUARDIAN
        )
        with_authority = [link for link in links if link.parental_authority]
        if not older and len(with_authority) == 1:
            self.initial.setdefault("guardian", with_authority[0].guardian_id)

    def to_input(self) -> ConsentInput:
        data = self.cleaned_data
        return ConsentInput(
            recipient=data["recipient"],
            what=data["what"],
            purpose=data["purpose"],
            provider=data["provider"],
            given_by=data["given_by"],
            given_on=data["given_on"],
            guardian=data.get("guardian"),
            valid_until=data.get("valid_until"),
        )


class WithdrawForm(OnceFormMixin):
    withdrawn_on = forms.DateField(
        label=_("Ingetrokken op"),
        widget=forms.DateInput(**DATE_WIDGET),  # type: ignore[arg-type]
        error_messages=DATE_ERRORS,
    )
    note = forms.CharField(
        label=_("Toelichting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bijvoorbeeld: hoe en door wie de toestemming werd ingetrokken."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("withdrawn_on", timezone.localdate())


def consent_label(consent: Consent) -> str:
    """One line that tells consents for the same partner apart."""
    given = date_format(consent.given_on, "j F Y")
    label = _t("gegeven op %(date)s") % {"date": given}
    if consent.valid_until:
        label += ", " + _t("geldig t/m %(date)s") % {
            "date": date_format(consent.valid_until, "j F Y")
        }
    what = consent.what if len(consent.what) <= 80 else consent.what[:79] + "…"
    return f"{label}: {what}"


class ExchangeForm(OnceFormMixin):
    partner = PartnerField(
        label=_("Met welke partner?"),
        queryset=Partner.objects.none(),
        empty_label=_("— kies een partner —"),
        error_messages={"required": _("Kies de partner."), "invalid_choice": NOT_ON_MAP},
    )
    direction = forms.ChoiceField(
        label=_("Richting"),
        choices=ExternalExchange.Direction.choices,
        initial=ExternalExchange.Direction.SENT,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies of de school informatie gaf of ontving.")},
    )
    exchanged_on = forms.DateField(
        label=_("Datum"),
        widget=forms.DateInput(**DATE_WIDGET),  # type: ignore[arg-type]
        error_messages=DATE_ERRORS,
    )
    what = forms.CharField(
        label=_("Welke informatie?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Beschrijf welke informatie is uitgewisseld.")},
    )
    purpose = forms.CharField(
        label=_("Met welk doel?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Beschrijf waarvoor de informatie nodig was.")},
    )
    # A select whose value is checked in clean_consent (not by the field's choices).
    consent = forms.CharField(
        label=_("Op basis van welke toestemming?"),
        required=False,
        widget=forms.Select,
        help_text=_("Alleen toestemmingen die op de gekozen datum gelden voor deze partner."),
    )

    def __init__(
        self,
        *args: Any,
        partners: QuerySet[Partner],
        consents_for: Callable[[Partner, dt.date], list[Consent]],
        refresh_url: str = "",
        **kwargs: Any,
    ) -> None:
        """``consents_for(partner, day)`` lists the consents valid for that partner on
        that day; the choices follow the partner and date in the submitted data. With
        ``refresh_url`` (and htmx) a change of partner or date swaps the consent choice."""
        super().__init__(*args, **kwargs)
        partner_field = self.fields["partner"]
        assert isinstance(partner_field, forms.ModelChoiceField)
        partner_field.queryset = partners
        if refresh_url:
            for name, other in (("partner", "exchanged_on"), ("exchanged_on", "partner")):
                self.fields[name].widget.attrs.update(
                    {
                        "hx-get": refresh_url,
                        "hx-target": "#consent-choice",
                        "hx-swap": "outerHTML",
                        "hx-trigger": "change",
                        # only the partner and date travel in the URL, never free text
                        "hx-include": f"[name='{other}']",
                    }
                )
        self.initial.setdefault("exchanged_on", timezone.localdate())
        self.chosen_partner = self._chosen_partner(partners)
        self.options: list[Consent] = []
        if self.chosen_partner is not None:
            self.options = consents_for(self.chosen_partner, self._chosen_day())
        widget = self.fields["consent"].widget
        assert isinstance(widget, forms.Select)
        widget.choices = [("", _t("— geen toestemming gekozen —"))] + [
            (str(c.pk), consent_label(c)) for c in self.options
        ]

    def _raw(self, name: str) -> str:
        source = self.data if self.is_bound else self.initial
        value = source.get(name, "")
        return str(value.pk if isinstance(value, Partner) else value or "")

    def _chosen_partner(self, partners: QuerySet[Partner]) -> Partner | None:
        raw = self._raw("partner")
        if not raw.isdigit() or len(raw) > 18:
            return None
        return partners.filter(pk=int(raw)).first()

    def _chosen_day(self) -> dt.date:
        raw = self._raw("exchanged_on")
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            return timezone.localdate()

    @property
    def is_veilig_thuis(self) -> bool:
        return bool(self.chosen_partner and self.chosen_partner.kind == Partner.Kind.VEILIG_THUIS)

    def clean_consent(self) -> Consent | None:
        """A consent that is not (or no longer) among the valid ones counts as none: the
        action then blocks the exchange and the page lists the valid consents."""
        raw = self.cleaned_data.get("consent", "")
        return next((c for c in self.options if str(c.pk) == raw), None)

    def to_input(self, case: Case | None) -> ExchangeInput:
        data = self.cleaned_data
        return ExchangeInput(
            partner=data["partner"],
            what=data["what"],
            purpose=data["purpose"],
            exchanged_on=data["exchanged_on"],
            consent=data.get("consent"),
            direction=data["direction"],
            case=case,
        )
