"""The stories of the demo's behaviour ladder at school A, one per pupil (see
:mod:`vangnet.demo.measures` for how a story is told and dated). Numbers are days ago,
moved to the school day on or before with ``at.ago``; ``None`` keeps the moment of loading.

All texts are invented for the demo; ``{f}`` in a text is the pupil's first name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vangnet.cases.models import CaseMember
from vangnet.core.audit import Actor
from vangnet.demo.cases import day
from vangnet.demo.measures import (
    ONE_DAY,
    Ladder,
    dated_decision,
    weekday_on_or_before,
)
from vangnet.lib import measures as rules
from vangnet.measures import actions
from vangnet.measures.actions import Proposal


def step_one(s: Ladder) -> None:
    """Step 1: the teacher solved it with the pupil, two school days ago."""
    f = s.first
    when = s.at.ago(2)
    s.open(when)
    s.report(
        when,
        s.teacher,
        what=f"Bij het binnenkomen duwde {f} een klasgenoot opzij om als eerste bij de "
        "kapstok te zijn. De klasgenoot viel niet, maar schrok wel. De leerkracht vroeg "
        f"{f} wat er gebeurde en wat {f} een volgende keer anders kan doen.",
        involved="De leerling die het initiatief nam, een klasgenoot die het overkwam, de "
        "leerkracht.",
        roles=["initiator", "affected", "staff"],
        agreements=f"{f} bood zelf excuses aan en wacht voortaan in de rij tot de kapstok vrij is.",
        consequences=["make_amends", "behaviour_agreements"],
        informed="no",
        dossier=f"Eenmalig voorval bij binnenkomst; {f} loste het met de leerkracht zelf op.",
    )


@dataclass(frozen=True)
class Event:
    """What a step report says; ``{f}`` is the pupil's first name."""

    what: str
    involved: str
    roles: tuple[str, ...]
    agreements: str
    consequences: tuple[str, ...] = ()
    informed: str = "no"
    dossier: str = ""


@dataclass(frozen=True)
class History:
    """Steps 1-3 of a ladder that went further, and what the parents were shown at step 4."""

    steps: tuple[Event, Event, Event]
    shown: str


HISTORIES = (
    History(
        (
            Event(
                "In de rij voor het overblijven schold {f} een klasgenoot uit en duwde die "
                "tegen de muur. De leerkracht haalde {f} uit de rij en liet {f} vertellen wat "
                "er gebeurde.",
                "De leerling die het initiatief nam, een klasgenoot die het overkwam, twee "
                "omstanders, de leerkracht.",
                ("initiator", "affected", "bystander", "staff"),
                "{f} maakt het goed met de klasgenoot en staat de rest van de week vooraan in "
                "de rij.",
                ("make_amends",),
            ),
            Event(
                "Een klasgenoot vroeg de pleinwacht om hulp: {f} had de bal afgepakt en "
                "schopte naar wie de bal terug wilde. De pleinwacht zette het spel stil en "
                "sprak met {f} en de klasgenoot.",
                "De leerling die het initiatief nam, een klasgenoot die het overkwam en hulp "
                "vroeg, de pleinwacht.",
                ("initiator", "affected", "staff"),
                "{f} speelt deze week in de pauze een ander spel; vrijdag kijkt de leerkracht "
                "met {f} terug.",
                ("break_inside", "behaviour_agreements"),
                "email",
            ),
            Event(
                "Gesprek met de leerlingen die erbij betrokken waren: {f}, de klasgenoot van "
                "het plein en twee leerlingen die vaak meespelen. Ieder vertelde wat er de "
                "afgelopen weken gebeurde en hoe dat voelde; samen bedachten ze afspraken "
                "voor het spel.",
                "De leerling die het initiatief nam, de klasgenoot die het overkwam, twee "
                "omstanders, de leerkracht.",
                ("initiator", "affected", "bystander", "staff"),
                "1. Teams kiezen gaat om de beurt. 2. Wie boos wordt, loopt eerst even weg. "
                "3. Over twee weken kijken we samen terug.",
                ("behaviour_agreements",),
                "phone",
                "Gesprek met de betrokken leerlingen over het gedrag op het plein; de ouders "
                "van alle betrokkenen zijn telefonisch ingelicht.",
            ),
        ),
        "schelden en duwen in de rij en schoppen tijdens het spel",
    ),
    History(
        (
            Event(
                "Tijdens de rekenles gooide {f} gummetjes naar een klasgenoot aan de andere "
                "tafel en lachte toen die boos werd. De leerkracht zette {f} even apart en "
                "vroeg wat er aan de hand was.",
                "De leerling die het initiatief nam, een klasgenoot die het overkwam, de "
                "leerkracht.",
                ("initiator", "affected", "staff"),
                "{f} ruimt de gummetjes op en biedt excuses aan.",
                ("make_amends",),
            ),
            Event(
                "Een klasgenoot vroeg de leerkracht om hulp omdat {f} tijdens het werken steeds "
                "tegen de stoel schopte en lelijke opmerkingen fluisterde. De leerkracht sprak "
                "met beiden, eerst apart en daarna samen.",
                "De leerling die het initiatief nam, een klasgenoot die het overkwam en hulp "
                "vroeg, de leerkracht.",
                ("initiator", "affected", "staff"),
                "{f} werkt deze week aan een tafel dicht bij de leerkracht en gebruikt een "
                "time-timer.",
                ("near_teacher", "behaviour_agreements"),
                "email",
            ),
            Event(
                "Gesprek met {f} en de twee klasgenoten die er last van hadden. {f} vertelde "
                "dat het werk vaak te moeilijk voelt en dat plagen dan helpt om dat niet te "
                "laten merken. Samen spraken ze af hoe {f} om hulp kan vragen.",
                "De leerling die het initiatief nam, twee klasgenoten die het overkwam, de "
                "leerkracht.",
                ("initiator", "affected", "staff"),
                "1. {f} legt een kaartje op tafel als het werk niet lukt. 2. De klasgenoten "
                "zeggen 'stop' en draaien zich om. 3. Na twee weken kijken we terug.",
                ("behaviour_agreements",),
                "phone",
                "Gesprek met de betrokken leerlingen over plagen tijdens het werken; de "
                "ouders zijn telefonisch ingelicht.",
            ),
        ),
        "gooien met spullen, schoppen tegen stoelen en plagen tijdens het werken",
    ),
    History(
        (
            Event(
                "Bij het overblijven trok {f} een jonger kind aan de capuchon van de schommel. "
                "Het kind viel in het zand en huilde. De overblijfkracht bracht {f} naar de "
                "leerkracht.",
                "De leerling die het initiatief nam, een leerling uit groep 4 die het "
                "overkwam, de overblijfkracht, de leerkracht.",
                ("initiator", "affected", "staff"),
                "{f} helpt de volgende dag bij de schommels met de beurtenlijst.",
                ("make_amends",),
            ),
            Event(
                "Twee leerlingen uit groep 6 vroegen de pleinwacht om hulp: {f} pakte hun "
                "springtouw af en sloeg ermee tegen het hek, vlak naast hen. De pleinwacht nam "
                "het touw in en sprak met {f}.",
                "De leerling die het initiatief nam, twee leerlingen die het overkwam en hulp "
                "vroegen, de pleinwacht.",
                ("initiator", "affected", "staff"),
                "{f} blijft twee pauzes binnen en schrijft op wat er anders kan.",
                ("break_inside", "written_task"),
                "email",
            ),
            Event(
                "Gesprek met {f} en de leerlingen die het overkwam, samen met hun leerkracht. "
                "{f} luisterde naar wat zij voelden en bedacht zelf hoe het goed te maken.",
                "De leerling die het initiatief nam, drie leerlingen die het overkwam, twee "
                "leerkrachten.",
                ("initiator", "affected", "staff"),
                "1. {f} speelt in de pauze niet bij de jongere groepen. 2. Bij ruzie haalt {f} "
                "een pleinwacht. 3. Over twee weken evalueren we.",
                ("behaviour_agreements", "make_amends"),
                "phone",
                "Gesprek met de betrokken leerlingen over pijn doen op het plein; de ouders "
                "zijn telefonisch ingelicht.",
            ),
        ),
        "kinderen pijn doen op het plein, afpakken en slaan met een springtouw",
    ),
    History(
        (
            Event(
                "{f} gaf een klasgenoot in de gang een harde duw, zodat die tegen de kapstok "
                "viel. De leerkracht sprak {f} erop aan; {f} zei dat de klasgenoot begon.",
                "De leerling die het initiatief nam, een klasgenoot die het overkwam, de "
                "leerkracht.",
                ("initiator", "affected", "staff"),
                "{f} en de klasgenoot lopen deze week apart naar binnen.",
                ("behaviour_agreements",),
            ),
            Event(
                "Een klasgenoot vroeg de leerkracht om hulp: {f} dreigde in de kleedkamer met "
                "slaan als de klasgenoot iets over de duw zou vertellen. De leerkracht sprak "
                "met beiden en met de vakleerkracht gym.",
                "De leerling die het initiatief nam, een klasgenoot die het overkwam en hulp "
                "vroeg, de leerkracht, de vakleerkracht gym.",
                ("initiator", "affected", "staff"),
                "{f} kleedt zich om in een aparte ruimte; de leerkracht let extra op in de gang.",
                ("near_teacher",),
                "phone",
            ),
            Event(
                "Gesprek met {f}, de klasgenoot en twee klasgenoten die het dreigen hoorden. "
                "{f} gaf toe dat dreigen niet kan, maar vond de gevolgen oneerlijk. Samen "
                "maakten ze afspraken over de gang en de kleedkamer.",
                "De leerling die het initiatief nam, de klasgenoot die het overkwam, twee "
                "omstanders, de leerkracht.",
                ("initiator", "affected", "bystander", "staff"),
                "1. Wie dreigt, gaat meteen naar de directeur. 2. De klasgenoot zegt het "
                "direct als het weer gebeurt. 3. Over twee weken een vervolggesprek.",
                ("behaviour_agreements",),
                "phone",
                "Gesprek met de betrokken leerlingen over duwen en dreigen; de ouders zijn "
                "telefonisch ingelicht.",
            ),
        ),
        "duwen in de gang, dreigen in de kleedkamer en slaan",
    ),
)


def _tell(s: Ladder, days_ago: int, by: Actor, event: Event) -> None:
    f = s.first
    s.report(
        days_ago,
        by,
        what=event.what.format(f=f),
        involved=event.involved,
        roles=event.roles,
        agreements=event.agreements.format(f=f),
        consequences=event.consequences,
        informed=event.informed,
        informed_ago=None if event.informed == "no" else days_ago,
        dossier=event.dossier,
    )


def _up_to_step_four(s: Ladder, start: int, history: History, meeting: int) -> None:
    """Steps 1-3 from ``start`` days back, the care coordinator taking the case on, and
    the meeting with the parents at step 4 ``meeting`` days back."""
    at = s.at
    one, two, three = history.steps
    s.open(at.ago(start))
    _tell(s, at.ago(start), s.teacher, one)
    s.next(at.ago(start - 3))
    _tell(s, at.ago(start - 12), s.teacher, two)
    s.next(at.ago(start - 14))
    _tell(s, at.ago(start - 25), s.teacher, three)
    s.join(at.ago(start - 29), at.care, CaseMember.Kind.OWNER)
    s.next(at.ago(start - 30))
    f = s.first
    s.report(
        at.ago(meeting),
        s.care,
        what="Gesprek op school met de ouders, de leerkracht en de intern begeleider. De "
        f"school liet zien wat er de afgelopen weken is vastgelegd: {history.shown}. De "
        f"ouders herkennen dat {f} snel boos wordt en vertelden wat thuis helpt.",
        involved="De ouders, de leerkracht, de intern begeleider.",
        roles=["parent", "staff"],
        agreements=f"1. {f} krijgt een dagkaart; de ouders bekijken die elke avond. "
        f"2. Bij een nieuw incident blijft {f} die pauze binnen en belt de leerkracht "
        "dezelfde dag. 3. Gaat het opnieuw ernstig mis, dan volgt een time-out. "
        "4. Over drie weken praten we verder.",
        consequences=["behaviour_agreements", "break_inside"],
        informed="conversation",
        informed_ago=at.ago(meeting),
        dossier="Afspraken met de ouders over gedrag en gevolgen vastgelegd; evaluatie over "
        "drie weken.",
    )


def step_two(s: Ladder) -> None:
    """Step 2: a classmate asked for help last week."""
    f = s.first
    at = s.at
    s.open(at.ago(14))
    s.report(
        at.ago(14),
        s.teacher,
        what=f"Tijdens het voetballen pakte {f} steeds de bal af en riep dat de anderen niet "
        f"mochten meedoen. De pleinwacht zette het spel even stil en liet {f} zelf een "
        "oplossing bedenken.",
        involved="De leerling die het initiatief nam, vier medespelers die het overkwam, de "
        "pleinwacht.",
        roles=["initiator", "affected", "staff"],
        agreements="Om de beurt aftrappen; wie de teams kiest, wisselt elke pauze.",
        consequences=["behaviour_agreements"],
        informed="no",
    )
    s.next(at.ago(7))
    s.report(
        at.ago(6),
        s.teacher,
        what=f"Een medespeler vroeg de leerkracht om hulp: {f} duwde hem van de bal af en "
        "lachte hem uit toen hij viel. De leerkracht sprak eerst met ieder apart en daarna "
        "met beiden samen.",
        involved="De leerling die het initiatief nam, een medespeler die het overkwam en hulp "
        "vroeg, de leerkracht.",
        roles=["initiator", "affected", "staff"],
        agreements=f"{f} speelt deze week in de pauze mee met een rustiger spel; vrijdag "
        f"bespreekt de leerkracht met {f} hoe het ging.",
        consequences=["break_inside", "behaviour_agreements"],
        informed="email",
        informed_ago=at.ago(6),
    )


def step_three(s: Ladder) -> None:
    """Step 3: the talk with the pupils involved, the parents phoned."""
    f = s.first
    at = s.at
    s.open(at.ago(34))
    s.report(
        at.ago(34),
        s.teacher,
        what=f"Tijdens het zelfstandig werken pakte {f} herhaaldelijk spullen van een "
        "buurmeisje af en verstopte ze in het eigen laatje.",
        involved="De leerling die het initiatief nam, een klasgenoot die het overkwam, de "
        "leerkracht.",
        roles=["initiator", "affected", "staff"],
        agreements=f"{f} geeft alles terug en vraagt het eerst als {f} iets wil lenen.",
        consequences=["make_amends"],
        informed="no",
    )
    s.next(at.ago(30))
    s.report(
        at.ago(23),
        s.teacher,
        what="Het buurmeisje vroeg de leerkracht om hulp: haar etui lag in de prullenbak en "
        f"een klasgenoot zag {f} het erin gooien.",
        involved="De leerling die het initiatief nam, de klasgenoot die het overkwam, een "
        "omstander, de leerkracht.",
        roles=["initiator", "affected", "bystander", "staff"],
        agreements=f"{f} krijgt een eigen werkplek dichter bij de leerkracht; lenen gaat via "
        "de leerkracht.",
        consequences=["near_teacher", "make_amends"],
        informed="phone",
        informed_ago=at.ago(23),
    )
    s.next(at.ago(21))
    s.report(
        at.ago(9),
        s.teacher,
        what=f"Gesprek met de drie leerlingen die erbij betrokken waren: {f}, het buurmeisje "
        "en een klasgenoot die meedeed met verstoppen. Ieder vertelde wat er gebeurde en "
        "hoe het voelde; samen zochten ze naar een oplossing.",
        involved="De leerling die het initiatief nam, een leerling die meedeed, de leerling "
        "die het overkwam, de leerkracht.",
        roles=["initiator", "affected", "staff"],
        agreements="1. Spullen van een ander blijven van een ander. 2. Wie iets ziet "
        "gebeuren, zegt het tegen de leerkracht. 3. Over twee weken kijken we samen terug.",
        consequences=["make_amends", "behaviour_agreements"],
        informed="phone",
        informed_ago=at.ago(9),
        dossier="Verslag van het gesprek met de betrokken leerlingen; de ouders van alle drie "
        "zijn telefonisch ingelicht.",
    )


def step_four(s: Ladder) -> None:
    """Step 4: the care coordinator took the case on; the parents came to school."""
    _up_to_step_four(s, 60, HISTORIES[0], 7)


def time_out(s: Ladder) -> int:
    """Step 5: a time-out on the last school day before today."""
    f = s.first
    at = s.at
    _up_to_step_four(s, 75, HISTORIES[1], 26)
    when = at.ago(1)
    s.time_out(
        when,
        f"In de gymles gooide {f} na een verloren spel een bank om; een klasgenoot werd "
        f"aan het been geraakt. Daarna bleef {f} schreeuwen tegen de vakleerkracht. Om {f} "
        f"en de groep tot rust te laten komen, werkt {f} de rest van de dag buiten de groep.",
        f"In {s.other_group} bij de leerkracht, met eigen werk uit de weektaak",
        ["gym", "group_activities"],
    )
    s.report(
        when,
        s.care,
        what=f"{f} gooide in de gymles een bank om na een verloren spel; een klasgenoot werd "
        f"aan het been geraakt (een blauwe plek, verder niets). {f} wilde daarna niet "
        "stoppen en schreeuwde tegen de vakleerkracht. De directeur gaf toestemming voor een "
        "time-out voor de rest van de dag.",
        involved="De leerling die het initiatief nam, een klasgenoot die het overkwam, "
        "klasgenoten als omstanders, de vakleerkracht gym, de directeur.",
        roles=["initiator", "affected", "bystander", "staff"],
        agreements=f"Na de time-out een herstelgesprek met de klasgenoot; {f} helpt de "
        "volgende gymles met opruimen.",
        consequences=["make_amends"],
        informed="phone",
        informed_ago=when,
        dossier="Time-out na een incident in de gymles; ouders dezelfde dag gebeld en per "
        "brief ingelicht.",
    )
    return 1


def suspension(s: Ladder) -> int:
    """Step 6: after a time-out and extra rules, a suspension that waits for the board."""
    f = s.first
    at = s.at
    _up_to_step_four(s, 100, HISTORIES[2], 50)
    earlier = at.ago(29)
    s.time_out(
        earlier,
        f"{f} trok een klasgenoot aan de haren en bleef schoppen toen de leerkracht "
        f"tussenbeide kwam. De rest van de dag werkt {f} buiten de groep.",
        "Bij de intern begeleider, met rekenwerk en lezen",
        ["group_activities"],
    )
    s.report(
        earlier,
        s.care,
        what=f"In de klas trok {f} een klasgenoot aan de haren en bleef schoppen toen de "
        "leerkracht tussenbeide kwam.",
        involved="De leerling die het initiatief nam, een klasgenoot die het overkwam, de "
        "leerkracht, de intern begeleider.",
        roles=["initiator", "affected", "staff"],
        agreements="Tijdelijke extra afspraken voor de pauzes en het zelfstandig werken, met "
        "een evaluatie na twee weken.",
        consequences=["behaviour_agreements"],
        informed="phone",
        informed_ago=earlier,
    )
    _extra_rules(s)
    # the incident of the last school day; today the director proposes a suspension
    incident = at.ago(1)
    s.join(incident, at.director)
    start = at.calendar.next_school_day(at.today + 2 * ONE_DAY)
    end = at.calendar.add_school_days(start, 3)
    s.propose(
        None,
        s.director,
        Proposal(
            kind="suspension",
            reasons=f"Ondanks de extra afspraken dreigde {f} een klasgenoot na schooltijd op "
            "te wachten en te slaan, en gooide de tas van die klasgenoot over het hek. De "
            "klasgenoot durfde de volgende ochtend niet naar school. Eerdere stappen, een "
            "time-out en aanvullende regels hebben het gedrag niet veranderd.",
            start=start,
            end=end,
            learning_arrangements="De leerkracht zet elke dag werk klaar in de "
            "leeromgeving; een ouder haalt het werkpakket op en brengt het gemaakte werk "
            f"terug. De intern begeleider belt halverwege met {f}.",
            tests_arrangements=f"De rekentoets van deze week maakt {f} na de schorsing op "
            "school, bij de intern begeleider.",
        ),
    )
    s.report(
        None,
        s.director,
        what=f"Na schooltijd dreigde {f} een klasgenoot op te wachten en te slaan, en gooide "
        "de tas van die klasgenoot over het hek. De ouders van de klasgenoot belden de "
        "school dezelfde avond.",
        involved="De leerling die het initiatief nam, een klasgenoot die het overkwam, twee "
        "omstanders, ouders van de klasgenoot.",
        roles=["initiator", "affected", "bystander", "parent"],
        agreements="De directeur vraagt het bestuur om toestemming voor een schorsing en "
        "nodigt de ouders uit voor een gesprek.",
        consequences=["behaviour_agreements"],
        informed="phone",
        informed_ago=incident,
        happened_ago=incident,
        dossier="Voorstel tot schorsing aan het bestuur; de ouders zijn gebeld.",
    )
    return 2


def _extra_rules(s: Ladder) -> None:
    """Temporary extra rules after the time-out, evaluated two weeks later."""
    f = s.first
    at = s.at
    group = s.pupil.group.name.lower() if s.pupil.group else "de groep"
    earliest = at.today - dt.timedelta(days=30)  # the action's limit
    starts_on = max(day(at.ago(27)), earliest)
    with s.on((at.today - starts_on).days):
        plan = actions.do_create_plan(
            s.case,
            chosen=["breaks", "independent_work"],
            rules_note=f"In de pauzes speelt {f} in het vak bij de pleinwacht; bij "
            f"zelfstandig werken zit {f} aan de instructietafel.",
            extra_teacher=False,
            starts_on=starts_on,
            parents_note=f"In {group} gelden tijdelijk extra afspraken voor een leerling in de "
            "pauzes. We houden een oogje in het zeil en evalueren regelmatig.",
            actor=s.care,
        )
    # the first evaluation on its due day, or the first school day after it
    due = rules.first_evaluation(starts_on, at.rules)
    held_on = at.calendar.next_school_day(due)
    if held_on >= at.today:
        held_on = due
    with s.on((at.today - held_on).days):
        actions.do_evaluate_plan(
            plan,
            held_on=held_on,
            participants=f"De leerkracht, de intern begeleider, moeder en {f}",
            findings="De pauzes gaan beter: geen incidenten op het plein. Bij zelfstandig "
            f"werken raakt {f} nog snel afgeleid.",
            changes="De pauzeregel blijft; aan de instructietafel komt een time-timer.",
            chosen=["breaks", "independent_work"],
            continues=True,
            actor=s.care,
        )


def expulsion(s: Ladder) -> int:
    """Step 7: the board decided to expel some weeks ago; the search is running."""
    f = s.first
    at = s.at
    decided = weekday_on_or_before(at.today - dt.timedelta(days=24))
    d = (at.today - decided).days
    _up_to_step_four(s, d + 130, HISTORIES[3], d + 85)
    earlier = at.ago(d + 60)
    s.time_out(
        earlier,
        f"{f} sloeg een klasgenoot met een liniaal in het gezicht en liep daarna de school "
        f"uit. De rest van de dag werkt {f} bij de directeur.",
        "In de kamer van de directeur, met werk van de eigen groep",
        ["gym", "group_activities", "after_school_care"],
    )
    s.report(
        earlier,
        s.care,
        what=f"{f} sloeg een klasgenoot met een liniaal in het gezicht en liep daarna zonder "
        f"iets te zeggen de school uit; de conciërge haalde {f} terug.",
        involved="De leerling die het initiatief nam, een klasgenoot die het overkwam, de "
        "leerkracht, de conciërge.",
        roles=["initiator", "affected", "staff"],
        agreements="Een herstelgesprek met de klasgenoot en diens ouders; een aangepast "
        "pauzerooster.",
        consequences=["make_amends"],
        informed="phone",
        informed_ago=earlier,
    )
    s.join(at.ago(d + 25), at.director)
    proposed_on = at.ago(d + 21)
    measure = s.propose(
        proposed_on,
        s.director,
        Proposal(
            kind="expulsion",
            ground="misconduct",
            reasons=f"{f} heeft de afgelopen maanden herhaaldelijk klasgenoten en een "
            "leerkracht bedreigd en geslagen, ook na de afspraken met de ouders en een "
            "time-out. Klasgenoten zijn bang; de school kan de veiligheid van de groep niet "
            "meer waarborgen.",
        ),
    )
    s.report(
        proposed_on,
        s.director,
        what=f"{f} duwde de leerkracht opzij en sloeg een klasgenoot die de leerkracht wilde "
        "helpen. De leerkracht moest de groep naar een ander lokaal brengen.",
        involved="De leerling die het initiatief nam, de leerkracht en een klasgenoot die "
        "het overkwam, de groep als omstanders, de directeur.",
        roles=["initiator", "affected", "bystander", "staff"],
        agreements="De directeur bereidt een besluit tot verwijdering voor; het bestuur "
        "wordt ingelicht.",
        informed="conversation",
        informed_ago=proposed_on,
        dossier="Voorbereiding van verwijdering gestart; ouders op school ingelicht.",
    )
    heard = {
        "educational_report": f"{f} leert op niveau in rekenen en lezen, maar heeft "
        "structureel meer begeleiding nodig bij het reguleren van boosheid dan de groep kan "
        "bieden. Ingezet: dagkaart, extra afspraken, begeleiding door de intern begeleider "
        "en een time-out.",
        "teacher_heard_on": day(at.ago(d + 10)),
        "parents_heard_on": day(at.ago(d + 7)),
    }
    if at.rules.pupil_is_heard(s.pupil.age(at.today)):
        heard["pupil_heard_on"] = day(at.ago(d + 7))
    with s.on(at.ago(d + 7)):
        actions.do_record(measure, heard, actor=s.director)
    with s.on(d):
        measure = actions.do_decide(
            measure,
            approve=True,
            note="Het bestuur besluit tot verwijdering en zoekt een andere school.",
            actor=s.board,
        )
    dated_decision(measure, decided, at.rules)
    written = at.calendar.next_school_day(decided + ONE_DAY)
    if written >= at.today:
        written = decided
    with s.on((at.today - written).days):
        actions.do_record(
            measure,
            {"parents_written_on": written, "copies_sent_on": written},
            actor=s.director,
        )
    for after, school_name, outcome, note in (
        (7, "Basisschool De Linde", "refused", "Dit schooljaar geen plaats in de groep."),
        (
            15,
            "Speciale basisschool Het Palet",
            "pending",
            "Intake gepland; wacht op het onderwijskundig rapport.",
        ),
    ):
        contacted = weekday_on_or_before(decided + dt.timedelta(days=after))
        with s.on((at.today - contacted).days):
            actions.do_add_search_attempt(
                measure,
                contacted_on=contacted,
                school_name=school_name,
                outcome=outcome,
                note=note,
                actor=s.director,
            )
    return 2
