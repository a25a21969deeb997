"""GraphQL strings and a small league shared by the transfers API tests."""

from __future__ import annotations

from typing import Any

from league import PASSWORD, League, codes, mid, oid  # noqa: F401 (the tests import them from here)
from league import league as shared_league

ERRORS = "errors { code message field rule }"
TRANSFER = "id status kind reason remark sourceName targetOrgName canAct steps { actor action status note }"
START = f"""mutation($input: StartTransferInput!) {{ startTransfer(input: $input) {{ transfer {{ {TRANSFER} }}
  {ERRORS} }} }}"""
APPROVE = f"""mutation($input: ApproveTransferInput!) {{ approveTransfer(input: $input) {{ transfer {{ {TRANSFER} }}
  {ERRORS} }} }}"""
RETURN = f"""mutation($input: ReturnTransferInput!) {{ returnTransfer(input: $input) {{ transfer {{ {TRANSFER} }}
  {ERRORS} }} }}"""
WITHDRAW = f"""mutation($input: WithdrawTransferInput!) {{ withdrawTransfer(input: $input) {{
  transfer {{ {TRANSFER} }} {ERRORS} }} }}"""
BATCH = f"""mutation($input: BatchTransferInput!) {{ batchTransfer(input: $input) {{ transfers {{ {TRANSFER} }}
  {ERRORS} }} }}"""
NODE = f"""query($id: ID!) {{ node(id: $id) {{ ... on Transfer {{ {TRANSFER}
  memberCard {{ name mobile currentOrg admins {{ name }} }} }} }} }}"""
HISTORY = """{ transfers(first: 20) { totalCount nodes { id status } } }"""


async def league(uow: Any, hasher: Any, clock: Any, root: Any) -> League:
    return await shared_league(uow, hasher, clock, root, people=True)


async def as_(client: Any, person: Any) -> str:
    return await client.login_as(person.id_number, PASSWORD)


async def call(client: Any, query: str, fields: dict, token: str | None = None) -> dict:
    data = await client.query(query, {"input": fields}, token)
    return next(iter(data.values()))


async def branch_of(uow: Any, member: Any) -> int | None:
    async with uow:
        found = await uow.members.get(member.id)
        return found.branch_id
