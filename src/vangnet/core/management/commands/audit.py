from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vangnet.core.audit import verify


class Command(BaseCommand):
    help = "Audit log tools. `vangnet audit verify` proves every hash chain."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("verify", help="verify the hash chains; exit 1 on a broken one")
        check.add_argument("--chain", action="append", help="only this chain (board:<id>)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        reports = verify(options.get("chain"))
        broken = [r for r in reports if not r.ok]
        for report in reports:
            (self.stderr if not report.ok else self.stdout).write(report.line())
        if not reports:
            self.stdout.write("no audit events yet")
        if broken:
            raise CommandError(f"audit chain broken: {broken[0].line()}", returncode=1)
        self.stdout.write(f"OK: {sum(r.events for r in reports)} events in {len(reports)} chains")
