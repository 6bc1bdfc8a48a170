from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from vangnet.core.actions import MIN_REASON_LENGTH
from vangnet.core.roles import Role
from vangnet.core.submissions import OnceFormMixin
from vangnet.organisations.models import Board, Partner

phone_validator = RegexValidator(
    r"^[0-9+() \-]{6,20}$",
    _("Vul een telefoonnummer in met alleen cijfers, spaties, +, - of haakjes."),
)


class PupilSearchForm(forms.Form):
    q = forms.CharField(label=_("Naam of leerlingnummer"), required=False, max_length=100)
    school = forms.IntegerField(label=_("School"), required=False, widget=forms.Select)


class BreakGlassForm(OnceFormMixin):
    reason = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=MIN_REASON_LENGTH,
        max_length=2000,
        help_text=_(
            "Waarom moet je deze leerling nu zien? De intern begeleider en de "
            "functionaris gegevensbescherming zien deze reden."
        ),
        error_messages={
            "required": _("Vul een reden in."),
            "min_length": _("Beschrijf de reden in minstens %(limit_value)d tekens."),
        },
    )


class PartnerForm(OnceFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Partner
        fields = [
            "kind",
            "organisation",
            "contact_name",
            "phone",
            "email",
            "opening_hours",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "organisation": {"required": _("Vul de naam van de organisatie in.")},
            "email": {"invalid": _("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].validators.append(phone_validator)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("phone") and not data.get("email"):
            raise forms.ValidationError(
                _(
                    "Vul een telefoonnummer of een e-mailadres in, zodat collega's de partner "
                    "kunnen bereiken."
                )
            )
        return data


class RoleTitlesForm(OnceFormMixin):
    def __init__(self, *args: Any, board: Board, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        titles = {t.role: t.title for t in board.role_titles.all()}
        for role in Role:
            self.fields[role.value] = forms.CharField(
                label=str(role.label),
                required=False,
                max_length=100,
                initial=titles.get(role.value, ""),
                help_text=_("Leeg laten voor de standaardnaam."),
            )


class BoardSettingsForm(OnceFormMixin):
    break_glass_allowed = forms.BooleanField(
        label=_("Noodtoegang toestaan"),
        required=False,
        help_text=_(
            "Leerkrachten mogen met opgave van reden een leerling van hun school buiten hun "
            "eigen groepen openen. Het gebruik wordt vastgelegd en is zichtbaar voor de intern "
            "begeleider."
        ),
    )
    break_glass_minutes = forms.IntegerField(
        label=_("Duur van noodtoegang in minuten"),
        min_value=5,
        max_value=24 * 60,
        error_messages={
            "min_value": _("Kies minstens %(limit_value)s minuten."),
            "max_value": _("Kies hoogstens %(limit_value)s minuten (een dag)."),
            "required": _("Vul het aantal minuten in."),
            "invalid": _("Vul een heel getal in."),
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
