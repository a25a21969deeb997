"""Many clients at once (decisions 0065, 0066): no slow password hash runs while its request holds a database
connection, and a request that waited ZHTJ_WAIT_SECONDS for a connection or SQLite's write lock gets
SERVICE_BUSY (服务繁忙) with its request id, never the masked internal error."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import replace

import httpx
import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, new_id_number
from sqlalchemy import text
from sqlalchemy.engine import make_url

from zhtj.app import create_app

LOGIN = "mutation($input: LoginInput!) { login(input: $input) { token errors { code } } }"
CHANGE = "mutation($input: ChangePasswordInput!) { changePassword(input: $input) { errors { code } } }"
ME = "{ me { member { name } } }"
BUSY = "服务繁忙，请稍后再试"


class Watching:
    """The suite's hasher, noting how many pooled connections were checked out at each slow call."""

    def __init__(self, inner, pool):
        self.inner, self.pool = inner, pool
        self.seen: list[tuple[str, int]] = []

    async def hash(self, password):
        self.seen.append(("hash", self.pool.checkedout()))
        return await self.inner.hash(password)

    def initial_hash(self, password):
        return self.inner.initial_hash(password)

    async def verify(self, password_hash, password):
        self.seen.append(("verify", self.pool.checkedout()))
        return await self.inner.verify(password_hash, password)

    async def spend_like_verify(self, password):
        self.seen.append(("decoy", self.pool.checkedout()))
        await self.inner.spend_like_verify(password)


@pytest.fixture
def watching(client, hasher) -> Watching:
    services = client.app.state.services
    services.hasher = Watching(hasher, services.db.engine.pool)
    return services.hasher


async def test_login_and_change_password_hold_no_connection_while_hashing_ACC1(client, root, watching):
    assert (await client.login(new_id_number(), "Whatever2026"))["errors"]  # no such account: the decoy
    token = await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    changed = await client.query(CHANGE, {"input": {"oldPassword": ROOT_ADMIN_PASSWORD,
                                                    "newPassword": "Xinmima2027"}}, token=token)
    assert changed["changePassword"]["errors"] == []
    assert watching.seen == [("decoy", 0), ("verify", 0), ("verify", 0), ("hash", 0)]


@pytest.fixture
async def crowded(settings, clock, hasher, db):
    """An app with one pooled connection, no overflow, a fifth of a second's wait and no kept viewers."""
    app = create_app(replace(settings, db_pool_size=1, db_max_overflow=0, wait_seconds=0.2, viewer_cache_seconds=0),
                     clock=clock, hasher=hasher)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://zhtj.test") as http:
        yield app, http
    await app.state.services.db.dispose()


def _busy(error: dict) -> bool:
    return error["message"] == BUSY and error["extensions"]["code"] == "SERVICE_BUSY" \
        and len(error["extensions"]["requestId"]) >= 8


async def test_no_free_connection_in_time_answers_service_busy_then_works_again(crowded, root):
    app, http = crowded
    login = {"query": LOGIN, "variables": {"input": {"idNumber": ROOT_ADMIN_ID, "password": ROOT_ADMIN_PASSWORD}}}
    token = (await http.post("/graphql", json=login)).json()["data"]["login"]["token"]
    auth = {"Authorization": f"Bearer {token}"}
    db = app.state.services.db
    async with contextlib.AsyncExitStack() as stack:
        # The pool's only connection, and on SQLite the one the write sessions take in turn.
        for engine in (db.engine, db.write_engine) if db.write_engine is not None else (db.engine,):
            await (await stack.enter_async_context(engine.connect())).execute(text("SELECT 1"))
        # Who is behind the token is read before the query runs: a 503 in the usual error shape.
        before = await http.post("/graphql", json={"query": ME}, headers=auth)
        assert before.status_code == 503 and before.headers["Retry-After"] and before.json()["data"] is None
        [error] = before.json()["errors"]
        assert _busy(error) and before.headers["X-Request-ID"] == error["extensions"]["requestId"]
        # Inside the query (login reads its throttles first): a GraphQL error with the code.
        during = (await http.post("/graphql", json=login)).json()
        assert during["data"] is None and [_busy(e) for e in during["errors"]] == [True]
    after = (await http.post("/graphql", json={"query": ME}, headers=auth)).json()
    assert after["data"] == {"me": {"member": {"name": "团中央管理员"}}} and "errors" not in after


async def test_sqlite_write_lock_held_past_the_wait_answers_service_busy(crowded, root, settings):
    if not settings.is_sqlite:
        pytest.skip("SQLite's database-wide write lock; PostgreSQL locks rows")
    _, http = crowded
    login = {"query": LOGIN, "variables": {"input": {"idNumber": ROOT_ADMIN_ID, "password": ROOT_ADMIN_PASSWORD}}}
    other = sqlite3.connect(make_url(settings.database_url).database, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process writing, past the wait
        answer = (await http.post("/graphql", json=login)).json()
        assert answer["data"] is None and [_busy(e) for e in answer["errors"]] == [True]
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert (await http.post("/graphql", json=login)).json()["data"]["login"]["token"]


async def test_sizes_come_from_the_settings_and_sqlite_writes_take_one_connection_in_turn(crowded, settings):
    db = crowded[0].state.services.db
    assert (db.engine.pool.size(), db.engine.pool._max_overflow, db.engine.pool._timeout) == (1, 0, 0.2)
    if settings.is_sqlite:
        assert (db.write_engine.pool.size(), db.write_engine.pool._max_overflow) == (1, 0)
    else:
        assert db.write_engine is None  # PostgreSQL locks rows: writers do not queue for one lock
