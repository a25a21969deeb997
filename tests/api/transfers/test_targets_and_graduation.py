"""transferTargets (TRF-3, TRF-8): names of committees and branches to transfer to, by system; and 延期毕业
(ORG-11): ticked members stay unflagged by the yearly switch."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from factories import add_org, add_person
from transferapi import START, as_, call, codes, league, mid

from zhtj.domain.shared.clock import FixedClock
from zhtj.infrastructure.jobs import run_once

TARGETS = """query($text: String!, $system: String) { transferTargets(text: $text, system: $system) {
  organizationId fullName category system } }"""
DELAYED = """mutation($input: MarkDelayedGraduationInput!) { markDelayedGraduation(input: $input) {
  members { name delayedGraduation graduate } errors { code field rule } } }"""


@pytest.fixture
async def t(uow, hasher, clock, root, client):
    return await league(uow, hasher, clock, root)


async def test_trf8_targets_are_found_by_name_within_a_national_system(client, uow, root, t):
    railway = await add_org(uow, root, "全国铁道", full_name="共青团全国铁道委员会")
    bureau = await add_org(uow, railway, "某铁路局团委", category="团委", industry="国有企业")
    await as_(client, t.ming)  # a member looks for where to go
    found = (await client.query(TARGETS, {"text": "团委", "system": "全国铁道"}))["transferTargets"]
    assert [(f["fullName"], f["category"], f["system"]) for f in found] == [("共青团某铁路局团委", "团委", "全国铁道")]
    everywhere = (await client.query(TARGETS, {"text": "团委"}))["transferTargets"]
    assert {f["fullName"] for f in everywhere} == {"共青团某大学团委", "共青团某公司团委", "共青团某铁路局团委"}
    assert (await client.query(TARGETS, {"text": "团委", "system": "没有的系统"}))["transferTargets"] == []
    started = await call(client, START, {"memberId": mid(t.ming), "targetOrgId": found[0]["organizationId"],
                                         "reason": "就业"})
    assert started["errors"] == [] and started["transfer"]["targetOrgName"] == bureau.full_name
    errors = await client.errors(TARGETS, {"text": "团"})
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_org11_delayed_graduates_stay_unflagged_by_the_switch(client, uow, db, t):
    async with uow:
        (await uow.organizations.get(t.class1.id)).graduation_date = date(2027, 6, 30)
        await uow.commit()
    await as_(client, t.class1_admin)
    marked = await call(client, DELAYED, {"memberIds": [mid(t.hong)], "delayed": True})
    assert marked["members"] == [{"name": "小红", "delayedGraduation": True, "graduate": False}]
    outside = await call(client, DELAYED, {"memberIds": [mid(t.gang)], "delayed": True})
    assert [(e["code"], e["field"], e["rule"]) for e in outside["errors"]] == [("NOT_FOUND", "memberIds", "ACC-4")]
    await as_(client, t.province_admin)
    both = await call(client, DELAYED, {"memberIds": [mid(t.ming), mid(t.hong)], "delayed": True})  # from above
    assert both["errors"] == []
    await call(client, DELAYED, {"memberIds": [mid(t.ming)], "delayed": False})
    await run_once(db, FixedClock(datetime(2027, 6, 2, tzinfo=UTC)), (6, 1))
    async with uow:
        assert (await uow.members.get(t.ming.id)).graduate is True
        assert (await uow.members.get(t.hong.id)).graduate is False
        assert (await uow.organizations.get(t.class1.id)).category == "毕业生团组织"


async def test_org11_only_members_of_school_branches_are_marked(client, uow, hasher, clock, t):
    worker, _ = await add_person(uow, hasher, clock, name="小工", branch=t.company_branch)
    await as_(client, t.province_admin)
    refused = await call(client, DELAYED, {"memberIds": [mid(worker)], "delayed": True})
    assert codes(refused) == ["DELAYED_NOT_SCHOOL"]
