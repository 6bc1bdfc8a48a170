"""The flag system for weighing sexual behaviour of children (no Django imports).

Six criteria, each answered *yes*, *no* or *unclear* ("weet ik (nog) niet"):

* core criteria — ``consent`` (mutual consent), ``voluntary`` (voluntariness),
  ``equality`` (equal in age, maturity, intelligence and power);
* other criteria — ``development`` (fits age and development), ``context`` (fits the
  place and situation), ``self_respect`` (harms neither the child itself nor others).

Four flags, mildest first: green, yellow, red, black.

The suggested flag is the FIRST rule below that applies (checked from the most severe down):

1. black  — "no" on consent AND "no" on voluntariness or on equality
            (behaviour forced on a child, or by a clearly stronger/older child);
2. red    — "no" on any core criterion (consent, voluntariness, equality);
3. red    — "no" on all three other criteria (development, context, self-respect);
4. yellow — "no" on one or two of the other criteria;
5. yellow — no "no" at all, but one or more "unclear": find out more, then weigh again;
6. green  — "yes" on all six criteria.

"Unclear" never counts heavier than yellow on its own. The rule is monotonic: answering a
criterion more negatively (yes → unclear → no) never gives a milder flag, so "more no
answers" can only keep or raise the flag (property-tested in ``tests/test_flags.py``).
The suggestion is advice; the professional confirms it or chooses another flag with a
reason.

Texts are Dutch source strings marked with :func:`gettext_noop` so ``makemessages`` finds
them; Django code translates them when it shows them (``gettext(text)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


def gettext_noop(message: str) -> str:
    """Marks a string for translation without translating it (Django-free)."""
    return message


# --- answers ------------------------------------------------------------------------------

YES = "yes"
NO = "no"
UNCLEAR = "unclear"
ANSWERS = (YES, NO, UNCLEAR)
# How negative an answer is; the rule is monotonic in this order.
ANSWER_ORDER = {YES: 0, UNCLEAR: 1, NO: 2}
ANSWER_LABELS = {
    YES: gettext_noop("Ja"),
    NO: gettext_noop("Nee"),
    UNCLEAR: gettext_noop("Weet ik (nog) niet"),
}

# --- criteria -----------------------------------------------------------------------------

CONSENT = "consent"
VOLUNTARY = "voluntary"
EQUALITY = "equality"
DEVELOPMENT = "development"
CONTEXT = "context"
SELF_RESPECT = "self_respect"
CORE = (CONSENT, VOLUNTARY, EQUALITY)
OTHER = (DEVELOPMENT, CONTEXT, SELF_RESPECT)
CRITERIA_KEYS = CORE + OTHER


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    question: str


CRITERIA = (
    Criterion(
        CONSENT,
        gettext_noop("Wederzijdse toestemming"),
        gettext_noop(
            "Wilden alle betrokken kinderen dit allemaal zelf, en hebben zij dat laten merken?"
        ),
    ),
    Criterion(
        VOLUNTARY,
        gettext_noop("Vrijwilligheid"),
        gettext_noop(
            "Deed ieder kind uit vrije wil mee, zonder druk, dreiging, omkoping of dwang?"
        ),
    ),
    Criterion(
        EQUALITY,
        gettext_noop("Gelijkwaardigheid"),
        gettext_noop(
            "Waren de kinderen gelijk in leeftijd, rijpheid en intelligentie, en had geen van "
            "hen macht over de ander?"
        ),
    ),
    Criterion(
        DEVELOPMENT,
        gettext_noop("Passend bij leeftijd en ontwikkeling"),
        gettext_noop("Is dit gedrag gewoon voor kinderen van deze leeftijd en ontwikkeling?"),
    ),
    Criterion(
        CONTEXT,
        gettext_noop("Passend in de situatie"),
        gettext_noop(
            "Past het gedrag bij de plek en het moment waarop het gebeurde, en bij de mensen "
            "die erbij waren?"
        ),
    ),
    Criterion(
        SELF_RESPECT,
        gettext_noop("Zelfrespect"),
        gettext_noop(
            "Doet het gedrag het kind zelf en de andere kinderen geen kwaad, lichamelijk of "
            "emotioneel?"
        ),
    ),
)
CRITERIA_BY_KEY = {c.key: c for c in CRITERIA}

# --- flags --------------------------------------------------------------------------------

GREEN = "green"
YELLOW = "yellow"
RED = "red"
BLACK = "black"
FLAGS = (GREEN, YELLOW, RED, BLACK)  # mildest first
SEVERITY = {flag: rank for rank, flag in enumerate(FLAGS)}


@dataclass(frozen=True)
class FlagInfo:
    key: str
    name: str
    meaning: str
    reaction: str


FLAG_INFO = {
    GREEN: FlagInfo(
        GREEN,
        gettext_noop("Groene vlag"),
        gettext_noop(
            "Aanvaardbaar gedrag: het voldoet aan alle zes criteria en hoort bij een gezonde "
            "seksuele ontwikkeling."
        ),
        gettext_noop(
            "Reageer positief en rustig. Laat merken dat het gedrag in orde is en geef zo nodig "
            "uitleg of informatie die past bij de leeftijd."
        ),
    ),
    YELLOW: FlagInfo(
        YELLOW,
        gettext_noop("Gele vlag"),
        gettext_noop(
            "Licht grensoverschrijdend gedrag: aan één of enkele criteria is niet helemaal voldaan."
        ),
        gettext_noop(
            "Geef duidelijk de grens aan en leg uit waarom dit gedrag hier niet past. Houd het "
            "de komende tijd in de gaten en leg vast wat je ziet als het terugkomt."
        ),
    ),
    RED: FlagInfo(
        RED,
        gettext_noop("Rode vlag"),
        gettext_noop(
            "Ernstig grensoverschrijdend gedrag: aan meerdere criteria is duidelijk niet "
            "voldaan, bijvoorbeeld er was geen toestemming of de kinderen waren niet "
            "gelijkwaardig."
        ),
        gettext_noop(
            "Stop het gedrag meteen en zeg duidelijk dat je het afkeurt. Vertel het de ouders, "
            "bespreek het met de intern begeleider en leg vast wat er gebeurd is."
        ),
    ),
    BLACK: FlagInfo(
        BLACK,
        gettext_noop("Zwarte vlag"),
        gettext_noop(
            "Zeer ernstig grensoverschrijdend gedrag: er is sprake van dwang, dreiging, geweld "
            "of een duidelijk verschil in macht."
        ),
        gettext_noop(
            "Grijp direct in en zorg eerst voor de veiligheid van het kind dat het overkwam. "
            "Schakel meteen de intern begeleider en de directeur in. Overweeg samen om Veilig "
            "Thuis (0800-2000) om advies te vragen, een melding te doen of de politie in te "
            "schakelen."
        ),
    ),
}

# --- the rule -----------------------------------------------------------------------------

BLACK_CONSENT = "black_consent"
RED_CORE = "red_core"
RED_OTHER = "red_other"
YELLOW_OTHER = "yellow_other"
YELLOW_UNCLEAR = "yellow_unclear"
GREEN_ALL_YES = "green_all_yes"

# (code, flag, explanation), in the order they are checked: the first that applies decides.
RULES: tuple[tuple[str, str, str], ...] = (
    (
        BLACK_CONSENT,
        BLACK,
        gettext_noop(
            "Zwart: ‘nee’ bij wederzijdse toestemming én ‘nee’ bij vrijwilligheid of bij "
            "gelijkwaardigheid."
        ),
    ),
    (
        RED_CORE,
        RED,
        gettext_noop(
            "Rood: ‘nee’ bij wederzijdse toestemming, vrijwilligheid of gelijkwaardigheid."
        ),
    ),
    (
        RED_OTHER,
        RED,
        gettext_noop(
            "Rood: ‘nee’ bij alle drie de andere criteria (leeftijd en ontwikkeling, situatie, "
            "zelfrespect)."
        ),
    ),
    (
        YELLOW_OTHER,
        YELLOW,
        gettext_noop(
            "Geel: ‘nee’ bij één of twee van de andere criteria (leeftijd en ontwikkeling, "
            "situatie, zelfrespect)."
        ),
    ),
    (
        YELLOW_UNCLEAR,
        YELLOW,
        gettext_noop(
            "Geel: nergens ‘nee’, maar wel ergens ‘weet ik (nog) niet’. Zoek eerst uit hoe het "
            "zit en weeg daarna opnieuw."
        ),
    ),
    (GREEN_ALL_YES, GREEN, gettext_noop("Groen: ‘ja’ bij alle zes criteria.")),
)
RULE_TEXT = {code: text for code, _flag, text in RULES}
RULE_SUMMARY = gettext_noop(
    "De eerste regel die van toepassing is, bepaalt de voorgestelde vlag. ‘Weet ik (nog) "
    "niet’ maakt de vlag op zichzelf nooit zwaarder dan geel. Het voorstel is een advies: "
    "jij bevestigt het of kiest een andere vlag en schrijft op waarom."
)
FIND_OUT_MORE = gettext_noop(
    "Bij een of meer criteria weet je het (nog) niet. Zoek uit hoe het zit, bijvoorbeeld in "
    "gesprek met de kinderen of collega's, en weeg daarna opnieuw: het antwoord kan de vlag "
    "zwaarder maken."
)


@dataclass(frozen=True)
class Suggestion:
    flag: str
    rule: str  # one of the RULES codes
    no: tuple[str, ...]  # criteria answered "no", in CRITERIA order
    unclear: tuple[str, ...]  # criteria answered "unclear", in CRITERIA order

    @property
    def find_out_more(self) -> bool:
        return bool(self.unclear)

    @property
    def explanation(self) -> str:
        return RULE_TEXT[self.rule]


def problems(answers: Mapping[str, str]) -> dict[str, str]:
    """criterion -> "missing" | "invalid" (and unknown keys -> "unknown"); empty when every
    criterion has a valid answer."""
    found: dict[str, str] = {}
    for key in CRITERIA_KEYS:
        value = answers.get(key)
        if value in (None, ""):
            found[key] = "missing"
        elif value not in ANSWERS:
            found[key] = "invalid"
    for key in answers:
        if key not in CRITERIA_BY_KEY:
            found[key] = "unknown"
    return found


def suggest(answers: Mapping[str, str]) -> Suggestion:
    """The suggested flag for a complete set of answers (see the module docstring)."""
    if bad := problems(answers):
        raise ValueError(f"incomplete or invalid answers: {bad}")
    no = tuple(k for k in CRITERIA_KEYS if answers[k] == NO)
    unclear = tuple(k for k in CRITERIA_KEYS if answers[k] == UNCLEAR)
    other_no = sum(1 for k in OTHER if k in no)
    if CONSENT in no and (VOLUNTARY in no or EQUALITY in no):
        rule = BLACK_CONSENT
    elif any(k in no for k in CORE):
        rule = RED_CORE
    elif other_no == len(OTHER):
        rule = RED_OTHER
    elif other_no:
        rule = YELLOW_OTHER
    elif unclear:
        rule = YELLOW_UNCLEAR
    else:
        rule = GREEN_ALL_YES
    flag = next(f for code, f, _text in RULES if code == rule)
    return Suggestion(flag=flag, rule=rule, no=no, unclear=unclear)


def is_milder(a: str, b: str) -> bool:
    """Whether flag ``a`` is milder than flag ``b``."""
    return SEVERITY[a] < SEVERITY[b]
