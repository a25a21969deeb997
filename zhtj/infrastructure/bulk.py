"""Bulk loading of rows that are already valid: COPY on PostgreSQL (asyncpg `copy_records_to_table`),
`executemany` in one transaction a batch on SQLite. Never one statement per row, never the ORM.

Used by `zhtj generate` (zhtj/infrastructure/generate.py) and the benchmarks. Rows are tuples in the order
of `columns`, with Python values (int, str, bool, date, aware datetime, None); SQLite gets dates and
datetimes as the text SQLAlchemy stores there (naive UTC)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import text

from zhtj.infrastructure.db import Database

BATCH = 100_000


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


async def flush(dialect: str, driver: Any, table: str, columns: Sequence[str], batch: list[tuple]) -> None:
    """Writes one batch through the raw driver connection (`(await conn.get_raw_connection()).driver_connection`)."""
    if not batch:
        return
    if dialect == "postgresql":
        await driver.copy_records_to_table(table, records=batch, columns=list(columns))
        return
    marks = ", ".join("?" * len(columns))
    converted = [tuple(_sqlite_value(v) for v in row) for row in batch]
    await driver.execute("BEGIN")  # one transaction a batch: the raw connection runs in autocommit
    await driver.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", converted)
    await driver.execute("COMMIT")


class Loader:
    """Buffers rows per table and writes a table's buffer when it is full. `async with db.engine.connect()`
    gives the connection. Declare the tables parents first (`table()`): whenever one buffer is full, and at
    `close()`, every buffer is written in that order, so no row goes before the row it refers to."""

    def __init__(self, db: Database, driver: Any, batch: int = BATCH):
        self.dialect, self.driver, self.batch = db.dialect, driver, batch
        self.columns: dict[str, Sequence[str]] = {}
        self.rows: dict[str, list[tuple]] = {}
        self.counts: dict[str, int] = {}

    def table(self, name: str, columns: Sequence[str]) -> None:
        self.columns[name] = columns
        self.rows.setdefault(name, [])
        self.counts.setdefault(name, 0)

    async def add(self, table: str, row: tuple) -> None:
        rows = self.rows[table]
        rows.append(row)
        if len(rows) >= self.batch:
            await self.close()  # every table, parents first: a child row never goes before its parent

    async def extend(self, table: str, rows: Iterable[tuple]) -> None:
        for row in rows:
            await self.add(table, row)

    async def write(self, table: str) -> None:
        rows = self.rows[table]
        await flush(self.dialect, self.driver, table, self.columns[table], rows)
        self.counts[table] += len(rows)
        self.rows[table] = []

    async def close(self) -> None:
        for table in self.columns:
            await self.write(table)


async def reset_sequences(db: Database, tables: Iterable[str]) -> None:
    """PostgreSQL: the id sequences continue after the largest loaded id (SQLite needs nothing)."""
    if db.dialect != "postgresql":
        return
    async with db.engine.begin() as conn:
        for table in tables:
            await conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"COALESCE((SELECT max(id) FROM {table}), 1))"))
