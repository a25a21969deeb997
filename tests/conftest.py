"""Shared fixtures. Integration and api tests run against SQLite by default and against PostgreSQL
when ZHTJ_TEST_DATABASE_URL is set; each test starts from empty tables."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from zhtj.app import create_app
from zhtj.domain.identity.bootstrap import bootstrap
from zhtj.domain.shared.clock import FixedClock
from zhtj.infrastructure import migrate
from zhtj.infrastructure.db import Database, create_database
from zhtj.infrastructure.passwords import Argon2Hasher
from zhtj.infrastructure.tables import metadata, start_mappers
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork
from zhtj.settings import Settings, sqlite_url

PG_URL = os.environ.get("ZHTJ_TEST_DATABASE_URL")
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        kind = Path(item.fspath).relative_to(Path(__file__).parent).parts[0]
        if kind in ("unit", "integration", "api"):
            item.add_marker(getattr(pytest.mark, kind))


def pytest_report_header() -> str:
    return f"zhtj test database: {'PostgreSQL ' + PG_URL.split('@')[-1] if PG_URL else 'SQLite'}"


class FreshDatabases:
    """Makes empty databases of the kind under test: SQLite files or PostgreSQL databases."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.made: list[str] = []

    async def new(self, label: str) -> str:
        if not PG_URL:
            return sqlite_url(self.tmp / f"{label}-{uuid.uuid4().hex[:8]}.sqlite3")
        name = f"zhtj_t_{label}_{os.getpid()}"
        await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    async def drop_all(self) -> None:
        if PG_URL and self.made:
            await self._admin(*(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in self.made))

    async def _admin(self, *statements: str) -> None:
        engine = create_async_engine(PG_URL or "", isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                for statement in statements:
                    await conn.execute(text(statement))
        finally:
            await engine.dispose()


@pytest.fixture(scope="session")
async def fresh_databases(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[FreshDatabases]:
    made = FreshDatabases(tmp_path_factory.mktemp("db"))
    yield made
    await made.drop_all()


@pytest.fixture(scope="session")
async def database_url(fresh_databases: FreshDatabases) -> str:
    """One migrated database for the whole run; tests empty its tables after themselves."""
    url = await fresh_databases.new("main")
    await asyncio.to_thread(migrate.upgrade, url)
    return url


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture(scope="session")
def hasher() -> Argon2Hasher:
    """Real argon2id, with a small cost so the suite stays fast."""
    return Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    start_mappers()
    database = create_database(database_url)
    yield database
    async with database.engine.begin() as conn:
        if database.dialect == "postgresql":
            # TRUNCATE of every table cost 60-150 ms a test; a test fills a few tables with a few rows. Those
            # are emptied by DELETE with triggers (foreign keys, the audit log's append-only guard) set aside for
            # this transaction, and every id sequence starts again, as TRUNCATE ... RESTART IDENTITY did.
            probe = " UNION ALL ".join(f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM {t.name})"
                                       for t in metadata.sorted_tables)
            filled = (await conn.execute(text(probe))).scalars().all()
            await conn.execute(text("SET LOCAL session_replication_role = replica"))
            for name in filled:
                await conn.execute(text(f"DELETE FROM {name}"))
            await conn.execute(text("SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n "
                                    "ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND n.nspname = 'public'"))
        else:
            await conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")  # orgs refer to orgs
            # The audit log refuses DELETE (append-only): its triggers step aside while the test's rows go.
            triggers = (await conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")).all()
            for name, _ in triggers:
                await conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
            for table in reversed(metadata.sorted_tables):
                await conn.execute(table.delete())
            for _, sql in triggers:
                await conn.exec_driver_sql(sql)
    await database.dispose()


@pytest.fixture
def uow(db: Database) -> SqlUnitOfWork:
    """A unit of work on the test database (enter it with `async with uow:`)."""
    return SqlUnitOfWork(db.write_sessions)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, files_dir=tmp_path / "files", secret_key="test-secret-key")


@pytest.fixture
async def client(db: Database, settings: Settings, clock: FixedClock, hasher: Argon2Hasher) -> AsyncIterator[Api]:
    app = create_app(settings, clock=clock, hasher=hasher)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://zhtj.test") as http:
        yield Api(http, app)
    await app.state.services.db.dispose()


class Api:
    """GraphQL over the ASGI app, as a front end would send it."""

    def __init__(self, http: httpx.AsyncClient, app: Any):
        self.http = http
        self.app = app
        self.token: str | None = None

    async def post(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None,
                   headers: dict[str, str] | None = None) -> httpx.Response:
        headers = dict(headers or {})
        if token or self.token:
            headers["Authorization"] = f"Bearer {token or self.token}"
        return await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)

    async def query(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict:
        response = await self.post(query, variables, token)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def errors(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> list:
        response = await self.post(query, variables, token)
        body = response.json()
        assert body.get("errors"), body
        return body["errors"]

    async def login(self, id_number: str, password: str) -> dict:
        data = await self.query(LOGIN, {"input": {"idNumber": id_number, "password": password}})
        return data["login"]

    async def login_as(self, id_number: str, password: str) -> str:
        result = await self.login(id_number, password)
        assert result["token"], result["errors"]
        self.token = result["token"]
        return result["token"]


LOGIN = """mutation($input: LoginInput!) { login(input: $input) {
  token mustChangePassword viewer { member { name } adminOf { fullName } }
  errors { code message field rule } } }"""


@pytest.fixture
async def root(uow: SqlUnitOfWork, clock: FixedClock, hasher: Argon2Hasher) -> Any:
    """团中央 and its first admin, as `zhtj bootstrap` makes them."""
    async with uow:
        org, _admin = await bootstrap(uow=uow, clock=clock, hasher=hasher, admin_id_number=ROOT_ADMIN_ID,
                                     admin_name="团中央管理员", password=ROOT_ADMIN_PASSWORD)
    return org
