"""A JSON POST of a query text checked before is answered without strawberry's HTTP machinery (app.py,
decision 0011): status, headers and body exactly as strawberry's view gives them, and strawberry's view for
everything unusual."""

from __future__ import annotations

import json
import uuid

import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD

from zhtj.app import GraphQLView
from zhtj.graphql.ids import encode_id

ME = "{ me { __typename member { name } } }"
TREE = "query($id: ID!) { organization(id: $id) { shortName children(first: 2) { totalCount } } }"
LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token errors { code message field rule } } }"


@pytest.fixture
def answered(monkeypatch) -> list[bool]:
    """Whether each request was answered by the checked-JSON way."""
    seen: list[bool] = []
    real = GraphQLView._checked_json

    async def spy(self, request):  # type: ignore[no-untyped-def]
        found = await real(self, request)
        seen.append(found is not None)
        return found

    monkeypatch.setattr(GraphQLView, "_checked_json", spy)
    return seen


async def twice(client, body: dict, headers: dict | None = None) -> tuple[tuple, tuple]:
    """The same request sent twice: the first checks its text (strawberry's way), the second may go the
    checked way. Each as (status, content type, cache control, body without its request ids)."""
    sent = {"Authorization": f"Bearer {client.token}"} if client.token else {}
    sent.update(headers or {})
    answers = []
    for _ in range(2):
        response = await client.http.post("/graphql", content=_json(body), headers={
            "Content-Type": "application/json", **sent})
        shown = response.json()
        shown.get("extensions", {}).pop("requestId", None)
        for error in shown.get("errors") or ():
            error.get("extensions", {}).pop("requestId", None)
        answers.append((response.status_code, response.headers["content-type"], response.headers["cache-control"],
                        bool(response.headers.get("x-request-id")), shown))
    return answers[0], answers[1]


def _json(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


@pytest.mark.parametrize("case", ["me", "tree", "anonymous tree", "wrong password", "too long a variable",
                                  "charset"])
async def test_checked_texts_answer_exactly_as_strawberrys_view(client, root, answered, case):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    headers = None
    body: dict = {"query": ME}
    if case == "tree":
        body = {"query": TREE, "variables": {"id": encode_id("Organization", root.id)}}
    elif case == "anonymous tree":
        body, client.token = {"query": TREE, "variables": {"id": encode_id("Organization", root.id)}}, None
    elif case == "wrong password":
        body = {"query": LOGIN, "variables": {"i": {"idNumber": ROOT_ADMIN_ID, "password": "Wrong-password-1"}}}
    elif case == "too long a variable":
        body = {"query": TREE, "variables": {"id": "x" * 1001}}
    elif case == "charset":
        headers = {"Content-Type": "application/json; charset=utf-8"}
    body["query"] += f"\n# {uuid.uuid4().hex}"  # a text not seen before: the first request checks it
    answered.clear()
    first, second = await twice(client, body, headers)
    assert answered == [False, True]
    assert first == second and first[:4] == (200, "application/json", "no-store", True)


@pytest.mark.parametrize("case", ["unknown operation name", "streaming accepted", "extensions", "batch",
                                  "query not a string", "not checked yet"])
async def test_anything_unusual_goes_strawberrys_way(client, root, answered, case):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    headers = None
    body: dict | list = {"query": ME}
    if case == "unknown operation name":
        body = {"query": "query A { me { __typename } }", "operationName": "B"}
    elif case == "streaming accepted":
        headers = {"Accept": "text/event-stream"}
    elif case == "extensions":
        body = {"query": ME, "extensions": {"persistedQuery": {"version": 1}}}
    elif case == "batch":
        body = [{"query": ME}]
    elif case == "query not a string":
        body = {"query": 42}
    answered.clear()
    if case == "not checked yet":
        response = await client.post("query Fresh { me { __typename } }")
        assert response.status_code == 200 and answered == [False]
        return
    await twice(client, body, headers)  # type: ignore[arg-type]
    assert answered == [False, False]
