import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from vangnet.core.wsgi_server import wsgi_server_argv


class Command(BaseCommand):
    help = "Serve Vangnet with gunicorn (a production WSGI server; static files included)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)

    def handle(
        self, *args: Any, port: int, host: str, workers: int, threads: int, **options: Any
    ) -> None:
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Vangnet on http://{host}:{port}/ (Ctrl+C stops)")
        sys.stdout.flush()
        argv = [
            *wsgi_server_argv(f"{host}:{port}", workers=workers, threads=threads),
            "--access-logfile",
            "-",
        ]
        os.execv(sys.executable, argv)  # noqa: S606
