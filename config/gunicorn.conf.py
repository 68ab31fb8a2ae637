"""gunicorn's configuration: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

The application is loaded once, in the master (`preload_app`), and warmed up
there (home/warmup.py: URL patterns, translations, templates, the home page
rendered) before the workers are forked: every worker answers its first
request warm, the first ones as well as those forked later, when one reaches
`max_requests` or on a HUP. A HUP starts new workers from the code the
master loaded: after an update of the code, restart gunicorn
(docs/operations.md).

Environment (docs/operations.md):
    WEB_CONCURRENCY            workers (2 × CPUs + 1, at most 8)
    BIND                       addresses, comma-separated: host:port or unix:/path
                               (127.0.0.1:$PORT, PORT 8000)
    GUNICORN_TIMEOUT           seconds a worker may spend on one request (30)
    GUNICORN_GRACEFUL_TIMEOUT  seconds to finish the requests under way on a stop (30)
    GUNICORN_MAX_REQUESTS      requests after which a worker is replaced (10000; 0: never)
    GUNICORN_MAX_REQUESTS_JITTER  up to this many more, per worker (a tenth of the above)
    GUNICORN_ACCESS_LOG        access log: a file, or "-" for the standard error (off)
    GUNICORN_LOG_LEVEL         gunicorn's own log level (info)
    GUNICORN_CONTROL_SOCKET    path of gunicorn's control socket for gunicornc (off)
    WARM_UP                    warm the application up before forking (on)
"""

import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:  # -c given from another directory
    sys.path.insert(0, str(BASE_DIR))

from config.settings.env import env_bool, env_int, env_list, env_str  # noqa: E402


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


wsgi_app = "config.wsgi:application"
chdir = str(BASE_DIR)
proc_name = "maison-ess"

preload_app = True
workers = env_int("WEB_CONCURRENCY", min(2 * _cpus() + 1, 8))
bind = env_list("BIND") or [f"127.0.0.1:{env_int('PORT', 8000)}"]

timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Workers replaced now and then (a slow leak stays small), at different
# moments thanks to the jitter; with the preloaded application a new worker
# is as warm as the first ones. Not too often: without Redis a new worker
# starts with an empty local cache (pages, facets).
max_requests = env_int("GUNICORN_MAX_REQUESTS", 10_000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10)

accesslog = env_str("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = env_str("GUNICORN_LOG_LEVEL", "info")
# gunicorn ≥ 25 opens a control socket by default, at one path per user
# ($XDG_RUNTIME_DIR or ~/.gunicorn): two instances would take it from each
# other. Only where asked for.
control_socket_disable = not env_str("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = env_str("GUNICORN_CONTROL_SOCKET")

WARM_UP = env_bool("WARM_UP", True)


def _warm_up(log) -> None:
    try:
        from home.warmup import warm_up

        summary = warm_up()
    except Exception:  # the server starts all the same, cold
        log.exception("Warm-up failed; the workers start cold.")
        return
    if "skipped" in summary:
        return
    log.info(
        "Warm-up in %.2f s (%s); pages: %s%s",
        summary["seconds"],
        ", ".join(f"{name} {seconds:.2f} s" for name, seconds in summary["steps"].items()),
        summary.get("pages", summary.get("database", "-")),
        f"; failed: {', '.join(summary['failed'])}" if summary["failed"] else "",
    )


def when_ready(server):
    """In the master, the application preloaded and the sockets open (requests
    wait in the backlog), before the first worker is forked."""
    if WARM_UP and server.cfg.preload_app:
        _warm_up(server.log)


def post_worker_init(worker):
    """Without a preloaded application, each worker warms itself up."""
    if WARM_UP and not worker.cfg.preload_app:
        _warm_up(worker.log)


def pre_fork(server, worker):
    """No database connection or Redis pool of the master's may be inherited
    by a worker (the warm-up closes them; this catches any other)."""
    if not server.cfg.preload_app:
        return
    try:
        from home.warmup import release_connections

        release_connections()
    except Exception:
        server.log.exception("Could not close the master's connections before forking.")
