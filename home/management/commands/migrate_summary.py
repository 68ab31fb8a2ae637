"""`manage.py migrate_summary`: `migrate` in one line, for `make run`.

Runs every pending migration quietly and prints « Base de données : N
migrations appliquées » or « Base de données : à jour ». `make run V=1` runs
the plain `migrate` instead, with its full output.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


class Command(BaseCommand):
    help = "Applies pending migrations and prints a one-line summary."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        executor = MigrationExecutor(connections[database])
        pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        call_command("migrate", database=database, interactive=False, verbosity=0)
        if pending == 0:
            summary = "à jour"
        elif pending == 1:
            summary = "1 migration appliquée"
        else:
            summary = f"{pending} migrations appliquées"
        self.stdout.write(f"Base de données : {summary}")
