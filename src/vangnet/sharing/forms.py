"""Forms of the sharing pages: the request on either route, the Executive Board's decision,
"the information was shared" and "the written confirmation arrived".

The forms parse what was typed and say at once what the rules of decision framework 2
refuse (a "no" on the weighed route); :mod:`vangnet.sharing.actions` checks everything
again when saving, and the views put its refusals on the fields they name.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.accounts.models import User
from vangnet.cases.forms import mark_conditional
from vangnet.core.submissions import OnceFormMixin
from vangnet.lib import sharing as rules
from vangnet.organisations.models import Partner
from vangnet.sharing.actions import MAX_TEXT, SharingInput, refusal_text
from vangnet.sharing.models import SharingRequest

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]
YES_NO = [(rules.YES, _("Ja")), (rules.NO, _("Nee"))]

# What to do instead when a question of the weighed route is answered "no".
INSTEAD = {
    "all_options_used": _(
        "Benut eerst de mogelijkheden binnen de instelling: opschalen, ondersteuning door de "
        "studentendecaan, het multidisciplinair overleg. Helpt dat niet, dan beantwoordt u de "
        "vragen opnieuw."
    ),
    "consent_sought": _(
        "Probeer eerst toestemming van de student te krijgen. Geeft de student toestemming, "
        "dan deelt u op grond van die toestemming (vastleggen bij ‘Toestemmingen en "
        "uitwisselingen’) en is dit verzoek niet nodig."
    ),
    "necessary": _(
        "Is delen niet nodig om het risico te verkleinen, dan deelt u niet. Volg de zorg "
        "verder in het traject."
    ),
}
NO_HERE = _("Met ‘nee’ op deze vraag kan de informatie niet via de afweging naar buiten.")
ACUTE_HINT = _("Is er acuut gevaar? Kies dan de acute route.")
CHANNELS = [
    (SharingRequest.Channel.PHONE.value, SharingRequest.Channel.PHONE.label),
    (SharingRequest.Channel.IN_PERSON.value, SharingRequest.Channel.IN_PERSON.label),
    (SharingRequest.Channel.WRITING.value, SharingRequest.Channel.WRITING.label),
]


def rationale_name(key: str) -> str:
    return f"rationale_{key}"


def text_field(label: Any, *, required: bool = True, help_text: Any = "", rows: int = 3) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": _("Houd de tekst korter dan 10.000 tekens.")},
    )


def date_field(label: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={
            "required": _("Vul een datum in."),
            "invalid": _("Vul een geldige datum in, bijvoorbeeld 15-03-2026."),
        },
    )


class _PartnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.organisation} ({obj.get_kind_display()})"


class _BoardMemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class RequestForm(OnceFormMixin):
    """What both routes ask: to whom (the board's social map), what and why."""

    route = rules.WEIGHED

    recipient = _PartnerChoice(
        queryset=Partner.objects.none(),
        label=_("Aan wie?"),
        help_text=_("Een organisatie van de sociale kaart, bijvoorbeeld de politie of de GGZ."),
        empty_label="—",
        error_messages={
            "required": _("Kies de organisatie van de sociale kaart die het ontvangt."),
            "invalid_choice": _("Kies de organisatie van de sociale kaart die het ontvangt."),
        },
    )
    what = text_field(
        _("Welke informatie?"),
        help_text=_("Alleen wat nodig is voor het doel; geen volledig dossier."),
    )
    purpose = text_field(_("Met welk doel?"), rows=2)

    def __init__(self, *args: Any, partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recipient = self.fields["recipient"]
        assert isinstance(recipient, forms.ModelChoiceField)
        recipient.queryset = partners.order_by("kind", "organisation")
        self.fields["what"].error_messages["required"] = _(
            "Beschrijf welke informatie u wilt delen."
        )
        self.fields["purpose"].error_messages["required"] = _("Beschrijf met welk doel.")

    def base_input(self) -> SharingInput:
        data = self.cleaned_data
        return SharingInput(
            route=self.route,
            recipient=data["recipient"],
            what=data["what"],
            purpose=data["purpose"],
        )


class WeighedForm(RequestForm):
    """Decision framework 2: three yes/no questions, each with a rationale. A "no" ends the
    route: the form says so, with what to do instead, and nothing is saved."""

    route = rules.WEIGHED

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, text in rules.QUESTIONS:
            self.fields[key] = forms.ChoiceField(
                label=_(text),
                choices=YES_NO,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[rationale_name(key)] = text_field(
                _("Onderbouwing"),
                required=False,
                help_text=_("Waarop baseert u dit antwoord?"),
            )
            mark_conditional(self.fields[key])
            mark_conditional(self.fields[rationale_name(key)])
        self.refusal = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        noes = tuple(key for key in rules.QUESTION_KEYS if data.get(key) == rules.NO)
        if noes:
            # the questions after a "no" need no answer: the route ends there
            self.refusal = refusal_text(
                rules.Refusal(422, rules.RULE_ALL_YES, (("questions", noes),))
            )
            self.add_error(None, self.refusal)
            for key in noes:
                self.add_error(key, NO_HERE)
            return data
        for key in rules.QUESTION_KEYS:
            if not data.get(key):
                self.add_error(key, _("Beantwoord deze vraag met ja of nee."))
            if not (data.get(rationale_name(key)) or "").strip():
                self.add_error(rationale_name(key), _("Onderbouw het antwoord."))
        return data

    def questions(self) -> list[dict[str, Any]]:
        """The questions in order, each with what follows a "yes" and a "no" (the page's
        guided walk: ``data-yes``/``data-no`` name the next section)."""
        keys = rules.QUESTION_KEYS
        rows = []
        for number, key in enumerate(keys, 1):
            rows.append(
                {
                    "key": key,
                    "number": number,
                    "answer": self[key],
                    "rationale": self[rationale_name(key)],
                    "yes": keys[number] if number < len(keys) else "allowed",
                    "no": f"stop_{key}",
                    "instead": INSTEAD[key],
                }
            )
        return rows

    def sharing_input(self) -> SharingInput:
        data = self.cleaned_data
        result = self.base_input()
        result.answers = {k: data[k] for k in rules.QUESTION_KEYS if data.get(k)}
        result.rationales = {
            k: data.get(rationale_name(k), "").strip() for k in rules.QUESTION_KEYS
        }
        return result


class AcuteForm(RequestForm):
    """The acute route: danger to the student, danger to others or a criminal offence. The
    Executive Board's consent, when it was already given outside Vangnet, is recorded with
    who gave it and how."""

    route = rules.ACUTE

    acute_grounds = forms.MultipleChoiceField(
        label=_("Waarom is het acuut?"),
        choices=[(key, _(label)) for key, label in rules.ACUTE_GROUNDS],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kies wat van toepassing is; ten minste één."),
        error_messages={
            "required": _(rules.RULE_ACUTE_GROUND),
            "invalid_choice": _(rules.RULE_ACUTE_GROUND),
        },
    )
    acute_explanation = text_field(_("Wat is er aan de hand?"))
    board_consented = forms.BooleanField(
        label=_("Het College van Bestuur stemde al in"),
        required=False,
        help_text=_(
            "Alleen als een lid van het College al instemde, bijvoorbeeld aan de telefoon. "
            "Anders beslist het College in Vangnet."
        ),
    )
    consent_by = _BoardMemberChoice(
        queryset=User.objects.none(),
        label=_("Wie van het College stemde in?"),
        required=False,
        empty_label="—",
        error_messages={
            "invalid_choice": _("Kies het lid van het College van Bestuur dat instemde.")
        },
    )
    consent_channel = forms.ChoiceField(
        label=_("Hoe stemde het College in?"),
        choices=CHANNELS,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Telefonisch of mondeling: Vangnet zet een taak klaar om binnen twee dagen de "
            "schriftelijke bevestiging van het College vast te leggen."
        ),
        error_messages={"invalid_choice": _("Kies hoe het College instemde.")},
    )

    def __init__(self, *args: Any, board_members: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        consent_by = self.fields["consent_by"]
        assert isinstance(consent_by, forms.ModelChoiceField)
        consent_by.queryset = board_members
        self.fields["acute_explanation"].error_messages["required"] = _(
            "Beschrijf kort wat er acuut aan de hand is."
        )
        mark_conditional(consent_by)
        mark_conditional(self.fields["consent_channel"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("board_consented"):
            if not data.get("consent_by") and "consent_by" not in self.errors:
                self.add_error(
                    "consent_by", _("Kies het lid van het College van Bestuur dat instemde.")
                )
            if not data.get("consent_channel") and "consent_channel" not in self.errors:
                self.add_error("consent_channel", _("Kies hoe het College instemde."))
        elif data.get("consent_by") or data.get("consent_channel"):
            self.add_error(
                "board_consented",
                _(
                    "Vink aan dat het College al instemde, of laat wie en hoe leeg als het "
                    "College nog moet beslissen."
                ),
            )
        return data

    def sharing_input(self) -> SharingInput:
        data = self.cleaned_data
        result = self.base_input()
        result.acute_grounds = list(data["acute_grounds"])
        result.acute_explanation = data["acute_explanation"]
        if data.get("board_consented"):
            result.consent_by = data["consent_by"]
            result.consent_channel = data["consent_channel"]
        return result


class DecideForm(OnceFormMixin):
    """The Executive Board approves or refuses; a refusal says why."""

    decision = forms.ChoiceField(
        label=_("Besluit van het College van Bestuur"),
        choices=[
            ("approve", _("Instemmen: de informatie mag gedeeld worden")),
            ("refuse", _("Niet instemmen")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies: instemmen of niet instemmen.")},
    )
    note = text_field(
        _("Toelichting"),
        required=False,
        help_text=_("Verplicht als het College niet instemt. De aanvrager leest dit."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_decide_%s")
        super().__init__(*args, **kwargs)
        mark_conditional(self.fields["note"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "refuse" and len((data.get("note") or "").strip()) < 5:
            self.add_error("note", _("Schrijf kort waarom het College niet instemt."))
        return data


class _DayForm(OnceFormMixin):
    """One date, today or earlier (today by default, computed per form)."""

    day_field = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        field = self.fields[self.day_field]
        field.initial = today
        field.widget.attrs["max"] = today.isoformat()

    def day(self) -> Any:
        return self.cleaned_data[self.day_field]


class ShareForm(_DayForm):
    day_field = "shared_on"
    shared_on = date_field(
        _("Gedeeld op"),
        help_text=_("De informatie gaat in het register van uitwisselingen, met de grondslag."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_share_%s")
        super().__init__(*args, **kwargs)


class ConfirmForm(_DayForm):
    day_field = "confirmed_on"
    confirmed_on = date_field(_("Bevestiging ontvangen op"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_confirm_%s")
        super().__init__(*args, **kwargs)
