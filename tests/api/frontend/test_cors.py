"""CORS (decision 0040): pages of the origins in ZHTJ_CORS_ORIGINS may call the API, no other; the upload rule
(a preflight-forcing header on every multipart POST, decision 0018) holds for allowed origins too."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from zhtj.app import create_app

ALLOWED = "https://tuan.example.cn"
REFUSED = "https://evil.example.com"


@pytest.fixture
async def cors_client(db, settings, clock, hasher):
    app = create_app(dataclasses.replace(settings, cors_origins=(ALLOWED,)), clock=clock, hasher=hasher)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://zhtj.test") as http:
        yield http
    await app.state.services.db.dispose()


async def test_an_allowed_origin_reads_the_answer_and_the_request_id(cors_client):
    response = await cors_client.post("/graphql", json={"query": "{ __typename }"}, headers={"Origin": ALLOWED})
    assert response.status_code == 200 and response.json()["data"] == {"__typename": "Query"}
    assert response.headers["access-control-allow-origin"] == ALLOWED
    exposed = response.headers["access-control-expose-headers"].lower()
    assert "x-request-id" in exposed and "content-disposition" in exposed  # a download's file name
    assert "access-control-allow-credentials" not in response.headers  # tokens are not cookies


async def test_a_refused_origin_gets_no_cors_header(cors_client):
    response = await cors_client.post("/graphql", json={"query": "{ __typename }"}, headers={"Origin": REFUSED})
    assert "access-control-allow-origin" not in response.headers  # the browser hides the answer from the page
    preflight = await cors_client.options("/graphql", headers={
        "Origin": REFUSED, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert preflight.status_code == 400 and "access-control-allow-origin" not in preflight.headers


async def test_the_preflight_allows_what_the_api_needs(cors_client):
    preflight = await cors_client.options("/graphql", headers={
        "Origin": ALLOWED, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, apollo-require-preflight, x-request-id"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ALLOWED
    allowed = {h.strip().lower() for h in preflight.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "apollo-require-preflight", "x-request-id"} <= allowed
    assert "POST" in preflight.headers["access-control-allow-methods"]


async def test_an_allowed_origin_still_needs_the_preflight_header_to_upload(cors_client):
    """A form post skips the preflight; without Authorization or Apollo-Require-Preflight it is refused."""
    response = await cors_client.post("/graphql", headers={"Origin": ALLOWED}, files={"0": ("a.pdf", b"%PDF")},
                                      data={"operations": "{}", "map": "{}"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_PREFLIGHT_REQUIRED"


async def test_no_origin_is_allowed_by_default(client):
    preflight = await client.http.options("/graphql", headers={
        "Origin": ALLOWED, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
    response = await client.post("{ __typename }", headers={"Origin": ALLOWED})
    assert "access-control-allow-origin" not in response.headers
