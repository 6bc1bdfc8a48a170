"""The real server under test: gunicorn on a free loopback port, as a child process that
is always stopped again (a context manager; its pid file lets a parent clean up too)."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from vangnet.bench.load import LOOPBACK
from vangnet.core.wsgi_server import wsgi_server_argv

READY_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


@dataclass(frozen=True)
class Server:
    port: int
    pid: int
    log: Path


def free_port(host: str = LOOPBACK) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _has_option(flag: str) -> bool:
    from gunicorn.config import KNOWN_SETTINGS

    return any(flag in (s.cli or []) for s in KNOWN_SETTINGS)


def gunicorn_argv(port: int, *, workers: int, threads: int, pid_file: Path, log: Path) -> list[str]:
    argv = [
        *wsgi_server_argv(f"{LOOPBACK}:{port}", workers=workers, threads=threads),
        "--pid",
        str(pid_file),
        "--error-logfile",
        str(log),
        "--log-level",
        "warning",
    ]
    if _has_option("--no-control-socket"):  # gunicorn >= 25: no shared ~/.gunicorn socket
        argv.append("--no-control-socket")
    return argv


def _healthy(port: int) -> bool:
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=2)
    try:
        conn.request("GET", "/healthz", headers={"Host": f"{LOOPBACK}:{port}"})
        return conn.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def log_tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM (gunicorn's graceful stop), then SIGKILL if it does not go in time."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=STOP_TIMEOUT)


def stop_pid_file(pid_file: Path) -> None:
    """Stop a gunicorn a crashed child left behind, by the pid it wrote (if still alive)."""
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return
    cmdline = Path(f"/proc/{pid}/cmdline")
    with contextlib.suppress(OSError):
        if b"gunicorn" not in cmdline.read_bytes():
            return  # the pid now belongs to another program
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGTERM)


@contextlib.contextmanager
def running_server(
    *, workers: int, threads: int, run_dir: Path, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """Start gunicorn, wait until ``/healthz`` answers, yield, and always stop it."""
    port = free_port()
    pid_file = run_dir / "gunicorn.pid"
    log = run_dir / "gunicorn.log"
    argv = gunicorn_argv(port, workers=workers, threads=threads, pid_file=pid_file, log=log)
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        argv,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl+C reaches us, and we stop it in order
    )
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while not _healthy(port):
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.returncode}:\n{log_tail(log)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn not ready in {READY_TIMEOUT:g} s:\n{log_tail(log)}")
            time.sleep(0.2)
        yield Server(port=port, pid=proc.pid, log=log)
    finally:
        stop_process(proc)
