from typing import Any

from django.core.management.base import BaseCommand

from vangnet.demo.build import ACCOUNTS, PASSWORD, build, totp_secret


class Command(BaseCommand):
    help = "Load the demo data (idempotent). --reset wipes ALL data first."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--reset", action="store_true", help="delete all data, then load")
        parser.add_argument("--pupils-per-group", type=int, default=25)

    def handle(self, *args: Any, reset: bool, pupils_per_group: int, **options: Any) -> None:
        if reset:
            from vangnet.demo.reset import wipe_all

            wipe_all()
            self.stdout.write("all data removed")
        created = build(per_group=pupils_per_group)
        self.stdout.write("demo data loaded" if created else "demo data already present")
        self.stdout.write(
            f"\nDemo accounts (password: {PASSWORD}); TOTP secrets for an authenticator app:"
        )
        for account in ACCOUNTS:
            self.stdout.write(
                f"  {account.email:<36} {totp_secret(account.email)}  {account.description}"
            )
        self.stdout.write("\nCurrent code for an account: vangnet totp EMAIL")
