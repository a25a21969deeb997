"""Tree conveniences for front ends: `childCount`/`hasChildren` (the expand arrow without a second query, one
statement a level) and `nodes(ids:)` (several expanded nodes restored in one round trip, ACC-4 nulls)."""

from __future__ import annotations

import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person
from orgapi import mid, oid
from test_tree_statements import _grow, _statements_for

from zhtj.graphql.ids import encode_id

COUNTS = """query($id: ID!, $n: Int!) { organization(id: $id) { childCount hasChildren
  children(first: $n) { nodes { childCount hasChildren children(first: $n) { totalCount nodes { shortName
    childCount hasChildren children(first: $n) { nodes { childCount hasChildren } } } } } } } }"""


@pytest.mark.parametrize("width", [2, 5])
async def test_child_counts_cost_one_statement_a_level(client, root, db, width):
    await _grow(db, root, width)
    statements, data = await _statements_for(client, root, width, COUNTS)
    org = data["organization"]
    assert (org["childCount"], org["hasChildren"]) == (width, True)
    second = [b for a in org["children"]["nodes"] for b in a["children"]["nodes"]]
    assert all((a["childCount"], a["hasChildren"]) == (width, True) for a in org["children"]["nodes"])
    assert all((b["childCount"], b["hasChildren"]) == (width, True) for b in second)
    leaves = [c for b in second for c in b["children"]["nodes"]]
    assert len(leaves) == width ** 3 and all((c["childCount"], c["hasChildren"]) == (0, False) for c in leaves)
    # Auth, the root, three levels of children, and one count a level (the root's, levels 1, 2 and 3; totalCount
    # shares the level-2 orgs' count with their childCount): the same at any width.
    assert statements == 9, statements


NODES = """query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Organization { shortName }
  ... on Member { name } } }"""


async def test_nodes_answers_in_order_with_nulls_for_what_is_not_yours_ACC4(client, root, uow, hasher, clock):
    mine = await add_org(uow, root, "甲省")
    branch = await add_org(uow, mine, "甲支部", category="团支部")
    other = await add_org(uow, root, "乙省")
    person, _ = await add_person(uow, hasher, clock, name="张伟", branch=branch)
    admin, _ = await add_person(uow, hasher, clock, name="省管理员", password="Jiumima2020", admin_of=mine)
    await client.login_as(admin.id_number, "Jiumima2020")
    ids = [oid(branch), oid(other), "not-an-id", mid(person), encode_id("Organization", 99999), oid(mine)]
    found = (await client.query(NODES, {"ids": ids}))["nodes"]
    assert found == [{"__typename": "Organization", "id": oid(branch), "shortName": "甲支部"}, None, None,
                     {"__typename": "Member", "id": mid(person), "name": "张伟"}, None,
                     {"__typename": "Organization", "id": oid(mine), "shortName": "甲省"}]
    assert (await client.query(NODES, {"ids": []}))["nodes"] == []


async def test_nodes_takes_at_most_100_ids_and_a_token(client, root):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    assert len((await client.query(NODES, {"ids": [oid(root)] * 100}))["nodes"]) == 100
    [error] = await client.errors(NODES, {"ids": [oid(root)] * 101})
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["message"] == "ids 最多 100 个"
    client.token = None
    [error] = await client.errors(NODES, {"ids": [oid(root)]})
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_tree_plan_answers_child_counts_as_the_ordinary_way(client, root, db):
    from test_tree_plan import both_ways

    await _grow(db, root, 2)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    query = "query($id: ID!) { organization(id: $id) { childCount children { nodes { shortName hasChildren } } } }"
    await client.query(query, {"id": oid(root)})
    planned, ordinary, used = await both_ways(client, query, {"id": oid(root)})
    assert used and planned == ordinary and "errors" not in planned
    assert planned["data"]["organization"]["childCount"] == 2
