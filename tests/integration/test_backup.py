"""`zhtj db backup` / `zhtj db restore` (issue 14, decision 0049): a backup taken from the embedded database and
its stored files, restored into a fresh database and files folder, holds every row and every file."""

from __future__ import annotations

import asyncio
import sqlite3
import tarfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zhtj.cli import app
from zhtj.infrastructure import migrate
from zhtj.infrastructure.demo import build_demo
from zhtj.infrastructure.files import LocalFiles
from zhtj.settings import Settings, sqlite_url

runner = CliRunner()
KEY = "b" * 40
STORED = {"archives/7/入团志愿书.pdf": b"%PDF-1.4 archive", "verification/12.jpg": b"\xff\xd8\xff photo"}


def _every_row(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        tables = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


def _use(monkeypatch, database: Path, files: Path) -> None:
    monkeypatch.setenv("ZHTJ_DATABASE_URL", sqlite_url(database))
    monkeypatch.setenv("ZHTJ_FILES_DIR", str(files))
    monkeypatch.setenv("ZHTJ_SECRET_KEY", KEY)


async def test_a_backup_restored_into_a_fresh_database_holds_every_row_and_file(tmp_path, monkeypatch, hasher):
    """Always SQLite: the online backup API is SQLite's (PostgreSQL's refusal is the next test)."""
    source_db, source_files = tmp_path / "live" / "zhtj.sqlite3", tmp_path / "live" / "files"
    source_db.parent.mkdir()
    settings = Settings(database_url=sqlite_url(source_db), files_dir=source_files, secret_key=KEY)
    await asyncio.to_thread(migrate.upgrade, settings.database_url)
    monkeypatch.setattr("zhtj.infrastructure.demo.Argon2Hasher", lambda: hasher)  # the suite's cheap argon2id
    assert await build_demo(settings)
    for name, content in STORED.items():
        await LocalFiles(source_files).write(name, content)
    (source_files / "archives" / ".half.0123.tmp").write_bytes(b"being written")  # left out

    _use(monkeypatch, source_db, source_files)
    made = await asyncio.to_thread(runner.invoke, app, ["db", "backup", str(tmp_path / "b" / "zhtj.tar.gz")])
    assert made.exit_code == 0, made.output
    assert "2 stored files" in made.output

    fresh_db, fresh_files = tmp_path / "new" / "zhtj.sqlite3", tmp_path / "new" / "files"
    _use(monkeypatch, fresh_db, fresh_files)
    done = await asyncio.to_thread(runner.invoke, app, ["db", "restore", str(tmp_path / "b" / "zhtj.tar.gz")])
    assert done.exit_code == 0, done.output

    before, after = _every_row(source_db), _every_row(fresh_db)
    assert after == before
    assert all(before[t] for t in ("organizations", "members", "accounts", "audit_log")), \
        {t: len(r) for t, r in before.items()}
    assert {str(p.relative_to(fresh_files)): p.read_bytes() for p in fresh_files.rglob("*") if p.is_file()} \
        == STORED

    again = await asyncio.to_thread(runner.invoke, app, ["db", "restore", str(tmp_path / "b" / "zhtj.tar.gz")])
    assert again.exit_code == 2 and "--force" in again.output  # never over a database by accident


async def test_a_damaged_backup_changes_nothing(tmp_path, monkeypatch):
    broken = tmp_path / "broken.tar.gz"
    with tarfile.open(broken, "w:gz") as tar:
        tar.add(Path(__file__), arcname="zhtj.sqlite3")
    _use(monkeypatch, tmp_path / "new.sqlite3", tmp_path / "files")
    done = await asyncio.to_thread(runner.invoke, app, ["db", "restore", str(broken)])
    assert done.exit_code == 2 and "not a zhtj backup" in done.output
    assert not (tmp_path / "new.sqlite3").exists()


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_postgresql_is_pointed_at_pg_dump_and_pg_restore(command, tmp_path, monkeypatch):
    monkeypatch.setenv("ZHTJ_DATABASE_URL", "postgresql+asyncpg://zhtj@db.internal/zhtj")
    monkeypatch.setenv("ZHTJ_SECRET_KEY", KEY)
    done = runner.invoke(app, ["db", command, str(tmp_path / "x.tar.gz")])
    assert done.exit_code == 2
    assert "pg_dump --format=custom" in done.output and "pg_restore" in done.output
    assert not (tmp_path / "x.tar.gz").exists()
