"""Benchmark runner: generate synthetic data, then time the site's URLs.

    .venv/bin/python -m bench.run --items 1000            # SQLite under var/bench/
    .venv/bin/python -m bench.run --items 1000 --load     # + gunicorn throughput
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_maison_ess \\
        .venv/bin/python -m bench.run --items 1000

Steps: (re)create the dedicated database, migrate, run the registered data
generators (`<app>/bench.py`), then for each URL measure the in-process server
time over R warm runs through Django's test Client, the SQL query count, the
response status and size. With --load, also start gunicorn on 127.0.0.1 and
measure requests/s and latency percentiles under a fixed concurrency.
Prints a Markdown table and writes JSON under bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import warnings
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
VAR_BENCH = BASE_DIR / "var" / "bench"
FLOOR_PATH = "/healthz"


def log(message: str) -> None:
    stamp = time.strftime("%H:%M:%S", time.gmtime())
    print(f"[bench {stamp}Z] {message}", file=sys.stderr, flush=True)


# --- Command line ----------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description="Generate synthetic content and benchmark the site's pages.",
    )
    parser.add_argument(
        "--db",
        help="SQLite file path or database URL (sqlite:///…, postgres://…). Default: "
        "$DATABASE_URL if set, else var/bench/bench-<items>.sqlite3. Without --reuse the "
        "database is reset first, which is only allowed when its name contains 'bench'.",
    )
    parser.add_argument(
        "--settings", default="bench.settings", help="settings module (default bench.settings)"
    )
    parser.add_argument("--items", type=int, default=1000, help="items per generator (1000)")
    parser.add_argument("--generators", help="comma-separated generator names (default: all)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep an existing database; generators already run on it are skipped",
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed (42)")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per URL (30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs per URL first (3)")
    parser.add_argument(
        "--url-budget",
        type=float,
        default=30.0,
        help="seconds per URL after which warm-up and timed runs stop early (30)",
    )
    parser.add_argument(
        "--url", action="append", default=[], metavar="PATH", help="extra path (repeatable)"
    )
    parser.add_argument(
        "--only-url",
        action="append",
        default=[],
        metavar="PATH",
        help="measure only these paths (plus the floor); repeatable",
    )
    parser.add_argument(
        "--sql", action="store_true", help="store every URL's SQL queries in the JSON"
    )
    parser.add_argument("--load", action="store_true", help="also measure under gunicorn")
    parser.add_argument("--load-duration", type=float, default=10.0, help="seconds per URL (10)")
    parser.add_argument("--load-concurrency", type=int, default=8, help="client threads (8)")
    parser.add_argument(
        "--load-max-requests", type=int, default=50_000, help="request cap per URL (50000)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument(
        "--page-cache",
        choices=["env", "on", "off", "both"],
        default="env",
        help="full-page cache for the measurements: as the settings say (env), on, off, or "
        "both in the same run, each page then reported as a share of the floor",
    )
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="LABEL=URL",
        help="with --load, also load this page of another server on loopback (another site "
        "measured in the same run, e.g. 'demo detail=http://127.0.0.1:8300/blog/a-post/'); "
        "repeatable",
    )
    parser.add_argument("--label", default="", help="free text stored with the results")
    parser.add_argument("--output", help="JSON file (default bench/results/<date>-….json)")
    args = parser.parse_args(argv)
    try:
        args.compare = [parse_compare(value) for value in args.compare]
    except ValueError as error:
        parser.error(str(error))
    if args.compare and not args.load:
        parser.error("--compare needs --load")
    if args.items < 0 or args.runs < 1 or args.warmup < 0:
        parser.error("--items must be >= 0, --runs >= 1, --warmup >= 0")
    return args


# --- Database ------------------------------------------------------------------


def resolve_db_url(args: argparse.Namespace) -> str:
    if args.db:
        if "://" in args.db:
            return args.db
        return f"sqlite:///{Path(args.db).expanduser().resolve()}"
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    return f"sqlite:///{VAR_BENCH / f'bench-{args.items}.sqlite3'}"


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def database_exists(url: str) -> bool:
    import dj_database_url

    config = dj_database_url.parse(url)
    if config["ENGINE"].endswith("sqlite3"):
        return Path(config["NAME"]).exists()
    if config["ENGINE"].endswith("postgresql"):
        return _pg_database_exists(config)
    return True


def _pg_connect(config: dict, dbname: str):
    import psycopg

    return psycopg.connect(
        dbname=dbname,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
    )


def _pg_database_exists(config: dict) -> bool:
    with _pg_connect(config, "postgres") as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        return row.fetchone() is not None


def reset_database(url: str) -> None:
    """Empty the dedicated benchmark database (never one whose name lacks 'bench')."""
    import dj_database_url

    config = dj_database_url.parse(url)
    name = str(config["NAME"])
    if "bench" not in Path(name).name.lower():
        raise SystemExit(
            f"Refusing to reset {redact(url)}: its name does not contain 'bench'. "
            "Use a dedicated database, or --reuse to keep it as it is."
        )
    engine = config["ENGINE"]
    if engine.endswith("sqlite3"):
        path = Path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    elif engine.endswith("postgresql"):
        from psycopg import sql

        if not _pg_database_exists(config):
            with _pg_connect(config, "postgres") as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        else:
            with _pg_connect(config, name) as conn:
                conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
                conn.execute("CREATE SCHEMA public")
    else:
        raise SystemExit(f"Unsupported database engine for the bench: {engine}")


MARKER_TABLE = "bench_generated"


def generated_marks() -> dict[str, dict]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (name varchar(100) PRIMARY KEY, "
            "items integer NOT NULL, seconds double precision NOT NULL, "
            "created_at varchar(40) NOT NULL)"
        )
        cursor.execute(f"SELECT name, items, seconds, created_at FROM {MARKER_TABLE}")  # noqa: S608
        return {
            name: {"items": items, "seconds": seconds, "created_at": created}
            for name, items, seconds, created in cursor.fetchall()
        }


def mark_generated(name: str, items: int, seconds: float) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MARKER_TABLE} WHERE name = %s", [name])  # noqa: S608
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (name, items, seconds, created_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s)",
            [name, items, seconds, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")],
        )


# --- Machine facts ----------------------------------------------------------------


def machine_facts() -> dict:
    import django
    import wagtail
    from django.db import connection

    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_total_mb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_total_mb = int(line.split()[1]) // 1024
    except OSError:
        pass
    if connection.vendor == "sqlite":
        import sqlite3

        db_version = sqlite3.sqlite_version
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            db_version = cursor.fetchone()[0]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    try:
        import gunicorn

        gunicorn_version = gunicorn.__version__
    except ImportError:
        gunicorn_version = None
    return {
        "cpu_model": cpu_model,
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "mem_total_mb": mem_total_mb,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "gunicorn": gunicorn_version,
        "db_vendor": connection.vendor,
        "db_version": db_version,
        "git_commit": commit,
    }


def data_counts() -> dict:
    from django.db import connection
    from wagtail.models import Page, Revision

    counts = {"pages": Page.objects.count(), "revisions": Revision.objects.count()}
    try:
        from modelsearch.models import IndexEntry

        counts["search_index_entries"] = IndexEntry.objects.count()
    except Exception:  # other search backends keep no table
        counts["search_index_entries"] = None
    counts["db_vendor"] = connection.vendor
    return counts


# --- URLs --------------------------------------------------------------------------


def default_urls() -> list[tuple[str, str]]:
    """The floor, the French home page, a standard page in the middle of the
    tree, a search and the busiest theme, resolved from the data."""
    from django.db.models import Count
    from django.urls import reverse
    from wagtail.models import Locale, Site

    urls = [("floor (/healthz)", FLOOR_PATH)]
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        urls.append(("home page", site.root_page.localized.url))
    try:
        from home.models import StandardPage, Theme
    except ImportError:
        return urls
    leaves = StandardPage.objects.live().filter(numchild=0, locale=Locale.get_active())
    count = leaves.count()
    if count:
        urls.append(("standard page", leaves.order_by("path")[count // 2].url))
    urls.append(("search 'economie'", reverse("search") + "?q=economie"))
    theme = Theme.objects.annotate(n=Count("tagged_pages")).order_by("-n", "name").first()
    if theme is not None:
        urls.append(("theme page", reverse("theme_detail", kwargs={"slug": theme.slug})))
    return urls


def all_urls(args: argparse.Namespace) -> list[tuple[str, str]]:
    from django.utils import translation

    from bench import registry

    with translation.override("fr"):
        urls = default_urls()
        try:
            urls += registry.collect_urls()
        except Exception as exc:  # report, keep measuring the rest
            log(f"A register_urls function failed: {type(exc).__name__}: {exc}")
    urls += [(path, path) for path in args.url]
    if args.only_url:
        wanted = set(args.only_url)
        urls = [u for u in urls if u[1] in wanted or u[1] == FLOOR_PATH]
        urls += [(p, p) for p in args.only_url if p not in {u[1] for u in urls}]
    seen: set[str] = set()
    unique = []
    for label, path in urls:
        if path not in seen:
            seen.add(path)
            unique.append((label, path))
    return unique


# --- In-process measurement ---------------------------------------------------------


def _percentile(sorted_values: list[float], q: float) -> float:
    rank = max(1, -(-len(sorted_values) * q // 100))
    return sorted_values[int(min(rank, len(sorted_values))) - 1]


def _fetch(client, path: str):
    """(status, body size, error) for one GET; the body is fully consumed."""
    try:
        response = client.get(path)
        if getattr(response, "streaming", False):
            size = sum(len(chunk) for chunk in response.streaming_content)
        else:
            size = len(response.content)
    except Exception as exc:  # e.g. a missing 500.html template
        return "ERR", 0, f"{type(exc).__name__}: {exc}"[:300]
    error = None
    exc_info = getattr(response, "exc_info", None)
    if exc_info and exc_info[1] is not None:
        error = f"{type(exc_info[1]).__name__}: {exc_info[1]}"[:300]
    return response.status_code, size, error


_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")


def query_shapes(queries: list[dict]) -> tuple[int, list[tuple[int, str]]]:
    """Queries minus distinct query shapes (literals blanked): > 0 hints at
    N+1 patterns. Also the repeated shapes, most frequent first."""
    shapes = Counter(_LITERALS.sub("?", q["sql"]) for q in queries)
    repeated = sorted(((n, sql) for sql, n in shapes.items() if n > 1), reverse=True)
    return len(queries) - len(shapes), repeated


def measure_url(
    path: str, runs: int, warmup: int, budget: float = 30.0, with_sql: bool = False
) -> dict:
    """Warm-up runs, one run counting queries, then `runs` timed runs — fewer
    (at least one) when the URL has used up its `budget` seconds."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(raise_request_exception=False)
    deadline = time.perf_counter() + budget
    for _ in range(warmup):
        if time.perf_counter() > deadline:
            break
        _fetch(client, path)
    sql_seconds = []

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_seconds.append(time.perf_counter() - start)

    with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timed):
        status, size, error = _fetch(client, path)
    # Copy now: the next request's request_started signal resets the query log.
    captured = list(ctx.captured_queries)
    queries = len(captured)
    repeats, repeated_shapes = query_shapes(captured)
    times = []
    for _ in range(runs):
        if times and time.perf_counter() > deadline:
            break
        start = time.perf_counter()
        _fetch(client, path)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "status": status,
        "error": error,
        "bytes": size,
        "queries": queries,
        "repeated_queries": repeats,
        "db_ms": round(sum(sql_seconds) * 1000, 2),
        "sql": [{"ms": float(q["time"]) * 1000, "sql": q["sql"]} for q in captured]
        if with_sql
        else None,
        "repeated_shapes": [{"count": n, "sql": sql[:300]} for n, sql in repeated_shapes[:5]],
        "median_ms": round(statistics.median(times), 2),
        "p90_ms": round(_percentile(times, 90), 2),
        "min_ms": round(times[0], 2),
        "mean_ms": round(statistics.fmean(times), 2),
        "runs": len(times),
    }


# --- Load under gunicorn ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_ready(proc: subprocess.Popen, port: int, timeout: float = 60.0) -> None:
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", FLOOR_PATH, headers={"Host": "localhost"})
            if conn.getresponse().status == 200:
                conn.close()
                return
            conn.close()
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def run_load_phase(
    urls, args, db_url: str, skip: dict[str, str], extra_env: dict | None = None
) -> tuple[dict[str, dict], dict]:
    """Start gunicorn on a free loopback port, load each URL (but those in
    `skip`, path -> reason) for --load-duration seconds, stop gunicorn."""
    from bench.loadgen import run_load

    port = free_port()
    VAR_BENCH.mkdir(parents=True, exist_ok=True)
    log_path = VAR_BENCH / "gunicorn.log"
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=args.settings,
        BENCH_DATABASE_URL=db_url,
        DEBUG="false",
        PYTHONPATH=os.pathsep.join(filter(None, [str(BASE_DIR), env.get("PYTHONPATH")])),
        **(extra_env or {}),
    )
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.conf.py",
        "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
        "--timeout", "120", "--log-level", "warning",
    ]  # fmt: skip
    config = {
        "command": " ".join(command[1:]),
        "workers": args.workers,
        "concurrency": args.load_concurrency,
        "duration_s": args.load_duration,
        "max_requests": args.load_max_requests,
        "warmup_s": 1.0,
    }
    results: dict[str, dict] = {}
    log(f"Starting gunicorn on 127.0.0.1:{port} ({args.workers} workers), log: {log_path}")
    with open(log_path, "w") as log_file:
        proc = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
        config["pid"] = proc.pid
        try:
            wait_until_ready(proc, port)
            for label, path in urls:
                if path in skip:
                    log(f"  load {label}: skipped, {skip[path]}")
                    results[path] = {"skipped": skip[path]}
                    continue
                run_load(
                    "127.0.0.1", port, path, duration=1.0,
                    concurrency=args.load_concurrency, max_requests=2_000,
                )  # fmt: skip
                result = run_load(
                    "127.0.0.1", port, path, duration=args.load_duration,
                    concurrency=args.load_concurrency, max_requests=args.load_max_requests,
                )  # fmt: skip
                results[path] = result.as_dict()
                log(
                    f"  load {label}: {result.rps} req/s, p50 {result.p50_ms} ms, "
                    f"p99 {result.p99_ms} ms, statuses {result.statuses}, errors {result.errors}, "
                    f"client CPU {result.client_cpu_pct} %"
                )
        finally:
            stop_process(proc)
            log(f"Stopped gunicorn (pid {proc.pid})")
    return results, config


def parse_compare(value: str) -> dict:
    """« label=http://127.0.0.1:port/path » as {label, host, port, path}."""
    from urllib.parse import urlsplit

    label, sep, url = value.partition("=")
    parts = urlsplit(url)
    if not sep or not label or parts.scheme != "http" or not parts.hostname or not parts.port:
        raise ValueError(f"--compare wants LABEL=http://127.0.0.1:PORT/PATH, got {value!r}")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return {"label": label, "host": parts.hostname, "port": parts.port, "path": path}


def run_compare_loads(args) -> list[dict]:
    """Load each --compare page (another server, already running) as our
    pages are loaded: same client, threads and duration, after 1 s of
    warm-up."""
    from bench.loadgen import run_load

    results = []
    for target in args.compare:
        common = {"concurrency": args.load_concurrency, "host_header": "localhost"}
        run_load(target["host"], target["port"], target["path"], duration=1.0,
                 max_requests=2_000, **common)  # fmt: skip
        result = run_load(target["host"], target["port"], target["path"],
                          duration=args.load_duration, max_requests=args.load_max_requests,
                          **common)  # fmt: skip
        results.append({**target, "load": result.as_dict()})
        log(
            f"  load {target['label']} (compared, port {target['port']}): {result.rps} req/s, "
            f"p50 {result.p50_ms} ms, statuses {result.statuses}, errors {result.errors}"
        )
    return results


def compare_table(results_by_mode: dict[str, list[dict]], compared: list[dict]) -> str:
    """The compared pages beside ours: req/s, and each as a share of our floor
    (page cache off, else the first mode measured)."""
    mode = "off" if "off" in results_by_mode else next(iter(results_by_mode))
    rows = results_by_mode[mode]
    floor = next((row for row in rows if row["path"] == FLOOR_PATH), {}) or {}
    floor_rps = (floor.get("load") or {}).get("rps")
    lines = [
        f"| page (ours: page cache {mode}) | req/s | p50 ms | share of our floor |",
        "|---|---|---|---|",
    ]
    for row in rows:
        load = row.get("load") or {}
        lines.append(
            f"| {row['label']} `{row['path']}` | {_fmt(load.get('rps'))} | "
            f"{_fmt(load.get('p50_ms'))} | {_share(load.get('rps'), floor_rps)} |"
        )
    for target in compared:
        load = target["load"]
        lines.append(
            f"| **compared** {target['label']} `:{target['port']}{target['path']}` | "
            f"{_fmt(load.get('rps'))} | {_fmt(load.get('p50_ms'))} | "
            f"{_share(load.get('rps'), floor_rps)} |"
        )
    return "\n".join(lines)


def cache_mode_name(mode: bool | None) -> str:
    return {None: "as configured", True: "on", False: "off"}[mode]


def measure_in_process(urls, args, mode: bool | None) -> list[dict]:
    """Every URL in process, the page cache on, off or as the settings say
    (`mode` None); the cache emptied first so both modes start alike."""
    from contextlib import nullcontext

    from django.core.cache import cache
    from django.test.utils import override_settings

    log(
        f"Measuring {len(urls)} URLs ({args.warmup} warm-up + {args.runs} timed runs each), "
        f"page cache {cache_mode_name(mode)}"
    )
    rows = []
    with override_settings(PAGE_CACHE_ENABLED=mode) if mode is not None else nullcontext():
        cache.clear()
        for label, path in urls:
            result = measure_url(path, args.runs, args.warmup, args.url_budget, args.sql)
            rows.append({"label": label, "path": path, **result})
            suffix = f" — {result['error']}" if result["error"] else ""
            if result["runs"] < args.runs:
                suffix += f" (only {result['runs']} timed runs: --url-budget reached)"
            log(
                f"  {label}: {result['status']}, {result['queries']} queries "
                f"({result['repeated_queries']} repeated shapes), "
                f"median {result['median_ms']} ms{suffix}"
            )
    return rows


# --- Output ----------------------------------------------------------------------------


def _share(part, whole) -> str:
    if not part or not whole:
        return "–"
    return f"{100 * part / whole:.0f} %"


def floor_share_table(results_by_mode: dict[str, list[dict]], with_load: bool) -> str:
    """Each page as a share of the floor (`/healthz`) in each page-cache mode:
    in process, the floor's median time over the page's (100 % = as fast as
    the floor); under load, the page's req/s over the floor's."""
    names = list(results_by_mode)
    header = ["URL"]
    for name in names:
        header += [f"queries ({name})", f"median ms ({name})", f"share ({name})"]
        if with_load:
            header += [f"req/s ({name})", f"share under load ({name})"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    floors = {
        name: next((row for row in rows if row["path"] == FLOOR_PATH), None)
        for name, rows in results_by_mode.items()
    }
    first = results_by_mode[names[0]]
    for index, row in enumerate(first):
        cells = [f"{row['label']} `{row['path']}`"]
        for name in names:
            measured = results_by_mode[name][index]
            floor = floors[name] or {}
            cells += [
                str(measured["queries"]),
                _fmt(measured["median_ms"], 2),
                _share(floor.get("median_ms"), measured["median_ms"]),
            ]
            if with_load:
                rps = (measured.get("load") or {}).get("rps")
                cells += [_fmt(rps), _share(rps, (floor.get("load") or {}).get("rps"))]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def markdown_table(rows: list[dict], with_load: bool) -> str:
    header = [
        "URL", "path", "status", "queries", "rep.", "SQL ms", "size (KB)", "median ms", "p90 ms",
        "min ms", "runs",
    ]  # fmt: skip
    if with_load:
        header += ["req/s", "p50 ms (load)", "p99 ms (load)", "client CPU %"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [
            row["label"],
            f"`{row['path']}`",
            str(row["status"]),
            str(row["queries"]),
            str(row["repeated_queries"]),
            _fmt(row["db_ms"]),
            _fmt(row["bytes"] / 1024),
            _fmt(row["median_ms"], 2),
            _fmt(row["p90_ms"], 2),
            _fmt(row["min_ms"], 2),
            str(row["runs"]),
        ]
        if with_load:
            load = row.get("load") or {}
            cells += [
                _fmt(load.get("rps")),
                _fmt(load.get("p50_ms")),
                _fmt(load.get("p99_ms")),
                _fmt(load.get("client_cpu_pct"), 0),
            ]
        lines.append("| " + " | ".join(cells) + " |")
    errors = [row for row in rows if row.get("error")]
    if errors:
        lines.append("")
        lines += [f"- `{row['path']}`: {row['error']}" for row in errors]
    return "\n".join(lines)


# --- Main ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started_at = dt.datetime.now(dt.UTC)
    db_url = resolve_db_url(args)
    existed = database_exists(db_url)
    if not (args.reuse and existed):
        log(f"Resetting {redact(db_url)}")
        reset_database(db_url)
    os.environ["BENCH_DATABASE_URL"] = db_url
    os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    warnings.filterwarnings("ignore", message="No directory at")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench import registry

    # Errors are reported in the results table, not as 30 tracebacks per URL.
    logging.getLogger("django.request").setLevel(logging.CRITICAL + 1)
    if settings.DEBUG:
        log("Warning: DEBUG is on in these settings; figures will be meaningless")

    registry.discover()
    names = (
        [n.strip() for n in args.generators.split(",") if n.strip()] if args.generators else None
    )
    try:
        plan = registry.resolve_order(names)
    except (KeyError, ValueError) as exc:
        raise SystemExit(f"bench: {exc.args[0] if exc.args else exc}") from exc

    loadavg_start = os.getloadavg()
    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrate_s = round(time.perf_counter() - t0, 2)
    log(f"Migrated in {migrate_s} s ({connection.vendor})")

    marks = generated_marks()
    generated = {}
    for gen in plan:
        if args.reuse and gen.name in marks:
            generated[gen.name] = {**marks[gen.name], "reused": True}
            done = marks[gen.name]["items"]
            log(
                f"Reusing {gen.name}: {done} items already generated"
                + (f" (not {args.items}!)" if done != args.items else "")
            )
            continue
        log(f"Generating {args.items} × {gen.name}…")
        rng = random.Random(f"{args.seed}:{gen.name}")
        start = time.perf_counter()
        with transaction.atomic():
            gen.func(args.items, rng)
        seconds = round(time.perf_counter() - start, 2)
        mark_generated(gen.name, args.items, seconds)
        generated[gen.name] = {"items": args.items, "seconds": seconds, "reused": False}
        log(f"  {gen.name}: {seconds} s")
    if connection.vendor == "postgresql" and any(not g["reused"] for g in generated.values()):
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        log("VACUUM ANALYZE done")

    counts = data_counts()
    urls = all_urls(args)
    modes = {"env": [None], "on": [True], "off": [False], "both": [False, True]}[args.page_cache]
    results_by_mode: dict[str, list[dict]] = {}
    load_config = None
    compared: list[dict] = []
    for mode in modes:
        name = cache_mode_name(mode)
        rows = measure_in_process(urls, args, mode)
        if args.load:
            connection.close()
            skip = {
                row["path"]: f"median {row['median_ms']:.0f} ms in process (> 2 s)"
                for row in rows
                if row["median_ms"] > 2000
            }
            extra_env = {} if mode is None else {"PAGE_CACHE_ENABLED": str(mode).lower()}
            log(f"Load, page cache {name}")
            load_results, load_config = run_load_phase(urls, args, db_url, skip, extra_env)
            for row in rows:
                row["load"] = load_results.get(row["path"])
            if args.compare and (mode is False or len(modes) == 1):
                log("Load, compared pages")
                compared = run_compare_loads(args)
        results_by_mode[name] = rows
    rows = results_by_mode[cache_mode_name(modes[0])]

    facts = machine_facts()
    report = {
        "label": args.label,
        "date": started_at.isoformat(timespec="seconds"),
        "machine": facts,
        "database": {
            "url": redact(db_url),
            "vendor": connection.vendor,
            "reused": existed and args.reuse,
        },
        "settings": args.settings,
        "items": args.items,
        "seed": args.seed,
        "migrate_s": migrate_s,
        "generators": generated,
        "counts": counts,
        "runs": args.runs,
        "warmup": args.warmup,
        "load": load_config,
        "loadavg_start": loadavg_start,
        "loadavg_end": os.getloadavg(),
        "urls": rows,
        "page_cache": results_by_mode,
        "compared": compared,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    output = (
        Path(args.output)
        if args.output
        else RESULTS_DIR
        / (
            f"{started_at:%Y%m%d-%H%M%S}-{connection.vendor}-{args.items}"
            f"{'-load' if args.load else ''}.json"
        )
    )
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")

    gen_text = ", ".join(
        f"{name} {g['items']} ({'reused' if g['reused'] else str(g['seconds']) + ' s'})"
        for name, g in generated.items()
    )
    print(
        f"\n### {facts['db_vendor']} {facts['db_version']}, {args.items} items/generator"
        f"{' — ' + args.label if args.label else ''}\n\n"
        f"{facts['cpu_model']}, {facts['cpu_count']} CPUs, Python {facts['python']}, "
        f"Django {facts['django']}, Wagtail {facts['wagtail']}; {report['date']}; "
        f"commit {facts['git_commit'] or '?'}\n\n"
        f"Generated: {gen_text or 'nothing'}; pages in DB: {counts['pages']}; "
        f"migrate {migrate_s} s. In-process: {args.runs} runs after {args.warmup} warm-up."
        + (
            f" Load: gunicorn -w {args.workers}, {args.load_concurrency} client threads, "
            f"{args.load_duration:g} s per URL."
            if args.load
            else ""
        )
        + "\n"
    )
    for name, mode_rows in results_by_mode.items():
        if len(results_by_mode) > 1:
            print(f"\n#### Page cache {name}\n")
        print(markdown_table(mode_rows, args.load))
    if len(results_by_mode) > 1:
        print("\n#### Share of the floor (floor's median time / page's; page's req/s / floor's)\n")
        print(floor_share_table(results_by_mode, args.load))
    if compared:
        print("\n#### Compared with another server, same client, same run\n")
        print(compare_table(results_by_mode, compared))
    print(f"\nJSON: {output.relative_to(BASE_DIR) if output.is_relative_to(BASE_DIR) else output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
