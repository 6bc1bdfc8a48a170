"""The outer half of `vangnet bench`: a throwaway database and data folder, the measuring
child process (``vangnet bench`` again, pointed at them), and the clean-up afterwards.

SQLite (the default): a fresh file in a temporary folder. PostgreSQL (``--database-url``
or ``DATABASE_URL``): a dedicated database ``vangnet_bench`` on that server, created for
the run and dropped after it. No other database is read or written; a database of that
name is only dropped when it carries the benchmark's own comment.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit, urlunsplit

import dj_database_url

from vangnet.bench.server import stop_pid_file

BENCH_DB = "vangnet_bench"
BENCH_COMMENT = "vangnet bench scratch database (dropped after each run)"
CHILD_MARKER = "VANGNET_BENCH_CHILD"
CHILD_WAIT = 60.0


@dataclass(frozen=True)
class Plan:
    vendor: str  # "sqlite" or "postgresql"
    child_url: str  # the database the child migrates, loads and measures
    admin_url: str = ""  # PostgreSQL: where CREATE/DROP DATABASE is issued


def plan_database(url: str | None, run_dir: Path) -> Plan:
    """Where the benchmark's own database lives; never the database ``url`` names."""
    if url and "postgresql" in dj_database_url.parse(url)["ENGINE"]:
        parts = urlsplit(url)
        admin = parts
        if parts.path.strip("/") in ("", BENCH_DB):
            admin = parts._replace(path="/postgres")
        child = parts._replace(path=f"/{BENCH_DB}")
        return Plan("postgresql", urlunsplit(child), urlunsplit(admin))
    return Plan("sqlite", f"sqlite:///{run_dir / 'bench.sqlite3'}")


def _pg_admin(plan: Plan) -> object:
    import psycopg

    return psycopg.connect(plan.admin_url, autocommit=True, connect_timeout=10)


def _ours(conn: object, name: str) -> bool | None:
    """None: no such database; True/False: it exists and is/is not the benchmark's."""
    row = conn.execute(  # type: ignore[attr-defined]
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        [name],
    ).fetchone()
    if row is None:
        return None
    return bool(row[0] == BENCH_COMMENT)


def _drop(conn: object, name: str) -> None:
    from psycopg import errors, sql

    ident = sql.Identifier(name)
    try:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))  # type: ignore[attr-defined]
    except errors.SyntaxError:  # PostgreSQL < 13
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(ident))  # type: ignore[attr-defined]


def create_database(plan: Plan) -> None:
    import psycopg

    try:
        _create(plan)
    except psycopg.Error as exc:
        raise RuntimeError(f"PostgreSQL: {str(exc).strip()}") from None


def _create(plan: Plan) -> None:
    from psycopg import sql

    with _pg_admin(plan) as conn:  # type: ignore[attr-defined]
        state = _ours(conn, BENCH_DB)
        if state is False:
            raise RuntimeError(
                f'database "{BENCH_DB}" exists and was not made by `vangnet bench`; '
                "drop or rename it first"
            )
        if state:  # left behind by an interrupted run
            _drop(conn, BENCH_DB)
        ident = sql.Identifier(BENCH_DB)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))
        conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(ident, BENCH_COMMENT))


def drop_database(plan: Plan) -> None:
    with _pg_admin(plan) as conn:  # type: ignore[attr-defined]
        if _ours(conn, BENCH_DB):
            _drop(conn, BENCH_DB)


def child_env(plan: Plan, run_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vangnet.settings",
        "DATABASE_URL": plan.child_url,
        "VANGNET_DATA_DIR": str(run_dir),
        "VANGNET_BENCH": "1",
        "VANGNET_MODE": "development",
        "VANGNET_DEBUG": "0",
        "VANGNET_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "PYTHONUNBUFFERED": "1",
        CHILD_MARKER: "1",
    }


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _wait_child(proc: subprocess.Popen[bytes]) -> int:
    try:
        return proc.wait()
    except KeyboardInterrupt:
        # Ctrl+C reached the child too; SIGTERM covers a kill aimed at us alone.
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=CHILD_WAIT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        return 130


def run_outer(
    *,
    database_url: str | None,
    child_args: list[str],
    json_path: Path,
    progress: Callable[[str], None],
) -> int:
    """Prepare, run the measuring child, clean up; returns the child's exit code."""
    run_dir = Path(tempfile.mkdtemp(prefix="vangnet-bench-"))
    plan = plan_database(database_url, run_dir)
    created = False
    try:
        with sigterm_as_interrupt():
            if plan.vendor == "postgresql":
                progress(f'creating database "{BENCH_DB}" on {_safe(plan.child_url)}')
                create_database(plan)
                created = True
            else:
                progress(f"fresh SQLite database in {run_dir}")
            argv = [
                sys.executable,
                "-m",
                "vangnet.cli",
                "bench",
                *child_args,
                "--child-json",
                str(json_path),
            ]
            proc = subprocess.Popen(argv, env=child_env(plan, run_dir))  # noqa: S603
            return _wait_child(proc)
    except KeyboardInterrupt:
        return 130
    finally:
        stop_pid_file(run_dir / "gunicorn.pid")  # only if a crashed child left it running
        if created:
            try:
                drop_database(plan)
                progress(f'dropped database "{BENCH_DB}"')
            except Exception as exc:
                progress(f'WARNING: could not drop database "{BENCH_DB}": {exc}')
        shutil.rmtree(run_dir, ignore_errors=True)


def _safe(url: str) -> str:
    """A URL without its password, for printing."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit(parts._replace(netloc=f"{user}{host}"))
