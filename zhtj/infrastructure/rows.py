"""Plain rows for the hottest reads, in one round trip each (decision 0011).

Through an AsyncSession, one SELECT on SQLite costs a pool checkout, four thread round trips through
aiosqlite (cursor, execute, fetch, close) and a rollback: about 1.2 ms of CPU where the statement itself
takes 0.08 ms. For the reads every tree request makes, `RowReader.rows` sends a compiled statement in one
round trip: on SQLite through two kept aiosqlite connections in autocommit mode (each statement reads its
own snapshot, as the request sessions do, decision 0003); on PostgreSQL through a small asyncpg pool of its own.
No session is involved: a request that reads only such rows never makes one.
Values are converted by the columns' own result processors, so a date is a date on both databases."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

import aiosqlite
import asyncpg
from sqlalchemy import Select
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import configure_mappers
from sqlalchemy.orm.instrumentation import manager_of_class

CONNECTIONS = 2
MAX_STATEMENTS = 200
MAX_INLINE_VALUES = 50  # a lookup of more keys goes to the thread
INLINE_BUSY_MS = 20
PG_CONNECTIONS = 10
MAX_EXPANSIONS = 2_000  # statements × IN-list lengths (a level of the tree lists up to a few hundred parents)
T = TypeVar("T")


def _manager(cls: type) -> Any:
    manager = manager_of_class(cls)
    if not manager.mapper.configured:
        configure_mappers()
    return manager


def build(cls: type[T], names: list[str], values: Any) -> T:
    """A domain object from its table's column values, without the ORM's per-row bookkeeping."""
    obj = _manager(cls).new_instance()
    obj.__dict__.update(zip(names, values, strict=True))
    return obj  # type: ignore[no-any-return]


async def _no_reset(_connection: Any) -> None:
    """Read-only autocommit statements leave nothing on a connection to reset."""


def reader_of(session: AsyncSession) -> RowReader:
    """The RowReader that a read session's factory carries (`Session.info`, set in db.create_database), for code
    that holds a session and reads some plain rows too."""
    return session.info["rows"]


class RowReader:
    def __init__(self, engine: AsyncEngine, busy_timeout_ms: int):
        self.engine = engine
        self.busy_timeout_ms = busy_timeout_ms
        self.dialect: Dialect = engine.dialect
        self._sqlite_path = engine.url.database if self.dialect.name == "sqlite" else None
        self._connections: list[aiosqlite.Connection] = []
        self._inline_connection: sqlite3.Connection | None = None
        self._pg_pool: asyncpg.Pool | None = None
        self._next = itertools.count()
        self._opening = asyncio.Lock()
        self._compiled: dict[Select, tuple[Any, tuple[Any, ...]]] = {}  # statements built once, at import
        self._expansions: dict[Any, tuple[str, tuple[str, ...], dict[str, Any]]] = {}
        # Called with each statement sent past SQLAlchemy (its own events see the rest): statement counts in tests.
        self.observers: list[Callable[[str], None]] = []

    async def rows(self, statement: Select, params: dict[str, Any] | None = None, *,
                   lookup: bool = False) -> list[tuple[Any, ...]]:
        """The statement's rows as tuples of converted values. The statement is built once, with bound
        parameters (expanding ones for IN lists), and its compiled form is kept with it. `lookup` marks a few
        primary-key lookups: on SQLite they run on the event loop's own thread, since such a read (tens of
        microseconds) costs less than handing it to a thread and back; a busy database sends it to the thread."""
        sql, values, processors = self._expanded(statement, params or {})
        for observe in self.observers:
            observe(sql)
        if self._sqlite_path is None:
            raw = await self._postgresql(sql, values)
            return [tuple(p(v) if p else v for p, v in zip(processors, row, strict=True)) for row in raw]
        raw = self._inline(sql, values) if lookup and len(values) <= MAX_INLINE_VALUES else None
        if raw is None:
            connection = await self._connection()
            raw = await connection.execute_fetchall(sql, values)
        if not any(processors):  # sqlite3's rows are tuples already, and no column needs converting
            return list(raw)
        return [tuple(p(v) if p else v for p, v in zip(processors, row, strict=True)) for row in raw]

    def _inline(self, sql: str, values: list[Any]) -> list[Any] | None:
        if self._inline_connection is None:
            self._inline_connection = sqlite3.connect(self._sqlite_path or "", isolation_level=None,
                                                      timeout=INLINE_BUSY_MS / 1000, check_same_thread=False)
            self._inline_connection.execute(f"PRAGMA busy_timeout={INLINE_BUSY_MS}")
            self._inline_connection.execute("PRAGMA query_only=ON")
        try:
            return self._inline_connection.execute(sql, values).fetchall()
        except sqlite3.OperationalError:  # busy or locked: the thread waits for it instead of the event loop
            return None

    async def objects(self, cls: type[T], statement: Select, params: dict[str, Any] | None = None, *,
                      lookup: bool = False) -> list[T]:
        """Domain objects from a statement that selects every column of `cls`'s table, built without the ORM's
        per-row bookkeeping (they are read-only answers of one request, never added to a session)."""
        names = [column.key for column in statement.selected_columns]
        return [build(cls, names, row) for row in await self.rows(statement, params, lookup=lookup)]

    def _expanded(self, statement: Select, params: dict[str, Any]) -> tuple[str, list[Any], tuple[Any, ...]]:
        """The SQL with its IN lists expanded and the values in order. The expansion is kept per statement and
        list lengths (SQLAlchemy names the expanded values `name_1`, `name_2`, …)."""
        compiled, processors = self._compile(statement)
        lengths = tuple(sorted((k, len(v)) for k, v in params.items() if isinstance(v, list | tuple)))
        if any(n == 0 for _, n in lengths):  # an empty IN list is rendered specially: SQLAlchemy's own way
            state = compiled.construct_expanded_state(params)
            return state.statement, list(state.positional_parameters), processors
        key = (statement, lengths)
        found = self._expansions.get(key)
        if found is None:
            state = compiled.construct_expanded_state(params)
            listed = {k for k, _ in lengths}
            bound = {k: v for k, v in state.parameters.items()  # values written into the statement itself
                     if k not in params and not any(k.startswith(f"{name}_") for name in listed)}
            found = self._expansions[key] = (state.statement, tuple(state.positiontup or ()), bound)
            if len(self._expansions) > MAX_EXPANSIONS:
                self._expansions.clear()
        sql, names, bound = found
        values = dict(bound)
        for name, value in params.items():
            if isinstance(value, list | tuple):
                values.update((f"{name}_{i}", item) for i, item in enumerate(value, 1))
            else:
                values[name] = value
        return sql, [values[name] for name in names], processors

    def _compile(self, statement: Select) -> tuple[Any, tuple[Any, ...]]:
        found = self._compiled.get(statement)
        if found is None:
            processors = tuple(column.type._cached_result_processor(self.dialect, None)
                               for column in statement.selected_columns)
            found = self._compiled[statement] = (statement.compile(dialect=self.dialect), processors)
            assert len(self._compiled) < MAX_STATEMENTS, "statements for RowReader are built once, at import"
        return found

    async def _postgresql(self, sql: str, values: list[Any]) -> list[Any]:
        """PostgreSQL through a small pool of its own (asyncpg, autocommit: each statement its own snapshot, as
        READ COMMITTED gives a session), without the pool's reset round trip on release."""
        if self._pg_pool is None:
            async with self._opening:
                if self._pg_pool is None:
                    args = self.engine.url.translate_connect_args(username="user", database="database")
                    self._pg_pool = await asyncpg.create_pool(**args, min_size=1, max_size=PG_CONNECTIONS,
                                                              reset=_no_reset)
        async with self._pg_pool.acquire() as connection:
            return list(await connection.fetch(sql, *values))

    async def _connection(self) -> aiosqlite.Connection:
        if len(self._connections) < CONNECTIONS:
            async with self._opening:
                if len(self._connections) < CONNECTIONS:
                    connection = await aiosqlite.connect(self._sqlite_path or "", isolation_level=None,
                                                         timeout=self.busy_timeout_ms / 1000)
                    await connection.execute(f"PRAGMA busy_timeout={self.busy_timeout_ms}")
                    await connection.execute("PRAGMA query_only=ON")
                    self._connections.append(connection)
        return self._connections[next(self._next) % len(self._connections)]

    async def close(self) -> None:
        if self._pg_pool is not None:
            pool, self._pg_pool = self._pg_pool, None
            await pool.close()
        if self._inline_connection is not None:
            self._inline_connection.close()
            self._inline_connection = None
        connections, self._connections = self._connections, []
        for connection in connections:
            await connection.close()
