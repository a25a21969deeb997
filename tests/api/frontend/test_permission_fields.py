"""viewerCan* fields (decision 0041) agree with what the mutations actually answer, for every viewer and every
org and person of a small nation (ACC-3, ACC-4), and a list of people costs a few statements, not one per person."""

from __future__ import annotations

import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person
from sqlalchemy import event

from zhtj.domain.membership.model import CadrePosition
from zhtj.graphql.ids import encode_id

PASSWORD = "Qingnian2026x"
ORG = "query($id: ID!) { node(id: $id) { ... on Organization { viewerCanEdit viewerCanManageAdmins } } }"
MEMBER = """query($id: ID!) { node(id: $id) { ... on Member { name viewerCanEdit viewerCanManage
  viewerCanReadIdNumber } } }"""
ID_NUMBER = "query($id: ID!) { node(id: $id) { ... on Member { idNumber } } }"
UPDATE_ORG = """mutation($id: ID!) { updateOrganization(input: {id: $id, contactPhone: "010-12345678"}) {
  errors { code field } } }"""
REMOVE_ADMIN = """mutation($org: ID!, $member: ID!) { removeAdmin(input: {orgId: $org, memberId: $member}) {
  errors { code field } } }"""
UPDATE_MEMBER = """mutation($id: ID!, $name: String) { updateMember(input: {id: $id, name: $name,
  mobile: "13800138000"}) { errors { code field } } }"""


@pytest.fixture
async def nation(root, uow, hasher, clock):
    """团中央 > 甲省 > 甲支部, 团中央 > 乙省 > 乙支部; an admin for each; 张三 in 甲支部; 王五 of 乙支部 holding a post
    in 甲支部 (seen by 甲's admins, managed by 乙's)."""
    a = await add_org(uow, root, "甲省")
    a1 = await add_org(uow, a, "甲支部", category="团支部")
    b = await add_org(uow, root, "乙省")
    b1 = await add_org(uow, b, "乙支部", category="团支部")
    people = {}
    for name, branch, admin_of in (("甲省管理员", None, a), ("甲支部管理员", a1, a1), ("乙省管理员", None, b),
                                   ("张三", a1, None), ("王五", b1, None)):
        people[name], _ = await add_person(uow, hasher, clock, name=name, branch=branch, admin_of=admin_of,
                                           password=PASSWORD)
    people["新人"], people["新人密码"] = await add_person(uow, hasher, clock, name="新人", branch=a1)  # initial
    async with uow:
        uow.members.add_position(CadrePosition(member_id=people["王五"].id, org_id=a1.id, position="组织委员"))
        await uow.commit()
    return {"orgs": [root, a, a1, b, b1], "people": people}


def _ok(errors: list[dict]) -> bool | None:
    """True: the mutation acted; False: refused for scope (NOT_FOUND, MEMBER_MANAGED_ELSEWHERE, SELF_EDIT_…)."""
    codes = {e["code"] for e in errors}
    return not codes & {"NOT_FOUND", "MEMBER_MANAGED_ELSEWHERE", "SELF_EDIT_NOT_ALLOWED"}


VIEWERS = [(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD), "甲省管理员", "甲支部管理员", "乙省管理员", "张三", "王五"]


@pytest.mark.parametrize("who", VIEWERS, ids=["root", "province-a", "branch-a", "province-b", "member", "cadre"])
async def test_acc4_each_field_agrees_with_the_mutation(client, nation, who):
    people = nation["people"]
    if isinstance(who, tuple):
        await client.login_as(*who)
    else:
        await client.login_as(people[who].id_number, PASSWORD)
    admin_of_a1 = encode_id("Member", people["甲支部管理员"].id)
    for org in nation["orgs"]:
        gid = encode_id("Organization", org.id)
        shown = (await client.query(ORG, {"id": gid}))["node"] or {"viewerCanEdit": False,
                                                                   "viewerCanManageAdmins": False}
        edited = (await client.query(UPDATE_ORG, {"id": gid}))["updateOrganization"]["errors"]
        assert shown["viewerCanEdit"] == _ok(edited), (who, org.short_name, edited)
        removal = (await client.query(REMOVE_ADMIN, {"org": gid, "member": admin_of_a1 if org.short_name != "甲支部"
                                                     else encode_id("Member", people["张三"].id)}))
        removed = removal["removeAdmin"]["errors"]
        assert removed, "nothing may be removed here: the member is no admin of that org"
        assert shown["viewerCanManageAdmins"] == _ok(removed), (who, org.short_name, removed)
    for name in ("甲省管理员", "甲支部管理员", "乙省管理员", "张三", "王五", "新人"):
        person = people[name]
        gid = encode_id("Member", person.id)
        shown = (await client.query(MEMBER, {"id": gid}))["node"]
        answer = (await client.post(ID_NUMBER, {"id": gid})).json()
        if shown is None:  # out of scope: every mutation answers NOT_FOUND, and idNumber is not there at all
            assert answer["data"]["node"] is None
            refused = (await client.query(UPDATE_MEMBER, {"id": gid}))["updateMember"]["errors"]
            assert [e["code"] for e in refused] == ["NOT_FOUND"], (who, name)
            continue
        read = answer["data"]["node"]["idNumber"]
        assert shown["viewerCanReadIdNumber"] == (read == person.id_number), (who, name, answer)
        assert shown["viewerCanReadIdNumber"] == (read is not None)
        contact = (await client.query(UPDATE_MEMBER, {"id": gid}))["updateMember"]["errors"]
        assert shown["viewerCanEdit"] == _ok(contact), (who, name, contact)
        whole = (await client.query(UPDATE_MEMBER, {"id": gid, "name": shown["name"]}))["updateMember"]["errors"]
        assert shown["viewerCanManage"] == _ok(whole), (who, name, whole)


async def test_acc1_an_initial_password_may_do_nothing_yet(client, nation):
    newcomer = nation["people"]["新人"]
    await client.login_as(newcomer.id_number, nation["people"]["新人密码"])
    me = await client.query("{ me { member { viewerCanEdit viewerCanManage viewerCanReadIdNumber } } }")
    assert me["me"]["member"] == {"viewerCanEdit": False, "viewerCanManage": False, "viewerCanReadIdNumber": True}
    refused = (await client.post(UPDATE_MEMBER, {"id": encode_id("Member", newcomer.id)})).json()
    assert refused["errors"][0]["extensions"]["code"] == "PASSWORD_CHANGE_REQUIRED"


async def test_acc4_a_list_asks_a_few_statements_not_one_per_person(client, nation, uow, hasher, clock):
    a1 = nation["orgs"][2]
    for i in range(12):
        await add_person(uow, hasher, clock, name=f"团员{i}", branch=a1, password=PASSWORD)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    query = """query($id: ID!, $n: Int!) { organization(id: $id) { viewerCanEdit members(first: $n) {
      nodes { name viewerCanEdit viewerCanManage viewerCanReadIdNumber } } } }"""
    engine = client.app.state.services.db.engine.sync_engine
    database = client.app.state.services.db
    counts = []
    for n in (3, 15):
        seen: list[str] = []

        def count(conn, cursor, statement, *args, seen=seen):  # type: ignore[no-untyped-def]
            if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
                seen.append(statement)

        client.app.state.services.viewers.forget_all()  # each request reads its viewer
        event.listen(engine, "before_cursor_execute", count)
        database.rows.observers.append(seen.append)
        try:
            answer = await client.query(query, {"id": encode_id("Organization", a1.id), "n": n})
        finally:
            event.remove(engine, "before_cursor_execute", count)
            database.rows.observers.remove(seen.append)
        nodes = answer["organization"]["members"]["nodes"]
        assert len(nodes) == n and all(m["viewerCanManage"] and m["viewerCanEdit"] for m in nodes)
        counts.append(len(seen))
    assert counts[1] == counts[0], counts  # five times the people, the same statements
