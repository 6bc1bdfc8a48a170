"""Forms of the measure pages: proposing a measure, recording what happened, the decision,
the search for another school, withdrawing, and temporary extra rules.

The forms only parse what was typed; the legal rules (school days, approvals, hearings,
terms) are checked by :mod:`vangnet.measures.actions`, whose refusals the views put on the
fields they name, quoting the rule.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vangnet.cases.forms import mark_conditional, yes_no_field
from vangnet.core.submissions import OnceFormMixin
from vangnet.lib.measure_rules import MeasureRules
from vangnet.measures import display
from vangnet.measures.actions import FACTS, MAX_TEXT, RESTRICTIONS, Proposal
from vangnet.measures.models import ExtraRulesPlan, Measure, SearchAttempt

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
K = Measure.Kind


def date_field(
    label: Any,
    *,
    required: bool = True,
    help_text: Any = "",
    error_messages: dict[str, Any] | None = None,
) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(format=DATE_FORMAT, attrs={"type": "date"}),
        error_messages={
            "required": _("Vul een datum in."),
            "invalid": _("Vul een geldige datum in."),
            **(error_messages or {}),
        },
    )


def text_field(
    label: Any, *, required: bool = True, help_text: Any = "", rows: int = 4, **kw: Any
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kw,
    )


# --- proposing ------------------------------------------------------------------------------

# The fields each kind asks for, in the order of the form.
PROPOSAL_FIELDS: dict[str, tuple[str, ...]] = {
    K.TIME_OUT: ("start", "end", "taught_where", "restrictions", "reasons"),
    K.SUSPENSION: ("start", "end", "reasons", "learning_arrangements", "tests_arrangements"),
    K.EXPULSION: ("ground", "reasons"),
    K.ACCESS_DENIAL: ("start", "end", "reasons"),
    K.ENROLMENT_END: ("reasons",),
}
DATED = (K.TIME_OUT, K.SUSPENSION, K.ACCESS_DENIAL)
COUNTED = (K.TIME_OUT, K.SUSPENSION)  # periods counted in school days


def period_rule(kind: str, rules: MeasureRules) -> str:
    """The rule in force for the period, shown beside the date fields."""
    if kind == K.TIME_OUT:
        return gettext(
            "Hoogstens %(n)d schooldagen, tot het einde van de week waarin de time-out begint."
        ) % {"n": rules.time_out_max_school_days}
    if kind == K.SUSPENSION:
        return gettext(
            "Hoogstens %(n)d schooldagen (één week); weekenden en vakanties tellen niet mee. "
            "Het bestuur keurt de schorsing goed vóór de eerste dag."
        ) % {"n": rules.suspension_max_school_days}
    if kind == K.ACCESS_DENIAL:
        return gettext("Hoogstens %(n)d maanden.") % {"n": rules.access_denial_max_months}
    return ""


def in_reach(value: dt.date, today: dt.date) -> bool:
    """A measure's dates lie within a year before and two years after today."""
    return today - dt.timedelta(days=366) <= value <= today + dt.timedelta(days=2 * 366)


def far_away() -> str:
    return gettext("Kies een datum tussen een jaar geleden en twee jaar vooruit.")


class ProposeForm(OnceFormMixin):
    """One form per kind, with only that kind's fields."""

    def __init__(self, *args: Any, kind: str, rules: MeasureRules, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.rules = rules
        basis = rules.basis_for(
            "time_out_max_school_days" if kind == K.TIME_OUT else "suspension_max_school_days"
        )
        rule = period_rule(kind, rules)
        available: dict[str, forms.Field] = {
            "start": date_field(
                _("Eerste dag"),
                help_text=gettext("Na vandaag: het bestuur beslist eerst.")
                if kind == K.SUSPENSION
                else "",
                error_messages={"required": _("Vul de eerste dag in.")},
            ),
            "end": date_field(
                _("Laatste dag"),
                help_text=gettext("Regel: %(rule)s") % {"rule": f"{rule} ({basis})"}
                if basis and kind in COUNTED
                else rule,
                error_messages={"required": _("Vul de laatste dag in.")},
            ),
            "taught_where": forms.CharField(
                label=_("Waar krijgt de leerling intussen les?"),
                max_length=300,
                help_text=_(
                    "Bijvoorbeeld: in groep 7 bij de leerkracht, of bij de intern begeleider."
                ),
                error_messages={"required": _("Vul in waar de leerling intussen les krijgt.")},
            ),
            "restrictions": forms.MultipleChoiceField(
                label=_("Beperkingen tijdens de time-out"),
                required=False,
                choices=[(key, gettext(label)) for key, label in RESTRICTIONS],
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": _("Kies beperkingen uit de lijst.")},
            ),
            "reasons": text_field(
                _("Redenen"),
                help_text=_(
                    "Beschrijf feitelijk wat er gebeurde en waarom deze maatregel nodig is. "
                    "Dit komt in de brief aan de ouders."
                ),
                error_messages={"required": _("Beschrijf de redenen (ten minste 10 tekens).")},
            ),
            "ground": forms.ChoiceField(
                label=_("Grond voor verwijdering"),
                choices=Measure.Ground.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Kies de grond voor verwijdering.")},
            ),
            "learning_arrangements": text_field(
                _("Afspraken over schoolwerk"),
                rows=3,
                help_text=_(
                    "Hoe leert de leerling tijdens de schorsing verder? Wie brengt werk, wie "
                    "kijkt het na?"
                ),
                error_messages={
                    "required": _("Spreek af hoe de leerling tijdens de schorsing schoolwerk doet.")
                },
            ),
            "tests_arrangements": text_field(
                _("Afspraken over toetsen"),
                required=False,
                rows=2,
                help_text=_("Toetsen blijven mogelijk: spreek af wanneer en waar."),
            ),
        }
        for name in PROPOSAL_FIELDS[kind]:
            self.fields[name] = available[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        for name in ("start", "end"):
            value = data.get(name)
            if isinstance(value, dt.date) and not in_reach(value, today):
                self.add_error(name, far_away())
                data.pop(name, None)
        start, end = data.get("start"), data.get("end")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.add_error("end", gettext("De einddatum ligt voor de begindatum."))
        return data

    def proposal(self) -> Proposal:
        data = self.cleaned_data
        return Proposal(
            kind=self.kind,
            reasons=data.get("reasons", ""),
            start=data.get("start"),
            end=data.get("end"),
            ground=data.get("ground", ""),
            taught_where=data.get("taught_where", ""),
            restrictions=list(data.get("restrictions", [])),
            learning_arrangements=data.get("learning_arrangements", ""),
            tests_arrangements=data.get("tests_arrangements", ""),
        )


def posted_dates(data: Any) -> tuple[dt.date | None, dt.date | None]:
    """The start and end as typed, for counting school days before the form is valid
    (None for a date that is not one, or out of reach)."""
    today = timezone.localdate()

    def parse(raw: object) -> dt.date | None:
        try:
            value = dt.date.fromisoformat(str(raw)) if raw else None
        except ValueError:
            return None
        return value if value is not None and in_reach(value, today) else None

    return parse(data.get("start")), parse(data.get("end"))


# --- recording what happened ----------------------------------------------------------------

FACT_LABELS: dict[str, Any] = {
    "parents_written_on": _("Ouders schriftelijk ingelicht op"),
    "parents_phoned_on": _("Ouders telefonisch ingelicht op"),
    "meeting_at": _("Gesprek met de ouders op"),
    "meeting_report": _("Verslag van het gesprek"),
    "report_seen_by_parents_on": _("Verslag door de ouders voor gezien getekend op"),
    "copies_sent_on": _("Afschrift naar bestuur, leerplichtambtenaar en Inspectie gestuurd op"),
    "inspectie_reported_on": _("Gemeld bij de Inspectie (Internet Schooldossier) op"),
    "learning_arrangements": _("Afspraken over schoolwerk"),
    "tests_arrangements": _("Afspraken over toetsen"),
    "appeal_lodged_on": _("Ouders stelden beroep in op"),
    "appeal_decided_on": _("Het bestuur besliste op het beroep op"),
    "appeal_outcome": _("Uitkomst van het beroep"),
    "educational_report": _("Onderwijskundig rapport"),
    "teacher_heard_on": _("Leerkracht gehoord op"),
    "parents_heard_on": _("Ouders gehoord op"),
    "pupil_heard_on": _("Leerling gehoord op"),
    "objection_received_on": _("Bezwaar van de ouders ontvangen op"),
    "objection_heard_on": _("Ouders gehoord over het bezwaar op"),
    "objection_decided_on": _("Het bestuur besliste op het bezwaar op"),
    "objection_outcome": _("Uitkomst van het bezwaar"),
    "enrolment_notice_on": _("Bericht van inschrijving op de nieuwe school ontvangen op"),
    "excluded_from": _("Tijdelijk geen toegang tot de school vanaf"),
    "excluded_until": _("Tijdelijk geen toegang tot en met"),
    "student_heard_on": _("Student gehoord op"),
}
TEXTS = {
    "meeting_report",
    "learning_arrangements",
    "tests_arrangements",
    "appeal_outcome",
    "educational_report",
    "objection_outcome",
}
# The facts in groups of what belongs together: each group is one small form on the page.
GROUPS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "parents": (_("Ouders ingelicht"), ("parents_written_on", "parents_phoned_on")),
    "learning": (_("Schoolwerk en toetsen"), ("learning_arrangements", "tests_arrangements")),
    "meeting": (
        _("Gesprek met de ouders"),
        ("meeting_at", "meeting_report", "report_seen_by_parents_on"),
    ),
    "copies": (_("Afschriften"), ("copies_sent_on",)),
    "inspectie": (_("Melding bij de Inspectie"), ("inspectie_reported_on",)),
    "appeal": (
        _("Beroep bij het bestuur"),
        ("appeal_lodged_on", "appeal_decided_on", "appeal_outcome"),
    ),
    "preparation": (_("Onderwijskundig rapport"), ("educational_report",)),
    "hearings": (_("Horen"), ("teacher_heard_on", "parents_heard_on", "pupil_heard_on")),
    "objection": (
        _("Bezwaar van de ouders"),
        (
            "objection_received_on",
            "objection_heard_on",
            "objection_decided_on",
            "objection_outcome",
        ),
    ),
    "enrolment": (_("Inschrijving op de nieuwe school"), ("enrolment_notice_on",)),
    "exclusion": (
        _("Tijdelijke verwijdering tijdens het zoeken"),
        ("excluded_from", "excluded_until"),
    ),
    "student": (_("Horen van de student"), ("student_heard_on",)),
}


def group_fields(kind: str, group: str) -> tuple[str, ...]:
    allowed = FACTS.get(kind, {})
    return tuple(name for name in GROUPS[group][1] if name in allowed)


def recordable_groups(measure: Measure) -> list[str]:
    """The groups of facts the page offers now (those with a fact of this kind)."""
    return [g for g in display.fact_groups(measure) if group_fields(measure.kind, g)]


class FactsForm(OnceFormMixin):
    """One group of facts. An empty field leaves what is stored as it is."""

    group = forms.CharField(widget=forms.HiddenInput, max_length=20)

    def __init__(self, *args: Any, measure: Measure, group: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{group}_%s")
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.key = group
        self.title = GROUPS[group][0]
        self.initial.setdefault("group", group)
        self.stored: dict[str, object] = {}  # shown beside the fields after a conflict
        for name in group_fields(measure.kind, group):
            label = FACT_LABELS[name]
            if name in TEXTS:
                field: forms.Field = text_field(label, required=False, rows=3)
            elif name == "meeting_at":
                field = forms.DateTimeField(
                    label=label,
                    required=False,
                    input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
                    widget=forms.DateTimeInput(
                        format=DATETIME_FORMAT, attrs={"type": "datetime-local"}
                    ),
                    error_messages={"invalid": _("Vul een geldige datum en tijd in.")},
                )
            else:
                field = date_field(label, required=False)
            mark_conditional(field)
            self.fields[name] = field
            value = getattr(measure, name)
            if value not in (None, "") and name not in self.initial:
                self.initial[name] = (
                    timezone.localtime(value) if isinstance(value, dt.datetime) else value
                )

    @property
    def names(self) -> list[str]:
        return [n for n in self.fields if n not in ("group", "submission_token")]

    def changes(self) -> dict[str, Any]:
        """What was filled in (an empty field is not a change)."""
        return {
            name: value
            for name in self.names
            if (value := self.cleaned_data.get(name)) not in (None, "")
        }


# --- the decision, the search, the end ------------------------------------------------------


class DecideForm(OnceFormMixin):
    decision = forms.ChoiceField(
        label=_("Wat besluit u?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies: goedkeuren of niet goedkeuren.")},
    )
    note = text_field(
        _("Toelichting"),
        required=False,
        rows=3,
        help_text=_("Verplicht als u niet goedkeurt. De school leest deze toelichting."),
    )

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_decide_%s")
        super().__init__(*args, **kwargs)
        approve = {
            K.EXPULSION: _(
                "Besluiten tot verwijdering (de zoektermijn en de bezwaartermijn beginnen)"
            ),
            K.TIME_OUT: _("Toestemming geven voor de time-out"),
        }.get(Measure.Kind(measure.kind), _("Goedkeuren"))
        field = self.fields["decision"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("approve", approve), ("refuse", _("Niet goedkeuren"))]
        mark_conditional(self.fields["note"])


OUTCOMES = cast(list[tuple[str, Any]], SearchAttempt._meta.get_field("outcome").choices)


class SearchForm(OnceFormMixin):
    contacted_on = date_field(_("Datum van het contact"))
    school_name = forms.CharField(
        label=_("School"),
        max_length=200,
        error_messages={"required": _("Vul de naam van de school in.")},
    )
    outcome = forms.ChoiceField(
        label=_("Uitkomst"),
        choices=OUTCOMES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies de uitkomst.")},
    )
    note = text_field(_("Toelichting"), required=False, rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_search_%s")
        super().__init__(*args, **kwargs)
        self.initial.setdefault("contacted_on", timezone.localdate())


class ConfirmForm(OnceFormMixin):
    """A button that does one thing once (final expulsion, de-registration)."""

    def __init__(self, *args: Any, prefix_id: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{prefix_id}_%s")
        super().__init__(*args, **kwargs)


class WithdrawForm(OnceFormMixin):
    reason = text_field(
        _("Waarom vervalt de maatregel?"),
        rows=2,
        error_messages={"required": _("Schrijf kort waarom de maatregel vervalt.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_withdraw_%s")
        super().__init__(*args, **kwargs)


# --- temporary extra rules -------------------------------------------------------------------


def rules_field(label: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        choices=ExtraRulesPlan.RULES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Kies regels uit de lijst.")},
    )


class PlanForm(OnceFormMixin):
    rules = rules_field(_("Welke regels gelden?"))
    rules_note = text_field(
        _("De regels in het kort"),
        required=False,
        rows=3,
        help_text=_("Wat er precies is afgesproken, of een regel die niet in de lijst staat."),
    )
    extra_teacher = forms.BooleanField(
        label=_("Een extra leerkracht of begeleider houdt toezicht"), required=False
    )
    starts_on = date_field(_("Ingangsdatum"))
    parents_note = text_field(
        _("Bericht aan andere ouders (in grote lijnen)"),
        required=False,
        rows=3,
        help_text=_(
            "Wat merken andere kinderen en ouders ervan? Schrijf in grote lijnen en noem "
            "geen namen: niet van de leerling, niet van ouders of anderen."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("starts_on", timezone.localdate())
        mark_conditional(self.fields["rules"])
        mark_conditional(self.fields["rules_note"])


class EvaluationForm(OnceFormMixin):
    held_on = date_field(_("Datum van de evaluatie"))
    participants = forms.CharField(
        label=_("Wie waren erbij?"),
        max_length=500,
        help_text=_("Noem rollen, bijvoorbeeld: leerkracht, intern begeleider, ouders."),
        error_messages={"required": _("Vul in wie erbij waren.")},
    )
    findings = text_field(
        _("Hoe gaat het?"), rows=3, error_messages={"required": _("Beschrijf hoe het gaat.")}
    )
    changes = text_field(_("Wat verandert er?"), required=False, rows=2)
    rules = rules_field(_("De regels die vanaf nu gelden"))

    def __init__(self, *args: Any, plan: ExtraRulesPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("held_on", timezone.localdate())
        self.initial.setdefault("rules", list(plan.rules))
        self.initial.setdefault("continues", "yes")
        continues = yes_no_field(gettext("Blijven de regels gelden?"), required=True)
        continues.error_messages["required"] = gettext("Kies of de regels blijven gelden.")
        self.fields["continues"] = continues
        mark_conditional(self.fields["rules"])
        self.fields["rules"].help_text = _("Alleen als de regels blijven gelden.")
