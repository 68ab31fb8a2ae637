"""`manage.py backup_site`: a backup of the database and of every media storage.

Writes `backup-<UTC time>` (a directory, or a .tar with `--tar`) into
BACKUP_DIR, then removes the oldest backups beyond `--keep` (BACKUP_KEEP,
14 by default). Safe while the site runs. Exits non-zero on any failure and
then leaves no partial backup behind (home/backups.py, docs/operations.md).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from home.backups import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Backs up the database and every media storage into BACKUP_DIR and removes "
        "the oldest backups beyond --keep."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="how many backups to keep, this one included (default: BACKUP_KEEP, 14)",
        )
        parser.add_argument(
            "--tar", action="store_true", help="one .tar archive instead of a directory"
        )

    def handle(self, *args, keep, tar, **options):
        keep = settings.BACKUP_KEEP if keep is None else keep
        try:
            path, manifest, removed = create_backup(keep=keep, tar=tar)
        except BackupError as exc:
            raise CommandError(f"Sauvegarde échouée : {exc}") from exc
        except OSError as exc:
            raise CommandError(f"Sauvegarde échouée : {exc}") from exc
        size = sum(part["size"] for part in manifest["parts"].values())
        storages = ", ".join(
            f"{alias} : {summary['files']} fichier(s)"
            for alias, summary in manifest["storages"].items()
        )
        self.stdout.write(
            self.style.SUCCESS(f"Sauvegarde créée : {path}")
            + f"\n  base {manifest['engine']}, {storages} ; {size / 1e6:.1f} Mo"
        )
        if removed:
            self.stdout.write(
                f"Sauvegardes anciennes supprimées (au-delà de {keep}) : "
                + ", ".join(path.name for path in removed)
            )
