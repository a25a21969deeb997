"""Org admins over GraphQL and the download route (ACC-3, ACC-4, ACC-1, MEM-4, MEM-11)."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import quote

import openpyxl
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person, new_id_number
from sqlalchemy import func, select

from zhtj.domain.identity.services import throttle_key
from zhtj.domain.membership.model import CadrePosition
from zhtj.graphql.ids import encode_id
from zhtj.infrastructure.tables.schema import (
    accounts,
    admin_codes,
    audit_log,
    cadre_positions,
    downloads,
    login_throttles,
    members,
    org_admins,
)

ERRORS = "errors { code message field rule }"
ISSUE = f"""mutation($input: IssueAdminCodeInput!) {{ issueAdminCode(input: $input) {{
  code organization {{ shortName }} {ERRORS} }} }}"""
ISSUE_ALL = f"""mutation($input: IssueAdminCodesInput!) {{ issueAdminCodes(input: $input) {{
  codes {{ organization {{ shortName }} code note }} downloadUrl {ERRORS} }} }}"""
REGISTER = f"""mutation($input: RegisterAdminInput!) {{ registerAdmin(input: $input) {{
  member {{ name idNumberMasked }} organization {{ shortName admins {{ name }} }} {ERRORS} }} }}"""
ADD = f"""mutation($input: AddAdminInput!) {{ addAdmin(input: $input) {{
  organization {{ shortName admins {{ name }} }} {ERRORS} }} }}"""
REMOVE = f"""mutation($input: RemoveAdminInput!) {{ removeAdmin(input: $input) {{
  organization {{ shortName admins {{ name }} }} {ERRORS} }} }}"""
PASSWORD = "Xinmima2027"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def oid(org) -> str:
    return encode_id("Organization", org.id)


def mid(member) -> str:
    return encode_id("Member", member.id)


async def add_cadre(uow, member, org, position: str = "委员") -> None:
    async with uow:
        uow.members.add_position(CadrePosition(member_id=member.id, org_id=org.id, position=position))
        await uow.commit()


async def counts(uow) -> dict[str, int]:
    """Rows in every table a registration or an admin change could write."""
    async with uow:
        session = uow.session
        found = {t.name: await session.scalar(select(func.count()).select_from(t))
                 for t in (members, accounts, cadre_positions, org_admins, audit_log, downloads)}
        found["codes_used"] = await session.scalar(
            select(func.count()).select_from(admin_codes).where(admin_codes.c.used_at.is_not(None)))
        return found


async def issue(client, org) -> dict:
    return (await client.query(ISSUE, {"input": {"orgId": oid(org)}}))["issueAdminCode"]


async def register(client, code: str, **fields) -> dict:
    given = {"code": code, "idNumber": new_id_number(date(1995, 6, 1)), "name": "李明", "mobile": "13800138000",
             "password": PASSWORD, **fields}
    token, client.token = client.token, None  # public: sent without a token
    try:
        return (await client.query(REGISTER, {"input": given}))["registerAdmin"]
    finally:
        client.token = token


async def as_root(client) -> str:
    return await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)


def error_codes(payload: dict) -> list[tuple[str, str | None, str | None]]:
    return [(e["code"], e["field"], e["rule"]) for e in payload["errors"]]


async def test_a_code_registers_one_admin_who_can_log_in_ACC3(client, root, uow):
    province = await add_org(uow, root, "江苏团省委")
    await as_root(client)
    issued = await issue(client, province)
    assert issued["errors"] == [] and issued["organization"] == {"shortName": "江苏团省委"}
    id_number = new_id_number(date(1994, 2, 3))
    done = await register(client, issued["code"], idNumber=id_number)
    assert done["errors"] == []
    assert done["member"] == {"name": "李明", "idNumberMasked": id_number[:6] + "********" + id_number[-4:]}
    assert done["organization"] == {"shortName": "江苏团省委", "admins": [{"name": "李明"}]}
    again = await register(client, issued["code"], name="张三")
    assert error_codes(again) == [("ADMIN_CODE_INVALID", "code", "ACC-3")] and again["member"] is None
    login = await client.login(id_number, PASSWORD)
    assert login["mustChangePassword"] is False
    assert login["viewer"]["adminOf"] == [{"fullName": "共青团江苏团省委"}]


async def test_reissuing_replaces_the_unused_code_ACC3(client, root, uow):
    province = await add_org(uow, root, "江苏团省委")
    await as_root(client)
    first, second = (await issue(client, province))["code"], (await issue(client, province))["code"]
    assert error_codes(await register(client, first)) == [("ADMIN_CODE_INVALID", "code", "ACC-3")]
    assert (await register(client, second))["errors"] == []


async def test_issuing_needs_a_token_registering_does_not_ACC1(client, root, uow):
    province = await add_org(uow, root, "江苏团省委")
    errors = await client.errors(ISSUE, {"input": {"orgId": oid(province)}})
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert error_codes(await register(client, "ABCDEFGHJKMN")) == [("ADMIN_CODE_INVALID", "code", "ACC-3")]


async def test_a_failed_registration_writes_nothing_ACC3(client, root, uow):
    branch = await add_org(uow, root, "某团支部", category="团支部", industry="城市社区")
    await as_root(client)
    code = (await issue(client, branch))["code"]
    before = await counts(uow)
    bad_id = new_id_number()
    failed = await register(client, code, idNumber=bad_id[:-1] + ("0" if bad_id[-1] != "0" else "1"),
                            name="", mobile="1380013800", password="abcdefgh", position="干事")
    assert error_codes(failed) == [("ID_NUMBER_CHECKSUM", "idNumber", "MEM-4"), ("NAME_REQUIRED", "name", "MEM-2"),
                                   ("MOBILE_FORMAT", "mobile", "MEM-11"), ("PASSWORD_TOO_WEAK", "password", "ACC-1"),
                                   ("POSITION_INVALID", "position", "MEM-12")]
    assert all(e["message"] for e in failed["errors"]) and failed["organization"] is None
    # Everything right but the password: the person, the account and the post must not be left behind.
    failed = await register(client, code, password="short1")
    assert error_codes(failed) == [("PASSWORD_TOO_SHORT", "password", "ACC-1")]
    assert await counts(uow) == before
    assert (await register(client, code))["organization"]["admins"] == [{"name": "李明"}]
    after = await counts(uow)
    assert (after["members"], after["accounts"], after["codes_used"]) == (
        before["members"] + 1, before["accounts"] + 1, 1)


async def test_registering_with_an_existing_account_needs_its_password_ACC1_ACC3(client, root, uow, hasher, clock,
                                                                                 settings):
    province = await add_org(uow, root, "江苏团省委")
    city = await add_org(uow, province, "南京团市委")
    known, old_password = await add_person(uow, hasher, clock, name="王强", password="Jiumima2020")
    await add_cadre(uow, known, province)
    await as_root(client)
    code = (await issue(client, city))["code"]
    before = await counts(uow)
    wrong = await register(client, code, idNumber=known.id_number, name="王强", password=PASSWORD)
    assert error_codes(wrong) == [("ACCOUNT_EXISTS_WRONG_PASSWORD", "password", "ACC-1")]
    assert wrong["errors"][0]["message"] == "该身份证号已注册，请输入该账号的现有密码"
    assert await counts(uow) == before
    async with uow:  # the wrong guess counts against the code (ACC-3), not towards the person's login lock
        counted = list(await uow.session.execute(select(login_throttles.c.key, login_throttles.c.failures)
                                                 .where(login_throttles.c.failures > 0)))
        assert [failures for _, failures in counted] == [1]
        assert counted[0][0] != throttle_key(settings.secret_key, known.id_number)
    mismatch = await register(client, code, idNumber=known.id_number, name="王小强", password=old_password)
    assert error_codes(mismatch) == [("NAME_MISMATCH", "name", "MEM-4")]
    done = await register(client, code, idNumber=known.id_number, name="王强", password=old_password)
    assert done["errors"] == [] and done["organization"]["admins"] == [{"name": "王强"}]
    assert (await counts(uow))["accounts"] == before["accounts"]
    assert (await client.login(known.id_number, PASSWORD))["token"] is None  # never overwritten
    login = await client.login(known.id_number, old_password)
    assert login["viewer"]["adminOf"] == [{"fullName": "共青团南京团市委"}]


async def test_a_leading_body_has_at_most_two_admins_ACC3(client, root, uow, hasher, clock):
    province = await add_org(uow, root, "江苏团省委")
    await add_person(uow, hasher, clock, name="甲", password=PASSWORD, admin_of=province)
    second, third = [(await add_person(uow, hasher, clock, name=n))[0] for n in ("乙", "丙")]
    for person in (second, third):
        await add_cadre(uow, person, province)
    await as_root(client)
    code = (await issue(client, province))["code"]  # one admin: room for one more
    added = (await client.query(ADD, {"input": {"orgId": oid(province), "memberId": mid(second)}}))["addAdmin"]
    assert added["errors"] == [] and added["organization"]["admins"] == [{"name": "甲"}, {"name": "乙"}]
    refused = (await client.query(ADD, {"input": {"orgId": oid(province), "memberId": mid(third)}}))["addAdmin"]
    assert error_codes(refused) == [("ADMIN_LIMIT_REACHED", "memberId", "ACC-3")] and refused["organization"] is None
    assert "2人" in refused["errors"][0]["message"]
    assert error_codes(await issue(client, province)) == [("ADMIN_LIMIT_REACHED", "orgId", "ACC-3")]
    assert error_codes(await register(client, code)) == [("ADMIN_LIMIT_REACHED", "code", "ACC-3")]


async def test_a_committee_has_at_most_three_admins_ACC3(client, root, uow, hasher, clock):
    school = await add_org(uow, root, "示范大学团委", category="团委", industry="普通高等院校")
    await add_person(uow, hasher, clock, name="甲", password=PASSWORD, admin_of=school)
    await add_person(uow, hasher, clock, name="乙", password=PASSWORD, admin_of=school)
    await as_root(client)
    code = (await issue(client, school))["code"]
    assert (await register(client, code, name="丙"))["organization"]["admins"] == [
        {"name": "甲"}, {"name": "乙"}, {"name": "丙"}]
    fourth, _ = await add_person(uow, hasher, clock, name="丁")
    await add_cadre(uow, fourth, school, "书记")
    refused = (await client.query(ADD, {"input": {"orgId": oid(school), "memberId": mid(fourth)}}))["addAdmin"]
    assert error_codes(refused) == [("ADMIN_LIMIT_REACHED", "memberId", "ACC-3")]
    assert "3人" in refused["errors"][0]["message"]
    assert error_codes(await issue(client, school)) == [("ADMIN_LIMIT_REACHED", "orgId", "ACC-3")]


async def test_an_admin_must_be_a_cadre_of_the_org_ACC3(client, root, uow, hasher, clock):
    province = await add_org(uow, root, "江苏团省委")
    city = await add_org(uow, province, "南京团市委")
    me, _ = await add_person(uow, hasher, clock, name="省管理员", password=PASSWORD, admin_of=province)
    elsewhere, _ = await add_person(uow, hasher, clock, name="市干部")
    await add_cadre(uow, elsewhere, city)
    former, _ = await add_person(uow, hasher, clock, name="前任")
    await add_cadre(uow, former, province, "无职务")
    await client.login_as(me.id_number, PASSWORD)
    for person in (elsewhere, former):
        refused = (await client.query(ADD, {"input": {"orgId": oid(province), "memberId": mid(person)}}))["addAdmin"]
        assert error_codes(refused) == [("ADMIN_MUST_BE_CADRE", "memberId", "ACC-3")]
    # An admin of the province adds admins below it too (ACC-4 decided).
    added = (await client.query(ADD, {"input": {"orgId": oid(city), "memberId": mid(elsewhere)}}))["addAdmin"]
    assert added["errors"] == [] and added["organization"]["admins"] == [{"name": "市干部"}]
    again = (await client.query(ADD, {"input": {"orgId": oid(city), "memberId": mid(elsewhere)}}))["addAdmin"]
    assert error_codes(again) == [("ALREADY_ADMIN", "memberId", "ACC-3")]


async def test_an_admin_cannot_remove_themself_ACC3(client, root, uow, hasher, clock):
    province = await add_org(uow, root, "江苏团省委")
    me, _ = await add_person(uow, hasher, clock, name="我", password=PASSWORD, admin_of=province)
    colleague, _ = await add_person(uow, hasher, clock, name="同事", password=PASSWORD, admin_of=province)
    await client.login_as(me.id_number, PASSWORD)

    async def remove(member) -> dict:
        return (await client.query(REMOVE, {"input": {"orgId": oid(province), "memberId": mid(member)}}))[
            "removeAdmin"]

    assert error_codes(await remove(me)) == [("CANNOT_REMOVE_SELF", "memberId", "ACC-3")]
    assert (await remove(colleague))["organization"]["admins"] == [{"name": "我"}]
    assert error_codes(await remove(colleague)) == [("NOT_AN_ADMIN", "memberId", "ACC-3")]
    assert (await client.login(colleague.id_number, PASSWORD))["viewer"]["adminOf"] == []


async def test_an_admin_of_one_province_cannot_act_in_another_ACC4(client, root, uow, hasher, clock):
    jiangsu, beijing = await add_org(uow, root, "江苏团省委"), await add_org(uow, root, "北京团市委")
    haidian = await add_org(uow, beijing, "海淀团区委")
    me, _ = await add_person(uow, hasher, clock, name="江苏管理员", password=PASSWORD, admin_of=jiangsu)
    beijing_admin, _ = await add_person(uow, hasher, clock, name="北京管理员", password=PASSWORD, admin_of=beijing)
    await client.login_as(me.id_number, PASSWORD)
    not_found = [("NOT_FOUND", "orgId", "ACC-4")]
    assert error_codes(await issue(client, haidian)) == not_found
    assert error_codes(await issue(client, root)) == not_found
    assert error_codes((await client.query(ISSUE_ALL, {"input": {"orgId": oid(beijing)}}))["issueAdminCodes"]) \
        == not_found
    for mutation, name in ((ADD, "addAdmin"), (REMOVE, "removeAdmin")):
        answer = await client.query(mutation, {"input": {"orgId": oid(beijing), "memberId": mid(beijing_admin)}})
        assert error_codes(answer[name]) == not_found
    # Its own org: in scope, but its codes come from above.
    assert error_codes(await issue(client, jiangsu)) == [("CODE_FROM_ABOVE_ONLY", "orgId", "ACC-3")]


async def test_codes_for_every_child_download_as_a_workbook_ACC3(client, root, uow, hasher, clock):
    province = await add_org(uow, root, "江苏团省委")
    await add_org(uow, province, "南京团市委")
    await add_org(uow, province, "示范大学团委", category="团委", industry="普通高等院校")
    suzhou = await add_org(uow, province, "苏州团市委")
    for name in ("甲", "乙"):
        await add_person(uow, hasher, clock, name=name, admin_of=suzhou)
    token = await as_root(client)
    result = (await client.query(ISSUE_ALL, {"input": {"orgId": oid(province)}}))["issueAdminCodes"]
    assert result["errors"] == []
    assert [(c["organization"]["shortName"], bool(c["code"]), c["note"]) for c in result["codes"]] == [
        ("南京团市委", True, None), ("示范大学团委", True, None),
        ("苏州团市委", False, "管理员已达上限（2人），未生成注册码")]
    url = result["downloadUrl"]
    assert url.startswith("/downloads/")
    response = await client.http.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    assert f"filename*=UTF-8''{quote('注册码-江苏团省委.xlsx')}" in response.headers["content-disposition"]
    assert response.headers["content-disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(cell or "" for cell in row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ("组织全称", "组织简称", "组织类别", "注册码", "说明")
    codes = [c["code"] or "" for c in result["codes"]]
    assert [r[:4] for r in rows[1:]] == [
        ("共青团南京团市委", "南京团市委", "团的领导机关", codes[0]),
        ("共青团示范大学团委", "示范大学团委", "团委", codes[1]),
        ("共青团苏州团市委", "苏州团市委", "团的领导机关", "")]
    assert rows[3][4] == "管理员已达上限（2人），未生成注册码"
    assert all(sheet.column_dimensions[c].width >= 10 for c in "ABCDE")
    # The sheet's codes are the real ones.
    assert (await register(client, rows[2][3]))["organization"]["shortName"] == "示范大学团委"


async def test_only_the_same_account_downloads_ACC4(client, root, uow, hasher, clock):
    province = await add_org(uow, root, "江苏团省委")
    await add_org(uow, province, "南京团市委")
    other, _ = await add_person(uow, hasher, clock, name="省管理员", password=PASSWORD, admin_of=province)
    token = await as_root(client)
    url = (await client.query(ISSUE_ALL, {"input": {"orgId": oid(province)}}))["issueAdminCodes"]["downloadUrl"]
    other_token = await client.login_as(other.id_number, PASSWORD)
    for headers, status in (({}, 401), ({"Authorization": "Bearer not-a-token"}, 401),
                            ({"Authorization": f"Bearer {other_token}"}, 404)):
        response = await client.http.get(url, headers=headers)
        assert response.status_code == status, headers
        assert "注册码" not in response.text
    response = await client.http.get("/downloads/" + "x" * 43, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404
    second_login = await as_root(client)  # another session of the same account
    assert (await client.http.get(url, headers={"Authorization": f"Bearer {second_login}"})).status_code == 200


async def test_a_download_expires_after_24_hours_ACC3(client, root, uow, clock):
    province = await add_org(uow, root, "江苏团省委")
    await add_org(uow, province, "南京团市委")
    await as_root(client)
    url = (await client.query(ISSUE_ALL, {"input": {"orgId": oid(province)}}))["issueAdminCodes"]["downloadUrl"]
    clock.advance(hours=23)
    token = await as_root(client)
    assert (await client.http.get(url, headers={"Authorization": f"Bearer {token}"})).status_code == 200
    clock.advance(hours=2)
    token = await as_root(client)
    response = await client.http.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 410
    # The codes themselves do not expire.
    async with uow:
        assert len(await uow.admin_codes.live_for((await uow.organizations.children(province.id))[0].id)) == 1


async def test_a_bad_code_tells_nothing_about_the_id_number_ACC1_ACC3(client, root):
    """Without a live code the answer is the same for a registered and an unknown ID number."""
    query = """mutation($input: RegisterAdminInput!) { registerAdmin(input: $input) { errors { code field } } }"""
    answers = []
    for number in (ROOT_ADMIN_ID, new_id_number()):
        payload = await client.query(query, {"input": {"code": "BOGUSCODE234", "idNumber": number, "name": "某某",
                                                        "mobile": "13800000000", "password": "Zhuce2026go"}})
        answers.append(payload["registerAdmin"]["errors"])
    assert answers[0] == answers[1] == [{"code": "ADMIN_CODE_INVALID", "field": "code"}]
    assert (await client.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD))["token"]  # no login failure was counted
