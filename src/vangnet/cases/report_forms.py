"""The form of the Meldcode report (see :mod:`vangnet.cases.report`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vangnet.core.submissions import OnceFormMixin


def _text(
    label: Any, rows: int = 3, *, required: bool = False, help_text: Any = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": gettext_lazy("Dit veld is verplicht.")},
    )


class MeldcodeReportForm(OnceFormMixin):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    report_date = forms.DateField(
        label=gettext_lazy("Datum"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={
            "required": gettext_lazy("Vul de datum in."),
            "invalid": gettext_lazy("Vul een geldige datum in."),
        },
    )
    contact_person = forms.CharField(
        label=gettext_lazy("Contactpersoon"),
        max_length=200,
        help_text=gettext_lazy("Wie kan het bestuur vragen stellen over dit traject?"),
        error_messages={"required": gettext_lazy("Vul de contactpersoon in.")},
    )
    subject = forms.CharField(
        label=gettext_lazy("Onderwerp"),
        max_length=300,
        error_messages={"required": gettext_lazy("Vul het onderwerp in.")},
    )
    description = _text(gettext_lazy("Omschrijving"), 5, required=True)
    public_unrest = forms.BooleanField(
        label=gettext_lazy("Er was maatschappelijke onrust"),
        required=False,
        help_text=gettext_lazy(
            "Bijvoorbeeld aandacht van ouders, de buurt, de pers of sociale media."
        ),
    )
    non_professionals = _text(
        gettext_lazy("Betrokken niet-professionals"),
        2,
        help_text=gettext_lazy(
            "Bijvoorbeeld familie, buren of andere ouders: beschrijf hun rol, zonder namen."
        ),
    )
    activities = _text(
        gettext_lazy("Ondernomen activiteiten"),
        12,
        required=True,
        help_text=gettext_lazy("Ingevuld vanuit het traject; vul aan of pas aan waar nodig."),
    )
    reported = forms.BooleanField(
        label=gettext_lazy("Er is een melding gedaan bij Veilig Thuis"), required=False
    )
    informed = _text(
        gettext_lazy("Wie zijn ingelicht?"),
        4,
        help_text=gettext_lazy("Zijn de betrokkenen (ouders, kind) op de hoogte gebracht?"),
    )
    external_consultation = _text(
        gettext_lazy("Extern overleg"),
        3,
        help_text=gettext_lazy("Overleg met externe deskundigen en Veilig Thuis: datum en wie."),
    )
    bottlenecks = _text(
        gettext_lazy("Knelpunten"),
        3,
        help_text=gettext_lazy("Wat liep niet goed, of wat had de school nodig?"),
    )
    remarks = _text(gettext_lazy("Opmerkingen"), 2)

    def __init__(self, *args: Any, reference: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["description"].help_text = _(
            "Beschrijf kort wat er speelde. Noem geen namen: het kenmerk %(ref)s staat voor de "
            "leerling. Namen die Vangnet kent, worden bij het opslaan vervangen door "
            "voorletters."
        ) % {"ref": reference}

    def clean_report_date(self) -> Any:
        day = self.cleaned_data["report_date"]
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("Deze datum ligt in de toekomst."))
        return day

    def values(self) -> dict[str, Any]:
        return {
            k: v for k, v in self.cleaned_data.items() if k not in ("submission_token", "version")
        }
