"""Forms for who is in a case and what colleagues are asked to do."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.cases.models import CaseMember
from vangnet.core.submissions import OnceFormMixin

KIND_CHOICES = [
    (CaseMember.Kind.MEMBER, _("Betrokkene: leest het traject en werkt mee")),
    (CaseMember.Kind.OWNER, _("Eigenaar: heeft de regie en beheert wie er betrokken is")),
]
NOTE_MAX = 2000


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """An action's ValidationError on the form: per field where the form has that field,
    otherwise at the top of the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error.messages)
    else:
        form.add_error(None, exc.messages)


class MemberForm(OnceFormMixin):
    """Add a colleague of the pupil's school to a case."""

    user = forms.TypedChoiceField(
        label=_("Collega"),
        coerce=int,
        error_messages={
            "required": _("Kies een collega."),
            "invalid_choice": _("Kies een collega uit de lijst."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Toevoegen als"),
        choices=KIND_CHOICES,
        initial=CaseMember.Kind.MEMBER,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies eigenaar of betrokkene.")},
    )

    def __init__(self, *args: Any, colleagues: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("— kies een collega —")), *colleagues]


class PromoteForm(OnceFormMixin):
    """Make a colleague who is already in the case one of its owners."""

    member = forms.TypedChoiceField(coerce=int, widget=forms.HiddenInput)

    def __init__(self, *args: Any, member_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(pk, str(pk)) for pk in member_ids]


class TaskRequestForm(OnceFormMixin):
    """Ask a colleague to do something for the case."""

    assignee = forms.TypedChoiceField(
        label=_("Aan wie vraag je het?"),
        coerce=int,
        error_messages={
            "required": _("Kies een collega."),
            "invalid_choice": _("Kies een collega uit de lijst."),
        },
    )
    title = forms.CharField(
        label=_("Wat vraag je?"),
        max_length=300,
        help_text=_(
            "Je collega ziet alleen deze zin en de naam van de leerling, niet wat er in het "
            "traject staat. Schrijf dus geen zorgen, signalen of namen van anderen op; "
            "bijvoorbeeld: “Let deze week op hoe hij 's ochtends binnenkomt en vertel het mij.”"
        ),
        error_messages={
            "required": _("Beschrijf wat je van je collega vraagt."),
            "max_length": _("Houd het kort: hooguit %(limit_value)d tekens."),
        },
    )
    due_on = forms.DateField(
        label=_("Uiterlijk op"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={
            "required": _("Vul de datum in."),
            "invalid": _("Vul een geldige datum in."),
        },
    )

    def __init__(self, *args: Any, colleagues: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("— kies een collega —")), *colleagues]
        self.initial.setdefault("due_on", timezone.localdate() + dt.timedelta(days=7))

    def clean_due_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["due_on"]
        if value < timezone.localdate():
            raise ValidationError(_("Deze datum ligt in het verleden."))
        return value


class TaskDoneForm(forms.Form):
    """Mark a task as done, with an optional note for the case's owners. Marking twice
    changes nothing (the action only completes an open task), so no submission token."""

    note = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Houd het kort: hooguit %(limit_value)d tekens.")},
    )
