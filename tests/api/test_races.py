"""Two writers at once never get a masked error for a rule the service checks: the loser of a race on
a unique constraint gets the rule's own UserError (PostgreSQL runs them side by side; SQLite queues them)."""

from __future__ import annotations

import asyncio

from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD

from zhtj.graphql.ids import encode_id

CREATE = """mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) {
  organization { id } errors { code field rule } } }"""


async def test_twenty_concurrent_creates_of_one_name_make_one_org_ORG3(client, root):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    fields = {"parentId": encode_id("Organization", root.id), "category": "团的领导机关", "shortName": "同名",
              "fullName": "共青团同名委员会", "industry": "党政机关"}
    answers = await asyncio.gather(*(client.post(CREATE, {"input": fields}) for _ in range(20)))
    payloads = [a.json()["data"]["createOrganization"] for a in answers]
    made = [p for p in payloads if p["organization"]]
    refused = [p["errors"] for p in payloads if not p["organization"]]
    assert len(made) == 1
    assert refused == [[{"code": "FULL_NAME_TAKEN", "field": "fullName", "rule": "ORG-3"}]] * 19


async def test_twenty_concurrent_creates_of_different_names_all_succeed(client, root):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    answers = await asyncio.gather(*(client.post(CREATE, {"input": {
        "parentId": encode_id("Organization", root.id), "category": "团的领导机关", "shortName": f"省{i}",
        "fullName": f"共青团省{i}委员会", "industry": "党政机关"}}) for i in range(20)))
    assert all(a.json()["data"]["createOrganization"]["errors"] == [] for a in answers)
    children = await client.query("query($id: ID!) { organization(id: $id) { children(first: 50) { totalCount } } }",
                                  {"id": encode_id("Organization", root.id)})
    assert children["organization"]["children"]["totalCount"] == 20
