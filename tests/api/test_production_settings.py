"""Production settings and request limits (issue 12, docs/decisions/0018): what helps a developer is off in
production, and what one request may read or send is bounded."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import Api
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD

from zhtj import settings as settings_module
from zhtj.app import create_app
from zhtj.settings import Settings

INTROSPECTION = "{ __schema { queryType { name } } }"
TYPE_QUERY = '{ __type(name: "Member") { fields { name } } }'


@pytest.fixture
async def production(db, settings: Settings, clock, hasher) -> AsyncIterator[Api]:
    """The app as ZHTJ_ENV=production builds it, beside the development `client`, on the same database."""
    prod = dataclasses.replace(settings, env="production", introspection=False, field_suggestions=False,
                               graphiql=False)
    app = create_app(prod, clock=clock, hasher=hasher)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://zhtj.test") as http:
        yield Api(http, app)
    await app.state.services.db.dispose()


def test_production_turns_introspection_suggestions_and_graphiql_off_finding14(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("ZHTJ_SECRET_KEY", "k" * 32)
    monkeypatch.setenv("ZHTJ_DATABASE_URL", "sqlite+aiosqlite:////tmp/x.sqlite3")
    monkeypatch.setenv("ZHTJ_FILES_DIR", str(tmp_path / "files"))
    for name in ("ZHTJ_ENV", "ZHTJ_INTROSPECTION", "ZHTJ_FIELD_SUGGESTIONS", "ZHTJ_GRAPHIQL"):
        monkeypatch.delenv(name, raising=False)
    development = settings_module.load(tmp_path)
    assert (development.env, development.introspection, development.field_suggestions, development.graphiql) \
        == ("development", True, True, True)
    monkeypatch.setenv("ZHTJ_ENV", "production")
    production = settings_module.load(tmp_path)
    assert (production.introspection, production.field_suggestions, production.graphiql) == (False, False, False)
    monkeypatch.setenv("ZHTJ_INTROSPECTION", "on")
    assert settings_module.load(tmp_path).introspection is True
    monkeypatch.setenv("ZHTJ_ENV", "prod")
    with pytest.raises(ValueError, match="ZHTJ_ENV"):
        settings_module.load(tmp_path)


async def test_introspection_is_refused_in_production_whatever_was_seen_before_finding14(client, production, root):
    # The development app validates the texts first: what it kept must not serve production.
    for query in (INTROSPECTION, TYPE_QUERY):
        assert "errors" not in (await client.post(query)).json()
    for query in (INTROSPECTION, TYPE_QUERY, INTROSPECTION):  # twice: the kept validation refuses too
        errors = await production.errors(query)
        assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert "introspection" in errors[0]["message"]
    assert (await production.post("{ __typename }")).json()["data"] == {"__typename": "Query"}
    assert "errors" not in (await client.post(INTROSPECTION)).json()


async def test_field_suggestions_are_off_in_production_finding14(client, production, root):
    await production.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    client.token = production.token
    query = "{ me { mustChangePasswor } }"
    assert "Did you mean" in (await client.errors(query))[0]["message"]
    for _ in range(2):
        message = (await production.errors(query))[0]["message"]
        assert "Did you mean" not in message and "mustChangePassword" not in message
    enum = 'query($k: Direction!) { __typename }'  # a variable of an enum type, bad value
    body: dict[str, Any] = (await production.post(enum, {"k": "UPP"})).json()
    assert body["errors"] and all("Did you mean" not in e["message"] for e in body["errors"])


async def test_graphiql_is_off_in_production_finding14(client, production):
    assert (await client.http.get("/graphql", headers={"Accept": "text/html"})).status_code == 200
    page = await production.http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "graphiql" not in page.text.lower()
    assert page.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (await production.http.get("/graphql/static/x/graphiql.min.js")).status_code == 404


async def test_one_request_reads_at_most_ten_full_id_numbers_finding15(client, root, uow, hasher, clock):
    from factories import add_org, add_person
    from strawberry.relay import GlobalID

    from zhtj.graphql.context import MAX_FULL_READS

    branch = await add_org(uow, root, "某团支部", category="团支部")
    ids = []
    for i in range(MAX_FULL_READS + 1):
        member, _ = await add_person(uow, hasher, clock, name=f"成员{chr(0x4E00 + i)}", branch=branch)
        ids.append(str(GlobalID("Member", str(member.id))))
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)

    def aliases(count: int, field: str = "idNumber") -> str:
        return "{ " + " ".join(f'm{i}: node(id: "{ids[i]}") {{ ... on Member {{ {field} }} }}'
                               for i in range(count)) + " }"

    for _ in range(2):  # per request: the next request may read ten again
        data = await client.query(aliases(MAX_FULL_READS))
        assert all(len(data[f"m{i}"]["idNumber"]) == 18 for i in range(MAX_FULL_READS))
    body = (await client.post(aliases(MAX_FULL_READS + 1))).json()
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert sum(1 for m in body["data"].values() if m and m["idNumber"]) == MAX_FULL_READS
    born = (await client.post(aliases(MAX_FULL_READS + 1, "birthDate"))).json()
    assert [e["extensions"]["code"] for e in born["errors"]] == ["FORBIDDEN"]


async def test_very_long_text_is_refused_before_the_database_finding9(client, root):
    from strawberry.relay import GlobalID

    from zhtj.graphql.documents import MAX_TEXT

    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    org = str(GlobalID("Organization", str(root.id)))
    by_variable = "query($id: ID!, $t: String) { organization(id: $id) { members(text: $t) { totalCount } } }"
    long_text = "王" * (MAX_TEXT + 1)
    for _ in range(2):  # first sighting (strawberry's way) and the kept text (the lean way)
        errors = await client.errors(by_variable, {"id": org, "t": long_text})
        assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"] and "过长" in errors[0]["message"]
        literal = f'{{ organization(id: "{org}") {{ members(text: "{long_text}") {{ totalCount }} }} }}'
        assert [e["extensions"]["code"] for e in await client.errors(literal)] == ["BAD_USER_INPUT"]
    fine = await client.query(by_variable, {"id": org, "t": "王" * MAX_TEXT})
    assert fine["organization"]["members"]["totalCount"] == 0


async def test_lone_surrogates_are_refused_before_the_database_finding9(client, root):
    """orjson refuses them in a JSON body; anything else that hands the schema a Python str is checked too."""
    from strawberry.relay import GlobalID

    from zhtj.graphql.context import Context
    from zhtj.graphql.schema import schema

    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    services = client.app.state.services
    viewer = await services.viewers.viewer(client.token)
    create = "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { errors { code } } }"
    fields = {"parentId": str(GlobalID("Organization", str(root.id))), "category": "团的领导机关",
              "fullName": "共青团甲委员会", "shortName": "甲\ud800"}
    for _ in range(2):
        context = Context(services, "request-surrogate", client.token, viewer)
        try:
            result = await schema.execute(create, {"input": fields}, context_value=context)
        finally:
            await context.close()
        assert result.errors and result.errors[0].extensions["code"] == "BAD_USER_INPUT"


def test_forwarded_for_is_believed_only_from_trusted_proxies_finding7():
    from zhtj.app import client_address, trusted_networks

    nobody: tuple = ()
    proxies = trusted_networks(("10.0.0.0/8", "127.0.0.1"))
    assert client_address("127.0.0.1", "1.2.3.4", nobody) == "127.0.0.1"  # a local caller is no proxy by default
    assert client_address("203.0.113.9", "1.2.3.4", proxies) == "203.0.113.9"  # not one of ours
    assert client_address("127.0.0.1", "1.2.3.4", proxies) == "1.2.3.4"
    # What the caller wrote before our proxies appended theirs is not believed.
    assert client_address("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.1", proxies) == "198.51.100.7"
    assert client_address("10.0.0.2", "not-an-address", proxies) == "10.0.0.2"
    with pytest.raises(ValueError):
        trusted_networks(("proxy.example",))


def test_serve_leaves_forwarded_headers_to_the_app_finding7(monkeypatch, tmp_path: Path):
    """uvicorn's own X-Forwarded-For handling believes any local caller (FORWARDED_ALLOW_IPS=127.0.0.1)."""
    import uvicorn

    from zhtj import cli

    runs: list[dict[str, Any]] = []
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZHTJ_SECRET_KEY", "k")
    monkeypatch.delenv("ZHTJ_DATABASE_URL", raising=False)
    monkeypatch.setattr(cli.migrate, "upgrade", lambda *_a, **_k: None)
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: runs.append(options))
    monkeypatch.setattr("zhtj.infrastructure.logs.configure", lambda *_a, **_k: None)
    cli.serve(host="127.0.0.1", port=8123, workers=1, graceful_timeout=30.0)
    assert runs and runs[0]["proxy_headers"] is False


async def test_the_context_gets_the_address_behind_a_trusted_proxy_finding7(db, settings, clock, hasher,
                                                                          monkeypatch):
    from zhtj.graphql.context import Context

    seen: list[str | None] = []
    original = Context.__init__

    def spy(self, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        seen.append(self.client)

    monkeypatch.setattr(Context, "__init__", spy)
    for proxies, expected in (((), "127.0.0.1"), (("127.0.0.1",), "198.51.100.7")):
        app = create_app(dataclasses.replace(settings, trusted_proxies=proxies), clock=clock, hasher=hasher)
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://zhtj.test") as http:
            await http.post("/graphql", json={"query": "{ __typename }"}, headers={"X-Forwarded-For": "198.51.100.7"})
        await app.state.services.db.dispose()
        assert seen.pop() == expected


async def test_a_json_body_over_one_megabyte_is_refused_before_it_is_read_finding12(client, root):
    from zhtj.graphql.uploads import MAX_JSON_BYTES

    big = {"query": "query($x: String) { __typename }", "variables": {"x": "a" * MAX_JSON_BYTES}}
    refused = await client.http.post("/graphql", json=big)
    assert refused.status_code == 413 and refused.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"

    async def chunks():  # no Content-Length: read up to the cap, then refused
        yield b'{"query": "{ __typename }", "variables": {"x": "'
        for _ in range(MAX_JSON_BYTES // 65536 + 1):
            yield b"a" * 65536
        yield b'"}}'

    chunked = await client.http.post("/graphql", content=chunks(), headers={"Content-Type": "application/json"})
    assert chunked.status_code == 413

    async def small():
        yield b'{"query": "{ __typename }"}'

    fine = await client.http.post("/graphql", content=small(), headers={"Content-Type": "application/json"})
    assert fine.status_code == 200 and fine.json()["data"] == {"__typename": "Query"}


async def test_an_upload_without_a_live_token_is_refused_before_a_byte_is_read_finding12(client, root):
    """A 300 MB anonymous multipart body was written to disk before authentication."""
    read: list[Any] = []
    answer: list[dict] = []

    async def receive() -> dict:
        read.append(1)
        return {"type": "http.request", "body": b"--x\r\n" + b"a" * 1024, "more_body": True}

    async def send(message: dict) -> None:
        answer.append(message)

    for authorization in (b"", b"Bearer not-a-live-token"):
        headers = [(b"content-type", b"multipart/form-data; boundary=x"), (b"apollo-require-preflight", b"true"),
                   (b"content-length", b"3000000")]
        if authorization:
            headers.append((b"authorization", authorization))
        scope = {"type": "http", "method": "POST", "path": "/graphql", "raw_path": b"/graphql", "root_path": "",
                 "scheme": "http", "query_string": b"", "headers": headers, "client": ("198.51.100.5", 1),
                 "server": ("zhtj.test", 80), "http_version": "1.1", "asgi": {"version": "3.0"}}
        await client.app(scope, receive, send)
        assert answer[0]["status"] == 401 and not read
        answer.clear()
