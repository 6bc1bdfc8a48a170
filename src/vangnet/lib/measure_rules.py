"""Every term of the behaviour measures, per sector, in one place (no Django imports).

Issue 6 (docs/domain.md, module 4): "All terms (5 school days, 1 day for Inspectie
reporting, 14 days, 8 weeks, 6 weeks, 4 weeks, age 12) live in one place per sector (PO
defaults from domain.md; VO and SO values configurable; higher education has no
suspension — offer the Executive Board's measures instead: denial of access for a set
period, ending the enrolment, after hearing the student)".

The primary-school defaults (domain.md, module 4):

* time-out: "for the rest of the day, up to the end of the week, at most 5 days";
* suspension: "at most one week" (5 school days); "a suspension longer than one day is
  reported to the Inspectie"; "appeal to the board, which decides within 14 days";
* expulsion: "for 8 weeks the board seeks another school"; "objection within 6 weeks …
  decision within 4 weeks"; "final expulsion only once another school has accepted the
  pupil (or after 8 weeks of demonstrable effort)"; "parents (and the pupil from age 12)
  are heard";
* temporary extra rules: "first evaluation 2 weeks after start, then monthly";
* higher education: "the Executive Board can deny access to buildings and grounds (up to
  a year) or end an enrolment …, after hearing the student".

What a board may change
-----------------------
Primary education (PO) and higher education (HBO, WO) keep these values: they are the
law or the board's written policy that domain.md quotes. Special (SO), secondary (VO) and
vocational (MBO) education have their own numbers; a board may set them within bounds
that never loosen a legal limit (a suspension stays at most one week, parents keep at
least six weeks for an objection, a pupil is heard from age 12 at the latest). Whether a
pupil may be expelled for good without an accepting school after the search period is
never configurable: PO and SO allow it (art. 40 WPO / WEC), VO and MBO do not.

Legal references are short and in our own words; where we are not sure of an article
number we name the law only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any


def gettext_noop(message: str) -> str:
    """Marks a string for translation without translating it (Django-free)."""
    return message


PO, SO, VO, MBO, HBO, WO = "PO", "SO", "VO", "MBO", "HBO", "WO"
SECTORS = (PO, SO, VO, MBO, HBO, WO)
HIGHER_EDUCATION = frozenset({HBO, WO})
CONFIGURABLE_SECTORS = frozenset({SO, VO, MBO})


@dataclass(frozen=True)
class MeasureRules:
    """The terms of one sector. Durations carry their unit in the field name."""

    sector: str
    # time-out (step 5): a school's own measure, not in the law
    time_out_allowed: bool
    time_out_max_school_days: int
    # suspension (step 6)
    suspension_allowed: bool
    suspension_max_school_days: int
    inspectie_report_after_days: int  # report when the suspension lasts longer than this
    appeal_decision_days: int
    # expulsion (step 7)
    expulsion_allowed: bool
    expulsion_search_weeks: int
    final_expulsion_after_search: bool  # without an accepting school, after the search
    objection_weeks: int
    objection_decision_weeks: int
    pupil_heard_from_age: int
    # temporary extra rules
    extra_rules_first_evaluation_days: int
    extra_rules_evaluation_interval_months: int
    # higher education: the Executive Board's measures
    access_denial_allowed: bool
    access_denial_max_months: int
    enrolment_ending_allowed: bool
    student_heard: bool
    # rule field -> legal basis (short, Dutch)
    basis: tuple[tuple[str, str], ...] = ()

    @property
    def configurable(self) -> bool:
        return self.sector in CONFIGURABLE_SECTORS

    @property
    def higher_education(self) -> bool:
        return self.sector in HIGHER_EDUCATION

    def basis_for(self, field: str) -> str:
        return dict(self.basis).get(field, "")

    def applicable(self) -> tuple[str, ...]:
        """The rule fields that apply to this sector, in display order."""
        if self.higher_education:
            return HIGHER_EDUCATION_FIELDS
        return SCHOOL_FIELDS

    def needs_inspectie_report(self, suspension_days: int) -> bool:
        """A suspension longer than the sector's limit is reported to the Inspectie."""
        return self.suspension_allowed and suspension_days > self.inspectie_report_after_days

    def pupil_is_heard(self, age: int) -> bool:
        return age >= self.pupil_heard_from_age

    def overrides(self) -> dict[str, Any]:
        """The configurable values where these rules differ from the sector's defaults."""
        base = defaults(self.sector)
        return {
            name: getattr(self, name)
            for name in OVERRIDABLE
            if getattr(self, name) != getattr(base, name)
        }


SCHOOL_FIELDS = (
    "time_out_max_school_days",
    "suspension_max_school_days",
    "inspectie_report_after_days",
    "appeal_decision_days",
    "expulsion_search_weeks",
    "final_expulsion_after_search",
    "objection_weeks",
    "objection_decision_weeks",
    "pupil_heard_from_age",
    "extra_rules_first_evaluation_days",
    "extra_rules_evaluation_interval_months",
)
HIGHER_EDUCATION_FIELDS = (
    "access_denial_max_months",
    "enrolment_ending_allowed",
    "student_heard",
)

# Units of the terms (the app words them, singular or plural); empty for yes/no rules.
SCHOOL_DAYS, DAYS, WEEKS, MONTHS, YEARS = "school_days", "days", "weeks", "months", "years"
# field -> (label, unit)
FIELD_INFO: dict[str, tuple[str, str]] = {
    "time_out_max_school_days": (
        gettext_noop("Time-out: hoogstens (tot het einde van de week)"),
        SCHOOL_DAYS,
    ),
    "suspension_max_school_days": (
        gettext_noop("Schorsing: hoogstens"),
        SCHOOL_DAYS,
    ),
    "inspectie_report_after_days": (
        gettext_noop("Schorsing melden bij de Inspectie als die langer duurt dan"),
        SCHOOL_DAYS,
    ),
    "appeal_decision_days": (
        gettext_noop("Beroep tegen een schorsing: het bestuur beslist binnen"),
        DAYS,
    ),
    "expulsion_search_weeks": (
        gettext_noop("Verwijdering: het bestuur zoekt een andere school gedurende"),
        WEEKS,
    ),
    "final_expulsion_after_search": (
        gettext_noop(
            "Definitief verwijderen zonder school die de leerling toelaat, na aantoonbaar "
            "zoeken gedurende die weken"
        ),
        "",
    ),
    "objection_weeks": (
        gettext_noop("Bezwaar tegen verwijdering: ouders hebben"),
        WEEKS,
    ),
    "objection_decision_weeks": (
        gettext_noop("Besluit op bezwaar: binnen"),
        WEEKS,
    ),
    "pupil_heard_from_age": (
        gettext_noop("De leerling wordt gehoord vanaf"),
        YEARS,
    ),
    "extra_rules_first_evaluation_days": (
        gettext_noop("Aanvullende omgangsregels: eerste evaluatie na"),
        DAYS,
    ),
    "extra_rules_evaluation_interval_months": (
        gettext_noop("Aanvullende omgangsregels: daarna evalueren elke"),
        MONTHS,
    ),
    "access_denial_max_months": (
        gettext_noop("Ontzegging van de toegang door het College van Bestuur: hoogstens"),
        MONTHS,
    ),
    "enrolment_ending_allowed": (
        gettext_noop("Beëindiging van de inschrijving door het College van Bestuur"),
        "",
    ),
    "student_heard": (
        gettext_noop("De student wordt vooraf gehoord"),
        "",
    ),
}

# --- legal basis --------------------------------------------------------------------------

OWN_POLICY = gettext_noop("Eigen beleid van de school (stappenplan); geen wettelijke regeling")
BOARD_POLICY = gettext_noop("Beleid van het bestuur (beroep bij het bevoegd gezag)")
HEARING_POLICY = gettext_noop("Beleid van het bestuur (horen van de leerling)")
EXTRA_RULES_POLICY = gettext_noop("Beleid van de school (aanvullende omgangsregels)")


def _school_basis(suspension: str, expulsion: str, final: str) -> tuple[tuple[str, str], ...]:
    return (
        ("time_out_max_school_days", OWN_POLICY),
        ("suspension_max_school_days", suspension),
        ("inspectie_report_after_days", suspension),
        ("appeal_decision_days", BOARD_POLICY),
        ("expulsion_search_weeks", expulsion),
        ("final_expulsion_after_search", final),
        ("objection_weeks", expulsion),
        ("objection_decision_weeks", expulsion),
        ("pupil_heard_from_age", HEARING_POLICY),
        ("extra_rules_first_evaluation_days", EXTRA_RULES_POLICY),
        ("extra_rules_evaluation_interval_months", EXTRA_RULES_POLICY),
    )


WHW = gettext_noop("art. 7.57h WHW")
BASIS: dict[str, tuple[tuple[str, str], ...]] = {
    PO: _school_basis(
        gettext_noop("art. 40c WPO"), gettext_noop("art. 40 WPO"), gettext_noop("art. 40 WPO")
    ),
    SO: _school_basis(
        gettext_noop("Wet op de expertisecentra (WEC)"),
        gettext_noop("art. 40 WEC"),
        gettext_noop("art. 40 WEC"),
    ),
    VO: _school_basis(
        gettext_noop("Inrichtingsbesluit WVO"),
        gettext_noop("Inrichtingsbesluit WVO"),
        gettext_noop(
            "Inrichtingsbesluit WVO: een leerplichtige leerling pas verwijderen als een "
            "andere school hem toelaat"
        ),
    ),
    MBO: _school_basis(
        gettext_noop("WEB en het studentenstatuut van de instelling"),
        gettext_noop("WEB en het studentenstatuut van de instelling"),
        gettext_noop("WEB en het studentenstatuut van de instelling"),
    ),
    HBO: (
        ("access_denial_max_months", WHW),
        ("enrolment_ending_allowed", WHW),
        ("student_heard", WHW),
    ),
}
BASIS[WO] = BASIS[HBO]


def _school(sector: str, *, final_after_search: bool) -> MeasureRules:
    return MeasureRules(
        sector=sector,
        time_out_allowed=True,
        time_out_max_school_days=5,
        suspension_allowed=True,
        suspension_max_school_days=5,
        inspectie_report_after_days=1,
        appeal_decision_days=14,
        expulsion_allowed=True,
        expulsion_search_weeks=8,
        final_expulsion_after_search=final_after_search,
        objection_weeks=6,
        objection_decision_weeks=4,
        pupil_heard_from_age=12,
        extra_rules_first_evaluation_days=14,
        extra_rules_evaluation_interval_months=1,
        access_denial_allowed=False,
        access_denial_max_months=0,
        enrolment_ending_allowed=False,
        student_heard=False,
        basis=BASIS[sector],
    )


def _higher_education(sector: str) -> MeasureRules:
    return MeasureRules(
        sector=sector,
        time_out_allowed=False,
        time_out_max_school_days=0,
        suspension_allowed=False,
        suspension_max_school_days=0,
        inspectie_report_after_days=0,
        appeal_decision_days=0,
        expulsion_allowed=False,
        expulsion_search_weeks=0,
        final_expulsion_after_search=False,
        objection_weeks=0,
        objection_decision_weeks=0,
        pupil_heard_from_age=0,
        extra_rules_first_evaluation_days=0,
        extra_rules_evaluation_interval_months=0,
        access_denial_allowed=True,
        access_denial_max_months=12,
        enrolment_ending_allowed=True,
        student_heard=True,
        basis=BASIS[sector],
    )


_DEFAULTS: dict[str, MeasureRules] = {
    PO: _school(PO, final_after_search=True),
    SO: _school(SO, final_after_search=True),
    VO: _school(VO, final_after_search=False),
    MBO: _school(MBO, final_after_search=False),
    HBO: _higher_education(HBO),
    WO: _higher_education(WO),
}


def defaults(sector: str) -> MeasureRules:
    """The rules of a sector before any board changes them."""
    try:
        return _DEFAULTS[sector]
    except KeyError:
        raise ValueError(f"unknown sector {sector!r}") from None


# --- overrides ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    low: int
    high: int
    message: str  # shown when a value falls outside low..high


# The values a board of a configurable sector may set, and their bounds. Bounds never
# loosen a legal limit; the message says why.
OVERRIDABLE: dict[str, Bound] = {
    "time_out_max_school_days": Bound(
        1,
        5,
        gettext_noop(
            "Kies 1 tot en met 5 schooldagen: een time-out duurt hoogstens tot het einde "
            "van de week."
        ),
    ),
    "suspension_max_school_days": Bound(
        1,
        5,
        gettext_noop(
            "Kies 1 tot en met 5 schooldagen: een schorsing duurt volgens de wet hoogstens "
            "één week."
        ),
    ),
    "appeal_decision_days": Bound(
        1,
        14,
        gettext_noop(
            "Kies 1 tot en met 14 dagen: het bestuur beslist binnen twee weken op een beroep."
        ),
    ),
    "expulsion_search_weeks": Bound(
        8,
        26,
        gettext_noop(
            "Kies 8 tot en met 26 weken: het bestuur zoekt minstens acht weken naar een "
            "andere school."
        ),
    ),
    "objection_weeks": Bound(
        6,
        12,
        gettext_noop(
            "Kies 6 tot en met 12 weken: ouders krijgen minstens zes weken om bezwaar te maken."
        ),
    ),
    "objection_decision_weeks": Bound(
        1,
        4,
        gettext_noop(
            "Kies 1 tot en met 4 weken: over een bezwaar wordt binnen vier weken beslist."
        ),
    ),
    "pupil_heard_from_age": Bound(
        4,
        12,
        gettext_noop(
            "Kies een leeftijd van 4 tot en met 12 jaar: een leerling van 12 wordt altijd gehoord."
        ),
    ),
    "extra_rules_first_evaluation_days": Bound(
        1, 28, gettext_noop("Kies 1 tot en met 28 dagen tot de eerste evaluatie.")
    ),
    "extra_rules_evaluation_interval_months": Bound(
        1, 3, gettext_noop("Kies 1 tot en met 3 maanden tussen de evaluaties.")
    ),
}

UNKNOWN = gettext_noop("Deze termijn bestaat niet.")
FIXED = gettext_noop("Deze termijn ligt vast en kan niet worden aangepast.")
FIXED_SECTOR = gettext_noop(
    "De termijnen van deze sector liggen vast in de wet of in het beleid en kunnen niet "
    "worden aangepast."
)
NOT_A_NUMBER = gettext_noop("Vul een heel getal in.")
RULE_FIELDS = frozenset(f.name for f in fields(MeasureRules)) - {"sector", "basis"}


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return int(text)
    return None


def check_overrides(rules: MeasureRules, mapping: Mapping[str, object]) -> dict[str, str]:
    """Dutch messages (source strings) per field that cannot be set; empty when all can."""
    problems: dict[str, str] = {}
    for name, value in mapping.items():
        if name not in RULE_FIELDS:
            problems[name] = UNKNOWN
        elif not rules.configurable:
            problems[name] = FIXED_SECTOR
        elif name not in OVERRIDABLE:
            problems[name] = FIXED
        else:
            number = _as_int(value)
            bound = OVERRIDABLE[name]
            if number is None:
                problems[name] = NOT_A_NUMBER
            elif not bound.low <= number <= bound.high:
                problems[name] = bound.message
    return problems


class InvalidOverrides(ValueError):
    """Raised by :func:`with_overrides`; ``problems`` maps each field to a Dutch message."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in sorted(problems.items())))
        self.problems = problems

    def messages(self, translate: Callable[[str], str] = str) -> dict[str, str]:
        return {field: translate(message) for field, message in self.problems.items()}


def with_overrides(rules: MeasureRules, mapping: Mapping[str, object]) -> MeasureRules:
    """``rules`` with the configurable values of ``mapping`` applied (numbers may come as
    text from a form). Raises :class:`InvalidOverrides` naming every field that cannot be
    set; nothing is applied then."""
    problems = check_overrides(rules, mapping)
    if problems:
        raise InvalidOverrides(problems)
    values: dict[str, Any] = {name: _as_int(value) for name, value in mapping.items()}
    return replace(rules, **values)
