import time
import uuid
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from vangnet.core.periodic import run_due


class Command(BaseCommand):
    help = "Run background tasks and periodic jobs (deadline checks, housekeeping)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between polls")
        parser.add_argument("--once", action="store_true", help="one round, then stop")

    def handle(self, *args: Any, interval: float, once: bool, **options: Any) -> None:
        worker_id = f"vangnet-{uuid.uuid4().hex[:8]}"
        self.stdout.write(f"worker {worker_id} started (Ctrl+C stops)")
        try:
            while True:
                close_old_connections()
                for name, result in run_due():
                    self.stdout.write(f"{name}: {result}")
                Worker(
                    queue_names=["*"],
                    interval=0,
                    batch=True,
                    backend_name="default",
                    startup_delay=False,
                    max_tasks=None,
                    worker_id=worker_id,
                    excluded_queue_names=[],
                ).run()
                if once:
                    return
                time.sleep(interval)
        except KeyboardInterrupt:
            self.stdout.write("worker stopped")
