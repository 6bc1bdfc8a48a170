"""Legal and agreed terms of the dossier (no Django imports).

Correction of the dossier (docs/domain.md, module 1 and module 12):

    Parents may ask the school to correct data in the dossier that is factually wrong,
    incomplete or irrelevant. The school answers in writing within 4 weeks of receiving
    the request; a refusal gives its reasons. The GDPR allows at most one month.

Four weeks are counted as 28 calendar days from the day the request was received, so the
term does not depend on the length of the month and always ends on the same weekday as
it started. Twenty-eight days never exceed the GDPR's one month (the shortest month has
28 days); :func:`gdpr_latest` gives that outer limit for comparison.
"""

from __future__ import annotations

import calendar
import datetime as dt

CORRECTION_TERM_DAYS = 28


def correction_due_on(received_on: dt.date) -> dt.date:
    """The last day on which the school must answer a correction request in writing."""
    return received_on + dt.timedelta(days=CORRECTION_TERM_DAYS)


def gdpr_latest(received_on: dt.date) -> dt.date:
    """One calendar month after receipt (the GDPR maximum): the same day number in the
    next month, or that month's last day when it is shorter (31 January -> 28/29 February)."""
    year = received_on.year + (1 if received_on.month == 12 else 0)
    month = 1 if received_on.month == 12 else received_on.month + 1
    day = min(received_on.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def is_overdue(due_on: dt.date, today: dt.date, *, decided: bool) -> bool:
    """An open request is overdue from the day after its due date."""
    return not decided and due_on < today


def days_left(due_on: dt.date, today: dt.date) -> int:
    """Days until the due date; negative once it has passed."""
    return (due_on - today).days
