"""Engines and sessions for both databases.

SQLite (embedded default): foreign keys on, WAL, a busy timeout and synchronous=FULL on every
connection; a write transaction begins with BEGIN IMMEDIATE, so concurrent writers queue for the
lock at BEGIN instead of failing with "database is locked" half-way. The read sessions of requests run
without an explicit transaction: each statement reads its own snapshot, as in PostgreSQL's READ COMMITTED
(decision 0003), which saves a BEGIN and its thread round trips on every request and holds no WAL snapshot
while a long answer is built. Anything else that begins a transaction gets a deferred BEGIN.

Many clients at once (decision 0066): the pool keeps `pool_size` connections and opens `max_overflow` more
while busy; a request waits at most `wait_seconds` for one (and on SQLite as long for the write lock), then
`is_busy` recognizes the error and the API answers SERVICE_BUSY instead of a masked internal error."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, func, inspect, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

from zhtj.infrastructure.rows import RowReader
from zhtj.infrastructure.search_index import IndexingSession

WRITE_OPTION = "zhtj_write"
READ_OPTION = "zhtj_read"
BUSY_TIMEOUT_MS = 30_000  # the default wait (ZHTJ_WAIT_SECONDS) for a pooled connection or SQLite's write lock
POOL_SIZE, MAX_OVERFLOW = 20, 10  # the defaults of ZHTJ_DB_POOL_SIZE and ZHTJ_DB_MAX_OVERFLOW


def sqlite_pragmas(busy_timeout_ms: int) -> Any:
    """Every SQLite connection's settings, as a connect hook (dbapi connection, pool record)."""

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling is switched off; the "begin" hook below emits BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "PRAGMA foreign_keys=ON",
            "PRAGMA journal_mode=WAL",
            f"PRAGMA busy_timeout={busy_timeout_ms}",
            "PRAGMA synchronous=FULL",
        ):
            cursor.execute(pragma)
        cursor.close()

    return on_connect


def is_busy(error: BaseException | None) -> bool:
    """Whether the error says the database was too busy, not that anything is wrong: no pooled connection came
    free in time (SQLAlchemy's pool TimeoutError), SQLite's write lock stayed taken past the busy timeout
    ("database is locked"), or PostgreSQL refused a connection for having too many."""
    if isinstance(error, sa_exc.TimeoutError):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        original = error.orig
        if isinstance(original, sqlite3.OperationalError) or type(original).__name__ == "OperationalError":
            text = str(original).lower()
            if "database is locked" in text or "database table is locked" in text:
                return True
        cause = getattr(original, "__cause__", None)
        return type(cause).__name__ in ("TooManyConnectionsError", "CannotConnectNowError")
    return False


def _sqlite_begin(conn: Any) -> None:
    options = conn.get_execution_options()
    if options.get(WRITE_OPTION, False):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif not options.get(READ_OPTION, False):
        conn.exec_driver_sql("BEGIN")


class SqliteWriteSession(IndexingSession):
    """The write sessions of SQLite: new rows get their ids before the flush (`_number_new_rows`), and the
    search index and counters are kept as on every write session."""


def _number_new_rows(session: Session, _context: Any, _instances: Any) -> None:
    """SQLite cannot say which id of a many-row INSERT … RETURNING went to which row, so the ORM inserts new
    rows one statement each (an import writes thousands). Several new rows of one table without ids get them
    here, max(id)+1 upward, as SQLite itself would number them: the write transaction began with BEGIN
    IMMEDIATE (no other writer until it ends), and the flush then inserts each table's rows in one
    executemany."""
    waiting: dict[Any, list[Any]] = defaultdict(list)
    for obj in session.new:
        mapper = inspect(obj).mapper
        if len(mapper.primary_key) == 1 and mapper.primary_key_from_instance(obj)[0] is None:
            waiting[mapper].append(obj)
    for mapper, objs in waiting.items():
        if len(objs) < 2:
            continue
        column = mapper.primary_key[0]
        attribute = mapper.get_property_by_column(column).key
        last = session.execute(select(func.coalesce(func.max(column), 0))).scalar_one()
        for offset, obj in enumerate(objs, start=1):
            setattr(obj, attribute, last + offset)


event.listen(SqliteWriteSession, "before_flush", _number_new_rows)


@dataclass
class Database:
    engine: AsyncEngine
    read_sessions: async_sessionmaker[AsyncSession]
    write_sessions: async_sessionmaker[AsyncSession]
    rows: RowReader  # plain rows in one round trip, for the hottest reads (rows.py)
    write_engine: AsyncEngine | None = None  # SQLite's one write connection (create_database), if not `engine`

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def dispose(self) -> None:
        await self.rows.close()
        if self.write_engine is not None:
            await self.write_engine.dispose()
        await self.engine.dispose()


def create_database(url: str, *, echo: bool = False, pool_size: int = POOL_SIZE, max_overflow: int = MAX_OVERFLOW,
                    wait_seconds: float = BUSY_TIMEOUT_MS / 1000, **engine_kw: Any) -> Database:
    """`pool_size`, `max_overflow` and `wait_seconds` are ZHTJ_DB_POOL_SIZE, ZHTJ_DB_MAX_OVERFLOW and
    ZHTJ_WAIT_SECONDS (settings.py); an in-memory SQLite database keeps its single connection."""
    busy_timeout_ms = round(wait_seconds * 1000)
    sqlite = url.startswith("sqlite")
    if sqlite:
        engine_kw.setdefault("connect_args", {"timeout": wait_seconds})
    else:
        engine_kw.setdefault("pool_pre_ping", True)
    pooled = not (sqlite and make_url(url).database in (None, "", ":memory:"))
    if pooled:
        engine_kw.setdefault("pool_timeout", wait_seconds)
    # Errors never carry their statements' parameters: they would put ID numbers and mobiles in the log.
    engine_kw.setdefault("hide_parameters", True)
    engine = _engine(url, echo, busy_timeout_ms, **({"pool_size": pool_size, "max_overflow": max_overflow}
                                                     if pooled else {}), **engine_kw)
    # SQLite writes one transaction at a time, whatever the number of connections. The write sessions of this
    # process take their one connection in turn, first come first served, from a pool of one (decision 0066);
    # the waiters hold no connection and no lock. SQLite's own busy handler, which wakes waiters at random
    # intervals and lets a late one win, then only arbitrates between processes and the bulk jobs' connections.
    write_engine = (_engine(url, echo, busy_timeout_ms, **(engine_kw | {"pool_size": 1, "max_overflow": 0}))
                    if sqlite and pooled else None)
    writer = (write_engine or engine).execution_options(**{WRITE_OPTION: True})
    reader = engine.execution_options(**{READ_OPTION: True})
    rows = RowReader(engine, busy_timeout_ms)
    return Database(
        engine=engine,
        read_sessions=async_sessionmaker(reader, expire_on_commit=False, autoflush=False, info={"rows": rows}),
        write_sessions=async_sessionmaker(  # both keep the search index and the X-3 counters (search_index.py)
            writer, expire_on_commit=False, autoflush=False,
            sync_session_class=SqliteWriteSession if engine.dialect.name == "sqlite" else IndexingSession),
        rows=rows,
        write_engine=write_engine,
    )


def _engine(url: str, echo: bool, busy_timeout_ms: int, **engine_kw: Any) -> AsyncEngine:
    engine = create_async_engine(url, echo=echo, **engine_kw)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", sqlite_pragmas(busy_timeout_ms))
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine
