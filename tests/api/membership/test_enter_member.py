"""Entering members over GraphQL (MEM-1..12, NUM-F*, NUM-4, ACC-1)."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person, new_id_number
from memberapi import ENTER, ENTER_CADRE, MEMBER, codes, oid, provincial_branch, student, wide

from zhtj.infrastructure.demo import make_id_number


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


# MEM-5, MEM-6, MEM-7 and NUMBERS at their boundaries (today is 2026-11-25) ------------------------------
@pytest.fixture
async def xinjiang(root, uow):
    return await provincial_branch(uow, root, "新疆团区委", "共青团新疆维吾尔自治区委员会")


@pytest.fixture
async def shandong(root, uow):
    return await provincial_branch(uow, root, "山东团省委", "共青团山东省委员会")


async def errors_of(client, branch, **fields) -> list[str]:
    return codes(await enter(client, student(branch, **fields)))


@pytest.mark.parametrize(
    ("join", "old_enough", "too_young"),
    [("2016-05", date(2004, 5, 31), date(2004, 6, 1)),   # 12 before 2017
     ("2017-03", date(2004, 3, 31), date(2004, 4, 1)),   # 13 in 2017-2018
     ("2018-12", date(2005, 12, 31), date(2006, 1, 1)),
     ("2020-05", date(2006, 5, 20), date(2006, 6, 1))],  # 14 from 2019; turning 14 on the 20th of the month
)
async def test_join_age_by_the_last_day_of_the_join_month_MEM5(client, root, branch, join, old_enough, too_young):
    """MEM-5, decision 0009: old enough by the LAST day of the join month, on both sides of each boundary."""
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    assert await errors_of(client, branch, born=old_enough, join=join) == []
    assert await errors_of(client, branch, born=too_young, join=join) == ["JOIN_AGE_TOO_YOUNG"]


async def test_xinjiang_13_from_2016_and_its_number_required_for_2016_MEM5_MEM7(client, root, branch, xinjiang):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    born_12 = date(2003, 6, 1)  # 12 on 2016-05-31: enough elsewhere, not in 新疆
    assert await errors_of(client, branch, born=born_12, join="2016-05") == []
    assert await errors_of(client, xinjiang, born=born_12, join="2016-05") == ["JOIN_AGE_TOO_YOUNG"]
    assert await errors_of(client, xinjiang, born=date(2003, 5, 31), join="2016-05") == []
    assert await errors_of(client, xinjiang, born=date(2003, 5, 31), join="2015-05") == []  # 2015: 12 will do
    missing = await enter(client, student(xinjiang, born=date(2003, 1, 1), join="2016-05", developmentNumber=None))
    assert [(e["code"], e["rule"]) for e in missing["errors"]] == [("DEVELOPMENT_NUMBER_REQUIRED", "MEM-7")]
    assert await errors_of(client, xinjiang, born=date(2003, 1, 1), join="2016-05",
                           developmentNumber="2016AB") == ["DEVELOPMENT_NUMBER_FORMAT"]
    assert await errors_of(client, branch, born=date(2003, 1, 1), join="2016-05", developmentNumber=None) == []


async def test_numbers_before_2017_NUMF1_NUMF2(client, root, branch):
    """NUM-F1: before 2016 optional, longer than 4 and starting with the join year; NUM-F2: 2016 optional."""
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    born = date(2002, 3, 1)
    assert await errors_of(client, branch, born=born, join="2015-05", developmentNumber=None) == []
    assert await errors_of(client, branch, born=born, join="2015-05", developmentNumber="2015-A01") == []
    assert await errors_of(client, branch, born=born, join="2015-05",
                           developmentNumber="2015") == ["DEVELOPMENT_NUMBER_FORMAT"]
    assert await errors_of(client, branch, born=born, join="2015-05",
                           developmentNumber="2014123") == ["DEVELOPMENT_NUMBER_YEAR"]
    assert await errors_of(client, branch, born=born, join="2016-05", developmentNumber=None) == []
    assert await errors_of(client, branch, born=born, join="2016-05",
                           developmentNumber="2015123") == ["DEVELOPMENT_NUMBER_YEAR"]


async def test_numbers_of_2017_and_2018_NUMF3(client, root, branch):
    """NUM-F3: required, 12 digits starting with 2017 or 2018, whichever of the two years."""
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    born = date(2003, 1, 1)
    assert await errors_of(client, branch, born=born, join="2017-05", developmentNumber="201800000017") == []
    assert await errors_of(client, branch, born=born, join="2018-05", developmentNumber="201700000018") == []
    assert await errors_of(client, branch, born=born, join="2017-05",
                           developmentNumber="201900000017") == ["DEVELOPMENT_NUMBER_YEAR"]
    assert await errors_of(client, branch, born=born, join="2018-05",
                           developmentNumber="20180000001") == ["DEVELOPMENT_NUMBER_FORMAT"]
    assert await errors_of(client, branch, born=born, join="2017-05",
                           developmentNumber=None) == ["DEVELOPMENT_NUMBER_REQUIRED"]


async def test_shandong_keeps_its_sixteen_digit_numbers_NUMF5(client, root, branch, shandong):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    born = date(2003, 1, 1)
    assert await errors_of(client, shandong, born=born, join="2016-05", developmentNumber="2015161234567890") == []
    assert await errors_of(client, shandong, born=born, join="2017-05", developmentNumber="2016171234567890") == []
    assert await errors_of(client, shandong, born=born, join="2018-05",
                           developmentNumber="2016171234567891") == ["DEVELOPMENT_NUMBER_FORMAT"]
    assert await errors_of(client, branch, born=born, join="2017-05",  # only 山东 keeps them
                           developmentNumber="2016171234567892") == ["DEVELOPMENT_NUMBER_FORMAT"]


async def test_at_least_14_today_MEM6(client, root, branch):
    """MEM-6: 14 full years today (2026-11-25); the join month's last day does not help here."""
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    pupil = {"join": "2026-11", "studyStatus": "初中在读", "education": "小学"}
    assert await errors_of(client, branch, born=date(2012, 11, 25), **pupil) == []
    assert await errors_of(client, branch, born=date(2012, 11, 26), **pupil) == ["AGE_TOO_YOUNG"]


# Typed text (decision 0005) and lengths (MEM-2) ------------------------------------------------------------
async def test_full_width_digits_are_the_ascii_number_MEM4_NUM4_MEM11(client, root, branch):
    """A Chinese IME in full-width mode: the entry is stored in ASCII, and a registered ID number or an
    occupied development number typed in full width is the same number."""
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    fields = student(branch)
    typed = {**fields, "idNumber": wide(fields["idNumber"]), "idNumberConfirm": wide(fields["idNumber"]),
             "mobile": wide("13800138000"), "developmentNumber": wide(fields["developmentNumber"]),
             "joinDate": wide(fields["joinDate"])}
    member = (await enter(client, typed))["member"]
    assert (member["mobile"], member["developmentNumber"], member["joinDate"]) == (
        "13800138000", fields["developmentNumber"], "2020-05")
    assert (await client.login(fields["idNumber"], fields["idNumber"][-8:]))["token"]
    again = await enter(client, {**typed, "name": "王芳"})
    assert sorted(codes(again)) == ["DEVELOPMENT_NUMBER_TAKEN", "ID_NUMBER_TAKEN"]


async def test_digits_of_other_scripts_are_refused_MEM4_MEM11(client, root, branch):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    fields = student(branch)
    arabic = fields["idNumber"][:-4] + fields["idNumber"][-4:-1].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    payload = await enter(client, {**fields, "idNumber": arabic + fields["idNumber"][-1],
                                   "idNumberConfirm": arabic + fields["idNumber"][-1], "mobile": "1380013800٠"})
    assert sorted(codes(payload)) == ["ID_NUMBER_FORMAT", "MOBILE_FORMAT"]


async def test_over_long_values_are_user_errors_MEM2(client, root, branch):
    """MEM-2: each text fits its column; on PostgreSQL an over-long value used to be an internal error."""
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    payload = await enter(client, student(
        branch, born=date(2002, 1, 1), join="2015-05", name="名" * 51, wechat="w" * 51, weibo="微" * 51,
        email="a" * 89 + "@example.com", ethnicity="其他", ethnicityNote="族" * 21, householdAddress="址" * 201,
        developmentNumber="2015" + "1" * 17))
    assert payload["member"] is None
    assert {(e["code"], e["field"], e["rule"]) for e in payload["errors"]} == {
        ("NAME_TOO_LONG", "name", "MEM-2"), ("WECHAT_TOO_LONG", "wechat", "MEM-2"),
        ("WEIBO_TOO_LONG", "weibo", "MEM-2"), ("EMAIL_TOO_LONG", "email", "MEM-2"),
        ("ETHNICITY_NOTE_TOO_LONG", "ethnicityNote", "MEM-2"),
        ("HOUSEHOLD_ADDRESS_TOO_LONG", "householdAddress", "MEM-2"),
        ("DEVELOPMENT_NUMBER_TOO_LONG", "developmentNumber", "MEM-2")}
    assert "微信号不能超过50个字" in [e["message"] for e in payload["errors"]]
    at_limit = await enter(client, student(branch, wechat="w" * 50, weibo="微" * 50, ethnicity="其他",
                                           ethnicityNote="族" * 20, email="a" * 88 + "@example.com"))
    assert at_limit["errors"] == []


# MEM-8 and party membership ---------------------------------------------------------------------------------
async def test_party_dates_MEM8_MEM2(client, root, branch):
    """Born 2005-04-12: 18 on 2023-04-12. The application date needs a submitted application, is not in the
    future and not before 18; party membership starts at 18."""
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    assert await errors_of(client, branch, submittedPartyApplication=True, partyApplicationDate="2023-04-12") == []
    for submitted in (False, None):
        assert await errors_of(client, branch, submittedPartyApplication=submitted,
                               partyApplicationDate="2024-01-01") == ["PARTY_APPLICATION_DATE_NOT_ALLOWED"]
    assert await errors_of(client, branch, submittedPartyApplication=True,
                           partyApplicationDate="2023-04-11") == ["PARTY_APPLICATION_DATE_TOO_EARLY"]
    assert await errors_of(client, branch, submittedPartyApplication=True,
                           partyApplicationDate="2026-11-26") == ["PARTY_APPLICATION_DATE_IN_FUTURE"]
    party = {"politicalStatus": "中共预备党员"}
    assert await errors_of(client, branch, partyJoinDate="2023-04-12", **party) == []
    early = await enter(client, student(branch, partyJoinDate="2023-04-11", **party))
    assert early["errors"] == [{"code": "PARTY_JOIN_DATE_INVALID", "field": "partyJoinDate", "rule": "MEM-2",
                                "message": "入党时间不能早于年满18周岁之日（年满18周岁方可入党）"}]
    assert await errors_of(client, branch, partyJoinDate="2026-11-26", **party) == ["PARTY_JOIN_DATE_INVALID"]


# MEM-12 in grassroots orgs ----------------------------------------------------------------------------------
async def test_a_branch_has_no_staff_MEM12(client, root, branch):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    payload = await enter(client, student(branch, isCadre=True, position="干事", positionSince="2024-09",
                                          cadreNature="兼职", onPartyCommittee=False))
    assert [(e["code"], e["message"]) for e in payload["errors"]] == [
        ("POSITION_INVALID", "团支部不设工作人员（干事），团内现任职务应为：书记、副书记、委员")]


async def test_grassroots_chang_wei_and_hou_bu_are_stored_as_wei_yuan_MEM12(client, root, branch, uow):
    """MEM-12 (000 Q3.10): grassroots orgs have 书记, 副书记, 委员; 常委 and 候补委员 there are 委员."""
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    post = {"isCadre": True, "positionSince": "2024-09", "cadreNature": "兼职", "onPartyCommittee": False}
    member = (await enter(client, student(branch, position="常委", **post)))["member"]
    assert [p["position"] for p in member["positions"]] == ["委员"]
    committee = await add_org(uow, root, "某区团委", category="团委")
    cadre = {**student(committee, position="候补委员", onDuty="在岗", **post), "orgId": oid(committee)}
    for key in ("branchId", "isCadre"):
        cadre.pop(key)
    entered = (await client.query(ENTER_CADRE, {"input": cadre}))["enterCadre"]["member"]
    assert [p["position"] for p in entered["positions"]] == ["委员"]



async def test_an_id_number_from_no_province_is_refused_MEM4(client, root, branch):
    """GB/T 2260: 00 and 99 are no province, whatever the check character; 81-83 are residence permits."""
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    for region in ("000000", "990000"):
        number = make_id_number(region, date(2005, 4, 12), 11)
        refused = await enter(client, student(branch, idNumber=number, idNumberConfirm=number))
        assert refused["errors"] == [{"code": "ID_NUMBER_REGION", "field": "idNumber", "rule": "MEM-4",
                                      "message": "身份证号前两位不是有效的省级行政区划代码，请核对后重新输入"}]
    permit = make_id_number("810000", date(2005, 4, 12), 11)
    assert (await enter(client, student(branch, idNumber=permit, idNumberConfirm=permit)))["errors"] == []


async def test_x3_concurrent_entries_into_one_branch_all_land_and_are_counted(client, root, branch):
    """X-3's counters are kept in each entry's transaction: entries into one branch at the same moment recount it
    one after the other (on PostgreSQL they used to replace its counts row at once: UniqueViolation, a 500)."""
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    answers = await asyncio.gather(*(enter(client, student(branch)) for _ in range(10)))
    assert [a["errors"] for a in answers] == [[]] * 10
    found = await client.query("query($id: ID!) { organization(id: $id) { progress { membersEntered } } }",
                               {"id": oid(branch)})
    assert found["organization"]["progress"]["membersEntered"] == 10
