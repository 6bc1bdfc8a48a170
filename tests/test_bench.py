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
    from vangnet.bench.run import SCENARIOS, Options, selected, targets
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
    assert names == list(SCENARIOS)
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
