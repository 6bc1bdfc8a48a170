"""Forms of the case pages. Record and decision forms are built from the protocol definition:
a new record kind or decision tree needs no new form code."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.cases.actions import REASON_MIN, field_messages
from vangnet.core.submissions import OnceFormMixin
from vangnet.lib import protocols as engine
from vangnet.lib.protocols import DecisionTree, Protocol, Question, RecordKind

YES_NO = [("yes", _("Ja")), ("no", _("Nee"))]
LINE_MAX = 300
TEXT_MAX = 10_000
# Up to this many choices are shown as radio buttons, more as a list.
RADIO_MAX = 5


def _yes_no(value: str) -> bool:
    return value == "yes"


def yes_no_field(label: str, *, required: bool, help_text: str = "") -> forms.TypedChoiceField:
    """A yes/no question where "no" is a real answer (unlike an unticked checkbox)."""
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=_yes_no,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
    )


def mark_conditional(field: forms.Field, conditional: bool = True) -> None:
    """Whether a field is needed depends on other answers: the form says so in the help text
    instead of marking the field "(niet verplicht)"."""
    field.conditional = conditional  # type: ignore[attr-defined]


class ReasonMixin(forms.Form):
    """The reason for the acute route: at least ``REASON_MIN`` characters."""

    def check_reason(self, name: str) -> None:
        text = (self.cleaned_data.get(name) or "").strip()
        if len(text) < REASON_MIN:
            self.add_error(
                name,
                _("Beschrijf in ten minste %(n)d tekens waarom het acuut is.") % {"n": REASON_MIN},
            )


class CaseStartForm(OnceFormMixin, ReasonMixin):
    protocol = forms.ChoiceField(
        label=_("Welk protocol volgt u?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies een protocol.")},
    )
    origin_concern = forms.IntegerField(required=False, widget=forms.HiddenInput)
    acute = forms.BooleanField(
        label=_("Er is acute onveiligheid: ik meld meteen bij Veilig Thuis"),
        required=False,
        help_text=_(
            "Alleen bij direct gevaar, of als de veiligheid de komende dagen niet gegarandeerd "
            "is. Het traject gaat dan direct naar de melding; de stappen vult u later aan."
        ),
    )
    acute_reason = forms.CharField(
        label=_("Waarom is het acuut?"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, protocols: list[Protocol], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["protocol"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(p.key, p.title) for p in protocols]
        self.summaries = {p.key: p.summary for p in protocols}
        reason = self.fields["acute_reason"]
        mark_conditional(reason)
        reason.help_text = _(
            "Verplicht bij acute onveiligheid, in ten minste %(n)d tekens: wat is er aan de "
            "hand? Dit wordt bij het traject bewaard."
        ) % {"n": REASON_MIN}
        if len(protocols) == 1:
            self.initial.setdefault("protocol", protocols[0].key)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("acute"):
            self.check_reason("acute_reason")
        elif (data.get("acute_reason") or "").strip():
            self.add_error(
                "acute",
                _("Vink acute onveiligheid aan, of laat de reden leeg als het niet acuut is."),
            )
        return data

    def protocol_rows(self) -> list[dict[str, Any]]:
        return [
            {"radio": radio, "summary": self.summaries.get(str(radio.data["value"]), "")}
            for radio in self["protocol"]
        ]


class StepForm(OnceFormMixin):
    """Complete the current step; ``step`` is the step the page showed."""

    step = forms.CharField(widget=forms.HiddenInput, max_length=40)


class AcuteForm(OnceFormMixin, ReasonMixin):
    reason = forms.CharField(
        label=_("Waarom is het acuut?"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Beschrijf waarom het acuut is.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "reason" in data:
            self.check_reason("reason")
        return data


# --- records ---------------------------------------------------------------------------


def _record_field(spec: engine.Field, kind: RecordKind, today: dt.date) -> forms.Field:
    """The form field for a definition's field; ``required`` as the definition says."""
    messages = field_messages()
    required = spec.required and spec.required_if is None
    help_text = str(spec.help)
    if spec.required_if is not None:
        other, wanted = spec.required_if
        other_spec = kind.field(other)
        shown = _value_label(other_spec, wanted)
        condition = _("Verplicht als het antwoord bij ‘%(field)s’ ‘%(value)s’ is.") % {
            "field": other_spec.label,
            "value": shown,
        }
        help_text = f"{help_text} {condition}".strip()
    errors = {"required": messages["required"]}
    field: forms.Field
    if spec.kind == "text":
        field = forms.CharField(
            max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), strip=True
        )
    elif spec.kind == "line":
        field = forms.CharField(max_length=LINE_MAX, strip=True)
    elif spec.kind == "date":
        attrs = {"type": "date"}
        if spec.past_only:
            attrs["max"] = today.isoformat()
        field = forms.DateField(widget=forms.DateInput(format="%Y-%m-%d", attrs=attrs))
        errors["invalid"] = str(_("Vul een geldige datum in, bijvoorbeeld 15-03-2026."))
    elif spec.kind == "bool":
        if spec.required:
            field = yes_no_field(spec.label, required=required)
        else:
            field = forms.BooleanField()
    elif spec.kind == "choice":
        widget = forms.RadioSelect if len(spec.choices) <= RADIO_MAX else forms.Select
        choices = list(spec.choices)
        if widget is forms.Select:
            choices = [("", "—"), *choices]
        field = forms.ChoiceField(choices=choices, widget=widget)
        errors["invalid_choice"] = messages["choice"]
    elif spec.kind == "choices":
        field = forms.MultipleChoiceField(
            choices=list(spec.choices), widget=forms.CheckboxSelectMultiple
        )
        errors["invalid_choice"] = messages["choice"]
    elif spec.kind == "int":
        field = forms.IntegerField(min_value=spec.min_value, max_value=spec.max_value)
        errors |= {
            "min_value": messages["range"],
            "max_value": messages["range"],
            "invalid": str(_("Vul een heel getal in.")),
        }
    else:
        # lib.protocols.problems() refuses unknown field kinds at start-up
        raise ValueError(f"unknown field kind {spec.kind!r}")
    field.label = spec.label
    field.help_text = help_text
    field.required = required
    field.error_messages.update(errors)
    mark_conditional(field, spec.required_if is not None)
    return field


def _value_label(spec: engine.Field, value: object) -> str:
    if spec.kind == "bool":
        return str(_("Ja")) if value else str(_("Nee"))
    for key, label in spec.choices:
        if key == value:
            return str(label)
    return str(value)


class CaseRecordForm(OnceFormMixin):
    """One record of a kind the current step offers, its fields from the definition."""

    step = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args: Any, kind: RecordKind, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.today = timezone.localdate()
        for spec in kind.fields:
            self.fields[spec.name] = _record_field(spec, kind, self.today)

    @staticmethod
    def initial_from(kind: RecordKind, data: dict[str, Any]) -> dict[str, Any]:
        """A stored record's values as the form's starting values (for a correction)."""
        initial: dict[str, Any] = {}
        for spec in kind.fields:
            value = data.get(spec.name)
            if value is None or value == "":
                continue
            if spec.kind == "bool" and spec.required:  # a yes/no question
                value = "yes" if value else "no"
            initial[spec.name] = value
        return initial

    def record_fields(self) -> list[forms.BoundField]:
        return [self[spec.name] for spec in self.kind.fields]

    def clean(self) -> dict[str, Any]:
        """The definition's own checks (conditional fields, ranges, dates in the future),
        so that every problem shows at once; the action checks again when saving."""
        data = super().clean() or {}
        messages = field_messages()
        values = self.data_for_action(data)
        for name, code in engine.field_errors(self.kind, values, self.today).items():
            if name not in self.errors:
                self.add_error(name, messages[code])
        return data

    def data_for_action(self, data: dict[str, Any] | None = None) -> dict[str, Any]:
        data = self.cleaned_data if data is None else data
        values: dict[str, Any] = {}
        for spec in self.kind.fields:
            value = data.get(spec.name)
            if spec.kind == "bool" and not spec.required:
                value = bool(value)
            elif spec.kind in ("text", "line", "choice") and value is None:
                value = ""
            elif spec.kind == "choices":
                value = list(value or [])
            values[spec.name] = value
        return values


# --- decisions -------------------------------------------------------------------------


def rationale_name(question: Question) -> str:
    return f"rationale_{question.key}"


def partner_name(question: Question) -> str:
    return f"partner_{question.key}"


class DecisionForm(OnceFormMixin):
    """The questions of a decision tree: yes/no per answer, one rationale per question, and
    for questions gone through with a partner whether that happened. Questions already
    answered in an earlier decision that is waiting (``fixed``) are shown, not asked; so are
    questions answered only at a later step (``later``: the afwegingskader's question 5)."""

    step = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(
        self,
        *args: Any,
        tree: DecisionTree,
        fixed: dict[str, Any] | None = None,
        later: set[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.tree = tree
        self.fixed = fixed or {}
        self.later = later or set()
        not_asked = set(self.fixed.get("rationale", {})) | self.later
        self.open_questions = [q for q in tree.questions if q.key not in not_asked]
        for question in self.open_questions:
            if question.parts:
                for key, label in question.parts:
                    self.fields[key] = yes_no_field(label, required=False)
            else:
                self.fields[question.key] = yes_no_field(question.text, required=False)
            self.fields[rationale_name(question)] = forms.CharField(
                label=_("Onderbouwing"),
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Waarop baseert u dit antwoord?"),
            )
            # Whether an answer is needed follows from the tree, not from the field.
            for key in (*question.answer_keys, rationale_name(question)):
                mark_conditional(self.fields[key])
            if question.with_partner:
                self.fields[partner_name(question)] = forms.BooleanField(
                    label=_("Besproken met %(partner)s") % {"partner": question.with_partner},
                    required=False,
                )

    def answers(self) -> dict[str, bool | None]:
        given: dict[str, bool | None] = dict(self.fixed.get("answers", {}))
        for question in self.open_questions:
            for key in question.answer_keys:
                given[key] = self.cleaned_data.get(key)
        return given

    def rationale(self) -> dict[str, str]:
        kept: dict[str, str] = dict(self.fixed.get("rationale", {}))
        for question in self.open_questions:
            kept[question.key] = (self.cleaned_data.get(rationale_name(question)) or "").strip()
        return kept

    def partner(self) -> dict[str, bool]:
        marks: dict[str, bool] = dict(self.fixed.get("with_partner", {}))
        for question in self.open_questions:
            if question.with_partner:
                marks[question.key] = bool(self.cleaned_data.get(partner_name(question)))
        return marks

    def add_decision_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            if name in self.fields:
                self.add_error(name, message)
            else:  # a fixed question: cannot happen through this form; say it plainly
                self.add_error(None, message)
