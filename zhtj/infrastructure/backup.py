"""Backups of the embedded database and the stored files (decision 0049): one .tar.gz holding

    zhtj-backup.json   when, the schema revision, and the rows of every table
    zhtj.sqlite3       a consistent copy made by SQLite's online backup API while the service runs
    files/...          ZHTJ_FILES_DIR: e-archives, photos, downloads (temporary files left out)

The database is copied first and the files after it: a file is always written before the row that names it
commits (files.py), so every file the copied rows name is in the backup. PostgreSQL is backed up with its own
tools (pg_dump / pg_restore, README), which this module names and does not run."""

from __future__ import annotations

import io
import json
import os
import secrets
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

MANIFEST, DATABASE, FILES = "zhtj-backup.json", "zhtj.sqlite3", "files"
FORMAT = 1
POSTGRESQL = """zhtj db backup/restore work on the embedded SQLite database only. For PostgreSQL use its own
tools, and keep the files folder with the dump (README, "Backup and restore"):
  back up:  pg_dump --format=custom --file=zhtj.dump "$DATABASE"
            tar -czf zhtj-files.tar.gz -C "$ZHTJ_FILES_DIR" .
  restore:  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE" zhtj.dump
            tar -xzf zhtj-files.tar.gz -C "$ZHTJ_FILES_DIR"
($DATABASE: ZHTJ_DATABASE_URL without "+asyncpg", e.g. postgresql://zhtj@db.internal/zhtj)"""


class BackupError(Exception):
    """Why a backup or a restore cannot be made; nothing has been changed."""


@dataclass(frozen=True)
class Summary:
    revision: str | None
    rows: dict[str, int]
    files: int

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def sqlite_path(url: str) -> Path:
    if not url.startswith("sqlite"):
        raise BackupError(POSTGRESQL)
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("the database is in memory: there is nothing on disk to back up")
    return Path(database)


def _rows(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


def _revision(conn: sqlite3.Connection) -> str | None:
    try:
        found = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return found[0] if found else None


def _stored(path: tarfile.TarInfo) -> tarfile.TarInfo | None:
    """Leaves out files being written (`.name.hex.tmp`) and the retry lock."""
    name = Path(path.name).name
    return None if name.endswith(".tmp") or name == ".verify-rounds.lock" else path


def backup(database: Path, files_dir: Path, target: Path) -> Summary:
    """Writes the backup to `target` (a temporary name, then renamed): a half-written backup never has it."""
    if not database.exists():
        raise BackupError(f"no database at {database}")
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".zhtj-backup-") as work:
        snapshot = Path(work) / DATABASE
        source = sqlite3.connect(database)
        copy = sqlite3.connect(snapshot)
        try:
            source.backup(copy)  # SQLite's online backup API: one consistent state, writers may go on
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            summary_rows, revision = _rows(copy), _revision(copy)
        finally:
            copy.close()
            source.close()
        files = 0
        partial = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
        try:
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(snapshot, arcname=DATABASE)
                if files_dir.is_dir():
                    for path in sorted(files_dir.rglob("*")):
                        info = _stored(tar.gettarinfo(path, arcname=f"{FILES}/{path.relative_to(files_dir)}"))
                        if info is not None and path.is_file():
                            with path.open("rb") as content:
                                tar.addfile(info, content)
                            files += 1
                manifest = json.dumps({"format": FORMAT, "created": datetime.now(UTC).isoformat(),
                                       "revision": revision, "rows": summary_rows, "files": files},
                                      ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(manifest), int(datetime.now(UTC).timestamp()), 0o600
                tar.addfile(info, io.BytesIO(manifest))
            with partial.open("rb") as written:
                os.fsync(written.fileno())
            partial.chmod(0o600)
            partial.replace(target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return Summary(revision, summary_rows, files)


def restore(source: Path, database: Path, files_dir: Path, *, force: bool = False) -> Summary:
    """Puts the backup's database at `database` and its files under `files_dir`. Refuses a database that
    already exists unless `force` (the service must be stopped: its open connections would keep the old file).
    The copy is checked (integrity, and the rows of every table against the manifest) before it replaces
    anything."""
    if database.exists() and not force:
        raise BackupError(f"{database} exists: stop the service and restore with --force to replace it, "
                          "or point ZHTJ_DATABASE_URL at a new file")
    database.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=database.parent, prefix=".zhtj-restore-") as work:
        unpacked = Path(work)
        try:
            with tarfile.open(source, "r:*") as tar:
                tar.extractall(unpacked, filter="data")  # no absolute paths, links out or devices
        except (tarfile.TarError, OSError) as broken:
            raise BackupError(f"{source} is not a zhtj backup: {broken}") from None
        manifest_file, snapshot = unpacked / MANIFEST, unpacked / DATABASE
        if not manifest_file.is_file() or not snapshot.is_file():
            raise BackupError(f"{source} is not a zhtj backup: no {MANIFEST} or {DATABASE} in it")
        manifest = json.loads(manifest_file.read_text())
        conn = sqlite3.connect(snapshot)
        try:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"the database in {source} is damaged (integrity_check)")
            rows, revision = _rows(conn), _revision(conn)
        finally:
            conn.close()
        if rows != manifest.get("rows"):
            raise BackupError(f"the database in {source} does not hold the rows its manifest counts")
        stored = unpacked / FILES
        kept = sorted(path for path in stored.rglob("*") if path.is_file()) if stored.is_dir() else []
        if len(kept) != manifest.get("files"):
            raise BackupError(f"{source} holds {len(kept)} stored files, its manifest counts {manifest.get('files')}")
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        os.replace(snapshot, database)
        for path in kept:
            destination = files_dir / path.relative_to(stored)
            destination.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.replace(path, destination)
            except OSError:  # another file system: copy beside it, then rename
                partial = destination.with_name(f".{destination.name}.{secrets.token_hex(8)}.tmp")
                shutil.copy2(path, partial)
                os.replace(partial, destination)
    return Summary(revision, rows, len(kept))
