"""X-2 system messages (decision 0061): written in the transaction of what caused them, to the member and to the
admins of the orgs involved; listed by operationCenter as MESSAGE (unread, or with includeRead), read per reader
with markMessagesRead, counted in pendingWork; nobody else's are seen or marked (ACC-4)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from factories import new_id_number
from transferapi import ERRORS, RETURN, START, WITHDRAW, as_, call, league, mid, oid

from zhtj.domain.identity.services import Viewer
from zhtj.domain.shared.clock import FixedClock
from zhtj.graphql.transfers.operation_center import pending_counts
from zhtj.infrastructure.jobs import run_once

MESSAGES = """query($kind: PendingKind, $text: String, $includeRead: Boolean, $since: Date, $first: Int,
  $after: String) { operationCenter(kind: $kind, text: $text, includeRead: $includeRead, since: $since,
  first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { kind name title itemId
  item { ... on SystemMessage { kind title body read aboutId toOrganization { fullName } } } } } }"""
MARK = f"""mutation($input: MarkMessagesReadInput!) {{ markMessagesRead(input: $input) {{ markedCount
  messages {{ id read }} {ERRORS} }} }}"""
APPROVE = f"""mutation($input: ApproveTransferInput!) {{ approveTransfer(input: $input) {{ transfer {{ status }}
  {ERRORS} }} }}"""


@pytest.fixture
async def t(uow, hasher, clock, root, client):
    return await league(uow, hasher, clock, root)


async def inbox(client, **given) -> dict:
    return (await client.query(MESSAGES, {"kind": "MESSAGE", **given}))["operationCenter"]


def items(found: dict) -> list[tuple[str, str]]:
    return [(n["item"]["kind"], n["item"]["toOrganization"]["fullName"] if n["item"]["toOrganization"] else "")
            for n in found["nodes"]]


async def test_x2_a_returned_transfer_tells_the_member_and_the_admins_involved(client, t):
    await as_(client, t.ming)
    started = await call(client, START, {"memberId": mid(t.ming), "targetOrgId": oid(t.branch2), "reason": "升学"})
    await as_(client, t.class1_admin)
    assert (await inbox(client))["totalCount"] == 0  # nothing until something happens
    returned = await call(client, RETURN, {"transferId": started["transfer"]["id"], "reason": "材料不全"})
    assert returned["errors"] == []
    mine = await inbox(client)
    assert items(mine) == [("TRANSFER_RETURNED", t.class1.full_name)]
    message = mine["nodes"][0]
    assert message["name"] == "小明" and message["title"] == "系统消息：小明"
    assert message["item"]["body"] == f"小明转往{t.branch2.full_name}的组织关系转接已被退回，退回原因：材料不全。"
    assert message["item"]["aboutId"] == started["transfer"]["id"] and message["item"]["read"] is False
    await as_(client, t.ming)
    assert items(await inbox(client)) == [("TRANSFER_RETURNED", "")]  # to 小明 himself
    await as_(client, t.school_admin)  # above the branch: acts in its place (ACC-4) but is not told of all below
    assert (await inbox(client))["totalCount"] == 0
    await as_(client, t.province2_admin)  # above the target branch, likewise
    assert (await inbox(client))["totalCount"] == 0


async def test_x2_messages_are_read_per_reader_and_nobody_elses_are_marked(client, t):
    await as_(client, t.ming)
    started = await call(client, START, {"memberId": mid(t.ming), "targetOrgId": oid(t.branch2), "reason": "升学"})
    assert (await call(client, WITHDRAW, {"transferId": started["transfer"]["id"]}))["errors"] == []
    mine = (await inbox(client))["nodes"]
    assert [n["item"]["kind"] for n in mine] == ["TRANSFER_WITHDRAWN"]
    await as_(client, t.class1_admin)
    theirs = (await inbox(client))["nodes"]
    assert [n["item"]["title"] for n in theirs] == ["组织关系转接已撤销"]
    refused = await call(client, MARK, {"messageIds": [mine[0]["itemId"]]})  # 小明's own, not the admin's
    missing = await call(client, MARK, {"messageIds": ["U3lzdGVtTWVzc2FnZTo5ODc2NTQzMjE="]})
    assert refused == missing and [(e["code"], e["field"], e["rule"]) for e in refused["errors"]] == [
        ("NOT_FOUND", "messageIds", "ACC-4")]
    assert (await client.query('query($id: ID!) { node(id: $id) { id } }', {"id": mine[0]["itemId"]}))["node"] is None
    marked = await call(client, MARK, {"messageIds": [theirs[0]["itemId"]]})
    assert marked == {"markedCount": 1, "messages": [{"id": theirs[0]["itemId"], "read": True}], "errors": []}
    assert (await call(client, MARK, {"messageIds": [theirs[0]["itemId"]]}))["markedCount"] == 0
    assert (await inbox(client))["totalCount"] == 0
    assert [n["item"]["read"] for n in (await inbox(client, includeRead=True))["nodes"]] == [True]
    await as_(client, t.ming)  # still unread for 小明
    assert (await inbox(client))["totalCount"] == 1
    assert (await call(client, MARK, {"all": True}))["markedCount"] == 1
    assert (await inbox(client))["totalCount"] == 0
    assert [e["code"] for e in (await call(client, MARK, {}))["errors"]] == ["MESSAGES_REQUIRED"]


async def test_x2_a_completed_transfer_tells_the_target_and_the_assigned_branch(client, t):
    await as_(client, t.class1_admin)
    started = await call(client, START, {"memberId": mid(t.hong), "targetOrgId": oid(t.company), "reason": "就业"})
    await as_(client, t.company_admin)
    done = await call(client, APPROVE, {"transferId": started["transfer"]["id"],
                                        "assignBranchId": oid(t.company_branch)})
    assert done["transfer"]["status"] == "COMPLETED"
    assert items(await inbox(client)) == [("TRANSFER_COMPLETED", t.company.full_name)]
    body = (await inbox(client))["nodes"][0]["item"]["body"]
    assert body == f"小红的组织关系已由{t.class1.full_name}转入{t.company_branch.full_name}。"
    await as_(client, t.class1_admin)
    assert items(await inbox(client, text="小红")) == [("TRANSFER_COMPLETED", t.class1.full_name)]
    assert (await inbox(client, text="小明"))["totalCount"] == 0  # searched by name
    assert (await inbox(client, since="2099-01-01"))["totalCount"] == 0  # and by time


async def test_x2_the_jobs_tell_of_expiry_and_of_the_graduation_switch(client, uow, db, t):
    await as_(client, t.ming)
    await call(client, START, {"memberId": mid(t.ming), "targetOrgId": oid(t.branch2), "reason": "升学"})
    async with uow:
        (await uow.organizations.get(t.class1.id)).graduation_date = date(2027, 6, 30)
        await uow.commit()
    summary = await run_once(db, FixedClock(datetime(2027, 6, 2, tzinfo=UTC)), (6, 1))
    assert summary.expired == 1 and summary.graduates == 2
    assert sorted(n["item"]["kind"] for n in (await inbox(client, first=10))["nodes"]) == [
        "GRADUATION_SWITCH", "TRANSFER_EXPIRED"]
    await as_(client, t.school_admin)  # the org that marked the date
    assert [n["item"]["title"] for n in (await inbox(client))["nodes"]] == ["2027年毕业生团组织已转换"]
    await as_(client, t.class1_admin)  # the switched branch, and the source branch of the expired transfer
    assert sorted(k for k, _ in items(await inbox(client))) == ["GRADUATION_SWITCH", "TRANSFER_EXPIRED"]
    await run_once(db, FixedClock(datetime(2027, 6, 3, tzinfo=UTC)), (6, 1))  # nothing twice
    assert (await inbox(client))["totalCount"] == 2


ISSUE = """mutation($input: IssueAdminCodeInput!) { issueAdminCode(input: $input) { code errors { code } } }"""
REGISTER = """mutation($input: RegisterAdminInput!) { registerAdmin(input: $input) { errors { code } } }"""


async def test_x2_an_admin_registration_tells_the_org_that_issued_the_code(client, t):
    await as_(client, t.school_admin)
    code = (await client.query(ISSUE, {"input": {"orgId": oid(t.class2)}}))["issueAdminCode"]["code"]
    token, client.token = client.token, None
    registered = await client.query(REGISTER, {"input": {"code": code, "idNumber": new_id_number(date(1995, 6, 1)),
                                                         "name": "李明", "mobile": "13800138000",
                                                         "password": "Xinmima2027"}})
    client.token = token
    assert registered["registerAdmin"]["errors"] == []
    found = await inbox(client)
    assert items(found) == [("ADMIN_REGISTERED", t.school.full_name)]
    assert found["nodes"][0]["item"]["body"] == f"李明已使用注册码注册为{t.class2.full_name}的管理员。"


async def test_x2_pending_work_counts_the_unread_messages(client, uow, db, t):
    await as_(client, t.ming)
    started = await call(client, START, {"memberId": mid(t.ming), "targetOrgId": oid(t.branch2), "reason": "升学"})
    await call(client, WITHDRAW, {"transferId": started["transfer"]["id"]})

    async def counts(person) -> dict[str, int]:
        async with uow:
            account = await uow.accounts.by_id_number(person.id_number)
            orgs = tuple(await uow.admins.orgs_of(person.id))
            viewer = Viewer(account=account, member=await uow.members.get(person.id), admin_of=orgs)
            return await pending_counts(uow.session, viewer, datetime.now(UTC))

    assert (await counts(t.ming))["MESSAGE"] == 1 and sum((await counts(t.ming)).values()) == 1
    assert (await counts(t.class1_admin))["MESSAGE"] == 1
    assert (await counts(t.school_admin))["MESSAGE"] == 0
    await as_(client, t.ming)
    await call(client, MARK, {"all": True})
    assert (await counts(t.ming))["MESSAGE"] == 0
