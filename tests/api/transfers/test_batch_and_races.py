"""TRF-4 batch moves; TRF-1 under load: 50 startTransfer calls at once for one member end in one transfer."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from transferapi import BATCH, START, as_, branch_of, call, codes, league, mid, oid

from zhtj.infrastructure.tables.schema import transfers


@pytest.fixture
async def t(uow, hasher, clock, root, client):
    return await league(uow, hasher, clock, root)


async def test_trf4_a_committee_moves_members_between_its_branches_without_approval(client, uow, t):
    await as_(client, t.school_admin)
    moved = await call(client, BATCH, {"memberIds": [mid(t.ming), mid(t.hong)], "targetBranchId": oid(t.class2),
                                       "reason": "其他"})
    assert moved["errors"] == []
    assert [(x["status"], x["kind"]) for x in moved["transfers"]] == [("COMPLETED", "BATCH")] * 2
    assert await branch_of(uow, t.ming) == await branch_of(uow, t.hong) == t.class2.id
    again = await call(client, BATCH, {"memberIds": [mid(t.ming)], "targetBranchId": oid(t.class2), "reason": "其他"})
    assert codes(again) == ["MEMBER_ALREADY_THERE"]


async def test_trf4_at_most_30_no_running_transfer_and_a_branch_of_the_same_committee(client, t):
    await as_(client, t.ming)
    await call(client, START, {"memberId": mid(t.ming), "targetOrgId": oid(t.branch2), "reason": "升学"})
    await as_(client, t.school_admin)
    busy = await call(client, BATCH, {"memberIds": [mid(t.ming)], "targetBranchId": oid(t.class2), "reason": "其他"})
    assert [(e["code"], e["rule"]) for e in busy["errors"]] == [("TRANSFER_RUNNING", "TRF-1")]
    many = [mid(t.hong)] * 31
    assert codes(await call(client, BATCH, {"memberIds": many, "targetBranchId": oid(t.class2),
                                            "reason": "其他"})) == ["BATCH_SIZE"]
    await as_(client, t.class1_admin)  # a branch's admin moves people by transfer, not in batches
    refused = await call(client, BATCH, {"memberIds": [mid(t.hong)], "targetBranchId": oid(t.class1),
                                         "reason": "其他"})
    assert codes(refused) == ["BATCH_OUTSIDE_COMMITTEE", "MEMBER_ALREADY_THERE"]


async def test_trf1_fifty_starts_at_once_for_one_member_make_one_transfer(client, uow, t):
    token = await as_(client, t.class1_admin)
    fields = {"memberId": mid(t.ming), "targetOrgId": oid(t.branch2), "reason": "就业"}
    answers = await asyncio.gather(*(client.post(START, {"input": fields}, token=token) for _ in range(50)))
    payloads = [a.json()["data"]["startTransfer"] for a in answers]
    assert sum(1 for p in payloads if p["errors"] == []) == 1
    assert sorted(codes(p) for p in payloads if p["errors"])[0] == ["TRANSFER_RUNNING"]
    assert all(codes(p) == ["TRANSFER_RUNNING"] for p in payloads if p["errors"])
    async with uow:
        assert await uow.session.scalar(select(func.count()).select_from(transfers)) == 1


DELETE_ORG = """mutation($input: DeleteOrganizationInput!) { deleteOrganization(input: $input) {
  deletedId errors { code } } }"""
MY_TRANSFERS = """query($id: ID!) { node(id: $id) { ... on Member { transfers { status sourceName targetOrgName
  source { id } target { id } } } } }"""


async def test_trf10_history_outlives_a_deleted_branch_org7(client, t):
    await as_(client, t.school_admin)
    moved = await call(client, BATCH, {"memberIds": [mid(t.ming)], "targetBranchId": oid(t.class2), "reason": "其他"})
    assert moved["errors"] == []
    assert (await call(client, DELETE_ORG, {"id": oid(t.class2)}))["errors"] == []  # 小明 goes to 待接转团支部
    await as_(client, t.ming)
    history = (await client.query(MY_TRANSFERS, {"id": mid(t.ming)}))["node"]["transfers"]
    assert history == [{"status": "COMPLETED", "sourceName": "共青团一班团支部", "targetOrgName": "共青团二班团支部",
                        "source": None, "target": None}]
