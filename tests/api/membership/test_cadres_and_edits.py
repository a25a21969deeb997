"""Cadres, edits, deletion and the audited ID number over GraphQL (MEM-1, MEM-4, MEM-12, MEM-13, MEM-15)."""

from __future__ import annotations

from datetime import date

import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person, new_id_number
from memberapi import CHANGE, DELETE, ENTER, ENTER_CADRE, MEMBER, UPDATE, codes, mid, oid, student
from sqlalchemy import select

from zhtj.infrastructure.tables.schema import audit_log


@pytest.fixture
async def tree(root, uow):
    county = await add_org(uow, root, "某县团委")
    committee = await add_org(uow, county, "某中学团委", category="团委", industry="普通高中")
    branch = await add_org(uow, committee, "高一1班团支部", category="团支部", industry="普通高中")
    return county, committee, branch


def cadre(org, **extra):
    fields = student(org, position="副书记", positionSince="2025-09", cadreNature="兼职", onPartyCommittee=False,
                     onDuty="在岗", occupation="职业青年", studyStatus=None, jobType="教职工", education="大学本科")
    fields.pop("branchId")
    fields.pop("isCadre")
    return {"orgId": oid(org), **fields, **extra}


async def test_a_committee_cadre_belongs_to_no_branch_MEM1(client, tree):
    _, committee, branch = tree
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    payload = (await client.query(ENTER_CADRE, {"input": cadre(committee)}))["enterCadre"]
    assert payload["errors"] == []
    assert payload["member"]["branch"] is None and payload["member"]["isCadre"] is True
    assert payload["member"]["positions"][0]["organization"] == {"shortName": "某中学团委"}
    refused = (await client.query(ENTER_CADRE, {"input": cadre(branch)}))["enterCadre"]
    assert codes(refused) == ["CADRE_OF_BRANCH"]


async def test_one_person_may_be_a_cadre_of_several_orgs_MEM1(client, tree):
    county, committee, _ = tree
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    fields = cadre(committee)
    first = (await client.query(ENTER_CADRE, {"input": fields}))["enterCadre"]["member"]
    again = (await client.query(ENTER_CADRE, {"input": {**fields, "orgId": oid(county), "position": "委员"}}))
    assert again["enterCadre"]["errors"] == []
    assert again["enterCadre"]["member"]["id"] == first["id"]
    assert sorted(p["position"] for p in again["enterCadre"]["member"]["positions"]) == ["副书记", "委员"]
    twice = (await client.query(ENTER_CADRE, {"input": fields}))["enterCadre"]
    assert codes(twice) == ["ALREADY_CADRE"]
    other = {**fields, "name": "别人", "developmentNumber": "202088888888"}
    stranger = (await client.query(ENTER_CADRE, {"input": other}))["enterCadre"]
    assert codes(stranger) == ["ID_NUMBER_TAKEN"]


async def test_editing_name_or_id_number_resets_the_check_MEM13_MEM4(client, tree, uow):
    _, _, branch = tree
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    fields = student(branch)
    member = (await client.query(ENTER, {"input": fields}))["enterMember"]["member"]
    async with uow:
        stored = await uow.members.by_id_number(fields["idNumber"])
        stored.verification = "校验通过"
        await uow.commit()
    mobile = (await client.query(UPDATE, {"input": {"id": member["id"], "mobile": "13900139000"}}))["updateMember"]
    assert mobile["errors"] == [] and mobile["member"]["verification"] == "校验通过"
    renamed = (await client.query(UPDATE, {"input": {"id": member["id"], "name": "张伟伟"}}))["updateMember"]
    assert renamed["member"]["verification"] == "未校验" and renamed["member"]["name"] == "张伟伟"
    new_number = new_id_number(date(2005, 4, 12))
    once = (await client.query(UPDATE, {"input": {"id": member["id"], "idNumber": new_number}}))["updateMember"]
    assert codes(once) == ["ID_NUMBER_MISMATCH"]
    twice = (await client.query(UPDATE, {"input": {"id": member["id"], "idNumber": new_number,
                                                   "idNumberConfirm": new_number}}))["updateMember"]
    assert twice["errors"] == [] and twice["member"]["idNumberMasked"].startswith(new_number[:6])
    login = await client.login(new_number, new_number[-8:])  # the new number is the login name
    assert login["token"], login


async def test_the_whole_profile_is_checked_on_edit_MEM2(client, tree):
    _, _, branch = tree
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    member = (await client.query(ENTER, {"input": student(branch)}))["enterMember"]["member"]
    bad = (await client.query(UPDATE, {"input": {"id": member["id"], "politicalStatus": "中共党员",
                                                 "mobile": "123"}}))["updateMember"]
    assert sorted(codes(bad)) == ["MOBILE_FORMAT", "PARTY_JOIN_DATE_REQUIRED"]
    again = await client.query(MEMBER, {"id": member["id"]})
    assert again["node"]["politicalStatus"] == "共青团员" and again["node"]["mobile"] == "13800138000"


async def test_position_change_and_secretary_replacement_MEM12(client, tree, uow, hasher, clock):
    _, committee, branch = tree
    old, _ = await add_person(uow, hasher, clock, name="老书记", branch=branch)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    made = await client.query(CHANGE, {"input": {"memberId": mid(old), "orgId": oid(branch), "position": "书记",
                                                 "positionSince": "2024-09"}})
    assert made["changePosition"]["errors"] == []
    assert made["changePosition"]["position"]["member"] == {"name": "老书记", "isCadre": True}
    new = (await client.query(ENTER, {"input": student(branch, name="新书记")}))["enterMember"]["member"]
    async with uow:  # the old secretary is an admin of the branch
        from zhtj.domain.identity.model import OrgAdmin

        uow.admins.add(OrgAdmin(org_id=branch.id, member_id=old.id, granted_at=clock.now()))
        await uow.commit()
    refused = await client.query(CHANGE, {"input": {"memberId": new["id"], "orgId": oid(branch), "position": "书记"}})
    assert codes(refused["changePosition"]) == ["OLD_SECRETARY_IS_ADMIN"]
    end_admin = await client.query(CHANGE, {"input": {"memberId": mid(old), "orgId": oid(branch),
                                                      "position": "无职务"}})
    assert codes(end_admin["changePosition"]) == ["ADMIN_MUST_BE_CADRE"]
    async with uow:
        await uow.admins.remove((await uow.admins.of_org(branch.id))[0])
        await uow.commit()
    done = await client.query(CHANGE, {"input": {"memberId": new["id"], "orgId": oid(branch), "position": "书记"}})
    assert done["changePosition"]["errors"] == []
    org = await client.query("query($id: ID!) { organization(id: $id) { secretary { name } } }", {"id": oid(branch)})
    assert org["organization"]["secretary"] == {"name": "新书记"}
    old_now = await client.query(MEMBER, {"id": mid(old)})
    assert old_now["node"]["positions"][0]["position"] == "无职务" and old_now["node"]["isCadre"] is False
    assert committee.id


async def test_deleting_members_is_for_leading_bodies_with_a_reason_MEM15(client, tree, uow, hasher, clock):
    county, committee, branch = tree
    person, _ = await add_person(uow, hasher, clock, name="待删除", branch=branch)
    school_admin, p1 = await add_person(uow, hasher, clock, name="学校管理员", password="School2026",
                                        admin_of=committee)
    county_admin, p2 = await add_person(uow, hasher, clock, name="县管理员", password="County2026", admin_of=county)
    await client.login_as(school_admin.id_number, p1)
    refused = (await client.query(DELETE, {"input": {"id": mid(person), "reason": "重复录入"}}))["deleteMember"]
    assert codes(refused) == ["DELETE_MEMBER_NOT_ALLOWED"]
    await client.login_as(county_admin.id_number, p2)
    no_reason = (await client.query(DELETE, {"input": {"id": mid(person), "reason": " "}}))["deleteMember"]
    assert codes(no_reason) == ["REASON_REQUIRED"]
    admin_target = (await client.query(DELETE, {"input": {"id": mid(school_admin), "reason": "x"}}))["deleteMember"]
    assert codes(admin_target) == ["MEMBER_IS_ADMIN"]
    done = (await client.query(DELETE, {"input": {"id": mid(person), "reason": "重复录入"}}))["deleteMember"]
    assert done == {"deletedId": mid(person), "errors": []}
    assert (await client.query(MEMBER, {"id": mid(person)}))["node"] is None
    assert (await client.login(person.id_number, person.id_number[-8:]))["token"] is None


async def test_reading_the_full_id_number_is_audited(client, tree, uow, hasher, clock, db):
    _, _, branch = tree
    person, _ = await add_person(uow, hasher, clock, name="某团员", branch=branch)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    listed = await client.query("query($id: ID!) { organization(id: $id) { members { nodes { idNumberMasked } } } }",
                                {"id": oid(branch)})
    assert listed["organization"]["members"]["nodes"] == [{"idNumberMasked": person.id_number[:6] + "*" * 8
                                                           + person.id_number[-4:]}]
    async with db.engine.connect() as conn:
        assert (await conn.execute(select(audit_log).where(audit_log.c.action == "readIdNumber"))).all() == []
    full = await client.query("query($id: ID!) { node(id: $id) { ... on Member { idNumber } } }", {"id": mid(person)})
    assert full["node"]["idNumber"] == person.id_number
    async with db.engine.connect() as conn:
        rows = (await conn.execute(select(audit_log).where(audit_log.c.action == "readIdNumber"))).all()
    assert [(r.subject, r.actor_member_id) for r in rows] == [(f"Member:{person.id}", 1)]


async def test_an_admin_of_another_province_cannot_touch_members_ACC4(client, tree, uow, hasher, clock):
    _, _, branch = tree
    person, _ = await add_person(uow, hasher, clock, name="某团员", branch=branch)
    province = await add_org(uow, (await _root(uow)), "另一省")
    admin, password = await add_person(uow, hasher, clock, name="另一省管理员", password="Other2026",
                                       admin_of=province)
    await client.login_as(admin.id_number, password)
    assert (await client.query(MEMBER, {"id": mid(person)}))["node"] is None
    for query, fields in ((UPDATE, {"id": mid(person), "name": "改名"}),
                          (DELETE, {"id": mid(person), "reason": "x"}),
                          (CHANGE, {"memberId": mid(person), "orgId": oid(province), "position": "委员"}),
                          (ENTER, student(branch))):
        payload = next(iter((await client.query(query, {"input": fields})).values()))
        assert "NOT_FOUND" in codes(payload), payload


async def _root(uow):
    async with uow:
        return await uow.organizations.root()


async def test_a_record_made_from_few_fields_is_completed_step_by_step_MEM16(client, tree):
    """A secretary entered with name, ID and mobile (ORG-8) lacks most * fields: an edit of one field must
    not demand all of them, but may not blank one either."""
    _, _, branch = tree
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    number = new_id_number(date(1990, 1, 1))
    made = await client.query("""mutation($input: SetSecretaryInput!) { setSecretary(input: $input) {
      secretary { id } errors { code } } }""", {"input": {"orgId": oid(branch), "idNumber": number, "name": "陈书记",
                                                            "mobile": "13700137000"}})
    person = made["setSecretary"]["secretary"]["id"]
    step = (await client.query(UPDATE, {"input": {"id": person, "ethnicity": "回族"}}))["updateMember"]
    assert step["errors"] == [] and step["member"]["ethnicity"] == "回族"
    assert "householdAddress" in step["member"]["missingFields"]
    blank = (await client.query(UPDATE, {"input": {"id": person, "householdAddress": " "}}))["updateMember"]
    assert codes(blank) == ["HOUSEHOLD_ADDRESS_REQUIRED"]


async def test_a_new_id_number_gets_a_new_initial_password_ACC1(client, tree):
    _, _, branch = tree
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    fields = student(branch)
    member = (await client.query(ENTER, {"input": fields}))["enterMember"]["member"]
    new_number = new_id_number(date(2005, 4, 12))
    await client.query(UPDATE, {"input": {"id": member["id"], "idNumber": new_number, "idNumberConfirm": new_number}})
    assert (await client.login(new_number, fields["idNumber"][-8:]))["token"] is None
    assert (await client.login(new_number, new_number[-8:]))["token"]


async def test_a_member_who_turns_28_is_flagged_and_still_editable_MEM6(client, tree, uow, hasher, clock):
    _, _, branch = tree
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    member = (await client.query(ENTER, {"input": student(branch, born=date(1999, 1, 10), join="2014-05",
                                                          occupation="职业青年", studyStatus=None, jobType="其他",
                                                          education="大学本科", developmentNumber=None)}))
    member_id = member["enterMember"]["member"]["id"]
    for name in ("甲", "乙"):
        await client.query(ENTER, {"input": student(branch, name=name)})
    query = "query($id: ID!) { organization(id: $id) { warnings } }"
    assert (await client.query(query, {"id": oid(branch)}))["organization"]["warnings"] == []
    clock.advance(days=60)  # 2027-01-24: now 28
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    flagged = await client.query("query($id: ID!) { node(id: $id) { ... on Member { overAge age } } }",
                                 {"id": member_id})
    assert flagged["node"] == {"overAge": True, "age": 28}
    edited = (await client.query(UPDATE, {"input": {"id": member_id, "mobile": "13900139000"}}))["updateMember"]
    assert edited["errors"] == []
    warnings = await client.query(query, {"id": oid(branch)})
    assert warnings["organization"]["warnings"] == ["团员人数少于3人，应撤销或合并"]  # 超龄 members do not count


async def test_a_branchless_cadre_keeps_the_province_rules_on_edit_MEM7(client, root, uow):
    """新疆: numbers from 2016 (MEM-7). A committee cadre has no branch: the province comes from the post."""
    xinjiang = await add_org(uow, root, "新疆团区委", full_name="共青团新疆维吾尔自治区委员会")
    committee = await add_org(uow, xinjiang, "乌鲁木齐某团委", category="团委")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    number = new_id_number(date(1995, 1, 1))
    fields = cadre(committee, joinDate="2016-05", developmentNumber="201600001234", idNumber=number,
                   idNumberConfirm=number)
    member = (await client.query(ENTER_CADRE, {"input": fields}))["enterCadre"]
    assert member["errors"] == []
    cleared = await client.query(UPDATE, {"input": {"id": member["member"]["id"], "developmentNumber": None}})
    assert codes(cleared["updateMember"]) == ["DEVELOPMENT_NUMBER_REQUIRED"]


async def test_the_root_deletes_a_cadre_whose_only_post_ended_MEM15(client, root, uow):
    """No branch and no current post: only 团中央's admins reach the person, and they may delete them."""
    province = await add_org(uow, root, "某省")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    fields = cadre(province, position="委员")
    member = (await client.query(ENTER_CADRE, {"input": fields}))["enterCadre"]["member"]
    ended = await client.query(CHANGE, {"input": {"memberId": member["id"], "orgId": oid(province),
                                                  "position": "无职务"}})
    assert ended["changePosition"]["errors"] == []
    done = (await client.query(DELETE, {"input": {"id": member["id"], "reason": "已调离"}}))["deleteMember"]
    assert done == {"deletedId": member["id"], "errors": []}
