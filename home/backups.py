"""Backup and restore of the database and of every media storage.

A backup is one directory, or one .tar archive of the same files, in
BACKUP_DIR, named after the UTC time it was made (`backup-20261212T031500Z`):

    manifest.json                when, engine, versions, commit; size and sha256 of each part
    database.dump                PostgreSQL: `pg_dump --format=custom --no-owner`
    database.sqlite3             SQLite: sqlite3's online backup (safe while the site runs)
    storages/<alias>/<name>      each file of each storage of STORAGES but "staticfiles",
                                 read through the Storage API (filesystem and S3 alike)

It is written under a hidden temporary name and renamed when complete, so a
name without the dot is always a whole backup. `restore_backup` checks every
checksum before it writes anything, then restores the database the settings
point at and each storage's files under the same names.

Messages are for the operator running `manage.py backup_site` / `restore_site`:
French, like the other commands' output.
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import django
import wagtail
from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

FORMAT = 1
MANIFEST = "manifest.json"
STORAGES_DIR = "storages"
PARTS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
NAME_RE = re.compile(r"^backup-(\d{8}T\d{6}Z)(?:-(\d+))?(\.tar)?$")
CHUNK = 1024 * 1024
# libpq environment variables for the connection settings Django knows.
PG_ENV = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}
PG_OPTIONS_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message says why."""


@dataclass
class RestoreReport:
    backup: Path
    manifest: dict
    database: str = ""
    files: dict[str, int] = field(default_factory=dict)
    pending_migrations: int = 0


# --- Where backups live ------------------------------------------------------


def backup_root() -> Path:
    return Path(settings.BACKUP_DIR)


def list_backups(root: Path | None = None) -> list[Path]:
    """The backups in `root`, oldest first (only names this module makes)."""
    root = root or backup_root()
    if not root.is_dir():
        return []
    found = []
    for path in root.iterdir():
        match = NAME_RE.match(path.name)
        if match:
            found.append(((match[1], int(match[2] or 0)), path))
    return [path for _key, path in sorted(found)]


def find_backup(value: str) -> Path:
    """A backup given as a path, a name in BACKUP_DIR or `latest`."""
    if value == "latest":
        backups = list_backups()
        if not backups:
            raise BackupError(f"Aucune sauvegarde dans {backup_root()}.")
        return backups[-1]
    for candidate in (Path(value), backup_root() / value):
        if candidate.exists():
            return candidate
    raise BackupError(f"Sauvegarde introuvable : {value} (ni ce chemin, ni dans {backup_root()}).")


def prune(keep: int, protect: Path, root: Path | None = None) -> list[Path]:
    """Removes the oldest backups beyond `keep`, never `protect` (the one just
    made, even if a clock set wrong dated older ones in the future)."""
    others = [path for path in list_backups(root) if path != protect]
    doomed = others[: max(0, len(others) - (keep - 1))]
    for path in doomed:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return doomed


# --- Backup ------------------------------------------------------------------


def storage_aliases() -> list[str]:
    """Every storage of settings.STORAGES that holds uploaded files."""
    return [alias for alias in settings.STORAGES if alias != "staticfiles"]


def walk(storage, path: str = "") -> Iterator[str]:
    """Every file name of a storage, through `listdir` (filesystem and S3)."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        if path:
            raise
        return  # a filesystem storage whose folder does not exist yet: empty
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for name in sorted(directories):
        yield from walk(storage, f"{path}/{name}" if path else name)


def safe_parts(name: str) -> tuple[str, ...]:
    """The path segments of a storage name, refused if it could leave its folder."""
    parts = tuple(name.split("/"))
    if "\\" in name or any(part in {"", ".", ".."} for part in parts):
        raise BackupError(f"Nom de fichier refusé (segment vide, « . » ou « .. ») : {name!r}")
    return parts


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_hashing(source, target: Path) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def engine() -> str:
    vendor = connections[DEFAULT_DB_ALIAS].vendor
    if vendor not in PARTS:
        raise BackupError(f"Moteur de base de données non pris en charge : {vendor}.")
    return vendor


def pg_env() -> dict[str, str]:
    """The connection settings as libpq environment variables: the password
    never appears on a command line."""
    db = settings.DATABASES[DEFAULT_DB_ALIAS]
    env = dict(os.environ)
    for key, variable in PG_ENV.items():
        if db.get(key):
            env[variable] = str(db[key])
    for key, variable in PG_OPTIONS_ENV.items():
        if db.get("OPTIONS", {}).get(key):
            env[variable] = str(db["OPTIONS"][key])
    env["PGDATABASE"] = str(db["NAME"])
    return env


def pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} est introuvable : installez le client PostgreSQL "
            "(paquet postgresql-client, même version majeure que le serveur)."
        )
    return path


def run_tool(args: list[str], what: str) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603
        args, env=pg_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{what} a échoué (code {result.returncode}) : {result.stderr.strip()}")
    return result


def sqlite_copy(source_path, target_path, failure: str) -> None:
    """Copy the SQLite database at `source_path` into `target_path` with
    sqlite3's online backup API: page by page, consistent even while the
    source is in use and into a live target (its journal or WAL included),
    safer than a file copy. `failure` prefixes the error raised."""
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(target_path)
    try:
        with target:
            source.backup(target)
    except sqlite3.Error as exc:
        raise BackupError(f"{failure} : {exc}") from exc
    finally:
        target.close()
        source.close()


def dump_database(directory: Path) -> str:
    vendor = engine()
    target = directory / PARTS[vendor]
    if vendor == "postgresql":
        run_tool(
            [pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}"], "pg_dump"
        )
        # A dump pg_restore cannot read is no backup.
        run_tool([pg_tool("pg_restore"), "--list", str(target)], "La relecture du dump")
    else:
        sqlite_copy(
            settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"],
            target,
            "La copie de la base SQLite a échoué",
        )
    return target.name


def copy_storages(directory: Path) -> tuple[dict, dict]:
    """Copies every file of every storage; returns the parts and a summary."""
    parts, summary = {}, {}
    for alias in storage_aliases():
        storage = storages[alias]
        count = total = 0
        for name in walk(storage):
            relative = PurePosixPath(STORAGES_DIR, alias, *safe_parts(name))
            try:
                with storage.open(name, "rb") as source:
                    size, digest = copy_hashing(source, directory.joinpath(*relative.parts))
            except OSError as exc:
                raise BackupError(
                    f"Lecture impossible de {name} (stockage « {alias} ») : {exc}"
                ) from exc
            parts[str(relative)] = {"size": size, "sha256": digest}
            count += 1
            total += size
        summary[alias] = {"files": count, "bytes": total}
    return parts, summary


def git_commit() -> str | None:
    git = shutil.which("git")
    if git is None or not (Path(settings.BASE_DIR) / ".git").exists():
        return None
    result = subprocess.run(  # noqa: S603
        [git, "rev-parse", "HEAD"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return None
    return result.stdout.strip() or None


def new_name(root: Path, now: datetime) -> str:
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    taken = {path.name.removesuffix(".tar") for path in root.iterdir()}
    name, n = f"backup-{stamp}", 1
    while name in taken or f".{name}.partial" in taken:
        name, n = f"backup-{stamp}-{n}", n + 1
    return name


def create_backup(*, keep: int, tar: bool = False, root: Path | None = None):
    """Makes a backup in `root` (BACKUP_DIR); returns its path, its manifest
    and the backups removed beyond `keep`."""
    if keep < 1:
        raise BackupError("--keep doit valoir au moins 1.")
    root = root or backup_root()
    root.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    name = new_name(root, now)
    work = root / f".{name}.partial"
    final = root / (f"{name}.tar" if tar else name)
    work.mkdir()
    try:
        database = dump_database(work)
        parts = {
            database: {
                "size": (work / database).stat().st_size,
                "sha256": sha256_of(work / database),
            }
        }
        files, summary = copy_storages(work)
        parts.update(files)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat().replace("+00:00", "Z"),
            "engine": engine(),
            "database": database,
            "django": django.get_version(),
            "wagtail": wagtail.__version__,
            "git_commit": git_commit(),
            "storages": summary,
            "file_count": len(parts),
            "parts": parts,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        if tar:
            partial = root / f".{name}.tar.partial"
            try:
                with tarfile.open(partial, "w") as archive:
                    for path in [MANIFEST, *parts]:
                        archive.add(work / path, arcname=path, recursive=False)
                partial.rename(final)
            finally:
                partial.unlink(missing_ok=True)
            shutil.rmtree(work)
        else:
            work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final, manifest, prune(keep, protect=final, root=root)


# --- Restore -----------------------------------------------------------------


def read_manifest(text: bytes | str) -> dict:
    try:
        manifest = json.loads(text)
    except ValueError as exc:
        raise BackupError(f"Sauvegarde corrompue : {MANIFEST} illisible ({exc}).") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("parts"), dict):
        raise BackupError(f"Sauvegarde corrompue : {MANIFEST} sans liste des parties.")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Format de sauvegarde inconnu : {manifest.get('format')!r}.")
    if manifest.get("engine") not in PARTS or manifest.get("database") not in manifest["parts"]:
        raise BackupError("Sauvegarde corrompue : la base de données n'y figure pas.")
    for part in manifest["parts"]:
        safe_parts(part)
    return manifest


def corrupted(part: str, why: str) -> BackupError:
    return BackupError(
        f"Sauvegarde corrompue : {part} {why}. Rien n'a été restauré ; "
        "prenez une autre sauvegarde (ou sa copie hors de cette machine)."
    )


def check_part(part: str, expected: dict, size: int, digest: str) -> None:
    if size != expected.get("size") or digest != expected.get("sha256"):
        raise corrupted(part, "ne correspond pas à sa somme de contrôle (sha256)")


@contextmanager
def verified(path: Path) -> Iterator[tuple[Path, dict]]:
    """The backup's files in a directory and its manifest, every checksum
    checked; a .tar is unpacked (only the parts the manifest lists) into a
    temporary directory first."""
    if path.is_dir():
        manifest_path = path / MANIFEST
        if not manifest_path.exists():
            raise BackupError(f"{path} n'est pas une sauvegarde : {MANIFEST} manque.")
        manifest = read_manifest(manifest_path.read_bytes())
        for part, expected in manifest["parts"].items():
            file = path.joinpath(*PurePosixPath(part).parts)
            if not file.is_file():
                raise corrupted(part, "manque")
            check_part(part, expected, file.stat().st_size, sha256_of(file))
        yield path, manifest
        return
    with tempfile.TemporaryDirectory(prefix="restore-") as temporary:
        directory = Path(temporary)
        try:
            with tarfile.open(path, "r:") as archive:
                members = {m.name: m for m in archive.getmembers() if m.isfile()}
                if MANIFEST not in members:
                    raise BackupError(f"{path} n'est pas une sauvegarde : {MANIFEST} manque.")
                manifest = read_manifest(archive.extractfile(members[MANIFEST]).read())
                for part, expected in manifest["parts"].items():
                    if part not in members:
                        raise corrupted(part, "manque dans l'archive")
                    source = archive.extractfile(members[part])
                    size, digest = copy_hashing(
                        source, directory.joinpath(*PurePosixPath(part).parts)
                    )
                    check_part(part, expected, size, digest)
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise BackupError(
                f"Sauvegarde corrompue : l'archive {path.name} est illisible ou tronquée ({exc}). "
                "Rien n'a été restauré."
            ) from exc
        yield directory, manifest


def database_tables() -> list[str]:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            return connection.introspection.table_names(cursor)
    except DatabaseError as exc:
        raise BackupError(
            f"Connexion impossible à la base {settings.DATABASES[DEFAULT_DB_ALIAS]['NAME']} : {exc}"
            " (sur PostgreSQL, créez-la d'abord : createdb)."
        ) from exc


def storage_is_empty(storage) -> bool:
    try:
        directories, files = storage.listdir("")
    except FileNotFoundError:
        return True
    return not directories and not files


def restore_database(directory: Path, manifest: dict, *, clean: bool) -> None:
    part = directory / manifest["database"]
    connections.close_all()
    if manifest["engine"] == "postgresql":
        args = [
            pg_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={settings.DATABASES[DEFAULT_DB_ALIAS]['NAME']}",
        ]
        if clean:
            args += ["--clean", "--if-exists"]
        run_tool([*args, str(part)], "pg_restore")
    else:
        target = Path(settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"])
        target.parent.mkdir(parents=True, exist_ok=True)
        sqlite_copy(part, target, "La restauration de la base SQLite a échoué")


def restore_storage(directory: Path, manifest: dict, alias: str) -> int:
    storage = storages[alias]
    prefix = f"{STORAGES_DIR}/{alias}/"
    count = 0
    for part in manifest["parts"]:
        if not part.startswith(prefix):
            continue
        name = part.removeprefix(prefix)
        if storage.exists(name):
            storage.delete(name)
        with directory.joinpath(*PurePosixPath(part).parts).open("rb") as handle:
            saved = storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(f"Le stockage « {alias} » a enregistré {name} sous le nom {saved}.")
        count += 1
    return count


def pending_migrations() -> int:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def restore_backup(path: Path, *, force: bool = False) -> RestoreReport:
    """Checks the backup, then restores the database and every storage.
    Refuses a database that holds tables or a storage that holds files,
    unless `force`."""
    with verified(path) as (directory, manifest):
        if manifest["engine"] != engine():
            raise BackupError(
                f"Cette sauvegarde est une base {manifest['engine']} ; les réglages pointent "
                f"vers une base {engine()} (DATABASE_URL)."
            )
        aliases = list(manifest.get("storages", {}))
        missing = [alias for alias in aliases if alias not in settings.STORAGES]
        if missing:
            raise BackupError(
                f"Stockage(s) de la sauvegarde absent(s) des réglages : {', '.join(missing)}."
            )
        if engine() == "sqlite":
            Path(settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"]).parent.mkdir(
                parents=True, exist_ok=True
            )
        tables = database_tables()
        full = [alias for alias in aliases if not storage_is_empty(storages[alias])]
        if (tables or full) and not force:
            held = []
            if tables:
                held.append(
                    f"la base {settings.DATABASES[DEFAULT_DB_ALIAS]['NAME']} contient "
                    f"déjà {len(tables)} tables"
                )
            if full:
                held.append(f"ces stockages contiennent déjà des fichiers : {', '.join(full)}")
            raise BackupError(
                f"Restauration refusée : {' ; '.join(held)}. Restaurez dans une base vide "
                "(et des stockages vides), ou ajoutez --force pour les remplacer."
            )
        report = RestoreReport(backup=path, manifest=manifest)
        restore_database(directory, manifest, clean=bool(tables))
        report.database = str(settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"])
        for alias in aliases:
            report.files[alias] = restore_storage(directory, manifest, alias)
    report.pending_migrations = pending_migrations()
    return report
