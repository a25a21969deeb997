"""Creating and editing orgs over GraphQL (ORG-1..5, ORG-11, ACC-4)."""

from __future__ import annotations

from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person
from orgapi import CREATE, ORG, UPDATE, codes, create, created_id, oid


async def test_create_builds_the_tree_in_sibling_order_ORG1_ORG3(client, root):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    province = await created_id(client, root, "北京团市委", "团的领导机关")
    for name in ("丙团委", "甲团委", "乙团委"):
        await created_id(client, province, name)
    data = await client.query(ORG, {"id": province})
    org = data["organization"]
    assert org["depth"] == 1 and org["parent"] == {"shortName": "团中央"}
    assert [n["shortName"] for n in org["children"]["nodes"]] == ["丙团委", "甲团委", "乙团委"]
    child = await client.query(ORG, {"id": (await create(client, province, "丁团委"))["organization"]["id"]})
    assert [a["shortName"] for a in child["organization"]["ancestors"]] == ["团中央", "北京团市委"]


async def test_a_form_gets_every_error_at_once_ORG1_ORG3(client, root):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    payload = (await client.query(CREATE, {"input": {
        "parentId": oid(root), "category": "团小组", "shortName": " ", "fullName": "x" * 201,
        "industry": "外星产业", "contactPhone": "12345"}}))["createOrganization"]
    assert payload["organization"] is None
    assert sorted(codes(payload)) == sorted([
        "SHORT_NAME_REQUIRED", "FULL_NAME_TOO_LONG", "INVALID_CATEGORY", "INVALID_INDUSTRY", "INVALID_PHONE"])
    assert {e["field"] for e in payload["errors"]} == {"shortName", "fullName", "category", "industry",
                                                       "contactPhone"}
    assert all(e["rule"] and e["message"] for e in payload["errors"])


async def test_parent_rules_ORG2(client, root):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    province = await created_id(client, root, "江苏团省委", "团的领导机关")
    committee = await created_id(client, province, "某大学团委")
    branch = await created_id(client, committee, "某班团支部", "团支部")
    assert codes(await create(client, committee, "某县团委", "团的领导机关")) == ["PARENT_CATEGORY_NOT_ALLOWED"]
    assert codes(await create(client, branch, "子支部", "团支部")) == ["PARENT_IS_BRANCH"]
    assert codes(await create(client, committee, "学院团总支", "团总支")) == []
    assert codes(await create(client, province, "直属团支部", "团支部")) == []


async def test_system_made_categories_and_non_league_bodies_are_refused_ORG1(client, root):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    assert codes(await create(client, root, "待接转", "待接转团支部")) == ["CATEGORY_SYSTEM_MADE"]
    payload = await create(client, root, "某公司青年部", "团委", fullName="某公司青年部")
    assert codes(payload) == ["NOT_A_LEAGUE_ORG", "NOT_A_LEAGUE_ORG"]


async def test_full_names_are_unique_among_siblings_only_ORG3(client, root):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    a = await created_id(client, root, "甲省", "团的领导机关")
    b = await created_id(client, root, "乙省", "团的领导机关")
    await created_id(client, a, "第一团委", fullName="共青团第一中学委员会")
    again = await create(client, a, "第一团委", fullName="共青团第一中学委员会")
    assert again["errors"] == [{"code": "FULL_NAME_TAKEN", "field": "fullName", "rule": "ORG-3",
                                "message": "同一上级组织下已有名为“共青团第一中学委员会”的组织"}]
    assert codes(await create(client, b, "第一团委", fullName="共青团第一中学委员会")) == []


async def test_names_and_industry_change_any_time_category_once_by_own_admin_ORG4(client, root, uow, hasher,
                                                                                 clock):
    province = await add_org(uow, root, "浙江团省委")
    city = await add_org(uow, province, "杭州团市委")
    school = await add_org(uow, city, "某中学团总支", category="团总支", industry="普通高中")
    admin, password = await add_person(uow, hasher, clock, name="学校管理员", password="School2026",
                                       admin_of=school)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    by_supervisor = await client.query(UPDATE, {"input": {"id": oid(school), "category": "团委",
                                                          "shortName": "某中学团委"}})
    assert codes(by_supervisor["updateOrganization"]) == ["CATEGORY_OWN_ADMIN_ONLY"]
    await client.login_as(admin.id_number, password)
    first = await client.query(UPDATE, {"input": {"id": oid(school), "category": "团委", "shortName": "某中学团委"}})
    assert first["updateOrganization"]["errors"] == []
    assert first["updateOrganization"]["organization"]["category"] == "团委"
    second = await client.query(UPDATE, {"input": {"id": oid(school), "category": "团总支"}})
    assert codes(second["updateOrganization"]) == ["CATEGORY_ALREADY_CHANGED"]
    names = await client.query(UPDATE, {"input": {"id": oid(school), "fullName": "共青团某中学委员会",
                                                  "industry": "初中", "contactPhone": "0571-87654321"}})
    assert names["updateOrganization"]["errors"] == []
    assert names["updateOrganization"]["organization"]["contactPhone"] == "0571-87654321"


async def test_root_and_provinces_keep_category_names_and_industry_ORG4(client, root, uow):
    province = await add_org(uow, root, "广东团省委")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    for org in (root, province):
        payload = (await client.query(UPDATE, {"input": {"id": oid(org), "shortName": "新名字", "industry": "其他"}}))
        assert codes(payload["updateOrganization"]) == ["ORG_LOCKED", "ORG_LOCKED"]
    phone = await client.query(UPDATE, {"input": {"id": oid(province), "contactPhone": "020-12345678"}})
    assert phone["updateOrganization"]["errors"] == []


async def test_school_code_only_on_the_schools_own_committee_ORG5(client, root, uow):
    county = await add_org(uow, root, "某县团委")
    school = await add_org(uow, county, "某大学团委", category="团委", industry="普通高等院校")
    college = await add_org(uow, school, "计算机学院团总支", category="团总支", industry="普通高等院校")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)

    async def set_code(org, code):
        return (await client.query(UPDATE, {"input": {"id": oid(org), "schoolCode": code}}))["updateOrganization"]

    assert codes(await set_code(county, "4111010001")) == ["SCHOOL_CODE_NOT_ALLOWED"]
    assert codes(await set_code(school, "41110")) == ["INVALID_SCHOOL_CODE"]
    done = await set_code(school, "4111010001")
    assert done["errors"] == [] and done["organization"]["schoolCode"] == "4111010001"
    assert codes(await set_code(college, "4111010002")) == ["SCHOOL_CODE_ON_SUBORDINATE"]
    assert (await set_code(school, "4111010003"))["organization"]["schoolCode"] == "4111010003"
    cleared = await set_code(school, None)
    assert cleared["errors"] == [] and cleared["organization"]["schoolCode"] is None


async def test_graduation_dates_only_on_school_branches_ORG11(client, root, uow):
    school = await add_org(uow, root, "某大学团委", category="团委", industry="普通高等院校")
    klass = await add_org(uow, school, "2301班团支部", category="团支部", industry="普通高等院校")
    primary = await add_org(uow, school, "附属小学团支部", category="团支部", industry="小学")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    mark = """mutation($input: MarkGraduationInput!) { markGraduation(input: $input) {
      organizations { shortName graduationDate } errors { code field rule } } }"""
    refused = await client.query(mark, {"input": {"orgIds": [oid(klass), oid(primary), oid(school)],
                                                  "graduationDate": "2027-06-30"}})
    assert [e["code"] for e in refused["markGraduation"]["errors"]] == ["GRADUATION_NOT_ALLOWED"] * 2
    done = await client.query(mark, {"input": {"orgIds": [oid(klass)], "graduationDate": "2027-06-30"}})
    assert done["markGraduation"] == {"organizations": [{"shortName": "2301班团支部",
                                                         "graduationDate": "2027-06-30"}], "errors": []}
    org = await client.query("query($id: ID!) { organization(id: $id) { graduationDate } }", {"id": oid(primary)})
    assert org["organization"]["graduationDate"] is None


async def test_siblings_move_up_and_down_ORG3(client, root, uow):
    a, b, c = [await add_org(uow, root, name) for name in ("甲", "乙", "丙")]
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    move = """mutation($input: ReorderOrganizationInput!) { reorderOrganization(input: $input) {
      errors { code } } }"""
    order = "query($id: ID!) { organization(id: $id) { children { nodes { shortName } } } }"
    assert (await client.query(move, {"input": {"id": oid(c), "direction": "UP"}}))["reorderOrganization"] == {
        "errors": []}
    names = await client.query(order, {"id": oid(root)})
    assert [n["shortName"] for n in names["organization"]["children"]["nodes"]] == ["甲", "丙", "乙"]
    first = await client.query(move, {"input": {"id": oid(a), "direction": "UP"}})
    assert first["reorderOrganization"]["errors"] == [{"code": "ALREADY_FIRST"}]
    await client.query(move, {"input": {"id": oid(a), "direction": "DOWN"}})
    names = await client.query(order, {"id": oid(root)})
    assert [n["shortName"] for n in names["organization"]["children"]["nodes"]] == ["丙", "甲", "乙"]
    assert b.id


async def test_value_lists_serve_the_dropdowns(client, root):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    lists = (await client.query("{ valueLists { userOrgCategories industries ethnicities politicalStatuses } }"))
    lists = lists["valueLists"]
    assert lists["userOrgCategories"] == ["团的领导机关", "团委", "团工委", "团总支", "团支部"]
    assert len(lists["industries"]) == 16 and lists["industries"][0] == "党政机关"
    assert len(lists["ethnicities"]) == 57 and lists["ethnicities"][0] == "汉族"
    assert lists["politicalStatuses"] == ["共青团员", "中共党员", "中共预备党员", "群众"]
