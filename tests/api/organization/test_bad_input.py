"""Bad ids and cursors are the caller's mistake: an answer in the contract, never a masked internal error."""

from __future__ import annotations

import base64
import json

from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org
from orgapi import UPDATE, codes, oid
from strawberry import relay

from zhtj.graphql.ids import decode_id


def _cursor(key: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def _gid(type_name: str, node_id: str) -> str:
    return str(relay.GlobalID(type_name, node_id))


async def test_a_cursor_holding_other_values_than_its_key_is_bad_input(client, root, uow):
    await add_org(uow, root, "甲省")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    children = "query($id: ID!, $after: String) { organization(id: $id) { children(after: $after) { totalCount } } }"
    members = "query($id: ID!, $after: String) { organization(id: $id) { members(after: $after) { totalCount } } }"
    reports = """query($id: ID!, $after: String) { organization(id: $id) { selfReports(after: $after) {
      totalCount } } }"""
    for query, keys in ((children, (["a", "b"], [None, None], [True, 1], [1.5, 2], [1, 10**30])),
                        (members, (["a"], [None], [[1]], [{"id": 1}])),
                        (reports, (["2026-11-25T08:00:00", 1], ["not a time", 1], [1, 1]))):
        for key in keys:
            errors = await client.errors(query, {"id": oid(root), "after": _cursor(key)})
            assert [(e["extensions"]["code"], e["message"]) for e in errors] == [
                ("BAD_USER_INPUT", "after 游标无效")], key
    fine = await client.query(children, {"id": oid(root), "after": _cursor([-5, 1])})
    assert fine["organization"]["children"]["totalCount"] == 1


async def test_an_id_beyond_the_databases_integers_is_not_found_ACC4(client, root):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    too_big, zero = "99999999999999999999999", "0"
    for type_name in ("Organization", "Member", "OrganizationMigration"):
        for number in (too_big, str(2**63), zero, "١٢", "+5", " 5"):
            node = await client.query("query($id: ID!) { node(id: $id) { id } }", {"id": _gid(type_name, number)})
            assert node["node"] is None, (type_name, number)
    for number in (too_big, zero):
        org = await client.query("query($id: ID!) { organization(id: $id) { id } }",
                                 {"id": _gid("Organization", number)})
        assert org["organization"] is None
        edited = await client.query(UPDATE, {"input": {"id": _gid("Organization", number), "shortName": "x"}})
        assert codes(edited["updateOrganization"]) == ["NOT_FOUND"]
    largest = str(2**63 - 1)
    assert decode_id(_gid("Organization", largest), "Organization") == 2**63 - 1
    assert (await client.query("query($id: ID!) { node(id: $id) { id } }",
                               {"id": _gid("Organization", largest)}))["node"] is None
