"""Two servers over one PostgreSQL and one Redis, the way the site runs on
several machines (docs/deployment.md), checked from the outside:

1. a database set up as in production (migrate, roles, seed content, site),
   a Redis started here, and two gunicorn servers on loopback ports, with the
   production settings and the full-page cache on;
2. every checked page is read from both servers, so both caches hold it;
3. an editor logs into the admin of server A (headless Chromium) and
   publishes a new title for an actor and for an open call;
4. server B serves the change at once: the actor's fiche, the directory, the
   call's page, the calls listing, the home page (open calls), search, and the
   directory and calls CSV exports;
5. Redis is stopped: both servers still answer every page (uncached, the
   cache degrading to "no cache"), with the new titles.

Run by .ci/run after the PostgreSQL test run: `.venv/bin/python
bin/check_two_servers.py` (PGHOST/PGPORT/PGUSER or TWO_SERVERS_ADMIN_URL name
the PostgreSQL server; needs redis-server and /usr/bin/chromium, both from
bin/install-system-deps). Exits non-zero, saying what failed, on any failure.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, closing
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = str(BASE_DIR / ".venv" / "bin" / "python")
DATABASE = "maison_ess_two_servers"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = secrets.token_urlsafe(16)


def log(message: str) -> None:
    print(f"[two servers] {message}", flush=True)


class CheckFailed(Exception):
    pass


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def admin_url() -> str:
    if url := os.environ.get("TWO_SERVERS_ADMIN_URL"):
        return url
    host = os.environ.get("PGHOST", "127.0.0.1")
    port = os.environ.get("PGPORT", "5432")
    user = os.environ.get("PGUSER", "postgres")
    return f"postgres://{user}@{host}:{port}"


def recreate_database(template: str = "", drop_only: bool = False) -> None:
    """An empty database, or a copy of `template` (a database already
    migrated and seeded, e.g. the seeded template the test run left)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{admin_url()}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        if drop_only:
            return
        create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE))
        if template:
            create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        connection.execute(create)


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode:
        raise CheckFailed(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout if capture else ""


def get(url: str, timeout: float = 30) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers={"Accept-Language": "fr"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8", "replace")


def wait_until_up(base: str, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CheckFailed(f"{what} exited with {process.returncode} before answering")
        try:
            if get(base + "/healthz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise CheckFailed(f"{what} did not answer /healthz within 90 s")


def start(stack: ExitStack, args: list[str], env: dict, logfile: Path) -> subprocess.Popen:
    output = stack.enter_context(logfile.open("w"))
    process = subprocess.Popen(  # noqa: S603
        args, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
    )

    def stop():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()

    stack.callback(stop)
    return process


# The production set-up (Makefile `db`, docs/operations.md) in one process,
# then the pages the check reads, as JSON on the last line.
SETUP = """
import json
from django.core.management import call_command
for command in COMMANDS:
    call_command(command)
call_command("createsuperuser", interactive=False, username="admin", email="a@example.org")
from calls_for_projects.models import CallForProjectsPage
from directory.models import ActorPage
from home.models import HomePage
actor = ActorPage.objects.live().filter(locale__language_code="fr").order_by("title").first()
call = (CallForProjectsPage.objects.live().filter(locale__language_code="fr", is_rolling=True)
        .order_by("title").first())
home = HomePage.objects.live().get(locale__language_code="fr")
print(json.dumps({
    "actor": {"id": actor.pk, "title": actor.title, "url": actor.url},
    "directory": actor.get_parent().url,
    "call": {"id": call.pk, "title": call.title, "url": call.url},
    "calls": call.get_parent().url,
    "home": home.url,
}))
"""


def publish_in_admin(base: str, edits: dict[int, str]) -> None:
    """Log into the admin and publish each page with its new title, as an
    editor does (the title field, then « Publier » in the actions menu)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--force-prefers-reduced-motion"],
        )
        try:
            tab = browser.new_context(locale="fr-FR").new_page()
            tab.goto(f"{base}/admin/login/")
            tab.fill("input[name=username]", "admin")
            tab.fill("input[name=password]", PASSWORD)
            tab.click("button[type=submit]")
            tab.wait_for_url(f"{base}/admin/")
            for page_id, title in edits.items():
                tab.goto(f"{base}/admin/pages/{page_id}/edit/")
                tab.fill("#id_title", title)
                tab.locator(
                    "footer .dropdown-toggle, footer [data-w-dropdown-target=toggle]"
                ).first.click()
                tab.locator("button[name=action-publish]").click()
                tab.wait_for_url(f"{base}/admin/pages/**", wait_until="load")
                tab.wait_for_load_state("load")
                if "/edit/" in tab.url and tab.locator(".help-critical, .error-message").count():
                    raise CheckFailed(f"the admin refused to publish page {page_id}")
        finally:
            browser.close()


def check_serves(
    base: str, urls: dict[str, str], expected: dict[str, list[str]], what: str
) -> None:
    for name, path in urls.items():
        status, _headers, body = get(base + path)
        if status != 200:
            raise CheckFailed(f"{what}: {name} ({path}) answered {status}")
        for text in expected.get(name, []):
            if text not in body:
                raise CheckFailed(f"{what}: {name} ({path}) does not show « {text} »")


def run() -> None:
    # TWO_SERVERS_TEMPLATE: a database already migrated and seeded by the
    # same commands (.ci/run passes the one its PostgreSQL test run built),
    # copied instead of migrating and seeding again (about 90 s).
    template = os.environ.get("TWO_SERVERS_TEMPLATE", "")
    recreate_database(template)
    commands = ["configure_site"]
    if not template:
        commands[:0] = ["migrate_summary", "setup_roles", "load_seed_content"]
    redis_port, port_a, port_b = free_port(), free_port(), free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port_a}",
        "EMAIL_TO_LOG": "1",
        # Plain HTTP on loopback: no HTTPS redirect, no HSTS, no TOTP device
        # for the check's administrator.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "ADMIN_2FA_REQUIRED": "0",
        "DATABASE_URL": f"{admin_url()}/{DATABASE}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CACHE_KEY_PREFIX": f"two-servers-{redis_port}",
        "PAGE_CACHE_ENABLED": "1",
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
    }
    started = time.monotonic()
    log(f"setting up the database as in production ({', '.join(commands)})")
    static = subprocess.Popen(  # noqa: S603 (beside the database set-up)
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env
    )
    setup = f"COMMANDS = {commands!r}\n{SETUP}"
    content = json.loads(manage(env, "shell", "-c", setup, capture=True).strip().splitlines()[-1])
    if static.wait(timeout=300):
        raise CheckFailed("manage.py collectstatic failed")
    log(f"set up in {time.monotonic() - started:.0f} s")

    logs = BASE_DIR / "var" / "two-servers"
    logs.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        redis = start(
            stack,
            [
                "redis-server",
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            env,
            logs / "redis.log",
        )
        servers = {}
        for name, port in (("A", port_a), ("B", port_b)):
            process = start(
                stack,
                [
                    PYTHON,
                    "-m",
                    "gunicorn",
                    "config.wsgi",
                    "-c",
                    "config/gunicorn.conf.py",
                    "-b",
                    f"127.0.0.1:{port}",
                    "-w",
                    "2",
                ],
                env,
                logs / f"gunicorn-{name}.log",
            )
            servers[name] = (f"http://127.0.0.1:{port}", process)
        for name, (base, process) in servers.items():
            wait_until_up(base, process, f"server {name}")
        a, b = servers["A"][0], servers["B"][0]

        word = f"verif{secrets.randbelow(10**6):06d}"
        actor_title = f"{content['actor']['title']} {word}"
        call_title = f"{content['call']['title']} {word}"
        urls = {
            "fiche": content["actor"]["url"],
            "directory": content["directory"],
            "call": content["call"]["url"],
            "calls listing": content["calls"],
            "home page": content["home"],
            "search": f"/fr/recherche/?q={quote(word)}",
            "directory CSV": content["directory"] + "export/csv/",
            "calls CSV": content["calls"] + "export/csv/",
        }
        before = {
            "fiche": [content["actor"]["title"]],
            "directory": [content["actor"]["title"]],
            "home page": [content["call"]["title"]],
        }
        # Both servers read every page twice: the second answer of a cached
        # page comes from the shared cache, which the publication must renew.
        for base in (a, b):
            check_serves(base, urls, before, "before the change")
            check_serves(base, urls, {}, "before the change (again)")
        status, headers, _ = get(b + urls["fiche"])
        if headers.get("X-Page-Cache") != "hit":
            raise CheckFailed(f"the fiche is not served from the page cache ({headers})")

        log(f"publishing two new titles in the admin of server A ({word})")
        publish_in_admin(
            a, {content["actor"]["id"]: actor_title, content["call"]["id"]: call_title}
        )

        after = {
            "fiche": [actor_title],
            "directory": [actor_title],
            "call": [call_title],
            "calls listing": [call_title],
            "home page": [call_title],
            "search": [actor_title, call_title],
            "directory CSV": [actor_title],
            "calls CSV": [call_title],
        }
        check_serves(b, urls, after, "server B right after the publication on A")
        check_serves(a, urls, after, "server A after its publication")
        log("server B serves the change at once: fiche, listings, home, search, exports")

        redis.send_signal(signal.SIGTERM)
        redis.wait(timeout=15)
        for name, (base, _process) in servers.items():
            check_serves(base, urls, after, f"server {name} with Redis stopped")
        log("Redis stopped: both servers still serve every page")
        for name, (_base, process) in servers.items():
            if process.poll() is not None:
                raise CheckFailed(f"server {name} stopped ({process.returncode})")


def main() -> int:
    started = time.monotonic()
    try:
        run()
    except CheckFailed as failure:
        log(f"FAILED: {failure}")
        log(f"logs: {BASE_DIR / 'var' / 'two-servers'}")
        return 1
    finally:
        recreate_database(drop_only=True)
    log(f"passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
