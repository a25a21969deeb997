"""Async Alembic environment for SQLite and PostgreSQL; batch mode on SQLite."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from zhtj.infrastructure.db import create_database
from zhtj.infrastructure.tables import metadata

config = context.config


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async() -> None:
    database = create_database(config.get_main_option("sqlalchemy.url") or "")
    try:
        async with database.engine.execution_options(zhtj_write=True).connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # Batch mode rebuilds a table by DROP and re-CREATE; with foreign keys on, dropping `members`
                # would cascade into accounts, posts and admin rights. The pragma only takes effect outside
                # a transaction, so it goes to the driver directly; the keys are checked again at the end.
                await _driver_sql(connection, "PRAGMA foreign_keys=OFF")
            await connection.run_sync(run_with)
            await connection.commit()
            if sqlite:
                await _driver_sql(connection, "PRAGMA foreign_keys=ON")
                broken = await _driver_sql(connection, "PRAGMA foreign_key_check")
                if broken:
                    raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")
    finally:
        await database.dispose()


async def _driver_sql(connection, statement: str) -> list:  # type: ignore[no-untyped-def]
    raw = await connection.get_raw_connection()
    cursor = await raw.driver_connection.execute(statement)
    rows = await cursor.fetchall()
    await cursor.close()
    return list(rows)


if context.is_offline_mode():
    raise SystemExit("zhtj migrations run online only: zhtj db upgrade")
elif (connection := config.attributes.get("connection")) is not None:
    run_with(connection)
else:
    asyncio.run(run_async())
