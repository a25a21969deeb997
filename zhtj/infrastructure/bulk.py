"""Bulk loading of rows that are already valid: COPY on PostgreSQL (asyncpg `copy_records_to_table`),
`executemany` in one transaction a batch on SQLite. Never one statement per row, never the ORM.

Used by `zhtj generate` (zhtj/infrastructure/generate.py) and the benchmarks. Rows are tuples in the order
of `columns`, with Python values (int, str, bool, date, aware datetime, None); SQLite gets dates and
datetimes as the text SQLAlchemy stores there (naive UTC)."""

from __future__ import annotations

import asyncio
import multiprocessing
import queue
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Date, DateTime, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex

from zhtj.infrastructure.db import Database, sqlite_pragmas
from zhtj.infrastructure.tables.schema import metadata
from zhtj.infrastructure.tables.types import UtcDateTime

BATCH = 100_000
INDEX_BUILD_MEMORY = "512MB"  # PostgreSQL's sort memory while add_keys builds an index
SQLITE_LOAD_CACHE_KIB = 1_048_576  # SQLite's page cache while loading: the indexes' pages stay in memory


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


@cache
def _temporal_columns(table: str, columns: tuple[str, ...]) -> tuple[int, ...]:
    """The places of the columns that hold dates or times (the others go to SQLite as they are)."""
    found = metadata.tables[table].c
    return tuple(i for i, name in enumerate(columns) if isinstance(found[name].type, Date | DateTime | UtcDateTime))


async def flush(dialect: str, driver: Any, table: str, columns: Sequence[str], batch: list[tuple]) -> None:
    """Writes one batch through the raw driver connection (`(await conn.get_raw_connection()).driver_connection`)."""
    if not batch:
        return
    if dialect == "postgresql":
        await driver.copy_records_to_table(table, records=batch, columns=list(columns))
        return
    await driver.execute("BEGIN")  # one transaction a batch: the raw connection runs in autocommit
    await driver.executemany(_insert(table, columns), _sqlite_rows(table, columns, batch))
    await driver.execute("COMMIT")


def _insert(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _sqlite_rows(table: str, columns: Sequence[str], batch: list[tuple]) -> list[Any]:
    temporal = _temporal_columns(table, tuple(columns))
    if not temporal:
        return batch
    converted = [list(row) for row in batch]
    for row in converted:
        for i in temporal:
            row[i] = _sqlite_value(row[i])
    return converted


class _WriterProcess:
    """SQLite on a file: the batches are written by a process of its own (`_write_batches`), with sqlite3 and the
    service's pragmas, all in one transaction, while this process makes the next rows. A thread would not do:
    sqlite3 takes the GIL back for every row it inserts. At most QUEUED batches wait; an error in the writer is
    raised here at the next batch or at `finish()`."""

    QUEUED = 2

    def __init__(self, path: str, busy_timeout_ms: int, deferred: Sequence[str] = ()):
        context = multiprocessing.get_context("spawn")
        self.batches: Any = context.Queue(self.QUEUED)
        self.outcome: Any = context.Queue()
        drop, create = _deferred_indexes(deferred)
        self.process = context.Process(target=_write_batches, name="zhtj-bulk-writer", daemon=True,
                                       args=(path, busy_timeout_ms, drop, create, self.batches, self.outcome))
        self.process.start()

    def send(self, item: Any) -> None:
        while True:
            try:
                self.batches.put(item, timeout=0.5)
                return
            except queue.Full:
                self._check()

    def _check(self) -> None:
        if not self.process.is_alive():
            self._raise()

    def _raise(self) -> None:
        self.batches.cancel_join_thread()  # what the writer will never read must not hold this process's exit
        try:
            message = self.outcome.get(timeout=5)
        except queue.Empty:
            message = f"the bulk writer process ended ({self.process.exitcode})"
        raise RuntimeError(message)

    def finish(self) -> None:
        self.send(None)
        while True:
            try:
                message = self.outcome.get(timeout=0.5)
                break
            except queue.Empty:
                self._check()
        self.process.join()
        if message is not None:
            raise RuntimeError(message)

    def stop(self) -> None:
        self.batches.cancel_join_thread()
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _deferred_indexes(tables: Sequence[str]) -> tuple[list[str], list[str]]:
    """SQLite: DROP and CREATE of the tables' secondary indexes (a primary key stays), as the schema declares them."""
    from sqlalchemy.dialects import sqlite

    indexes = [index for name in tables for index in metadata.tables[name].indexes]
    dialect = sqlite.dialect()
    return ([str(DropIndex(index).compile(dialect=dialect)) for index in indexes],
            [str(CreateIndex(index).compile(dialect=dialect)) for index in indexes])


def _write_batches(path: str, busy_timeout_ms: int, drop: list[str], create: list[str], batches: Any,
                   outcome: Any) -> None:
    """The writer process: [(table, columns, rows), ...] a message, parents first; None ends it. The deferred
    indexes are dropped first and built over the loaded rows last, in the same transaction (a unique one checks
    them all then)."""
    import sqlite3

    try:
        connection = sqlite3.connect(path)
        sqlite_pragmas(busy_timeout_ms)(connection, None)  # the service's own connection settings
        connection.execute(f"PRAGMA cache_size=-{SQLITE_LOAD_CACHE_KIB}")
        connection.execute("BEGIN IMMEDIATE")  # one transaction: a failed load leaves nothing
        for statement in drop:
            connection.execute(statement)
        while (message := batches.get()) is not None:
            for table, columns, rows in message:
                connection.executemany(_insert(table, columns), _sqlite_rows(table, columns, rows))
        for statement in create:
            connection.execute(statement)
        connection.execute("COMMIT")
        connection.close()
    except BaseException as error:
        outcome.put(f"{type(error).__name__}: {error}")
        return
    outcome.put(None)


class Loader:
    """Buffers rows per table and writes them when one table's buffer is full. `async with db.engine.connect()`
    gives the connection. Declare the tables parents first (`table()`): every buffer is written in that order,
    so no row goes before the row it refers to.

    One batch is written while the next is made. On PostgreSQL the server process works while the caller makes
    rows, so the loop gets a turn now and then (`add` gives it); at most one batch is in flight. SQLite on a file
    gets a writer process (`_WriterProcess`; aiosqlite's thread would take the GIL back for every row). `close()`
    writes the rest and waits; `abort()` gives up."""

    YIELD_EVERY = 2_048  # rows added between two turns of the event loop while a batch is in flight

    def __init__(self, db: Database, driver: Any, batch: int = BATCH, defer_indexes: Sequence[str] = ()):
        self.dialect, self.driver, self.batch = db.dialect, driver, batch
        self.columns: dict[str, Sequence[str]] = {}
        self.rows: dict[str, list[tuple]] = {}
        self.counts: dict[str, int] = {}
        self.cache_size: int | None = None
        self.pending: asyncio.Future[None] | None = None
        self.added = 0
        self.overlap = db.dialect == "postgresql"
        self.writer: _WriterProcess | None = None
        self.path = db.engine.url.database if db.dialect == "sqlite" else None
        self.defer_indexes = defer_indexes  # SQLite's writer process builds these tables' indexes after the load

    async def open(self) -> None:
        """SQLite: a page cache large enough for the loaded tables' indexes until `close()` (its default of 2 MB
        makes every insert into a large index a read and a write of the file, in random order)."""
        if self.dialect == "sqlite" and self.path not in (None, "", ":memory:"):
            async with self.driver.execute("PRAGMA busy_timeout") as cursor:
                busy_timeout_ms = (await cursor.fetchone())[0]
            self.writer = _WriterProcess(str(self.path), busy_timeout_ms, self.defer_indexes)
        elif self.dialect == "sqlite":
            async with self.driver.execute("PRAGMA cache_size") as cursor:
                self.cache_size = (await cursor.fetchone())[0]
            await self.driver.execute(f"PRAGMA cache_size=-{SQLITE_LOAD_CACHE_KIB}")

    def table(self, name: str, columns: Sequence[str]) -> None:
        self.columns[name] = columns
        self.rows.setdefault(name, [])
        self.counts.setdefault(name, 0)

    async def add(self, table: str, row: tuple) -> None:
        rows = self.rows[table]
        rows.append(row)
        self.added += 1
        if len(rows) >= self.batch:
            await self._hand_over()
        elif self.pending is not None and self.added % self.YIELD_EVERY == 0:
            await asyncio.sleep(0)  # the batch in flight takes its next step

    async def extend(self, table: str, rows: Iterable[tuple]) -> None:
        for row in rows:
            await self.add(table, row)

    async def _hand_over(self) -> None:
        """Every buffer, parents first, goes to the writer once the batch before has been written."""
        await self._settle()
        batches = {name: rows for name, rows in self.rows.items() if rows}
        self.rows = {name: [] for name in self.columns}
        if self.writer is not None:
            self.writer.send([(name, self.columns[name], rows) for name, rows in batches.items()])
            for name, rows in batches.items():
                self.counts[name] += len(rows)
            return
        if not self.overlap:
            await self._write(batches)
            return
        self.pending = asyncio.ensure_future(self._write(batches))
        await asyncio.sleep(0)

    async def _write(self, batches: dict[str, list[tuple]]) -> None:
        for name, rows in batches.items():
            await flush(self.dialect, self.driver, name, self.columns[name], rows)
            self.counts[name] += len(rows)

    async def _settle(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            await pending

    async def close(self) -> None:
        await self._hand_over()
        await self._settle()
        if self.writer is not None:
            writer, self.writer = self.writer, None
            await asyncio.to_thread(writer.finish)
        if self.cache_size is not None:
            await self.driver.execute(f"PRAGMA cache_size={self.cache_size}")
            self.cache_size = None

    def abort(self) -> None:
        """After an error: the batch in flight and the writer process are given up; the load's one transaction
        is not committed, so nothing of it stays."""
        if self.pending is not None:
            self.pending.cancel()
            self.pending = None
        if self.writer is not None:
            self.writer.stop()
            self.writer = None


async def drop_keys(conn: AsyncConnection, tables: Iterable[str]) -> None:
    """PostgreSQL, inside the load's transaction: these tables lose their foreign keys, indexes and primary key
    until `add_keys` (a key built once over the loaded rows takes a sort; kept during the load it takes a descent
    of its B-tree and a foreign-key trigger for every row). For tables nothing refers to (the derived ones)."""
    for name in tables:
        table = metadata.tables[name]
        for key in table.foreign_key_constraints:
            await conn.execute(DropConstraint(key))
        for index in table.indexes:
            await conn.execute(DropIndex(index))
        await conn.execute(DropConstraint(table.primary_key))


async def add_keys(conn: AsyncConnection, tables: Iterable[str]) -> None:
    """What `drop_keys` dropped, as the schema declares it; every key is checked against the loaded rows."""
    await conn.execute(text(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'"))
    for name in tables:
        table = metadata.tables[name]
        # isolate_from_table=False: SQLAlchemy would otherwise mark the shared metadata's constraints as
        # "created apart", and a later metadata.create_all in this process would leave them out.
        await conn.execute(AddConstraint(table.primary_key, isolate_from_table=False))
        for index in table.indexes:
            await conn.execute(CreateIndex(index))
        for key in table.foreign_key_constraints:
            await conn.execute(AddConstraint(key, isolate_from_table=False))


async def reset_sequences(db: Database, tables: Iterable[str]) -> None:
    """PostgreSQL: the id sequences continue after the largest loaded id (SQLite needs nothing)."""
    if db.dialect != "postgresql":
        return
    async with db.engine.begin() as conn:
        for table in tables:
            await conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"COALESCE((SELECT max(id) FROM {table}), 1))"))
