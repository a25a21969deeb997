"""Scope comes first (ACC-4, NUM-4 decided, MEM-4): before the viewer may act on the branch, org or person, no
form check runs and nothing is said about an ID number or a development number, not even that it is taken."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person, new_id_number
from memberapi import ENTER, ENTER_CADRE, UPDATE, mid, oid, student

from zhtj.graphql.ids import encode_id

HOLDER_NUMBER = "202012345678"
NO_ORG = [{"code": "NOT_FOUND", "message": "组织不存在或无权访问", "field": "branchId", "rule": "ACC-4"}]
NO_MEMBER = [{"code": "NOT_FOUND", "message": "团员不存在或无权访问", "field": "id", "rule": "ACC-4"}]


@pytest.fixture
async def nation(root, uow, hasher, clock):
    """甲省 holds 李娜 (number 202012345678); 乙省's admin and a plain member of 乙省 log in."""
    jia = await add_org(uow, root, "甲省")
    jia_branch = await add_org(uow, jia, "甲省某团支部", category="团支部")
    holder, _ = await add_person(uow, hasher, clock, name="李娜", branch=jia_branch,
                                 id_number=new_id_number(date(2004, 1, 1)))
    async with uow:
        (await uow.members.get(holder.id)).development_number = HOLDER_NUMBER
        await uow.commit()
    yi = await add_org(uow, root, "乙省")
    yi_committee = await add_org(uow, yi, "乙省某团委", category="团委")
    yi_branch = await add_org(uow, yi_committee, "乙省某团支部", category="团支部")
    admin, admin_password = await add_person(uow, hasher, clock, name="乙省管理员", password="Yisheng2026",
                                             admin_of=yi)
    plain, plain_password = await add_person(uow, hasher, clock, name="普通团员", branch=yi_branch,
                                             password="Putong2026")
    return {"holder": holder, "jia_branch": jia_branch, "yi_committee": yi_committee, "yi_branch": yi_branch,
            "admin": (admin.id_number, admin_password), "plain": (plain.id_number, plain_password)}


def probe(branch_id: str, holder, **extra) -> dict:
    """A form that is wrong in every way and names the holder's ID number and development number."""
    wrong = {"ethnicity": "火星族", "mobile": "123", **extra}
    fields = student(SimpleNamespace(id=1), idNumber=holder.id_number, idNumberConfirm=holder.id_number,
                     developmentNumber=HOLDER_NUMBER, **wrong)
    return {**fields, "branchId": branch_id}


async def enter(client, fields: dict) -> list[dict]:
    return (await client.query(ENTER, {"input": fields}))["enterMember"]["errors"]


async def test_an_out_of_scope_branch_hears_only_not_found_NUM4_MEM4_ACC4(client, nation):
    """Any logged-in person: another province's branch answers exactly as a branch that does not exist."""
    t = nation
    for who in ("admin", "plain"):
        await client.login_as(*t[who])
        nowhere = await enter(client, probe(encode_id("Organization", 987654), t["holder"]))
        assert nowhere == NO_ORG
        elsewhere = await enter(client, probe(oid(t["jia_branch"]), t["holder"]))
        assert elsewhere == NO_ORG  # no NUM-4 holder, no ID_NUMBER_TAKEN, no form errors


async def test_a_plain_member_hears_only_not_found_for_their_own_branch_NUM4_ACC4(client, nation):
    await client.login_as(*nation["plain"])
    assert await enter(client, probe(oid(nation["yi_branch"]), nation["holder"])) == NO_ORG


async def test_a_committee_is_no_branch_and_the_form_is_not_read_NUM4_MEM1(client, nation):
    """Entering a member into a committee in scope: BRANCH_REQUIRED and nothing about the numbers (NUM-4 decided:
    the holder is named only to an admin entering into a branch in their scope)."""
    await client.login_as(*nation["admin"])
    errors = await enter(client, probe(oid(nation["yi_committee"]), nation["holder"]))
    assert [(e["code"], e["field"], e["rule"]) for e in errors] == [("BRANCH_REQUIRED", "branchId", "MEM-1")]


async def test_in_scope_the_holder_is_named_as_NUM4_decides_NUM4_MEM4(client, nation):
    """After every scope check: the occupied number names its org and holder, the ID number only that it is
    registered (its holder lies outside the admin's scope)."""
    await client.login_as(*nation["admin"])
    errors = await enter(client, probe(oid(nation["yi_branch"]), nation["holder"], ethnicity="汉族",
                                       mobile="13800138000"))
    assert sorted((e["code"], e["message"]) for e in errors) == [
        ("DEVELOPMENT_NUMBER_TAKEN", "该发展团员编号已被占用（占用组织：共青团甲省某团支部，团员：李娜）"),
        ("ID_NUMBER_TAKEN", "该身份证号已注册")]


def cadre_probe(org_id: str, holder) -> dict:
    fields = probe(org_id, holder, position="委员", positionSince="2025-09", cadreNature="兼职",
                   onPartyCommittee=False, onDuty="在岗")
    fields.pop("branchId")
    fields.pop("isCadre")
    return {**fields, "orgId": org_id}


async def test_enter_cadre_out_of_scope_hears_only_not_found_NUM4_MEM4_ACC4(client, nation):
    t = nation
    await client.login_as(*t["admin"])
    jia = (await client.query(ENTER_CADRE, {"input": cadre_probe(oid(t["jia_branch"]), t["holder"])}))
    assert jia["enterCadre"]["errors"] == [{**NO_ORG[0], "field": "orgId"}]
    nowhere = await client.query(ENTER_CADRE, {"input": cadre_probe(encode_id("Organization", 987654), t["holder"])})
    assert nowhere["enterCadre"]["errors"] == [{**NO_ORG[0], "field": "orgId"}]


async def test_enter_cadre_into_a_branch_is_refused_before_the_form_NUM4_MEM1(client, nation):
    await client.login_as(*nation["admin"])
    payload = await client.query(ENTER_CADRE, {"input": cadre_probe(oid(nation["yi_branch"]), nation["holder"])})
    assert [e["code"] for e in payload["enterCadre"]["errors"]] == ["CADRE_OF_BRANCH"]


async def test_update_member_out_of_scope_hears_only_not_found_NUM4_ACC4(client, nation, uow, hasher, clock):
    t = nation
    someone, _ = await add_person(uow, hasher, clock, name="甲省团员", branch=t["jia_branch"])
    await client.login_as(*t["admin"])
    for member_id in (mid(someone), encode_id("Member", 987654)):
        payload = await client.query(UPDATE, {"input": {"id": member_id, "developmentNumber": HOLDER_NUMBER,
                                                        "idNumber": t["holder"].id_number, "mobile": "1"}})
        assert payload["updateMember"]["errors"] == NO_MEMBER


async def test_update_member_managed_elsewhere_hears_nothing_of_the_number_NUM4_ACC4(client, nation):
    """A person visible through a post in your org, with their home elsewhere: refused before the form is read."""
    t = nation
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    change = """mutation($input: ChangePositionInput!) { changePosition(input: $input) { errors { code } } }"""
    given = await client.query(change, {"input": {"memberId": mid(t["holder"]), "orgId": oid(t["yi_committee"]),
                                                  "position": "委员"}})
    assert given["changePosition"]["errors"] == []
    await client.login_as(*t["admin"])
    payload = await client.query(UPDATE, {"input": {"id": mid(t["holder"]), "developmentNumber": "202099999999",
                                                    "mobile": "1"}})
    assert [e["code"] for e in payload["updateMember"]["errors"]] == ["MEMBER_MANAGED_ELSEWHERE"]
