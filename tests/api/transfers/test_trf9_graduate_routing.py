"""TRF-9 (decision 0060): a graduate's transfer states where they go. Employed: to the employer's league org or,
where it has none, to the 流动团支部 of the workplace's town; never by 未就业. Not employed: 未就业 goes to the
household town's org. Refusals are TRF-9 UserErrors, given only once the member is the caller's to move (ACC-4)."""

from __future__ import annotations

import pytest
from factories import add_org
from transferapi import ERRORS, START, as_, call, codes, league, mid, oid

WITHDRAW = f"""mutation($input: WithdrawTransferInput!) {{ withdrawTransfer(input: $input) {{
  transfer {{ status }} {ERRORS} }} }}"""
STARTED = f"""mutation($input: StartTransferInput!) {{ startTransfer(input: $input) {{ transfer {{ id status reason
  employment {{ employed employerName workplaceTown householdTown }} }} {ERRORS} }} }}"""
UPDATE = f"""mutation($input: UpdateOrganizationInput!) {{ updateOrganization(input: $input) {{
  organization {{ floating }} {ERRORS} }} }}"""
TARGETS = """query($text: String!) { transferTargets(text: $text, floating: true) { fullName floating } }"""


@pytest.fixture
async def t(uow, hasher, clock, root, client):
    t = await league(uow, hasher, clock, root)
    street = await add_org(uow, t.province, "某某街道团工委", category="团工委", full_name="某某街道团工委",
                           industry="城市社区")
    t.floating = await add_org(uow, street, "流动团支部", category="团支部", full_name="某某街道流动团支部",
                               industry="城市社区")
    town = await add_org(uow, t.province, "某某镇团委", category="团委", full_name="共青团某某镇委员会",
                         industry="农村")
    t.village = await add_org(uow, town, "某村团支部", category="团支部", full_name="某某镇某村团支部", industry="农村")
    async with uow:
        (await uow.members.get(t.ming.id)).graduate = True  # 小明 graduated (ORG-11); 小红 did not
        await uow.commit()
    await as_(client, t.province_admin)
    made = await call(client, UPDATE, {"id": oid(t.floating), "floating": True})
    assert made == {"organization": {"floating": True}, "errors": []}
    return t


def _rules(payload: dict) -> list[tuple[str, str, str]]:
    return [(e["code"], e["field"], e["rule"]) for e in payload["errors"]]


async def _started_then_withdrawn(client, fields: dict) -> dict:
    started = await call(client, STARTED, fields)
    assert started["errors"] == [], started
    withdrawn = await call(client, WITHDRAW, {"transferId": started["transfer"]["id"]})
    assert withdrawn["errors"] == []
    return started["transfer"]


async def test_trf9_a_graduate_moving_inside_the_system_says_whether_employed(client, t):
    await as_(client, t.ming)
    given = {"memberId": mid(t.ming), "targetOrgId": oid(t.company_branch), "reason": "就业"}
    assert _rules(await call(client, START, given)) == [("EMPLOYMENT_REQUIRED", "employment", "TRF-9")]
    assert _rules(await call(client, START, {**given, "employment": {"employed": True}})) == [
        ("EMPLOYER_NAME_REQUIRED", "employerName", "TRF-9")]
    to_other_system = {"memberId": mid(t.ming), "externalSystem": "北京", "targetName": "共青团北京市某公司委员会",
                       "reason": "就业"}  # TRF-7: the other system's orgs are not ours to check
    assert codes(await call(client, START, to_other_system)) != ["EMPLOYMENT_REQUIRED"]


async def test_trf9_an_employed_graduate_goes_to_the_employers_org(client, t):
    await as_(client, t.ming)
    employed = {"employed": True, "employerName": "某公司"}
    given = {"memberId": mid(t.ming), "reason": "就业", "employment": employed}
    wrong = await call(client, START, {**given, "targetOrgId": oid(t.class2)})
    assert _rules(wrong) == [("EMPLOYER_ORG_MISMATCH", "targetOrgId", "TRF-9")]
    assert wrong["errors"][0]["message"].startswith("转入组织须为工作单位的团组织")
    home = await call(client, START, {**given, "targetOrgId": oid(t.village), "reason": "未就业",
                                      "employment": {**employed, "householdTown": "某某镇"}})
    assert _rules(home) == [("REASON_NOT_ALLOWED", "reason", "TRF-9")]  # 001 Q62
    done = await _started_then_withdrawn(client, {**given, "targetOrgId": oid(t.company_branch)})
    assert done["employment"] == {"employed": True, "employerName": "某公司", "workplaceTown": None,
                                  "householdTown": None}
    # the employer's committee, or a branch of it: its name or one above it up to the first leading body
    committee = await _started_then_withdrawn(client, {**given, "targetOrgId": oid(t.company)})
    assert committee["status"] == "AWAITING_SOURCE"


async def test_trf9_without_an_employer_org_to_the_workplace_towns_floating_branch(client, t):
    await as_(client, t.ming)
    given = {"memberId": mid(t.ming), "targetOrgId": oid(t.floating), "reason": "就业"}
    shop = {"employed": True, "employerName": "某小店"}
    assert _rules(await call(client, START, {**given, "employment": shop})) == [
        ("WORKPLACE_TOWN_REQUIRED", "workplaceTown", "TRF-9")]
    elsewhere = await call(client, START, {**given, "employment": {**shop, "workplaceTown": "另一街道"}})
    assert _rules(elsewhere) == [("WORKPLACE_TOWN_MISMATCH", "targetOrgId", "TRF-9")]  # 001 Q63
    not_a_town = await call(client, START, {**given, "employment": {**shop, "workplaceTown": "某某市"}})
    assert _rules(not_a_town) == [("WORKPLACE_TOWN_INVALID", "workplaceTown", "TRF-9")]
    done = await _started_then_withdrawn(client, {**given, "employment": {**shop, "workplaceTown": "某 某街道"}})
    assert done["employment"]["workplaceTown"] == "某某街道"
    # an ordinary branch of the same street is not its 流动团支部: the employer's org is asked for
    found = (await client.query(TARGETS, {"text": "某某街道"}))["transferTargets"]
    assert found == [{"fullName": "某某街道流动团支部", "floating": True}]


async def test_trf9_unemployed_goes_to_the_household_town_for_graduates_and_others(client, t):
    await as_(client, t.ming)
    jobless = {"employed": False, "householdTown": "某某镇"}
    given = {"memberId": mid(t.ming), "reason": "未就业", "employment": jobless}
    assert _rules(await call(client, START, {**given, "targetOrgId": oid(t.company_branch)})) == [
        ("HOUSEHOLD_TOWN_MISMATCH", "targetOrgId", "TRF-9")]
    assert _rules(await call(client, START, {**given, "employment": None, "targetOrgId": oid(t.village)})) == [
        ("HOUSEHOLD_TOWN_REQUIRED", "householdTown", "TRF-9")]
    done = await _started_then_withdrawn(client, {**given, "targetOrgId": oid(t.village)})
    assert done["reason"] == "未就业" and done["employment"]["householdTown"] == "某某镇"
    await as_(client, t.hong)  # not a graduate: 001 Q66 lets anyone without a job go home, stated the same way
    hong = {"memberId": mid(t.hong), "reason": "未就业", "employment": jobless, "targetOrgId": oid(t.village)}
    assert (await _started_then_withdrawn(client, hong))["status"] == "AWAITING_SOURCE"


async def test_trf9_refusals_come_after_scope_ACC4(client, t):
    await as_(client, t.province2_admin)  # 小明 is not theirs: the broken statement is not looked at
    given = {"targetOrgId": oid(t.class2), "reason": "未就业", "employment": {"employed": True}}
    real = await call(client, START, {**given, "memberId": mid(t.ming)})
    missing = await call(client, START, {**given, "memberId": "TWVtYmVyOjk4NzY1NDMyMQ=="})
    assert real == missing and _rules(real) == [("NOT_FOUND", "memberId", "ACC-4")]


async def test_trf9_only_a_branch_is_a_floating_branch(client, t):
    await as_(client, t.province_admin)
    refused = await call(client, UPDATE, {"id": oid(t.company), "floating": True})
    assert _rules(refused) == [("FLOATING_NOT_BRANCH", "floating", "TRF-9")]
    assert (await call(client, UPDATE, {"id": oid(t.floating), "floating": False}))["organization"] == {
        "floating": False}
