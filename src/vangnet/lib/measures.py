"""The legal rules of the behaviour measures as checks (no Django imports).

Each check gets the facts (dates, counts, who approved when) and the sector's terms
(:class:`vangnet.lib.measure_rules.MeasureRules`) and returns the refusals as
``(field, message)`` pairs — empty when the rule is kept. Every message quotes the rule in
plain Dutch, so a refused step tells the user what the law or the school's protocol asks
(issue 6: "refused with the rule quoted in plain Dutch"). The deadlines are computed here
too, so pages, reminders and the API agree on them.

The rules (docs/domain.md, module 4):

* time-out: "for the rest of the day, up to the end of the week, at most 5 days"; "only
  with the director's approval";
* suspension: "at most one week" (5 school days, counted with the school's calendar);
  "the board is informed and asked for approval beforehand" — Vangnet asks that the
  approval is recorded before the start date; "a suspension longer than one day is
  reported to the Inspectie"; "appeal to the board, which decides within 14 days";
* expulsion: the teacher is heard, the parents are heard, the pupil from age 12; "for 8
  weeks the board seeks another school"; "objection within 6 weeks, … decision within 4
  weeks"; "final expulsion only once another school has accepted the pupil (or after 8
  weeks of demonstrable effort)" where the sector allows it; de-registration only after
  the new school's enrolment notice;
* higher education has no suspension: the Executive Board can deny access (up to a year)
  or end an enrolment, "after hearing the student".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from vangnet.lib.measure_rules import MeasureRules
from vangnet.lib.schooldays import SchoolCalendar


def gettext_noop(message: str) -> str:
    """Marks a Dutch source string for ``makemessages``; callers translate it."""
    return message


TIME_OUT = "time_out"
SUSPENSION = "suspension"
EXPULSION = "expulsion"
ACCESS_DENIAL = "access_denial"
ENROLMENT_END = "enrolment_end"
KINDS = (TIME_OUT, SUSPENSION, EXPULSION, ACCESS_DENIAL, ENROLMENT_END)
SCHOOL_KINDS = (TIME_OUT, SUSPENSION, EXPULSION)
HIGHER_EDUCATION_KINDS = (ACCESS_DENIAL, ENROLMENT_END)


class Refusal(NamedTuple):
    """A refused step: the field, the rule's Dutch source text and its values (dates as
    dates, lists of Dutch words as tuples) — the caller translates and formats them."""

    field: str
    rule: str
    values: tuple[tuple[str, object], ...] = ()

    def text(self) -> str:
        """The untranslated message, dates in ISO form (for logs and tests)."""
        values = {
            k: ", ".join(v)
            if isinstance(v, tuple)
            else v.isoformat()
            if isinstance(v, dt.date)
            else v
            for k, v in self.values
        }
        return self.rule % values if values else self.rule


def _msg(name: str, rule: str, **values: object) -> Refusal:
    return Refusal(name, rule, tuple(values.items()))


# --- the rules, quoted (Dutch source strings) ---------------------------------------------

RULE_TIME_OUT_DAYS = gettext_noop(
    "Een time-out duurt de rest van de dag en hoogstens tot het einde van de week: "
    "niet meer dan %(max)s schooldagen. Deze time-out telt %(days)s schooldagen."
)
RULE_TIME_OUT_WEEK = gettext_noop(
    "Een time-out loopt hoogstens tot het einde van de week waarin hij begint (hier %(end)s)."
)
RULE_TIME_OUT_APPROVAL = gettext_noop(
    "Een time-out gaat alleen in met toestemming van de directeur. Die toestemming is er nog niet."
)
RULE_SUSPENSION_DAYS = gettext_noop(
    "Een schorsing duurt hoogstens één week: niet meer dan %(max)s schooldagen. Deze "
    "schorsing telt %(days)s schooldagen (weekenden en vakanties tellen niet mee)."
)
RULE_SUSPENSION_APPROVAL = gettext_noop(
    "Het bestuur (bevoegd gezag) moet een schorsing goedkeuren vóór de dag waarop die "
    "ingaat. De schorsing begint op %(start)s; goedkeuren kan tot en met %(last)s."
)
RULE_SUSPENSION_START_PAST = gettext_noop(
    "Een schorsing kan niet ingaan voordat het bestuur toestemming heeft gegeven. Kies een "
    "begindatum na vandaag, zodat het bestuur eerst kan beslissen."
)
RULE_NO_SCHOOL_DAY = gettext_noop(
    "%(day)s is geen schooldag (%(reason)s). Kies een schooldag als begin."
)
RULE_END_BEFORE_START = gettext_noop("De einddatum ligt voor de begindatum.")
RULE_TIME_OUT_NOW = gettext_noop(
    "Een time-out gaat direct in na een ernstig incident: hij begint vandaag of op een van "
    "de volgende schooldagen van deze week, niet achteraf en niet weken vooruit."
)
RULE_TIME_OUT_APPROVAL_LATE = gettext_noop(
    "De directeur geeft toestemming voordat de time-out begint, of op de eerste dag zelf. "
    "Deze time-out begon op %(start)s."
)
RULE_OVERLAP = gettext_noop(
    "Voor deze leerling loopt of wacht al een maatregel van deze soort in dezelfde periode "
    "(%(first)s tot en met %(last)s)."
)
RULE_CHAINED = gettext_noop(
    "Deze maatregel sluit aan op een eerdere of latere van dezelfde soort; samen tellen ze "
    "%(days)s schooldagen, en dat is meer dan de %(max)s die de regel toestaat."
)
RULE_NOT_IN_SECTOR_HE = gettext_noop(
    "In het hoger onderwijs kent de wet geen time-out, schorsing of verwijdering; het "
    "College van Bestuur kan de toegang ontzeggen of de inschrijving beëindigen, na het "
    "horen van de student."
)
RULE_NOT_IN_SECTOR_SCHOOL = gettext_noop(
    "Ontzegging van de toegang en beëindiging van de inschrijving zijn maatregelen van het "
    "hoger onderwijs; op deze school gelden time-out, schorsing en verwijdering."
)
RULE_EXPULSION_HEARINGS = gettext_noop(
    "Voordat het bestuur het voornemen tot verwijdering uitspreekt, zijn de leerkracht en "
    "de ouders gehoord, en de leerling zelf vanaf %(age)s jaar. Nog niet vastgelegd: "
    "%(missing)s."
)
RULE_EXPULSION_REPORT = gettext_noop(
    "Bij een verwijdering hoort een onderwijskundig rapport; leg het vast voordat het "
    "bestuur besluit."
)
RULE_EXPULSION_FINAL = gettext_noop(
    "Definitief verwijderen mag pas als een andere school de leerling heeft toegelaten."
)
RULE_EXPULSION_FINAL_OR = gettext_noop(
    "Definitief verwijderen mag pas als een andere school de leerling heeft toegelaten, "
    "of als het bestuur %(weeks)s weken aantoonbaar naar een school heeft gezocht (tot en "
    "met %(end)s, met ten minste één vastgelegde poging)."
)
RULE_DEREGISTER = gettext_noop(
    "Uitschrijven mag pas als de nieuwe school heeft laten weten dat de leerling daar is "
    "ingeschreven."
)
RULE_HE_HEARD = gettext_noop("Het College van Bestuur besluit pas nadat de student is gehoord.")
RULE_ACCESS_DENIAL_LENGTH = gettext_noop(
    "Een ontzegging van de toegang duurt hoogstens %(months)s maanden (tot en met %(last)s)."
)


# --- time-out and suspension --------------------------------------------------------------


def school_days(calendar: SchoolCalendar, start: dt.date, end: dt.date) -> int:
    return calendar.school_days_between(start, end)


def check_period(
    kind: str,
    start: dt.date,
    end: dt.date,
    *,
    rules: MeasureRules,
    calendar: SchoolCalendar,
    today: dt.date,
) -> list[Refusal]:
    """The period of a new time-out or suspension (or an access denial)."""
    out: list[Refusal] = []
    if kind in HIGHER_EDUCATION_KINDS and not rules.higher_education:
        return [_msg("kind", RULE_NOT_IN_SECTOR_SCHOOL)]
    if kind in SCHOOL_KINDS and rules.higher_education:
        return [_msg("kind", RULE_NOT_IN_SECTOR_HE)]
    if end < start:
        return [_msg("end", RULE_END_BEFORE_START)]
    if kind == ACCESS_DENIAL:
        last = add_months(start, rules.access_denial_max_months) - dt.timedelta(days=1)
        if end > last:
            out.append(
                _msg(
                    "end",
                    RULE_ACCESS_DENIAL_LENGTH,
                    months=rules.access_denial_max_months,
                    last=last,
                )
            )
        return out
    if kind not in (TIME_OUT, SUSPENSION):
        return out
    reason = calendar.closed_reason(start)
    if reason is not None:
        out.append(_msg("start", RULE_NO_SCHOOL_DAY, day=start, reason=(reason,)))
        return out
    days = calendar.school_days_between(start, end)
    if kind == TIME_OUT and not (today <= start <= calendar.end_of_week(today)):
        out.append(_msg("start", RULE_TIME_OUT_NOW))
    if kind == TIME_OUT:
        if days > rules.time_out_max_school_days:
            out.append(
                _msg("end", RULE_TIME_OUT_DAYS, max=rules.time_out_max_school_days, days=days)
            )
        week_end = calendar.end_of_week(start)
        if end > week_end and days <= rules.time_out_max_school_days:
            out.append(_msg("end", RULE_TIME_OUT_WEEK, end=week_end))
    else:
        if days > rules.suspension_max_school_days:
            out.append(
                _msg("end", RULE_SUSPENSION_DAYS, max=rules.suspension_max_school_days, days=days)
            )
        if start <= today:
            out.append(_msg("start", RULE_SUSPENSION_START_PAST))
    return out


def check_suspension_approval(start: dt.date, approved_on: dt.date) -> list[Refusal]:
    """The board approves before the start date (at the latest the day before)."""
    last = start - dt.timedelta(days=1)
    if approved_on > last:
        return [_msg("approval", RULE_SUSPENSION_APPROVAL, start=start, last=last)]
    return []


def check_time_out_approval(start: dt.date, approved_on: dt.date) -> list[Refusal]:
    """The director's permission comes before the time-out or on its first day."""
    if approved_on > start:
        return [_msg("approval", RULE_TIME_OUT_APPROVAL_LATE, start=start)]
    return []


def check_neighbours(
    kind: str,
    start: dt.date,
    end: dt.date,
    others: list[tuple[dt.date, dt.date]],
    *,
    rules: MeasureRules,
    calendar: SchoolCalendar,
) -> list[Refusal]:
    """A time-out or suspension that overlaps another of the same kind for the pupil, or
    that joins on to others (no school day between them) so that together they run longer
    than the rule allows — the limit cannot be stretched by splitting a measure."""
    if kind not in (TIME_OUT, SUSPENSION):
        return []
    for first, last in others:
        if first <= end and start <= last:
            return [_msg("start", RULE_OVERLAP, first=first, last=last)]
    maximum = (
        rules.time_out_max_school_days if kind == TIME_OUT else rules.suspension_max_school_days
    )
    chain_first, chain_last = start, end
    changed = True
    while changed:
        changed = False
        for first, last in others:
            joins_before = calendar.next_school_day(last + dt.timedelta(days=1)) == (
                calendar.next_school_day(chain_first)
            )
            joins_after = calendar.next_school_day(chain_last + dt.timedelta(days=1)) == (
                calendar.next_school_day(first)
            )
            if joins_before and first < chain_first:
                chain_first, changed = first, True
            if joins_after and last > chain_last:
                chain_last, changed = last, True
    total = calendar.school_days_between(chain_first, chain_last)
    if (chain_first, chain_last) != (start, end) and total > maximum:
        return [_msg("end", RULE_CHAINED, days=total, max=maximum)]
    return []


def check_time_out_start(approved: bool) -> list[Refusal]:
    return [] if approved else [_msg("approval", RULE_TIME_OUT_APPROVAL)]


# --- expulsion ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hearings:
    teacher_heard: bool
    parents_heard: bool
    pupil_heard: bool
    pupil_age: int
    educational_report: bool


def check_expulsion_decision(hearings: Hearings, rules: MeasureRules) -> list[Refusal]:
    """Before the board decides to expel: the report and the hearings."""
    missing: list[str] = []
    if not hearings.teacher_heard:
        missing.append(gettext_noop("de leerkracht"))
    if not hearings.parents_heard:
        missing.append(gettext_noop("de ouders"))
    if rules.pupil_is_heard(hearings.pupil_age) and not hearings.pupil_heard:
        missing.append(gettext_noop("de leerling"))
    out: list[Refusal] = []
    if not hearings.educational_report:
        out.append(_msg("educational_report", RULE_EXPULSION_REPORT))
    if missing:
        out.append(
            _msg(
                "hearings",
                RULE_EXPULSION_HEARINGS,
                age=rules.pupil_heard_from_age,
                missing=tuple(missing),
            )
        )
    return out


def check_expulsion_final(
    *,
    accepted: bool,
    search_ends_on: dt.date | None,
    attempts: int,
    today: dt.date,
    rules: MeasureRules,
) -> list[Refusal]:
    """Final expulsion: another school accepted the pupil, or — where the sector allows
    it — the search period is over with at least one recorded attempt."""
    if accepted:
        return []
    if (
        rules.final_expulsion_after_search
        and search_ends_on is not None
        and today > search_ends_on
        and attempts > 0
    ):
        return []
    if rules.final_expulsion_after_search and search_ends_on is not None:
        return [
            _msg(
                "final",
                RULE_EXPULSION_FINAL_OR,
                weeks=rules.expulsion_search_weeks,
                end=search_ends_on,
            )
        ]
    return [_msg("final", RULE_EXPULSION_FINAL)]


def check_deregistration(enrolment_notice: bool) -> list[Refusal]:
    return [] if enrolment_notice else [_msg("deregistered", RULE_DEREGISTER)]


def check_student_heard(heard: bool) -> list[Refusal]:
    return [] if heard else [_msg("heard", RULE_HE_HEARD)]


# --- deadlines ----------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has a 28th


def inspectie_report_due(start: dt.date, days: int, rules: MeasureRules) -> dt.date | None:
    """A suspension longer than the sector's limit is reported when it starts."""
    return start if rules.needs_inspectie_report(days) else None


def appeal_decision_due(lodged_on: dt.date, rules: MeasureRules) -> dt.date:
    return lodged_on + dt.timedelta(days=rules.appeal_decision_days)


def search_ends_on(decided_on: dt.date, rules: MeasureRules) -> dt.date:
    return decided_on + dt.timedelta(weeks=rules.expulsion_search_weeks)


def objection_deadline(decided_on: dt.date, rules: MeasureRules) -> dt.date:
    return decided_on + dt.timedelta(weeks=rules.objection_weeks)


def objection_decision_due(received_on: dt.date, rules: MeasureRules) -> dt.date:
    return received_on + dt.timedelta(weeks=rules.objection_decision_weeks)


def first_evaluation(start: dt.date, rules: MeasureRules) -> dt.date:
    return start + dt.timedelta(days=rules.extra_rules_first_evaluation_days)


def next_evaluation(held_on: dt.date, rules: MeasureRules) -> dt.date:
    return add_months(held_on, rules.extra_rules_evaluation_interval_months)
