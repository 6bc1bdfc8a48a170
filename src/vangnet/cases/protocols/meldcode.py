"""The Meldcode for domestic violence and child abuse (docs/domain.md, module 3).

Five steps under the care coordinator's direction (AF HGKM), then the follow-up the
decision leads to: a report to Veilig Thuis, help organised and followed, or monitoring
until the case is closed with agreements. Step 5 uses the mandatory decision framework
(*afwegingskader*, in force since 1 January 2019) as a decision tree of its five
questions; questions 3-5 are gone through together with Veilig Thuis.

The terms per step are Vangnet's default agreements (the law sets none): they make a case
that stands still visible to its owner and, later, to the director.
"""

from __future__ import annotations

from vangnet.cases.protocols import label as _
from vangnet.core.roles import Role
from vangnet.lib.protocols import (
    CLOSED,
    DecisionTree,
    Exchange,
    Field,
    Outcome,
    Protocol,
    Question,
    RecordKind,
    Requirement,
    Shortcut,
    Step,
    Term,
)

CARE = str(Role.CARE_COORDINATOR.value)
DIRECTOR = str(Role.SAFETY_OFFICER.value)

YES_NO_UNKNOWN = (("yes", _("Ja")), ("no", _("Nee")), ("unknown", _("Nog niet bekend")))

# After the acute route the earlier steps are caught up on in the report and monitoring
# steps: above all the Kindcheck (are other children at risk?).
CATCH_UP = ("kindcheck", "conversation", "conversation_skipped", "weighing")

SIGNALS_NEEDED = Requirement(
    ("observation",),
    _(
        "Leg eerst in stap 1 ten minste één signaal vast. Alleen bij acute onveiligheid kan "
        "direct gemeld worden (knop ‘Acuut melden’)."
    ),
)

CONSULTATION = RecordKind(
    "consultation",
    _("Overleg"),
    (
        Field("held_on", _("Datum"), "date", past_only=True),
        Field(
            "with_whom",
            _("Met wie"),
            "choice",
            choices=(
                ("colleague", _("Collega binnen de school")),
                ("professional", _("Externe deskundige")),
                ("veilig_thuis", _("Veilig Thuis (advies)")),
            ),
        ),
        Field("name", _("Naam en functie"), "line", help=_("Wie heeft u gesproken?")),
        Field(
            "anonymous",
            _("Advies gevraagd zonder de naam van het kind te noemen"),
            "bool",
            required=False,
            help=_("Anoniem advies bij Veilig Thuis mag zonder toestemming van de ouders."),
        ),
        Field("question", _("Uw vraag"), "text"),
        Field("advice", _("Advies dat u kreeg"), "text"),
    ),
    summary="name",
)

OBSERVATION = RecordKind(
    "observation",
    _("Signaal"),
    (
        Field("observed_on", _("Datum"), "date", past_only=True),
        Field("observed_by", _("Gezien of gehoord door"), "line"),
        Field(
            "what",
            _("Wat is er gezien of gehoord?"),
            "text",
            help=_(
                "Beschrijf feiten: wat zag, hoorde of rook u? Een interpretatie hoort hier niet."
            ),
        ),
        Field(
            "source",
            _("Bron"),
            "choice",
            choices=(
                ("own", _("Eigen waarneming")),
                ("child", _("Verteld door het kind")),
                ("parent", _("Verteld door een ouder")),
                ("other", _("Verteld door een ander")),
            ),
        ),
        Field(
            "objectified",
            _("Hoe is het signaal geobjectiveerd?"),
            "text",
            required=False,
            help=_(
                "Bijvoorbeeld met een signalenlijst, een observatie door een collega of "
                "een gesprek."
            ),
        ),
    ),
    summary="what",
)

KINDCHECK = RecordKind(
    "kindcheck",
    _("Kindcheck"),
    (
        Field(
            "other_children",
            _("Zijn er andere kinderen in het gezin of huishouden?"),
            "choice",
            choices=YES_NO_UNKNOWN,
        ),
        Field(
            "who",
            _("Welke kinderen (leeftijd, school of opvang)?"),
            "text",
            required=False,
            required_if=("other_children", "yes"),
        ),
        Field("action", _("Wat is er voor hen gedaan?"), "text", required=False),
    ),
    help=_(
        "Ga na of er meer kinderen in het gezin zijn die gevaar kunnen lopen, ook als het "
        "signaal over één kind gaat."
    ),
    summary="other_children",
)

CONVERSATION = RecordKind(
    "conversation",
    _("Gesprek met ouders en/of kind"),
    (
        Field("held_on", _("Datum"), "date", past_only=True),
        Field("participants", _("Aanwezig"), "line"),
        Field("purpose", _("Doel van het gesprek"), "text"),
        Field("facts", _("Besproken feiten"), "text"),
        Field("response", _("Reactie van ouders en/of kind"), "text", required=False),
        Field("agreements", _("Afspraken"), "text"),
        Field("signed", _("Verslag ondertekend door de ouders"), "bool", required=False),
        Field(
            "signed_on",
            _("Ondertekend op"),
            "date",
            required=False,
            required_if=("signed", True),
            past_only=True,
        ),
    ),
    summary="purpose",
)

CONVERSATION_SKIPPED = RecordKind(
    "conversation_skipped",
    _("Gesprek overgeslagen"),
    (
        Field(
            "reason",
            _("Waarom zou een gesprek iemand in gevaar brengen?"),
            "text",
            help=_("Noem wie gevaar loopt: het kind, een ander in het gezin of een medewerker."),
        ),
        Field("decided_with", _("Besloten samen met"), "line"),
    ),
    summary="reason",
)

WEIGHING = RecordKind(
    "weighing",
    _("Weging"),
    (
        Field("physical_danger", _("Is er direct fysiek gevaar?"), "bool"),
        Field("physical_danger_why", _("Toelichting bij direct fysiek gevaar"), "text"),
        Field(
            "development_hindered",
            _("Belemmert de opvoeding een veilige ontwikkeling van het kind?"),
            "bool",
        ),
        Field(
            "development_hindered_why", _("Toelichting bij de ontwikkeling van het kind"), "text"
        ),
        Field("future_risk", _("Zijn er risico's in de nabije toekomst?"), "bool"),
        Field("future_risk_why", _("Toelichting bij risico's in de nabije toekomst"), "text"),
        Field("risk_micro", _("Risicofactoren: kind en gezin (micro)"), "text"),
        Field("protect_micro", _("Beschermende factoren: kind en gezin (micro)"), "text"),
        Field(
            "risk_meso", _("Risicofactoren: school, buurt, netwerk (meso)"), "text", required=False
        ),
        Field(
            "protect_meso",
            _("Beschermende factoren: school, buurt, netwerk (meso)"),
            "text",
            required=False,
        ),
        Field(
            "risk_macro",
            _("Risicofactoren: samenleving, cultuur, wonen, werk (macro)"),
            "text",
            required=False,
        ),
        Field(
            "protect_macro",
            _("Beschermende factoren: samenleving, cultuur, wonen, werk (macro)"),
            "text",
            required=False,
        ),
        Field(
            "context_score",
            _("Contextscore (0-10)"),
            "int",
            min_value=0,
            max_value=10,
            help=_("0: de omgeving van het kind is zeer zorgelijk; 10: de omgeving is goed."),
        ),
        Field("goals", _("Doelen"), "text"),
    ),
    help=_(
        "Beantwoord de drie vragen en breng met het Balansmodel in kaart wat het kind bedreigt "
        "en wat het beschermt, op het niveau van kind en gezin, de directe omgeving en de "
        "samenleving."
    ),
    summary="goals",
)

VT_REPORT = RecordKind(
    "vt_report",
    _("Melding bij Veilig Thuis"),
    (
        Field("reported_on", _("Gemeld op"), "date", past_only=True),
        Field("reference", _("Kenmerk van Veilig Thuis"), "line", required=False),
        Field("reported_by", _("Gemeld door"), "line"),
        Field("summary", _("Wat is er gemeld?"), "text"),
        Field("parents_told", _("Zijn de ouders vooraf ingelicht?"), "bool"),
        Field(
            "parents_not_told_why",
            _("Waarom zijn de ouders niet ingelicht?"),
            "text",
            required=False,
            required_if=("parents_told", False),
        ),
    ),
    needs=(SIGNALS_NEEDED,),
    summary="reference",
    exchange=Exchange(
        "sent",
        "veilig_thuis",
        "reported_on",
        _("Melding over de leerling (de inhoud staat in het zorgtraject)"),
        _("Melding volgens de Meldcode"),
    ),
)

VT_FEEDBACK = RecordKind(
    "vt_feedback",
    _("Terugkoppeling van Veilig Thuis"),
    (
        Field("received_on", _("Ontvangen op"), "date", past_only=True),
        Field("feedback", _("Wat koppelde Veilig Thuis terug?"), "text"),
        Field(
            "next_review_on",
            _("Volgende evaluatie op"),
            "date",
            required=False,
            schedules=_("Evaluatie na terugkoppeling Veilig Thuis"),
        ),
    ),
    needs=(Requirement(("vt_report",), _("Leg eerst de melding bij Veilig Thuis vast.")),),
    summary="feedback",
    exchange=Exchange(
        "received",
        "veilig_thuis",
        "received_on",
        _("Terugkoppeling over de leerling (de inhoud staat in het zorgtraject)"),
        _("Terugkoppeling na een melding volgens de Meldcode"),
    ),
)

HELP_PLAN = RecordKind(
    "help_plan",
    _("Hulp georganiseerd"),
    (
        Field("help", _("Welke hulp?"), "text"),
        Field("provided_by", _("Door wie?"), "line"),
        Field("accepted", _("Hebben de betrokkenen de hulp aanvaard?"), "bool"),
        Field("agreed_with_vt", _("Afgestemd met Veilig Thuis"), "bool", required=False),
        Field(
            "review_on",
            _("Evaluatie van de hulp op"),
            "date",
            schedules=_("Evaluatie van de hulp"),
        ),
    ),
    summary="help",
)

REVIEW = RecordKind(
    "review",
    _("Evaluatie"),
    (
        Field("held_on", _("Datum"), "date", past_only=True),
        Field("participants", _("Aanwezig"), "line"),
        Field("findings", _("Hoe gaat het met de veiligheid en het welzijn van het kind?"), "text"),
        Field(
            "next_review_on",
            _("Volgende evaluatie op"),
            "date",
            required=False,
            schedules=_("Volgende evaluatie"),
        ),
    ),
    summary="findings",
)

CLOSING = RecordKind(
    "closing",
    _("Afsluiting"),
    (
        Field(
            "agreements",
            _("Afspraken over het volgen van de veiligheid na afsluiting"),
            "text",
            help=_("Wie let waarop, en wanneer komt de zorg opnieuw op tafel?"),
        ),
        Field("informed", _("Wie zijn over de afsluiting ingelicht?"), "line"),
    ),
    summary="agreements",
)

AFWEGINGSKADER = DecisionTree(
    "afwegingskader",
    _("Afwegingskader"),
    start="q1",
    questions=(
        Question(
            "q1",
            _(
                "Heb ik op basis van stap 1 tot en met 4 een vermoeden van (dreiging van) "
                "huiselijk geweld of kindermishandeling?"
            ),
            yes="q2",
            no="close",
        ),
        Question(
            "q2",
            _("Is er sprake van acute of structurele onveiligheid?"),
            yes="report",
            no="q3",
            parts=(
                (
                    "q2_acute",
                    _(
                        "Acute onveiligheid: direct fysiek gevaar, of de veiligheid is de "
                        "komende dagen niet gegarandeerd"
                    ),
                ),
                ("q2_structural", _("Structurele onveiligheid: het herhaalt zich of houdt aan")),
            ),
        ),
        Question(
            "q3",
            _(
                "Kan ik, of kunnen wij, effectieve hulp bieden of organiseren om de "
                "dreiging af te wenden?"
            ),
            yes="q4",
            no="report",
            with_partner=_("Veilig Thuis"),
        ),
        Question(
            "q4",
            _("Aanvaarden de betrokkenen de hulp en zetten zij zich ervoor in?"),
            yes="q5",
            no="report",
            with_partner=_("Veilig Thuis"),
        ),
        Question(
            "q5",
            _(
                "Leidt de hulp binnen de afgesproken tijd tot de nodige resultaten voor de "
                "veiligheid en het welzijn van het kind?"
            ),
            yes="close_with_monitoring",
            no="report",
            wait_outcome="help",
            with_partner=_("Veilig Thuis"),
            help=_("Beantwoord deze vraag pas als de hulp loopt en geëvalueerd is."),
        ),
    ),
    outcomes=(
        Outcome(
            "close",
            _("Afsluiten en vastleggen"),
            CLOSED,
            help=_("Er is geen vermoeden: het traject wordt gesloten, de afweging blijft bewaard."),
        ),
        Outcome(
            "report",
            _("Melden bij Veilig Thuis"),
            "report",
            help=_("Doe een melding bij Veilig Thuis en blijf daarna signaleren en volgen."),
        ),
        Outcome(
            "help",
            _("Hulp organiseren en effecten volgen"),
            "help",
            help=_("Organiseer de hulp en spreek evaluaties af; beantwoord daarna vraag 5."),
        ),
        Outcome(
            "close_with_monitoring",
            _("Hulp afsluiten met afspraken over volgen"),
            "monitoring",
            help=_("De hulp werkt: sluit af met afspraken over het volgen van de veiligheid."),
        ),
    ),
)

MELDCODE_V1 = Protocol(
    key="meldcode",
    version=1,
    title=_("Meldcode huiselijk geweld en kindermishandeling"),
    summary=_(
        "Vijf stappen onder regie van de aandachtsfunctionaris: signalen in kaart brengen, "
        "overleggen, in gesprek gaan, wegen en beslissen met het afwegingskader."
    ),
    starters=(CARE, DIRECTOR),
    record_kinds=(
        OBSERVATION,
        KINDCHECK,
        CONSULTATION,
        CONVERSATION,
        CONVERSATION_SKIPPED,
        WEIGHING,
        VT_REPORT,
        VT_FEEDBACK,
        HELP_PLAN,
        REVIEW,
        CLOSING,
    ),
    trees=(AFWEGINGSKADER,),
    steps=(
        Step(
            "signals",
            _("Stap 1: signalen in kaart brengen"),
            CARE,
            help=_(
                "Breng de signalen in kaart: wat is er gezien en gehoord, wat staat al in het "
                "dossier, en zijn er andere kinderen in het gezin (kindcheck)?"
            ),
            records=("observation", "kindcheck", "consultation"),
            requires=(
                Requirement(("observation",), _("Leg ten minste één signaal vast.")),
                Requirement(("kindcheck",), _("Doe de kindcheck.")),
            ),
            next="consult",
            terms=(Term("step", _("Stap 1 afronden"), 14, escalate_to=(DIRECTOR,)),),
            shows_history=True,
        ),
        Step(
            "consult",
            _("Stap 2: collegiale consultatie en advies"),
            CARE,
            help=_(
                "Overleg met collega's en zo nodig met een externe deskundige of Veilig Thuis. "
                "Advies bij Veilig Thuis kan anoniem."
            ),
            records=("consultation", "observation"),
            requires=(Requirement(("consultation",), _("Leg ten minste één overleg vast.")),),
            next="conversation",
            terms=(Term("step", _("Stap 2 afronden"), 14, escalate_to=(DIRECTOR,)),),
        ),
        Step(
            "conversation",
            _("Stap 3: gesprek met ouders en/of kind"),
            CARE,
            help=_(
                "Bespreek de zorgen met de ouders en, waar het kan, met het kind. Sla het "
                "gesprek alleen over als het iemand in gevaar zou brengen, en leg vast waarom."
            ),
            records=("conversation", "conversation_skipped", "consultation", "observation"),
            requires=(
                Requirement(
                    ("conversation", "conversation_skipped"),
                    _("Leg het gesprek vast, of waarom het is overgeslagen."),
                ),
            ),
            next="weigh",
            terms=(Term("step", _("Stap 3 afronden"), 14, escalate_to=(DIRECTOR,)),),
        ),
        Step(
            "weigh",
            _("Stap 4: wegen van het geweld of de kindermishandeling"),
            CARE,
            help=_(
                "Weeg het risico, de aard en de ernst: beantwoord de drie vragen en vul het "
                "Balansmodel in."
            ),
            records=("weighing", "consultation"),
            requires=(Requirement(("weighing",), _("Leg de weging vast.")),),
            next="decide",
            terms=(Term("step", _("Stap 4 afronden"), 7, escalate_to=(DIRECTOR,)),),
        ),
        Step(
            "decide",
            _("Stap 5: beslissen met het afwegingskader"),
            CARE,
            help=_(
                "Loop de vijf vragen van het afwegingskader door en onderbouw elk antwoord. "
                "Vraag 3 tot en met 5 beantwoordt u samen met Veilig Thuis."
            ),
            records=("consultation",),
            decision="afwegingskader",
            terms=(Term("step", _("Beslissing nemen"), 7, escalate_to=(DIRECTOR,)),),
        ),
        Step(
            "report",
            _("Melden bij Veilig Thuis"),
            CARE,
            help=_(
                "Leg de melding vast: wanneer, met welk kenmerk, en of de ouders vooraf zijn "
                "ingelicht. Daarna blijft het traject open om te volgen."
            ),
            records=("vt_report", "vt_feedback", "consultation", "observation", *CATCH_UP),
            requires=(
                Requirement(("vt_report",), _("Leg de melding bij Veilig Thuis vast."), fresh=True),
            ),
            next="monitoring",
            terms=(Term("step", _("Melding vastleggen"), 3, escalate_to=(DIRECTOR,)),),
        ),
        Step(
            "help",
            _("Hulp organiseren en volgen"),
            CARE,
            help=_(
                "Leg vast welke hulp er komt en wanneer die geëvalueerd wordt. Beantwoord na de "
                "evaluatie vraag 5 van het afwegingskader."
            ),
            records=("help_plan", "review", "consultation", "observation"),
            requires=(
                Requirement(("help_plan",), _("Leg vast welke hulp er is georganiseerd.")),
                Requirement(
                    ("review",),
                    _(
                        "Evalueer de hulp eerst: leg een evaluatie vast voordat u vraag 5 "
                        "beantwoordt."
                    ),
                    fresh=True,
                ),
            ),
            decision="afwegingskader",
            phase="monitoring",
        ),
        Step(
            "monitoring",
            _("Volgen en afsluiten"),
            CARE,
            help=_(
                "Blijf signaleren en evalueer op de afgesproken data. Sluit af met afspraken "
                "over het volgen van de veiligheid."
            ),
            records=(
                "review",
                "vt_feedback",
                "closing",
                "consultation",
                "observation",
                *CATCH_UP,
            ),
            requires=(
                # after the acute route the Kindcheck may still be missing: the case does
                # not close before it is done (are other children in the family at risk?)
                Requirement(("kindcheck",), _("Doe de kindcheck voordat het traject sluit.")),
                Requirement(("closing",), _("Leg de afspraken bij afsluiting vast.")),
            ),
            next=CLOSED,
            phase="monitoring",
        ),
    ),
    shortcuts=(
        Shortcut(
            "acute",
            _("Acuut melden"),
            "report",
            help=_(
                "Bij direct gevaar meldt u meteen bij Veilig Thuis (0800-2000, dag en nacht) "
                "of belt u 112. De stappen kunnen daarna worden aangevuld."
            ),
            waives_needs=True,
        ),
    ),
)
