"""Forms of the care meeting: a series with its members, planning dates, an agenda item,
the minutes of an item with its actions, a case's request and a consent for naming.

The members of a series and the actions of an item are rows that grow without JavaScript:
a "more rows" button posts the form back with the values typed so far and a few empty
rows more (like the people of the incident form). Empty rows are skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.accounts.models import User
from vangnet.cases.consent_forms import GuardianField
from vangnet.core.submissions import OnceFormMixin
from vangnet.meetings.actions import MAX_TEXT, ActionInput, MemberInput
from vangnet.meetings.models import MeetingSeries
from vangnet.organisations.models import GuardianLink

MIN_ROWS = 3
MORE_ROWS = 3
MAX_ROWS = 30
MEMBER_KEYS = ("user", "name", "role", "own_team")
ACTION_KEYS = ("what", "owner", "due")
DATE_WIDGET: dict[str, Any] = {"format": "%Y-%m-%d", "attrs": {"type": "date"}}
DATE_ERRORS = {"required": _("Vul de datum in."), "invalid": _("Vul een geldige datum in.")}
PICK = _("Kies uit de lijst.")


def _date_field(label: Any, *, required: bool = True, **kw: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(**DATE_WIDGET),
        error_messages=DATE_ERRORS,
        **kw,
    )


def _people_choice(label: Any, people: Iterable[User]) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("", "—"), *((u.pk, u.full_name or u.email) for u in people)],
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": PICK},
    )


def rows_in(data: Any, name: str) -> int:
    """How many rows a posted form had (``member_rows`` / ``action_rows``)."""
    raw = str(data.get(name, "")) if data else ""
    return max(MIN_ROWS, min(MAX_ROWS, int(raw))) if raw.isdigit() else MIN_ROWS


def initial_from_post(data: Any) -> dict[str, Any]:
    """A posted form's values as initial values (for "more rows": no error messages yet).
    An unticked checkbox is simply absent from the post, so it stays unticked."""
    return {
        key: data.get(key)
        for key in data
        if key not in ("csrfmiddlewaretoken", "member_rows", "action_rows")
    }


# --- the series -----------------------------------------------------------------------------


@dataclass
class MemberRow:
    number: int
    user: forms.BoundField
    name: forms.BoundField
    role: forms.BoundField
    own_team: forms.BoundField


class SeriesForm(OnceFormMixin):
    title = forms.CharField(
        label=_("Naam van het overleg"),
        max_length=200,
        help_text=_("Bijvoorbeeld: Zorgoverleg onderbouw, of Multidisciplinair overleg."),
        error_messages={"required": _("Geef het overleg een naam.")},
    )
    recurrence = forms.ChoiceField(
        label=_("Hoe vaak?"),
        choices=MeetingSeries.Recurrence.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies hoe vaak het overleg is.")},
    )
    first_on = _date_field(_("Eerste keer"))
    starts_at = forms.TimeField(
        label=_("Begintijd"),
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        error_messages={"required": _("Vul de begintijd in."), "invalid": _("Vul een tijd in.")},
    )
    place = forms.CharField(label=_("Plaats"), max_length=200, required=False)
    member_rows = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, colleagues: list[User], rows: int = MIN_ROWS, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows = max(MIN_ROWS, min(MAX_ROWS, rows))
        self.initial["member_rows"] = self.rows
        self.initial.setdefault("starts_at", dt.time(14, 0))
        self.initial.setdefault("first_on", timezone.localdate() + dt.timedelta(days=7))
        self.colleagues = {u.pk: u for u in colleagues}
        for i in range(self.rows):
            self.fields[f"m{i}_user"] = _people_choice(_("Collega van de school"), colleagues)
            self.fields[f"m{i}_name"] = forms.CharField(
                label=_("Of: naam van iemand van buiten de school"),
                max_length=200,
                required=False,
                help_text=_("Iemand zonder account, bijvoorbeeld de jeugdarts of de wijkagent."),
            )
            self.fields[f"m{i}_role"] = forms.CharField(
                label=_("Functie in het overleg"), max_length=200, required=False
            )
            self.fields[f"m{i}_own_team"] = forms.BooleanField(
                label=_("Hoort bij het eigen zorgteam van de school"), required=False
            )

    def member_rows_list(self) -> list[MemberRow]:
        return [
            MemberRow(i + 1, *(self[f"m{i}_{key}"] for key in MEMBER_KEYS))
            for i in range(self.rows)
        ]

    def _filled(self, i: int) -> bool:
        d = self.cleaned_data
        return bool(d.get(f"m{i}_user") or d.get(f"m{i}_name") or d.get(f"m{i}_role"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(self.rows):
            if data.get(f"m{i}_user") and (data.get(f"m{i}_name") or "").strip():
                self.add_error(
                    f"m{i}_name",
                    _("Kies een collega óf vul een naam in, niet allebei."),
                )
        return data

    def members(self) -> tuple[list[MemberInput], list[int]]:
        """The filled rows as the action's input, and the row index of each."""
        d = self.cleaned_data
        out: list[MemberInput] = []
        rows: list[int] = []
        for i in range(self.rows):
            if not self._filled(i):
                continue
            user_id = d.get(f"m{i}_user")
            out.append(
                MemberInput(
                    role_title=d.get(f"m{i}_role") or "",
                    user=self.colleagues.get(user_id) if user_id else None,
                    name=d.get(f"m{i}_name") or "",
                    own_team=bool(d.get(f"m{i}_own_team")),
                )
            )
            rows.append(i)
        return out, rows


class PlanForm(forms.Form):
    dates = forms.TypedMultipleChoiceField(
        label=_("Volgende data van de reeks"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        coerce=dt.date.fromisoformat,
        error_messages={"invalid_choice": _("Kies een datum uit de lijst.")},
    )
    other = _date_field(
        _("Of een andere datum"),
        required=False,
        help_text=_("Voor een extra overleg buiten het vaste ritme."),
    )

    def __init__(self, *args: Any, dates: list[dt.date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dates"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(d.isoformat(), d) for d in dates]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("dates") and not data.get("other") and not self.errors:
            raise forms.ValidationError(_("Kies ten minste één datum."))
        return data

    def chosen(self) -> list[dt.date]:
        found = set(self.cleaned_data.get("dates") or [])
        if self.cleaned_data.get("other"):
            found.add(self.cleaned_data["other"])
        return sorted(found)


# --- the agenda and the minutes -------------------------------------------------------------


class ItemForm(OnceFormMixin):
    title = forms.CharField(
        label=_("Ander onderwerp"),
        max_length=300,
        help_text=_("Zonder namen: het onderwerp staat op de agenda die iedereen ziet."),
        error_messages={"required": _("Vul het onderwerp in.")},
    )


@dataclass
class ActionRow:
    number: int
    what: forms.BoundField
    owner: forms.BoundField
    due: forms.BoundField


class MinutesForm(OnceFormMixin):
    analysis = forms.CharField(
        label=_("Analyse"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wat zien we, wat weten we, wat speelt er?"),
    )
    risk = forms.CharField(
        label=_("Weging van het risico"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "De veiligheid van de leerling of student, van anderen op school en van de omgeving."
        ),
    )
    decision = forms.CharField(
        label=_("Besluit"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vul het besluit in.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    action_rows = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, colleagues: list[User], rows: int = MIN_ROWS, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows = max(MIN_ROWS, min(MAX_ROWS, rows))
        self.initial["action_rows"] = self.rows
        self.colleagues = {u.pk: u for u in colleagues}
        for i in range(self.rows):
            self.fields[f"a{i}_what"] = forms.CharField(
                label=_("Actie"), max_length=300, required=False
            )
            self.fields[f"a{i}_owner"] = _people_choice(_("Wie voert het uit?"), colleagues)
            self.fields[f"a{i}_due"] = _date_field(_("Uiterlijk op"), required=False)

    def action_rows_list(self) -> list[ActionRow]:
        return [
            ActionRow(i + 1, *(self[f"a{i}_{key}"] for key in ACTION_KEYS))
            for i in range(self.rows)
        ]

    def actions(self) -> tuple[list[ActionInput], list[int]]:
        """The filled action rows as the action's input, and the row index of each."""
        d = self.cleaned_data
        out: list[ActionInput] = []
        rows: list[int] = []
        for i in range(self.rows):
            what, owner, due = (d.get(f"a{i}_{k}") for k in ACTION_KEYS)
            if not (what or owner or due):
                continue
            out.append(
                ActionInput(
                    what=what or "",
                    owner=self.colleagues.get(owner) if owner else None,
                    due_on=due,
                )
            )
            rows.append(i)
        return out, rows


class CloseForm(OnceFormMixin):
    """Closing the minutes: only the one-time token."""


# --- a case asks for the meeting; naming consent --------------------------------------------


class RequestForm(forms.Form):
    """No one-time token: the case page posts it from a plain form, and asking twice
    gives the same open request (:func:`vangnet.meetings.actions.do_request_meeting`)."""

    reason = forms.CharField(
        label=_("Wat moet het zorgoverleg bespreken?"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "De vraag aan het overleg, in een paar zinnen. Het overleg ziet deze tekst "
            "zonder namen, tenzij er toestemming is om de leerling met naam te bespreken."
        ),
        error_messages={
            "required": _("Beschrijf in ten minste 10 tekens wat het overleg moet bespreken.")
        },
    )


class NamingConsentForm(OnceFormMixin):
    given_by = forms.ChoiceField(
        label=_("Wie gaf de toestemming?"),
        choices=[("guardian", _("Ouder met gezag")), ("pupil", _("De leerling of student zelf"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies wie de toestemming gaf.")},
    )
    guardian = forms.ModelChoiceField(queryset=GuardianLink.objects.none(), required=False)
    given_on = _date_field(_("Datum van de toestemming"))

    def __init__(self, *args: Any, links: list[GuardianLink], older: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guardian"] = GuardianField(
            links,
            label=_("Welke ouder?"),
            required=False,
            empty_label=_("— kies een ouder —"),
            help_text=_("Alleen een ouder met ouderlijk gezag kan toestemming geven."),
            error_messages={"invalid_choice": _("Kies een ouder of verzorger van deze leerling.")},
        )
        self.initial.setdefault("given_on", timezone.localdate())
        self.initial.setdefault("given_by", "pupil" if older else "guardian")
        with_authority = [link for link in links if link.parental_authority]
        if not older and len(with_authority) == 1:
            self.initial.setdefault("guardian", with_authority[0].guardian_id)


# --- changing a series and its members ------------------------------------------------------


class SeriesEditForm(OnceFormMixin):
    """The series' own fields, as when it was made, and the version the form was opened
    with. The first date is fixed once a meeting of the series has been held."""

    title = SeriesForm.base_fields["title"]
    recurrence = SeriesForm.base_fields["recurrence"]
    first_on = SeriesForm.base_fields["first_on"]
    starts_at = SeriesForm.base_fields["starts_at"]
    place = SeriesForm.base_fields["place"]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, first_fixed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if first_fixed:
            field = self.fields["first_on"]
            field.disabled = True  # the stored date is used, whatever is posted
            field.help_text = _(
                "Er is al een overleg van deze reeks geweest: de eerste keer ligt vast."
            )


class MemberEditForm(OnceFormMixin):
    role_title = forms.CharField(
        label=_("Functie in het overleg"),
        max_length=200,
        error_messages={"required": _("Vul de functie in het overleg in.")},
    )
    own_team = forms.BooleanField(
        label=_("Hoort bij het eigen zorgteam van de school"),
        required=False,
        help_text=_(
            "Zet dit uit voor iemand van buiten het zorgteam: dan staan leerlingen op de "
            "agenda standaard zonder naam."
        ),
    )


class MemberAddForm(MemberEditForm):
    """A new member: a colleague of the school with an account, or someone from outside
    the school by name. Colleagues who take part already are marked in the list."""

    field_order = ["user", "name", "role_title", "own_team"]

    def __init__(
        self, *args: Any, colleagues: list[User], taking_part: set[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.colleagues = {u.pk: u for u in colleagues}
        choices: list[tuple[Any, str]] = [("", "—")]
        for u in colleagues:
            label = u.full_name or u.email
            if u.pk in taking_part:
                label = _("%(name)s (neemt al deel)") % {"name": label}
            choices.append((u.pk, label))
        self.fields["user"] = forms.TypedChoiceField(
            label=_("Collega van de school"),
            choices=choices,
            coerce=int,
            required=False,
            empty_value=None,
            error_messages={"invalid_choice": PICK},
        )
        self.fields["name"] = forms.CharField(
            label=_("Of: naam van iemand van buiten de school"),
            max_length=200,
            required=False,
            help_text=_("Iemand zonder account, bijvoorbeeld de jeugdarts of de wijkagent."),
        )
        self.order_fields(self.field_order)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = (data.get("name") or "").strip()
        if data.get("user") and name:
            self.add_error("name", _("Kies een collega óf vul een naam in, niet allebei."))
        elif not data.get("user") and not name and "user" not in self.errors:
            self.add_error("user", _("Kies een collega of vul een naam in."))
        return data

    def member(self) -> MemberInput:
        d = self.cleaned_data
        return MemberInput(
            role_title=d["role_title"],
            user=self.colleagues.get(d["user"]) if d.get("user") else None,
            name=d.get("name") or "",
            own_team=bool(d.get("own_team")),
        )


class MemberRemoveForm(OnceFormMixin):
    """Taking a member out of the series: only the one-time token."""


class SeriesActiveForm(OnceFormMixin):
    """Stop the series (``active=0``) or start it again (``active=1``)."""

    active = forms.TypedChoiceField(
        choices=[("0", "0"), ("1", "1")],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )
