"""Demo school holidays: the pattern of region Midden for this school year and the next.

Computed from today's date, so the demo keeps a filled calendar in later years. The dates
follow the usual shape of the national holiday schedule rather than any one year's
official list (regions rotate, and a board may shift a week):

* Herfstvakantie: Saturday before ISO week 43 up to its Sunday (9 days);
* Kerstvakantie: two weeks from the Saturday between 19 and 25 December;
* Voorjaarsvakantie: Saturday before ISO week 8 up to its Sunday;
* Meivakantie: Saturday before ISO week 17 up to the Sunday of week 18 (two weeks, with
  Koningsdag inside);
* Zomervakantie: six weeks from the first Saturday on or after 12 July.

Public holidays (Tweede Paasdag, Hemelvaartsdag, …) are not entered: the calendar knows
them (:mod:`vangnet.lib.schooldays`).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from vangnet.core.audit import Actor, record
from vangnet.core.models import EventType
from vangnet.lib.dates import school_year_of
from vangnet.organisations.models import Board, SchoolHoliday

SATURDAY = 5


def _week(year: int, week: int) -> tuple[dt.date, dt.date]:
    """Saturday before an ISO week up to its Sunday."""
    monday = dt.date.fromisocalendar(year, week, 1)
    return monday - dt.timedelta(days=2), monday + dt.timedelta(days=6)


def _saturday_from(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(SATURDAY - day.weekday()) % 7)


def school_year_holidays(first_year: int) -> list[tuple[str, dt.date, dt.date]]:
    """The holidays of school year ``first_year``-``first_year + 1`` (region Midden)."""
    christmas = _saturday_from(dt.date(first_year, 12, 19))
    may_first, _ = _week(first_year + 1, 17)
    _, may_last = _week(first_year + 1, 18)
    summer = _saturday_from(dt.date(first_year + 1, 7, 12))
    return [
        ("Herfstvakantie", *_week(first_year, 43)),
        ("Kerstvakantie", christmas, christmas + dt.timedelta(days=15)),
        ("Voorjaarsvakantie", *_week(first_year + 1, 8)),
        ("Meivakantie", may_first, may_last),
        ("Zomervakantie", summer, summer + dt.timedelta(days=43)),
    ]


def add_holidays(board: Board, today: dt.date | None = None) -> int:
    """Enter the holidays of the current and the next school year for every school of
    ``board``; rows that are already there are kept. Returns how many were added."""
    today = today or timezone.localdate()
    current = int(school_year_of(today)[:4])
    added: list[dict[str, str]] = []
    with transaction.atomic():
        for first_year in (current, current + 1):
            for name, first, last in school_year_holidays(first_year):
                _row, created = SchoolHoliday.objects.get_or_create(
                    board=board, school=None, name=name, first_day=first, last_day=last
                )
                if created:
                    added.append(
                        {"name": name, "first_day": first.isoformat(), "last_day": last.isoformat()}
                    )
        if added:
            record(
                Actor.system("demo"),
                EventType.CALENDAR_CHANGED,
                board_id=board.pk,
                object_type="board",
                object_id=str(board.pk),
                data={"demo_holidays": added},
            )
    return len(added)
