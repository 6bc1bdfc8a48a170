"""School days: weekends, Dutch public holidays and a school's own closed periods (no
Django imports).

Issue 6 (measures) counts a time-out and a suspension in *school days*: "the software
counts school days with the school's holiday calendar" and "dates on weekends and
holidays are handled by the calendar". A :class:`SchoolCalendar` knows three kinds of
days a school is closed:

1. Saturdays and Sundays;
2. the public holidays of :func:`public_holidays` (see below);
3. the closed periods the board enters: school holidays (*vakanties*), study days, a
   closure on Goede Vrijdag — each with a name, a first and a last day.

The public holidays a school is closed on
-----------------------------------------
* Nieuwjaarsdag, 1 January;
* Tweede Paasdag, the Monday after Easter;
* Koningsdag, 27 April — on 26 April when the 27th is a Sunday (the rule since 2014);
* Bevrijdingsdag, 5 May, only in lustrum years (2025, 2030, …): in other years it is no
  general day off and schools decide for themselves;
* Hemelvaartsdag, 39 days after Easter (a Thursday);
* Tweede Pinksterdag, 50 days after Easter (a Monday);
* Eerste and Tweede Kerstdag, 25 and 26 December.

Goede Vrijdag is *not* automatic: some schools close, many do not. A school that closes
enters it as a closed period (:func:`good_friday` gives the date). Eerste Paasdag and
Eerste Pinksterdag fall on a Sunday and are closed as weekend days. Easter is computed
with the Gregorian computus (the "anonymous" algorithm of Meeus, Jones and Butcher), so
no calendar library is needed. The Koningsdag rule holds from 2014; earlier years raise
:class:`ValueError` rather than give a wrong date.

Labels are Dutch source strings marked with :func:`gettext_noop`; Django code translates
them when it shows them (``gettext(label)``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

# The first year the Koningsdag rule (27 April, 26 on a Sunday) applies.
MIN_YEAR = 2014
SATURDAY = 5
ONE_DAY = dt.timedelta(days=1)


def gettext_noop(message: str) -> str:
    """Marks a string for translation without translating it (Django-free)."""
    return message


WEEKEND = gettext_noop("weekend")
NEW_YEAR = gettext_noop("Nieuwjaarsdag")
EASTER_MONDAY = gettext_noop("Tweede Paasdag")
KINGS_DAY = gettext_noop("Koningsdag")
LIBERATION_DAY = gettext_noop("Bevrijdingsdag")
ASCENSION_DAY = gettext_noop("Hemelvaartsdag")
WHIT_MONDAY = gettext_noop("Tweede Pinksterdag")
CHRISTMAS = gettext_noop("Eerste Kerstdag")
BOXING_DAY = gettext_noop("Tweede Kerstdag")
GOOD_FRIDAY = gettext_noop("Goede Vrijdag")
# A closed period entered without a name.
CLOSED = gettext_noop("vrije dag")


class Holiday(NamedTuple):
    day: dt.date
    name: str


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday in the Gregorian calendar (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def good_friday(year: int) -> dt.date:
    """Goede Vrijdag: two days before Easter. Not closed automatically (see above)."""
    return easter_sunday(year) - dt.timedelta(days=2)


def kings_day(year: int) -> dt.date:
    """Koningsdag: 27 April, or 26 April when the 27th is a Sunday."""
    _check_year(year)
    day = dt.date(year, 4, 27)
    return day - ONE_DAY if day.weekday() == 6 else day


def is_lustrum(year: int) -> bool:
    """Bevrijdingsdag is a general day off once every five years (2025, 2030, …)."""
    return year % 5 == 0


@functools.lru_cache(maxsize=64)
def public_holidays(year: int) -> tuple[Holiday, ...]:
    """The public holidays a school is closed on in ``year``, in date order."""
    _check_year(year)
    easter = easter_sunday(year)
    days = [
        Holiday(dt.date(year, 1, 1), NEW_YEAR),
        Holiday(easter + dt.timedelta(days=1), EASTER_MONDAY),
        Holiday(kings_day(year), KINGS_DAY),
        Holiday(easter + dt.timedelta(days=39), ASCENSION_DAY),
        Holiday(easter + dt.timedelta(days=50), WHIT_MONDAY),
        Holiday(dt.date(year, 12, 25), CHRISTMAS),
        Holiday(dt.date(year, 12, 26), BOXING_DAY),
    ]
    if is_lustrum(year):
        days.append(Holiday(dt.date(year, 5, 5), LIBERATION_DAY))
    return tuple(sorted(days))


def _check_year(year: int) -> None:
    if year < MIN_YEAR:
        raise ValueError(f"public holidays are computed from {MIN_YEAR} on, not for {year}")


@dataclass(frozen=True)
class ClosedPeriod:
    """Days the school is closed, first and last day included (a holiday, a study day)."""

    first: dt.date
    last: dt.date
    name: str = ""

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"closed period {self.name!r} ends before it starts")

    def days(self) -> Iterator[dt.date]:
        day = self.first
        while day <= self.last:
            yield day
            day += ONE_DAY


def _weekdays_between(first: dt.date, last: dt.date) -> int:
    """Mondays to Fridays from ``first`` to ``last`` inclusive (0 when last < first)."""
    if last < first:
        return 0
    span = (last - first).days + 1
    weeks, rest = divmod(span, 7)
    count = weeks * 5
    day = first.weekday()
    for offset in range(rest):
        if (day + offset) % 7 < SATURDAY:
            count += 1
    return count


class SchoolCalendar:
    """The school days of one school: weekdays that are neither a public holiday (unless
    ``public_holidays=False``) nor inside one of ``periods``.

    When a day is closed for more than one reason, :meth:`closed_reason` names the
    public holiday first, then the closed period (the first by start date when periods
    overlap), then the weekend.
    """

    def __init__(
        self, periods: Iterable[ClosedPeriod] = (), *, public_holidays: bool = True
    ) -> None:
        self.periods = tuple(sorted(periods, key=lambda p: (p.first, p.last, p.name)))
        self.public_holidays = public_holidays
        self._period_days: dict[dt.date, str] = {}
        for period in self.periods:
            label = period.name or CLOSED
            for day in period.days():
                self._period_days.setdefault(day, label)
        self._closed_weekdays: dict[int, list[dt.date]] = {}

    # --- single days ------------------------------------------------------------------

    def _holiday(self, day: dt.date) -> str | None:
        if not self.public_holidays:
            return None
        for holiday in public_holidays(day.year):
            if holiday.day == day:
                return holiday.name
        return None

    def closed_reason(self, day: dt.date) -> str | None:
        """Why the school is closed on ``day`` (a Dutch label), or None on a school day."""
        return (
            self._holiday(day)
            or self._period_days.get(day)
            or (WEEKEND if day.weekday() >= SATURDAY else None)
        )

    def is_school_day(self, day: dt.date) -> bool:
        return self.closed_reason(day) is None

    def next_school_day(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a school day, else the first school day after it."""
        while not self.is_school_day(day):
            day += ONE_DAY
        return day

    # --- spans --------------------------------------------------------------------------

    def add_school_days(self, start: dt.date, n: int) -> dt.date:
        """The last day of a span of ``n`` school days that begins on the first school day
        on or after ``start`` (``n = 1`` gives that first school day)."""
        if n < 1:
            raise ValueError("a span has at least one school day")
        day = self.next_school_day(start)
        for _ in range(n - 1):
            day = self.next_school_day(day + ONE_DAY)
        return day

    def school_days(self, first: dt.date, last: dt.date) -> Iterator[dt.date]:
        """The school days from ``first`` to ``last`` inclusive, in order."""
        day = first
        while day <= last:
            if self.is_school_day(day):
                yield day
            day += ONE_DAY

    def school_days_between(self, first: dt.date, last: dt.date) -> int:
        """How many school days lie from ``first`` to ``last``, both included (0 when
        ``last`` is before ``first``)."""
        if last < first:
            return 0
        closed = 0
        for year in range(first.year, last.year + 1):
            days = self._closed_weekdays_in(year)
            closed += bisect.bisect_right(days, last) - bisect.bisect_left(days, first)
        return _weekdays_between(first, last) - closed

    def _closed_weekdays_in(self, year: int) -> list[dt.date]:
        """The weekdays of ``year`` closed by a public holiday or a period, sorted."""
        cached = self._closed_weekdays.get(year)
        if cached is None:
            days = {d for d in self._period_days if d.year == year and d.weekday() < SATURDAY}
            if self.public_holidays:
                days |= {h.day for h in public_holidays(year) if h.day.weekday() < SATURDAY}
            cached = self._closed_weekdays[year] = sorted(days)
        return cached

    def end_of_week(self, day: dt.date) -> dt.date:
        """The last school day of the week (Monday to Sunday) of the first school day on or
        after ``day``: the end of a time-out "up to the end of the week". Never before
        ``day``; when the rest of ``day``'s week is closed, the next week with a school day
        counts."""
        first = self.next_school_day(day)
        candidate = first + dt.timedelta(days=4 - first.weekday())  # that week's Friday
        while not self.is_school_day(candidate):
            candidate -= ONE_DAY
        return candidate
