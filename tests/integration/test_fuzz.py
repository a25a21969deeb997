"""Schemathesis fuzzing of the whole GraphQL schema (issue 12): every query and mutation, with arguments drawn
from the schema's types, anonymous and as 团中央's admin, against `zhtj serve` on a database of its own. Whatever
is sent, the answer is never a server error: no 5xx status and no INTERNAL_SERVER_ERROR ("服务器内部错误").
The server's database is of the kind under test (an SQLite file, or a PostgreSQL database of its own).

Marked `fuzz` (`pytest -m fuzz` runs it alone); about 10 examples an operation keep it within a minute."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import httpx
import pytest
import schemathesis
from conftest import PG_URL
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from zhtj.settings import sqlite_url

SCHEMA = Path(__file__).resolve().parents[2] / "schema.graphql"
schemathesis.graphql.scalar("Date", st.dates().map(lambda d: schemathesis.graphql.nodes.String(d.isoformat())))
schemathesis.graphql.scalar("DateTime", st.datetimes(timezones=st.just(UTC)).map(
    lambda d: schemathesis.graphql.nodes.String(d.isoformat())))
schemathesis.graphql.scalar("Upload", st.just(schemathesis.graphql.nodes.Null))  # uploads need multipart
schema = schemathesis.graphql.from_file(SCHEMA.read_text()).exclude(name="Mutation.logout")  # it ends the token
pytestmark = pytest.mark.fuzz


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _in_a_thread(coroutine) -> None:
    """Runs a coroutine on a loop of its own, off the test session's loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


async def _admin(*statements: str) -> None:
    engine = create_async_engine(PG_URL or "", isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


@contextlib.contextmanager
def database(tmp: str) -> Iterator[str]:
    """An SQLite file, or a PostgreSQL database of its own when the suite runs on PostgreSQL."""
    if not PG_URL:
        yield sqlite_url(Path(tmp) / "fuzz.sqlite3")
        return
    name = f"zhtj_t_fuzz_{os.getpid()}"
    _in_a_thread(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        _in_a_thread(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, str]]:
    """`zhtj serve` on a database of its own, of the kind under test; its URL and a token."""
    with tempfile.TemporaryDirectory() as tmp, database(tmp) as url:
        env = os.environ | {"ZHTJ_DATABASE_URL": url,
                            "ZHTJ_SECRET_KEY": "fuzz-secret", "ZHTJ_FILES_DIR": str(Path(tmp) / "files")}
        subprocess.run([sys.executable, "-m", "zhtj", "bootstrap", "--admin-id-number", ROOT_ADMIN_ID,
                        "--admin-name", "团中央管理员", "--password", ROOT_ADMIN_PASSWORD],
                       env=env, cwd=tmp, check=True, capture_output=True)
        port = _free_port()
        process = subprocess.Popen([sys.executable, "-m", "zhtj", "serve", "--port", str(port)], env=env, cwd=tmp,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            login = httpx.post(f"{base}/graphql", json={
                "query": "mutation($i: LoginInput!) { login(input: $i) { token } }",
                "variables": {"i": {"idNumber": ROOT_ADMIN_ID, "password": ROOT_ADMIN_PASSWORD}}})
            yield base, login.json()["data"]["login"]["token"]
        finally:
            process.terminate()
            process.wait(timeout=30)


def no_server_error(response) -> None:
    assert response.status_code < 500, response.text
    body = response.json()
    codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
    assert "INTERNAL_SERVER_ERROR" not in codes, body


@schema.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])
def test_no_request_makes_a_server_error(case, server):
    base, token = server
    no_server_error(case.call(base_url=f"{base}/graphql"))
    no_server_error(case.call(base_url=f"{base}/graphql", headers={"Authorization": f"Bearer {token}"}))
