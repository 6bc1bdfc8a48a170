from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Create synthetic boards, schools, pupils and incidents for benchmarks (the seasonal "
        "pattern of the seeds). Adds new boards on every run; never in production mode."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--boards", type=int, default=1)
        parser.add_argument("--schools-per-board", type=int, default=10)
        parser.add_argument("--pupils-per-school", type=int, default=200)
        parser.add_argument("--years", type=int, default=3, help="years of incidents, to today")
        parser.add_argument("--incidents-per-school-year", type=int, default=60)
        parser.add_argument("--seed", type=int, default=0, help="same seed, same data")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("generate fills the database with fake data: not in production")
        limits = {
            "boards": (1, 10_000),
            "schools_per_board": (1, 10_000),
            "pupils_per_school": (2, 100_000),
            "years": (1, 50),
            "incidents_per_school_year": (0, 1_000_000),
        }
        for name, (low, high) in limits.items():
            if not low <= options[name] <= high:
                flag = "--" + name.replace("_", "-")
                raise CommandError(f"{flag} must be between {low} and {high}")
        from vangnet.incidents.generate import Counts, generate

        def progress(counts: Counts) -> None:
            self.stdout.write(f"  {counts.incidents:,} incidents written")

        counts = generate(
            boards=options["boards"],
            schools_per_board=options["schools_per_board"],
            pupils_per_school=options["pupils_per_school"],
            years=options["years"],
            incidents_per_school_year=options["incidents_per_school_year"],
            seed=options["seed"],
            progress=progress if options["verbosity"] > 1 else None,
        )
        summary = ", ".join(f"{value:,} {name}" for name, value in counts.as_dict().items())
        rate = counts.incidents / counts.seconds if counts.seconds else 0.0
        self.stdout.write(
            f"generated {summary} in {counts.seconds:.1f} s ({rate:,.0f} incidents/s)"
        )
