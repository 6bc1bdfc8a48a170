"""Who may consent to sharing a pupil's information with an outside party, and when
sharing is allowed (no Django imports). docs/domain.md, modules 3 and 12:

    Sharing with partners (youth care, GP, mental health) needs the parents' consent,
    which must be specific, say what it is for, who gives and who receives the
    information. Veilig Thuis may receive information without consent. Internal sharing
    needs none.

    Parents with parental authority exercise the rights of a child under 16; from 16 the
    pupil does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

OWN_CONSENT_AGE = 16

GUARDIAN = "guardian"
PUPIL = "pupil"


def age_on(born: dt.date, day: dt.date) -> int:
    """Whole years of age on ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def own_consent_from(born: dt.date) -> dt.date:
    """The day a pupil born on ``born`` turns 16 and decides for themselves (someone born on
    29 February turns 16 on 1 March in a year without that day)."""
    try:
        return born.replace(year=born.year + OWN_CONSENT_AGE)
    except ValueError:
        return dt.date(born.year + OWN_CONSENT_AGE, 3, 1)


def giver_problem(born: dt.date, given_on: dt.date, given_by: str, *, has_authority: bool) -> str:
    """Empty when ``given_by`` may consent for a pupil born on ``born``; otherwise a code:
    ``pupil_too_young``, ``pupil_decides`` (16+: the pupil, not the parent) or
    ``no_authority`` (a parent without parental authority)."""
    age = age_on(born, given_on)
    if given_by == PUPIL:
        return "" if age >= OWN_CONSENT_AGE else "pupil_too_young"
    if age >= OWN_CONSENT_AGE:
        return "pupil_decides"
    return "" if has_authority else "no_authority"


@dataclass(frozen=True)
class SharingRule:
    allowed: bool
    basis: str  # "consent", "meldcode" or "" (refused)
    notice: str  # a code for the message shown: "no_consent_needed", "consent_missing", ""


def sharing(recipient_is_veilig_thuis: bool, has_valid_consent: bool) -> SharingRule:
    """Whether information may go to a partner. Veilig Thuis needs no consent (the
    software says so); every other partner needs valid consent."""
    if has_valid_consent:
        return SharingRule(True, "consent", "")
    if recipient_is_veilig_thuis:
        return SharingRule(True, "meldcode", "no_consent_needed")
    return SharingRule(False, "", "consent_missing")
