"""Backups (issue 16, item 10): `backup_site` then `restore_site` into a new
database and new media folders give a site that serves the same pages and
files, on the suite's engine (SQLite, or PostgreSQL when DATABASE_URL says
so); a corrupted backup, a database that holds tables and retention.

The seeded test database is committed once per session (tests/conftest.py),
so the backup and the other processes see it; the sites are compared in
subprocesses, each started the way a server would start."""

import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from calls_for_projects.models import CallForProjectsPage
from conventions.models import ConventionPage
from directory.models import ActorPage
from network_minutes.models import MeetingMinutesPage

BASE_DIR = Path(__file__).resolve().parents[2]
FS = "django.core.files.storage.FileSystemStorage"

# Sets the storages given on the command line, then runs the steps: restore
# a backup (printing what the command answered), or fetch the pages and open
# the files, as a restarted site would serve them.
PROBE = r"""
import hashlib, json, re, sys
import django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connections
from django.test import Client
from django.test.signals import setting_changed

plan = json.loads(sys.argv[1])
settings.STORAGES = {**settings.STORAGES, **plan["storages"]}
setting_changed.send(sender=None, setting="STORAGES", value=settings.STORAGES, enter=True)
results = []
for step in plan["steps"]:
    if step != "probe":
        try:
            call_command("restore_site", *step, stdout=sys.stderr)
            results.append("ok")
        except CommandError as exc:
            results.append(str(exc))
        connections.close_all()
        continue
    client = Client()
    pages = {}
    for url in plan["urls"]:
        response = client.get(url)
        body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", response.content)
        pages[url] = [response.status_code, hashlib.sha256(body).hexdigest()]
    files = {}
    for alias, names in plan["files"].items():
        for name in names:
            with storages[alias].open(name, "rb") as handle:
                files[f"{alias}/{name}"] = hashlib.sha256(handle.read()).hexdigest()
    results.append({"pages": pages, "files": files})
print(json.dumps(results))
"""


def database_url(name: str) -> str:
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    user = quote(db.get("USER") or "postgres", safe="")
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{user}{password}@{host}/{name}"


def aliases() -> list[str]:
    """Every storage the backup must hold, looked up as the command does."""
    return [alias for alias in settings.STORAGES if alias != "staticfiles"]


def filesystem_storages(root: Path) -> dict:
    return {
        alias: {"BACKEND": FS, "OPTIONS": {"location": str(root / alias), "base_url": "/m/"}}
        for alias in aliases()
    }


def run_site(url: str, storages: dict, files: dict, urls: list[str], steps: list) -> list:
    """Runs PROBE's steps in a new process on the database at `url`; returns
    each step's result, and last what the process printed on stderr."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "AWS_", "REDIS_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings.test", DATABASE_URL=url)
    plan = {"storages": storages, "files": files, "urls": urls, "steps": steps}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE, json.dumps(plan)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return [*json.loads(result.stdout.splitlines()[-1]), result.stderr]


@pytest.fixture
def new_database(tmp_path):
    """The URL of a new, empty database on the suite's engine, dropped after."""
    if connection.vendor == "sqlite":
        yield database_url(str(tmp_path / "restored" / "db.sqlite3"))
        return
    db = settings.DATABASES["default"]
    name = f"restore_{uuid.uuid4().hex[:12]}"
    params = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(name)
    finally:
        with psycopg.connect(**params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def media(tmp_path, settings):
    """Every storage on a temporary folder, each holding one file."""
    settings.STORAGES = {**settings.STORAGES, **filesystem_storages(tmp_path / "media")}
    files = {}
    for alias in aliases():
        name = f"documents/2026/{alias}-rapport annuel.pdf"
        folder = tmp_path / "media" / alias / "documents" / "2026"
        folder.mkdir(parents=True)
        (folder / f"{alias}-rapport annuel.pdf").write_bytes(f"%PDF-1.4 {alias} é".encode())
        files[alias] = [name]
    return files


@pytest.fixture
def backups(tmp_path, settings):
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings.BACKUP_DIR


def backup(*args) -> Path:
    out = io.StringIO()
    call_command("backup_site", *args, stdout=out)
    line = next(line for line in out.getvalue().splitlines() if "Sauvegarde créée" in line)
    return Path(line.split(" : ", 1)[1])


def names(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()}


@pytest.mark.django_db
def test_a_restored_backup_serves_the_same_pages_and_files(
    client, tmp_path, media, backups, new_database
):
    search = "/fr/recherche/?q=economie"
    # The seeded search index finds something: the restored one must too.
    assert "résultats pour « economie »" in client.get(search).text
    urls = ["/fr/", search] + [
        model.objects.live().filter(locale__language_code="fr").first().url
        for model in (ActorPage, CallForProjectsPage, MeetingMinutesPage, ConventionPage)
    ]
    archive = backup("--tar")
    assert archive.name.endswith(".tar") and archive.parent == backups

    original, _log = run_site(
        database_url(settings.DATABASES["default"]["NAME"]),
        filesystem_storages(tmp_path / "media"),
        media,
        urls,
        ["probe"],
    )
    assert {status for status, _digest in original["pages"].values()} == {200}
    expected = {
        f"{alias}/{name}": hashlib.sha256(f"%PDF-1.4 {alias} é".encode()).hexdigest()
        for alias, names_ in media.items()
        for name in names_
    }
    assert original["files"] == expected

    # Into a new database and new, empty media folders, as on a fresh machine;
    # then again over the database that now holds tables: refused, then
    # replaced with --force.
    restored, served, refused, forced, served_again, log = run_site(
        new_database,
        filesystem_storages(tmp_path / "restored"),
        media,
        urls,
        [[str(archive)], "probe", [str(archive)], [str(archive), "--force"], "probe"],
    )
    assert restored == "ok", log
    assert served == original
    # The database backend's search index came with the dump; no migration is missing.
    assert "index de recherche : rien à faire" in log
    assert "manage.py migrate" not in log
    assert "contient déjà" in refused and "--force" in refused
    assert forced == "ok", log
    assert served_again == original


@pytest.mark.django_db
def test_a_corrupted_backup_is_refused_before_anything_is_written(
    tmp_path, media, backups, settings
):
    folder = backup()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert set(manifest["storages"]) == set(aliases())
    damaged = folder / manifest["database"]
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    settings.STORAGES = {**settings.STORAGES, **filesystem_storages(tmp_path / "target")}

    with pytest.raises(CommandError, match="corrompue") as refused:
        call_command("restore_site", str(folder), stdout=io.StringIO())
    assert manifest["database"] in str(refused.value)
    assert "somme de contrôle" in str(refused.value)
    assert not (tmp_path / "target").exists()

    archive = backup("--tar")
    with archive.open("r+b") as handle:
        handle.truncate(archive.stat().st_size // 2)
    with pytest.raises(CommandError, match="illisible ou tronquée"):
        call_command("restore_site", archive.name, stdout=io.StringIO())
    assert not (tmp_path / "target").exists()


@pytest.mark.django_db
def test_restore_refuses_a_database_that_holds_tables_without_force(media, backups):
    backup()
    with pytest.raises(CommandError, match="contient déjà .* tables") as refused:
        call_command("restore_site", "latest", stdout=io.StringIO())
    assert "--force" in str(refused.value)
    assert ActorPage.objects.live().exists()


@pytest.mark.django_db
def test_retention_keeps_the_newest_and_never_the_one_just_made(media, backups, settings):
    backups.mkdir()
    for old in ("backup-20200101T000000Z", "backup-20210101T000000Z", "backup-20220101T000000Z"):
        (backups / old).mkdir()
    (backups / "backup-20230101T000000Z.tar").write_bytes(b"")
    (backups / "notes.txt").write_text("pas une sauvegarde")

    first = backup("--keep", "2")
    assert names(backups) == {"backup-20230101T000000Z.tar", first.name, "notes.txt"}

    # A backup dated in the future (a clock set wrong) sorts after the new one:
    # the new one is kept all the same. BACKUP_KEEP is the default of --keep.
    (backups / "backup-29990101T000000Z").mkdir()
    settings.BACKUP_KEEP = 1
    second = backup()
    assert second != first
    assert names(backups) == {second.name, "notes.txt"}


@pytest.mark.django_db
def test_a_failed_backup_leaves_nothing_behind(tmp_path, media, backups):
    broken = tmp_path / "media" / aliases()[0] / "documents" / "perdu.pdf"
    broken.symlink_to(tmp_path / "nowhere.pdf")
    with pytest.raises(CommandError, match="Sauvegarde échouée .*perdu.pdf"):
        call_command("backup_site", stdout=io.StringIO())
    assert names(backups) == set()
