from typing import Any

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from vangnet.demo.build import ACCOUNTS, totp_secret


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo account (demo accounts only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        if email.lower() not in {a.email for a in ACCOUNTS}:
            raise CommandError("only the documented demo accounts have a known TOTP secret")
        counter = int(timezone.now().timestamp()) // 30
        self.stdout.write(format_hotp_value(hotp_value(totp_secret(email.lower()), counter)))
