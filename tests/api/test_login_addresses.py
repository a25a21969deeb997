"""ACC-1 (decision 0018): wrong logins are counted per address as well as per ID number, so a few clients
guessing unknown ID numbers cannot take the server's time from everyone else (issue 12, finding 13)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from conftest import LOGIN, Api
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, new_id_number

from zhtj.app import create_app
from zhtj.domain.identity import rules


@pytest.fixture
def from_address(db, settings, clock, hasher) -> Callable[[str], AbstractAsyncContextManager[Api]]:
    app = create_app(settings, clock=clock, hasher=hasher)

    @asynccontextmanager
    async def api(address: str) -> AsyncIterator[Api]:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://zhtj.test") as http:
            yield Api(http, app)

    return api


async def login(api: Api, id_number: str, password: str, forwarded: str = "192.0.2.1") -> dict:
    response = await api.http.post("/graphql", json={"query": LOGIN, "variables": {"input": {
        "idNumber": id_number, "password": password}}}, headers={"X-Forwarded-For": forwarded})
    return response.json()["data"]["login"]


async def test_one_address_guessing_unknown_id_numbers_waits_others_do_not_ACC1_finding13(root, from_address, clock):
    async with from_address("198.51.100.20") as guesser, from_address("198.51.100.30") as other:
        for i in range(rules.ADDRESS_FREE_FAILURES):  # each ID number once: no ID number's own throttle starts
            result = await login(guesser, new_id_number(), "wrong-password-1", forwarded=f"10.9.9.{i}")
            assert [e["code"] for e in result["errors"]] == ["INVALID_CREDENTIALS"], i
        refused = await login(guesser, ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, forwarded="10.9.9.99")
        assert refused["token"] is None and [e["code"] for e in refused["errors"]] == ["LOGIN_THROTTLED"]
        assert (await login(other, ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD))["token"]  # another address logs in
        clock.advance(seconds=3)
        assert (await login(guesser, ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD))["token"]  # after the wait
        await login(guesser, new_id_number(), "wrong-password-1")  # the count goes on: a longer wait
        again = await login(guesser, ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
        assert [e["code"] for e in again["errors"]] == ["LOGIN_THROTTLED"] and "4秒" in again["errors"][0]["message"]
        clock.advance(seconds=rules.ADDRESS_QUIET.total_seconds() + 5)  # a quiet hour starts the count again
        for _ in range(rules.ADDRESS_FREE_FAILURES - 1):
            await login(guesser, new_id_number(), "wrong-password-1")
        assert (await login(guesser, ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD))["token"]
    await guesser.app.state.services.db.dispose()
