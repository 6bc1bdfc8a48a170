"""The incident form: the incident itself plus a growing list of people involved."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.core.submissions import OnceFormMixin
from vangnet.incidents.actions import IncidentInput, PersonInput
from vangnet.incidents.models import Incident, IncidentPerson

MIN_ROWS = 3
MORE_ROWS = 3
MAX_ROWS = 30
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
PERSON_KEYS = ("role", "pupil", "staff", "initials", "note")
LINK_FIELDS = ("concerns", "cases", "earlier")

Choices = list[tuple[Any, Any]]


def _datetime_field(label: Any, *, required: bool, help_text: Any = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(format=DATETIME_FORMAT, attrs={"type": "datetime-local"}),
        error_messages={
            "required": _("Vul de datum en tijd in."),
            "invalid": _("Vul een geldige datum en tijd in."),
        },
    )


def _id_select(label: Any, choices: Choices, *, required: bool = False, **kw: Any) -> forms.Field:
    """An id picked from a list. The form accepts any number; the action decides whether
    it is allowed, with a message that says why."""
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=1,
        widget=forms.Select(choices=[("", "—"), *choices]),
        error_messages={"invalid": _("Kies uit de lijst.")},
        **kw,
    )


class _IdsField(forms.TypedMultipleChoiceField):
    def valid_value(self, value: Any) -> bool:  # any id; the action checks it
        return str(value).isdigit()


@dataclass
class PersonRow:
    number: int
    role: forms.BoundField
    pupil: forms.BoundField
    staff: forms.BoundField
    initials: forms.BoundField
    note: forms.BoundField


class IncidentForm(OnceFormMixin):
    occurred_at = _datetime_field(_("Wanneer gebeurde het?"), required=True)
    ended_at = _datetime_field(
        _("Tot wanneer duurde het?"),
        required=False,
        help_text=_("Alleen invullen als het langer duurde."),
    )
    category = _id_select(_("Soort incident"), [], required=True)
    location = _id_select(_("Waar gebeurde het?"), [], required=True)
    severity = forms.ChoiceField(
        label=_("Hoe ernstig was het?"),
        choices=Incident.Severity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies hoe ernstig het incident was.")},
    )
    description = forms.CharField(
        label=_("Wat is er gebeurd?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Beschrijf zo feitelijk mogelijk wat er gebeurde."),
        error_messages={"required": _("Beschrijf wat er is gebeurd.")},
    )
    unrest = forms.BooleanField(label=_("Er is onrust ontstaan"), required=False)
    unrest_among = forms.CharField(
        label=_("Onrust bij wie?"),
        required=False,
        max_length=200,
        help_text=_("Bijvoorbeeld: de klas, ouders, medewerkers, de buurt."),
    )
    measures = forms.CharField(
        label=_("Genomen maatregelen"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    concerns = _IdsField(label=_("Zorgen"), required=False, coerce=int)
    cases = _IdsField(label=_("Zorgtrajecten"), required=False, coerce=int)
    earlier = _IdsField(label=_("Eerdere incidenten"), required=False, coerce=int)
    people_rows = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        categories: Choices,
        locations: Choices,
        pupils: Choices,
        staff: Choices,
        links: dict[str, Choices] | None = None,
        rows: int = MIN_ROWS,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].widget.choices = [("", "—"), *categories]
        self.fields["location"].widget.choices = [("", "—"), *locations]
        for name in LINK_FIELDS:
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = (links or {}).get(name, [])
            field.widget.attrs["size"] = min(6, max(2, len(field.choices)))
        self.initial.setdefault(
            "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
        )
        self.rows = max(MIN_ROWS, min(MAX_ROWS, rows))
        self.initial["people_rows"] = self.rows
        role_choices = [("", "—"), *IncidentPerson.Role.choices]
        for i in range(self.rows):
            self.fields[f"p{i}_role"] = forms.ChoiceField(
                label=_("Rol"), choices=role_choices, required=False
            )
            self.fields[f"p{i}_pupil"] = _id_select(_("Leerling"), pupils)
            self.fields[f"p{i}_staff"] = _id_select(_("Medewerker"), staff)
            self.fields[f"p{i}_initials"] = forms.CharField(
                label=_("Of: initialen"),
                required=False,
                max_length=20,
                help_text=_("Voor een ouder of iemand van buiten de school."),
            )
            self.fields[f"p{i}_note"] = forms.CharField(
                label=_("Toelichting"), required=False, max_length=300
            )

    def person_rows(self) -> list[PersonRow]:
        return [
            PersonRow(i + 1, *(self[f"p{i}_{key}"] for key in PERSON_KEYS))
            for i in range(self.rows)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(self.rows):
            role = data.get(f"p{i}_role")
            filled = any(data.get(f"p{i}_{k}") for k in ("pupil", "staff", "initials", "note"))
            if filled and not role:
                self.add_error(f"p{i}_role", _("Kies de rol van deze betrokkene."))
        return data

    def to_input(self) -> IncidentInput:
        d = self.cleaned_data
        people = [
            PersonInput(
                role=d[f"p{i}_role"],
                pupil_id=d.get(f"p{i}_pupil"),
                staff_id=d.get(f"p{i}_staff"),
                initials=d.get(f"p{i}_initials") or "",
                note=d.get(f"p{i}_note") or "",
            )
            for i in range(self.rows)
            if d.get(f"p{i}_role")
        ]
        return IncidentInput(
            occurred_at=d["occurred_at"],
            ended_at=d.get("ended_at"),
            location_id=d.get("location"),
            category_id=d.get("category"),
            severity=d["severity"],
            description=d["description"],
            unrest=bool(d.get("unrest")),
            unrest_among=d.get("unrest_among") or "",
            measures=d.get("measures") or "",
            people=people,
            concern_ids=list(d.get("concerns") or []),
            case_ids=list(d.get("cases") or []),
            earlier_ids=list(d.get("earlier") or []),
        )

    def add_action_errors(self, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            target = key if key in self.fields and key != "people" else None
            for message in messages:
                self.add_error(target, message)


def rows_in(data: Any) -> int:
    """How many person rows a posted form had."""
    raw = str(data.get("people_rows", "")) if data else ""
    return int(raw) if raw.isdigit() else MIN_ROWS


def initial_from_post(data: Any, rows: int) -> dict[str, Any]:
    """A posted form's values as initial values (for "meer personen": no error messages)."""
    initial: dict[str, Any] = {}
    for key in data:
        if key in LINK_FIELDS:
            initial[key] = data.getlist(key)
        elif key != "csrfmiddlewaretoken":
            initial[key] = data.get(key)
    initial["people_rows"] = rows
    return initial


def initial_from(incident: Incident, people: Iterable[IncidentPerson]) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "occurred_at": timezone.localtime(incident.occurred_at),
        "ended_at": timezone.localtime(incident.ended_at) if incident.ended_at else None,
        "category": incident.category_id,
        "location": incident.location_id,
        "severity": incident.severity,
        "description": incident.description,
        "unrest": incident.unrest,
        "unrest_among": incident.unrest_among,
        "measures": incident.measures,
    }
    for i, person in enumerate(people):
        initial |= {
            f"p{i}_role": person.role,
            f"p{i}_pupil": person.pupil_id,
            f"p{i}_staff": person.staff_id,
            f"p{i}_initials": person.initials,
            f"p{i}_note": person.note,
        }
    return initial
