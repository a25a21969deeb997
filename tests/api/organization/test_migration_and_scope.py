"""Moving subtrees (ORG-10) and scope (ACC-4) over GraphQL."""

from __future__ import annotations

from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person
from orgapi import CREATE, DELETE, ORG, UPDATE, codes, oid

from zhtj.graphql.ids import encode_id

MOVE = """mutation($input: MoveOrganizationInput!) { moveOrganization(input: $input) {
  organization { depth parent { shortName } ancestors { shortName } } errors { code field rule } } }"""
REQUEST = """mutation($input: RequestMigrationInput!) { requestMigration(input: $input) {
  migration { id status organization { shortName } newParent { shortName } } errors { code field rule } } }"""
REVIEW = """mutation($input: ReviewMigrationInput!) { reviewMigration(input: $input) {
  migration { id status reason } errors { code field rule } } }"""


async def _province(uow, root, hasher, clock, name):
    province = await add_org(uow, root, name)
    admin, password = await add_person(uow, hasher, clock, name=f"{name}管理员", password="Province2026",
                                       admin_of=province)
    return province, admin, password


async def test_a_migration_needs_the_old_then_the_new_parent_ORG10(client, root, uow, hasher, clock):
    province = await add_org(uow, root, "江苏团省委")
    old_city = await add_org(uow, province, "南京团市委")
    new_city = await add_org(uow, province, "苏州团市委")
    school = await add_org(uow, old_city, "某学院团委", category="团委", industry="普通高等院校")
    klass = await add_org(uow, school, "一班团支部", category="团支部", industry="普通高等院校")
    school_admin, p1 = await add_person(uow, hasher, clock, name="学院管理员", password="School2026",
                                        admin_of=school)
    old_admin, p2 = await add_person(uow, hasher, clock, name="南京管理员", password="Nanjing2026",
                                     admin_of=old_city)
    new_admin, p3 = await add_person(uow, hasher, clock, name="苏州管理员", password="Suzhou2026",
                                     admin_of=new_city)
    await client.login_as(school_admin.id_number, p1)
    direct = (await client.query(MOVE, {"input": {"id": oid(school), "newParentId": oid(new_city)}}))
    assert codes(direct["moveOrganization"]) == ["NOT_FOUND"]  # the new parent is not theirs to see
    asked = (await client.query(REQUEST, {"input": {"orgId": oid(school), "newParentId": oid(new_city)}}))
    migration = asked["requestMigration"]["migration"]
    assert migration["status"] == "AWAITING_OLD_PARENT" and migration["newParent"] is None
    again = await client.query(REQUEST, {"input": {"orgId": oid(school), "newParentId": oid(new_city)}})
    assert codes(again["requestMigration"]) == ["MIGRATION_ALREADY_OPEN"]

    await client.login_as(new_admin.id_number, p3)  # not yet the new parent's turn
    early = await client.query(REVIEW, {"input": {"migrationId": migration["id"], "approve": True}})
    assert codes(early["reviewMigration"]) == ["NOT_FOUND"]
    await client.login_as(old_admin.id_number, p2)
    step = await client.query(REVIEW, {"input": {"migrationId": migration["id"], "approve": True}})
    assert step["reviewMigration"]["migration"]["status"] == "AWAITING_NEW_PARENT"
    await client.login_as(new_admin.id_number, p3)
    done = await client.query(REVIEW, {"input": {"migrationId": migration["id"], "approve": True}})
    assert done["reviewMigration"]["migration"]["status"] == "COMPLETED"
    moved = (await client.query(ORG, {"id": oid(klass)}))["organization"]
    assert [a["shortName"] for a in moved["ancestors"]] == ["苏州团市委", "某学院团委"]
    assert moved["depth"] == 4
    await client.login_as(old_admin.id_number, p2)
    assert (await client.query(ORG, {"id": oid(klass)}))["organization"] is None


async def test_refusing_a_migration_needs_a_reason_ORG10(client, root, uow, hasher, clock):
    province = await add_org(uow, root, "山东团省委")
    city = await add_org(uow, province, "济南团市委")
    other = await add_org(uow, province, "青岛团市委")
    school = await add_org(uow, city, "某中学团委", category="团委")
    admin, password = await add_person(uow, hasher, clock, name="学校管理员", password="School2026",
                                       admin_of=school)
    await client.login_as(admin.id_number, password)
    migration = (await client.query(REQUEST, {"input": {"orgId": oid(school), "newParentId": oid(other)}}))
    migration_id = migration["requestMigration"]["migration"]["id"]
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    no_reason = await client.query(REVIEW, {"input": {"migrationId": migration_id, "approve": False}})
    assert no_reason["reviewMigration"]["errors"] == [{"code": "REASON_REQUIRED", "field": "reason",
                                                       "rule": "ORG-10"}]
    refused = await client.query(REVIEW, {"input": {"migrationId": migration_id, "approve": False,
                                                    "reason": "隶属关系不变"}})
    assert refused["reviewMigration"]["migration"] == {"id": migration_id, "status": "REFUSED",
                                                       "reason": "隶属关系不变"}


async def test_cross_province_moves_are_for_the_roots_admins_ORG10(client, root, uow, hasher, clock):
    a, admin_a, password = await _province(uow, root, hasher, clock, "甲省")
    b = await add_org(uow, root, "乙省")
    city = await add_org(uow, a, "甲市")
    await client.login_as(admin_a.id_number, password)
    asked = await client.query(REQUEST, {"input": {"orgId": oid(city), "newParentId": oid(b)}})
    assert codes(asked["requestMigration"]) == ["NOT_FOUND"]  # another province is not there to see (ACC-4)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    moved = await client.query(MOVE, {"input": {"id": oid(city), "newParentId": oid(b)}})
    assert moved["moveOrganization"] == {"organization": {"depth": 2, "parent": {"shortName": "乙省"},
                                                          "ancestors": [{"shortName": "团中央"},
                                                                        {"shortName": "乙省"}]}, "errors": []}
    into_itself = await client.query(MOVE, {"input": {"id": oid(b), "newParentId": oid(city)}})
    assert codes(into_itself["moveOrganization"]) == ["MOVE_INTO_OWN_SUBTREE"]


async def test_one_province_cannot_read_edit_or_delete_another_ACC4(client, root, uow, hasher, clock):
    beijing, admin, password = await _province(uow, root, hasher, clock, "北京团市委")
    jiangsu = await add_org(uow, root, "江苏团省委")
    city = await add_org(uow, jiangsu, "南京团市委")
    branch = await add_org(uow, city, "某团支部", category="团支部", industry="普通高中")
    person, _ = await add_person(uow, hasher, clock, name="江苏团员", branch=branch)
    await client.login_as(admin.id_number, password)
    for target in (jiangsu, city, branch):
        data = await client.query(ORG, {"id": oid(target)})
        assert data["organization"] is None
        node = await client.query("query($id: ID!) { node(id: $id) { id } }", {"id": oid(target)})
        assert node["node"] is None
    assert (await client.query("query($id: ID!) { node(id: $id) { id } }",
                               {"id": encode_id("Member", person.id)}))["node"] is None
    mutations = [
        (CREATE, {"parentId": oid(city), "category": "团委", "shortName": "新团委", "fullName": "共青团新团委"}),
        (UPDATE, {"id": oid(branch), "shortName": "改名"}),
        (DELETE, {"id": oid(branch)}),
        (MOVE, {"id": oid(branch), "newParentId": oid(beijing)}),
        (MOVE, {"id": oid(beijing), "newParentId": oid(city)}),
        (REQUEST, {"orgId": oid(branch), "newParentId": oid(beijing)}),
        ("""mutation($input: ReorderOrganizationInput!) { reorderOrganization(input: $input) {
            errors { code field rule } } }""", {"id": oid(branch), "direction": "UP"}),
        ("""mutation($input: MarkGraduationInput!) { markGraduation(input: $input) { errors { code field rule } } }""",
         {"orgIds": [oid(branch)], "graduationDate": "2027-06-30"}),
        ("""mutation($input: SetSecretaryInput!) { setSecretary(input: $input) { errors { code field rule } } }""",
         {"orgId": oid(branch), "idNumber": person.id_number, "name": "江苏团员"}),
    ]
    for query, fields in mutations:
        payload = next(iter((await client.query(query, {"input": fields})).values()))
        assert "NOT_FOUND" in codes(payload), (query, payload)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    intact = (await client.query(ORG, {"id": oid(branch)}))["organization"]
    assert intact["shortName"] == "某团支部" and intact["secretary"] is None
    assert [a["shortName"] for a in intact["ancestors"]] == ["团中央", "江苏团省委", "南京团市委"]
