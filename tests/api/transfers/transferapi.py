"""GraphQL strings and a small league shared by the transfers API tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from factories import add_org, add_person

from zhtj.graphql.ids import encode_id

PASSWORD = "Guanliyuan2026"
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


@dataclass
class League:
    """团中央 > 甲省 > 某大学团委 > 一班团支部, 二班团支部; 甲省 > 某公司团委 > 某公司团支部; 乙省 > 乙省团支部.
    Admins of 甲省, 某大学团委, 一班团支部, 某公司团委, 乙省; members 小明, 小红 (一班) and 小刚 (乙省团支部), each
    with the password PASSWORD."""

    root: Any
    province: Any
    school: Any
    class1: Any
    class2: Any
    company: Any
    company_branch: Any
    province2: Any
    branch2: Any
    province_admin: Any
    school_admin: Any
    class1_admin: Any
    company_admin: Any
    province2_admin: Any
    ming: Any
    hong: Any
    gang: Any


async def league(uow: Any, hasher: Any, clock: Any, root: Any) -> League:
    province = await add_org(uow, root, "甲省")
    school = await add_org(uow, province, "某大学团委", category="团委", industry="普通高等院校")
    class1 = await add_org(uow, school, "一班团支部", category="团支部", industry="普通高等院校")
    class2 = await add_org(uow, school, "二班团支部", category="团支部", industry="普通高等院校")
    company = await add_org(uow, province, "某公司团委", category="团委", industry="国有企业")
    company_branch = await add_org(uow, company, "某公司团支部", category="团支部", industry="国有企业")
    province2 = await add_org(uow, root, "乙省")
    branch2 = await add_org(uow, province2, "乙省团支部", category="团支部")
    people = {}
    for key, org in (("province_admin", province), ("school_admin", school), ("class1_admin", class1),
                     ("company_admin", company), ("province2_admin", province2)):
        people[key], _ = await add_person(uow, hasher, clock, name=f"{org.short_name}管理员", password=PASSWORD,
                                          admin_of=org)
    for key, name, branch in (("ming", "小明", class1), ("hong", "小红", class1), ("gang", "小刚", branch2)):
        people[key], _ = await add_person(uow, hasher, clock, name=name, branch=branch, password=PASSWORD)
    return League(root, province, school, class1, class2, company, company_branch, province2, branch2, **people)


def oid(org: Any) -> str:
    return encode_id("Organization", org.id)


def mid(member: Any) -> str:
    return encode_id("Member", member.id)


def codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["errors"]]


async def as_(client: Any, person: Any) -> str:
    return await client.login_as(person.id_number, PASSWORD)


async def call(client: Any, query: str, fields: dict, token: str | None = None) -> dict:
    data = await client.query(query, {"input": fields}, token)
    return next(iter(data.values()))


async def branch_of(uow: Any, member: Any) -> int | None:
    async with uow:
        found = await uow.members.get(member.id)
        return found.branch_id
