"""The "insights" scenario (issue 4): the board's incident figures at scale.

In-process, without HTTP: :func:`vangnet.incidents.insights.monthly_by` (month x national
category, through the access policy, exactly as the insights page and the early-warning
rule call it) for a board user, for the board and for one of its schools, against the same
aggregate written as one hand-written SQL statement through ``connection.cursor()``. Both
must count the same incidents in every month and category; :class:`InsightsMismatch`
stops the benchmark when they do not.

The data: :func:`prepare_insights` fills the benchmark's database with the incident
generator (:mod:`vangnet.incidents.generate`; 1,000,000 incidents are 10 boards x 100
schools x 5 years x 200 incidents per school year), or measures the demo board when asked
for no incidents (the SQLite default). The page itself is measured over HTTP by the load
scenarios ``insights-board`` (the demo board user), ``insights-school`` (the demo director)
and, with generated data, ``insights-generated`` (the generated board's user), under load
and from one client at a time (see :mod:`vangnet.bench.run`).

Only ever run against the benchmark's throwaway database or a test database.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from vangnet.accounts.models import User
from vangnet.bench.load import Stats, Target
from vangnet.bench.queries import QueryCount, count_queries, session_client
from vangnet.bench.setup import create_session
from vangnet.core import access
from vangnet.core.roles import Role
from vangnet.incidents import insights
from vangnet.incidents.generate import BOARD_PREFIX, generate
from vangnet.incidents.generate import Counts as GeneratedCounts
from vangnet.incidents.models import Incident
from vangnet.lib import insights as rules
from vangnet.organisations.models import Board, RoleAssignment, School

DEMO_BOARD_USER = "bestuur@vangnet.test"
DEMO_DIRECTOR = "directeur.a@vangnet.test"
PG_INCIDENTS = 1_000_000  # the scale, the default on PostgreSQL
YEARS = 5
PER_SCHOOL_YEAR = 200
SCHOOLS_PER_BOARD = 100
MAX_SCHOOLS = 1_000
PUPILS_PER_SCHOOL = 200
REPEAT = 30
WARMUP = 3
GOAL_P95_MS = 300.0  # the query answers in under 300 ms p95 ...
GOAL_RATIO = 3.0  # ... and within 3x of plain SQL (medians)
PAGE_GOAL_P95_MS = 200.0  # the page (SQLite, demo board) renders in under 200 ms p95
PAGE_URL_NAME = "incident_insights"


class InsightsMismatch(RuntimeError):
    """The ORM and the plain SQL counted different incidents: one of them is wrong."""


# --- the data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """How :func:`generate` spreads the incidents: equal boards of equal schools."""

    boards: int
    schools_per_board: int
    years: int
    per_school_year: int

    @property
    def schools(self) -> int:
        return self.boards * self.schools_per_board

    @property
    def incidents(self) -> int:
        return self.schools * self.years * self.per_school_year

    def text(self) -> str:
        return (
            f"{self.boards} boards x {self.schools_per_board} schools x {self.years} years "
            f"x {self.per_school_year} per school year"
        )


def layout_for(incidents: int) -> Layout:
    """About ``incidents`` incidents as schools of 200 a year over five years, at most 100
    schools a board and 1,000 schools in all (then more per school). 1,000,000 gives the
    issue's 10 boards x 100 schools x 5 years x 200."""
    if incidents < 1:
        raise ValueError("at least one incident")
    schools = min(MAX_SCHOOLS, max(1, incidents // (YEARS * PER_SCHOOL_YEAR)))
    boards = math.ceil(schools / SCHOOLS_PER_BOARD)
    per_board = math.ceil(schools / boards)
    per_year = max(1, round(incidents / (boards * per_board * YEARS)))
    return Layout(boards, per_board, YEARS, per_year)


@dataclass(frozen=True)
class InsightsFixture:
    """Who and what is measured: a board user, their board and one of its schools."""

    user_id: int
    email: str
    board_id: int
    board_name: str
    board_schools: int
    school_id: int
    school_name: str
    total_incidents: int  # in the whole database
    layout: Layout | None = None  # None: the demo data
    generated_seconds: float = 0.0


def _board_user(board: Board) -> User:
    """A user holding the board role for ``board`` (the generator makes one; if a board has
    none, one is created, with an unusable password)."""
    assignment = (
        RoleAssignment.objects.filter(board=board, role=Role.BOARD, school__isnull=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if assignment is not None:
        return assignment.user
    user = User.objects.create_user(f"bench.bestuur.{board.pk}@vangnet.invalid", None)
    RoleAssignment.objects.create(user=user, role=Role.BOARD, board=board)
    return user


def _fixture(user: User, board: Board, layout: Layout | None, seconds: float) -> InsightsFixture:
    schools = School.objects.filter(board=board).order_by("code", "pk")
    school = schools.first()
    if school is None:
        raise RuntimeError(f"board {board.name!r} has no schools")
    return InsightsFixture(
        user_id=user.pk,
        email=user.email,
        board_id=board.pk,
        board_name=board.name,
        board_schools=schools.count(),
        school_id=school.pk,
        school_name=school.name,
        total_incidents=Incident.objects.count(),
        layout=layout,
        generated_seconds=seconds,
    )


def prepare_insights(
    incidents: int,
    progress: Callable[[str], None] | None = None,
    *,
    board_email: str = DEMO_BOARD_USER,
) -> InsightsFixture:
    """Generate ``incidents`` incidents (see :func:`layout_for`) and measure the first
    generated board; with 0, measure the board of ``board_email`` (the demo board user:
    ``vangnet demo`` must have run)."""
    if incidents <= 0:
        user = User.objects.get(email=board_email)
        board = Board.objects.get(pk=min(_boards_of(user)))
        return _fixture(user, board, None, 0.0)
    layout = layout_for(incidents)
    if progress is not None:
        progress(f"generating {layout.incidents:,} incidents ({layout.text()})")
    before = Board.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    written = [0]

    def report(counts: GeneratedCounts) -> None:
        if progress is not None and counts.incidents > written[0]:
            written[0] = counts.incidents
            progress(f"  {counts.incidents:,} incidents written")

    counts = generate(
        boards=layout.boards,
        schools_per_board=layout.schools_per_board,
        pupils_per_school=PUPILS_PER_SCHOOL,
        years=layout.years,
        incidents_per_school_year=layout.per_school_year,
        progress=report,
    )
    board = Board.objects.filter(pk__gt=before, name__startswith=BOARD_PREFIX).order_by("pk")[0]
    return _fixture(_board_user(board), board, layout, counts.seconds)


def _boards_of(user: User) -> set[int]:
    boards = set(
        RoleAssignment.objects.filter(user=user, role=Role.BOARD).values_list("board_id", flat=True)
    )
    if not boards:
        raise RuntimeError(f"{user.email} holds no board role; is the demo data loaded?")
    return boards


# --- what is measured ---------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One call: ``monthly_by(user, "category", **narrow, date_from=..., date_to=...)``."""

    name: str
    label: str
    narrow: dict[str, int]  # {"board": id} or {"school": id}
    date_from: dt.date
    date_to: dt.date


def _month_start(key: str) -> dt.date:
    return dt.date(int(key[:4]), int(key[5:7]), 1)


def warning_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The 13 complete months the early-warning rule reads (the insights page asks for
    them per category for the board or school it shows): the latest complete month and
    the twelve before it."""
    last = rules.last_complete_month(today)
    first = rules.add_months(last, -rules.BASELINE_MONTHS)
    return _month_start(first), _month_start(rules.add_months(last, 1)) - dt.timedelta(days=1)


def cases_for(fixture: InsightsFixture, today: dt.date | None = None) -> list[Case]:
    """The board and the school, each over the early-warning window and over five years."""
    today = today or timezone.localdate()
    first, last = warning_window(today)
    years_ago = today - dt.timedelta(days=365 * YEARS)
    out = []
    for kind, pk in (("board", fixture.board_id), ("school", fixture.school_id)):
        out += [
            Case(f"{kind}-13m", f"{kind}, 13 months", {kind: pk}, first, last),
            Case(f"{kind}-5y", f"{kind}, 5 years", {kind: pk}, years_ago, today),
        ]
    return out


Counts = dict[str, dict[str, int]]  # national code -> "YYYY-MM" -> incidents


def orm_counts(user: User, case: Case) -> Counts:
    """The product's call, access policy included."""
    return insights.monthly_by(
        user, "category", date_from=case.date_from, date_to=case.date_to, **case.narrow
    )


def _local_midnight(day: dt.date) -> dt.datetime:
    tz = timezone.get_default_timezone()
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)


def _db_datetime(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _tables() -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(Incident._meta.db_table), quote(School._meta.db_table)


def plain_sql(case: Case) -> tuple[str, list[Any]]:
    """The same aggregate as one hand-written statement: distinct incidents per local month
    and national code, for the board's schools or the school, in the same date range.

    PostgreSQL buckets with ``date_trunc('month', occurred_at AT TIME ZONE <zone>)``, as
    one would write it by hand. SQLite has no time zones: the local months' bounds come
    along as a small table of UTC instants (the database stores UTC)."""
    incident, school = _tables()
    start = _local_midnight(case.date_from)
    stop = _local_midnight(case.date_to + dt.timedelta(days=1))
    if "board" in case.narrow:
        join = f"JOIN {school} s ON s.id = i.school_id "
        where, scope_id = "s.board_id = %s", case.narrow["board"]
    else:
        join, where, scope_id = "", "i.school_id = %s", case.narrow["school"]
    if connection.vendor == "postgresql":
        sql = (
            "SELECT date_trunc('month', i.occurred_at AT TIME ZONE %s) AS month, "  # noqa: S608 - table names from the models
            f"i.national_code, COUNT(DISTINCT i.id) FROM {incident} i {join}"
            f"WHERE {where} AND i.occurred_at >= %s AND i.occurred_at < %s "
            "GROUP BY 1, 2 ORDER BY 1, 2"
        )
        return sql, [timezone.get_default_timezone_name(), scope_id, start, stop]
    months = rules.months_between(rules.month_key(case.date_from), rules.month_key(case.date_to))
    bounds: list[Any] = []
    for key in months:
        bounds += [
            key,
            _db_datetime(_local_midnight(_month_start(key))),
            _db_datetime(_local_midnight(_month_start(rules.add_months(key, 1)))),
        ]
    values = ", ".join("(%s, %s, %s)" for _ in months)
    sql = (
        f"WITH months(month, start, stop) AS (VALUES {values}) "  # noqa: S608 - table names from the models
        f"SELECT m.month, i.national_code, COUNT(DISTINCT i.id) FROM {incident} i {join}"
        "JOIN months m ON i.occurred_at >= m.start AND i.occurred_at < m.stop "
        f"WHERE {where} AND i.occurred_at >= %s AND i.occurred_at < %s "
        "GROUP BY 1, 2 ORDER BY 1, 2"
    )
    return sql, [*bounds, scope_id, _db_datetime(start), _db_datetime(stop)]


def _month_of(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    return str(value)


def sql_counts(case: Case, statement: tuple[str, list[Any]] | None = None) -> Counts:
    sql, params = statement or plain_sql(case)
    out: dict[str, dict[str, int]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for month, code, n in cursor.fetchall():
            out[code][_month_of(month)] = n
    return dict(out)


def compare(case: Case, orm: Counts, sql: Counts) -> None:
    """Raise :class:`InsightsMismatch` naming the first cells that differ."""
    if orm == sql:
        return
    cells = sorted(
        (code, month)
        for code in set(orm) | set(sql)
        for month in set(orm.get(code, {})) | set(sql.get(code, {}))
        if orm.get(code, {}).get(month) != sql.get(code, {}).get(month)
    )
    shown = ", ".join(
        f"{code} {month}: ORM {orm.get(code, {}).get(month)}, SQL {sql.get(code, {}).get(month)}"
        for code, month in cells[:5]
    )
    raise InsightsMismatch(
        f"insights {case.label}: the ORM and the plain SQL differ in {len(cells)} cells "
        f"({shown}); the benchmark's SQL or the product's query is wrong"
    )


def _cells(counts: Counts) -> tuple[int, int]:
    """(non-empty month x category cells, incidents)."""
    return sum(len(m) for m in counts.values()), sum(sum(m.values()) for m in counts.values())


# --- measuring ----------------------------------------------------------------------------


@dataclass
class CaseResult:
    case: Case
    orm: Stats
    sql: Stats
    cells: int
    incidents: int

    @property
    def ratio(self) -> float | None:
        """ORM median over SQL median (the goal's ratio)."""
        sql = self.sql.percentile(50)
        return self.orm.percentile(50) / sql if sql > 0 else None

    @property
    def ratio_p95(self) -> float | None:
        sql = self.sql.percentile(95)
        return self.orm.percentile(95) / sql if sql > 0 else None

    @property
    def met(self) -> bool:
        ratio = self.ratio
        return (
            self.orm.percentile(95) * 1000 < GOAL_P95_MS
            and ratio is not None
            and ratio <= GOAL_RATIO
        )

    def as_dict(self) -> dict[str, object]:
        ratio, ratio_p95 = self.ratio, self.ratio_p95
        return {
            "name": self.case.name,
            "label": self.case.label,
            "narrow": self.case.narrow,
            "date_from": self.case.date_from.isoformat(),
            "date_to": self.case.date_to.isoformat(),
            "cells": self.cells,
            "incidents": self.incidents,
            "orm": self.orm.summary(),
            "sql": self.sql.summary(),
            "ratio_p50": None if ratio is None else round(ratio, 2),
            "ratio_p95": None if ratio_p95 is None else round(ratio_p95, 2),
            "goal_met": self.met,
        }


@dataclass
class InsightsResult:
    fixture: InsightsFixture
    vendor: str
    repeat: int
    warmup: int
    cases: list[CaseResult] = field(default_factory=list)

    def data_line(self) -> str:
        f = self.fixture
        if f.layout is None:
            data = f"the demo data ({f.total_incidents:,} incidents)"
        else:
            data = (
                f"{f.layout.incidents:,} generated incidents ({f.layout.text()}, written in "
                f"{f.generated_seconds:.0f} s) - {f.total_incidents:,} in the database"
            )
        return (
            f"data: {data}; measured as {f.email} (board role): board {f.board_name!r} "
            f"({f.board_schools} schools), school {f.school_name!r}"
        )

    def text(self) -> str:
        lines = [
            f"Insights query (issue 4): monthly_by(user, 'category', board/school, from, to), "
            f"in-process, {self.repeat} repetitions after {self.warmup} warm-up, ORM and SQL "
            "interleaved",
            self.data_line(),
            "",
            _case_table(self.cases),
            "",
            "  ORM: the product's call, access policy included (a fresh user each call); SQL: "
            "one hand-written statement via connection.cursor().",
            "  results: ORM and SQL equal in every cell, checked on all "
            f"{self.repeat + self.warmup} repetitions",
        ]
        return "\n".join(lines)

    def goals(self) -> list[tuple[str, bool | None, str]]:
        where = (
            ""
            if self.vendor == "postgresql" and self.fixture.total_incidents >= PG_INCIDENTS
            else " [issue: PostgreSQL, 1,000,000 incidents]"
        )
        out: list[tuple[str, bool | None, str]] = []
        for r in self.cases:
            ratio = r.ratio
            out.append(
                (
                    f"insights query ({r.case.label}) p95 < {GOAL_P95_MS:.0f} ms and <= "
                    f"{GOAL_RATIO:g}x plain SQL{where}",
                    r.met,
                    f"p95 {_ms(r.orm.percentile(95))} ms, "
                    + ("ratio -" if ratio is None else f"{ratio:.2f}x SQL (p50)"),
                )
            )
        return out

    def as_dict(self) -> dict[str, object]:
        f = self.fixture
        return {
            "data": "demo" if f.layout is None else "generated",
            "layout": None
            if f.layout is None
            else {
                "boards": f.layout.boards,
                "schools_per_board": f.layout.schools_per_board,
                "years": f.layout.years,
                "per_school_year": f.layout.per_school_year,
                "incidents": f.layout.incidents,
                "seconds": round(f.generated_seconds, 1),
            },
            "total_incidents": f.total_incidents,
            "user": f.email,
            "board": {"id": f.board_id, "name": f.board_name, "schools": f.board_schools},
            "school": {"id": f.school_id, "name": f.school_name},
            "repeat": self.repeat,
            "warmup": self.warmup,
            "goal_p95_ms": GOAL_P95_MS,
            "goal_ratio": GOAL_RATIO,
            "results_equal": True,
            "cases": [c.as_dict() for c in self.cases],
        }


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.2f}"


def _case_table(results: list[CaseResult]) -> str:
    head = (
        "case",
        "cells",
        "incidents",
        "ORM p50",
        "ORM p95",
        "SQL p50",
        "SQL p95",
        "ORM/SQL p50",
        "p95",
    )
    rows = [head]
    for r in results:
        ratio, ratio_p95 = r.ratio, r.ratio_p95
        rows.append(
            (
                f"{r.case.label} ({r.case.date_from:%Y-%m-%d} to {r.case.date_to:%Y-%m-%d})",
                f"{r.cells:,}",
                f"{r.incidents:,}",
                _ms(r.orm.percentile(50)),
                _ms(r.orm.percentile(95)),
                _ms(r.sql.percentile(50)),
                _ms(r.sql.percentile(95)),
                "-" if ratio is None else f"{ratio:.2f}x",
                "-" if ratio_p95 is None else f"{ratio_p95:.2f}x",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    out = []
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        out.append("  " + "  ".join(cells).rstrip())
        if index == 0:
            out.append("  " + "  ".join("-" * w for w in widths))
    return "\n".join(out) + "\n  (ms; cells: month x category with incidents)"


def measure_insights(
    fixture: InsightsFixture,
    *,
    repeat: int = REPEAT,
    warmup: int = WARMUP,
    today: dt.date | None = None,
) -> InsightsResult:
    """Every case ``warmup`` + ``repeat`` times, ORM and SQL interleaved (which goes first
    alternates), so whatever else the machine does falls on both alike. Every result is
    compared (:class:`InsightsMismatch` on a difference)."""
    cases = cases_for(fixture, today)
    statements = {c.name: plain_sql(c) for c in cases}
    times: dict[str, tuple[list[float], list[float]]] = {c.name: ([], []) for c in cases}
    spent: dict[str, list[float]] = {c.name: [0.0, 0.0] for c in cases}
    shape: dict[str, tuple[int, int]] = {}
    for n in range(max(0, warmup) + max(1, repeat)):
        counted = n >= warmup
        for case in cases:
            user = User.objects.get(pk=fixture.user_id)  # as a new request: no cached scope

            def run_orm(user: User = user, case: Case = case) -> Counts:
                return orm_counts(user, case)

            def run_sql(case: Case = case) -> Counts:
                return sql_counts(case, statements[case.name])

            order = (0, 1) if n % 2 == 0 else (1, 0)
            results: list[Counts] = [{}, {}]
            for which in order:
                fn = run_orm if which == 0 else run_sql
                began = time.perf_counter()
                results[which] = fn()
                took = time.perf_counter() - began
                if counted:
                    times[case.name][which].append(took)
                    spent[case.name][which] += took
            compare(case, results[0], results[1])
            shape[case.name] = _cells(results[0])
    out = InsightsResult(fixture, connection.vendor, max(1, repeat), max(0, warmup))
    for case in cases:
        orm, sql = times[case.name]
        cells, incidents = shape[case.name]
        out.cases.append(
            CaseResult(
                case,
                Stats(orm, max(spent[case.name][0], 1e-9)),
                Stats(sql, max(spent[case.name][1], 1e-9)),
                cells,
                incidents,
            )
        )
    return out


# --- the page -------------------------------------------------------------------------------


def page_path(*, board: int | None = None, school: int | None = None) -> str | None:
    """``/incidenten/inzicht/?bestuur=<id>`` or ``?school=<id>``; None while the page is not
    routed."""
    try:
        path = reverse(PAGE_URL_NAME)
    except NoReverseMatch:
        return None
    return f"{path}?bestuur={board}" if board is not None else f"{path}?school={school}"


def _with_mfa(user: User) -> User:
    """The page asks every user with a role for a second factor; the generator's users
    have none (their passwords are unusable too), so give this one a TOTP secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import is_mfa_enabled

    if not is_mfa_enabled(user):
        TOTP.activate(user, generate_totp_secret())
    return user


def page_targets(
    generated: InsightsFixture | None = None,
    *,
    board_email: str = DEMO_BOARD_USER,
    director_email: str = DEMO_DIRECTOR,
) -> list[Target]:
    """The insights page as the demo board user (their board) and the demo director (their
    school); with generated data also as the generated board's user. Empty while the page
    is not routed."""
    if page_path(board=0) is None:
        return []
    board_user = User.objects.get(email=board_email)
    board = Board.objects.get(pk=min(_boards_of(board_user)))
    director = User.objects.get(email=director_email)
    school = access.insight_schools(director).order_by("code", "pk").first()
    if school is None:
        raise RuntimeError(f"{director_email} counts no school's incidents")
    wanted = [
        ("insights-board", "insights page, demo board", board_user, page_path(board=board.pk)),
        ("insights-school", "insights page, demo school", director, page_path(school=school.pk)),
    ]
    if generated is not None and generated.layout is not None:
        user = _with_mfa(User.objects.get(pk=generated.user_id))
        label = f"insights page, generated board ({generated.board_schools} schools)"
        wanted.append(("insights-generated", label, user, page_path(board=generated.board_id)))
    return [
        Target(name, label, str(path), _cookie(create_session(user)))
        for name, label, user, path in wanted
    ]


def page_counts(pages: list[Target]) -> QueryCount | None:
    """Queries of the board's page for the demo board and for the generated board (many
    more schools and incidents): equal counts mean no query per school."""
    small = next((t for t in pages if t.name == "insights-board"), None)
    large = next((t for t in pages if t.name == "insights-generated"), None)
    if small is None or large is None:
        return None
    demo_schools = School.objects.filter(board_id=int(small.path.rsplit("=", 1)[1])).count()
    counted = []
    for target in (small, large):
        client = session_client(target.headers["Cookie"].split("=", 1)[1])
        counted.append(count_queries(client, target.path)[0])
    large_schools = School.objects.filter(board_id=int(large.path.rsplit("=", 1)[1])).count()
    return QueryCount(
        "insights page (board)",
        f"{demo_schools} schools",
        counted[0],
        f"{large_schools} schools",
        counted[1],
    )


def _cookie(session_key: str) -> dict[str, str]:
    from django.conf import settings

    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}"}
