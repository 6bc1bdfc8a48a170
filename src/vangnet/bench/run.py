"""The measuring half of `vangnet bench`, run in a child process whose settings point at
the benchmark's own database (see :mod:`vangnet.bench.prepare`)."""

from __future__ import annotations

import http.client
import os
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from vangnet.bench.care import (
    CARE_CASES,
    CareFixture,
    care_home_counts,
    measure_care_floor,
    prepare_care,
)
from vangnet.bench.floor import measure_floors, read_pupil_list
from vangnet.bench.insights import (
    PG_INCIDENTS,
    REPEAT,
    InsightsFixture,
    InsightsResult,
    measure_insights,
    page_counts,
    page_targets,
    prepare_insights,
)
from vangnet.bench.load import LOOPBACK, LoadResult, Target, run_all, run_load
from vangnet.bench.prepare import sigterm_as_interrupt
from vangnet.bench.queries import QueryCount, query_counts
from vangnet.bench.report import Report
from vangnet.bench.server import running_server
from vangnet.bench.setup import Fixture, prepare_fixture
from vangnet.core import access
from vangnet.demo.build import build

API_LIMIT = 50


@dataclass(frozen=True)
class Options:
    workers: int = 2
    threads: int = 4
    concurrency: int = 8
    seconds: float = 10.0
    warmup: float = 2.0
    rounds: int = 5
    # scenario names to load (the bare view is always measured: it is the floor); empty: all
    # but the optional ones
    scenarios: tuple[str, ...] = ()
    # "insights": incidents to generate (None: 1,000,000 on PostgreSQL, the demo's on SQLite)
    incidents: int | None = None
    repeat: int = REPEAT  # "insights": repetitions of each query


SCENARIOS = ("bare", "pupil", "dossier", "api", "api-me", "care-home", "insights")
# Not in the default set: generating a million incidents takes minutes.
OPTIONAL = ("insights",)
# Load targets that belong to a scenario of another name.
PART_OF = {
    "insights-board": "insights",
    "insights-school": "insights",
    "insights-generated": "insights",
}


def selected(options: Options, name: str) -> bool:
    scenario = PART_OF.get(name, name)
    if not options.scenarios:
        return scenario not in OPTIONAL
    return scenario == "bare" or scenario in options.scenarios


def incidents_for(options: Options, vendor: str) -> int:
    """How many incidents the insights scenario generates (0: the demo data only)."""
    if options.incidents is not None:
        return options.incidents
    return PG_INCIDENTS if vendor == "postgresql" else 0


def targets(
    fixture: Fixture, care: CareFixture | None = None, extra: Sequence[Target] = ()
) -> list[Target]:
    cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={fixture.session_key}"}
    bearer = {"Authorization": f"Bearer {fixture.token}"}
    care_home = []
    if care is not None:
        care_cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={care.session_key}"}
        label = f"care start page, {CARE_CASES} cases"
        care_home = [Target("care-home", label, "/", care_cookie)]
    return [
        Target("bare", "bare view", "/_bench/bare", cookie),
        Target("pupil", "pupil page", f"/leerlingen/{fixture.pupil_id}/", cookie),
        Target(
            "dossier", "pupil page, 500-entry dossier", f"/leerlingen/{fixture.dossier_id}/", cookie
        ),
        Target("api", "API pupil list", f"/api/v1/pupils?limit={API_LIMIT}", bearer),
        Target("api-me", "API /me (light)", "/api/v1/me", bearer),
        *care_home,
        *extra,
    ]


def preflight(port: int, scenarios: list[Target]) -> list[str]:
    """One request per scenario: a misconfigured run stops before it measures."""
    problems = []
    for target in scenarios:
        conn = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
        try:
            conn.request(
                "GET", target.path, headers={"Host": f"{LOOPBACK}:{port}", **target.headers}
            )
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                location = response.getheader("Location") or ""
                problems.append(
                    f"{target.path} answered {response.status} {location} {body[:200]!r}"
                )
        finally:
            conn.close()
    return problems


def _page_scenarios(options: Options) -> bool:
    """Whether any of the pupil and API scenarios runs (they share counts and floors)."""
    return any(
        selected(options, n) for n in SCENARIOS if n not in ("bare", "care-home", "insights")
    )


def floor_check(fixture: Fixture) -> list[str]:
    """The SQL floor must read what the API lists; say so when it does not."""
    floor_ids = [row[0] for row in read_pupil_list(fixture.user.pk, API_LIMIT)]
    orm_ids = list(
        access.visible_pupils(fixture.user)
        .order_by("last_name", "first_name", "id")
        .values_list("id", flat=True)[:API_LIMIT]
    )
    if floor_ids != orm_ids:
        return ["the SQL floor's pupil list differs from the API's (floor SQL out of date?)"]
    return []


def vendor_version() -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version
    number = getattr(connection, "pg_version", 0) or 0
    return f"{number // 10000}.{number % 10000}" if number else ""


def _load_average() -> str:
    """The machine's 1/5/15-minute load: other work on the machine skews the figures."""
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def meta(options: Options, fixture: Fixture, load_before: str) -> dict[str, object]:
    import gunicorn

    return {
        "date": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "vendor": connection.vendor,
        "vendor_version": vendor_version(),
        "workers": options.workers,
        "threads": options.threads,
        "concurrency": options.concurrency,
        "seconds": options.seconds,
        "warmup": options.warmup,
        "rounds": options.rounds,
        "cores": os.cpu_count(),
        "load_average": f"{load_before} before, {_load_average()} after",
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "pupil_id": fixture.pupil_id,
        "pupil_guardians": fixture.guardians,
        "api_limit": API_LIMIT,
        "scenarios": list(options.scenarios) or "default",
    }


def _insights_pages(
    insight: InsightsFixture, notes: list[str]
) -> tuple[list[Target], QueryCount | None]:
    pages = page_targets(insight)
    if not pages:
        notes.append(
            "the insights page is not routed (URL name incident_insights): its load "
            "scenarios were left out"
        )
        return [], None
    return pages, page_counts(pages)


def one_client(
    port: int, scenarios: Sequence[Target], options: Options, progress: Callable[[str], None]
) -> list[LoadResult]:
    """The insights pages once more from a single client: what one user sees on a server
    that is not busy (the issue's page goal); the load above includes queueing."""
    out = []
    for target in scenarios:
        if PART_OF.get(target.name) != "insights":
            continue
        progress(f"one client: {target.label} for {options.seconds:g} s")
        out.append(
            run_load(
                port,
                target,
                concurrency=1,
                seconds=options.seconds,
                warmup=min(options.warmup, 1.0),
            )
        )
    return out


def run_child(
    options: Options,
    json_path: Path,
    out: Callable[[str], None],
    progress: Callable[[str], None],
) -> int:
    """Migrate, load the demo, measure, print and save. 0: ran cleanly; 1: errors."""
    load_before = _load_average()
    with sigterm_as_interrupt():
        progress(f"migrating the {connection.vendor} database")
        call_command("migrate", interactive=False, verbosity=0)
        progress("loading the demo data")
        build()
        fixture = prepare_fixture()
        insight = None
        if selected(options, "insights"):
            insight = prepare_insights(incidents_for(options, connection.vendor), progress)
        if connection.vendor == "postgresql":
            # Planner statistics for the fresh tables: autovacuum would gather them soon
            # after a bulk load; without them PostgreSQL guesses and scans.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        care = prepare_care() if selected(options, "care-home") else None
        progress("counting queries per request")
        counts = query_counts(fixture) if _page_scenarios(options) else []
        if care is not None:
            counts.append(care_home_counts(care))  # also creates the scenario's cases
        notes = floor_check(fixture)
        insight_result: InsightsResult | None = None
        pages: list[Target] = []
        if insight is not None:
            progress(f"insights query: {options.repeat} repetitions of ORM and plain SQL")
            insight_result = measure_insights(insight, repeat=options.repeat)
            pages, page_count = _insights_pages(insight, notes)
            if page_count is not None:
                counts.append(page_count)
        progress(f"SQL floor ({options.seconds:g} s per read)")
        floors = {}
        if _page_scenarios(options):
            floors = measure_floors(
                pupil_id=fixture.pupil_id,
                user_id=fixture.user.pk,
                list_limit=API_LIMIT,
                seconds=options.seconds,
            )
        if care is not None:
            floors["care-home"] = measure_care_floor(care.user.pk, seconds=options.seconds)
        scenarios = [t for t in targets(fixture, care, pages) if selected(options, t.name)]
        connections.close_all()
        progress(f"starting gunicorn ({options.workers} workers x {options.threads} threads)")
        with running_server(
            workers=options.workers, threads=options.threads, run_dir=settings.DATA_DIR
        ) as server:
            problems = preflight(server.port, scenarios)
            if problems:
                for problem in problems:
                    progress(f"ERROR: {problem}")
                return 1
            results = run_all(
                server.port,
                scenarios,
                concurrency=options.concurrency,
                seconds=options.seconds,
                warmup=options.warmup,
                rounds=options.rounds,
                progress=progress,
            )
            single = one_client(server.port, scenarios, options, progress)
    report = Report(
        meta(options, fixture, load_before),
        results,
        floors,
        counts,
        notes,
        insights=insight_result,
        one_client=single,
    )
    out(report.text())
    path = report.write_json(json_path)
    out(f"\nJSON: {path}")
    return 1 if report.errors else 0
