"""Faults (issue 12): a database connection killed mid-request, and `zhtj serve` killed mid-request. Each time
the caller gets a clean answer or none, the database keeps nothing half-written, and the service goes on."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from conftest import PG_URL
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from zhtj.graphql.ids import encode_id

CREATE = """mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) {
  organization { id } errors { code } } }"""
RENAME = """mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) {
  organization { shortName } errors { code } } }"""
LOGIN = """mutation($input: LoginInput!) { login(input: $input) { token errors { code } } }"""
WAITING = ("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
           "AND pid <> pg_backend_pid()")


async def waiting_backend(conn) -> int:
    """The backend of the request, once it waits for the row lock held by the test."""
    for _ in range(500):
        pid = (await conn.execute(text(WAITING))).scalar()
        if pid is not None:
            return pid
        await asyncio.sleep(0.02)
    raise AssertionError("the request never reached the locked row")


@pytest.mark.skipif(not PG_URL, reason="pg_terminate_backend is PostgreSQL's; the PostgreSQL run checks it")
async def test_a_killed_database_connection_answers_cleanly_and_the_next_request_works(
        client, root, uow, database_url):
    province = await add_org(uow, root, "江苏团省委")
    school = await add_org(uow, province, "某大学团委", category="团委", industry="高等院校")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    given = {"input": {"id": encode_id("Organization", school.id), "shortName": "某大学团委（改）"}}
    locker = create_async_engine(database_url)
    try:
        async with locker.connect() as held, locker.connect() as admin:
            await held.begin()
            await held.execute(text("SELECT id FROM organizations WHERE id = :id FOR UPDATE"), {"id": school.id})
            request = asyncio.create_task(client.post(RENAME, given))
            pid = await waiting_backend(admin)
            assert (await admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})).scalar() is True
            response = await request
            await held.rollback()
    finally:
        await locker.dispose()
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["message"] == "服务器内部错误" and error["extensions"]["requestId"]  # masked, nothing of the database
    again = await client.query(RENAME, given)
    assert again["updateOrganization"] == {"organization": {"shortName": "某大学团委（改）"}, "errors": []}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`zhtj serve` as a process of its own, on a database of its own."""

    def __init__(self, url: str, tmp: Path):
        self.port = free_port()
        self.env = os.environ | {"ZHTJ_DATABASE_URL": url, "ZHTJ_SECRET_KEY": "fault-test-secret",
                                 "ZHTJ_FILES_DIR": str(tmp / "files"), "ZHTJ_VERIFY_INTERVAL_MINUTES": "600"}
        self.cwd = tmp
        self.process: subprocess.Popen[bytes] | None = None
        self.base = f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str) -> None:
        subprocess.run([sys.executable, "-m", "zhtj", *args], env=self.env, cwd=self.cwd, check=True,
                       capture_output=True)

    async def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: ASYNC220 - it runs beside the test, which only polls it
            [sys.executable, "-m", "zhtj", "serve", "--port", str(self.port)],
                                        env=self.env, cwd=self.cwd, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        async with httpx.AsyncClient() as http:
            for _ in range(300):
                with contextlib_suppress():
                    if (await http.get(f"{self.base}/healthz")).status_code == 200:
                        return
                await asyncio.sleep(0.05)
        raise AssertionError("zhtj serve did not come up")

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()


class contextlib_suppress:  # httpx raises while the port is not yet open
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, *_: object) -> bool:
        return kind is not None and issubclass(kind, httpx.TransportError)


async def graphql(http: httpx.AsyncClient, base: str, query: str, variables: dict, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await http.post(f"{base}/graphql", json={"query": query, "variables": variables}, headers=headers)
    return response.json()["data"]


async def test_sigkill_of_zhtj_serve_mid_request_leaves_the_database_whole_and_it_restarts(
        fresh_databases, tmp_path):
    url = await fresh_databases.new("serve")
    server = Server(url, tmp_path)
    await asyncio.to_thread(server.cli, "bootstrap", "--admin-id-number", ROOT_ADMIN_ID, "--admin-name", "团中央管理员",
                            "--password", ROOT_ADMIN_PASSWORD)
    await server.start()
    try:
        async with httpx.AsyncClient(timeout=60) as http:
            login = await graphql(http, server.base, LOGIN, {"input": {"idNumber": ROOT_ADMIN_ID,
                                                                      "password": ROOT_ADMIN_PASSWORD}})
            token = login["login"]["token"]
            created = await graphql(http, server.base, CREATE, {"input": {
                "parentId": encode_id("Organization", 1), "category": "团的领导机关", "shortName": "江苏团省委",
                "fullName": "共青团江苏省委员会", "industry": "党政机关"}}, token)
            province = created["createOrganization"]["organization"]["id"]
            created = await graphql(http, server.base, CREATE, {"input": {
                "parentId": province, "category": "团委", "shortName": "某大学团委", "fullName": "共青团某大学委员会",
                "industry": "普通高等院校"}}, token)
            assert created["createOrganization"]["errors"] == []
            school = created["createOrganization"]["organization"]["id"]
            given = {"input": {"id": school, "shortName": "某大学团委（改）"}}
            async with held_write_lock(url) as wait_for_request:
                request = asyncio.create_task(graphql(http, server.base, RENAME, given, token))
                await wait_for_request()
                server.kill()
                with pytest.raises(httpx.TransportError):
                    await request
            assert await database_state(url) == ("某大学团委", 0)  # nothing of the killed request, the file whole
            await server.start()
            again = await graphql(http, server.base, RENAME, given, token)  # the token lived through it
            assert again["updateOrganization"] == {"organization": {"shortName": "某大学团委（改）"}, "errors": []}
    finally:
        if server.process and server.process.poll() is None:
            server.kill()


class held_write_lock:
    """Holds the database's write lock (SQLite) or the committee's row (PostgreSQL) so the request waits mid-way;
    entering gives a function that returns once the request is waiting."""

    def __init__(self, url: str):
        self.url = url
        self.sqlite = make_url(url).get_backend_name() == "sqlite"

    async def __aenter__(self):
        if self.sqlite:
            self.conn = sqlite3.connect(make_url(self.url).database, isolation_level=None, check_same_thread=False)
            self.conn.execute("BEGIN IMMEDIATE")

            async def sent() -> None:  # SQLite shows no waiting writer: the request had a moment to arrive
                await asyncio.sleep(1.0)
            return sent
        self.engine = create_async_engine(self.url)
        self.held = await self.engine.connect()
        self.admin = await self.engine.connect()
        await self.held.begin()
        await self.held.execute(text("SELECT id FROM organizations WHERE id = 3 FOR UPDATE"))

        async def waiting() -> None:
            await waiting_backend(self.admin)
        return waiting

    async def __aexit__(self, *exc: object) -> None:
        if self.sqlite:
            self.conn.rollback()
            self.conn.close()
            return
        await self.held.rollback()
        await self.held.close()
        await self.admin.close()
        await self.engine.dispose()


async def database_state(url: str) -> tuple[str, int]:
    """The committee's short name and the audit lines of renames; on SQLite, the file's integrity check must pass."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                assert (await conn.execute(text("PRAGMA integrity_check"))).scalar() == "ok"
            name = (await conn.execute(text("SELECT short_name FROM organizations WHERE id = 3"))).scalar()
            renames = (await conn.execute(text(
                "SELECT count(*) FROM audit_log WHERE action = 'updateOrganization'"))).scalar()
    finally:
        await engine.dispose()
    return name, renames
