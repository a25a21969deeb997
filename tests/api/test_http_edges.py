"""What /graphql answers to requests it cannot read, and what every answer carries (issue: security
review, findings 8, 16 and 17)."""

from __future__ import annotations

import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD


@pytest.mark.parametrize("body", [b"42", b"null", b'"x"', b"\xff\xfe{}", b"{", b"[]"])
async def test_a_body_that_is_no_request_answers_400_in_the_usual_shape(client, body):
    response = await client.http.post("/graphql", content=body, headers={"content-type": "application/json",
                                                                          "x-request-id": "edge-request-1"})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "BAD_REQUEST", "requestId": "edge-request-1"}
    assert error["message"] in ("请求体必须是 JSON 对象", "请求体不是有效的 JSON", "不支持批量请求，请一次发送一个查询")
    assert response.headers["x-request-id"] == "edge-request-1"


async def test_every_graphql_answer_is_not_to_be_stored(client, root):
    """Answers carry ID numbers and mobiles: no browser or proxy keeps them."""
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    answered = await client.post("{ me { member { name } } }")
    refused = await client.http.post("/graphql", content=b"42", headers={"content-type": "application/json"})
    for response in (answered, refused):
        assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(("query", "code"), [
    ("{ me { ", "GRAPHQL_PARSE_FAILED"),
    ("{ " + "a " * 6000 + "}", "GRAPHQL_PARSE_FAILED"),  # past the token limit
    ("{ me { nothingHere } }", "GRAPHQL_VALIDATION_FAILED"),
])
async def test_parse_and_limit_errors_carry_a_code(client, root, query, code):
    errors = (await client.post(query)).json()["errors"]
    assert errors[0]["extensions"]["code"] == code and errors[0]["extensions"]["requestId"]
