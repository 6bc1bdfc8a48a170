"""The words of the measure letters: Vangnet's default text per letter, the placeholders a
text may use, and how a text is checked and filled.

A letter's text is plain text with named placeholders between braces (``{leerling}``),
paragraphs separated by a blank line. Vangnet's own texts are written for this product,
in plain Dutch (warm but formal); a board may replace them with its own wording
(:class:`vangnet.measures.models.LetterTemplate`). A text may only use the placeholders
of its letter: a suspension letter has no ``{zoektermijn}``. Braces that do not form a
known placeholder are refused, so a typing error never reaches parents as ``{leerlnig}``.

Filling is a plain substitution of whole placeholders (never ``str.format``): a text
cannot reach attributes or formatting tricks, and values are inserted as they are.

Letters are always written in the site's first language (Dutch), like the other
documents of Vangnet; the texts are marked for translation all the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

TIME_OUT_NOTICE = "time_out_notice"
SUSPENSION_LETTER = "suspension_letter"
MEETING_INVITATION = "meeting_invitation"
INTENT_LETTER = "intent_letter"
FINAL_LETTER = "final_letter"
OBJECTION_DECISION = "objection_decision"

MAX_BODY = 20_000

# placeholder -> what it holds (shown on the board's template page)
PLACEHOLDERS = {
    "leerling": gettext_lazy("voornaam en achternaam van de leerling"),
    "roepnaam": gettext_lazy("de roepnaam van de leerling"),
    "groep": gettext_lazy("de groep of klas van de leerling"),
    "ouders": gettext_lazy(
        "de namen van de ouders of verzorgers met ouderlijk gezag; zijn die niet bekend, "
        "dan ‘de ouders/verzorgers van’ met de naam van de leerling"
    ),
    "aanhef": gettext_lazy("de aanhef, bijvoorbeeld ‘Beste Ellen Visser’ (zonder komma)"),
    "school": gettext_lazy("de naam van de school"),
    "plaats": gettext_lazy("de plaats van de school"),
    "bestuur": gettext_lazy("de naam van het bestuur (bevoegd gezag)"),
    "directeur": gettext_lazy("de naam van de directeur van de school"),
    "datum": gettext_lazy("de datum van de brief, voluit met de weekdag"),
    "maatregel": gettext_lazy("de maatregel in woorden, met lidwoord (‘de schorsing’)"),
    "redenen": gettext_lazy("de redenen, zoals ze bij de maatregel zijn vastgelegd"),
    "wettelijke_basis": gettext_lazy(
        "de wet of het beleid waarop de maatregel steunt (volgens de termijnen van de sector)"
    ),
    "bezwaar": gettext_lazy(
        "hoe de ouders bezwaar of beroep instellen, bij wie en binnen welke termijn (een "
        "paar zinnen)"
    ),
    "besluitdatum": gettext_lazy(
        "de datum van het besluit: de toestemming van de directeur of het besluit van het bestuur"
    ),
    "eerste_dag": gettext_lazy("de eerste dag van de maatregel, voluit met de weekdag"),
    "laatste_dag": gettext_lazy("de laatste dag van de maatregel, voluit met de weekdag"),
    "schooldagen": gettext_lazy(
        "het aantal schooldagen (‘3 schooldagen’), geteld met de vakanties van de school"
    ),
    "terug_op": gettext_lazy("de eerste schooldag na de schorsing"),
    "waar": gettext_lazy("waar de leerling tijdens de time-out les krijgt"),
    "beperkingen": gettext_lazy(
        "een zin over wat tijdens de time-out niet doorgaat (gym, groepsactiviteiten, opvang)"
    ),
    "afspraken_schoolwerk": gettext_lazy(
        "de afspraken over schoolwerk en toetsen tijdens de schorsing"
    ),
    "inspectie": gettext_lazy(
        "een zin over de melding bij de Inspectie als de schorsing daarvoor lang genoeg "
        "duurt; anders leeg"
    ),
    "gesprek": gettext_lazy("datum en tijd van het gesprek (‘dinsdag 3 maart 2026 om 15.30 uur’)"),
    "leerkracht": gettext_lazy(
        "de naam van de leerkracht van de groep, met ‘(leerkracht van …)’ en de roepnaam"
    ),
    "grond": gettext_lazy("de grond voor verwijdering, zoals gekozen bij de maatregel"),
    "gehoord": gettext_lazy("wie vóór het besluit zijn gehoord, met de data"),
    "zoektermijn": gettext_lazy(
        "hoe lang het bestuur naar een andere school zoekt, met de laatste dag"
    ),
    "definitief_als": gettext_lazy(
        "een zin over wanneer de verwijdering definitief wordt (verschilt per sector)"
    ),
    "definitief_op": gettext_lazy("de dag waarop de verwijdering definitief werd"),
    "andere_school": gettext_lazy("de school die de leerling toelaat (leeg als die er niet is)"),
    "nieuwe_school": gettext_lazy(
        "een paar zinnen over de nieuwe school, of over de zoektermijn als geen school de "
        "leerling kon toelaten"
    ),
    "bezwaar_ontvangen": gettext_lazy("de dag waarop het bezwaar binnenkwam"),
    "bezwaar_gehoord": gettext_lazy("de dag waarop de ouders over hun bezwaar zijn gehoord"),
    "bezwaar_beslist": gettext_lazy("de dag waarop het bestuur op het bezwaar besliste"),
    "uitkomst_bezwaar": gettext_lazy("de beslissing op het bezwaar, zoals vastgelegd"),
}

COMMON = (
    "leerling",
    "roepnaam",
    "groep",
    "ouders",
    "aanhef",
    "school",
    "plaats",
    "bestuur",
    "directeur",
    "datum",
    "maatregel",
    "redenen",
    "wettelijke_basis",
)
_EXPULSION = ("grond", "besluitdatum", "bezwaar")
# the placeholders each letter may use, in the order the template page lists them
PLACEHOLDERS_OF: dict[str, tuple[str, ...]] = {
    TIME_OUT_NOTICE: (
        *COMMON,
        "besluitdatum",
        "eerste_dag",
        "laatste_dag",
        "schooldagen",
        "waar",
        "beperkingen",
        "bezwaar",
    ),
    SUSPENSION_LETTER: (
        *COMMON,
        "besluitdatum",
        "eerste_dag",
        "laatste_dag",
        "schooldagen",
        "terug_op",
        "afspraken_schoolwerk",
        "inspectie",
        "bezwaar",
    ),
    MEETING_INVITATION: (*COMMON, "gesprek", "leerkracht"),
    INTENT_LETTER: (*COMMON, *_EXPULSION, "gehoord", "zoektermijn", "definitief_als"),
    FINAL_LETTER: (
        *COMMON,
        *_EXPULSION,
        "definitief_op",
        "zoektermijn",
        "andere_school",
        "nieuwe_school",
    ),
    OBJECTION_DECISION: (
        *COMMON,
        *_EXPULSION,
        "bezwaar_ontvangen",
        "bezwaar_gehoord",
        "bezwaar_beslist",
        "uitkomst_bezwaar",
    ),
}

GREETING = "{aanhef},"  # placeholders only: nothing to translate
BASIS = gettext_noop("Grondslag: {wettelijke_basis}.")

# Vangnet's own texts, one paragraph per entry (translators see one paragraph at a time).
DEFAULTS: dict[str, tuple[str, ...]] = {
    TIME_OUT_NOTICE: (
        GREETING,
        gettext_noop(
            "Zoals wij u ook telefonisch hebben laten weten, krijgt {roepnaam} een time-out. "
            "De directeur heeft daar op {besluitdatum} toestemming voor gegeven. In deze brief "
            "zetten wij op een rij wat er is afgesproken."
        ),
        gettext_noop(
            "De time-out begint op {eerste_dag} en loopt tot en met {laatste_dag}; dat is "
            "{schooldagen}. {roepnaam} blijft in die tijd op school, maar werkt niet in de eigen "
            "groep. De lessen gaan door op deze plek: {waar}."
        ),
        gettext_noop("Wat er is gebeurd en waarom wij voor een time-out kiezen: {redenen}"),
        "{beperkingen}",
        gettext_noop(
            "Een time-out is bedoeld als adempauze: {roepnaam} krijgt de kans om tot rust te "
            "komen, en wij kijken samen met u hoe het daarna beter kan gaan. Wij leggen vast "
            "wat er is gebeurd en bewaren dat verslag in het leerlingdossier."
        ),
        BASIS,
        "{bezwaar}",
        gettext_noop(
            "Wij blijven graag met u in gesprek over hoe het met {roepnaam} gaat. Hebt u "
            "vragen, belt u ons dan gerust."
        ),
    ),
    SUSPENSION_LETTER: (
        GREETING,
        gettext_noop(
            "Met deze brief laten wij u weten dat {leerling} wordt geschorst. Het bestuur van "
            "{bestuur} heeft op {besluitdatum} met deze schorsing ingestemd."
        ),
        gettext_noop(
            "De schorsing begint op {eerste_dag} en duurt tot en met {laatste_dag}: "
            "{schooldagen}. In die periode komt {roepnaam} niet naar school. Op {terug_op} is "
            "{roepnaam} weer welkom."
        ),
        gettext_noop("Waarom wij tot deze schorsing hebben besloten: {redenen}"),
        gettext_noop(
            "Wij vinden het belangrijk dat {roepnaam} tijdens de schorsing bijblijft met het "
            "schoolwerk en dat toetsen mogelijk blijven. Daarover is het volgende afgesproken: "
            "{afspraken_schoolwerk}"
        ),
        gettext_noop(
            "Wij willen graag met u en {roepnaam} praten over wat er is gebeurd en over hoe "
            "wij daarna samen verder gaan. Voor dat gesprek ontvangt u een aparte uitnodiging."
        ),
        gettext_noop("Grondslag: {wettelijke_basis}. {inspectie}"),
        "{bezwaar}",
        gettext_noop(
            "Deze brief sturen wij u aangetekend. Omdat een aangetekende brief soms later "
            "aankomt, ontvangt u dezelfde brief daarnaast per gewone post of per e-mail."
        ),
        gettext_noop(
            "Wij hopen dat {roepnaam} na de schorsing een nieuwe start kan maken, en wij "
            "werken daar graag samen met u aan."
        ),
    ),
    MEETING_INVITATION: (
        GREETING,
        gettext_noop(
            "Graag nodigen wij u uit voor een gesprek over {maatregel} van {roepnaam}. Het "
            "gesprek is op {gesprek}, bij ons op {school}."
        ),
        gettext_noop(
            "Wij willen met u bespreken wat er is gebeurd, hoe u en {roepnaam} dat hebben "
            "ervaren en welke afspraken wij samen maken voor de komende tijd. Ook {leerkracht} "
            "is voor het gesprek uitgenodigd."
        ),
        gettext_noop(
            "U mag iemand meenemen die u steunt, bijvoorbeeld een vertrouwenspersoon. Wilt u "
            "ons van tevoren laten weten wie er meekomt?"
        ),
        gettext_noop(
            "Van het gesprek maken wij een verslag. Wij vragen u het verslag te lezen en voor "
            "gezien te tekenen. Met uw handtekening laat u weten dat u het verslag hebt "
            "gelezen; het betekent niet dat u het met alles eens bent. Uw eigen opmerkingen "
            "voegen wij aan het verslag toe."
        ),
        gettext_noop(
            "Past het moment u niet? Neem dan zo snel mogelijk contact met ons op, dan zoeken "
            "wij samen een ander tijdstip."
        ),
    ),
    INTENT_LETTER: (
        GREETING,
        gettext_noop(
            "Het bestuur van {bestuur} heeft op {besluitdatum} besloten om {leerling} te "
            "verwijderen van {school}. Dat is een ingrijpend besluit, voor {roepnaam} en voor "
            "u. In deze brief leest u waarom het bestuur zo heeft besloten, wat er nu gebeurt "
            "en wat u kunt doen als u het er niet mee eens bent."
        ),
        gettext_noop(
            "Het besluit steunt op deze grond: {grond}. Wat daaraan voorafging: {redenen}"
        ),
        gettext_noop(
            "Voordat het bestuur besloot, zijn gehoord: {gehoord}. Ook is er een "
            "onderwijskundig rapport over {roepnaam} opgesteld."
        ),
        gettext_noop(
            "De verwijdering gaat niet meteen in. Eerst zoekt het bestuur een andere school "
            "die {roepnaam} kan toelaten. Daarvoor heeft het bestuur {zoektermijn}. Wij houden "
            "u op de hoogte en betrekken u graag bij de keuze van een school. {definitief_als}"
        ),
        gettext_noop(
            "Zolang er wordt gezocht, kan het bestuur {roepnaam} tijdelijk de toegang tot de "
            "school ontzeggen. Gebeurt dat, dan maken wij met u afspraken over het schoolwerk."
        ),
        BASIS,
        "{bezwaar}",
    ),
    FINAL_LETTER: (
        GREETING,
        gettext_noop(
            "Op {besluitdatum} heeft het bestuur van {bestuur} besloten om {leerling} te "
            "verwijderen van {school}. Met deze brief laten wij u weten dat de verwijdering nu "
            "definitief is, met ingang van {definitief_op}."
        ),
        "{nieuwe_school}",
        BASIS,
        "{bezwaar}",
        gettext_noop("Wij wensen {roepnaam} en u het allerbeste voor de toekomst."),
    ),
    OBJECTION_DECISION: (
        GREETING,
        gettext_noop(
            "Op {bezwaar_ontvangen} ontvingen wij uw bezwaar tegen het besluit van "
            "{besluitdatum} om {leerling} te verwijderen van {school}. Op {bezwaar_gehoord} "
            "hebben wij met u over uw bezwaar gesproken. Dank u wel dat u uw kijk op de zaak "
            "met ons hebt gedeeld."
        ),
        gettext_noop(
            "Het bestuur van {bestuur} heeft op {bezwaar_beslist} over uw bezwaar beslist:"
        ),
        "{uitkomst_bezwaar}",
        BASIS,
        "{bezwaar}",
    ),
}

# --- checking and filling ------------------------------------------------------------------

# A placeholder candidate: braces around anything but braces and line breaks.
TOKEN = re.compile(r"\{([^{}\n]*)\}")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
SPACES = re.compile(r"[ \t]{2,}")


def default_body(kind: str) -> str:
    """Vangnet's own text of a letter, always in the site's first language."""
    with translation.override(settings.LANGUAGE_CODE):
        return "\n\n".join(_(paragraph) for paragraph in DEFAULTS[kind])


def unknown_placeholders(kind: str, body: str) -> list[str]:
    allowed = set(PLACEHOLDERS_OF[kind])
    found: list[str] = []
    for match in TOKEN.finditer(body):
        text = "{" + match.group(1) + "}"
        if match.group(1) not in allowed and text not in found:
            found.append(text)
    return found


def stray_braces(body: str) -> list[str]:
    """Each line with a brace outside a ``{name}`` pair: "regel 3: ‘… {leerling …’"."""
    found = []
    for number, line in enumerate(body.splitlines(), start=1):
        rest = TOKEN.sub("", line)
        if "{" in rest or "}" in rest:
            shown = line.strip()
            if len(shown) > 60:
                at = max(line.find("{"), line.find("}"))
                start = max(0, at - 30)
                shown = "…" + line[start : start + 60].strip() + "…"
            found.append(_("regel %(n)d: ‘%(text)s’") % {"n": number, "text": shown})
    return found


def template_problems(kind: str, body: str) -> list[str]:
    """What is wrong with a board's text for ``kind``, as Dutch sentences (empty: fine)."""
    problems: list[str] = []
    if not body.strip():
        return [_("De tekst is leeg. Schrijf de brief, of ga terug naar de tekst van Vangnet.")]
    if len(body) > MAX_BODY:
        problems.append(
            _("De tekst is te lang: hoogstens %(n)d tekens.") % {"n": MAX_BODY},
        )
    unknown = unknown_placeholders(kind, body)
    if unknown:
        problems.append(
            ngettext(
                "Dit invulveld bestaat niet in deze brief: %(names)s. Gebruik alleen de "
                "invulvelden uit de lijst.",
                "Deze invulvelden bestaan niet in deze brief: %(names)s. Gebruik alleen de "
                "invulvelden uit de lijst.",
                len(unknown),
            )
            % {"names": ", ".join(unknown)}
        )
    stray = stray_braces(body)
    if stray:
        problems.append(
            _(
                "Een accolade hoort alleen om de naam van een invulveld te staan, zoals "
                "{leerling}. Controleer %(lines)s."
            )
            % {"lines": "; ".join(stray)}
        )
    return problems


def fill(body: str, values: Mapping[str, str]) -> list[str]:
    """The paragraphs of a checked text with its placeholders filled in; paragraphs that
    end up empty (an optional sentence that does not apply) are left out."""
    filled = TOKEN.sub(lambda m: values.get(m.group(1), m.group(0)), body.replace("\r\n", "\n"))
    paragraphs = (SPACES.sub(" ", p).strip() for p in PARAGRAPH_BREAK.split(filled))
    return [p for p in paragraphs if p]
