"""Entering members over GraphQL (MEM-1..12, NUM-F*, NUM-4, ACC-1)."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD
from factories import add_org, add_person, new_id_number
from memberapi import ENTER, MEMBER, codes, student


@pytest.fixture
async def branch(root, uow):
    school = await add_org(uow, root, "某大学团委", category="团委", industry="普通高等院校")
    return await add_org(uow, school, "2301班团支部", category="团支部", industry="普通高等院校")


async def enter(client, fields):
    return (await client.query(ENTER, {"input": fields}))["enterMember"]


async def test_a_member_is_entered_with_an_account_ACC1_MEM2(client, root, branch):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    fields = student(branch)
    payload = await enter(client, fields)
    assert payload["errors"] == []
    member = payload["member"]
    assert member["name"] == "张伟" and member["branch"] == {"shortName": "2301班团支部"}
    assert member["idNumberMasked"] == fields["idNumber"][:6] + "********" + fields["idNumber"][-4:]
    assert member["gender"] in ("男", "女") and member["birthDate"] == "2005-04-12"
    assert member["verification"] == "未校验"
    # MEM-9: joined 2020, no application form yet: the one thing missing.
    assert member["missingFields"] == ["applicationForm"] and member["profileComplete"] is False
    login = await client.login(fields["idNumber"], fields["idNumber"][-8:])
    assert login["token"] and login["mustChangePassword"] is True


async def test_a_bad_form_gets_every_error_at_once_MEM2(client, root, branch):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    number = new_id_number(date(2005, 4, 12))
    fields = student(branch, idNumber=number, idNumberConfirm=number[:-1] + ("1" if number[-1] != "1" else "2"),
                     ethnicity="火星族", joinDate="2020-13", developmentNumber=None, mobile="1380013800",
                     studyStatus=None, householdAddress=" ", email="no-at-sign")
    payload = await enter(client, fields)
    assert payload["member"] is None
    assert sorted(codes(payload)) == sorted([
        "ID_NUMBER_MISMATCH", "ETHNICITY_INVALID", "YEAR_MONTH_FORMAT", "HOUSEHOLD_ADDRESS_REQUIRED",
        "STUDY_STATUS_REQUIRED", "MOBILE_FORMAT", "EMAIL_FORMAT"])
    assert all(e["field"] and e["rule"] and e["message"] for e in payload["errors"])


async def test_members_live_in_branches_only_MEM1(client, root, branch, uow):
    committee = await add_org(uow, root, "某团委", category="团委")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    payload = await enter(client, student(committee))
    assert payload["errors"][0]["code"] == "BRANCH_REQUIRED" and payload["errors"][0]["rule"] == "MEM-1"


async def test_one_id_number_in_the_whole_system_MEM4(client, root, branch, uow, hasher, clock):
    other_province = await add_org(uow, root, "甲省")
    elsewhere = await add_org(uow, other_province, "甲省某团支部", category="团支部")
    someone, _ = await add_person(uow, hasher, clock, name="李娜", branch=elsewhere,
                                  id_number=new_id_number(date(2004, 1, 1)))
    province_admin_org = await add_org(uow, root, "乙省")
    mine = await add_org(uow, province_admin_org, "乙省某团支部", category="团支部")
    admin, password = await add_person(uow, hasher, clock, name="乙省管理员", password="Yisheng2026",
                                       admin_of=province_admin_org)
    await client.login_as(admin.id_number, password)
    fields = student(mine, idNumber=someone.id_number, idNumberConfirm=someone.id_number)
    hidden = await enter(client, fields)
    assert hidden["errors"] == [{"code": "ID_NUMBER_TAKEN", "message": "该身份证号已注册", "field": "idNumber",
                                 "rule": "MEM-4"}]
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)  # who may see the person is told where
    shown = await enter(client, fields)
    assert shown["errors"][0]["message"] == "该身份证号已注册（所在组织：共青团甲省某团支部）"


async def test_join_age_by_year_MEM5(client, root, branch):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    # Born 2006-06-01: 13 on 2019-06-01 (too young in 2019), 14 on 2020-06-01.
    young = await enter(client, student(branch, born=date(2006, 6, 1), join="2019-06"))
    assert codes(young) == ["JOIN_AGE_TOO_YOUNG"]
    ok = await enter(client, student(branch, born=date(2006, 6, 1), join="2020-06"))
    assert ok["errors"] == []


async def test_members_are_between_14_and_28_today_MEM6(client, root, branch):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)  # today is 2026-11-25
    too_old = await enter(client, student(branch, born=date(1998, 11, 25), join="2015-05",
                                          occupation="职业青年", studyStatus=None, jobType="其他",
                                          education="大学本科", developmentNumber=None))
    assert codes(too_old) == ["AGE_OVER_LIMIT"]
    just_under = await enter(client, student(branch, born=date(1998, 11, 26), join="2015-05",
                                             occupation="职业青年", studyStatus=None, jobType="其他",
                                             education="大学本科", developmentNumber=None))
    assert just_under["errors"] == []


async def test_development_number_rules_MEM7_NUMF4(client, root, branch):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    missing = await enter(client, student(branch, developmentNumber=None))
    assert missing["errors"] == [{"code": "DEVELOPMENT_NUMBER_REQUIRED", "field": "developmentNumber",
                                  "rule": "MEM-7", "message": "2017年以后发展的团员，发展团员编号必填"}]
    wrong_year = await enter(client, student(branch, developmentNumber="201912345678"))
    assert wrong_year["errors"][0]["message"] == "发展团员编号前四位必须与入团年份相同"
    assert codes(await enter(client, student(branch, developmentNumber="2020123"))) == ["DEVELOPMENT_NUMBER_FORMAT"]


async def test_an_occupied_number_names_its_holder_NUM4(client, root, branch):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    first = student(branch, developmentNumber="202099999999")
    assert (await enter(client, first))["errors"] == []
    second = await enter(client, student(branch, name="王芳", developmentNumber="202099999999"))
    assert second["errors"] == [{"code": "DEVELOPMENT_NUMBER_TAKEN", "field": "developmentNumber", "rule": "NUM-4",
                                 "message": "该发展团员编号已被占用（占用组织：共青团2301班团支部，团员：张伟）"}]


async def test_party_fields_MEM8(client, root, branch):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    minor = await enter(client, student(branch, born=date(2010, 1, 1), join="2024-05", education="小学",
                                        studyStatus="初中在读", submittedPartyApplication=True))
    assert codes(minor) == ["PARTY_APPLICATION_UNDER_18"]
    party = await enter(client, student(branch, politicalStatus="中共党员"))
    assert codes(party) == ["PARTY_JOIN_DATE_REQUIRED"]
    done = await enter(client, student(branch, politicalStatus="中共预备党员", partyJoinDate="2025-07-01"))
    assert done["errors"] == []


async def test_students_give_their_study_status_MEM10(client, root, branch):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    finished_too_much = await enter(client, student(branch, education="大学本科"))
    assert codes(finished_too_much) == ["EDUCATION_INCONSISTENT"]
    worker = await enter(client, student(branch, occupation="职业青年", studyStatus=None))
    assert codes(worker) == ["JOB_TYPE_REQUIRED"]


async def test_a_cadre_member_holds_a_post_in_the_branch_MEM12(client, root, branch):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    bad = await enter(client, student(branch, isCadre=True, position="团长"))
    assert codes(bad) == ["POSITION_INVALID"]
    payload = await enter(client, student(branch, isCadre=True, position="组织委员", positionSince="2024-09",
                                         cadreNature="兼职", onPartyCommittee=False, appointmentMethod="选举"))
    assert payload["errors"] == []
    assert payload["member"]["positions"] == [{"position": "委员", "since": "2024-09",
                                               "organization": {"shortName": "2301班团支部"}}]


async def test_mobiles_are_masked_in_lists_and_full_on_the_record(client, root, branch):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    member = (await enter(client, student(branch)))["member"]
    single = await client.query(MEMBER, {"id": member["id"]})
    assert single["node"]["mobile"] == "13800138000"
    listed = await client.query("query($id: ID!) { organization(id: $id) { members { nodes { mobile } } } }",
                                {"id": student(branch)["branchId"]})
    assert listed["organization"]["members"]["nodes"] == [{"mobile": "138****8000"}]


async def test_mobile_numbers_are_real_mainland_mobiles_MEM11(client, root, branch):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    for bad in ("12800138000", "1380013800", "+8613800138000", "010-12345678"):
        payload = await enter(client, student(branch, mobile=bad))
        assert payload["errors"] == [{"code": "MOBILE_FORMAT", "message": "请输入正确的11位手机号码",
                                      "field": "mobile", "rule": "MEM-11"}], bad
    assert (await enter(client, student(branch, mobile="19912345678")))["errors"] == []


async def test_profile_complete_without_a_form_before_2020_MEM9_MEM16(client, root, branch):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    before = (await enter(client, student(branch, join="2019-05")))["member"]
    assert before["profileComplete"] is True and before["missingFields"] == []
    after = (await enter(client, student(branch, join="2020-05")))["member"]
    assert after["profileComplete"] is False and after["missingFields"] == ["applicationForm"]
