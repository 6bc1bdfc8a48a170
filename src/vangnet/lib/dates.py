"""School-year arithmetic (no Django imports)."""

from __future__ import annotations

import datetime as dt

# Dutch school years run from 1 August to 31 July.
SCHOOL_YEAR_START_MONTH = 8


def school_year_of(day: dt.date) -> str:
    """The school year a day falls in, written '2026-2027'."""
    first = day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1
    return f"{first}-{first + 1}"


def school_year_bounds(year: str) -> tuple[dt.date, dt.date]:
    """First and last day of a school year written '2026-2027'."""
    first, second = (int(part) for part in year.split("-"))
    if second != first + 1:
        raise ValueError(f"{year!r} is not a school year like 2026-2027")
    return dt.date(first, SCHOOL_YEAR_START_MONTH, 1), dt.date(
        second, SCHOOL_YEAR_START_MONTH, 1
    ) - dt.timedelta(days=1)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years of age on a given day."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
