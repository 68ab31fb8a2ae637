"""Benchmark of the saved-search alerts' digest run (alerts/digest.py).

Creates, in a dedicated database, M calls for projects (the calls generator
of the bench harness, with its actors), a share of them first published in
the last hours, and N confirmed daily alerts on the calls listing with
filters drawn from region × type (and a few text queries); then times
`alerts.digest.run()` (emails queued on the mail task backend, as in
production) R times, resetting the watermarks before each run, and prints
the median, the queries and the emails.

    .venv/bin/python -m bench.alerts_digest --alerts 10000 --calls 2000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_alerts \\
        .venv/bin/python -m bench.alerts_digest --alerts 10000 --calls 2000

The database must be dedicated (its name contains "bench"): it is emptied
first, unless --reuse.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
TEXT_QUERIES = ["tiers-lieux", "innovation sociale", "mobilité", "finance solidaire", "emploi"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=2_000)
    parser.add_argument("--new-share", type=float, default=0.1, help="calls published today")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", default="")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    url = (
        args.db
        or os.environ.get("DATABASE_URL")
        or (f"sqlite:///{BASE_DIR / 'var' / 'bench' / f'alerts-bench-{args.calls}.sqlite3'}")
    )
    os.environ["BENCH_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(BASE_DIR))
    from bench.run import reset_database

    if not args.reuse:
        reset_database(url)

    import django
    from django.conf import settings

    # bench/settings.py replaces STORAGES without the private uploads'
    # storage the partners' models need (kept as the base settings define it).
    settings.STORAGES.setdefault(
        "private",
        {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(settings.PRIVATE_MEDIA_ROOT)},
        },
    )
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import override_settings
    from django.utils import timezone
    from django.utils.http import urlencode
    from django_tasks_db.models import DBTaskResult

    from alerts import digest
    from alerts.models import Alert
    from bench import registry
    from calls_for_projects import vocab
    from calls_for_projects.models import CallForProjectsPage, CallsIndexPage
    from directory import geo

    call_command("migrate", interactive=False, verbosity=0)
    rng = random.Random(args.seed)
    if not args.reuse or not Alert.objects.exists():
        registry.discover()
        for gen in registry.resolve_order(["calls"]):
            print(f"Generating {args.calls} × {gen.name}…", flush=True)
            with transaction.atomic():
                gen.func(args.calls, random.Random(f"{args.seed}:{gen.name}"))
        index = CallsIndexPage.objects.filter(locale__language_code="fr").first()
        now = timezone.now()
        pks = list(
            CallForProjectsPage.objects.filter(locale=index.locale).values_list("pk", flat=True)
        )
        for pk in rng.sample(pks, int(len(pks) * args.new_share)):
            CallForProjectsPage.objects.filter(pk=pk).update(
                first_published_at=now - timedelta(minutes=rng.randrange(1, 600))
            )
        regions = ["", vocab.NATIONAL, *[code for code, _name in geo.region_choices()]]
        types = ["", *vocab.CallType.values]
        pool = [
            urlencode([(k, v) for k, v in (("type", t), ("region", r)) if v])
            for r in regions
            for t in types
        ] + [urlencode({"q": q}) for q in TEXT_QUERIES]
        Alert.objects.all().delete()
        Alert.objects.bulk_create(
            [
                Alert(
                    email=f"abonne{i}@example.org",
                    language="fr",
                    source="calls",
                    scope_id=index.pk,
                    query=rng.choice(pool),
                    frequency="quotidienne",
                    confirmed_at=now,
                    last_sent_at=now,
                    token=f"bench-{i}",
                )
                for i in range(args.alerts)
            ],
            batch_size=1000,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    durations, reports = [], []
    with override_settings(EMAIL_BACKEND="home.mail.QueuedEmailBackend"):
        for run in range(args.runs):
            now = timezone.now()
            Alert.objects.update(last_sent_at=now - timedelta(days=1))
            DBTaskResult.objects.all().delete()
            queries = []

            def count(execute, sql, params, many, context, queries=queries):
                queries.append(1)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                start = time.perf_counter()
                report = digest.run(now=now)
                durations.append(time.perf_counter() - start)
            reports.append((report, len(queries)))
            print(
                f"run {run + 1}: {durations[-1]:.1f} s, {len(queries)} queries, "
                f"{report.alerts} alerts in {report.groups} listings, {report.emails} emails",
                flush=True,
            )
    report, count = reports[-1]
    print()
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {connection.vendor}")  # fmt: skip
    print(f"date: {timezone.now():%Y-%m-%d %H:%M}")
    print(f"calls: {CallForProjectsPage.objects.count()}, alerts: {report.alerts}, "
          f"listings (distinct filters): {report.groups}, emails: {report.emails}")  # fmt: skip
    print(f"median: {statistics.median(durations):.1f} s over {len(durations)} runs; "
          f"queries: {count} ({count / max(report.alerts, 1):.2f} per alert)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
