"""Forms of the logbook: one entry with up to four typed statements."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vangnet.concerns import signals
from vangnet.concerns.actions import MESSAGES, ConcernInput
from vangnet.concerns.models import Concern, Statement
from vangnet.core.submissions import OnceFormMixin
from vangnet.lib import statements as rules

STATEMENT_ROWS = 4
KIND_CHOICES = [
    (Concern.Kind.SIGNAL, Concern.Kind.SIGNAL.label),
    (Concern.Kind.CONVERSATION, Concern.Kind.CONVERSATION.label),
    (Concern.Kind.CONSULTATION, Concern.Kind.CONSULTATION.label),
    (Concern.Kind.FOLLOW_UP, Concern.Kind.FOLLOW_UP.label),
]
STATEMENT_KINDS = [("", _("— leeg laten —")), *Statement.Kind.choices]


class ConcernForm(OnceFormMixin):
    kind = forms.ChoiceField(label=_("Wat leg je vast?"), choices=KIND_CHOICES)
    occurred_on = forms.DateField(
        label=_("Datum"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={
            "required": _("Vul de datum in."),
            "invalid": _("Vul een geldige datum in."),
        },
    )
    occurred_time = forms.TimeField(
        label=_("Tijd"),
        required=False,
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        error_messages={"invalid": _("Vul een tijd in als 10:30.")},
    )
    location = forms.CharField(
        label=pgettext_lazy("where it happened", "Plaats"),
        required=False,
        max_length=200,
        help_text=_("Bijvoorbeeld: klas, plein, gymzaal, online."),
    )
    noticed_by = forms.CharField(
        label=_("Opgemerkt door"),
        required=False,
        max_length=200,
        help_text=_("Leeg laten als jij het zelf zag."),
    )
    reaction = forms.CharField(
        label=_("Mijn reactie"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up = forms.CharField(
        label=_("Vervolg en afspraken"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    child_suffers = forms.ChoiceField(
        label=_("Heeft het kind er zelf last van?"),
        choices=Concern.Suffers.choices,
        initial=Concern.Suffers.UNKNOWN,
        widget=forms.RadioSelect,
    )
    signals = forms.MultipleChoiceField(
        label=_("Signalen die je zag"), required=False, widget=forms.CheckboxSelectMultiple
    )
    is_working_note = forms.BooleanField(
        label=_("Interne werkaantekening (niet in het dossier voor ouders)"), required=False
    )
    goal = forms.CharField(
        label=_("Doel van het gesprek"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    agreements = forms.CharField(
        label=_("Afspraken (wie doet wat, wanneer, hoe meten we het?)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    follow_up_on = forms.DateField(
        label=_("Vervolgdatum"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=_("Je krijgt op je startpagina een herinnering."),
    )
    copy_to_parents_on = forms.DateField(
        label=_("Kopie van het verslag aan ouders gegeven op"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    signature_required = forms.BooleanField(
        label=_("Grote zorg: ouders ondertekenen het verslag"), required=False
    )
    signed_by_parents_on = forms.DateField(
        label=_("Ondertekend door ouders op"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    settles = forms.TypedChoiceField(
        label=_("Eerder verslag"), required=False, coerce=int, empty_value=None
    )
    settlement = forms.ChoiceField(
        label=_("Wat blijkt nu?"),
        required=False,
        choices=[("", "—"), *Concern.Settles.choices],
    )
    names_action = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, pupil: Any, earlier: list[Concern], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pupil = pupil
        signal_field = self.fields["signals"]
        assert isinstance(signal_field, forms.MultipleChoiceField)
        signal_field.choices = [(k, str(v)) for k, v in signals.for_age(pupil.age())]
        settles_field = self.fields["settles"]
        assert isinstance(settles_field, forms.ChoiceField)
        settles_field.choices = [("", "—")] + [
            (c.pk, f"{timezone.localtime(c.occurred_at):%d-%m-%Y} · {c.get_kind_display()}")
            for c in earlier
        ]
        now = timezone.localtime()
        self.initial.setdefault("occurred_on", now.date())
        self.initial.setdefault("occurred_time", now.strftime("%H:%M"))
        for i in range(STATEMENT_ROWS):
            self.fields[f"s{i}_kind"] = forms.ChoiceField(
                label=_("Soort uitspraak"),
                choices=STATEMENT_KINDS,
                required=False,
                initial=rules.FACT if i == 0 else "",
            )
            self.fields[f"s{i}_text"] = forms.CharField(
                label=_("Wat is er gebeurd of gezegd?"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=rules.MAX_TEXT,
            )
            self.fields[f"s{i}_source"] = forms.CharField(
                label=_("Bron: wie vertelde het?"),
                required=False,
                max_length=200,
                help_text=_("Andere personen met initialen, bijvoorbeeld: moeder, klasgenoot A.B."),
            )
            self.fields[f"s{i}_consent"] = forms.ChoiceField(
                label=_("Mag het worden vastgelegd?"),
                required=False,
                widget=forms.RadioSelect,
                choices=[
                    ("yes", _("Ja, de bron stemt in")),
                    ("no", _("Nee: alleen vastleggen dát er iets verteld is")),
                ],
                initial="yes",
            )
            self.fields[f"s{i}_professional"] = forms.CharField(
                label=_("Gesteld door (naam van de professional)"), required=False, max_length=200
            )
            self.fields[f"s{i}_registration"] = forms.CharField(
                label=_("BIG-registratienummer"), required=False, max_length=11
            )

        # The first statement is the entry itself: say so on the form (not "optional").
        first_message = _("Leg ten minste één uitspraak vast: wat is er gebeurd?")
        for name in ("s0_kind", "s0_text"):
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = first_message

    def statement_rows(self) -> list[dict[str, Any]]:
        return [
            {
                name: self[f"s{i}_{name}"]
                for name in ("kind", "text", "source", "consent", "professional", "registration")
            }
            | {"index": i}
            for i in range(STATEMENT_ROWS)
        ]

    def statements(self) -> list[rules.Statement]:
        data = self.cleaned_data
        items = []
        for i in range(STATEMENT_ROWS):
            kind = data.get(f"s{i}_kind") or ""
            text = data.get(f"s{i}_text") or ""
            source = data.get(f"s{i}_source") or ""
            if not kind and not text.strip():
                continue
            items.append(
                rules.Statement(
                    kind=kind or rules.FACT,
                    text=text,
                    source=source,
                    source_consent=data.get(f"s{i}_consent") != "no",
                    professional=data.get(f"s{i}_professional") or "",
                    registration=data.get(f"s{i}_registration") or "",
                )
            )
        return items

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.is_valid_so_far():
            return data
        occurred = dt.datetime.combine(
            data["occurred_on"], data.get("occurred_time") or dt.time(12, 0)
        )
        data["occurred_at"] = timezone.make_aware(occurred)
        if data["occurred_at"] > timezone.now() + dt.timedelta(minutes=5):
            self.add_error("occurred_on", _("Deze datum ligt in de toekomst."))
        items = self.statements()
        if not items:
            self.add_error("s0_text", _("Leg ten minste één uitspraak vast: wat is er gebeurd?"))
        index_of_row = [
            i
            for i in range(STATEMENT_ROWS)
            if data.get(f"s{i}_kind") or (data.get(f"s{i}_text") or "").strip()
        ]
        for item, row in zip(items, index_of_row, strict=True):
            for problem in rules.problems(item):
                field = {
                    "kind": "kind",
                    "text": "text",
                    "source": "source",
                    "professional": "professional",
                    "registration": "registration",
                }[problem.field]
                self.add_error(f"s{row}_{field}", str(MESSAGES[problem.code]))
        if data.get("kind") == Concern.Kind.CONVERSATION and not (data.get("goal") or "").strip():
            self.add_error("goal", _("Beschrijf het doel van het gesprek met de ouders."))
        if data.get("settlement") and not data.get("settles"):
            self.add_error(
                "settles", _("Kies het eerdere verslag dat hiermee bevestigd of weerlegd wordt.")
            )
        return data

    def is_valid_so_far(self) -> bool:
        return "occurred_on" in self.cleaned_data and not self.has_error("occurred_on")

    def free_text_fields(self) -> list[str]:
        return [f"s{i}_text" for i in range(STATEMENT_ROWS)] + [
            "reaction",
            "follow_up",
            "goal",
            "agreements",
        ]

    def to_input(self) -> ConcernInput:
        d = self.cleaned_data
        return ConcernInput(
            occurred_at=d["occurred_at"],
            statements=self.statements(),
            kind=d["kind"],
            location=d.get("location", ""),
            noticed_by=d.get("noticed_by", ""),
            reaction=d.get("reaction", ""),
            follow_up=d.get("follow_up", ""),
            child_suffers=d.get("child_suffers") or Concern.Suffers.UNKNOWN,
            signals=list(d.get("signals") or []),
            is_working_note=d.get("is_working_note", False),
            goal=d.get("goal", ""),
            agreements=d.get("agreements", ""),
            follow_up_on=d.get("follow_up_on"),
            copy_to_parents_on=d.get("copy_to_parents_on"),
            signature_required=d.get("signature_required", False),
            signed_by_parents_on=d.get("signed_by_parents_on"),
            settles_id=d.get("settles"),
            settlement=d.get("settlement") or "",
        )


def initial_from(concern: Concern) -> dict[str, Any]:
    """Form values of an existing entry, for editing."""
    local = timezone.localtime(concern.occurred_at)
    initial: dict[str, Any] = {
        "kind": concern.kind,
        "occurred_on": local.date(),
        "occurred_time": local.strftime("%H:%M"),
        "location": concern.location,
        "noticed_by": concern.noticed_by,
        "reaction": concern.reaction,
        "follow_up": concern.follow_up,
        "child_suffers": concern.child_suffers,
        "signals": concern.signals,
        "is_working_note": concern.is_working_note,
        "goal": concern.goal,
        "agreements": concern.agreements,
        "follow_up_on": concern.follow_up_on,
        "copy_to_parents_on": concern.copy_to_parents_on,
        "signature_required": concern.signature_required,
        "signed_by_parents_on": concern.signed_by_parents_on,
        "settles": concern.settles_id,
        "settlement": concern.settlement,
    }
    for i, s in enumerate(list(concern.statements.all())[:STATEMENT_ROWS]):
        initial |= {
            f"s{i}_kind": s.kind,
            f"s{i}_text": s.text,
            f"s{i}_source": s.source,
            f"s{i}_consent": "yes" if s.source_consent else "no",
            f"s{i}_professional": s.professional,
            f"s{i}_registration": s.registration,
        }
    return initial


class ShareForm(OnceFormMixin):
    colleagues = forms.MultipleChoiceField(
        label=_("Collega's"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies ten minste één collega.")},
    )
    question = forms.CharField(
        label=_("Je vraag"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bijvoorbeeld: heb jij dit ook gezien?"),
    )

    def __init__(self, *args: Any, colleagues: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["colleagues"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(u.pk), u.full_name) for u in colleagues]


class HandoverForm(OnceFormMixin):
    note = forms.CharField(
        label=_("Toelichting voor de intern begeleider"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Waarom draag je over? Wat heb je al gedaan?"),
    )
