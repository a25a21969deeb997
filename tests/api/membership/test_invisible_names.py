"""Names that people read (a person's, an org's) hold no invisible characters (MEM-2, ORG-3): a zero-width space,
a right-to-left override or a line break would make look-alike duplicates and reversed text."""

from __future__ import annotations

import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org
from memberapi import ENTER, oid, student

SECRETARY = """mutation($input: SetSecretaryInput!) { setSecretary(input: $input) { errors { code message field
  rule } } }"""
ISSUE = """mutation($input: IssueAdminCodeInput!) { issueAdminCode(input: $input) { code } }"""
REGISTER = """mutation($input: RegisterAdminInput!) { registerAdmin(input: $input) { errors { code field
  rule } } }"""
CREATE = """mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) {
  errors { code message field rule } } }"""
UPDATE = """mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { errors { code } } }"""
HIDDEN = ["张\u200b伟", "张伟\u202e", "张\n伟", "\u2066张伟\u2069", "张\u2028伟", "张\ufeff伟", "张\u00ad伟",
          "张\u3164伟"]
INVISIBLE = "中不能含有零宽字符、换行或文字方向控制符等不可见字符"
PERSON = {"code": "NAME_INVISIBLE_CHARACTER", "field": "name", "rule": "MEM-2",
          "message": "姓名中不能含有零宽字符、换行或文字方向控制符等不可见字符"}  # INVISIBLE, for a person


@pytest.fixture
async def branch(root, uow):
    school = await add_org(uow, root, "某大学团委", category="团委", industry="普通高等院校")
    return await add_org(uow, school, "2301班团支部", category="团支部", industry="普通高等院校")


@pytest.mark.parametrize("name", HIDDEN)
async def test_a_person_name_with_invisible_characters_is_refused_MEM2(client, root, branch, name):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    entered = (await client.query(ENTER, {"input": student(branch, name=name)}))["enterMember"]
    assert entered["errors"] == [PERSON] and entered["member"] is None
    made = await client.query(SECRETARY, {"input": {"orgId": oid(branch), "idNumber": student(branch)["idNumber"],
                                                    "name": name, "mobile": "13800138000"}})
    assert made["setSecretary"]["errors"] == [PERSON]


async def test_ordinary_names_still_pass_MEM2(client, root, branch):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    for name in ("买买提·艾力", "欧阳 娜娜", " 张伟 "):
        assert (await client.query(ENTER, {"input": student(branch, name=name)}))["enterMember"]["errors"] == []


async def test_a_registering_admin_names_themself_without_invisible_characters_MEM2_ACC3(client, root, uow):
    province = await add_org(uow, root, "江苏团省委")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    code = (await client.query(ISSUE, {"input": {"orgId": oid(province)}}))["issueAdminCode"]["code"]
    client.token = None
    given = {"code": code, "idNumber": student(province)["idNumber"], "name": "王\u200b强", "mobile": "13800138000",
             "password": "Xinmima2027"}
    refused = (await client.query(REGISTER, {"input": given}))["registerAdmin"]["errors"]
    assert [(e["code"], e["field"], e["rule"]) for e in refused] == [("NAME_INVISIBLE_CHARACTER", "name", "MEM-2")]


async def test_org_names_with_invisible_characters_are_refused_ORG3(client, root, uow):
    province = await add_org(uow, root, "江苏团省委")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    fields = {"parentId": oid(province), "category": "团委", "shortName": "某\u200b团委",
              "fullName": "共青团\u202e某大学委员会", "industry": "党政机关"}
    created = (await client.query(CREATE, {"input": fields}))["createOrganization"]
    assert [(e["code"], e["field"], e["rule"], e["message"]) for e in created["errors"]] == [
        ("SHORT_NAME_INVISIBLE_CHARACTER", "shortName", "ORG-3", "组织简称" + INVISIBLE),
        ("FULL_NAME_INVISIBLE_CHARACTER", "fullName", "ORG-3", "组织全称" + INVISIBLE)]
    child = await add_org(uow, province, "某大学团委", category="团委")
    renamed = (await client.query(UPDATE, {"input": {"id": oid(child), "fullName": "共青团某大学\n委员会"}}))
    assert [e["code"] for e in renamed["updateOrganization"]["errors"]] == ["FULL_NAME_INVISIBLE_CHARACTER"]
