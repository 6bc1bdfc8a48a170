"""The load generator: concurrent keep-alive HTTP clients against one loopback server.

Plain Python (threads and :mod:`http.client`), no Django. Every latency is recorded;
requests that start during the warm-up are sent but not counted. A run is bounded in
time (the deadline, a socket timeout) and in count (``max_requests``).
"""

from __future__ import annotations

import http.client
import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

LOOPBACK = "127.0.0.1"
SOCKET_TIMEOUT = 30.0
MAX_ERROR_SAMPLES = 5


@dataclass(frozen=True)
class Target:
    """One scenario: a GET path with its headers (cookie or bearer token)."""

    name: str
    label: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Stats:
    """Latencies (seconds) of a measured window and what they add up to."""

    latencies: list[float]
    seconds: float

    def __post_init__(self) -> None:
        self.latencies.sort()

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds > 0 else 0.0

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile in seconds (0.0 without data)."""
        if not self.latencies:
            return 0.0
        rank = max(1, math.ceil(q / 100 * len(self.latencies)))
        return self.latencies[min(rank, len(self.latencies)) - 1]

    def summary(self) -> dict[str, float]:
        return {
            "count": self.count,
            "seconds": round(self.seconds, 3),
            "per_second": round(self.per_second, 1),
            "p50_ms": round(self.percentile(50) * 1000, 3),
            "p95_ms": round(self.percentile(95) * 1000, 3),
            "p99_ms": round(self.percentile(99) * 1000, 3),
        }


@dataclass
class LoadResult:
    target: Target
    stats: Stats
    errors: int = 0
    statuses: Counter[int | str] = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.target.name,
            "label": self.target.label,
            "path": self.target.path,
            **self.stats.summary(),
            "errors": self.errors,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items(), key=str)},
            "error_samples": self.error_samples,
        }


class _Worker(threading.Thread):
    def __init__(
        self,
        port: int,
        target: Target,
        start_at: float,
        measure_from: float,
        end_at: float,
        budget: int,
        host: str = LOOPBACK,
    ) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.host = host
        self.target = target
        self.start_at = start_at
        self.measure_from = measure_from
        self.end_at = end_at
        self.budget = budget
        self.latencies: list[float] = []
        self.last_finish = measure_from
        self.errors = 0
        self.statuses: Counter[int | str] = Counter()
        self.samples: list[str] = []

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=SOCKET_TIMEOUT)

    def _sample(self, text: str) -> None:
        if len(self.samples) < MAX_ERROR_SAMPLES:
            self.samples.append(text[:300])

    def run(self) -> None:
        conn = self._connect()
        headers = {"Host": f"{self.host}:{self.port}", **self.target.headers}
        while time.perf_counter() < self.start_at:
            time.sleep(0.0005)
        sent = 0
        try:
            while sent < self.budget:
                started = time.perf_counter()
                if started >= self.end_at and self.latencies:
                    break  # (a late-starting client still measures one request)
                sent += 1
                status: int | str
                body = b""
                try:
                    conn.request("GET", self.target.path, headers=headers)
                    response = conn.getresponse()
                    body = response.read()
                    status = response.status
                    if response.will_close:
                        conn.close()  # http.client reconnects on the next request
                except (OSError, http.client.HTTPException) as exc:
                    status = type(exc).__name__
                    conn.close()
                    conn = self._connect()
                finished = time.perf_counter()
                if started < self.measure_from:
                    continue  # warm-up: sent, not counted
                self.latencies.append(finished - started)
                self.last_finish = max(self.last_finish, finished)
                self.statuses[status] += 1
                if status != 200:
                    self.errors += 1
                    self._sample(f"{status}: {body[:200]!r}")
        finally:
            conn.close()


def run_load(
    port: int,
    target: Target,
    *,
    concurrency: int,
    seconds: float,
    warmup: float,
    max_requests: int = 2_000_000,
    host: str = LOOPBACK,
) -> LoadResult:
    """Send ``target`` from ``concurrency`` keep-alive clients for ``warmup`` + ``seconds``.

    Only loopback addresses are allowed: the benchmark never leaves this machine.
    """
    if not (host.startswith("127.") or host in ("localhost", "::1")):
        raise ValueError(f"the benchmark only talks to loopback, not {host!r}")
    concurrency = max(1, concurrency)
    start_at = time.perf_counter() + 0.05
    measure_from = start_at + max(0.0, warmup)
    end_at = measure_from + max(0.0, seconds)
    budget = max(1, max_requests // concurrency)
    workers = [
        _Worker(port, target, start_at, measure_from, end_at, budget, host)
        for _ in range(concurrency)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=max(0.0, end_at - time.perf_counter()) + SOCKET_TIMEOUT + 5)
    latencies = [lat for w in workers for lat in w.latencies]
    last = max((w.last_finish for w in workers), default=measure_from)
    statuses: Counter[int | str] = Counter()
    samples: list[str] = []
    for worker in workers:
        statuses.update(worker.statuses)
        samples.extend(worker.samples)
    errors = sum(w.errors for w in workers)
    if any(w.is_alive() for w in workers):
        errors += 1
        samples.append("a client thread did not finish in time")
    return LoadResult(
        target=target,
        stats=Stats(latencies, max(last - measure_from, 1e-9)),
        errors=errors,
        statuses=statuses,
        error_samples=samples[:MAX_ERROR_SAMPLES],
    )


ROUND_WARMUP = 0.2


def merge(results: Sequence[LoadResult]) -> LoadResult:
    """One scenario's rounds as one result: all latencies, the summed windows."""
    statuses: Counter[int | str] = Counter()
    samples: list[str] = []
    for result in results:
        statuses.update(result.statuses)
        samples.extend(result.error_samples)
    return LoadResult(
        target=results[0].target,
        stats=Stats(
            [lat for r in results for lat in r.stats.latencies],
            sum(r.stats.seconds for r in results),
        ),
        errors=sum(r.errors for r in results),
        statuses=statuses,
        error_samples=samples[:MAX_ERROR_SAMPLES],
    )


def run_all(
    port: int,
    targets: Sequence[Target],
    *,
    concurrency: int,
    seconds: float,
    warmup: float,
    rounds: int = 1,
    progress: Callable[[str], None] | None = None,
) -> list[LoadResult]:
    """Every target for ``seconds`` in all, in ``rounds`` interleaved slices: whatever
    else the machine does then falls on all scenarios alike, which keeps the ratios fair.
    The first slice of each target starts with ``warmup``; later ones with a short one."""
    rounds = max(1, rounds)
    parts: dict[str, list[LoadResult]] = {t.name: [] for t in targets}
    for index in range(rounds):
        if progress is not None:
            progress(
                f"load: round {index + 1}/{rounds}, {len(targets)} scenarios x "
                f"{seconds / rounds:g} s, {concurrency} clients"
            )
        for target in targets:
            lead = warmup if index == 0 else min(warmup, ROUND_WARMUP)
            parts[target.name].append(
                run_load(
                    port, target, concurrency=concurrency, seconds=seconds / rounds, warmup=lead
                )
            )
    return [merge(parts[t.name]) for t in targets]
