"""Who sees what of a person (ACC-4; the full ID number only one at a time, audited)."""

from __future__ import annotations

from datetime import date

import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person, new_id_number
from memberapi import ENTER_CADRE, mid, oid, student
from sqlalchemy import select

from zhtj.infrastructure.tables.schema import audit_log, cadre_positions

SECRETARY = """mutation($input: SetSecretaryInput!) { setSecretary(input: $input) { errors { code field rule } } }"""


@pytest.fixture
async def two_provinces(root, uow, hasher, clock):
    beijing = await add_org(uow, root, "北京团市委")
    branch = await add_org(uow, beijing, "北京某团支部", category="团支部")
    person, _ = await add_person(uow, hasher, clock, name="张伟", branch=branch,
                                 id_number=new_id_number(date(2001, 2, 3)))
    jiangsu = await add_org(uow, root, "江苏团省委")
    committee = await add_org(uow, jiangsu, "南京某团委", category="团委")
    jiangsu_branch = await add_org(uow, committee, "南京某团支部", category="团支部")
    admin, password = await add_person(uow, hasher, clock, name="江苏管理员", password="Jiangsu2026", admin_of=jiangsu)
    return {"person": person, "branch": branch, "committee": committee, "jiangsu_branch": jiangsu_branch,
            "admin": (admin.id_number, password)}


async def test_no_post_for_someone_outside_your_scope_ACC4_MEM1(client, two_provinces, uow, db):
    t = two_provinces
    await client.login_as(*t["admin"])
    fields = student(t["committee"], name="张伟", idNumber=t["person"].id_number, idNumberConfirm=t["person"].id_number,
                     position="工作人员", occupation="职业青年", studyStatus=None, jobType="其他", education="大学本科")
    fields.pop("branchId")
    fields.pop("isCadre")
    refused = (await client.query(ENTER_CADRE, {"input": {"orgId": oid(t["committee"]), **fields}}))["enterCadre"]
    assert refused["errors"] == [{"code": "ID_NUMBER_TAKEN", "message": "该身份证号已注册", "field": "idNumber",
                                  "rule": "MEM-4"}]
    secretary = await client.query(SECRETARY, {"input": {"orgId": oid(t["jiangsu_branch"]),
                                                         "idNumber": t["person"].id_number, "name": "张伟",
                                                         "mobile": "13666666666"}})
    assert [e["code"] for e in secretary["setSecretary"]["errors"]] == ["ID_NUMBER_TAKEN"]
    async with db.engine.connect() as conn:
        posts = (await conn.execute(select(cadre_positions).where(
            cadre_positions.c.member_id == t["person"].id))).all()
    assert posts == []
    async with uow:
        assert (await uow.members.get(t["person"].id)).mobile is None


async def test_a_secretary_is_at_least_14_MEM6(client, two_provinces):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    child = new_id_number(date(2020, 1, 1))
    payload = await client.query(SECRETARY, {"input": {"orgId": oid(two_provinces["branch"]), "idNumber": child,
                                                       "name": "小孩", "mobile": "13800138000"}})
    assert [e["code"] for e in payload["setSecretary"]["errors"]] == ["AGE_TOO_YOUNG"]


async def _as_a_branchmate_of_the_secretary(client, t, uow, hasher, clock) -> None:
    """The secretary of the Beijing branch is 张伟; log in as a plain member of that branch."""
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    await client.query(SECRETARY, {"input": {"orgId": oid(t["branch"]), "idNumber": t["person"].id_number,
                                             "name": "张伟", "mobile": "13800138000"}})
    mate, password = await add_person(uow, hasher, clock, name="同支部团员", branch=t["branch"], password="Mate2026ab")
    await client.login_as(mate.id_number, password)


async def test_a_member_sees_their_branch_but_not_its_people_ACC4(client, two_provinces, uow, hasher, clock):
    await _as_a_branchmate_of_the_secretary(client, two_provinces, uow, hasher, clock)
    seen = await client.query("""{ me { member { name birthDate householdAddress branch { shortName
      members { totalCount nodes { name } } secretary { name birthDate mobile householdAddress age } } } } }""")
    branch = seen["me"]["member"]["branch"]
    assert branch["shortName"] == "北京某团支部"
    assert branch["members"] == {"totalCount": 0, "nodes": []}
    assert branch["secretary"] == {"name": "张伟", "birthDate": None, "mobile": None, "householdAddress": None,
                                   "age": None}
    assert seen["me"]["member"]["birthDate"] == "2000-01-01"  # their own record in full
    full = await client.post("{ me { member { branch { secretary { idNumber } } } } }")
    assert full.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_full_id_numbers_and_birth_dates_never_come_in_lists(client, two_provinces, db):
    t = two_provinces
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    listed = await client.query("query($id: ID!) { organization(id: $id) { members { nodes { idNumberMasked "
                                "birthDate age } } } }", {"id": oid(t["branch"])})
    assert listed["organization"]["members"]["nodes"] == [
        {"idNumberMasked": t["person"].id_number[:6] + "*" * 8 + t["person"].id_number[-4:], "birthDate": None,
         "age": 25}]
    refused = await client.post("query($id: ID!) { organization(id: $id) { members { nodes { idNumber } } } }",
                                {"id": oid(t["branch"])})
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    one = await client.query("query($id: ID!) { node(id: $id) { ... on Member { idNumber birthDate } } }",
                             {"id": mid(t["person"])})
    assert one["node"] == {"idNumber": t["person"].id_number, "birthDate": "2001-02-03"}
    async with db.engine.connect() as conn:
        actions = sorted(r.action for r in (await conn.execute(select(audit_log).where(
            audit_log.c.subject == f"Member:{t['person'].id}"))).all())
    assert actions == ["readBirthDate", "readIdNumber"]


CHANGE = """mutation($input: ChangePositionInput!) { changePosition(input: $input) { errors { code } } }"""
UPDATE = """mutation($input: UpdateMemberInput!) { updateMember(input: $input) { member { name mobile }
  errors { code field rule } } }"""
NODE = "query($id: ID!) { node(id: $id) { ... on Member { name } } }"


async def test_a_post_in_your_org_shows_a_person_from_elsewhere_but_does_not_hand_them_over_ACC4(
        client, two_provinces, db):
    t = two_provinces
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    given = await client.query(CHANGE, {"input": {"memberId": mid(t["person"]), "orgId": oid(t["committee"]),
                                                  "position": "委员"}})
    assert given["changePosition"]["errors"] == []
    await client.login_as(*t["admin"])
    assert (await client.query(NODE, {"id": mid(t["person"])}))["node"] == {"name": "张伟"}
    edit = await client.query(UPDATE, {"input": {"id": mid(t["person"]), "mobile": "13111111111"}})
    assert [e["code"] for e in edit["updateMember"]["errors"]] == ["MEMBER_MANAGED_ELSEWHERE"]
    gone = await client.query("""mutation($input: DeleteMemberInput!) { deleteMember(input: $input) {
      errors { code } } }""", {"input": {"id": mid(t["person"]), "reason": "测试"}})
    assert [e["code"] for e in gone["deleteMember"]["errors"]] == ["MEMBER_MANAGED_ELSEWHERE"]
    reset = await client.query("""mutation($input: IssuePasswordResetCodeInput!) { issuePasswordResetCode(input:
      $input) { code errors { code } } }""", {"input": {"memberId": mid(t["person"])}})
    assert reset["issuePasswordResetCode"]["code"] is None
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)  # the post ends: the person is gone from view
    await client.query(CHANGE, {"input": {"memberId": mid(t["person"]), "orgId": oid(t["committee"]),
                                          "position": "无职务"}})
    await client.login_as(*t["admin"])
    assert (await client.query(NODE, {"id": mid(t["person"])}))["node"] is None


async def test_a_branch_admin_cannot_edit_an_admin_of_an_org_above_ACC4(client, root, uow, hasher, clock):
    province = await add_org(uow, root, "甲省")
    branch = await add_org(uow, province, "甲省某团支部", category="团支部")
    province_admin, _ = await add_person(uow, hasher, clock, name="省管理员", branch=branch, admin_of=province)
    branch_admin, password = await add_person(uow, hasher, clock, name="支部管理员", password="Zhibu2026",
                                              admin_of=branch)
    await client.login_as(branch_admin.id_number, password)
    number = new_id_number(date(1990, 1, 1))
    hijack = await client.query(UPDATE, {"input": {"id": mid(province_admin), "idNumber": number,
                                                   "idNumberConfirm": number}})
    assert [e["code"] for e in hijack["updateMember"]["errors"]] == ["MEMBER_MANAGED_ELSEWHERE"]


async def test_a_member_edits_contacts_but_not_identity_ACC4_NUM5(client, two_provinces, uow, hasher, clock):
    t = two_provinces
    mate, password = await add_person(uow, hasher, clock, name="某团员", branch=t["branch"], password="Mate2026ab")
    await client.login_as(mate.id_number, password)
    contacts = await client.query(UPDATE, {"input": {"id": mid(mate), "mobile": "13900139000"}})
    assert contacts["updateMember"]["errors"] == [] and contacts["updateMember"]["member"]["mobile"] == "13900139000"
    identity = await client.query(UPDATE, {"input": {"id": mid(mate), "name": "改名", "joinDate": "2020-06"}})
    assert [(e["code"], e["field"]) for e in identity["updateMember"]["errors"]] == [
        ("SELF_EDIT_NOT_ALLOWED", "name"), ("SELF_EDIT_NOT_ALLOWED", "joinDate")]


async def test_people_shown_publicly_stay_public_all_the_way_down_ACC4(client, two_provinces, uow, hasher, clock):
    await _as_a_branchmate_of_the_secretary(client, two_provinces, uow, hasher, clock)
    seen = await client.query("""{ me { member { branch { cadres { member { positions { member {
      householdAddress mobile age } } } } } } } }""")
    deep = seen["me"]["member"]["branch"]["cadres"][0]["member"]["positions"][0]["member"]
    assert deep == {"householdAddress": None, "mobile": None, "age": None}


async def test_a_person_with_no_branch_and_no_post_is_still_reachable_by_the_root_ACC4(client, root, uow, hasher,
                                                                                      clock):
    """Nobody but 团中央's admins has such a person in scope; they must not be lost to everyone."""
    person, _ = await add_person(uow, hasher, clock, name="无组织人员")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    assert (await client.query(NODE, {"id": mid(person)}))["node"] == {"name": "无组织人员"}
    fixed = await client.query(UPDATE, {"input": {"id": mid(person), "mobile": "13700137000"}})
    assert fixed["updateMember"]["errors"] == []


async def test_a_publicly_shown_person_gives_away_no_profile_details_ACC4(client, two_provinces, uow, hasher,
                                                                         clock):
    await _as_a_branchmate_of_the_secretary(client, two_provinces, uow, hasher, clock)
    seen = await client.query("""{ me { member { branch { secretary { idNumberMasked missingFields
      positions { position since cadreNature } } } } } }""")
    secretary = seen["me"]["member"]["branch"]["secretary"]
    assert secretary == {"idNumberMasked": two_provinces["person"].id_number[:6] + "*" * 12, "missingFields": [],
                         "positions": [{"position": "书记", "since": None, "cadreNature": None}]}


async def test_a_member_editing_their_number_learns_nothing_of_its_holder_NUM4(client, two_provinces, uow, hasher,
                                                                              clock):
    t = two_provinces
    holder, _ = await add_person(uow, hasher, clock, name="远方的人", branch=t["jiangsu_branch"])
    async with uow:
        (await uow.members.get(holder.id)).development_number = "201500000777"
        await uow.commit()
    mate, password = await add_person(uow, hasher, clock, name="某团员", branch=t["branch"], password="Mate2026ab")
    await client.login_as(mate.id_number, password)
    taken = await client.query(UPDATE, {"input": {"id": mid(mate), "developmentNumber": "201500000777"}})
    assert [(e["code"], e["field"]) for e in taken["updateMember"]["errors"]] == [
        ("DEVELOPMENT_NUMBER_TAKEN", "developmentNumber")]
    message = await client.query("""mutation($input: UpdateMemberInput!) { updateMember(input: $input) {
      errors { message } } }""", {"input": {"id": mid(mate), "developmentNumber": "201500000777"}})
    assert message["updateMember"]["errors"] == [{"message": "该发展团员编号已被占用，请与团支部核实"}]


async def test_set_secretary_follows_the_one_manages_rule_of_update_member_ACC4_ORG8(client, root, uow, hasher,
                                                                                    clock):
    """The committee's admin lives in one of its branches: that branch's admin sees them, but may neither edit
    them (updateMember) nor make them the branch's secretary and overwrite their mobile (setSecretary)."""
    committee = await add_org(uow, root, "某大学团委", category="团委", industry="普通高等院校")
    branch = await add_org(uow, committee, "某班团支部", category="团支部", industry="普通高等院校")
    boss, _ = await add_person(uow, hasher, clock, name="团委管理员", branch=branch, admin_of=committee,
                               password="Tuanwei2026")
    async with uow:
        (await uow.members.get(boss.id)).mobile = "13811112222"
        await uow.commit()
    branch_admin, password = await add_person(uow, hasher, clock, name="支部管理员", branch=branch, admin_of=branch,
                                              password="Zhibu20260")
    async with uow:
        (await uow.members.position(branch_admin.id, branch.id)).position = "委员"  # the secretary's post is free
        await uow.commit()
    await client.login_as(branch_admin.id_number, password)
    edit = await client.query(UPDATE, {"input": {"id": mid(boss), "mobile": "13900000000"}})
    assert [e["code"] for e in edit["updateMember"]["errors"]] == ["MEMBER_MANAGED_ELSEWHERE"]
    made = await client.query(SECRETARY, {"input": {"orgId": oid(branch), "idNumber": boss.id_number,
                                                    "name": "团委管理员", "mobile": "13900000000"}})
    assert made["setSecretary"]["errors"] == [{"code": "MEMBER_MANAGED_ELSEWHERE", "field": "idNumber",
                                               "rule": "ACC-4"}]
    async with uow:
        assert (await uow.members.get(boss.id)).mobile == "13811112222"
        assert await uow.members.position(boss.id, branch.id) is None
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)  # who manages them may
    done = await client.query(SECRETARY, {"input": {"orgId": oid(branch), "idNumber": boss.id_number,
                                                    "name": "团委管理员", "mobile": "13900000000"}})
    assert done["setSecretary"]["errors"] == []
