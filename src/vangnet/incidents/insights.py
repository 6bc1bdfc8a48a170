"""Counting incidents for insights: figures, never names.

Which incidents a user may *count* is wider than which they may *see*: the board counts
every incident of its schools (:func:`vangnet.core.access.insight_schools`) but opens none;
the director and care coordinator count their school's; a teacher counts only the
incidents they can see (:func:`vangnet.core.access.visible_incidents`). Every count is a
count of distinct incidents — an incident with many people involved counts once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Min, Q, QuerySet
from django.db.models.functions import ExtractIsoWeekDay, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core import access
from vangnet.core.roles import SCHOOL_WIDE_ROLES, Role
from vangnet.incidents.models import Incident
from vangnet.lib import insights as rules
from vangnet.lib.incidents import NATIONAL_CATEGORIES
from vangnet.lib.insights import suppress_small

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.organisations.models import School

__all__ = [
    "GROUPS",
    "CountRow",
    "countable_incidents",
    "countable_schools",
    "counts",
    "early_warnings",
    "filtered",
    "filtered_visible",
    "grouped",
    "monthly_by",
    "suppress_small",
]

GROUPS = ("month", "category", "location", "school", "weekday", "severity")

WEEKDAYS = {
    1: "maandag",
    2: "dinsdag",
    3: "woensdag",
    4: "donderdag",
    5: "vrijdag",
    6: "zaterdag",
    7: "zondag",
}


@dataclass(frozen=True)
class CountRow:
    """One group: ``key`` (a month "YYYY-MM", national category code, location label,
    school id, ISO weekday 1-7, severity), its count, and a label to show. Unpacks as
    ``(key, count)``, so a list of rows can go straight into :func:`suppress_small`."""

    key: str
    count: int
    label: str = ""

    def __iter__(self) -> Iterator[Any]:
        return iter((self.key, self.count))


def countable_schools(user: User) -> QuerySet[School]:
    """Schools where the user counts at least some incidents: the insight schools and the
    schools where they teach (their own visible incidents there)."""
    from vangnet.organisations.models import School

    teaching = access.scope_of(user).schools(Role.TEACHER)
    return School.objects.filter(Q(pk__in=access.insight_schools(user)) | Q(pk__in=teaching))


def countable_incidents(user: User) -> QuerySet[Incident]:
    """The incidents whose figures the user may see (see the module docstring)."""
    scope = access.scope_of(user)
    if not scope.roles:
        return Incident.objects.none()
    insight_ids = set(access.insight_schools(user).values_list("id", flat=True))
    condition = Q(school_id__in=insight_ids)
    # a teacher at a school outside their insight schools counts what they can see there
    if scope.schools(Role.TEACHER) - insight_ids:
        visible = access.visible_incidents(user).exclude(school_id__in=insight_ids)
        condition |= Q(pk__in=visible.values("pk"))
    return Incident.objects.filter(condition)


def _countable_at(user: User, school: int) -> QuerySet[Incident]:
    """:func:`countable_incidents` at one school, decided from the user's scope without
    listing every insight school (one query fewer, and no long ``IN`` list): the school's
    director or care coordinator count all of it, the board its own schools' (checked in the
    same statement), a teacher there what they can see."""
    scope = access.scope_of(user)
    if not scope.roles:
        return Incident.objects.none()
    if school in scope.schools(*SCHOOL_WIDE_ROLES):
        return Incident.objects.filter(school_id=school)
    condition = Q(school_id=school, school__board_id__in=scope.boards(Role.BOARD))
    if school in scope.schools(Role.TEACHER):
        visible = access.visible_incidents(user).filter(school_id=school)
        condition |= Q(pk__in=visible.values("pk"))
    return Incident.objects.filter(condition)


def _local_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone()
    )


def filtered(
    user: User,
    *,
    school: int | None = None,
    board: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Incident]:
    """The countable incidents, narrowed to a school/board and to dates ``date_from`` to
    ``date_to`` (both included, in the school's time zone)."""
    base = countable_incidents(user) if school is None else _countable_at(user, school)
    return _narrowed(
        base,
        school=school,
        board=board,
        date_from=date_from,
        date_to=date_to,
    )


def filtered_visible(
    user: User,
    *,
    school: int | None = None,
    board: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Incident]:
    """The incidents the user may *see* (and open), narrowed like :func:`filtered`."""
    return _narrowed(
        access.visible_incidents(user),
        school=school,
        board=board,
        date_from=date_from,
        date_to=date_to,
    )


def _narrowed(
    qs: QuerySet[Incident],
    *,
    school: int | None,
    board: int | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> QuerySet[Incident]:
    if school is not None:
        qs = qs.filter(school_id=school)
    if board is not None:
        qs = qs.filter(school__board_id=board)
    if date_from is not None:
        qs = qs.filter(occurred_at__gte=_local_start(date_from))
    if date_to is not None:
        qs = qs.filter(occurred_at__lt=_local_start(date_to + dt.timedelta(days=1)))
    return qs


def dimension(group_by: str) -> tuple[dict[str, Any], tuple[str, ...]]:
    """(annotations, value fields) grouping by one dimension."""
    tz = timezone.get_default_timezone()
    if group_by == "month":
        return {"g_month": TruncMonth("occurred_at", tzinfo=tz)}, ("g_month",)
    if group_by == "category":
        return {"g_category": F("national_code")}, ("g_category",)
    if group_by == "location":
        return {"g_location": F("location__label")}, ("g_location",)
    if group_by == "school":
        return {"g_school": F("school_id"), "g_school_name": F("school__name")}, (
            "g_school",
            "g_school_name",
        )
    if group_by == "weekday":
        return {"g_weekday": ExtractIsoWeekDay("occurred_at", tzinfo=tz)}, ("g_weekday",)
    if group_by == "severity":
        return {"g_severity": F("severity")}, ("g_severity",)
    raise ValueError(f"unknown group_by {group_by!r}; one of {', '.join(GROUPS)}")


def row_key(group_by: str, row: dict[str, Any]) -> tuple[str, str]:
    """(key, label) of one grouped row."""
    if group_by == "month":
        value = row["g_month"]
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value, timezone.get_default_timezone())
        key = rules.month_key(value)
        return key, key
    if group_by == "category":
        code = row["g_category"]
        return code, _(dict(NATIONAL_CATEGORIES).get(code, code))
    if group_by == "location":
        return row["g_location"], row["g_location"]
    if group_by == "school":
        return str(row["g_school"]), row["g_school_name"]
    if group_by == "weekday":
        day = int(row["g_weekday"])
        return str(day), _(WEEKDAYS[day])
    code = row["g_severity"]
    return code, str(Incident.Severity(code).label) if code in Incident.Severity else code


def grouped(qs: QuerySet[Incident], group_by: str) -> list[CountRow]:
    """Distinct incidents of ``qs`` per group, in key order (schools by name)."""
    annotations, fields = dimension(group_by)
    rows = (
        qs.annotate(**annotations)
        .values(*fields)
        .annotate(n=Count("id", distinct=True))
        .order_by(*fields)
    )
    merged: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        merged[row_key(group_by, row)] += row["n"]
    out = [CountRow(key, n, label) for (key, label), n in merged.items()]
    if group_by == "school":
        out.sort(key=lambda r: (r.label, int(r.key)))
    elif group_by == "weekday":
        out.sort(key=lambda r: int(r.key))
    elif group_by == "severity":
        order = {code: i for i, code in enumerate(Incident.Severity.values)}
        out.sort(key=lambda r: order.get(r.key, 99))
    else:
        out.sort(key=lambda r: r.key)
    return out


def counts(
    user: User,
    *,
    school: int | None = None,
    board: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    group_by: str = "month",
) -> list[CountRow]:
    """The number of distinct incidents the user may count, per ``group_by`` (one of
    :data:`GROUPS`). Groups without incidents are left out."""
    if group_by not in GROUPS:
        raise ValueError(f"unknown group_by {group_by!r}; one of {', '.join(GROUPS)}")
    qs = filtered(user, school=school, board=board, date_from=date_from, date_to=date_to)
    return grouped(qs, group_by)


def monthly_by(
    user: User,
    by: str,
    *,
    school: int | None = None,
    board: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> dict[str, dict[str, int]]:
    """Per key of ``by`` ("category" or "location"): the count per month "YYYY-MM"."""
    if by not in ("category", "location"):
        raise ValueError("by is 'category' or 'location'")
    qs = filtered(user, school=school, board=board, date_from=date_from, date_to=date_to)
    month_annotations, month_fields = dimension("month")
    annotations, fields = dimension(by)
    rows = (
        qs.annotate(**month_annotations, **annotations)
        .values(*month_fields, *fields)
        .annotate(n=Count("id", distinct=True))
        .order_by(*month_fields, *fields)
    )
    # Keys only: the labels row_key() translates are not needed here, and a month's key is
    # worked out once per month, not once per row (`vangnet bench --scenarios insights`).
    months: dict[Any, str] = {}
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        value = row[month_fields[0]]
        month = months.get(value)
        if month is None:
            month = months[value] = row_key("month", row)[0]
        out[row[fields[0]]][month] += row["n"]
    return {k: dict(v) for k, v in out.items()}


def early_warnings(
    user: User,
    by: str = "category",
    *,
    school: int | None = None,
    board: int | None = None,
    today: dt.date | None = None,
) -> list[tuple[str, rules.Signal]]:
    """The categories (national codes) or locations (labels) whose latest complete month
    rises clearly above their own baseline (:func:`vangnet.lib.insights.early_warning`).

    History starts at the first month with any incident in the scope, so a school that
    started registering recently is not compared with empty months before that."""
    today = today or timezone.localdate()
    last = rules.last_complete_month(today)
    first_at = filtered(user, school=school, board=board).aggregate(first=Min("occurred_at"))[
        "first"
    ]
    if first_at is None:
        return []
    first = max(
        rules.add_months(last, -rules.BASELINE_MONTHS),
        rules.month_key(timezone.localtime(first_at, timezone.get_default_timezone())),
    )
    if first > last:
        return []
    start = _month_start(first)
    end = _month_start(rules.add_months(last, 1)) - dt.timedelta(days=1)
    series = monthly_by(user, by, school=school, board=board, date_from=start, date_to=end)
    return rules.warnings_for(series, first, last)


def _month_start(key: str) -> dt.date:
    return dt.date(int(key[:4]), int(key[5:7]), 1)


def total(qs: QuerySet[Incident]) -> int:
    return qs.aggregate(n=Count("id", distinct=True))["n"]
