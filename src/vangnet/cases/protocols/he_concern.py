"""Concerning behaviour in higher education and MBO (*zorgwekkend gedrag*, docs/domain.md
module 5): safeguarding the student's own safety, that of others and that of society.

Horizontal first: the concern is discussed with the student, then in collegial
consultation. Vertical while the concern is not removed: scale up within the institution
(the student counsellor, the dean's office), then the multidisciplinary meeting, finally the
Executive Board. The role titles differ per institution; the pages show the board's own
titles (:class:`vangnet.organisations.models.RoleTitle`).

Decision framework 1 — the safety of the student, of other students and staff, of
society, each weighed with a rationale — is recorded before every decision to scale up (or
to close): each escalating step requires a *fresh* weighing. Sharing outside the
institution (decision framework 2) is a sharing request (:mod:`vangnet.sharing`), approved
by the Executive Board. The Executive Board's measures (denial of access, ending the
enrolment) come from :mod:`vangnet.measures`, after the student was heard.
"""

from __future__ import annotations

from vangnet.cases.protocols import label as _
from vangnet.core.roles import Role
from vangnet.lib.protocols import (
    CLOSED,
    DecisionTree,
    Field,
    Outcome,
    Protocol,
    Question,
    RecordKind,
    Requirement,
    Step,
    Term,
)

FIRST_LINE = str(Role.TEACHER.value)  # lecturer, study-career coach
COUNSELLOR = str(Role.CARE_COORDINATOR.value)  # student counsellor, dean's office
COORDINATOR = str(Role.SAFETY_OFFICER.value)  # the institution's safety coordinator

LEVELS = (
    ("none", _("Geen zorg")),
    ("some", _("Enige zorg")),
    ("serious", _("Ernstige zorg")),
)

CONVERSATION = RecordKind(
    "student_conversation",
    _("Gesprek met de student"),
    (
        Field("held_on", _("Datum"), "date", past_only=True),
        Field("by", _("Gevoerd door"), "line"),
        Field(
            "concern",
            _("Welke zorg is besproken?"),
            "text",
            help=_("Beschrijf gedrag dat u zag of hoorde, geen diagnose."),
        ),
        Field("student_view", _("Wat zegt de student zelf?"), "text"),
        Field("agreements", _("Afspraken"), "text", required=False),
    ),
    summary="concern",
)

NOT_DISCUSSED = RecordKind(
    "not_discussed",
    _("Gesprek (nog) niet gevoerd"),
    (
        Field(
            "reason",
            _("Waarom is de zorg (nog) niet met de student besproken?"),
            "text",
            help=_(
                "Bijvoorbeeld: de student is niet bereikbaar, of een gesprek brengt iemand "
                "in gevaar."
            ),
        ),
    ),
    summary="reason",
)

CONSULTATION = RecordKind(
    "collegial_consultation",
    _("Collegiaal overleg"),
    (
        Field("held_on", _("Datum"), "date", past_only=True),
        Field("with_whom", _("Met wie (functie)"), "line"),
        Field("advice", _("Wat was het advies?"), "text"),
    ),
    summary="advice",
)

WEIGHING = RecordKind(
    "safety_weighing",
    _("Afweging veiligheid (afwegingskader 1)"),
    (
        Field("student_level", _("Veiligheid van de student zelf"), "choice", choices=LEVELS),
        Field("student_why", _("Onderbouwing voor de student"), "text"),
        Field(
            "others_level",
            _("Veiligheid van andere studenten en medewerkers"),
            "choice",
            choices=LEVELS,
        ),
        Field("others_why", _("Onderbouwing voor anderen"), "text"),
        Field("society_level", _("Veiligheid van de samenleving"), "choice", choices=LEVELS),
        Field("society_why", _("Onderbouwing voor de samenleving"), "text"),
    ),
    help=_(
        "Weeg bij elke keuze om op te schalen of af te sluiten de veiligheid van de student, "
        "van anderen en van de samenleving, elk met een onderbouwing."
    ),
    summary="student_why",
)

ACTION = RecordKind(
    "support_action",
    _("Actie of ondersteuning"),
    (
        Field("taken_on", _("Datum"), "date", past_only=True),
        Field("by", _("Door (functie)"), "line"),
        Field("what", _("Wat is er gedaan of afgesproken?"), "text"),
        Field("review_on", _("Evalueren op"), "date", required=False, schedules=_("Evaluatie")),
    ),
    summary="what",
)

MEETING_ADVICE = RecordKind(
    "meeting_advice",
    _("Advies van het multidisciplinair overleg"),
    (
        Field("held_on", _("Datum van het overleg"), "date", past_only=True),
        Field("present", _("Aanwezige functies"), "line"),
        Field("analysis", _("Analyse"), "text"),
        Field("advice", _("Advies en besluit"), "text"),
    ),
    summary="advice",
)

BOARD_DECISION = RecordKind(
    "board_decision",
    _("Besluit van het College van Bestuur"),
    (
        Field("decided_on", _("Datum"), "date", past_only=True),
        Field("decision", _("Besluit"), "text"),
        Field(
            "student_heard_on",
            _("De student is gehoord op"),
            "date",
            required=False,
            past_only=True,
            help=_("Een maatregel van het College volgt pas nadat de student is gehoord."),
        ),
    ),
    summary="decision",
)

WEIGHED = Requirement(
    ("safety_weighing",),
    _(
        "Leg eerst de afweging vast (afwegingskader 1): de veiligheid van de student, van "
        "anderen en van de samenleving, elk met een onderbouwing."
    ),
    fresh=True,
)


def _tree(key: str, next_step: str, next_label: str) -> DecisionTree:
    return DecisionTree(
        key,
        _("Is de zorg weggenomen?"),
        start="removed",
        questions=(
            Question(
                "removed",
                _("Is de zorg weggenomen, zodat de veiligheid niet meer in het geding is?"),
                yes="close",
                no="scale_up",
                help=_("Zo niet, dan schaalt u op naar de volgende stap."),
            ),
        ),
        outcomes=(
            Outcome(
                "close",
                _("Afsluiten"),
                CLOSED,
                help=_("De zorg is weggenomen; de afweging blijft bewaard."),
            ),
            Outcome("scale_up", next_label, next_step),
        ),
    )


TREES = (
    _tree("after_consultation", "scale_up", _("Opschalen binnen de instelling")),
    _tree("after_scale_up", "meeting", _("Naar het multidisciplinair overleg")),
    _tree("after_meeting", "board", _("Naar het College van Bestuur")),
)

HE_CONCERN_V1 = Protocol(
    key="he_concern",
    version=1,
    title=_("Zorgwekkend gedrag van een student"),
    summary=_(
        "Eerst in gesprek met de student en collegiaal overleg; zolang de zorg blijft "
        "schaalt u op: binnen de instelling, naar het multidisciplinair overleg en ten "
        "slotte naar het College van Bestuur. Bij elke stap weegt u de veiligheid."
    ),
    starters=(FIRST_LINE, COUNSELLOR, COORDINATOR),
    sectors=("MBO", "HBO", "WO"),
    record_kinds=(
        CONVERSATION,
        NOT_DISCUSSED,
        CONSULTATION,
        WEIGHING,
        ACTION,
        MEETING_ADVICE,
        BOARD_DECISION,
    ),
    trees=TREES,
    steps=(
        Step(
            "conversation",
            _("Stap 1: de zorg bespreken met de student"),
            FIRST_LINE,
            help=_("Bespreek wat u ziet met de student zelf, tenzij dat iemand in gevaar brengt."),
            records=("student_conversation", "not_discussed"),
            requires=(
                Requirement(
                    ("student_conversation", "not_discussed"),
                    _("Leg het gesprek met de student vast, of waarom het (nog) niet kon."),
                ),
            ),
            next="consultation",
            terms=(Term("step", _("Gesprek met de student"), 7, escalate_to=(COUNSELLOR,)),),
        ),
        Step(
            "consultation",
            _("Stap 2: collegiaal overleg"),
            FIRST_LINE,
            help=_("Overleg met een collega of de studentendecaan; weeg daarna de veiligheid."),
            records=("collegial_consultation", "safety_weighing", "student_conversation"),
            requires=(
                Requirement(("collegial_consultation",), _("Leg het collegiaal overleg vast.")),
                WEIGHED,
            ),
            decision="after_consultation",
        ),
        Step(
            "scale_up",
            _("Stap 3: opschalen binnen de instelling"),
            COUNSELLOR,
            help=_("De studentendecaan of het decanaat neemt het over en zet ondersteuning in."),
            records=("support_action", "safety_weighing", "collegial_consultation"),
            requires=(WEIGHED,),
            decision="after_scale_up",
            terms=(Term("step", _("Ondersteuning inzetten"), 14, escalate_to=(COORDINATOR,)),),
        ),
        Step(
            "meeting",
            _("Stap 4: multidisciplinair overleg"),
            COUNSELLOR,
            help=_(
                "Bespreek de zorg in het zorgoverleg met de betrokken functies (decanaat, "
                "studieloopbaanbegeleiding, vertrouwenspersoon, studentpsycholoog, jurist, "
                "beveiliging)."
            ),
            records=("meeting_advice", "safety_weighing", "support_action"),
            requires=(
                Requirement(("meeting_advice",), _("Leg het advies van het overleg vast.")),
                WEIGHED,
            ),
            decision="after_meeting",
        ),
        Step(
            "board",
            _("Stap 5: College van Bestuur"),
            COORDINATOR,
            help=_(
                "Het College van Bestuur besluit als laatste, na het horen van de student. "
                "Het kan de toegang ontzeggen of de inschrijving beëindigen."
            ),
            records=("board_decision", "safety_weighing", "support_action"),
            requires=(
                Requirement(("board_decision",), _("Leg het besluit van het College vast.")),
            ),
            next=CLOSED,
        ),
    ),
)
