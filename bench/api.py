"""Benchmark of the public API's actors list beside the HTML directory.

Runs the bench harness (bench/run.py) on the actors generator only and
measures, in the same run and database, `/api/v1/actors/` (default page,
a filtered page, a large page, a detail) beside the HTML listing
`/fr/annuaire/`: queries per request and median/p90 server time.

    .venv/bin/python -m bench.api --items 10000            # fresh SQLite bench database
    .venv/bin/python -m bench.api --items 10000 --reuse    # same database, no regeneration
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_api \\
        .venv/bin/python -m bench.api --items 10000

Any other option is passed to bench.run (--runs, --sql, --load...).
"""

from __future__ import annotations

import sys

from bench import run

URLS = [
    "/fr/annuaire/",
    "/api/v1/actors/",
    "/api/v1/actors/?region=84&page=2",
    "/api/v1/actors/?page_size=100",
    "/api/v1/actors/?q=association&sort=name",
    "/api/v1/openapi.json",
]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--items" not in argv:
        argv += ["--items", "10000"]
    if "--generators" not in argv:
        argv += ["--generators", "actors"]
    for url in URLS:
        argv += ["--only-url", url]
    return run.main(argv)


if __name__ == "__main__":
    sys.exit(main())
