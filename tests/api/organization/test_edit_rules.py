"""Who marks graduation (ORG-11), one school code per school (ORG-5), every error of a form at once (ORG-3/4)."""

from __future__ import annotations

from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person
from orgapi import CREATE, UPDATE, codes, oid

from zhtj.graphql.ids import encode_id

MARK = """mutation($input: MarkGraduationInput!) { markGraduation(input: $input) {
  organizations { shortName graduationDate } errors { code message field rule } } }"""


async def test_a_branch_cannot_mark_its_own_graduation_only_the_committees_above_ORG11(client, root, uow, hasher,
                                                                                       clock):
    school = await add_org(uow, root, "某中学团委", category="团委", industry="普通高中")
    klass = await add_org(uow, school, "高三1班团支部", category="团支部", industry="普通高中")
    branch_admin, password = await add_person(uow, hasher, clock, name="班级管理员", password="Klass2026",
                                              admin_of=klass)
    school_admin, school_password = await add_person(uow, hasher, clock, name="学校管理员", password="School2026",
                                                     admin_of=school)
    await client.login_as(branch_admin.id_number, password)
    marked = await client.query(MARK, {"input": {"orgIds": [oid(klass)], "graduationDate": "2027-06-30"}})
    assert marked["markGraduation"] == {"organizations": [], "errors": [{
        "code": "GRADUATION_BY_PARENT_ONLY", "field": "orgIds", "rule": "ORG-11",
        "message": "高三1班团支部：毕业时间由上级团组织标记，本团支部不能自行设置"}]}
    edited = await client.query(UPDATE, {"input": {"id": oid(klass), "graduationDate": "2027-06-30"}})
    assert edited["updateOrganization"]["errors"] == [{
        "code": "GRADUATION_BY_PARENT_ONLY", "field": "graduationDate", "rule": "ORG-11",
        "message": "毕业时间由上级团组织标记，本团支部不能自行设置"}]
    renamed = await client.query(UPDATE, {"input": {"id": oid(klass), "shortName": "高三一班团支部"}})
    assert renamed["updateOrganization"]["errors"] == []  # the rest of the branch's info stays its own

    await client.login_as(school_admin.id_number, school_password)
    done = await client.query(MARK, {"input": {"orgIds": [oid(klass)], "graduationDate": "2027-06-30"}})
    assert done["markGraduation"]["errors"] == []
    edited = await client.query(UPDATE, {"input": {"id": oid(klass), "graduationDate": "2027-07-01"}})
    assert edited["updateOrganization"]["organization"]["graduationDate"] == "2027-07-01"


async def test_no_school_code_on_a_school_whose_college_has_one_ORG5(client, root, uow):
    county = await add_org(uow, root, "某县团委")
    school = await add_org(uow, county, "某大学团委", category="团委", industry="普通高等院校")
    college = await add_org(uow, school, "计算机学院团总支", category="团总支", industry="普通高等院校")
    await add_org(uow, college, "2301班团支部", category="团支部", industry="普通高等院校")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)

    async def set_code(org, code):
        return (await client.query(UPDATE, {"input": {"id": oid(org), "schoolCode": code}}))["updateOrganization"]

    assert (await set_code(college, "4111010001"))["errors"] == []
    refused = await set_code(school, "4111010002")
    assert refused["errors"] == [{"code": "SCHOOL_CODE_SET_BELOW", "field": "schoolCode", "rule": "ORG-5",
                                  "message": "下级组织已填写学校机构编号，请先清除下级组织的学校机构编号"}]
    assert (await set_code(college, None))["errors"] == []
    assert (await set_code(school, "4111010002"))["organization"]["schoolCode"] == "4111010002"


async def test_create_under_an_unknown_parent_still_checks_the_school_code_ORG5(client, root):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    payload = (await client.query(CREATE, {"input": {
        "parentId": encode_id("Organization", 999999), "category": "团委", "shortName": "某校团委",
        "fullName": "共青团某校委员会", "industry": "普通高中", "schoolCode": "41-110"}}))["createOrganization"]
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("NOT_FOUND", "parentId"),
                                                                   ("INVALID_SCHOOL_CODE", "schoolCode")]


async def test_a_locked_org_answers_every_fields_problem_ORG4_ORG3(client, root, uow):
    province = await add_org(uow, root, "广东团省委")
    await add_org(uow, root, "浙江团省委")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    for org in (root, province):
        payload = await client.query(UPDATE, {"input": {"id": oid(org), "shortName": "", "contactPhone": "123"}})
        errors = payload["updateOrganization"]["errors"]
        assert [(e["code"], e["field"], e["rule"]) for e in errors] == [
            ("ORG_LOCKED", "shortName", "ORG-4"), ("INVALID_PHONE", "contactPhone", "ORG-3")]
    taken = await client.query(UPDATE, {"input": {"id": oid(province), "fullName": "共青团浙江团省委"}})
    assert codes(taken["updateOrganization"]) == ["ORG_LOCKED"]  # a locked name is not checked further


async def test_one_mark_graduation_takes_at_most_500_orgs_ORG11(client, root, uow, hasher, clock):
    """Any member may call markGraduation: 70,000 ids held SQLite's write lock for ~50 s. More than 500 are
    refused before anything is read (one problem, not one NOT_FOUND per id)."""
    school = await add_org(uow, root, "某中学团委", category="团委", industry="普通高中")
    klass = await add_org(uow, school, "高三1班团支部", category="团支部", industry="普通高中")
    member, password = await add_person(uow, hasher, clock, name="普通团员", password="Tuanyuan2026", branch=klass)
    await client.login_as(member.id_number, password)
    many = [encode_id("Organization", n) for n in range(10_000, 10_501)]
    refused = await client.query(MARK, {"input": {"orgIds": many, "graduationDate": "2027-06-30"}})
    assert refused["markGraduation"] == {"organizations": [], "errors": [{
        "code": "ORG_IDS_TOO_MANY", "message": "一次最多标记500个团支部", "field": "orgIds", "rule": "ORG-11"}]}
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    five_hundred = [oid(klass)] * 500
    done = await client.query(MARK, {"input": {"orgIds": five_hundred, "graduationDate": "2027-06-30"}})
    assert done["markGraduation"]["errors"] == []
