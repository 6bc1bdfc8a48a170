"""The demo's care cases, one story each (see :mod:`vangnet.demo.cases` for how a story is
told and dated). Numbers are days ago; ``None`` keeps the moment of loading.

School A (De Regenboog, owned by ib.a): a case at every step of the Meldcode, one on the
acute route, one reported to Veilig Thuis and followed, one with help organised, one closed
after help and one closed as unfounded; consents and exchanges for two of them. (School B's
three cases are in :mod:`vangnet.demo.cases`.)

All texts are invented for the demo.
"""

from __future__ import annotations

import datetime as dt

from vangnet.accounts.models import User
from vangnet.cases.consent import ConsentInput
from vangnet.cases.models import CaseTask, Consent
from vangnet.concerns.actions import do_handover
from vangnet.concerns.models import Concern
from vangnet.core.audit import Actor
from vangnet.core.roles import Role
from vangnet.demo.cases import VT_ADVISER, Clock, Pupils, Story, day, name_of, partner
from vangnet.demo.concerns import _staff
from vangnet.organisations.models import Partner, Pupil, School

# the afwegingskader up to question 4, everything answered "help is possible and accepted"
TO_HELP = {"q1": True, "q2_acute": False, "q2_structural": False, "q3": True, "q4": True}
REPORT_STRUCTURAL = {"q1": True, "q2_acute": False, "q2_structural": True}
DUTY_ADVISER = "Dienstdoend adviseur Veilig Thuis"


def school_a(clock: Clock, school: School) -> int:
    owner = _staff(school, Role.CARE_COORDINATOR)
    if owner is None:
        return 0
    director = name_of(_staff(school, Role.SAFETY_OFFICER), "de directeur")
    pupils = Pupils(school)
    veilig_thuis = partner(school, Partner.Kind.VEILIG_THUIS)
    _signals(clock, pupils, owner)
    _consult(clock, pupils, owner, director)
    _conversation(clock, pupils, owner)
    _weigh(clock, pupils, owner)
    _decide(clock, pupils, owner)
    _acute(clock, pupils, owner, veilig_thuis)
    _reported(clock, pupils, owner, director, veilig_thuis)
    _help(clock, pupils, owner, school)
    _closed_after_help(clock, pupils, owner, school)
    _unfounded(clock, pupils, owner, director)
    return 10


def _signals(clock: Clock, pupils: Pupils, owner: User) -> None:
    """Step 1, opened today from the concern the teacher of groep 5 handed over (see
    demo/concerns.py); the teacher is asked to observe and sees that on the pupil's page."""
    handed = (
        Concern.objects.filter(school=pupils.school, handed_over_at__isnull=False)
        .select_related("pupil__group", "pupil__school")
        .order_by("pk")
        .first()
    )
    s = Story(clock, pupils.take(5, handed.pupil if handed else None), owner)
    first = s.first
    s.open(None, origin=handed)
    s.observe(
        None,
        4,
        f"{first} is sinds een paar weken stil in de klas, komt vaak moe binnen en zei twee "
        "keer 's avonds niet te durven slapen omdat het thuis 'zo hard gaat'.",
        objectified="Nog niet: de leerkracht observeert de komende week gericht.",
    )
    s.ask(
        None,
        f"Wil je {first} deze week gericht observeren: hoe komt {first} 's ochtends binnen "
        f"(kleding, eten, stemming) en vertelt {first} iets over thuis? Schrijf op wat je "
        "ziet en hoort, zonder het te duiden.",
        day(-6),
    )


def _consult(clock: Clock, pupils: Pupils, owner: User, director: str) -> None:
    """Step 2, from a concern handed over two weeks ago; the teacher kept a list for it."""
    with_entries = (
        Pupil.objects.filter(
            school=pupils.school, group__name="Groep 5", concerns__is_working_note=False
        )
        .exclude(pk__in=pupils.used)
        .select_related("group", "school")
        .order_by("last_name", "first_name", "pk")
        .first()
    )
    s = Story(clock, pupils.take(5, with_entries), owner)
    first = s.first
    handover_at = s.moment(17)
    origin = (
        Concern.objects.filter(pupil=s.pupil, is_working_note=False, occurred_at__lt=handover_at)
        .order_by("-occurred_at", "-pk")
        .first()
    )
    if origin is not None:
        origin = do_handover(
            origin,
            note="De boosheid neemt toe en ik weet niet goed meer wat ik moet doen. Kunnen we "
            "samen kijken wat nodig is?",
            actor=Actor(user=s.teacher, role=Role.TEACHER, channel="system"),
        )
        # demo timestamp only: the hand-over happened just before the case was opened
        Concern.objects.filter(pk=origin.pk).update(handed_over_at=handover_at)
    s.open(16, origin=origin)
    s.observe(
        16,
        20,
        f"{first} sloeg in de rij voor de gymzaal een klasgenoot met de vlakke hand en riep "
        "daarna dat niemand naar huis mocht bellen.",
        objectified="De vakleerkracht gym zag hetzelfde en schreef het op.",
    )
    s.kindcheck(
        15,
        "yes",
        "Een zusje van 2 jaar, gaat drie dagen per week naar de kinderopvang.",
        "Nog niets; meenemen in het overleg.",
    )
    task = s.ask(
        15, f"Houd twee weken bij wanneer {first} boos wordt en wat daaraan voorafging.", day(5)
    )
    s.task_done(
        7,
        task,
        "Bijgehouden in het logboek: vooral op maandag, na de weekenden bij de andere ouder.",
        s.teacher,
    )
    s.next(9)
    s.consult(
        6,
        "colleague",
        f"{director}, directeur",
        "Is dit gedrag reden om de meldcode verder te volgen, of past het bij de scheiding "
        "van de ouders?",
        "Verder met de stappen: vraag eerst anoniem advies bij Veilig Thuis en plan daarna "
        "een gesprek met beide ouders.",
    )


def _conversation(clock: Clock, pupils: Pupils, owner: User) -> None:
    """Step 3: the conversation with the parents is planned; the term ends tomorrow."""
    s = Story(clock, pupils.take(3), owner)
    first = s.first
    s.open(33)
    s.observe(
        33,
        35,
        f"{first} vertelde tijdens het buitenspelen dat papa heel hard schreeuwt en met "
        "spullen gooit als hij boos is.",
        source="child",
        by="overblijfkracht, via de leerkracht",
    )
    s.observe(
        30,
        30,
        f"Bij het ophalen schreeuwde vader op het plein tegen {first} omdat de jas niet dicht "
        f"zat; {first} kromp ineen en begon te huilen.",
        objectified="Ook gezien door de conciërge.",
    )
    s.kindcheck(
        29,
        "yes",
        "Een broer in groep 7 van onze school.",
        "De leerkracht van groep 7 let extra op; nog geen signalen.",
    )
    s.next(24)
    s.consult(
        18,
        "veilig_thuis",
        DUTY_ADVISER,
        "Een kind vertelt over een vader die schreeuwt en met spullen gooit. Hoe bereiden we "
        "het gesprek met de ouders voor?",
        "Bespreek de signalen feitelijk met beide ouders, zeg wat u zag en hoorde, en neem na "
        "het gesprek opnieuw contact op.",
        anonymous=True,
    )
    s.next(13)


def _weigh(clock: Clock, pupils: Pupils, owner: User) -> None:
    """Step 4: the weighing is overdue (the term of step 4 is a week)."""
    s = Story(clock, pupils.take(7), owner)
    first = s.first
    s.open(48)
    s.observe(
        48,
        50,
        f"{first} had in twee weken vier keer buikpijn en wilde dan naar huis; lichamelijk "
        "leek er niets aan de hand.",
        objectified="Verzuim en ziekmeldingen van zes weken nagekeken in de administratie.",
    )
    s.observe(
        46,
        46,
        f"In de kring vertelde {first} dat mama de hele dag in bed ligt en dat {first} zelf "
        "het eten maakt voor de kleintjes.",
        source="child",
    )
    s.kindcheck(
        45,
        "yes",
        "Twee jongere kinderen (4 en 6 jaar) op een basisschool in Beekveld.",
        "Nog niet: eerst in gesprek met moeder.",
    )
    s.next(40)
    s.consult(
        34,
        "professional",
        "Jeugdarts L. Vos, GGD regio Lindenhout",
        "Kan de buikpijn samenhangen met de zorgtaken die het kind thuis heeft?",
        "Goed mogelijk. Vraag moeder hoe het met haar gaat en wijs op het jeugd- en gezinsteam.",
        anonymous=True,
    )
    s.next(30)
    s.talk(
        22,
        f"Moeder, {first}, {s.teacher.full_name}, {s.owner.full_name}",
        f"Onze zorgen delen over de buikpijn en de zorgtaken van {first}, en horen hoe "
        "moeder het ziet.",
        f"Verzuim en ziekmeldingen van de afgelopen zes weken; wat {first} in de kring vertelde.",
        "Moeder vertelde dat zij sinds de zomer somber is en weinig energie heeft. Zij "
        "schaamde zich en was opgelucht dat het ter sprake kwam.",
        "1. Moeder belt deze week de huisarts.\n"
        "2. Met toestemming van moeder denkt het jeugd- en gezinsteam mee.\n"
        "3. Over drie weken een vervolggesprek op school.",
        signed_on=20,
    )
    s.next(10)


def _decide(clock: Clock, pupils: Pupils, owner: User) -> None:
    """Step 5: weighed; the decision is due this week."""
    s = Story(clock, pupils.take(7), owner)
    first = s.first
    s.open(40)
    s.observe(
        40,
        41,
        "Op maandagochtend een brandplek zo groot als een muntstuk op de rug van de hand. "
        f"{first} zei eerst niets en later dat het van de kachel kwam.",
        objectified="Beschreven en op een lichaamskaart getekend, samen met een collega.",
    )
    s.kindcheck(39, "unknown", action="Navragen in het gesprek met de ouders.")
    s.next(36)
    s.consult(
        30,
        "veilig_thuis",
        VT_ADVISER,
        "Is een onverklaarde brandplek met een wisselende uitleg reden om te melden?",
        "Nog niet meteen: vraag de ouders naar de toedracht en bel daarna terug.",
    )
    s.next(28)
    s.talk(
        14,
        f"Vader, moeder, {s.owner.full_name}",
        "De brandplek en de uitleg ervan bespreken.",
        f"Brandplek op de hand, gezien op {day(41):%d-%m-%Y}; {first} noemde de kachel.",
        f"De ouders gaven dezelfde uitleg: {first} leunde bij opa en oma tegen de "
        "houtkachel. Zij begrepen waarom de school het vroeg.",
        "De ouders laten de plek door de huisarts bekijken; de school blijft opletten.",
    )
    s.next(12)
    s.weigh(
        5,
        danger=(
            False,
            "De uitleg van de ouders en het kind komt overeen; geen nieuwe verwondingen gezien.",
        ),
        hindered=(False, f"{first} ontwikkelt zich naar verwachting; de ouders zijn betrokken."),
        future=(
            True,
            "Bij de grootouders staat een houtkachel zonder hekje; er komen ook jonge neefjes.",
        ),
        micro=(
            f"Onveilige kachel bij de grootouders; de eerste uitleg van {first} wisselde.",
            f"Ouders die openstaan voor een gesprek; {first} praat makkelijk met de leerkracht.",
        ),
        meso=("", "Goede band met de school; twee keer per week sportclub."),
        score=7,
        goals="Zekerheid over de toedracht en een veilige situatie bij de grootouders.",
    )
    s.next(3)


def _acute(clock: Clock, pupils: Pupils, owner: User, veilig_thuis: Partner) -> None:
    """The acute route: reported to Veilig Thuis yesterday, waiting for their feedback."""
    s = Story(clock, pupils.take(2), owner)
    first = s.first
    s.open(
        1,
        acute=f"{first} vertelt huilend dat vader moeder gisteravond heeft geslagen en durft "
        "vanmiddag niet naar huis. Er is direct gevaar: nu melden, de stappen volgen later.",
    )
    s.observe(
        1,
        1,
        f"{first} vertelde bij binnenkomst in tranen dat vader moeder gisteravond heeft "
        f"geslagen en dat er een glas kapot is gegooid. {first} had een schram op de wang.",
        source="child",
        objectified="Letterlijk opgeschreven door de leerkracht, direct na het gesprek.",
    )
    s.report(
        1,
        "31872",
        "Acute onveiligheid: het kind vertelt over geweld van vader tegen moeder, heeft een "
        "schram op de wang en durft niet naar huis.",
        not_told_why="Vader inlichten brengt moeder en kind in gevaar; Veilig Thuis neemt zelf "
        "contact op met het gezin.",
    )
    # the report is recorded in the register of exchanges by itself (vt_report)


def _reported(
    clock: Clock, pupils: Pupils, owner: User, director: str, veilig_thuis: Partner
) -> None:
    """Reported to Veilig Thuis after the decision (the conversation skipped because it would
    endanger the children), now followed: one review is overdue, one is due in a few days."""
    s = Story(clock, pupils.take(8), owner)
    first = s.first
    s.open(96)
    s.observe(
        96,
        98,
        f"{first} kwam op maandag met een blauw oog op school en zei dat het van voetbal kwam. "
        f"Een klasgenoot vertelde dat {first} thuis klappen krijgt.",
        objectified="Letsel beschreven en op een lichaamskaart getekend.",
    )
    s.observe(
        94,
        94,
        "Bij het omkleden striemen op de onderrug gezien, in een streep van ongeveer tien "
        "centimeter.",
        by="de vakleerkracht gym",
        objectified="Direct gemeld bij de intern begeleider, die het ook zag.",
    )
    s.kindcheck(
        93,
        "yes",
        "Een zusje van 5 (groep 2, onze school) en een broer van 14 (voortgezet onderwijs).",
        "De leerkracht van groep 2 let extra op; de broer wordt genoemd bij Veilig Thuis.",
    )
    s.next(92)
    s.consult(
        91,
        "veilig_thuis",
        VT_ADVISER,
        "Herhaald letsel met een uitleg die niet past: wat is wijs, ook gezien het zusje en "
        "de broer?",
        "Dit wijst op structurele onveiligheid. Overleg met de directeur of een gesprek met "
        "de ouders veilig is; is dat niet zo, meld dan zonder gesprek.",
    )
    s.next(89)
    s.add(
        88,
        "conversation_skipped",
        reason="Vader dreigde bij een eerder gesprek over verzuim het 'thuis wel op te lossen'. "
        f"Een gesprek over het letsel kan {first} en het zusje in gevaar brengen.",
        decided_with=f"{director} (directeur) en de adviseur van Veilig Thuis",
    )
    s.next(88)
    s.weigh(
        86,
        danger=(True, "Herhaald letsel in korte tijd zonder een verklaring die klopt."),
        hindered=(True, f"{first} is angstig en durft niet over thuis te praten."),
        future=(True, "Vader dreigt; er zijn nog twee kinderen in het gezin."),
        micro=(
            f"Herhaald letsel; een dreigende vader; angst van {first}.",
            f"Moeder is betrokken bij school; de grote broer steunt {first}.",
        ),
        meso=(
            "Weinig contact met de buren; het gezin verhuisde vorig jaar.",
            "Goede band met de leerkracht en de voetbaltrainer.",
        ),
        macro=("Geldzorgen sinds vader zijn baan verloor.", ""),
        score=3,
        goals=f"Het geweld stopt; {first} en het zusje zijn thuis veilig; de ouders krijgen hulp.",
    )
    s.next(86)
    s.decide(
        85,
        REPORT_STRUCTURAL,
        {
            "q1": "Herhaald letsel, een uitleg die niet past en wat een klasgenoot vertelde.",
            "q2": f"Vandaag geen direct gevaar ({first} logeert bij oma), wel structureel: het "
            "letsel komt terug en vader dreigt.",
        },
    )
    s.report(
        85,
        "28410",
        "Structurele onveiligheid: herhaald letsel (blauw oog, striemen) zonder passende "
        "verklaring en een dreigende vader; ook een zusje en een broer in het gezin.",
        not_told_why="Inlichten brengt de kinderen in gevaar (zie het overgeslagen gesprek); "
        "Veilig Thuis licht de ouders zelf in.",
    )
    # the report is recorded in the register of exchanges by itself (vt_report)
    s.add(
        64,
        "vt_feedback",
        received_on=day(64),
        feedback="Veilig Thuis sprak de ouders en de kinderen. Het gezin krijgt hulp van het "
        "jeugd- en gezinsteam en vader volgt een training om met boosheid om te gaan. Veilig "
        "Thuis belt over ongeveer twee maanden om te horen hoe het op school gaat.",
        next_review_on=day(-4),
    )
    s.next(63)
    s.add(
        35,
        "review",
        held_on=day(35),
        participants=f"{s.teacher.full_name}, {s.owner.full_name}",
        findings=f"{first} is rustiger en komt op tijd. Geen nieuw letsel gezien. Het zusje in "
        "groep 2 doet het goed.",
        next_review_on=day(3),
    )


def _help(clock: Clock, pupils: Pupils, owner: User, school: School) -> None:
    """Help organised after the decision, with a review date; valid consent for the youth
    and family team and an exchange on that consent."""
    s = Story(clock, pupils.take(4), owner)
    first = s.first
    link, parent = s.parent()
    youth_team = partner(school, Partner.Kind.YOUTH_FAMILY)
    s.open(75)
    s.observe(
        75,
        77,
        f"{first} draagt sinds de zomer vaak dezelfde vieze kleding en ruikt naar urine. "
        f"Klasgenoten gaan bij {first} weg zitten.",
        objectified="Twee weken bijgehouden met de signalenlijst verwaarlozing.",
    )
    s.observe(
        73,
        73,
        f"{first} vertelde dat de wasmachine al weken kapot is en dat er aan het eind van de "
        "maand soms geen eten is.",
        source="child",
    )
    s.kindcheck(
        72,
        "yes",
        "Een broertje van 2 jaar, thuis.",
        "Meegenomen in het gesprek; het consultatiebureau kent het gezin.",
    )
    s.next(70)
    s.consult(
        66,
        "professional",
        "J. Bos, jeugd- en gezinsteam Lindenhout",
        "Hoe helpen we een gezin met geldzorgen waar de verzorging tekortschiet?",
        "Ga in gesprek en wijs op schuldhulp en het jeugd- en gezinsteam; met toestemming "
        "neemt het team zelf contact op.",
        anonymous=True,
    )
    s.next(63)
    s.talk(
        58,
        f"{parent.capitalize()}, {s.owner.full_name}, {s.teacher.full_name}",
        f"Zorgen delen over de verzorging van {first} en horen wat er thuis speelt.",
        f"Kleding en hygiëne; wat {first} vertelde over eten en de wasmachine.",
        f"De {parent} schrok en vertelde over schulden sinds de andere ouder "
        "arbeidsongeschikt werd. Het gezin wil graag hulp.",
        "1. Toestemming om het jeugd- en gezinsteam te benaderen.\n"
        "2. De school regelt een tweede set kleding via een fonds.\n"
        "3. Evaluatie na zes weken.",
        signed_on=56,
    )
    consent = s.consent(
        58,
        ConsentInput(
            recipient=youth_team,
            what=f"Naam en geboortedatum van {first}, de zorgen over verzorging en voeding uit "
            "het gesprek, en de contactgegevens van de ouders.",
            purpose="Aanmelding bij het jeugd- en gezinsteam voor gezinsbegeleiding en hulp "
            "bij geldzaken.",
            provider=f"{s.owner.full_name}, intern begeleider van {school.name}",
            given_by=Consent.GivenBy.GUARDIAN,
            guardian=link.guardian,
            given_on=day(58),
            valid_until=day(58) + dt.timedelta(days=365),
        ),
    )
    s.next(56)
    s.weigh(
        52,
        danger=(False, "Geen letsel en geen direct gevaar."),
        hindered=(
            True,
            f"Verzorging en voeding schieten tekort; {first} raakt buitengesloten.",
        ),
        future=(True, "Zonder hulp nemen de schulden en de spanning thuis toe."),
        micro=(
            "Schulden; een ouder arbeidsongeschikt; een broertje van 2.",
            f"De ouders zijn open en willen hulp; warme band met {first}.",
        ),
        meso=(f"Klasgenoten sluiten {first} buiten.", "Oma woont in de buurt en past op."),
        macro=("Armoede.", "Regelingen van de gemeente voor schuldhulp."),
        score=5,
        goals=f"Elke dag schone kleding en eten; grip op de financiën; {first} hoort er weer "
        "bij in de klas.",
    )
    s.next(50)
    s.consult(
        48,
        "veilig_thuis",
        VT_ADVISER,
        "Volstaat hulp via het jeugd- en gezinsteam, of moeten we melden?",
        "Hulp organiseren en volgen past hier; meld alsnog als de hulp niet op gang komt of "
        "niet werkt.",
        anonymous=True,
    )
    s.decide(
        47,
        TO_HELP,
        {
            "q1": "Signalen en gesprek wijzen op verwaarlozing van de verzorging.",
            "q2": "Niet acuut en niet structureel: de zorgen spelen enkele maanden en de ouders "
            "erkennen ze.",
            "q3": "Het jeugd- en gezinsteam kan gezinsbegeleiding en schuldhulp inzetten.",
            "q4": "De ouders vroegen zelf om hulp en gaven toestemming voor de aanmelding.",
        },
        with_vt=("q3", "q4"),
    )
    s.exchange(
        45,
        youth_team,
        "Het aanmeldformulier met de zorgen van school en de contactgegevens van de ouders.",
        "Aanmelding voor gezinsbegeleiding.",
        consent,
    )
    s.add(
        44,
        "help_plan",
        help="Gezinsbegeleiding door het jeugd- en gezinsteam (elke week een huisbezoek) en "
        "aanmelding bij de schuldhulp van de gemeente.",
        provided_by="Jeugd- en gezinsteam Lindenhout (J. Bos)",
        accepted=True,
        agreed_with_vt=True,
        review_on=day(-10),
    )
    s.observe(
        20,
        20,
        f"{first} komt nu elke dag in schone kleren en heeft een lunchpakket bij zich.",
    )


def _closed_after_help(clock: Clock, pupils: Pupils, owner: User, school: School) -> None:
    """Closed after help: question 5 answered yes, followed, closed with agreements; the
    consent for the GGD was withdrawn after the case was closed."""
    s = Story(clock, pupils.take(6), owner)
    first = s.first
    me = s.owner.full_name
    link, parent = s.parent()
    ggd = partner(school, Partner.Kind.GGD)
    s.open(175)
    s.observe(
        175,
        177,
        f"{first} blijft na school vaak tot vijf uur op het plein en zegt dat er thuis tot "
        f"'s avonds laat niemand is. {first} kookt dan zelf.",
        objectified="Drie weken bijgehouden door de conciërge en de leerkracht.",
    )
    s.kindcheck(174, "no")
    s.next(170)
    s.consult(
        165,
        "colleague",
        f"{s.teacher.full_name}, leerkracht groep 6",
        f"Herken jij dat {first} vaak moe en alleen is?",
        f"Ja; ook het huiswerk blijft liggen. Ga in gesprek met de {parent}.",
    )
    s.next(163)
    s.talk(
        158,
        f"{parent.capitalize()}, {me}",
        f"Onze zorgen delen over de vele uren dat {first} alleen is.",
        f"Wat de conciërge en de leerkracht zagen; wat {first} vertelde over het koken.",
        f"De {parent} werkt sinds de scheiding in ploegendienst en zag geen andere oplossing, "
        "en wil graag meedenken.",
        "Er komt naschoolse opvang; de school wijst op opvoedondersteuning door de "
        "jeugdverpleegkundige van de GGD.",
    )
    consent = s.consent(
        158,
        ConsentInput(
            recipient=ggd,
            what=f"De zorgen van school over opvang en verzorging van {first}, en de "
            "contactgegevens van de ouder.",
            purpose="Opvoedondersteuning door de jeugdverpleegkundige.",
            provider=f"{me}, intern begeleider van {school.name}",
            given_by=Consent.GivenBy.GUARDIAN,
            guardian=link.guardian,
            given_on=day(158),
        ),
    )
    s.next(156)
    s.weigh(
        150,
        danger=(False, "Geen letsel en geen direct gevaar."),
        hindered=(True, "Te veel uren alleen en zorgtaken die niet bij de leeftijd passen."),
        future=(True, "Zonder opvang blijft de situatie zoals zij is."),
        micro=(
            "Veel alleen thuis; een ouder met wisselende diensten.",
            f"Een betrokken ouder; {first} is zelfstandig en vertelt veel.",
        ),
        meso=("", "Buren die een oogje in het zeil houden."),
        score=6,
        goals=f"Opvang na school; {first} hoeft niet meer voor zichzelf te zorgen.",
    )
    s.next(149)
    s.consult(
        147,
        "veilig_thuis",
        DUTY_ADVISER,
        "Is hulp via de GGD en opvang genoeg, of is melden nodig?",
        "Hulp organiseren en de effecten volgen.",
        anonymous=True,
    )
    rationale = {
        "q1": f"Vermoeden van emotionele verwaarlozing: {first} is te vaak te lang alleen.",
        "q2": "Niet acuut; ook niet structureel zolang de ouder meewerkt aan opvang.",
        "q3": "De GGD biedt opvoedondersteuning; opvang is te regelen.",
        "q4": "De ouder stemde in met de hulp en zocht zelf opvang.",
    }
    s.decide(146, TO_HELP, rationale, with_vt=("q3", "q4"))
    s.exchange(
        144,
        ggd,
        f"De zorgen van school over opvang en verzorging van {first}.",
        "Opvoedondersteuning door de jeugdverpleegkundige.",
        consent,
    )
    s.add(
        144,
        "help_plan",
        help="Opvoedondersteuning door de jeugdverpleegkundige van de GGD; naschoolse opvang "
        "drie middagen per week.",
        provided_by="GGD regio Lindenhout",
        accepted=True,
        agreed_with_vt=True,
        review_on=day(100),
    )
    s.add(
        100,
        "review",
        held_on=day(100),
        participants=f"{parent.capitalize()}, jeugdverpleegkundige GGD, {me}",
        findings=f"{first} gaat drie middagen naar de opvang en is minder moe. Het huiswerk "
        "komt weer af.",
        next_review_on=None,
    )
    for task in CaseTask.objects.filter(case=s.case, kind=CaseTask.Kind.REVIEW, done_at=None):
        s.task_done(100, task, "Evaluatie gehouden met de ouder en de GGD.", s.owner)
    s.decide(
        99,
        TO_HELP | {"q5": True},
        rationale | {"q5": "De opvang is geregeld en de doelen zijn gehaald."},
        with_vt=("q3", "q4", "q5"),
    )
    s.add(
        60,
        "review",
        held_on=day(60),
        participants=f"{s.teacher.full_name}, {me}",
        findings="Het gaat goed; geen nieuwe signalen.",
        next_review_on=None,
    )
    s.add(
        56,
        "closing",
        agreements=f"De leerkracht let op vermoeidheid en op hoe laat {first} wordt opgehaald; "
        "bij nieuwe zorgen gaat het meteen terug naar de intern begeleider.",
        informed=f"De {parent}, de leerkracht van groep 6 en de GGD",
    )
    s.next(56)
    s.withdraw(30, consent, "De ouder wil na de afsluiting geen verdere uitwisseling met de GGD.")


def _unfounded(clock: Clock, pupils: Pupils, owner: User, director: str) -> None:
    """Closed as unfounded: no suspicion after the conversation and the weighing."""
    s = Story(clock, pupils.take(6), owner)
    first = s.first
    s.open(62)
    s.observe(
        62,
        64,
        f"{first} had op maandag blauwe plekken op beide scheenbenen en een schaafwond op de knie.",
    )
    s.kindcheck(62, "unknown", action="Navragen bij de ouders.")
    s.next(61)
    s.consult(
        58,
        "colleague",
        f"{director}, directeur",
        "Zijn deze plekken reden om de meldcode te volgen?",
        "Vraag de ouders naar de toedracht; de plekken zitten op plaatsen waar kinderen vaak "
        "vallen.",
    )
    s.next(57)
    s.talk(
        54,
        f"Moeder, {first}, {s.owner.full_name}",
        "Vragen hoe de plekken zijn ontstaan.",
        "Blauwe plekken op de schenen en een schaafwond op de knie.",
        f"{first} is net begonnen met BMX-fietsen en liet trots foto's van de eerste wedstrijd "
        "zien. Moeder vertelde hetzelfde.",
        "Geen verdere afspraken; bij nieuwe signalen neemt de school contact op.",
    )
    s.next(53)
    s.weigh(
        50,
        danger=(False, "De plekken passen bij de uitleg."),
        hindered=(False, "Geen signalen in de ontwikkeling."),
        future=(False, "Geen risico's gezien."),
        micro=("Geen.", f"Open ouders; {first} vertelt makkelijk."),
        score=9,
        goals="Geen: het vermoeden is weerlegd.",
    )
    s.next(49)
    s.decide(
        48,
        {"q1": False},
        {
            "q1": f"Geen vermoeden: de plekken komen van het BMX-fietsen, wat {first} en moeder "
            "los van elkaar vertelden en met foto's lieten zien.",
        },
    )
