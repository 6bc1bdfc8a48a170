"""The behaviour escalation ladder (*stappenplan grensoverschrijdend gedrag*, docs/domain.md
module 4): one case per pupil and situation, seven steps from "I can do it myself" to
expulsion.

Steps 1-4 are conversations and agreements, recorded with a step report. Steps 5-7 are the
measures — time-out, suspension, expulsion — whose legal rules (school days, approvals
before the start, hearings, the search for another school, objection terms) are enforced
by :mod:`vangnet.measures.actions`, not by the engine: at those steps the case holds the
measure (:class:`vangnet.measures.models.Measure`) and its letters. Temporary extra rules
can be agreed at any step (:class:`vangnet.measures.models.ExtraRulesPlan`).

A serious incident may need a higher step at once (a time-out the same day): the
shortcuts jump there, with a reason.
"""

from __future__ import annotations

from vangnet.cases.protocols import label as _
from vangnet.core.roles import Role
from vangnet.lib.protocols import (
    CLOSED,
    Field,
    Protocol,
    RecordKind,
    Requirement,
    Shortcut,
    Step,
)

TEACHER = str(Role.TEACHER.value)
CARE = str(Role.CARE_COORDINATOR.value)
DIRECTOR = str(Role.SAFETY_OFFICER.value)

INVOLVED_ROLES = (
    ("initiator", _("Leerling die het initiatief nam")),
    ("affected", _("Leerling die het overkwam")),
    ("bystander", _("Omstander")),
    ("staff", _("Medewerker")),
    ("parent", _("Ouder")),
)

PARENTS_INFORMED = (
    ("conversation", _("Ja, in een gesprek")),
    ("phone", _("Ja, telefonisch")),
    ("letter", _("Ja, per brief")),
    ("email", _("Ja, per e-mail")),
    ("no", _("Nee, nog niet")),
)

CONSEQUENCES = (
    ("break_inside", _("Pauze binnen doorbrengen")),
    ("stay_after", _("Nablijven")),
    ("written_task", _("Schrijfopdracht")),
    ("near_teacher", _("Werken dicht bij de leerkracht")),
    ("make_amends", _("Iets goedmaken of herstellen")),
    ("behaviour_agreements", _("Afspraken over ander gedrag")),
    ("other", _("Anders (zie afspraken)")),
)

STEP_REPORT = RecordKind(
    "step_report",
    _("Verslag van deze stap"),
    (
        Field("happened_on", _("Datum"), "date", past_only=True),
        Field(
            "what_happened",
            _("Wat is er gebeurd?"),
            "text",
            help=_("Beschrijf wat er gebeurde en wat er is gezegd. Feiten, geen oordeel."),
        ),
        Field(
            "involved",
            _("Wie waren erbij?"),
            "text",
            help=_(
                "Noem ieder met een neutrale rol: de leerling die het initiatief nam, de "
                "leerling die het overkwam, omstanders, medewerkers, ouders."
            ),
        ),
        Field("involved_roles", _("Rollen van de betrokkenen"), "choices", choices=INVOLVED_ROLES),
        Field("agreements", _("Gemaakte afspraken"), "text"),
        Field(
            "consequences",
            _("Gekozen consequenties"),
            "choices",
            required=False,
            choices=CONSEQUENCES,
        ),
        Field(
            "parents_informed",
            _("Zijn de ouders op de hoogte gebracht?"),
            "choice",
            choices=PARENTS_INFORMED,
        ),
        Field(
            "parents_informed_on",
            _("Wanneer zijn de ouders ingelicht?"),
            "date",
            required=False,
            past_only=True,
        ),
        Field(
            "report",
            _("Verslag voor het dossier"),
            "text",
            required=False,
            help=_("Wat er in het leerlingdossier komt te staan."),
        ),
    ),
    summary="what_happened",
)

REPORT_NEEDED = Requirement(
    ("step_report",),
    _("Leg eerst vast wat er bij deze stap is gebeurd (‘Verslag van deze stap’)."),
    fresh=True,
)


def _step(key: str, title: str, role: str, help_text: str, next_key: str) -> Step:
    return Step(
        key,
        title,
        role,
        help=help_text,
        records=("step_report",),
        requires=(REPORT_NEEDED,),
        next=next_key,
    )


BEHAVIOUR_V1 = Protocol(
    key="behaviour",
    version=1,
    title=_("Stappenplan grensoverschrijdend gedrag"),
    summary=_(
        "Zeven stappen per leerling en per situatie: van ‘ik los het zelf op’ tot "
        "verwijdering. Bij elke stap legt u vast wat er gebeurde, wie erbij waren, de "
        "afspraken en of de ouders het weten."
    ),
    starters=(TEACHER, CARE, DIRECTOR),
    sectors=("PO", "SO", "VO", "MBO"),
    record_kinds=(STEP_REPORT,),
    steps=(
        _step(
            "self",
            _("Stap 1: ik kan het zelf"),
            TEACHER,
            _("De leerling lost het met hulp van de leerkracht zelf op."),
            "ask_help",
        ),
        _step(
            "ask_help",
            _("Stap 2: ik vraag om hulp"),
            TEACHER,
            _("De leerling vraagt een volwassene om hulp; de leerkracht grijpt in."),
            "together",
        ),
        _step(
            "together",
            _("Stap 3: we zoeken samen een oplossing"),
            TEACHER,
            _(
                "Gesprek met de betrokken leerlingen; de ouders worden ingelicht; het verslag "
                "komt in het dossier."
            ),
            "with_parents",
        ),
        _step(
            "with_parents",
            _("Stap 4: school en ouders werken samen"),
            CARE,
            _(
                "De school spreekt met de ouders af hoe het gedrag verandert en welke "
                "gevolgen volgen als het doorgaat; het verslag komt in het dossier."
            ),
            "time_out",
        ),
        _step(
            "time_out",
            _("Stap 5: time-out"),
            DIRECTOR,
            _(
                "Na een ernstig incident: de leerling werkt de rest van de dag, hoogstens tot "
                "het einde van de week, elders in school. Alleen met toestemming van de "
                "directeur; de ouders worden meteen schriftelijk en telefonisch ingelicht."
            ),
            "suspension",
        ),
        _step(
            "suspension",
            _("Stap 6: schorsing"),
            DIRECTOR,
            _(
                "Hoogstens één week, met toestemming van het bestuur vooraf, een "
                "aangetekende brief aan de ouders en een gesprek met hen."
            ),
            "expulsion",
        ),
        _step(
            "expulsion",
            _("Stap 7: verwijdering"),
            DIRECTOR,
            _(
                "De directeur bereidt voor; het bestuur besluit, zoekt acht weken naar een "
                "andere school en verwijdert pas definitief als die de leerling toelaat."
            ),
            CLOSED,
        ),
    ),
    shortcuts=(
        Shortcut(
            "to_time_out",
            _("Direct naar time-out"),
            "time_out",
            help=_("Bij een ernstig incident kan een time-out meteen nodig zijn."),
            waives_needs=True,
        ),
        Shortcut(
            "to_suspension",
            _("Direct naar schorsing"),
            "suspension",
            help=_("Bij zeer ernstig gedrag kan de directeur direct een schorsing voorstellen."),
            waives_needs=True,
        ),
    ),
)
