"""The transfer state machine over GraphQL (TRF-1..3, 5, 6, 7, NUM-8): who starts, who approves each step, where
the member lands, and every step recorded."""

from __future__ import annotations

import pytest
from transferapi import APPROVE, RETURN, START, WITHDRAW, as_, branch_of, call, codes, league, mid, oid

from zhtj.domain.transfers import services
from zhtj.graphql.ids import decode_id
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork


@pytest.fixture
async def t(uow, hasher, clock, root, client):
    return await league(uow, hasher, clock, root)


def actions(transfer: dict) -> list[tuple[str, str]]:
    return [(s["action"], s["status"]) for s in transfer["steps"]]


async def test_trf3_transfer_out_to_a_branch_needs_only_the_target(client, uow, t):
    await as_(client, t.class1_admin)
    started = await call(client, START, {"memberId": mid(t.ming), "targetOrgId": oid(t.branch2), "reason": "就业"})
    assert started["errors"] == []
    transfer = started["transfer"]
    assert transfer["status"] == "AWAITING_TARGET" and transfer["canAct"] is False
    assert actions(transfer) == [("START", "AWAITING_SOURCE"), ("APPROVE", "AWAITING_TARGET")]
    await as_(client, t.province2_admin)
    done = await call(client, APPROVE, {"transferId": transfer["id"]})
    assert done["errors"] == [] and done["transfer"]["status"] == "COMPLETED"
    assert done["transfer"]["steps"][-1]["actor"] == "乙省管理员"
    assert await branch_of(uow, t.ming) == t.branch2.id


async def test_trf2_transfer_in_to_a_committee_then_a_branch_is_assigned(client, uow, t):
    await as_(client, t.company_admin)
    fields = {"name": "小明", "idNumber": t.ming.id_number, "targetOrgId": oid(t.company), "reason": "就业"}
    started = await call(client, START, fields)
    assert started["errors"] == [] and started["transfer"]["status"] == "AWAITING_SOURCE"
    wrong = await call(client, START, {**fields, "name": "小明明"})
    assert codes(wrong) == ["MEMBER_NOT_MATCHED"]
    transfer_id = started["transfer"]["id"]
    await as_(client, t.class1_admin)
    approved = await call(client, APPROVE, {"transferId": transfer_id})
    assert approved["transfer"]["status"] == "AWAITING_ASSIGNMENT"
    await as_(client, t.company_admin)
    missing = await call(client, APPROVE, {"transferId": transfer_id})
    assert codes(missing) == ["ASSIGN_BRANCH_REQUIRED"]
    outside = await call(client, APPROVE, {"transferId": transfer_id, "assignBranchId": oid(t.class2)})
    assert codes(outside) == ["NOT_FOUND"]  # a branch the committee's admin does not administer
    assigned = await call(client, APPROVE, {"transferId": transfer_id, "assignBranchId": oid(t.company_branch)})
    assert assigned["transfer"]["status"] == "COMPLETED"
    assert actions(assigned["transfer"])[-1] == ("ASSIGN", "COMPLETED")
    assert await branch_of(uow, t.ming) == t.company_branch.id


async def test_trf1_one_running_transfer_and_a_return_ends_it_with_its_reason(client, uow, t):
    token = await as_(client, t.ming)
    started = await call(client, START, {"memberId": mid(t.ming), "targetOrgId": oid(t.branch2), "reason": "升学"})
    assert started["transfer"]["status"] == "AWAITING_SOURCE"
    again = await call(client, START, {"memberId": mid(t.ming), "targetOrgId": oid(t.company), "reason": "升学"})
    assert [(e["code"], e["message"], e["rule"]) for e in again["errors"]] == [
        ("TRANSFER_RUNNING", "已有业务正在办理，不能重复发起", "TRF-1")]
    transfer_id = started["transfer"]["id"]
    await as_(client, t.class1_admin)
    assert (await call(client, APPROVE, {"transferId": transfer_id}))["transfer"]["status"] == "AWAITING_TARGET"
    await as_(client, t.province2_admin)
    assert codes(await call(client, RETURN, {"transferId": transfer_id, "reason": " "})) == ["REASON_REQUIRED"]
    returned = await call(client, RETURN, {"transferId": transfer_id, "reason": "该团支部已满员"})
    assert returned["transfer"]["status"] == "RETURNED"
    assert returned["transfer"]["steps"][-1]["note"] == "该团支部已满员"
    assert await branch_of(uow, t.ming) == t.class1.id
    anew = await call(client, START, {"memberId": mid(t.ming), "targetOrgId": oid(t.branch2), "reason": "升学"}, token)
    assert anew["errors"] == []


async def test_trf5_the_initiator_withdraws_before_the_last_approval_only(client, t):
    member_token = await as_(client, t.ming)
    started = await call(client, START, {"memberId": mid(t.ming), "targetOrgId": oid(t.company), "reason": "就业"})
    transfer_id = started["transfer"]["id"]
    await as_(client, t.class1_admin)  # the approver sees it, but did not start it
    assert codes(await call(client, WITHDRAW, {"transferId": transfer_id})) == ["WITHDRAW_NOT_ALLOWED"]
    withdrawn = await call(client, WITHDRAW, {"transferId": transfer_id}, member_token)
    assert withdrawn["transfer"]["status"] == "WITHDRAWN"
    assert codes(await call(client, WITHDRAW, {"transferId": transfer_id}, member_token)) == ["WITHDRAW_TOO_LATE"]
    # Past the target committee's approval (waiting for a branch) it is too late as well.
    started = await call(client, START, {"memberId": mid(t.ming), "targetOrgId": oid(t.company), "reason": "就业"},
                         member_token)
    transfer_id = started["transfer"]["id"]
    await call(client, APPROVE, {"transferId": transfer_id})
    await as_(client, t.company_admin)
    assert (await call(client, APPROVE, {"transferId": transfer_id}))["transfer"]["status"] == "AWAITING_ASSIGNMENT"
    assert codes(await call(client, WITHDRAW, {"transferId": transfer_id}, member_token)) == ["WITHDRAW_TOO_LATE"]


async def test_trf5_a_step_unanswered_for_more_than_10_days_expires_once(client, clock, db, t):
    await as_(client, t.ming)
    started = await call(client, START, {"memberId": mid(t.ming), "targetOrgId": oid(t.branch2), "reason": "升学"})
    transfer_id = started["transfer"]["id"]
    clock.advance(days=10)
    await as_(client, t.class1_admin)
    approved = await call(client, APPROVE, {"transferId": transfer_id})  # exactly 10 days: still in time
    assert approved["transfer"]["status"] == "AWAITING_TARGET"
    clock.advance(days=10, seconds=1)
    await as_(client, t.province2_admin)
    assert codes(await call(client, APPROVE, {"transferId": transfer_id})) == ["TRANSFER_EXPIRED"]
    for _ in range(2):  # the jobs record it once, however often they run
        async with SqlUnitOfWork(db.write_sessions) as uow:
            await services.expire_overdue(uow=uow, clock=clock)
    async with SqlUnitOfWork(db.write_sessions) as uow:
        steps = await uow.transfers.steps_of(decode_id(transfer_id, "Transfer"))
    assert [s.action for s in steps] == ["START", "APPROVE", "EXPIRE"] and steps[-1].actor_id is None
    await as_(client, t.ming)  # a new token: 20 days outlive the old one
    again = await call(client, START, {"memberId": mid(t.ming), "targetOrgId": oid(t.branch2), "reason": "升学"})
    assert again["errors"] == []


async def test_trf6_a_special_unit_is_approved_by_the_provincial_level_admin(client, uow, t):
    await as_(client, t.class1_admin)
    fields = {"memberId": mid(t.ming), "special": True, "reason": "参军入伍"}
    assert codes(await call(client, START, fields)) == ["REMARK_REQUIRED"]
    started = await call(client, START, {**fields, "remark": "某部队"})
    transfer_id = started["transfer"]["id"]
    assert started["transfer"]["status"] == "AWAITING_TARGET"
    await as_(client, t.school_admin)  # the committee between is not the provincial level
    assert codes(await call(client, APPROVE, {"transferId": transfer_id})) == ["NOT_FOUND"]
    await as_(client, t.province_admin)
    done = await call(client, APPROVE, {"transferId": transfer_id})
    assert done["transfer"]["status"] == "COMPLETED" and done["transfer"]["targetOrgName"] == "特殊单位"
    assert await branch_of(uow, t.ming) is None


async def test_trf7_num8_another_system_by_full_name_needs_an_approved_archive_from_2020(client, uow, t):
    async with uow:
        (await uow.members.get(t.hong.id)).join_date = "2021-05"
        await uow.commit()
    await as_(client, t.class1_admin)
    fields = {"externalSystem": "北京", "targetName": "共青团北京市某区某中学委员会", "reason": "升学"}
    refused = await call(client, START, {**fields, "memberId": mid(t.hong)})
    assert [(e["code"], e["rule"]) for e in refused["errors"]] == [("ARCHIVE_NOT_APPROVED", "NUM-8")]
    assert codes(await call(client, START, {**fields, "memberId": mid(t.ming), "externalSystem": "上海"})) == [
        "EXTERNAL_SYSTEM_INVALID"]
    sent = await call(client, START, {**fields, "memberId": mid(t.ming)})
    assert sent["transfer"]["status"] == "COMPLETED" and sent["transfer"]["kind"] == "EXTERNAL"
    assert sent["transfer"]["targetOrgName"] == "共青团北京市某区某中学委员会"
    assert await branch_of(uow, t.ming) is None


async def test_trf3_form_problems_come_together_and_only_committees_or_branches_are_targets(client, t):
    await as_(client, t.class1_admin)
    both = await call(client, START, {"memberId": mid(t.ming), "targetOrgId": oid(t.province2), "special": True,
                                      "reason": "搬家"})
    assert sorted(codes(both)) == ["REASON_INVALID", "REMARK_REQUIRED", "TARGET_NOT_ALLOWED", "TARGET_REQUIRED"]
    same = await call(client, START, {"memberId": mid(t.ming), "targetOrgId": oid(t.class1), "reason": "其他"})
    assert codes(same) == ["TARGET_IS_SOURCE"]
    unemployed = await call(client, START, {"memberId": mid(t.ming), "targetOrgId": oid(t.class2), "reason": "未就业"})
    assert [(e["code"], e["rule"]) for e in unemployed["errors"]] == [("HOUSEHOLD_TOWN_REQUIRED", "TRF-9")]


DELETE = """mutation($input: DeleteMemberInput!) { deleteMember(input: $input) { deletedId errors { code rule } } }"""


async def test_mem15_nobody_in_a_running_transfer_is_deleted(client, clock, t):
    await as_(client, t.ming)
    await call(client, START, {"memberId": mid(t.ming), "targetOrgId": oid(t.branch2), "reason": "升学"})
    await as_(client, t.province_admin)
    refused = await call(client, DELETE, {"id": mid(t.ming), "reason": "重复录入"})
    assert [(e["code"], e["rule"]) for e in refused["errors"]] == [("MEMBER_IN_TRANSFER", "MEM-15")]
    clock.advance(days=11)  # unanswered for more than 10 days, the transfer has ended (TRF-5)
    await as_(client, t.province_admin)
    assert (await call(client, DELETE, {"id": mid(t.ming), "reason": "重复录入"}))["errors"] == []
