"""GraphQL strings and small helpers shared by the organization API tests."""

from __future__ import annotations

from typing import Any

from zhtj.graphql.ids import encode_id

ERRORS = "errors { code message field rule }"
CREATE = f"""mutation($input: CreateOrganizationInput!) {{ createOrganization(input: $input) {{
  organization {{ id shortName fullName category industry depth parent {{ shortName }} }} {ERRORS} }} }}"""
UPDATE = f"""mutation($input: UpdateOrganizationInput!) {{ updateOrganization(input: $input) {{
  organization {{ id shortName fullName category industry contactPhone schoolCode graduationDate }} {ERRORS} }} }}"""
DELETE = f"""mutation($input: DeleteOrganizationInput!) {{ deleteOrganization(input: $input) {{
  deletedId pendingBranch {{ id fullName category members {{ totalCount nodes {{ name }} }} }} {ERRORS} }} }}"""
ORG = """query($id: ID!) { organization(id: $id) { id shortName fullName category depth
  parent { shortName } ancestors { shortName } children { totalCount nodes { shortName } }
  warnings infoComplete missingInfo secretary { name } admins { name } } }"""


def oid(org: Any) -> str:
    return encode_id("Organization", org.id)


def mid(member: Any) -> str:
    return encode_id("Member", member.id)


async def create(client: Any, parent: Any, short: str, category: str = "团委", **extra: Any) -> dict:
    """createOrganization under parent (an org or a global id); answers the payload."""
    parent_id = parent if isinstance(parent, str) else oid(parent)
    fields = {"parentId": parent_id, "category": category, "shortName": short, "fullName": f"共青团{short}",
              "industry": "党政机关", **extra}
    return (await client.query(CREATE, {"input": fields}))["createOrganization"]


async def created_id(client: Any, parent: Any, short: str, category: str = "团委", **extra: Any) -> str:
    payload = await create(client, parent, short, category, **extra)
    assert payload["errors"] == [], payload["errors"]
    return payload["organization"]["id"]


def codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["errors"]]
