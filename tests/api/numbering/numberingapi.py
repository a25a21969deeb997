"""GraphQL strings and a small league shared by the numbering API tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from factories import add_org, add_person, new_id_number

from zhtj.graphql.ids import encode_id

ERRORS = "errors { code message field rule }"
ALLOCATE = f"""mutation($input: AllocateSegmentInput!) {{ allocateSegment(input: $input) {{
  segment {{ id start end year domain schoolLevel size used organization {{ shortName }} parent {{ start end }} }}
  {ERRORS} }} }}"""
SEGMENTS = """query($id: ID!) { organization(id: $id) { segments { start end domain schoolLevel used
  holders { number member { name } } } } }"""
REQUEST_RELEASE = f"""mutation($input: RequestNumberReleaseInput!) {{ requestNumberRelease(input: $input) {{
  release {{ id number status formUrl formSize formSha256 member {{ name developmentNumber }}
  organization {{ shortName }} }} {ERRORS} }} }}"""
REVIEW_RELEASE = f"""mutation($input: ReviewNumberReleaseInput!) {{ reviewNumberRelease(input: $input) {{
  release {{ id number status refusal member {{ name developmentNumber }} holder {{ name developmentNumber }} }}
  {ERRORS} }} }}"""
ENTER = f"""mutation($input: EnterMemberInput!) {{ enterMember(input: $input) {{
  member {{ id name developmentNumber }} {ERRORS} }} }}"""
UPDATE = f"""mutation($input: UpdateMemberInput!) {{ updateMember(input: $input) {{
  member {{ developmentNumber }} {ERRORS} }} }}"""
TO_REVIEW = """query($id: ID!) { organization(id: $id) { numberReleasesToReview { id number status } } }"""


@dataclass
class League:
    """团中央 > 甲省 > 某大学团委 > 一班团支部, 二班团支部; 甲省 > 某公司团委 > 某公司团支部; 乙省 > 乙省团支部.
    Passwords: every admin "Guanliyuan2026"."""

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
    province2_admin: Any


PASSWORD = "Guanliyuan2026"


async def league(uow: Any, hasher: Any, clock: Any, root: Any) -> League:
    province = await add_org(uow, root, "甲省")
    school = await add_org(uow, province, "某大学团委", category="团委", industry="普通高等院校")
    class1 = await add_org(uow, school, "一班团支部", category="团支部", industry="普通高等院校")
    class2 = await add_org(uow, school, "二班团支部", category="团支部", industry="普通高等院校")
    company = await add_org(uow, province, "某公司团委", category="团委", industry="国有企业")
    company_branch = await add_org(uow, company, "某公司团支部", category="团支部", industry="国有企业")
    province2 = await add_org(uow, root, "乙省")
    branch2 = await add_org(uow, province2, "乙省团支部", category="团支部")
    admins = {}
    for key, org in (("province_admin", province), ("school_admin", school), ("class1_admin", class1),
                     ("province2_admin", province2)):
        admins[key], _ = await add_person(uow, hasher, clock, name=f"{org.short_name}管理员", password=PASSWORD,
                                          admin_of=org)
    return League(root, province, school, class1, class2, company, company_branch, province2, branch2, **admins)


def oid(org: Any) -> str:
    return encode_id("Organization", org.id)


def mid(member: Any) -> str:
    return member if isinstance(member, str) else encode_id("Member", member.id)


def codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["errors"]]


def student(branch: Any, *, developmentNumber: str, **extra: Any) -> dict:
    """A complete, valid EnterMemberInput for a university student (高校) who joined in 2020."""
    number = new_id_number(date(2005, 4, 12))
    fields = {
        "branchId": oid(branch), "name": "张伟", "idNumber": number, "idNumberConfirm": number,
        "ethnicity": "汉族", "occupation": "青年学生", "studyStatus": "普通本科在读", "education": "普通高中",
        "politicalStatus": "共青团员", "joinDate": "2020-05", "developmentNumber": developmentNumber,
        "isCadre": False, "mobile": "13800138000", "householdAddress": "北京市海淀区中关村大街1号",
        "registeredVolunteer": False,
    }
    fields.update(extra)
    return fields


async def multipart(client: Any, query: str, variables: dict, files: list, token: str | None = None) -> dict:
    """A GraphQL multipart request: operations, map, then the files (each variable path set to null)."""
    mapping = {str(i): [path] for i, (path, _, _) in enumerate(files)}
    parts = {str(i): (name, content, "application/pdf") for i, (_, name, content) in enumerate(files)}
    headers = {"Authorization": f"Bearer {token or client.token}"}
    response = await client.http.post("/graphql", headers=headers, files=parts, data={
        "operations": json.dumps({"query": query, "variables": variables}), "map": json.dumps(mapping)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return next(iter(body["data"].values()))
