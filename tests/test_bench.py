"""Smoke tests for `vangnet bench`: the measuring code runs and produces numbers, the SQL
floor reads what the API lists, and the query counts come out equal. No timing
assertions: performance is measured by the benchmark, not by tests."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.utils import timezone

from tests.world import PERSONAS
from vangnet.accounts.models import User
from vangnet.bench.floor import measure_floors, read_pupil
from vangnet.bench.load import Stats, Target, run_all, run_load
from vangnet.bench.prepare import BENCH_DB, plan_database
from vangnet.bench.queries import query_counts
from vangnet.bench.report import Report
from vangnet.bench.run import floor_check
from vangnet.bench.setup import prepare_fixture
from vangnet.core import access
from vangnet.core.actions import do_break_glass
from vangnet.core.audit import Actor
from vangnet.organisations.models import Pupil


class _Ok(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn's threaded workers
    disable_nagle_algorithm = True  # as gunicorn (TCP_NODELAY)

    def do_GET(self) -> None:
        status = 200 if self.path == "/ok" else 404
        body = b"ok"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stub_port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_load_produces_numbers(stub_port):
    result = run_load(stub_port, Target("ok", "ok", "/ok"), concurrency=2, seconds=0.2, warmup=0.05)
    assert result.stats.count > 0
    assert result.errors == 0
    assert result.stats.per_second > 0
    assert 0 < result.stats.percentile(50) <= result.stats.percentile(99)
    assert result.as_dict()["statuses"] == {"200": result.stats.count}


def test_rounds_are_merged_per_scenario(stub_port):
    targets = [Target("a", "a", "/ok"), Target("b", "b", "/nope")]
    a, b = run_all(stub_port, targets, concurrency=1, seconds=0.2, warmup=0, rounds=2)
    assert (a.target.name, b.target.name) == ("a", "b")
    assert a.stats.count > 0 and a.errors == 0
    assert b.errors == b.stats.count > 0


def test_load_counts_non_200_as_errors(stub_port):
    result = run_load(
        stub_port, Target("missing", "missing", "/nope"), concurrency=1, seconds=0.1, warmup=0
    )
    assert result.errors == result.stats.count > 0
    assert result.error_samples


def test_load_refuses_other_hosts():
    with pytest.raises(ValueError):
        run_load(80, Target("x", "x", "/"), concurrency=1, seconds=0.1, warmup=0, host="10.0.0.1")


def test_percentiles_are_nearest_rank():
    stats = Stats([0.004, 0.001, 0.003, 0.002], seconds=2.0)
    assert stats.percentile(50) == 0.002
    assert stats.percentile(99) == 0.004
    assert stats.per_second == 2.0
    assert Stats([], 1.0).percentile(50) == 0.0


def test_plan_database_never_targets_the_given_database(tmp_path: Path):
    assert plan_database(None, tmp_path).vendor == "sqlite"
    assert plan_database("sqlite:///var/vangnet.sqlite3", tmp_path).child_url.startswith(
        f"sqlite:///{tmp_path}"
    )
    plan = plan_database("postgres://postgres@127.0.0.1:5432/test", tmp_path)
    assert plan.vendor == "postgresql"
    assert plan.child_url == f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}"
    assert plan.admin_url == "postgres://postgres@127.0.0.1:5432/test"
    same = plan_database(f"postgres://postgres@127.0.0.1/{BENCH_DB}", tmp_path)
    assert same.admin_url == "postgres://postgres@127.0.0.1/postgres"


@pytest.mark.django_db
def test_floor_and_query_counts(world):
    fixture = prepare_fixture(world["teacher_a"].email)
    assert fixture.few_id == world.pupil_a5.pk

    counts = query_counts(fixture)
    assert [c.name for c in counts] == ["pupil page", "api list", "dossier page"]
    assert all(c.small > 0 and c.constant for c in counts), [c.line() for c in counts]
    assert len(read_pupil(world.pupil_a5.pk)) == 4  # the guardians the count added

    floors = measure_floors(
        pupil_id=fixture.pupil_id, user_id=fixture.user.pk, list_limit=50, seconds=0.05
    )
    assert floors["pupil"].rows >= 1 and floors["api"].rows == 1
    assert all(f.stats.count > 0 and f.stats.per_second > 0 for f in floors.values())
    assert floor_check(fixture) == []

    report = Report({"date": "today", "vendor": "sqlite", **_meta()}, [], floors, counts)
    text = report.text()
    assert "SQL floor" in text and "constant" in text
    assert "goal met" in text  # the query-count goal; throughput is "not measured"
    json.dumps(report.as_dict())


def _meta() -> dict[str, object]:
    return {"workers": 2, "threads": 4, "concurrency": 8, "seconds": 0.1, "warmup": 0.0}


def test_report_ratios(stub_port):
    bare = run_load(stub_port, Target("bare", "bare", "/ok"), concurrency=1, seconds=0.1, warmup=0)
    page = run_load(stub_port, Target("pupil", "page", "/ok"), concurrency=1, seconds=0.1, warmup=0)
    report = Report({"date": "today", "vendor": "sqlite", **_meta()}, [bare, page])
    assert report.of_bare(bare) == 1.0
    ratio = report.of_bare(page)
    assert ratio is not None and ratio > 0
    assert "of bare" in report.text()
    goal = report.goals()[0]
    assert goal[1] == (ratio >= 1 / 3)


@pytest.mark.django_db
def test_pupil_page_shortcuts_keep_the_access_rules(world):
    """The pupil page's query-free checks (added after profiling with `vangnet bench`)
    answer exactly what the queryset rules in core/access.py answer."""
    do_break_glass(
        world.pupil_a6, reason="Ruzie op het plein, ouders bellen", actor=Actor(world["teacher_a"])
    )
    pupils = list(Pupil.objects.select_related("school"))
    for persona in PERSONAS:
        user = world[persona]
        logs = set(access.pupils_with_access_log(user).values_list("pk", flat=True))
        for pupil in pupils:
            assert access.can_see_access_log(user, pupil) == (pupil.pk in logs), (persona, pupil)
            expected = (
                access.visible_break_glass_grants(user)
                .filter(user=user, pupil=pupil, expires_at__gt=timezone.now())
                .first()
            )
            assert access.active_break_glass_grant(user, pupil) == expected
    assert access.active_break_glass_grant(world["teacher_a"], world.pupil_a6) is not None


@pytest.mark.django_db
def test_care_home_scenario(world):
    """The care coordinator's start page: 10 and then 200 open cases with 10 deadlines
    each, the same query count, a SQL floor that reads rows, a goal in the report."""
    from vangnet.bench.care import (
        CARE_CASES,
        TASKS_PER_CASE,
        care_home_counts,
        measure_care_floor,
        prepare_care,
    )
    from vangnet.bench.run import OPTIONAL, SCENARIOS, Options, selected, targets
    from vangnet.cases.models import CaseMember, CaseTask

    care = prepare_care(world["care_a"].email)
    assert care.school_id == world.school_a.pk
    count = care_home_counts(care)
    assert count.name == "care home" and count.small > 0 and count.constant, count.line()
    owned = CaseMember.objects.filter(user=world["care_a"], kind="owner")
    assert owned.count() == CARE_CASES + 1  # and the world's case
    tasks = CaseTask.objects.filter(case__members__user=world["care_a"], done_at__isnull=True)
    assert tasks.count() >= CARE_CASES * TASKS_PER_CASE

    floor = measure_care_floor(world["care_a"].pk, seconds=0.05)
    assert floor.rows == 42 and floor.stats.count > 0  # 21 cases + 21 tasks

    fixture = prepare_fixture(world["teacher_a"].email)
    names = [t.name for t in targets(fixture, care)]
    assert names == [n for n in SCENARIOS if n not in OPTIONAL]
    only = Options(scenarios=("care-home",))
    assert [n for n in names if selected(only, n)] == ["bare", "care-home"]
    assert all(selected(Options(), n) for n in names)

    report = Report({"date": "today", "vendor": "sqlite", **_meta()}, [], {}, [count])
    assert "start page runs a bounded number of queries" in report.text()
    assert report.goals()[-1][1] is True


def test_unknown_scenarios_are_refused():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="unknown scenario nope"):
        call_command("bench", "--scenarios", "care-home,nope")


# --- insights (issue 4) -------------------------------------------------------------------


def test_insights_layout_spreads_the_incidents():
    from vangnet.bench.insights import Layout, layout_for

    assert layout_for(1_000_000) == Layout(10, 100, 5, 200)  # the scale
    assert layout_for(1_000_000).incidents == 1_000_000
    assert layout_for(200) == Layout(1, 1, 5, 40)
    assert layout_for(150_000) == Layout(2, 75, 5, 200)
    assert layout_for(5_000_000) == Layout(10, 100, 5, 1_000)
    with pytest.raises(ValueError):
        layout_for(0)


def _generated(world, incidents: int = 200):
    from vangnet.bench.insights import prepare_insights

    lines: list[str] = []
    fixture = prepare_insights(incidents, lines.append)
    assert lines and "generating 200 incidents" in lines[0]
    return fixture


@pytest.mark.django_db
def test_insights_query_measured_against_plain_sql(world):
    """A tiny generated board: the ORM call and the hand-written SQL are timed, agree in
    every month and category, and the report carries the figures and the goal."""
    from vangnet.bench.insights import GOAL_P95_MS, measure_insights
    from vangnet.core.roles import Role
    from vangnet.organisations.models import RoleAssignment

    fixture = _generated(world)
    assert fixture.layout is not None and fixture.layout.incidents == 200
    assert fixture.board_id not in (world.board.pk, world.other_board.pk)
    assert RoleAssignment.objects.filter(
        user_id=fixture.user_id, role=Role.BOARD, board_id=fixture.board_id
    ).exists()

    result = measure_insights(fixture, repeat=2, warmup=1)
    names = [c.case.name for c in result.cases]
    assert names == ["board-13m", "board-5y", "school-13m", "school-5y"]
    for case in result.cases:
        assert case.orm.count == case.sql.count == 2
        assert case.orm.percentile(50) > 0 and case.sql.percentile(50) > 0
        assert case.ratio is not None and case.ratio > 0
    by_name = {c.case.name: c for c in result.cases}
    # five years hold every generated incident; one school is the whole tiny board
    assert by_name["board-5y"].incidents == by_name["school-5y"].incidents == 200
    assert 0 < by_name["board-13m"].incidents < 200
    assert by_name["board-5y"].cells > by_name["board-13m"].cells

    report = Report({"date": "today", "vendor": "sqlite", **_meta()}, [], insights=result)
    text = report.text()
    assert "Insights query" in text and "equal in every cell" in text
    goals = [g for g in report.goals() if g[0].startswith("insights query")]
    assert len(goals) == 4
    for (_goal, met, _value), case in zip(goals, result.cases, strict=True):
        expected = case.orm.percentile(95) * 1000 < GOAL_P95_MS and (case.ratio or 99) <= 3
        assert met is expected
    data = json.loads(json.dumps(report.as_dict()))
    assert data["insights"]["results_equal"] is True
    assert data["insights"]["layout"]["incidents"] == 200
    assert [c["name"] for c in data["insights"]["cases"]] == names


@pytest.mark.django_db
def test_insights_months_are_local(world):
    """An incident just after local midnight on the first of a month is still the
    previous month in UTC: the ORM and the SQL both count it in the local month."""
    import datetime as dt

    from vangnet.bench.insights import cases_for, orm_counts, sql_counts
    from vangnet.incidents.models import Incident

    fixture = _generated(world)
    case = next(c for c in cases_for(fixture) if c.name == "board-13m")
    first = case.date_to.replace(day=1)  # the latest complete month
    local = timezone.make_aware(
        dt.datetime.combine(first, dt.time(0, 30)), timezone.get_default_timezone()
    )
    assert local.astimezone(dt.UTC).month != first.month
    moved = Incident.objects.filter(school__board_id=fixture.board_id).order_by("pk").first()
    assert moved is not None
    Incident.objects.filter(pk=moved.pk).update(occurred_at=local, national_code="weapons")
    user = User.objects.get(pk=fixture.user_id)
    key = f"{first:%Y-%m}"
    orm, sql = orm_counts(user, case), sql_counts(case)
    assert orm == sql
    assert orm["weapons"][key] >= 1


@pytest.mark.django_db
def test_insights_mismatch_fails_loudly(world, monkeypatch):
    from vangnet.bench import insights as bench_insights

    fixture = _generated(world)
    real = bench_insights.orm_counts

    def one_short(user, case):
        counts = real(user, case)
        code = sorted(counts)[0]
        month = sorted(counts[code])[0]
        counts[code][month] -= 1
        return counts

    monkeypatch.setattr(bench_insights, "orm_counts", one_short)
    with pytest.raises(bench_insights.InsightsMismatch, match="differ in 1 cells"):
        bench_insights.measure_insights(fixture, repeat=1, warmup=0)


@pytest.mark.django_db
def test_insights_demo_board_without_incidents(world):
    """No incidents asked for: the board user's own board is measured (here the world's,
    which has no incidents: both sides count nothing)."""
    from vangnet.bench.insights import measure_insights, prepare_insights

    fixture = prepare_insights(0, board_email=world["board"].email)
    assert fixture.layout is None and fixture.board_id == world.board.pk
    assert fixture.school_id == world.school_a.pk
    result = measure_insights(fixture, repeat=1, warmup=0)
    assert all(c.incidents == 0 and c.cells == 0 for c in result.cases)
    assert "the demo data" in result.text()


@pytest.mark.django_db
def test_insights_page_targets_and_counts(world):
    """The page scenarios: the board user's board, the director's school and the
    generated board, each logged in with a session that opens the page."""
    from vangnet.bench.insights import page_counts, page_targets
    from vangnet.bench.queries import session_client

    fixture = _generated(world)
    pages = page_targets(
        fixture, board_email=world["board"].email, director_email=world["director_a"].email
    )
    assert [t.name for t in pages] == ["insights-board", "insights-school", "insights-generated"]
    assert pages[0].path.endswith(f"?bestuur={world.board.pk}")
    assert pages[1].path.endswith(f"?school={world.school_a.pk}")
    assert pages[2].path.endswith(f"?bestuur={fixture.board_id}")
    for target in pages:
        client = session_client(target.headers["Cookie"].split("=", 1)[1])
        assert client.get(target.path).status_code == 200, target.path
    count = page_counts(pages)
    assert count is not None and count.small > 0 and count.large > 0
    assert count.small_label == "2 schools" and count.large_label == "1 schools"


def test_insights_page_goal_is_judged_on_one_client(stub_port):
    first = run_load(
        stub_port,
        Target("insights-board", "board page", "/ok"),
        concurrency=1,
        seconds=0.1,
        warmup=0,
    )
    failing = run_load(
        stub_port,
        Target("insights-school", "school page", "/nope"),
        concurrency=1,
        seconds=0.1,
        warmup=0,
    )
    report = Report(
        {"date": "today", "vendor": "sqlite", **_meta()}, [], one_client=[first, failing]
    )
    goals = {g[0]: g[1] for g in report.goals() if "renders in" in g[0]}
    assert goals == {
        "board page renders in < 200 ms p95, one client": first.stats.percentile(95) < 0.2,
        "school page renders in < 200 ms p95, one client": False,  # errors never meet it
    }
    assert "One client at a time" in report.text()
    assert report.errors == failing.errors > 0


def test_insights_is_optional_and_selectable():
    from vangnet.bench.run import Options, incidents_for, selected

    default = Options()
    assert not selected(default, "insights") and not selected(default, "insights-board")
    assert selected(default, "pupil") and selected(default, "bare")
    only = Options(scenarios=("insights",))
    assert selected(only, "insights") and selected(only, "insights-generated")
    assert selected(only, "bare") and not selected(only, "pupil")
    assert incidents_for(default, "postgresql") == 1_000_000
    assert incidents_for(default, "sqlite") == 0
    assert incidents_for(Options(incidents=500), "postgresql") == 500


def test_bench_options_are_checked():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--incidents"):
        call_command("bench", "--scenarios", "insights", "--incidents", "-1")
    with pytest.raises(CommandError, match="--repeat"):
        call_command("bench", "--scenarios", "insights", "--repeat", "0")
