"""Deleting orgs, secretaries, completeness and warnings over GraphQL (ORG-6..9, ORG-12, MEM-12)."""

from __future__ import annotations

from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person, new_id_number
from orgapi import DELETE, ORG, codes, oid

SECRETARY = """mutation($input: SetSecretaryInput!) { setSecretary(input: $input) {
  secretary { name } organization { secretary { name } infoComplete missingInfo cadres { position member { name } } }
  errors { code field rule } } }"""


async def test_delete_goes_bottom_up_by_the_parents_admin_ORG6(client, root, uow, hasher, clock):
    county = await add_org(uow, root, "某县团委")
    town = await add_org(uow, county, "某镇团委", category="团委")
    home = await add_org(uow, root, "机关团支部", category="团支部")  # the admin stays somewhere (ORG-7)
    admin, password = await add_person(uow, hasher, clock, name="县管理员", password="County2026", admin_of=county,
                                       branch=home)
    await client.login_as(admin.id_number, password)
    refused = (await client.query(DELETE, {"input": {"id": oid(county)}}))["deleteOrganization"]
    assert codes(refused) == ["DELETE_NOT_ALLOWED"]
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    refused = (await client.query(DELETE, {"input": {"id": oid(county)}}))["deleteOrganization"]
    assert refused["errors"] == [{"code": "HAS_CHILD_ORGS", "field": None, "rule": "ORG-6",
                                  "message": "该组织下还有下级组织，请先删除下级组织"}]
    done = (await client.query(DELETE, {"input": {"id": oid(town)}}))["deleteOrganization"]
    assert done == {"deletedId": oid(town), "pendingBranch": None, "errors": []}
    assert (await client.query(ORG, {"id": oid(town)}))["organization"] is None
    assert (await client.query(DELETE, {"input": {"id": oid(county)}}))["deleteOrganization"]["errors"] == []
    assert (await client.query(DELETE, {"input": {"id": oid(root)}}))["deleteOrganization"]["errors"][0][
        "code"] == "ROOT_CANNOT_BE_DELETED"


async def test_a_branch_with_members_hands_them_to_a_pending_branch_ORG7(client, root, uow, hasher, clock):
    county = await add_org(uow, root, "某县团委")
    first = await add_org(uow, county, "一班团支部", category="团支部")
    second = await add_org(uow, county, "二班团支部", category="团支部")
    for name, branch in (("甲", first), ("乙", first), ("丙", second)):
        await add_person(uow, hasher, clock, name=name, branch=branch)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    done = (await client.query(DELETE, {"input": {"id": oid(first)}}))["deleteOrganization"]
    pending = done["pendingBranch"]
    assert done["errors"] == [] and pending["category"] == "待接转团支部"
    assert pending["fullName"] == "共青团某县团委待接转团支部"
    assert sorted(n["name"] for n in pending["members"]["nodes"]) == ["乙", "甲"]
    again = (await client.query(DELETE, {"input": {"id": oid(second)}}))["deleteOrganization"]
    assert again["pendingBranch"]["id"] == pending["id"]  # one pending branch per parent
    assert again["pendingBranch"]["members"]["totalCount"] == 3
    refused = (await client.query(DELETE, {"input": {"id": pending["id"]}}))["deleteOrganization"]
    assert codes(refused) == ["ORG_HAS_MEMBERS"] and refused["errors"][0]["rule"] == "ORG-7"
    county_members = await client.query("query($id: ID!) { organization(id: $id) { members { totalCount } } }",
                                        {"id": oid(county)})
    assert county_members["organization"]["members"]["totalCount"] == 3


async def test_setting_a_secretary_creates_an_account_ORG8(client, root, uow):
    branch = await add_org(uow, root, "某团支部", category="团支部", industry="城市社区")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    number = new_id_number()
    done = await client.query(SECRETARY, {"input": {"orgId": oid(branch), "idNumber": number, "name": "赵书记",
                                                    "mobile": "13800138000"}})
    payload = done["setSecretary"]
    assert payload["errors"] == [] and payload["secretary"] == {"name": "赵书记"}
    assert payload["organization"]["cadres"] == [{"position": "书记", "member": {"name": "赵书记"}}]
    login = await client.login(number, number[-8:])
    assert login["token"] and login["mustChangePassword"] is True


async def test_secretary_form_errors_all_at_once_ORG8(client, root, uow):
    branch = await add_org(uow, root, "某团支部", category="团支部")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    bad = await client.query(SECRETARY, {"input": {"orgId": oid(branch), "idNumber": "11010119900307123X",
                                                   "name": "", "mobile": "12345"}})
    assert [e["code"] for e in bad["setSecretary"]["errors"]] == ["ID_NUMBER_CHECKSUM", "NAME_REQUIRED",
                                                                 "MOBILE_FORMAT"]


async def test_a_new_secretary_replaces_the_old_once_no_longer_admin_MEM12(client, root, uow, hasher, clock):
    branch = await add_org(uow, root, "某团支部", category="团支部")
    old, _ = await add_person(uow, hasher, clock, name="老书记", password="Old2026pass", admin_of=branch)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    new = {"orgId": oid(branch), "idNumber": new_id_number(), "name": "新书记", "mobile": "13900139000"}
    refused = await client.query(SECRETARY, {"input": new})
    assert [e["code"] for e in refused["setSecretary"]["errors"]] == ["OLD_SECRETARY_IS_ADMIN"]
    async with uow:
        grant = (await uow.admins.of_org(branch.id))[0]
        await uow.admins.remove(grant)
        await uow.commit()
    done = await client.query(SECRETARY, {"input": new})
    assert done["setSecretary"]["errors"] == []
    assert done["setSecretary"]["organization"]["secretary"] == {"name": "新书记"}
    async with uow:
        assert (await uow.members.position(old.id, branch.id)).position == "无职务"


async def test_org_info_is_complete_with_fields_and_a_reachable_secretary_ORG9(client, root, uow):
    branch = await add_org(uow, root, "某团支部", category="团支部", industry="城市社区")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    org = (await client.query(ORG, {"id": oid(branch)}))["organization"]
    assert org["infoComplete"] is False and org["missingInfo"] == ["联系电话", "团组织书记"]
    await client.query("""mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) {
      errors { code } } }""", {"input": {"id": oid(branch), "contactPhone": "010-12345678"}})
    no_mobile = await client.query(SECRETARY, {"input": {"orgId": oid(branch), "idNumber": new_id_number(),
                                                         "name": "钱书记"}})
    assert no_mobile["setSecretary"]["organization"]["missingInfo"] == ["书记手机号码"]
    org = (await client.query(ORG, {"id": oid(branch)}))["organization"]
    assert org["secretary"] == {"name": "钱书记"} and org["infoComplete"] is False


async def test_org_info_becomes_complete_with_every_field_and_a_registered_secretary_with_a_mobile_ORG9(
        client, root, uow):
    branch = await add_org(uow, root, "某团支部", category="团支部", industry="城市社区")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    phone = await client.query("""mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) {
      errors { code } } }""", {"input": {"id": oid(branch), "contactPhone": "010-12345678"}})
    assert phone["updateOrganization"]["errors"] == []
    number = new_id_number()
    done = await client.query(SECRETARY, {"input": {"orgId": oid(branch), "idNumber": number, "name": "孙书记",
                                                    "mobile": "13912345678"}})
    assert done["setSecretary"]["organization"]["infoComplete"] is True
    assert done["setSecretary"]["organization"]["missingInfo"] == []
    org = (await client.query(ORG, {"id": oid(branch)}))["organization"]
    assert org["infoComplete"] is True and org["missingInfo"] == [] and org["secretary"] == {"name": "孙书记"}
    assert (await client.login(number, number[-8:]))["token"]  # registered: the account is there


async def test_warnings_for_small_branches_and_empty_committees_ORG12(client, root, uow, hasher, clock):
    committee = await add_org(uow, root, "某团委", category="团委")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    assert (await client.query(ORG, {"id": oid(committee)}))["organization"]["warnings"] == [
        "下设团支部为空，组织信息不完整"]
    branch = await add_org(uow, committee, "某团支部", category="团支部")
    assert (await client.query(ORG, {"id": oid(committee)}))["organization"]["warnings"] == []
    for name in ("甲", "乙"):
        await add_person(uow, hasher, clock, name=name, branch=branch)
    assert (await client.query(ORG, {"id": oid(branch)}))["organization"]["warnings"] == [
        "团员人数少于3人，应撤销或合并"]
    await add_person(uow, hasher, clock, name="丙", branch=branch)
    assert (await client.query(ORG, {"id": oid(branch)}))["organization"]["warnings"] == []
