"""The one way Vangnet starts its WSGI server (gunicorn): `vangnet serve` and the benchmark."""

from __future__ import annotations

import sys


def wsgi_server_argv(bind: str, *, workers: int, threads: int) -> list[str]:
    """The gunicorn command line for ``vangnet.wsgi`` on ``bind`` (host:port)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "vangnet.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--graceful-timeout",
        "5",
    ]
