"""Parents' rights on the dossier: their view beside an entry and correction requests.

Rules (docs/domain.md, module 1): parents may add their view, which is stored beside the
entry and never replaces it; they may ask for correction of factually wrong, incomplete
or irrelevant data, answered in writing within 4 weeks (see :mod:`vangnet.lib.terms`),
a refusal with reasons. A granted correction changes the entry through
:func:`~vangnet.concerns.actions.do_update_concern`, so the original stays in the
version history. Who may record all this: :func:`vangnet.core.access.can_manage_dossier`
(checked by the views). Audit events carry ids and codes only, never the parents' words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vangnet.concerns.actions import (
    CONCERN_FIELDS,
    ConcernInput,
    do_update_concern,
    statement_errors,
)
from vangnet.concerns.models import Concern, CorrectionRequest, ParentView, Statement
from vangnet.core.audit import Actor, Entry, about_concern, record_many
from vangnet.core.models import EventType
from vangnet.core.submissions import OnceFormMixin
from vangnet.lib import statements as rules
from vangnet.lib import terms

MAX_TEXT = 5000
Decision = CorrectionRequest.Decision
NEEDS_REASONS = (Decision.REFUSED, Decision.PARTLY)
CHANGES_ENTRY = (Decision.GRANTED, Decision.PARTLY)


def reasons_required() -> str:
    return _(
        "Leg uit waarom het verzoek (deels) wordt afgewezen: ouders hebben recht op die uitleg."
    )


# --- actions ------------------------------------------------------------------------------


def _event(concern: Concern, event_type: EventType, **data: Any) -> Entry:
    return Entry(
        event_type,
        **about_concern(concern),
        object_type="concern",
        object_id=str(concern.pk),
        data=data,
    )


def _check_received(received_on: dt.date, field: str = "received_on") -> None:
    if received_on > timezone.localdate():
        raise ValidationError({field: _("Deze datum ligt in de toekomst.")})


def _require(**values: str) -> None:
    missing = {name: _("Dit veld is verplicht.") for name, value in values.items() if not value}
    if missing:
        raise ValidationError(missing)


def do_add_parent_view(
    concern: Concern, text: str, given_by: str, received_on: dt.date, *, actor: Actor
) -> ParentView:
    """Store the parents' view beside ``concern``; the entry itself is not touched."""
    assert actor.user is not None
    text, given_by = text.strip(), given_by.strip()
    _require(text=text, given_by=given_by)
    _check_received(received_on)
    with transaction.atomic():
        view = ParentView.objects.create(
            concern=concern,
            text=text[:MAX_TEXT],
            given_by=given_by[:200],
            received_on=received_on,
            recorded_by=actor.user,
        )
        record_many(actor, [_event(concern, EventType.PARENT_VIEW_ADDED, parent_view=view.pk)])
    return view


def do_request_correction(
    concern: Concern,
    what: str,
    why: str,
    requested_by: str,
    received_on: dt.date,
    *,
    actor: Actor,
) -> CorrectionRequest:
    """Record a correction request; the answer is due four weeks after receipt."""
    assert actor.user is not None
    what, why, requested_by = what.strip(), why.strip(), requested_by.strip()
    _require(what=what, why=why, requested_by=requested_by)
    _check_received(received_on)
    with transaction.atomic():
        req = CorrectionRequest.objects.create(
            concern=concern,
            what=what[:MAX_TEXT],
            why=why[:MAX_TEXT],
            requested_by=requested_by[:200],
            received_on=received_on,
            due_on=terms.correction_due_on(received_on),
            recorded_by=actor.user,
        )
        record_many(
            actor,
            [
                _event(
                    concern,
                    EventType.CORRECTION_REQUESTED,
                    correction_request=req.pk,
                    due_on=req.due_on.isoformat(),
                )
            ],
        )
    return req


def corrected_input(concern: Concern, texts: dict[int, str]) -> ConcernInput:
    """The entry as it is, with statement texts replaced by ``texts`` (position in the
    entry -> new text). A statement whose new text is empty is removed (irrelevant data);
    an account withheld for lack of consent keeps its empty text."""
    items = []
    for i, s in enumerate(concern.statements.all()):
        text = s.text if s.withheld else texts.get(i, s.text).strip()
        if not text and not s.withheld:
            continue
        items.append(
            rules.Statement(
                kind=s.kind,
                text=text,
                source=s.source,
                source_consent=s.source_consent,
                professional=s.professional,
                registration=s.registration,
            )
        )
    return ConcernInput(
        statements=items,
        settles_id=concern.settles_id,
        settlement=concern.settlement,
        **{f: getattr(concern, f) for f in CONCERN_FIELDS},
    )


def do_decide_correction(
    req: CorrectionRequest,
    decision: str,
    reasons: str,
    *,
    texts: dict[int, str] | None = None,
    version: int | None = None,
    actor: Actor,
) -> CorrectionRequest:
    """Decide on a correction request. Granted or partly granted: the entry's statements
    get ``texts`` (the previous version is kept). Refused or partly: reasons required.
    Raises ``ConflictError`` when the entry changed since ``version``."""
    assert actor.user is not None
    reasons = reasons.strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Kies een beslissing.")})
    if decision in NEEDS_REASONS and not reasons:
        raise ValidationError({"reasons": reasons_required()})
    with transaction.atomic():
        current = CorrectionRequest.objects.select_for_update().get(pk=req.pk)
        if not current.is_open:
            raise ValidationError(_("Over dit verzoek is al beslist."))
        concern = Concern.objects.select_related("school").get(pk=current.concern_id)
        new_version = concern.version
        if decision in CHANGES_ENTRY:
            data = corrected_input(concern, texts or {})
            before = [s.text for s in concern.statements.all()]
            if [s.text for s in data.statements] == before:
                raise ValidationError(
                    _(
                        "Je kent het verzoek (gedeeltelijk) toe, maar de tekst van het verslag "
                        "is niet aangepast. Pas de tekst aan of wijs het verzoek af."
                    )
                )
            if not data.statements or statement_errors(data.statements):
                raise ValidationError(
                    _(
                        "De verbeterde tekst kan zo niet worden opgeslagen. Controleer de "
                        "uitspraken."
                    )
                )
            updated = do_update_concern(
                concern,
                data,
                version=concern.version if version is None else version,
                actor=actor,
                reason=f"correctieverzoek {current.pk}",
            )
            new_version = updated.version
        current.decision = decision
        current.reasons = reasons[:MAX_TEXT]
        current.decided_on = timezone.localdate()
        current.decided_by = actor.user
        current.save(update_fields=["decision", "reasons", "decided_on", "decided_by"])
        record_many(
            actor,
            [
                _event(
                    concern,
                    EventType.CORRECTION_DECIDED,
                    correction_request=current.pk,
                    decision=decision,
                    concern_version=new_version,
                    in_time=current.decided_on <= current.due_on,
                )
            ],
        )
    return current


# --- forms --------------------------------------------------------------------------------

_REQUIRED = gettext_lazy("Dit veld is verplicht.")


def _received_field() -> forms.DateField:
    return forms.DateField(
        label=gettext_lazy("Ontvangen op"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("De dag waarop de school het (schriftelijk of mondeling) kreeg."),
        error_messages={
            "required": gettext_lazy("Vul de datum van ontvangst in."),
            "invalid": gettext_lazy("Vul een geldige datum in."),
        },
    )


class _ReceivedMixin(forms.Form):
    def clean_received_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Deze datum ligt in de toekomst."))
        return value


class ParentViewForm(_ReceivedMixin, OnceFormMixin):
    text = forms.CharField(
        label=gettext_lazy("Zienswijze van de ouders"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_TEXT,
        help_text=gettext_lazy(
            "Neem de woorden van de ouders over zoals zij ze gaven. Het verslag zelf "
            "verandert niet; de zienswijze komt ernaast te staan."
        ),
        error_messages={"required": gettext_lazy("Vul de zienswijze van de ouders in.")},
    )
    given_by = forms.CharField(
        label=gettext_lazy("Gegeven door"),
        max_length=200,
        help_text=gettext_lazy("Bijvoorbeeld: moeder, beide ouders, de leerling zelf (16+)."),
        error_messages={"required": _REQUIRED},
    )
    received_on = _received_field()


class CorrectionRequestForm(_ReceivedMixin, OnceFormMixin):
    requested_by = forms.CharField(
        label=gettext_lazy("Aangevraagd door"),
        max_length=200,
        help_text=gettext_lazy("Ouder(s) met gezag, of de leerling zelf vanaf 16 jaar."),
        error_messages={"required": _REQUIRED},
    )
    what = forms.CharField(
        label=gettext_lazy("Wat moet er volgens hen anders?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT,
        error_messages={"required": gettext_lazy("Beschrijf welke gegevens anders moeten.")},
    )
    why = forms.CharField(
        label=gettext_lazy("Waarom?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT,
        help_text=gettext_lazy("Onjuist, onvolledig of niet ter zake doend, en waarom."),
        error_messages={"required": gettext_lazy("Beschrijf waarom het anders moet.")},
    )
    received_on = _received_field()


class CorrectionDecisionForm(OnceFormMixin):
    decision = forms.ChoiceField(
        label=gettext_lazy("Beslissing"),
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Kies een beslissing.")},
    )
    reasons = forms.CharField(
        label=gettext_lazy("Motivering"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_TEXT,
        help_text=gettext_lazy(
            "Verplicht bij een (gedeeltelijke) afwijzing. Deze uitleg gaat schriftelijk "
            "naar de ouders."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, concern: Concern, statements: list[Statement], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.statements = statements
        if not self.is_bound:
            self.initial["version"] = concern.version
        for i, s in enumerate(statements):
            if s.withheld:
                continue
            name = f"statement_{i}"
            self.fields[name] = forms.CharField(
                label=str(s.get_kind_display()),
                required=False,
                max_length=rules.MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=gettext_lazy("Laat leeg om deze uitspraak te schrappen."),
            )
            self.initial.setdefault(name, s.text)

    def statement_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("statement_")]

    def texts(self) -> dict[int, str]:
        return {
            int(name.removeprefix("statement_")): self.cleaned_data.get(name) or ""
            for name in self.fields
            if name.startswith("statement_")
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = data.get("decision")
        if decision in NEEDS_REASONS and not (data.get("reasons") or "").strip():
            self.add_error("reasons", reasons_required())
        if decision in CHANGES_ENTRY:
            kept = [
                s
                for i, s in enumerate(self.statements)
                if s.withheld or (data.get(f"statement_{i}") or "").strip()
            ]
            if not kept:
                raise forms.ValidationError(_("Het verslag moet ten minste één uitspraak houden."))
        return data
