"""`SelfReportBranch.id` is a global id of its own type: Relay's store never sees two types under one id, and
`organizationId` is the Organization's id, the value `selfReport` takes again as `branchId`."""

from __future__ import annotations

from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD
from selfreport_api import PASSWORD, form, oid, report, tree

NODE = "query($id: ID!) { node(id: $id) { __typename id ... on SelfReportBranch { shortName organizationId } } }"


async def test_the_report_branch_has_an_id_of_its_own_and_node_answers_it(client, root, uow, hasher, clock):
    t = await tree(uow, hasher, clock, root)
    fields = form(t["branch"])
    done = await report(client, fields)
    branch = done["member"]["reportBranch"]
    assert branch["organizationId"] == oid(t["branch"]) and branch["id"] != oid(t["branch"])
    again = await report(client, form(branch["organizationId"], idNumber=fields["idNumber"]),
                         token=(await client.login(fields["idNumber"], PASSWORD))["token"])
    assert again["errors"] == [] and again["member"]["reportBranch"] == branch  # the id is stable
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    found = (await client.query(NODE, {"id": branch["id"]}))["node"]
    assert found == {"__typename": "SelfReportBranch", "id": branch["id"], "shortName": "计算机2301班团支部",
                     "organizationId": oid(t["branch"])}
    org = (await client.query(NODE, {"id": oid(t["branch"])}))["node"]
    assert org["__typename"] == "Organization" and org["id"] != branch["id"]
