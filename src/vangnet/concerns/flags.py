"""Weighing sexual behaviour with the flag system: the action and its form.

The rule that suggests a flag lives in :mod:`vangnet.lib.flags` (pure, property-tested).
Here the professional's answers are validated, the suggestion is computed on the server,
and the chosen flag is stored; a flag other than the suggestion needs a reason. The
incident module validates with :func:`check_weighing` and stores its own weighings
(``vangnet.incidents.flag_link``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vangnet.concerns.models import Concern, FlagWeighing
from vangnet.core.audit import Actor, about_concern, record
from vangnet.core.models import EventType
from vangnet.core.submissions import OnceFormMixin
from vangnet.lib import flags as rules

MAX_NOTE = 2000
MAX_REASON = 2000

# What the form and the API hand over per criterion: {"answer": yes|no|unclear, "note": str}
# (a bare answer string is accepted too).
Answers = Mapping[str, Mapping[str, str] | str]


def _split(answers: Answers) -> tuple[dict[str, str], dict[str, str]]:
    values: dict[str, str] = {}
    notes: dict[str, str] = {}
    for key, item in answers.items():
        if isinstance(item, str):
            values[key], notes[key] = item, ""
        else:
            values[key] = str(item.get("answer") or "")
            notes[key] = str(item.get("note") or "").strip()
    return values, notes


def flag_name(flag: str) -> str:
    return _(rules.FLAG_INFO[flag].name) if flag in rules.FLAG_INFO else flag


def _answer_errors(values: dict[str, str], notes: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for key, code in rules.problems(values).items():
        if code == "unknown":
            errors[key] = _("Dit criterium kent het vlaggensysteem niet.")
        else:
            errors[key] = _("Kies ja, nee of weet ik (nog) niet.")
    for key, note in notes.items():
        if len(note) > MAX_NOTE and key not in errors:
            errors[key] = _("De toelichting is te lang (hoogstens %(max)d tekens).") % {
                "max": MAX_NOTE
            }
    return errors


@dataclass(frozen=True)
class CheckedWeighing:
    """Answers that passed :func:`check_weighing`, ready to store."""

    values: dict[str, str]
    notes: dict[str, str]
    suggestion: rules.Suggestion
    flag: str
    reason: str

    def fields(self) -> dict[str, Any]:
        """The :class:`FlagWeighing` fields (without concern and author)."""
        return {
            "answers": {
                key: {"answer": self.values[key], "note": self.notes.get(key, "")}
                for key in rules.CRITERIA_KEYS
            },
            "suggested_flag": self.suggestion.flag,
            "flag": self.flag,
            "override_reason": self.reason if self.flag != self.suggestion.flag else "",
        }

    def audit_data(self) -> dict[str, Any]:
        # No notes and no reason text: the audit log holds no free text about pupils.
        return {
            "suggested": self.suggestion.flag,
            "flag": self.flag,
            "rule": self.suggestion.rule,
            "overridden": self.flag != self.suggestion.flag,
            "answers": {key: self.values[key] for key in rules.CRITERIA_KEYS},
        }


def check_weighing(answers: Answers, flag: str, override_reason: str = "") -> CheckedWeighing:
    """Validate a weighing: every criterion answered, a known flag, a reason when the flag
    differs from the suggestion. Raises :class:`ValidationError` with Dutch messages per
    field (criterion keys, ``flag``, ``override_reason``). Used for concerns here and for
    incidents in :mod:`vangnet.incidents.flag_link`."""
    values, notes = _split(answers)
    errors: dict[str, Any] = _answer_errors(values, notes)
    reason = override_reason.strip()
    if flag not in rules.FLAGS:
        errors["flag"] = _("Kies een vlag: groen, geel, rood of zwart.")
    if len(reason) > MAX_REASON:
        errors["override_reason"] = _("De reden is te lang (hoogstens %(max)d tekens).") % {
            "max": MAX_REASON
        }
    suggestion = None if any(k in rules.CRITERIA_BY_KEY for k in errors) else rules.suggest(values)
    if suggestion is not None and flag in rules.FLAGS and flag != suggestion.flag and not reason:
        errors["override_reason"] = _(
            "De voorgestelde vlag is %(suggested)s. Kies je een andere vlag, schrijf dan op waarom."
        ) % {"suggested": flag_name(suggestion.flag).lower()}
    if errors or suggestion is None:
        raise ValidationError(errors)
    return CheckedWeighing(values, notes, suggestion, flag, reason)


def do_weigh_flags(
    concern: Concern,
    answers: Answers,
    flag: str,
    override_reason: str = "",
    *,
    actor: Actor,
) -> FlagWeighing:
    """Store a weighing of the behaviour in ``concern`` (the caller checked access).

    Every criterion must be answered. ``flag`` is the professional's choice; when it
    differs from the suggested flag, ``override_reason`` is required. Raises
    :class:`ValidationError` with Dutch messages per field (criterion keys, ``flag``,
    ``override_reason``).
    """
    assert actor.user is not None
    checked = check_weighing(answers, flag, override_reason)
    with transaction.atomic():
        weighing = FlagWeighing.objects.create(
            concern=concern, weighed_by=actor.user, **checked.fields()
        )
        record(
            actor,
            EventType.FLAG_WEIGHED,
            **about_concern(concern),
            object_type="flag_weighing",
            object_id=str(weighing.pk),
            data={"concern": concern.pk, **checked.audit_data()},
        )
    return weighing


# --- the form -----------------------------------------------------------------------------


def note_field_name(key: str) -> str:
    return f"{key}_note"


class FlagWeighingForm(OnceFormMixin):
    """Six criteria (a radio group and a note each), then the flag and, for a flag other
    than the suggestion, the reason. The flag is optional here: a submit without one asks
    the server for the suggestion first."""

    flag = forms.ChoiceField(
        label=gettext_lazy("Vlag"),
        choices=FlagWeighing.Flag.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("Kies een vlag: groen, geel, rood of zwart.")
        },
    )
    override_reason = forms.CharField(
        label=gettext_lazy("Reden voor een andere vlag"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_REASON,
        help_text=gettext_lazy(
            "Alleen nodig als je een andere vlag kiest dan de voorgestelde: wat weet jij dat "
            "de criteria niet laten zien?"
        ),
        error_messages={
            "max_length": gettext_lazy("De reden is te lang (hoogstens %(limit_value)d tekens).")
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        answer_choices = [(a, gettext_lazy(rules.ANSWER_LABELS[a])) for a in rules.ANSWERS]
        for criterion in rules.CRITERIA:
            name = _(criterion.name)
            self.fields[criterion.key] = forms.ChoiceField(
                label=name,
                choices=answer_choices,
                widget=forms.RadioSelect,
                help_text=_(criterion.question),
                error_messages={
                    "required": _("Kies ja, nee of weet ik (nog) niet."),
                    "invalid_choice": _("Kies ja, nee of weet ik (nog) niet."),
                },
            )
            self.fields[note_field_name(criterion.key)] = forms.CharField(
                label=_("Toelichting bij %(criterion)s")
                % {"criterion": name[:1].lower() + name[1:]},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=MAX_NOTE,
                error_messages={
                    "max_length": _("De toelichting is te lang (hoogstens %(limit_value)d tekens).")
                },
            )

    def answers(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {
            c.key: {"answer": data.get(c.key, ""), "note": data.get(note_field_name(c.key), "")}
            for c in rules.CRITERIA
        }

    def criteria(self) -> list[dict[str, Any]]:
        """Per criterion, for the template: the criterion, its radio field and note field."""
        return [
            {
                "criterion": c,
                "field": self[c.key],
                "note": self[note_field_name(c.key)],
            }
            for c in rules.CRITERIA
        ]

    def add_action_errors(self, error: ValidationError) -> None:
        """Put the action's errors on the matching fields."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            self.add_error(key if key in self.fields else None, messages)
