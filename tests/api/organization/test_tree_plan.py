"""The org tree's hot shape is answered by a plan (zhtj/graphql/organization/tree.py, decision 0011): the
same answer as the ordinary execution, byte for byte, and the ordinary way for everything else (ACC-4 scope
and every error included)."""

from __future__ import annotations

import planned_ways
import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person
from orgapi import oid
from test_tree_statements import _grow

from zhtj.graphql.organization import tree

FIELDS = "id shortName fullName category industry contactPhone schoolCode graduationDate depth domain __typename"
SHAPES = {
    "nested nodes with counts": f"""query($id: ID!, $n: Int!) {{ organization(id: $id) {{ {FIELDS}
      children(first: $n) {{ totalCount nodes {{ shortName kids: children(first: $n) {{ totalCount
        nodes {{ id depth children(first: 1) {{ totalCount nodes {{ shortName }} }} }} }} }} }} }} }}""",
    "edges, cursors and page info": """query($id: ID!, $n: Int = 2) { org: organization(id: $id) { shortName
      children(first: $n) { __typename pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }
        edges { __typename cursor node { id children { edges { cursor node { shortName } } } } } } } }""",
    "nodes and edges of one connection, literal page": """query Tree($id: ID!) { organization(id: $id) {
      children(first: 2) { nodes { shortName } edges { node { fullName } cursor } totalCount } } }""",
    "child counts for the expand arrow": """query($id: ID!, $n: Int!) { organization(id: $id) { childCount
      hasChildren children(first: $n) { totalCount nodes { shortName childCount kids: hasChildren
        children(first: $n) { nodes { hasChildren childCount children(first: 1) { nodes { hasChildren } } } } }
      } } }""",
    "edit buttons (viewerCan*)": """query($id: ID!, $n: Int!) { organization(id: $id) { viewerCanEdit
      children(first: $n) { nodes { shortName viewerCanEdit viewerCanManageAdmins } } } }""",
    "default page size": """query($id: ID!) { organization(id: $id) { children { pageInfo { hasNextPage }
      nodes { shortName } } } }""",
}


async def both_ways(client, query: str, variables: dict, operation: str | None = None) -> tuple[dict, dict, bool]:
    return await planned_ways.both_ways(client, tree, query, variables, operation)


@pytest.mark.parametrize("shape", sorted(SHAPES))
async def test_the_plan_answers_exactly_as_the_ordinary_execution(client, root, db, shape):
    await _grow(db, root, 3)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    query = SHAPES[shape]
    await client.query(query, {"id": oid(root), "n": 2})  # validated once the ordinary way
    planned, ordinary, used = await both_ways(client, query, {"id": oid(root), "n": 2},
                                              "Tree" if "query Tree" in query else None)
    assert used
    assert "errors" not in planned and planned == ordinary


async def test_a_member_sees_their_branch_without_edit_buttons_either_way_ACC4(client, root, uow, hasher, clock):
    branch = await add_org(uow, root, "某团支部", category="团支部")
    member, _ = await add_person(uow, hasher, clock, name="李娜", branch=branch, password="Lina2026x")
    await client.login_as(member.id_number, "Lina2026x")
    query = SHAPES["edit buttons (viewerCan*)"]
    await client.query(query, {"id": oid(branch), "n": 2})
    planned, ordinary, used = await both_ways(client, query, {"id": oid(branch), "n": 2}, None)
    assert used and planned == ordinary
    assert planned["data"]["organization"] == {"viewerCanEdit": False, "children": {"nodes": []}}


async def test_later_pages_and_missing_orgs_answer_the_same(client, root, db):
    await _grow(db, root, 3)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    query = """query($id: ID!, $after: String) { organization(id: $id) { children(first: 1, after: $after) {
      pageInfo { endCursor hasNextPage hasPreviousPage } nodes { shortName } } } }"""
    first = await client.query(query, {"id": oid(root)})
    after = first["organization"]["children"]["pageInfo"]["endCursor"]
    planned, ordinary, used = await both_ways(client, query, {"id": oid(root), "after": after})
    assert used and planned == ordinary and planned["data"]["organization"]["children"]["pageInfo"][
        "hasPreviousPage"] is True
    for missing in ("T3JnYW5pemF0aW9uOjk5OTk5", "not-an-id", "TWVtYmVyOjE="):
        planned, ordinary, used = await both_ways(client, query, {"id": missing})
        assert used and planned == ordinary == {"data": {"organization": None}, "extensions": {}}


async def test_an_org_outside_the_viewers_scope_is_null_either_way_ACC4(client, root, uow, hasher, clock, db):
    mine = await add_org(uow, root, "甲省")
    other = await add_org(uow, root, "乙省")
    admin, _ = await add_person(uow, hasher, clock, name="省管理员", password="Jiumima2020", admin_of=mine)
    await client.login_as(admin.id_number, "Jiumima2020")
    query = "query($id: ID!) { organization(id: $id) { shortName children { totalCount } } }"
    await client.query(query, {"id": oid(mine)})
    planned, ordinary, used = await both_ways(client, query, {"id": oid(other)})
    assert used and planned == ordinary and planned["data"] == {"organization": None}
    planned, ordinary, used = await both_ways(client, query, {"id": oid(mine)})
    assert used and planned == ordinary and planned["data"]["organization"]["shortName"] == "甲省"


@pytest.mark.parametrize("case", ["anonymous", "page too large", "bad cursor", "other fields", "fragment",
                                  "backward page"])
async def test_everything_else_goes_the_ordinary_way_with_its_errors(client, root, db, case):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    query = "query($id: ID!, $n: Int, $after: String) { organization(id: $id) { children(first: $n, after: $after) " \
            "{ totalCount } } }"
    variables: dict = {"id": oid(root)}
    if case == "anonymous":
        await client.query(query, variables)
        client.token = None
    elif case == "page too large":
        variables["n"] = 101
    elif case == "bad cursor":
        variables["after"] = "garbage"
    elif case == "other fields":
        query = "query($id: ID!) { organization(id: $id) { shortName warnings children { totalCount } } }"
    elif case == "backward page":
        query = "query($id: ID!) { organization(id: $id) { children(last: 2) { totalCount nodes { shortName } " \
                "pageInfo { hasNextPage hasPreviousPage } } } }"
        await _grow(db, root, 3)
    else:
        query = "query($id: ID!) { organization(id: $id) { ...o } } fragment o on Organization { shortName }"
    await client.post(query, variables)
    planned, ordinary, used = await both_ways(client, query, variables)
    assert not used and planned == ordinary
    if case in ("anonymous", "page too large", "bad cursor"):
        assert planned["errors"][0]["extensions"]["code"] in ("UNAUTHENTICATED", "BAD_USER_INPUT")
