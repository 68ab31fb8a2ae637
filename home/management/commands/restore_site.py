"""`manage.py restore_site <backup>`: puts a backup of `backup_site` back.

`<backup>` is a path, a name in BACKUP_DIR or `latest`. Every checksum is
checked before anything is written; then the database the settings point at
is restored (it must be empty unless `--force`) and each storage's files are
written back under their names. Stop the site first (docs/operations.md).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from home.backups import BackupError, find_backup, restore_backup


class Command(BaseCommand):
    help = (
        "Restores a backup made by backup_site into the configured database and media "
        "storages, after checking its checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="a backup's path, its name in BACKUP_DIR, or latest")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that already holds tables and files already in the storages",
        )

    def handle(self, *args, backup, force, **options):
        try:
            report = restore_backup(find_backup(backup), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Restauration échouée : {exc}") from exc
        manifest = report.manifest
        self.stdout.write(
            self.style.SUCCESS(f"Sauvegarde du {manifest['created_at']} restaurée")
            + f" ({report.backup})\n  base {manifest['engine']} : {report.database}"
        )
        for alias, count in report.files.items():
            self.stdout.write(f"  stockage « {alias} » : {count} fichier(s)")
        self.stdout.write("À faire maintenant :")
        for step in self.next_steps(report):
            self.stdout.write(f"  - {step}")

    def next_steps(self, report):
        manifest = report.manifest
        if report.pending_migrations:
            yield (
                f"manage.py migrate : le code attend {report.pending_migrations} migration(s) "
                "de plus que la sauvegarde"
            )
        if settings.SEARCH_BACKEND == "database":
            yield "index de recherche : rien à faire, il est dans la base restaurée"
        else:
            yield "manage.py update_index : l'index de recherche est hors de la base"
        yield (
            "redémarrez le site ; avec Redis (REDIS_URL), videez le cache : "
            'manage.py shell -c "from django.core.cache import cache; cache.clear()"'
        )
        if manifest.get("git_commit"):
            yield f"sauvegarde faite avec le code du commit {manifest['git_commit'][:12]}"
