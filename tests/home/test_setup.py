"""What `make run` prints (issue 18): the real address, one line for the
migrations, the admin's credentials once; `make admin-password`."""

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

BASE_DIR = Path(__file__).resolve().parents[2]


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def printed_password(output: str) -> str:
    found = re.findall(r"mot de passe : (\S+)", output)
    assert len(found) == 1, output
    return found[0]


@pytest.mark.django_db
def test_ensure_admin_prints_the_real_address_and_the_password_once():
    first = run("ensure_admin", "--site-url", "http://127.0.0.1:8123")
    assert "http://127.0.0.1:8123/admin/" in first
    assert "8000" not in first
    password = printed_password(first)
    assert authenticate(
        RequestFactory().post("/admin/login/"), username="admin", password=password
    ).is_superuser

    second = run("ensure_admin", "--site-url", "http://127.0.0.1:8123")
    assert "http://127.0.0.1:8123/admin/" in second
    assert "mot de passe" not in second and password not in second
    assert "make admin-password" in second


@pytest.mark.django_db
def test_reset_password_gives_the_admin_a_new_password_printed_once():
    old = printed_password(run("ensure_admin", "--site-url", "http://127.0.0.1:8123"))
    output = run("ensure_admin", "--reset-password", "--site-url", "http://127.0.0.1:8123")
    new = printed_password(output)
    assert new != old
    assert "http://127.0.0.1:8123/admin/" in output
    assert (
        authenticate(RequestFactory().post("/admin/login/"), username="admin", password=old) is None
    )
    assert authenticate(
        RequestFactory().post("/admin/login/"), username="admin", password=new
    ).is_superuser


@pytest.mark.django_db
def test_reset_password_of_an_unknown_admin_is_a_french_error():
    run("ensure_admin")
    with pytest.raises(CommandError, match="Aucun compte d'administration « personne »"):
        run("ensure_admin", "--reset-password", "--username", "personne")


@pytest.mark.django_db
def test_migrate_summary_on_an_up_to_date_database_prints_one_line():
    assert run("migrate_summary").splitlines() == ["Base de données : à jour"]


@pytest.mark.django_db
def test_migrate_summary_on_a_new_database_counts_the_migrations(tmp_path):
    """A new SQLite file, in a subprocess: every migration applied, one line;
    the second run finds nothing to do."""
    from django.db.migrations.loader import MigrationLoader

    expected = len(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('migrate_summary'); call_command('migrate_summary')"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Base de données : {expected} migrations appliquées",
        "Base de données : à jour",
    ]


def make_dry_run(*args: str) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    # Run from `make test`, the parent make's flags and variables must not leak in.
    env = {
        k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "V"}
    }
    result = subprocess.run(  # noqa: S603
        ["make", "-n", *args],  # noqa: S607
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_sets_up_the_site_address_and_sums_up_migrations():
    """The port reaches the settings' SITE_URL through the environment (see
    test_settings: test_the_site_address_follows_the_port_in_development)."""
    commands = make_dry_run("run", "PORT=8123")
    assert "manage.py migrate_summary" in commands
    assert "manage.py migrate --noinput" not in commands
    assert "manage.py configure_site" in commands
    assert "manage.py ensure_admin" in commands
    assert "bin/serve 8123" in commands


def test_make_run_v1_shows_every_migration():
    commands = make_dry_run("run", "PORT=8123", "V=1")
    assert "manage.py migrate --noinput -v 1" in commands
    assert "migrate_summary" not in commands


def test_make_admin_password_resets_the_local_admin_password():
    commands = make_dry_run("admin-password", "PORT=8123")
    assert "manage.py ensure_admin --reset-password" in commands
