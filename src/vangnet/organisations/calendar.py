"""A school's holiday calendar and measure terms, read from the board's settings.

Neither read is personal data: holidays and terms are the board's organisation data, so
no access check or audit event is needed to compute a deadline with them. The pure
arithmetic lives in :mod:`vangnet.lib.schooldays` and :mod:`vangnet.lib.measure_rules`;
the board page that changes them is :mod:`vangnet.organisations.calendar_views`.
"""

from __future__ import annotations

from django.db.models import Q

from vangnet.lib.measure_rules import MeasureRules, check_overrides, defaults, with_overrides
from vangnet.lib.schooldays import ClosedPeriod, SchoolCalendar
from vangnet.organisations.models import MeasureRuleOverride, School, SchoolHoliday


def calendar_for(school: School) -> SchoolCalendar:
    """Weekends, public holidays and the closed periods of the school's board that hold
    for every school of the board or for this school."""
    rows = (
        SchoolHoliday.objects.filter(board_id=school.board_id)
        .filter(Q(school__isnull=True) | Q(school_id=school.pk))
        .values_list("first_day", "last_day", "name")
    )
    return SchoolCalendar(ClosedPeriod(first, last, name) for first, last, name in rows)


def board_rules(board_id: int, sector: str) -> MeasureRules:
    """The terms of ``sector`` at a board: the defaults with the board's own values.

    A stored value that is no longer allowed (the bounds became stricter after it was
    saved) is left out, so the sector's default applies instead of a wrong term.
    """
    rules = defaults(sector)
    if not rules.configurable:
        return rules
    stored = (
        MeasureRuleOverride.objects.filter(board_id=board_id, sector=sector)
        .values_list("values", flat=True)
        .first()
    )
    if not stored:
        return rules
    wrong = check_overrides(rules, stored)
    return with_overrides(rules, {k: v for k, v in stored.items() if k not in wrong})


def rules_for(school: School) -> MeasureRules:
    """The terms that hold for a school (its own sector, its board's values)."""
    return board_rules(school.board_id, school.sector)
