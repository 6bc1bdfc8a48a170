from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vangnet.accounts.actions import do_create_api_token
from vangnet.accounts.models import User
from vangnet.core.audit import Actor


class Command(BaseCommand):
    help = "API tokens. `vangnet token create EMAIL` prints a new token for that user."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("email")
        create.add_argument("--name", default="cli")

    def handle(self, *args: Any, action: str, email: str, name: str, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None or not user.is_active:
            raise CommandError(f"no active user with e-mail address {email}")
        token = do_create_api_token(user, name=name, actor=Actor.system("cli"))
        self.stdout.write(token)
