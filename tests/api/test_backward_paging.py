"""Connections page backward too (Cursor Connections spec): `last`/`before` on every connection, at most 100,
with hasPreviousPage/hasNextPage right both ways and BAD_USER_INPUT for what cannot be answered."""

from __future__ import annotations

import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person

from zhtj.graphql.ids import encode_id

PAGE = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor } nodes { shortName }"
CHILDREN = f"""query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {{ organization(id: $id) {{
  children(first: $first, after: $after, last: $last, before: $before) {{ totalCount {PAGE} }} }} }}"""
MEMBERS = """query($id: ID!, $last: Int, $before: String, $text: String) { organization(id: $id) {
  members(last: $last, before: $before, text: $text) { totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { name } } } }"""


async def _children(client, org, **page) -> dict:
    return (await client.query(CHILDREN, {"id": encode_id("Organization", org.id), **page}))["organization"][
        "children"]


async def test_children_page_backward_from_the_end_and_from_a_cursor(client, root, uow):
    names = [f"省{i}" for i in range(5)]
    for name in names:
        await add_org(uow, root, name)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    seen, before, pages = [], None, []
    while True:
        page = await _children(client, root, last=2, before=before)
        assert page["totalCount"] == 5
        pages.append(page["pageInfo"])
        seen = [n["shortName"] for n in page["nodes"]] + seen
        assert [e["cursor"] for e in page["edges"]][:1] == [page["pageInfo"]["startCursor"]]
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert seen == names
    assert [(p["hasPreviousPage"], p["hasNextPage"]) for p in pages] == [(True, False), (True, True), (False, True)]
    forward = await _children(client, root, first=3)
    middle = forward["edges"][2]["cursor"]
    back = await _children(client, root, last=10, before=middle)
    assert [n["shortName"] for n in back["nodes"]] == names[:2]
    assert (back["pageInfo"]["hasPreviousPage"], back["pageInfo"]["hasNextPage"]) == (False, True)
    assert back["pageInfo"]["startCursor"] == forward["edges"][0]["cursor"]
    assert (await _children(client, root, last=0))["nodes"] == []


async def test_backward_pages_of_several_parents_in_one_request(client, root, uow):
    one, two = await add_org(uow, root, "甲"), await add_org(uow, root, "乙")
    for i in range(3):
        await add_org(uow, one, f"甲{i}")
        await add_org(uow, two, f"乙{i}")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    query = """query($id: ID!) { organization(id: $id) { children { nodes { shortName
      children(last: 2) { nodes { shortName } pageInfo { hasPreviousPage hasNextPage } } } } } }"""
    found = (await client.query(query, {"id": encode_id("Organization", root.id)}))["organization"]["children"]
    assert found["nodes"] == [
        {"shortName": p, "children": {"nodes": [{"shortName": f"{p}1"}, {"shortName": f"{p}2"}],
                                      "pageInfo": {"hasPreviousPage": True, "hasNextPage": False}}}
        for p in ("甲", "乙")]


async def test_members_page_backward(client, root, uow, hasher, clock):
    branch = await add_org(uow, root, "某团支部", category="团支部")
    names = [f"成员{i}" for i in range(5)]
    for name in names:
        await add_person(uow, hasher, clock, name=name, branch=branch)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    oid = encode_id("Organization", branch.id)
    seen, before = [], None
    while True:
        page = (await client.query(MEMBERS, {"id": oid, "last": 2, "before": before}))["organization"]["members"]
        seen = [n["name"] for n in page["nodes"]] + seen
        assert page["pageInfo"]["hasNextPage"] is (before is not None)
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert seen == names
    filtered = (await client.query(MEMBERS, {"id": oid, "last": 1, "text": "成员"}))["organization"]["members"]
    assert filtered["nodes"] == [{"name": "成员4"}] and filtered["totalCount"] == 5


@pytest.mark.parametrize("field", [
    "children(last: 2, before: $before) { nodes { id } pageInfo { hasNextPage hasPreviousPage } }",
    "members(last: 2, before: $before) { nodes { id } pageInfo { hasNextPage hasPreviousPage } }",
    "selfReports(last: 2, before: $before) { nodes { id } pageInfo { hasNextPage hasPreviousPage } }",
])
async def test_every_org_connection_takes_last_and_before(client, root, field):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    query = f"query($id: ID!, $before: String) {{ organization(id: $id) {{ {field} }} }}"
    found = await client.query(query, {"id": encode_id("Organization", root.id), "before": None})
    [connection] = found["organization"].values()
    assert connection == {"nodes": [], "pageInfo": {"hasNextPage": False, "hasPreviousPage": False}}


async def test_migrations_to_review_take_last_and_before(client, root):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    found = await client.query("{ migrationsToReview(last: 5) { totalCount nodes { id } "
                               "pageInfo { hasNextPage hasPreviousPage } } }")
    assert found["migrationsToReview"] == {"totalCount": 0, "nodes": [],
                                           "pageInfo": {"hasNextPage": False, "hasPreviousPage": False}}


@pytest.mark.parametrize(("arguments", "message"), [
    ("last: 101", "last 必须在 0 到 100 之间"),
    ("last: -1", "last 必须在 0 到 100 之间"),
    ('before: "garbage"', "before 游标无效"),
    ("first: 2, last: 2", "first/after 与 last/before 不能同时使用"),
    ('after: "x", before: "y"', "first/after 与 last/before 不能同时使用"),
])
async def test_bad_backward_pages_are_bad_user_input(client, root, arguments, message):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    for field in ("children", "members", "selfReports"):
        query = f"query($id: ID!) {{ organization(id: $id) {{ {field}({arguments}) {{ totalCount }} }} }}"
        [error] = await client.errors(query, {"id": encode_id("Organization", root.id)})
        assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["message"] == message, field
    [error] = await client.errors(f"{{ migrationsToReview({arguments}) {{ totalCount }} }}")
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["message"] == message
