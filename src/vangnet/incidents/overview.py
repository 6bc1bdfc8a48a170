"""The picture of a school's or a board's incidents over a period, compared with the same
period a year earlier: what the insights page, the year in review and the annual report
(PDF and XLSX) show. Figures only, never names (docs/domain.md, module 2).

Every figure counts distinct incidents of :func:`vangnet.incidents.insights.filtered`, so an
incident with many people involved counts once — except per group, where an incident that
involves pupils of two groups counts once in each (the table says so).

Small numbers: in the board's picture (also of one of its schools) and in the annual
report (which goes to the participation council) a count of *pupils* (repeated
involvement) or a count per *group* from 1 to 4 is shown as "minder dan 5"
(:data:`vangnet.lib.insights.SMALL_NUMBER`), so a small group or a single pupil cannot be
recognised. Counts of incidents per month, category, location, weekday, severity or school
say nothing about a person and stay exact. The school's own picture (for its director and
care coordinator, who may open the incidents anyway) shows exact figures.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Min, QuerySet
from django.db.models.functions import ExtractHour, ExtractMinute
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core import access
from vangnet.core.roles import SCHOOL_WIDE_ROLES, Role
from vangnet.incidents import insights
from vangnet.incidents.models import Incident, IncidentPerson
from vangnet.lib import insights as rules
from vangnet.lib.dates import school_year_bounds, school_year_of
from vangnet.lib.incidents import NATIONAL_CATEGORIES

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.organisations.models import Board

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

# Parts of the day for hot spots: (label, first minute of the day, first minute after).
TIME_BANDS: tuple[tuple[str, int, int], ...] = (
    ("voor 8.30 uur", 0, 8 * 60 + 30),
    ("8.30–10.00 uur", 8 * 60 + 30, 10 * 60),
    ("10.00–12.00 uur", 10 * 60, 12 * 60),
    ("12.00–13.15 uur", 12 * 60, 13 * 60 + 15),
    ("13.15–15.00 uur", 13 * 60 + 15, 15 * 60),
    ("na 15.00 uur", 15 * 60, 24 * 60),
)
HOT_SPOT_MIN = 3  # a location × time cell is a hot spot from this many incidents
HOT_SPOTS_SHOWN = 5
REPEAT_BUCKETS = ((2, 2), (3, 4), (5, None))  # involved 2, 3-4, 5 or more times


def month_label(key: str) -> str:
    return f"{_(MONTHS[int(key[5:7]) - 1])} {key[:4]}"


def year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


# --- scope and period -----------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """One school, or a whole board."""

    kind: str  # "school" | "board"
    id: int
    name: str
    board_id: int
    # small numbers hidden: the board's picture, and a school seen by the board (not by
    # the school's own director or care coordinator)
    suppressed: bool = False

    @property
    def is_board(self) -> bool:
        return self.kind == "board"

    def narrow(self) -> dict[str, int]:
        return {"board": self.id} if self.is_board else {"school": self.id}


def insight_boards(user: User) -> QuerySet[Board]:
    """Boards whose whole picture the user may see: the board role."""
    from vangnet.organisations.models import Board

    return Board.objects.filter(id__in=access.scope_of(user).boards(Role.BOARD)).order_by("name")


def scopes_for(user: User) -> list[Scope]:
    """Every picture the user may open: their boards, then their insight schools."""
    out = [Scope("board", b.pk, b.name, b.pk, suppressed=True) for b in insight_boards(user)]
    own = access.scope_of(user).schools(*SCHOOL_WIDE_ROLES)
    out += [
        Scope("school", s.pk, s.name, s.board_id, suppressed=s.pk not in own)
        for s in access.insight_schools(user).order_by("name")
    ]
    return out


def resolve_scope(user: User, *, school: object = None, board: object = None) -> Scope:
    """The scope asked for, or the user's first; 404 when it is not theirs (or they have
    none)."""
    scopes = scopes_for(user)
    if not scopes:
        raise Http404
    for kind, raw in (("board", board), ("school", school)):
        if raw not in (None, ""):
            wanted = str(raw)
            for scope in scopes:
                if scope.kind == kind and str(scope.id) == wanted:
                    return scope
            raise Http404
    return scopes[0]


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date

    @property
    def previous(self) -> Period:
        return Period(year_earlier(self.first), year_earlier(self.last))

    @property
    def school_year(self) -> str | None:
        """The school year when the period is (part of) exactly one, from its start."""
        year = school_year_of(self.first)
        start, end = school_year_bounds(year)
        return year if self.first == start and self.last <= end else None

    def months(self) -> list[str]:
        return rules.months_between(rules.month_key(self.first), rules.month_key(self.last))


def school_year_period(year: str, today: dt.date | None = None) -> Period:
    """A school year '2025-2026', up to today when it is the running one."""
    today = today or timezone.localdate()
    first, last = school_year_bounds(year)
    return Period(first, min(last, today) if first <= today else last)


def recent_school_years(today: dt.date | None = None, count: int = 5) -> list[str]:
    today = today or timezone.localdate()
    first = int(school_year_of(today)[:4])
    return [f"{y}-{y + 1}" for y in range(first, first - count, -1)]


# --- the figures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of a comparison table: this period and the same period a year earlier.
    ``shown``/``shown_previous`` are what a page prints: the number, or None for "minder
    dan 5" when small numbers are suppressed."""

    key: str
    label: str
    count: int
    previous: int
    suppress: bool = False

    @property
    def change(self) -> int:
        return self.count - self.previous

    @property
    def shown(self) -> int | None:
        return _shown(self.count, self.suppress)

    @property
    def shown_previous(self) -> int | None:
        return _shown(self.previous, self.suppress)


def _shown(n: int, suppress: bool) -> int | None:
    return None if suppress and 0 < n < rules.SMALL_NUMBER else n


@dataclass(frozen=True)
class RepeatRow:
    """Per neutral role: how many pupils were involved that often in the period."""

    role: str
    label: str
    buckets: tuple[int, ...]  # one per REPEAT_BUCKETS
    suppress: bool = False

    @property
    def shown(self) -> list[int | None]:
        return [_shown(n, self.suppress) for n in self.buckets]


@dataclass(frozen=True)
class HotSpot:
    location: str
    band: str
    count: int


@dataclass(frozen=True)
class Warning:
    kind: str  # "category" | "location"
    key: str
    label: str
    school: str  # "" for the scope as a whole
    signal: rules.Signal


@dataclass
class Overview:
    scope: Scope
    period: Period
    total: int
    previous_total: int
    by_month: list[Row]
    by_category: list[Row]
    by_location: list[Row]
    by_weekday: list[Row]
    by_severity: list[Row]
    by_group: list[Row]  # school scope: per group of the pupils involved
    by_school: list[Row]  # board scope: per school
    repeated: list[RepeatRow]
    hot_spot_locations: list[str]
    hot_spot_bands: list[str]
    hot_spot_grid: list[list[int]]  # [location][band]
    hot_spots: list[HotSpot]
    warnings: list[Warning] = field(default_factory=list)
    warnings_month: str = ""

    @property
    def suppress(self) -> bool:
        return self.scope.suppressed

    @property
    def change(self) -> int:
        return self.total - self.previous_total

    @property
    def hot_spot_table(self) -> list[tuple[str, list[int]]]:
        return list(zip(self.hot_spot_locations, self.hot_spot_grid, strict=True))

    @property
    def repeat_labels(self) -> list[str]:
        return [_bucket_label(low, high) for low, high in REPEAT_BUCKETS]


def _bucket_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(n)s keer of vaker") % {"n": low}
    if low == high:
        return _("%(n)s keer") % {"n": low}
    return _("%(low)s–%(high)s keer") % {"low": low, "high": high}


def _compare(
    now: list[insights.CountRow],
    before: list[insights.CountRow],
    *,
    suppress: bool = False,
    keep_order: list[tuple[str, str]] | None = None,
) -> list[Row]:
    """Rows for every key in either period, in ``keep_order`` or by count (largest first)."""
    counts = {r.key: r.count for r in now}
    previous = {r.key: r.count for r in before}
    labels = {r.key: r.label for r in (*before, *now)}
    if keep_order is not None:
        keys = keep_order
    else:
        keys = sorted(labels.items(), key=lambda kv: (-counts.get(kv[0], 0), kv[1]))
    return [
        Row(key, label, counts.get(key, 0), previous.get(key, 0), suppress) for key, label in keys
    ]


def _by_group(qs: QuerySet[Incident]) -> dict[str, int]:
    rows = (
        IncidentPerson.objects.filter(incident__in=qs.values("pk"), pupil__group__isnull=False)
        .values(name=F("pupil__group__name"))
        .annotate(n=Count("incident_id", distinct=True))
    )
    return {r["name"]: r["n"] for r in rows}


def _repeated(qs: QuerySet[Incident]) -> dict[str, tuple[int, ...]]:
    rows = (
        IncidentPerson.objects.filter(incident__in=qs.values("pk"), pupil__isnull=False)
        .values("role", "pupil_id")
        .annotate(n=Count("incident_id", distinct=True))
        .filter(n__gte=REPEAT_BUCKETS[0][0])
    )
    out: dict[str, list[int]] = defaultdict(lambda: [0] * len(REPEAT_BUCKETS))
    for row in rows:
        for i, (low, high) in enumerate(REPEAT_BUCKETS):
            if row["n"] >= low and (high is None or row["n"] <= high):
                out[row["role"]][i] += 1
    return {role: tuple(b) for role, b in out.items()}


def _hot_spots(qs: QuerySet[Incident]) -> tuple[list[str], list[list[int]], list[HotSpot]]:
    tz = timezone.get_default_timezone()
    rows = (
        qs.annotate(
            h=ExtractHour("occurred_at", tzinfo=tz),
            m=ExtractMinute("occurred_at", tzinfo=tz),
        )
        .values(loc=F("location__label"), hour=F("h"), minute=F("m"))
        .annotate(n=Count("id", distinct=True))
    )
    grid: dict[str, list[int]] = defaultdict(lambda: [0] * len(TIME_BANDS))
    for row in rows:
        minute = int(row["hour"]) * 60 + int(row["minute"])
        band = next(i for i, (_l, lo, hi) in enumerate(TIME_BANDS) if lo <= minute < hi)
        grid[row["loc"]][band] += row["n"]
    locations = sorted(grid, key=lambda loc: (-sum(grid[loc]), loc))
    spots = [
        HotSpot(loc, _(TIME_BANDS[b][0]), n)
        for loc in locations
        for b, n in enumerate(grid[loc])
        if n >= HOT_SPOT_MIN
    ]
    spots.sort(key=lambda s: -s.count)
    return locations, [grid[loc] for loc in locations], spots[:HOT_SPOTS_SHOWN]


def _warnings(user: User, scope: Scope, today: dt.date) -> tuple[str, list[Warning]]:
    """Signals for the latest complete month, for the scope as a whole and, for a board,
    per school (categories and locations)."""
    last = rules.last_complete_month(today)
    out: list[Warning] = []
    for by in ("category", "location"):
        for key, signal in insights.early_warnings(user, by, today=today, **scope.narrow()):
            out.append(Warning(by, key, _label(by, key), "", signal))
    if scope.is_board:
        out += _school_warnings(user, scope, last)
    return last, out


def _label(by: str, key: str) -> str:
    return _(dict(NATIONAL_CATEGORIES).get(key, key)) if by == "category" else key


def _month_start(key: str) -> dt.date:
    return dt.date(int(key[:4]), int(key[5:7]), 1)


def _school_warnings(user: User, scope: Scope, last: str) -> list[Warning]:
    """The rule per school of a board, with two queries per dimension whatever the number
    of schools. Like :func:`insights.early_warnings`, a school's history starts at its
    first month with any incident."""
    tz = timezone.get_default_timezone()
    everything = insights.filtered(user, board=scope.id)
    firsts = {
        row["school_id"]: rules.month_key(timezone.localtime(row["first"], tz))
        for row in everything.values("school_id").annotate(first=Min("occurred_at"))
    }
    window_first = rules.add_months(last, -rules.BASELINE_MONTHS)
    window = insights.filtered(
        user,
        board=scope.id,
        date_from=_month_start(window_first),
        date_to=_month_start(rules.add_months(last, 1)) - dt.timedelta(days=1),
    )
    names = dict(access.insight_schools(user).filter(board_id=scope.id).values_list("id", "name"))
    out: list[Warning] = []
    for by in ("category", "location"):
        month_annotations, month_fields = insights.dimension("month")
        annotations, fields = insights.dimension(by)
        rows = (
            window.annotate(**month_annotations, **annotations)
            .values("school_id", *month_fields, *fields)
            .annotate(n=Count("id", distinct=True))
            .order_by()
        )
        series: dict[int, dict[str, dict[str, int]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(int))
        )
        for row in rows:
            month, _m = insights.row_key("month", row)
            key, _k = insights.row_key(by, row)
            series[row["school_id"]][key][month] += row["n"]
        for school_id in sorted(series, key=lambda pk: names.get(pk, "")):
            first = max(window_first, firsts.get(school_id, last))
            if first > last:
                continue
            for key, signal in rules.warnings_for(series[school_id], first, last):
                out.append(Warning(by, key, _label(by, key), names.get(school_id, ""), signal))
    return out


def build(user: User, scope: Scope, period: Period, *, today: dt.date | None = None) -> Overview:
    """Everything the pages and reports show for ``scope`` over ``period``."""
    today = today or timezone.localdate()
    narrow = scope.narrow()
    now = insights.filtered(user, date_from=period.first, date_to=period.last, **narrow)
    before_period = period.previous
    before = insights.filtered(
        user, date_from=before_period.first, date_to=before_period.last, **narrow
    )
    suppress = scope.suppressed

    def both(group_by: str) -> tuple[list[insights.CountRow], list[insights.CountRow]]:
        return insights.grouped(now, group_by), insights.grouped(before, group_by)

    month_now, month_before = both("month")
    previous_counts = {r.key: r.count for r in month_before}
    counts = {r.key: r.count for r in month_now}
    by_month = [
        Row(
            key,
            month_label(key),
            counts.get(key, 0),
            previous_counts.get(rules.add_months(key, -12), 0),
        )
        for key in period.months()
    ]
    weekday_order = [(str(d), _(insights.WEEKDAYS[d])) for d in range(1, 8)]
    severity_order = [(str(v), str(label)) for v, label in Incident.Severity.choices]
    groups_now, groups_before = _by_group(now), _by_group(before)
    by_group = [
        Row(name, name, groups_now.get(name, 0), groups_before.get(name, 0), suppress)
        for name in sorted(set(groups_now) | set(groups_before))
    ]
    repeated = _repeated(now)
    locations, grid, spots = _hot_spots(now)
    warnings_month, warnings = _warnings(user, scope, today)
    overview = Overview(
        scope=scope,
        period=period,
        total=insights.total(now),
        previous_total=insights.total(before),
        by_month=by_month,
        by_category=_compare(*both("category")),
        by_location=_compare(*both("location")),
        by_weekday=_compare(*both("weekday"), keep_order=weekday_order),
        by_severity=_compare(*both("severity"), keep_order=severity_order),
        by_group=by_group if not scope.is_board else [],
        by_school=_compare(*both("school")) if scope.is_board else [],
        repeated=[
            RepeatRow(role, str(label), repeated.get(role, (0,) * len(REPEAT_BUCKETS)), suppress)
            for role, label in IncidentPerson.Role.choices
            if role in ("initiator", "affected", "bystander")
        ],
        hot_spot_locations=locations,
        hot_spot_bands=[_(b[0]) for b in TIME_BANDS],
        hot_spot_grid=grid,
        hot_spots=spots,
        warnings=warnings,
        warnings_month=month_label(warnings_month),
    )
    return overview


def audit_data(overview: Overview, **extra: Any) -> dict[str, Any]:
    """What an audit event records about a picture that was looked at (no names)."""
    return {
        "scope": overview.scope.kind,
        "scope_id": overview.scope.id,
        "from": overview.period.first.isoformat(),
        "to": overview.period.last.isoformat(),
        **extra,
    }
