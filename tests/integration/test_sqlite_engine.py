"""The embedded database's settings (platform): checked on a throwaway SQLite file in every run, since
the embedded default is SQLite whatever database the suite itself runs on."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from zhtj.infrastructure.db import create_database
from zhtj.settings import sqlite_url


@pytest.fixture
async def sqlite_db(tmp_path):
    database = create_database(sqlite_url(tmp_path / "embedded.sqlite3"))
    yield database, tmp_path / "embedded.sqlite3"
    await database.dispose()


async def test_every_connection_has_the_pragmas(sqlite_db):
    database, _ = sqlite_db
    async with database.engine.connect() as conn:
        values = {name: (await conn.execute(text(f"PRAGMA {name}"))).scalar_one()
                  for name in ("foreign_keys", "journal_mode", "busy_timeout", "synchronous")}
    assert values == {"foreign_keys": 1, "journal_mode": "wal", "busy_timeout": 30_000, "synchronous": 2}


async def test_writers_take_the_lock_at_begin_and_readers_do_not(sqlite_db):
    database, path = sqlite_db
    async with database.engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (x INTEGER)"))
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        async with database.read_sessions() as reader:
            await reader.execute(text("SELECT count(*) FROM t"))  # a read transaction: no write lock
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        async with database.write_sessions() as writer:
            await writer.execute(text("SELECT count(*) FROM t"))  # BEGIN IMMEDIATE already ran
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            await writer.rollback()
    finally:
        other.close()
