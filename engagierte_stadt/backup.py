"""Backup and restore of the whole portal: the database and the uploaded media in one archive.

An archive is a plain tar file (the dump is compressed already, pictures do not compress):

    manifest.json       format, time, database engine, row count per table, SHA-256 of every file
    database.dump       PostgreSQL: `pg_dump --format=custom`
    database.sqlite3    SQLite: a copy made with SQLite's online backup API
    media/...           every file under MEDIA_ROOT (originals and renditions)

PostgreSQL: the row counts and the dump come from one snapshot (a REPEATABLE READ transaction
exports it, `pg_dump --snapshot` uses it), so the manifest describes exactly what was dumped
while the portal keeps serving. The media files are read after that; a picture uploaded in
between is in the archive without its row, never a row without its file.

Restore goes into an empty database (a non-empty one is refused unless forced) and an empty
media folder; it checks every file against its checksum and every table against its row count.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

import dj_database_url
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
BACKUP_ALIAS = "__backup__"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Something an operator must see: the message says what and what to do."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def database_settings(url: str | None = None, alias: str = DEFAULT_DB_ALIAS) -> dict:
    """The settings of the database to back up or restore into: `url`, else the portal's own."""
    if url:
        return connections.configure_settings({DEFAULT_DB_ALIAS: dj_database_url.parse(url)})[
            DEFAULT_DB_ALIAS
        ]
    return dict(connections[alias].settings_dict)


def vendor_of(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"Backup supports PostgreSQL and SQLite, not {engine}.")


@contextmanager
def own_connection(settings_dict: dict):
    """A connection of its own (never one serving requests), known under its alias while it
    lives: django.contrib.postgres looks a new connection up by alias."""
    settings_dict = dict(settings_dict, CONN_MAX_AGE=0, CONN_HEALTH_CHECKS=False)
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(
        settings_dict, alias=BACKUP_ALIAS
    )
    connections[BACKUP_ALIAS] = wrapper
    try:
        yield wrapper
    finally:
        try:
            wrapper.close()
        finally:
            del connections[BACKUP_ALIAS]


def row_counts(cursor, connection) -> dict[str, int]:
    counts = {}
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def libpq_environment(settings_dict: dict) -> dict[str, str]:
    """pg_dump / pg_restore reach the database through libpq's environment variables, so no
    password appears on a command line."""
    options = settings_dict.get("OPTIONS") or {}
    env = dict(os.environ)
    pairs = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSERVICE": options.get("service"),
        "PGPASSFILE": options.get("passfile"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
    }
    env.update({key: str(value) for key, value in pairs.items() if value})
    return env


def run_tool(args: list[str], env: dict) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(f"{args[0]} not found: install the PostgreSQL client tools.")
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed ({result.returncode}): {result.stderr.strip()}")


# --- backup ---------------------------------------------------------------------------------


def dump_postgresql(settings_dict: dict, target: Path) -> dict[str, int]:
    """Dump into `target`; return the row counts of the same snapshot."""
    with own_connection(settings_dict) as connection:
        connection.set_autocommit(False)
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = row_counts(cursor, connection)
            # The transaction stays open (and the snapshot valid) until pg_dump is done.
            run_tool(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                ],
                libpq_environment(settings_dict),
            )
        connection.rollback()
    return counts


def dump_sqlite(settings_dict: dict, target: Path) -> dict[str, int]:
    path = Path(settings_dict["NAME"])
    if not path.is_file():
        raise BackupError(f"No SQLite database at {path}.")
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        tables = [
            name
            for (name,) in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            table: copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }
    finally:
        copy.close()
        source.close()


def media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def create_backup(output: str | Path, database_url: str | None = None, media_root=None) -> dict:
    """Write one archive to `output` (a file, or a folder for a dated name); return the manifest
    with the archive's path under "archive"."""
    settings_dict = database_settings(database_url)
    vendor = vendor_of(settings_dict)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    now = timezone.now()
    as_folder = str(output).endswith(("/", os.sep))  # Path() would drop the trailing slash
    output = Path(output)
    if as_folder or output.is_dir():
        output.mkdir(parents=True, exist_ok=True)
        output = output / f"portal-backup-{now:%Y%m%d-%H%M%S}.tar"
    with tempfile.TemporaryDirectory(prefix="portal-backup-") as work:
        dump = Path(work) / DUMP_NAMES[vendor]
        if vendor == "postgresql":
            counts = dump_postgresql(settings_dict, dump)
        else:
            counts = dump_sqlite(settings_dict, dump)
        files = media_files(media_root)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(timespec="seconds"),
            "engine": vendor,
            "tables": counts,
            "database": {"file": dump.name, "sha256": sha256_of(dump)},
            "media": {path.relative_to(media_root).as_posix(): sha256_of(path) for path in files},
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o600
            archive.addfile(info, fileobj=io.BytesIO(data))
            archive.add(dump, arcname=dump.name)
            for path in files:
                archive.add(path, arcname=MEDIA_PREFIX + path.relative_to(media_root).as_posix())
        os.chmod(partial, 0o600)  # personal data: readable by the owner only
        partial.replace(output)
    return dict(manifest, archive=str(output))


# --- restore --------------------------------------------------------------------------------


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile(MANIFEST))
    except (KeyError, ValueError) as error:
        raise BackupError(f"Not a portal backup (no readable {MANIFEST}).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def extract_checked(archive: tarfile.TarFile, name: str, target: Path, expected: str) -> None:
    """Copy one member to `target`, refusing it when its SHA-256 differs from the manifest."""
    member = archive.getmember(name)
    if not member.isfile():
        raise BackupError(f"{name} in the archive is not a regular file.")
    digest = hashlib.sha256()
    target.parent.mkdir(parents=True, exist_ok=True)
    with archive.extractfile(member) as source, open(target, "wb") as sink:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            sink.write(chunk)
    if digest.hexdigest() != expected:
        target.unlink()
        raise BackupError(f"{name} does not match its checksum: the archive is damaged.")


def safe_media_path(root: Path, relative: str) -> Path:
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or ".." in parts:
        raise BackupError(f"Refusing the media path {relative!r} (outside the media folder).")
    return root.joinpath(*parts)


def database_tables(settings_dict: dict) -> list[str]:
    if vendor_of(settings_dict) == "sqlite" and not Path(settings_dict["NAME"]).exists():
        return []
    with own_connection(settings_dict) as connection, connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def restored_counts(settings_dict: dict) -> dict[str, int]:
    with own_connection(settings_dict) as connection, connection.cursor() as cursor:
        return row_counts(cursor, connection)


def restore_backup(
    path: Path, database_url: str | None = None, media_root=None, force: bool = False
) -> dict:
    """Restore the archive at `path` into the database (empty unless `force`) and the media
    folder (empty unless `force`); return the manifest once every check passed."""
    settings_dict = database_settings(database_url)
    vendor = vendor_of(settings_dict)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with tarfile.open(path, "r") as archive:
        manifest = read_manifest(archive)
        if manifest["engine"] != vendor:
            raise BackupError(
                f"The backup is of a {manifest['engine']} database; the target is {vendor}."
            )
        if not force and database_tables(settings_dict):
            raise BackupError(
                f"The database {settings_dict['NAME']} is not empty. Restore into an empty "
                "database, or pass --force to replace what is in it."
            )
        if not force and media_files(media_root):
            raise BackupError(
                f"The media folder {media_root} is not empty. Restore into an empty folder, "
                "or pass --force to add the archive's files to it."
            )
        with tempfile.TemporaryDirectory(prefix="portal-restore-") as work:
            dump = Path(work) / manifest["database"]["file"]
            extract_checked(archive, dump.name, dump, manifest["database"]["sha256"])
            if vendor == "postgresql":
                args = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
                if force:
                    args += ["--clean", "--if-exists"]
                else:
                    args.append("--single-transaction")
                args += [f"--dbname={settings_dict['NAME']}", str(dump)]
                run_tool(args, libpq_environment(settings_dict))
            else:
                target = Path(settings_dict["NAME"])
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(target.name + ".restoring")
                shutil.copyfile(dump, partial)
                partial.replace(target)
        media_root.mkdir(parents=True, exist_ok=True)
        for relative, expected in manifest["media"].items():
            extract_checked(
                archive, MEDIA_PREFIX + relative, safe_media_path(media_root, relative), expected
            )
    counts = restored_counts(settings_dict)
    wrong = {
        table: (count, counts.get(table))
        for table, count in manifest["tables"].items()
        if counts.get(table) != count
    }
    if wrong:
        details = ", ".join(
            f"{t}: {want} expected, {got} found" for t, (want, got) in wrong.items()
        )
        raise BackupError(f"Restored row counts differ from the backup: {details}.")
    return manifest
