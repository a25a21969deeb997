"""auditLog (issue 12): leading-body admins read the audit entries of their subtree, newest first (ACC-3, ACC-4);
nobody else reads any, and the table refuses UPDATE and DELETE."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from zhtj.domain.identity.model import AuditEntry
from zhtj.graphql.ids import encode_id
from zhtj.infrastructure.repositories import SqlAudit

LOG = """query($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { action subjectId detail actor { name } } } }"""
PASSWORD = "Jiumima2020"


@pytest.fixture
async def tree(root, uow, hasher, clock):
    province = await add_org(uow, root, "江苏团省委")
    other = await add_org(uow, root, "浙江团省委")
    committee = await add_org(uow, province, "某大学团委", category="团委")
    branch = await add_org(uow, committee, "某团支部", category="团支部")
    lead, _ = await add_person(uow, hasher, clock, name="省管理员", password=PASSWORD, admin_of=province)
    far, _ = await add_person(uow, hasher, clock, name="浙江管理员", password=PASSWORD, admin_of=other)
    school, _ = await add_person(uow, hasher, clock, name="团委管理员", password=PASSWORD, admin_of=committee)
    member, _ = await add_person(uow, hasher, clock, name="李娜", branch=branch, password=PASSWORD)
    async with uow:
        for i, (actor, action, subject) in enumerate((
                (school.id, "updateMember", f"Member:{member.id}"),
                (lead.id, "updateOrganization", f"Organization:{committee.id}"),
                (far.id, "updateOrganization", f"Organization:{other.id}"),
                (None, "resetPassword", f"Member:{member.id}"))):
            uow.audit.add(AuditEntry(at=clock.now() + timedelta(minutes=i), actor_member_id=actor, action=action,
                                     subject=subject, detail=f"entry {i}"))
        await uow.commit()
    return {"lead": lead, "far": far, "school": school, "member": member, "committee": committee}


async def read(client, who, **variables) -> dict:
    await client.login_as(who.id_number, PASSWORD)
    return (await client.query(LOG, variables))["auditLog"]


async def test_a_leading_body_admin_reads_their_subtree_newest_first_ACC4(client, tree):
    log = await read(client, tree["lead"])
    assert [n["detail"] for n in log["nodes"]] == ["entry 3", "entry 1", "entry 0"] and log["totalCount"] == 3
    assert log["nodes"][2]["actor"] == {"name": "团委管理员"} and log["nodes"][0]["actor"] is None
    assert log["nodes"][0]["subjectId"] == encode_id("Member", tree["member"].id)
    far = await read(client, tree["far"])
    assert [n["detail"] for n in far["nodes"]] == ["entry 2"]


async def test_the_log_pages_and_filters_ACC4(client, tree):
    first = await read(client, tree["lead"], first=2)
    assert first["pageInfo"]["hasNextPage"] is True
    rest = await read(client, tree["lead"], first=2, after=first["pageInfo"]["endCursor"])
    assert [n["detail"] for n in rest["nodes"]] == ["entry 0"] and rest["pageInfo"]["hasNextPage"] is False
    by_action = await read(client, tree["lead"], filter={"action": "updateMember"})
    assert [n["detail"] for n in by_action["nodes"]] == ["entry 0"]
    by_actor = await read(client, tree["lead"], filter={"actorId": encode_id("Member", tree["school"].id)})
    assert [n["detail"] for n in by_actor["nodes"]] == ["entry 0"]
    by_subject = await read(client, tree["lead"], filter={"subjectId": encode_id("Organization", tree["committee"].id)})
    assert [n["detail"] for n in by_subject["nodes"]] == ["entry 1"]
    since = await read(client, tree["lead"], filter={"since": "2026-11-25T08:01:00Z", "until": "2026-11-25T08:03:00Z"})
    assert [n["detail"] for n in since["nodes"]] == ["entry 1"]


async def test_root_admins_read_everything_ACC4(client, tree):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    assert (await client.query(LOG))["auditLog"]["totalCount"] == 4


async def test_nobody_else_reads_the_log_ACC3(client, tree):
    for who in (tree["school"], tree["member"]):  # a committee's admin, a member
        await client.login_as(who.id_number, PASSWORD)
        errors = await client.errors(LOG)
        assert [e["extensions"]["code"] for e in errors] == ["FORBIDDEN"]
    client.token = None
    assert (await client.errors(LOG))[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_table_refuses_update_and_delete_and_the_code_has_no_way_to(db, tree):
    assert [n for n in dir(SqlAudit) if n.startswith(("update", "delete", "remove", "edit"))] == []
    for statement in ("UPDATE audit_log SET detail = 'changed'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with db.engine.begin() as conn:
                await conn.execute(text(statement))
    async with db.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM audit_log WHERE detail LIKE 'entry %'"))).scalar() == 4
