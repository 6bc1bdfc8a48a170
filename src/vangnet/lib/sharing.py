"""Decision framework 2: may information about a student go outside the institution?
(docs/domain.md, module 5; no Django imports.)

The weighed route asks three questions — all options used? everything done to obtain
consent? necessary to reduce the risk? — and only when all three are answered "yes" may the
information go to the police or to care, and then **only after the Executive Board's
recorded approval**. The acute route — danger to the student, danger to others, or a
criminal offence — allows sharing at once, with the Executive Board's consent recorded
(and a written confirmation afterwards when the consent was given by phone).

:func:`share_refusal` is the one check before anything is marked as shared; it returns
why not, or None.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


def gettext_noop(message: str) -> str:
    """Marks a Dutch source string for ``makemessages``; callers translate it."""
    return message


WEIGHED = "weighed"
ACUTE = "acute"
ROUTES = (WEIGHED, ACUTE)

YES = "yes"
NO = "no"

QUESTIONS: tuple[tuple[str, str], ...] = (
    (
        "all_options_used",
        gettext_noop("Zijn alle mogelijkheden binnen de instelling benut?"),
    ),
    (
        "consent_sought",
        gettext_noop("Is alles gedaan om toestemming van de student te krijgen?"),
    ),
    (
        "necessary",
        gettext_noop("Is delen noodzakelijk om het risico te verkleinen?"),
    ),
)
QUESTION_KEYS = tuple(key for key, _text in QUESTIONS)

ACUTE_GROUNDS: tuple[tuple[str, str], ...] = (
    ("own_safety", gettext_noop("Gevaar voor de student zelf")),
    ("others", gettext_noop("Gevaar voor anderen")),
    ("offence", gettext_noop("Een strafbaar feit")),
)
ACUTE_KEYS = tuple(key for key, _text in ACUTE_GROUNDS)

# Statuses of a sharing request.
AWAITING = "awaiting_approval"
APPROVED = "approved"
REFUSED = "refused"
SHARED = "shared"

RULE_ALL_YES = gettext_noop(
    "Delen via de afweging mag alleen als alle drie de vragen met ja zijn beantwoord: alle "
    "mogelijkheden zijn benut, er is alles gedaan om toestemming te krijgen en delen is "
    "nodig om het risico te verkleinen. Nu met nee beantwoord: %(questions)s."
)
RULE_APPROVAL = gettext_noop(
    "Informatie gaat pas naar buiten na instemming van het College van Bestuur. Die is er "
    "(nog) niet."
)
RULE_ACUTE_GROUND = gettext_noop(
    "De acute route geldt alleen bij gevaar voor de student, gevaar voor anderen of een "
    "strafbaar feit. Kies ten minste één van die gronden."
)
RULE_ANSWER_ALL = gettext_noop("Beantwoord elke vraag met ja of nee en onderbouw het antwoord.")
RULE_ALREADY_SHARED = gettext_noop("Deze informatie is al gedeeld.")
RULE_REFUSED = gettext_noop("Het College van Bestuur heeft dit verzoek niet goedgekeurd.")
RULE_CASE_CLOSED = gettext_noop(
    "Het traject is afgesloten; vanuit een afgesloten traject wordt niets meer gedeeld."
)


@dataclass(frozen=True)
class Refusal:
    """Why something may not happen: an HTTP-like status (409 "not now", 422 "not with
    these answers"), the rule's Dutch source text and its values."""

    status: int
    rule: str
    values: tuple[tuple[str, object], ...] = ()


def answer_problems(
    route: str, answers: Mapping[str, str], rationales: Mapping[str, str], grounds: Sequence[str]
) -> dict[str, str]:
    """Per field, what is missing or wrong in a new request (empty when complete). On the
    weighed route every question needs yes/no and a rationale; on the acute route at least
    one of the three acute grounds."""
    problems: dict[str, str] = {}
    if route not in ROUTES:
        return {"route": gettext_noop("Kies de afweging of de acute route.")}
    if route == WEIGHED:
        for key in QUESTION_KEYS:
            if answers.get(key) not in (YES, NO) or not rationales.get(key, "").strip():
                problems[key] = RULE_ANSWER_ALL
    elif not grounds or set(grounds) - set(ACUTE_KEYS):
        problems["acute_grounds"] = RULE_ACUTE_GROUND
    return problems


def framework_refusal(route: str, answers: Mapping[str, str]) -> Refusal | None:
    """On the weighed route, a "no" to any question forbids sharing (422)."""
    if route != WEIGHED:
        return None
    noes = tuple(key for key in QUESTION_KEYS if answers.get(key) != YES)
    if noes:
        return Refusal(422, RULE_ALL_YES, (("questions", noes),))
    return None


def share_refusal(route: str, answers: Mapping[str, str], status: str) -> Refusal | None:
    """Why the information may not be marked as shared now, or None when it may."""
    if status == SHARED:
        return Refusal(409, RULE_ALREADY_SHARED)
    framework = framework_refusal(route, answers)
    if framework is not None:
        return framework
    if status == REFUSED:
        return Refusal(409, RULE_REFUSED)
    if status != APPROVED:
        return Refusal(409, RULE_APPROVAL)
    return None


def approval_refusal(route: str, answers: Mapping[str, str], status: str) -> Refusal | None:
    """The Executive Board approves a request awaiting approval whose weighing allows it."""
    if status != AWAITING:
        return Refusal(409, gettext_noop("Over dit verzoek is al besloten."))
    return framework_refusal(route, answers)
