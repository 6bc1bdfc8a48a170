import argparse
import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "Benchmark the real server (gunicorn) on a throwaway database: the bare view, the "
        "pupil page and the API against their floors, plus queries per request; with "
        "--scenarios insights, the incident insights query at scale against plain SQL. "
        "See docs/bench.md."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--database-url",
            default=None,
            help="PostgreSQL server to benchmark on (default: DATABASE_URL if it is "
            "PostgreSQL, else a fresh SQLite file); the run uses its own database "
            "vangnet_bench there and drops it afterwards",
        )
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
        parser.add_argument(
            "--threads", type=int, default=4, help="threads per worker (4, as `vangnet serve`)"
        )
        parser.add_argument("--concurrency", type=int, default=8, help="parallel clients (8)")
        parser.add_argument("--seconds", type=float, default=10.0, help="per scenario (10)")
        parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured lead-in (2)")
        parser.add_argument(
            "--rounds",
            type=int,
            default=5,
            help="interleave the scenarios in this many slices, so background load on the "
            "machine hits them alike (5)",
        )
        parser.add_argument(
            "--scenarios",
            default="",
            help="comma-separated scenarios to load, e.g. care-home (default: all but "
            "insights; the bare view always runs, as the floor the others are compared with)",
        )
        parser.add_argument(
            "--incidents",
            type=int,
            default=None,
            help="insights: incidents to generate (default: 1000000 on PostgreSQL; 0, the "
            "demo data only, on SQLite)",
        )
        parser.add_argument(
            "--repeat",
            type=int,
            default=30,
            help="insights: measured repetitions of each query, after 3 warm-up (30)",
        )
        parser.add_argument("--child-json", default=None, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("workers", "threads", "concurrency", "rounds"):
            if not 1 <= options[name] <= 256:
                raise CommandError(f"--{name} must be between 1 and 256")
        if not 0 < options["seconds"] <= 3600 or not 0 <= options["warmup"] <= 600:
            raise CommandError("--seconds must be in (0, 3600], --warmup in [0, 600]")
        if options["incidents"] is not None and not 0 <= options["incidents"] <= 10_000_000:
            raise CommandError("--incidents must be between 0 and 10000000")
        if not 1 <= options["repeat"] <= 10_000:
            raise CommandError("--repeat must be between 1 and 10000")
        from vangnet.bench.run import SCENARIOS

        chosen = tuple(s.strip() for s in options["scenarios"].split(",") if s.strip())
        unknown = sorted(set(chosen) - set(SCENARIOS))
        if unknown:
            raise CommandError(
                f"unknown scenario {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}"
            )
        options["scenarios"] = ",".join(chosen)

        def progress(text: str) -> None:
            print(f"bench: {text}", file=sys.stderr, flush=True)

        if options["child_json"]:
            code = self._child(options, progress)
        else:
            code = self._outer(options, progress)
        if code:
            raise SystemExit(code)

    def _child(self, options: dict[str, Any], progress: Any) -> int:
        from vangnet.bench.insights import InsightsMismatch
        from vangnet.bench.prepare import CHILD_MARKER
        from vangnet.bench.run import Options, run_child

        if os.environ.get(CHILD_MARKER) != "1" or not settings.BENCH_ENABLED:
            raise CommandError("--child-json is internal to `vangnet bench`")
        opts = Options(
            workers=options["workers"],
            threads=options["threads"],
            concurrency=options["concurrency"],
            seconds=options["seconds"],
            warmup=options["warmup"],
            rounds=options["rounds"],
            scenarios=tuple(s for s in options["scenarios"].split(",") if s),
            incidents=options["incidents"],
            repeat=options["repeat"],
        )

        def out(text: str) -> None:
            self.stdout.write(text)
            self.stdout.flush()

        try:
            return run_child(opts, Path(options["child_json"]), out, progress)
        except InsightsMismatch as exc:
            progress(f"ERROR: {exc}")
            return 1
        except KeyboardInterrupt:
            progress("interrupted; server stopped")
            return 130

    def _outer(self, options: dict[str, Any], progress: Any) -> int:
        from vangnet.bench.prepare import plan_database, run_outer

        url = options["database_url"] or os.environ.get("DATABASE_URL") or None
        vendor = plan_database(url, Path("unused")).vendor
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        json_path = Path(settings.DATA_DIR) / "bench" / f"bench-{vendor}-{stamp}.json"
        child_args = [
            f"--{name}={options[name]}"
            for name in (
                "workers",
                "threads",
                "concurrency",
                "seconds",
                "warmup",
                "rounds",
                "scenarios",
                "repeat",
            )
        ]
        if options["incidents"] is not None:
            child_args.append(f"--incidents={options['incidents']}")
        try:
            return run_outer(
                database_url=url, child_args=child_args, json_path=json_path, progress=progress
            )
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
