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
            await connection.run_sync(run_with)
            await connection.commit()
    finally:
        await database.dispose()


if context.is_offline_mode():
    raise SystemExit("zhtj migrations run online only: zhtj db upgrade")
elif (connection := config.attributes.get("connection")) is not None:
    run_with(connection)
else:
    asyncio.run(run_async())
