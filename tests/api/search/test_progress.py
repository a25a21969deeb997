"""Organization.progress (X-3, X-5) over GraphQL, and its .xlsx download read back with openpyxl."""

from __future__ import annotations

import io

import openpyxl
import pytest
from factories import add_org
from searchapi import PASSWORD, league, oid

COUNTS = ("branchesTotal branchesComplete branchesCompleteShare membersEntered membersComplete "
          "membersCompleteShare grassrootsTotal cadresEntered cadresComplete")
PROGRESS = f"""query($id: ID!, $domain: String) {{ organization(id: $id) {{ progress(domain: $domain) {{
  {COUNTS} leadingBodiesTotal leadingBodiesComplete committeesTotal committeesComplete downloadUrl
  byChild {{ organization {{ fullName }} {COUNTS} }}
  schoolsWithoutCode {{ fullName }} schoolsWithoutBranch {{ fullName }} }} }} }}"""
COMPLETE = {"ethnicity": "汉族", "occupation": "职业青年", "job_type": "其他", "education": "大学本科",
            "mobile": "13800138000", "household_address": "北京市", "registered_volunteer": False}


@pytest.fixture
async def t(uow, hasher, clock, root):
    t = await league(uow, hasher, clock, root)
    async with uow:  # three complete people in 一班团支部: it meets the branch standard
        for key in ("zw_class1", "zwh", "wf"):
            member = await uow.members.lock(t.people[key].id)
            for name, value in COMPLETE.items():
                setattr(member, name, value)
        await uow.commit()
    school = await add_org(uow, t.chaoyang, "某中学团委", category="团委", full_name="朝阳某中学团委",
                           industry="普通高中")
    t.school = school
    return t


async def progress(client, org, domain=None):
    found = await client.query(PROGRESS, {"id": oid(org), "domain": domain})
    return found["organization"]["progress"] if found["organization"] else None


async def test_x3_counts_per_child_live(client, t, uow):
    await client.login_as(t.beijing_admin.id_number, PASSWORD)
    seen = await progress(client, t.beijing)
    assert (seen["branchesTotal"], seen["branchesComplete"], seen["membersEntered"], seen["membersComplete"]) == (
        3, 1, 5, 3)
    assert seen["membersCompleteShare"] == 0.6 and seen["branchesCompleteShare"] == round(1 / 3, 4)
    rows = {r["organization"]["fullName"]: r for r in seen["byChild"]}
    assert list(rows) == ["共青团北京市海淀区委员会", "共青团北京市朝阳区委员会"]
    haidian = rows["共青团北京市海淀区委员会"]
    assert (haidian["membersEntered"], haidian["branchesComplete"]) == (4, 1)
    assert seen["committeesTotal"] == 3 and seen["grassrootsTotal"] == 6
    async with uow:  # live: a person loses a field, the branch falls below the standard at once
        member = await uow.members.lock(t.people["wf"].id)
        member.mobile = None
        await uow.commit()
    again = await progress(client, t.beijing)
    assert (again["branchesComplete"], again["membersComplete"]) == (0, 2)


async def test_x3_per_domain(client, t):
    await client.login_as(t.beijing_admin.id_number, PASSWORD)
    school = await progress(client, t.beijing, "学校")
    assert (school["branchesTotal"], school["membersEntered"]) == (2, 4)  # 海淀's two classes are 普通高中
    assert [r["branchesTotal"] for r in school["byChild"]] == [2, 0]
    errors = await client.errors(PROGRESS, {"id": oid(t.beijing), "domain": "火星"})
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_x5_schools(client, t, uow):
    await client.login_as(t.beijing_admin.id_number, PASSWORD)
    seen = await progress(client, t.beijing)
    # 海淀's two 普通高中 branches under a 党政机关 committee are schools that are a single branch (ORG-11)
    assert sorted(s["fullName"] for s in seen["schoolsWithoutCode"]) == ["朝阳某中学团委", "海淀一中一班团支部",
                                                                         "海淀一中二班团支部"]
    assert seen["schoolsWithoutBranch"] == []
    async with uow:
        (await uow.organizations.lock(t.school.id)).school_code = "4111010001"
        await uow.commit()
    seen = await progress(client, t.beijing)
    assert "朝阳某中学团委" not in [s["fullName"] for s in seen["schoolsWithoutCode"]]
    assert [s["fullName"] for s in seen["schoolsWithoutBranch"]] == ["朝阳某中学团委"]


async def test_x3_only_for_admins_in_scope(client, t):
    await client.login_as(t.hebei_admin.id_number, PASSWORD)
    assert await progress(client, t.beijing) is None


async def test_x3_workbook_has_the_same_numbers(client, t):
    await client.login_as(t.beijing_admin.id_number, PASSWORD)
    for domain in (None, "学校"):
        seen = await progress(client, t.beijing, domain)
        response = await client.http.get(seen["downloadUrl"], headers={"Authorization": f"Bearer {client.token}"})
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:4] == ("组织全称", "团支部总数", "达标团支部数", "团支部达标率")
        keys = COUNTS.split()
        expected = [(r["organization"]["fullName"], *(r[k] for k in keys)) for r in seen["byChild"]]
        expected.append(("合计", *(seen[k] for k in keys)))
        assert rows[1:] == expected


async def test_x3_workbook_needs_a_token_and_scope(client, t):
    await client.login_as(t.hebei_admin.id_number, PASSWORD)
    url = f"/organizations/{oid(t.beijing)}/progress.xlsx"
    assert (await client.http.get(url)).status_code == 401
    denied = await client.http.get(url, headers={"Authorization": f"Bearer {client.token}"})
    assert denied.status_code == 404
