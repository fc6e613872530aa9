"""One archive with everything needed to bring the system back: a consistent database dump,
the attachments (MEDIA_ROOT) and a manifest of row counts and file checksums.

  backup-20261126-0300.tar.gz
    manifest.json          engine, time, rows per table, sha256 per file
    database.sqlite3       SQLite: a copy made with SQLite's online backup API
    database.pgdump        PostgreSQL: pg_dump --format=custom (one snapshot)
    media/...              the attachments, as stored

Restoring goes into an empty database and an empty media folder, then checks that every table
has the row count and every file the checksum the manifest says.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"
SKIPPED_MEDIA = {"imports"}  # import previews are throw-away


class BackupError(Exception):
    pass


def row_counts():
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def media_files(root=None):
    """{relative path: sha256} of every attachment under MEDIA_ROOT."""
    root = Path(root or settings.MEDIA_ROOT)
    if not root.is_dir():
        return {}
    files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and relative.parts[0] not in SKIPPED_MEDIA:
            files[relative.as_posix()] = _sha256(path)
    return files


def _pg_environment():
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    args = ["--host", db.get("HOST") or "127.0.0.1", "--username", db.get("USER") or "postgres"]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    return env, args, db["NAME"]


def _tool(name):
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client).")
    return path


def _dump_database(folder):
    if connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)  # a consistent copy while the site runs
        copy.close()
        return target.name
    if connection.vendor == "postgresql":
        env, args, name = _pg_environment()
        target = folder / "database.pgdump"
        subprocess.run(
            [_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--no-privileges",
             "--file", str(target), name],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        return target.name
    raise BackupError(f"Backups of {connection.vendor} databases are not supported.")


def backup(output=None):
    """Write the archive; return its path and manifest."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    output = Path(output or Path(settings.VAR_DIR) / "backups" / f"backup-{stamp}.tar.gz")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # Counts and the dump first, then the files: every file a row names is in the archive.
        counts = row_counts()
        dump = _dump_database(folder)
        files = media_files()
        manifest = {
            "created_at": timezone.now().isoformat(),
            "engine": connection.vendor,
            "database": dump,
            "database_sha256": _sha256(folder / dump),
            "rows": counts,
            "files": files,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(folder / MANIFEST, MANIFEST)
            archive.add(folder / dump, dump)
            for relative in files:
                archive.add(Path(settings.MEDIA_ROOT) / relative, f"media/{relative}")
        partial.replace(output)  # a half-written archive never has the final name
    return output, manifest


def _database_is_empty():
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _restore_database(folder, manifest):
    dump = folder / manifest["database"]
    if _sha256(dump) != manifest["database_sha256"]:
        raise BackupError("The database dump in the archive is damaged (checksum differs).")
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            f"The archive holds a {manifest['engine']} database; this site uses "
            f"{connection.vendor}."
        )
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(dump) as source:
            source.backup(connection.connection)
        source.close()
    else:
        env, args, name = _pg_environment()
        connection.close()
        subprocess.run(
            [_tool("pg_restore"), *args, "--no-owner", "--no-privileges", "--exit-on-error",
             "--dbname", name, str(dump)],
            env=env, check=True, capture_output=True,
        )  # fmt: skip


def restore(archive_path):
    """Restore into an empty database and an empty MEDIA_ROOT, then verify against the manifest.
    Return the manifest."""
    media_root = Path(settings.MEDIA_ROOT)
    if not _database_is_empty():
        raise BackupError(
            "The database is not empty. Restore into a new, empty database "
            "(createdb, or a new SQLite file in DATABASE_URL), then run migrate."
        )
    if media_root.is_dir() and any(p.is_file() for p in media_root.rglob("*")):
        raise BackupError(f"The media folder {media_root} is not empty.")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive_path, "r:gz") as archive:
        folder = Path(tmp)
        archive.extractall(folder, filter="data")  # no absolute paths, no links out
        manifest = json.loads((folder / MANIFEST).read_text())
        _restore_database(folder, manifest)
        for relative in manifest["files"]:
            target = media_root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(folder / "media" / relative, target)
    problems = verify(manifest)
    if problems:
        raise BackupError("The restore does not match the backup: " + "; ".join(problems))
    return manifest


def verify(manifest):
    """What differs between the live database and media folder and the manifest."""
    problems = []
    counts = row_counts()
    for table, expected in manifest["rows"].items():
        if counts.get(table) != expected:
            problems.append(f"{table}: {counts.get(table)} rows, expected {expected}")
    files = media_files()
    for relative, digest in manifest["files"].items():
        if files.get(relative) != digest:
            problems.append(f"{relative}: missing or different")
    return problems
