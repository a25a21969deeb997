"""ACC-4: every transfer mutation answers an out-of-scope id exactly as a nonexistent one, before reading the form;
TRF-10: who sees a transfer, its member card and the history."""

from __future__ import annotations

import pytest
from transferapi import (
    APPROVE,
    BATCH,
    HISTORY,
    NODE,
    RETURN,
    START,
    WITHDRAW,
    as_,
    call,
    league,
    mid,
    oid,
)

from zhtj.graphql.ids import encode_id

NOBODY_MEMBER = encode_id("Member", 987654)
NOBODY_ORG = encode_id("Organization", 987654)
NOBODY_TRANSFER = encode_id("Transfer", 987654)


@pytest.fixture
async def t(uow, hasher, clock, root, client):
    return await league(uow, hasher, clock, root)


def answers(payload: dict) -> list[tuple]:
    return [(e["code"], e["message"], e["field"], e["rule"]) for e in payload["errors"]]


async def test_acc4_start_refuses_a_member_or_target_out_of_scope_as_one_that_does_not_exist(client, t):
    await as_(client, t.class1_admin)
    for bad_form in ({}, {"reason": "搬家", "special": True}):  # the form is not read before scope
        out = await call(client, START, {"memberId": mid(t.gang), "targetOrgId": oid(t.class2), "reason": "就业",
                                         **bad_form})
        gone = await call(client, START, {"memberId": NOBODY_MEMBER, "targetOrgId": oid(t.class2), "reason": "就业",
                                          **bad_form})
        assert answers(out) == answers(gone) == [("NOT_FOUND", "团员不存在或无权访问", "memberId", "ACC-4")]
    # 转入: the target must be the viewer's before the name and ID number are looked at
    fields = {"name": "小刚", "idNumber": t.gang.id_number, "reason": "就业"}
    out = await call(client, START, {**fields, "targetOrgId": oid(t.company)})
    gone = await call(client, START, {**fields, "targetOrgId": NOBODY_ORG})
    assert answers(out) == answers(gone) == [("NOT_FOUND", "组织不存在或无权访问", "targetOrgId", "ACC-4")]


async def test_acc4_approve_return_withdraw_refuse_a_transfer_out_of_scope_as_one_that_does_not_exist(client, t):
    await as_(client, t.ming)
    started = await call(client, START, {"memberId": mid(t.ming), "targetOrgId": oid(t.class2), "reason": "其他"})
    transfer_id = started["transfer"]["id"]
    for outsider in (t.province2_admin, t.company_admin, t.gang):
        await as_(client, outsider)
        for query, extra in ((APPROVE, {}), (RETURN, {"reason": "不同意"}), (WITHDRAW, {})):
            out = await call(client, query, {"transferId": transfer_id, **extra})
            gone = await call(client, query, {"transferId": NOBODY_TRANSFER, **extra})
            assert answers(out) == answers(gone) == [("NOT_FOUND", "转接申请不存在或无权访问", "transferId", "ACC-4")]
        assert (await client.query(NODE, {"id": transfer_id}))["node"] is None


async def test_acc4_batch_refuses_members_and_branches_out_of_scope_as_ones_that_do_not_exist(client, t):
    await as_(client, t.school_admin)
    out = await call(client, BATCH, {"memberIds": [mid(t.ming), mid(t.gang)], "targetBranchId": oid(t.class2),
                                     "reason": "搬家"})
    gone = await call(client, BATCH, {"memberIds": [mid(t.ming), NOBODY_MEMBER], "targetBranchId": oid(t.class2),
                                      "reason": "搬家"})
    assert answers(out) == answers(gone) == [("NOT_FOUND", "团员不存在或无权访问", "memberIds", "ACC-4")]
    out = await call(client, BATCH, {"memberIds": [mid(t.ming)], "targetBranchId": oid(t.company_branch),
                                     "reason": "搬家"})
    gone = await call(client, BATCH, {"memberIds": [mid(t.ming)], "targetBranchId": NOBODY_ORG, "reason": "搬家"})
    assert answers(out) == answers(gone) == [("NOT_FOUND", "组织不存在或无权访问", "targetBranchId", "ACC-4")]


async def test_trf10_the_member_the_approvers_and_those_who_took_part_see_it_and_nobody_else(client, t):
    await as_(client, t.company_admin)
    started = await call(client, START, {"name": "小明", "idNumber": t.ming.id_number, "targetOrgId": oid(t.company),
                                         "reason": "就业"})
    transfer_id = started["transfer"]["id"]
    await as_(client, t.class1_admin)  # the source side's approver sees the card: data, contacts, org, its admins
    seen = (await client.query(NODE, {"id": transfer_id}))["node"]
    assert seen["canAct"] is True
    assert seen["memberCard"] == {"name": "小明", "mobile": None, "currentOrg": "共青团一班团支部",
                                  "admins": [{"name": "一班团支部管理员"}]}
    await as_(client, t.province2_admin)
    assert (await client.query(NODE, {"id": transfer_id}))["node"] is None
    await as_(client, t.class1_admin)
    await call(client, APPROVE, {"transferId": transfer_id})
    await as_(client, t.company_admin)
    await call(client, APPROVE, {"transferId": transfer_id, "assignBranchId": oid(t.company_branch)})
    for who in (t.ming, t.class1_admin, t.company_admin):  # the member and both who took part, after the end
        await as_(client, who)
        node = (await client.query(NODE, {"id": transfer_id}))["node"]
        assert node["status"] == "COMPLETED" and node["canAct"] is False
        history = (await client.query(HISTORY))["transfers"]
        assert history["totalCount"] == 1 and history["nodes"][0]["id"] == transfer_id
    await as_(client, t.school_admin)  # above the old branch, but took no part: the approvals are not theirs
    assert (await client.query(NODE, {"id": transfer_id}))["node"] is None
    assert (await client.query(HISTORY))["transfers"]["totalCount"] == 0
