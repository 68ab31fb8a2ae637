"""The suite's seeded database, built once per test run.

The test database holds what `make run` sets up: migrations, roles and
workflow, the seed content (French and English). Building it takes about a
minute; under pytest-xdist each worker used to build its own at the same
time, on machines with as many cores as workers. Now the first worker builds
a *template* under a file lock and every worker (the served site of the
browser tests too) gets a copy: `CREATE DATABASE … TEMPLATE` on PostgreSQL,
a page-by-page copy on SQLite.

With `--reuse-db` (the default of `make test` outside CI) a worker whose
database already exists keeps it, as pytest-django does: migrated, then the
seed loaded again (idempotent).
"""

from __future__ import annotations

import fcntl
import os
import re
from contextlib import contextmanager
from pathlib import Path

from django.core.management import call_command


class _Null:
    def write(self, *_args, **_kwargs):
        pass

    def flush(self):
        pass


def seed() -> None:
    call_command("setup_roles", verbosity=0)
    call_command("load_seed_content", verbosity=0, stdout=_Null())


def shared_dir(tmp_path_factory) -> Path:
    """A directory shared by the workers of this run (and of this run only)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    return base


@contextmanager
def run_lock(tmp_path_factory, name: str):
    with open(shared_dir(tmp_path_factory) / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _is_postgres(connection) -> bool:
    return connection.vendor == "postgresql"


def _ddl(connection, *statements: str) -> None:
    """Statements outside any transaction, on the server's `postgres` database."""
    with connection._nodb_cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


class SeededTemplate:
    """Where this run's seeded template lives, and how to copy it."""

    def __init__(self, connection, tmp_path_factory):
        self.connection = connection
        self.tmp_path_factory = tmp_path_factory
        worker_name = connection.settings_dict["TEST"]["NAME"] or (
            "test_" + connection.settings_dict["NAME"]
        )
        base = re.sub(r"_gw\d+$", "", str(worker_name))
        if _is_postgres(connection):
            self.name = f"{base}_tpl"
        else:
            self.name = str(shared_dir(tmp_path_factory) / "seeded-template.sqlite3")
        self.marker = shared_dir(tmp_path_factory) / "seeded-template.done"

    def ensure(self, verbosity: int = 0) -> None:
        """Build the template once per run (the first caller; the others wait)."""
        from django.conf import settings
        from django.test.utils import setup_databases

        with run_lock(self.tmp_path_factory, "seeded-template"):
            if self.marker.exists():
                return
            connection = self.connection
            test_settings = connection.settings_dict["TEST"]
            worker_test_name = test_settings["NAME"]
            original_name = connection.settings_dict["NAME"]
            test_settings["NAME"] = self.name
            try:
                setup_databases(
                    verbosity=verbosity, interactive=False, keepdb=False, aliases={"default"}
                )
                seed()
            finally:
                connection.close()
                test_settings["NAME"] = worker_test_name
                connection.settings_dict["NAME"] = original_name
                settings.DATABASES[connection.alias]["NAME"] = original_name
            self.marker.touch()

    def copy_to(self, target: str) -> None:
        """A fresh copy of the template named `target` (a database name on
        PostgreSQL, a file path on SQLite)."""
        self.ensure()
        connection = self.connection
        with run_lock(self.tmp_path_factory, "seeded-template"):
            if _is_postgres(connection):
                # Under the lock: a template must have no other session.
                _ddl(
                    connection,
                    f"DROP DATABASE IF EXISTS {_quote(connection, target)} WITH (FORCE)",
                    f"CREATE DATABASE {_quote(connection, target)} "
                    f"TEMPLATE {_quote(connection, self.name)}",
                )
            else:
                from home.backups import sqlite_copy

                Path(target).unlink(missing_ok=True)
                sqlite_copy(self.name, target, "Copie du modèle de test")

    def drop(self, target: str) -> None:
        if _is_postgres(self.connection):
            _ddl(
                self.connection,
                f"DROP DATABASE IF EXISTS {_quote(self.connection, target)} WITH (FORCE)",
            )
        else:
            Path(target).unlink(missing_ok=True)


def _database_exists(connection, name: str) -> bool:
    if _is_postgres(connection):
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None
    return Path(name).exists()


def setup_worker_database(connection, tmp_path_factory, *, keepdb: bool, verbosity: int = 0):
    """Give this process its seeded test database; returns what
    `django.test.utils.teardown_databases` needs to drop it (empty when kept)."""
    from django.conf import settings
    from django.test.utils import setup_databases

    worker_name = connection.settings_dict["TEST"]["NAME"] or (
        "test_" + connection.settings_dict["NAME"]
    )
    if keepdb and _database_exists(connection, str(worker_name)):
        setup_databases(verbosity=verbosity, interactive=False, keepdb=True, aliases={"default"})
        seed()
        return []
    template = SeededTemplate(connection, tmp_path_factory)
    original_name = connection.settings_dict["NAME"]
    connection.close()
    template.copy_to(str(worker_name))
    # What django.db.backends.base.creation.create_test_db does once the
    # database exists: point the connection (and the settings) at it.
    settings.DATABASES[connection.alias]["NAME"] = str(worker_name)
    connection.settings_dict["NAME"] = str(worker_name)
    connection.close()
    connection.ensure_connection()
    return [] if keepdb else [(connection, original_name, True)]
