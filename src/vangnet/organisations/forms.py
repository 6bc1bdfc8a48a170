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
    groep = forms.IntegerField(required=False, widget=forms.HiddenInput)


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


class RoleAssignmentForm(OnceFormMixin):
    email = forms.EmailField(
        label=_("E-mailadres"),
        error_messages={
            "required": _("Vul het e-mailadres van de medewerker in."),
            "invalid": _("Vul een geldig e-mailadres in, zoals naam@school.nl."),
        },
    )
    full_name = forms.CharField(
        label=_("Naam"),
        required=False,
        max_length=200,
        help_text=_("Nodig als de medewerker nog geen account heeft."),
    )
    role = forms.ChoiceField(label=_("Rol"), choices=Role.choices)
    school = forms.TypedChoiceField(label=_("School"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, board: Board, acting_email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.board = board
        self.acting_email = acting_email.lower()
        role_field = self.fields["role"]
        school_field = self.fields["school"]
        assert isinstance(role_field, forms.ChoiceField)
        assert isinstance(school_field, forms.ChoiceField)
        role_field.choices = [(r.value, board.role_title(r.value)) for r in Role]
        school_field.choices = [
            ("", _("— hele bestuur —")),
            *board.schools.order_by("name").values_list("id", "name"),
        ]
        school_field.help_text = _(
            "Kies een school voor schoolrollen; laat leeg voor bestuur, "
            "functionaris gegevensbescherming en beheerder."
        )

    def clean(self) -> dict[str, Any]:
        from vangnet.accounts.models import User
        from vangnet.core.roles import BOARD_ROLES

        data = super().clean() or {}
        role, school = data.get("role"), data.get("school")
        if role in BOARD_ROLES and school:
            self.add_error(
                "school", _("Deze rol geldt voor het hele bestuur: laat de school leeg.")
            )
        if role and role not in BOARD_ROLES and not school:
            self.add_error("school", _("Kies de school waar deze rol geldt."))
        email = data.get("email", "")
        if email and self.acting_email and email.strip().lower() == self.acting_email and role:
            # An administrator cannot open pupil records to themselves: another
            # administrator gives them a role at a school, visible in the audit log.
            self.add_error("email", _("Je kunt jezelf geen rol geven. Vraag een andere beheerder."))
        if (
            email
            and not data.get("full_name")
            and not User.objects.filter(email__iexact=email).exists()
        ):
            self.add_error(
                "full_name", _("Deze medewerker heeft nog geen account: vul de naam in.")
            )
        return data
