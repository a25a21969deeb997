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


async def test_a_bulk_load_s_writer_process_reports_a_refused_batch_and_ends(sqlite_db):
    """`zhtj generate` on SQLite writes through a process of its own (bulk.py): a batch the database refuses (here a
    search-index row of nobody: the foreign key) is raised in the loading process, which is not left waiting, and
    nothing of the load stays: the batches before it are in the same transaction."""
    from zhtj.infrastructure.bulk import Loader
    from zhtj.infrastructure.tables.schema import metadata

    database, _ = sqlite_db
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    async with database.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        loader = Loader(database, raw.driver_connection, batch=2)
        await loader.open()
        assert loader.writer is not None and loader.writer.process.is_alive()
        loader.table("login_throttles", ("key", "failures"))
        loader.table("member_search", ("term", "path", "member_id"))
        await loader.add("login_throttles", ("a", 1))
        await loader.add("login_throttles", ("b", 1))  # the first batch: written, not committed
        await loader.add("member_search", ("王", "/1/", 12345))
        with pytest.raises(RuntimeError, match="FOREIGN KEY constraint failed"):
            await loader.close()
        loader.abort()
    async with database.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM login_throttles"))).scalar_one() == 0
