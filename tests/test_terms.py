"""The correction term, table-driven.

Rule (domain.md, module 1): parents may ask to correct factually wrong, incomplete or
irrelevant data; the school answers in writing within 4 weeks; a refusal gives reasons;
the GDPR maximum is one month.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vangnet.lib import terms

D = dt.date

DUE = [
    # (why, received, due)
    ("an ordinary day", D(2025, 3, 10), D(2025, 4, 7)),
    ("across a 31-day month end", D(2025, 1, 20), D(2025, 2, 17)),
    ("the 31st of January, no leap year", D(2025, 1, 31), D(2025, 2, 28)),
    ("the 31st of January, leap year", D(2024, 1, 31), D(2024, 2, 28)),
    ("1 February, no leap year: runs into March", D(2023, 2, 1), D(2023, 3, 1)),
    ("1 February, leap year: stays in February", D(2024, 2, 1), D(2024, 2, 29)),
    ("29 February itself", D(2024, 2, 29), D(2024, 3, 28)),
    ("28 February, leap year", D(2024, 2, 28), D(2024, 3, 27)),
    ("28 February, no leap year", D(2025, 2, 28), D(2025, 3, 28)),
    ("across the turn of the year", D(2025, 12, 15), D(2026, 1, 12)),
    ("New Year's Eve", D(2025, 12, 31), D(2026, 1, 28)),
    ("a century that is no leap year", D(2100, 2, 1), D(2100, 3, 1)),
    ("a century that is a leap year", D(2000, 2, 1), D(2000, 2, 29)),
]


@pytest.mark.parametrize(("why", "received", "due"), DUE, ids=[c[0] for c in DUE])
def test_due_date(why, received, due):
    assert terms.correction_due_on(received) == due


GDPR = [
    ("same day next month", D(2025, 3, 10), D(2025, 4, 10)),
    ("31 January -> last day of February", D(2025, 1, 31), D(2025, 2, 28)),
    ("31 January in a leap year", D(2024, 1, 31), D(2024, 2, 29)),
    ("31 March -> 30 April", D(2025, 3, 31), D(2025, 4, 30)),
    ("December -> January next year", D(2025, 12, 31), D(2026, 1, 31)),
]


@pytest.mark.parametrize(("why", "received", "latest"), GDPR, ids=[c[0] for c in GDPR])
def test_gdpr_month(why, received, latest):
    assert terms.gdpr_latest(received) == latest


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2200, 12, 31)))
def test_four_weeks_never_exceed_the_gdpr_month(received):
    due = terms.correction_due_on(received)
    assert received < due <= terms.gdpr_latest(received)
    assert due.weekday() == received.weekday()


OVERDUE = [
    ("open, due tomorrow", D(2025, 4, 8), D(2025, 4, 7), False, False),
    ("open, due today: not yet late", D(2025, 4, 7), D(2025, 4, 7), False, False),
    ("open, due yesterday: late", D(2025, 4, 6), D(2025, 4, 7), False, True),
    ("decided after the term: not open, so not overdue", D(2025, 4, 6), D(2025, 4, 7), True, False),
]


@pytest.mark.parametrize(
    ("why", "due", "today", "decided", "late"), OVERDUE, ids=[c[0] for c in OVERDUE]
)
def test_overdue(why, due, today, decided, late):
    assert terms.is_overdue(due, today, decided=decided) is late


def test_days_left():
    assert terms.days_left(D(2025, 4, 7), D(2025, 4, 1)) == 6
    assert terms.days_left(D(2025, 4, 7), D(2025, 4, 9)) == -2
