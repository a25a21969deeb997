"""Persisted documents (decision 0043): Apollo's `extensions.persistedQuery.sha256Hash`, a manifest written by
`zhtj persisted add`, and ZHTJ_PERSISTED_ONLY, under which nothing else runs."""

from __future__ import annotations

import asyncio
import dataclasses
import json

import httpx
import pytest
from typer.testing import CliRunner

from zhtj.app import create_app
from zhtj.cli import app as cli
from zhtj.graphql.persisted import ManifestError, PersistedDocuments, sha256

REGISTERED = "query Lists { valueLists { orgCategories } }"
OTHER = "{ valueLists { orgCategories } }"


def _ext(text: str) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256(text)}}


async def _post(http, query: str | None, extensions: dict | None = None) -> dict:
    body = {"query": query, "extensions": extensions} if query is not None else {"extensions": extensions}
    response = await http.post("/graphql", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _code(answer: dict) -> str:
    return answer["errors"][0]["extensions"]["code"]


@pytest.fixture
def manifest(tmp_path):
    path = tmp_path / "documents" / "zhtj-persisted.json"
    (tmp_path / "lists.graphql").write_text(REGISTERED)
    done = CliRunner().invoke(cli, ["persisted", "add", str(tmp_path / "lists.graphql"), "--manifest", str(path)])
    assert done.exit_code == 0, done.output
    assert sha256(REGISTERED) in done.output
    return path


@pytest.fixture
async def served(db, settings, clock, hasher, manifest, request):
    only = getattr(request, "param", False)
    app = create_app(dataclasses.replace(settings, persisted_file=manifest, persisted_only=only), clock=clock,
                     hasher=hasher)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://zhtj.test") as http:
        yield http
    await app.state.services.db.dispose()


async def test_a_registered_hash_runs_without_its_text(served):
    answer = await _post(served, None, _ext(REGISTERED))
    assert "errors" not in answer and "团支部" in answer["data"]["valueLists"]["orgCategories"]


async def test_an_unknown_hash_asks_for_the_text_then_is_remembered_in_development(served):
    assert _code(await _post(served, None, _ext(OTHER))) == "PERSISTED_QUERY_NOT_FOUND"
    assert "errors" not in await _post(served, OTHER, _ext(OTHER))  # Apollo Client's second try
    assert "errors" not in await _post(served, None, _ext(OTHER))


async def test_a_text_that_is_not_its_hash_is_refused(served):
    assert _code(await _post(served, OTHER, _ext(REGISTERED))) == "PERSISTED_QUERY_HASH_MISMATCH"
    bad = await _post(served, None, {"persistedQuery": {"version": 1, "sha256Hash": "abc"}})
    assert _code(bad) == "BAD_REQUEST"


@pytest.mark.parametrize("served", [True], indirect=True)
async def test_persisted_only_runs_the_manifest_and_nothing_else(served):
    assert "errors" not in await _post(served, None, _ext(REGISTERED))
    assert "errors" not in await _post(served, REGISTERED)  # the registered text itself, sent whole
    assert _code(await _post(served, OTHER)) == "PERSISTED_QUERY_REQUIRED"
    assert _code(await _post(served, OTHER, _ext(OTHER))) == "PERSISTED_QUERY_REQUIRED"  # nothing is learned
    assert _code(await _post(served, None, _ext(OTHER))) == "PERSISTED_QUERY_NOT_FOUND"
    login = await _post(served, 'mutation { login(input: {idNumber: "x", password: "y"}) { token } }')
    assert _code(login) == "PERSISTED_QUERY_REQUIRED"  # refused before it is parsed or run


def test_persisted_only_without_a_manifest_stops_the_start(tmp_path):
    with pytest.raises(ManifestError):
        PersistedDocuments.load(tmp_path / "none.json", only=True)


async def test_the_cli_merges_manifests_and_refuses_a_wrong_hash(manifest, tmp_path):
    generated = tmp_path / "persisted-documents.json"  # as GraphQL Code Generator's client preset writes it
    generated.write_text(json.dumps({sha256(OTHER): OTHER}))
    done = await asyncio.to_thread(CliRunner().invoke, cli, ["persisted", "add", str(generated),
                                                              "--manifest", str(manifest)])
    assert done.exit_code == 0, done.output
    assert json.loads(manifest.read_text()) == {sha256(REGISTERED): REGISTERED, sha256(OTHER): OTHER}
    generated.write_text(json.dumps({sha256(REGISTERED): OTHER}))
    refused = await asyncio.to_thread(CliRunner().invoke, cli, ["persisted", "add", str(generated),
                                                                 "--manifest", str(manifest)])
    assert refused.exit_code == 1 and "not the sha256" in refused.output
    assert len(json.loads(manifest.read_text())) == 2  # unchanged
    assert [p.name for p in manifest.parent.iterdir()] == [manifest.name]  # no temporary file left behind


async def test_a_hash_works_over_get_too(served):
    """Apollo's link can send hashed queries as GET (useGETForHashedQueries): cacheable URLs, no body."""
    response = await served.get("/graphql", params={"extensions": json.dumps(_ext(REGISTERED))},
                                headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    assert "团支部" in response.json()["data"]["valueLists"]["orgCategories"]
