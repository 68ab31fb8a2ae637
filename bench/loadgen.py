"""A small, bounded HTTP load generator for loopback benchmarks.

`concurrency` threads each hold one `http.client` connection (kept alive when
the server allows it; gunicorn's sync workers close it after every response,
in which case the next request reconnects) and send GET requests back to back
until `duration` seconds have passed or `max_requests` have been sent in all.
Only 127.0.0.1 / ::1 / localhost may be targeted.
"""

from __future__ import annotations

import http.client
import itertools
import statistics
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@dataclass
class LoadResult:
    path: str
    concurrency: int
    duration_s: float
    requests: int
    errors: int
    statuses: dict[str, int]
    bytes: int
    rps: float
    p50_ms: float | None
    p90_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    client_cpu_pct: float
    error_samples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def percentile(sorted_values: list[float], q: float) -> float | None:
    """Nearest-rank percentile of an already sorted list (q in 0..100)."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * q // 100))  # ceil(n * q / 100)
    return sorted_values[int(min(rank, len(sorted_values))) - 1]


def run_load(
    host: str,
    port: int,
    path: str,
    *,
    duration: float = 10.0,
    concurrency: int = 8,
    max_requests: int = 50_000,
    host_header: str = "localhost",
    timeout: float = 30.0,
) -> LoadResult:
    if host not in LOOPBACK:
        raise ValueError(f"Refusing to load anything but loopback, got {host!r}")
    if concurrency < 1 or duration <= 0 or max_requests < 1:
        raise ValueError("concurrency, duration and max_requests must be positive")

    tickets = itertools.count()  # next() on a count is atomic under the GIL
    barrier = threading.Barrier(concurrency + 1)
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors: list[str] = []
    total_bytes = 0
    deadline = 0.0
    headers = {"Host": host_header, "User-Agent": "maison-ess-bench/1"}

    def worker() -> None:
        nonlocal total_bytes
        local_lat: list[float] = []
        local_status: Counter[int] = Counter()
        local_errors: list[str] = []
        local_bytes = 0
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        barrier.wait()
        while time.perf_counter() < deadline and next(tickets) < max_requests:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as exc:
                local_errors.append(f"{type(exc).__name__}: {exc}")
                conn.close()
                continue
            local_lat.append(time.perf_counter() - start)
            local_status[response.status] += 1
            local_bytes += len(payload)
        conn.close()
        with lock:
            latencies.extend(local_lat)
            statuses.update(local_status)
            errors.extend(local_errors)
            total_bytes += local_bytes

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    cpu_started = time.process_time()
    deadline = started + duration
    barrier.wait()
    for thread in threads:
        thread.join(duration + timeout + 5)
    elapsed = time.perf_counter() - started
    # CPU used by this process (the client threads), in % of one core: on a
    # small machine the client competes with the server for the same cores.
    client_cpu = time.process_time() - cpu_started

    latencies.sort()
    ms = [x * 1000 for x in latencies]
    done = len(latencies)
    return LoadResult(
        path=path,
        concurrency=concurrency,
        duration_s=round(elapsed, 3),
        requests=done,
        errors=len(errors),
        statuses={str(k): v for k, v in sorted(statuses.items())},
        bytes=total_bytes,
        rps=round(done / elapsed, 1) if elapsed > 0 else 0.0,
        p50_ms=round(statistics.median(ms), 2) if ms else None,
        p90_ms=_round(percentile(ms, 90)),
        p99_ms=_round(percentile(ms, 99)),
        max_ms=_round(ms[-1] if ms else None),
        client_cpu_pct=round(100 * client_cpu / elapsed, 1) if elapsed > 0 else 0.0,
        error_samples=sorted(set(errors))[:5],
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
