"""School-day arithmetic with weekends, public holidays and a school's closed periods.

Issue 6: "the software counts school days with the school's holiday calendar"; "Dates on
weekends and holidays are handled by the calendar"; "School-day arithmetic with holidays
(property-based)". The public holidays are table-driven for 2025-2028, each with the rule
it follows; the arithmetic is property-tested over random calendars.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vangnet.lib import schooldays
from vangnet.lib.schooldays import ClosedPeriod, SchoolCalendar

D = dt.date

# --- the public holidays, quoted rule by rule ---------------------------------------------

HOLIDAYS = [
    # (rule, year, date or None when the rule gives no closed day that year)
    ("Nieuwjaarsdag: 1 January", 2025, D(2025, 1, 1)),
    ("Nieuwjaarsdag: 1 January", 2028, D(2028, 1, 1)),
    ("Tweede Paasdag: Monday after Easter (Easter 20 April 2025)", 2025, D(2025, 4, 21)),
    ("Tweede Paasdag: Monday after Easter (Easter 5 April 2026)", 2026, D(2026, 4, 6)),
    ("Tweede Paasdag: Monday after Easter (Easter 28 March 2027)", 2027, D(2027, 3, 29)),
    ("Tweede Paasdag: Monday after Easter (Easter 16 April 2028)", 2028, D(2028, 4, 17)),
    ("Koningsdag: 27 April is a Sunday in 2025, so 26 April", 2025, D(2025, 4, 26)),
    ("Koningsdag: 27 April (a Monday)", 2026, D(2026, 4, 27)),
    ("Koningsdag: 27 April (a Tuesday)", 2027, D(2027, 4, 27)),
    ("Koningsdag: 27 April (a Thursday)", 2028, D(2028, 4, 27)),
    ("Bevrijdingsdag: 5 May in a lustrum year", 2025, D(2025, 5, 5)),
    ("Hemelvaartsdag: 39 days after Easter", 2025, D(2025, 5, 29)),
    ("Hemelvaartsdag: 39 days after Easter", 2026, D(2026, 5, 14)),
    ("Hemelvaartsdag: 39 days after Easter", 2027, D(2027, 5, 6)),
    ("Hemelvaartsdag: 39 days after Easter", 2028, D(2028, 5, 25)),
    ("Tweede Pinksterdag: 50 days after Easter", 2025, D(2025, 6, 9)),
    ("Tweede Pinksterdag: 50 days after Easter", 2026, D(2026, 5, 25)),
    ("Tweede Pinksterdag: 50 days after Easter", 2027, D(2027, 5, 17)),
    ("Tweede Pinksterdag: 50 days after Easter", 2028, D(2028, 6, 5)),
    ("Eerste Kerstdag: 25 December", 2026, D(2026, 12, 25)),
    ("Tweede Kerstdag: 26 December", 2027, D(2027, 12, 26)),
]


@pytest.mark.parametrize(
    ("rule", "year", "day"), HOLIDAYS, ids=[f"{h[1]}-{h[0]}" for h in HOLIDAYS]
)
def test_public_holiday(rule: str, year: int, day: dt.date) -> None:
    days = {h.day for h in schooldays.public_holidays(year)}
    assert day in days
    assert SchoolCalendar().closed_reason(day) == rule.split(":")[0]


@pytest.mark.parametrize("year", [2026, 2027, 2028, 2029])
def test_bevrijdingsdag_only_in_lustrum_years(year: int) -> None:
    """5 May is a general day off once every five years; in other years it is a school day
    unless it falls on a weekend or inside a holiday."""
    assert D(year, 5, 5) not in {h.day for h in schooldays.public_holidays(year)}
    assert schooldays.is_lustrum(2030) and not schooldays.is_lustrum(year)


def test_number_of_holidays_2025_to_2028() -> None:
    """Eight rules, Bevrijdingsdag only in 2025."""
    assert [len(schooldays.public_holidays(y)) for y in range(2025, 2029)] == [8, 7, 7, 7]


@pytest.mark.parametrize(
    ("year", "good_friday"),
    [(2025, D(2025, 4, 18)), (2026, D(2026, 4, 3)), (2027, D(2027, 3, 26)), (2028, D(2028, 4, 14))],
)
def test_goede_vrijdag_is_not_automatic(year: int, good_friday: dt.date) -> None:
    """Schools differ: Goede Vrijdag is a school day unless the board enters it."""
    assert schooldays.good_friday(year) == good_friday
    assert SchoolCalendar().is_school_day(good_friday)
    closed = SchoolCalendar([ClosedPeriod(good_friday, good_friday, "Goede Vrijdag")])
    assert closed.closed_reason(good_friday) == "Goede Vrijdag"


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2000, D(2000, 4, 23)),
        (2008, D(2008, 3, 23)),  # early
        (2011, D(2011, 4, 24)),
        (2038, D(2038, 4, 25)),  # the latest possible date
        (2285, D(2285, 3, 22)),  # the earliest possible date
    ],
)
def test_easter_gregorian(year: int, easter: dt.date) -> None:
    assert schooldays.easter_sunday(year) == easter


@given(st.integers(min_value=1583, max_value=4000))
def test_easter_is_a_sunday_between_22_march_and_25_april(year: int) -> None:
    easter = schooldays.easter_sunday(year)
    assert easter.weekday() == 6
    assert D(year, 3, 22) <= easter <= D(year, 4, 25)


def test_years_before_the_koningsdag_rule_are_refused() -> None:
    with pytest.raises(ValueError, match="2014"):
        schooldays.public_holidays(2013)
    assert SchoolCalendar(public_holidays=False).is_school_day(D(2013, 4, 30))


# --- a calendar with closed periods -------------------------------------------------------

AUTUMN = ClosedPeriod(D(2026, 10, 17), D(2026, 10, 25), "Herfstvakantie")
CHRISTMAS = ClosedPeriod(D(2026, 12, 19), D(2027, 1, 3), "Kerstvakantie")
STUDY_DAY = ClosedPeriod(D(2026, 11, 11), D(2026, 11, 11))


def test_closed_reason_names_what_closes_the_day() -> None:
    cal = SchoolCalendar([AUTUMN, CHRISTMAS, STUDY_DAY])
    assert cal.closed_reason(D(2026, 11, 10)) is None  # a Tuesday
    assert cal.closed_reason(D(2026, 11, 14)) == "weekend"
    assert cal.closed_reason(D(2026, 10, 20)) == "Herfstvakantie"
    assert cal.closed_reason(D(2026, 11, 11)) == "vrije dag"  # entered without a name
    # a public holiday inside a holiday period is named as the public holiday
    assert cal.closed_reason(D(2026, 12, 25)) == "Eerste Kerstdag"
    assert cal.closed_reason(D(2027, 1, 1)) == "Nieuwjaarsdag"
    assert cal.closed_reason(D(2026, 12, 28)) == "Kerstvakantie"


def test_a_suspension_of_five_school_days_over_a_holiday() -> None:
    """Thursday 15 October 2026, five school days: Thu, Fri, then the autumn holiday, then
    Mon, Tue, Wed: it ends on Wednesday 28 October."""
    cal = SchoolCalendar([AUTUMN])
    assert cal.add_school_days(D(2026, 10, 15), 5) == D(2026, 10, 28)
    assert cal.school_days_between(D(2026, 10, 15), D(2026, 10, 28)) == 5


def test_a_start_on_a_closed_day_moves_to_the_next_school_day() -> None:
    cal = SchoolCalendar([AUTUMN])
    assert cal.next_school_day(D(2026, 10, 18)) == D(2026, 10, 26)
    assert cal.add_school_days(D(2026, 10, 18), 1) == D(2026, 10, 26)
    assert cal.next_school_day(D(2026, 10, 26)) == D(2026, 10, 26)


def test_koningsdag_and_ascension_in_a_school_week() -> None:
    cal = SchoolCalendar()
    # Monday 26 April 2027 to Friday 30 April: Tuesday 27 is Koningsdag
    assert cal.school_days_between(D(2027, 4, 26), D(2027, 4, 30)) == 4
    # Ascension Thursday 14 May 2026: a suspension from Tuesday for 3 days ends Friday
    assert cal.add_school_days(D(2026, 5, 12), 3) == D(2026, 5, 15)


def test_end_of_week() -> None:
    cal = SchoolCalendar([AUTUMN])
    assert cal.end_of_week(D(2026, 11, 10)) == D(2026, 11, 13)  # Tuesday -> Friday
    assert cal.end_of_week(D(2026, 11, 13)) == D(2026, 11, 13)  # Friday itself
    assert cal.end_of_week(D(2026, 11, 14)) == D(2026, 11, 20)  # Saturday -> next week
    # the week of Hemelvaartsdag 2026: Thursday closed, Friday open
    assert cal.end_of_week(D(2026, 5, 11)) == D(2026, 5, 15)
    # Koningsdag week 2028 ends on Friday 28 April (Thursday 27 is closed)
    assert cal.end_of_week(D(2028, 4, 26)) == D(2028, 4, 28)
    # Friday 16 October 2026, the last day before the autumn holiday
    assert cal.end_of_week(D(2026, 10, 16)) == D(2026, 10, 16)


def test_end_of_week_when_friday_is_closed() -> None:
    friday = ClosedPeriod(D(2026, 11, 13), D(2026, 11, 13), "Studiedag")
    assert SchoolCalendar([friday]).end_of_week(D(2026, 11, 9)) == D(2026, 11, 12)


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        ClosedPeriod(D(2026, 10, 25), D(2026, 10, 17), "Herfst")
    with pytest.raises(ValueError, match="at least one school day"):
        SchoolCalendar().add_school_days(D(2026, 10, 1), 0)
    assert SchoolCalendar().school_days_between(D(2026, 10, 9), D(2026, 10, 5)) == 0


# --- properties ---------------------------------------------------------------------------

DATES = st.dates(min_value=D(2014, 1, 1), max_value=D(2060, 12, 31))


@st.composite
def periods(draw: st.DrawFn) -> ClosedPeriod:
    first = draw(st.dates(min_value=D(2014, 1, 1), max_value=D(2061, 6, 30)))
    length = draw(st.integers(min_value=0, max_value=60))
    return ClosedPeriod(first, first + dt.timedelta(days=length), draw(st.sampled_from("ABC")))


CALENDARS = st.builds(
    SchoolCalendar,
    st.lists(periods(), max_size=8),
    public_holidays=st.booleans(),
)
SPANS = st.integers(min_value=1, max_value=40)


def brute_count(cal: SchoolCalendar, first: dt.date, last: dt.date) -> int:
    count, day = 0, first
    while day <= last:
        count += cal.is_school_day(day)
        day += dt.timedelta(days=1)
    return count


@settings(max_examples=200)
@given(cal=CALENDARS, start=DATES, n=SPANS)
def test_a_span_of_n_school_days_has_n_school_days(cal, start, n) -> None:
    end = cal.add_school_days(start, n)
    assert cal.school_days_between(cal.next_school_day(start), end) == n
    assert cal.school_days_between(start, end) == n  # closed days before it add nothing


@settings(max_examples=200)
@given(cal=CALENDARS, start=DATES, n=SPANS)
def test_results_are_school_days(cal, start, n) -> None:
    for day in (cal.next_school_day(start), cal.add_school_days(start, n), cal.end_of_week(start)):
        assert cal.is_school_day(day)
        assert day >= start


@settings(max_examples=200)
@given(cal=CALENDARS, start=DATES, n=SPANS, more=st.integers(min_value=0, max_value=20))
def test_more_days_never_end_earlier(cal, start, n, more) -> None:
    assert cal.add_school_days(start, n + more) >= cal.add_school_days(start, n)
    if more:
        assert cal.add_school_days(start, n + more) > cal.add_school_days(start, n)


@settings(max_examples=200)
@given(
    cal=CALENDARS, start=DATES, later=st.dates(min_value=D(2014, 1, 1), max_value=D(2060, 12, 31))
)
def test_a_later_start_never_ends_earlier(cal, start, later) -> None:
    first, second = sorted((start, later))
    assert cal.add_school_days(second, 3) >= cal.add_school_days(first, 3)


@settings(max_examples=200)
@given(cal=CALENDARS, first=DATES, days=st.integers(min_value=-3, max_value=400))
def test_counting_agrees_with_walking_day_by_day(cal, first, days) -> None:
    last = first + dt.timedelta(days=days)
    assert cal.school_days_between(first, last) == brute_count(cal, first, last)
    assert list(cal.school_days(first, last)) == [
        first + dt.timedelta(days=i)
        for i in range(max(days + 1, 0))
        if cal.is_school_day(first + dt.timedelta(days=i))
    ]


@given(monday=DATES.map(lambda d: d - dt.timedelta(days=d.weekday())))
def test_without_closed_days_a_week_has_five_school_days(monday) -> None:
    cal = SchoolCalendar(public_holidays=False)
    assert cal.school_days_between(monday, monday + dt.timedelta(days=6)) == 5
    assert cal.add_school_days(monday, 5) == monday + dt.timedelta(days=4)
    assert cal.add_school_days(monday, 6) == monday + dt.timedelta(days=7)
    assert cal.end_of_week(monday) == monday + dt.timedelta(days=4)


@settings(max_examples=200)
@given(cal=CALENDARS, day=DATES)
def test_end_of_week_stays_in_the_week_of_the_first_school_day(cal, day) -> None:
    first = cal.next_school_day(day)
    end = cal.end_of_week(day)
    assert first <= end
    assert end.isocalendar()[:2] == first.isocalendar()[:2]
    assert 1 <= cal.school_days_between(first, end) <= 5
    # nothing open after it in that week
    friday = first + dt.timedelta(days=4 - first.weekday())
    assert cal.school_days_between(end + dt.timedelta(days=1), friday) == 0


@settings(max_examples=200)
@given(cal=CALENDARS, day=DATES)
def test_a_closed_day_has_a_reason_and_a_school_day_none(cal, day) -> None:
    reason = cal.closed_reason(day)
    assert (reason is None) == cal.is_school_day(day)
    if day.weekday() >= 5:
        assert reason is not None
