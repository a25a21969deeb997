"""Requests fired at once (asyncio.gather) that each passed their checks alone but together broke a rule:
ACC-3 (admins, codes), MEM-12 (one 书记), ORG-10 (one open migration). PostgreSQL runs them side by side, so
each use case locks its org's row before it reads what it checks; SQLite queues writers, but the viewer of a
request is still built before its turn, so ACC-3's own rights are read again inside the transaction."""

from __future__ import annotations

import asyncio

from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person
from sqlalchemy import func, select

from zhtj.domain.membership.model import CadrePosition
from zhtj.graphql.ids import encode_id
from zhtj.infrastructure.tables.schema import admin_codes, cadre_positions, org_admins, org_migrations

ERRORS = "errors { code field rule }"
REMOVE = f"""mutation($input: RemoveAdminInput!) {{ removeAdmin(input: $input) {{ organization {{ id }}
  {ERRORS} }} }}"""
ADD = f"""mutation($input: AddAdminInput!) {{ addAdmin(input: $input) {{ organization {{ id }} {ERRORS} }} }}"""
ISSUE = f"""mutation($input: IssueAdminCodeInput!) {{ issueAdminCode(input: $input) {{ code {ERRORS} }} }}"""
CHANGE = f"""mutation($input: ChangePositionInput!) {{ changePosition(input: $input) {{ position {{ position }}
  {ERRORS} }} }}"""
REQUEST = f"""mutation($input: RequestMigrationInput!) {{ requestMigration(input: $input) {{ migration {{ id }}
  {ERRORS} }} }}"""
PASSWORD = "Guanli2026x"
NOT_FOUND = [{"code": "NOT_FOUND", "field": "orgId", "rule": "ACC-4"}]


def oid(org) -> str:
    return encode_id("Organization", org.id)


def mid(member) -> str:
    return encode_id("Member", member.id)


async def at_once(client, query: str, calls: list[tuple[str, dict]]) -> list[dict]:
    """Each (token, input) sent at the same time; the payloads in the same order."""
    answers = await asyncio.gather(*(client.post(query, {"input": given}, token=token) for token, given in calls))
    return [next(iter(a.json()["data"].values())) for a in answers]


async def count(uow, table, *where) -> int:
    async with uow:
        return await uow.session.scalar(select(func.count()).select_from(table).where(*where)) or 0


async def test_two_admins_removing_each_other_at_once_leave_one_ACC3(client, root, uow, hasher, clock):
    for round_ in range(3):
        province = await add_org(uow, root, f"第{round_}团省委")
        first, _ = await add_person(uow, hasher, clock, name="甲", password=PASSWORD, admin_of=province)
        second, _ = await add_person(uow, hasher, clock, name="乙", password=PASSWORD, admin_of=province)
        tokens = [await client.login_as(p.id_number, PASSWORD) for p in (first, second)]
        payloads = await at_once(client, REMOVE, [
            (tokens[0], {"orgId": oid(province), "memberId": mid(second)}),
            (tokens[1], {"orgId": oid(province), "memberId": mid(first)})])
        assert await count(uow, org_admins, org_admins.c.org_id == province.id) == 1
        # The loser no longer administers the org: NOT_FOUND, as for any org out of scope.
        assert sorted((p["errors"] for p in payloads), key=len) == [[], NOT_FOUND]


async def test_add_admin_racing_the_end_of_the_post_leaves_no_admin_without_a_post_ACC3(client, root, uow, hasher,
                                                                                       clock):
    token = await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    for round_ in range(3):
        branch = await add_org(uow, root, f"第{round_}团支部", category="团支部", industry="城市社区")
        cadre, _ = await add_person(uow, hasher, clock, name="干部", branch=branch)
        async with uow:
            uow.members.add_position(CadrePosition(member_id=cadre.id, org_id=branch.id, position="委员"))
            await uow.commit()
        added, ended = await asyncio.gather(
            client.post(ADD, {"input": {"orgId": oid(branch), "memberId": mid(cadre)}}, token=token),
            client.post(CHANGE, {"input": {"orgId": oid(branch), "memberId": mid(cadre), "position": "无职务"}},
                        token=token))
        errors = [added.json()["data"]["addAdmin"]["errors"], ended.json()["data"]["changePosition"]["errors"]]
        done, refused = sorted(errors, key=len)  # exactly one went through; the other saw it
        assert done == [] and [e["code"] for e in refused] == ["ADMIN_MUST_BE_CADRE"]
        is_admin = await count(uow, org_admins, org_admins.c.org_id == branch.id) == 1
        post_ended = await count(uow, cadre_positions, cadre_positions.c.org_id == branch.id,
                                 cadre_positions.c.position == "无职务") == 1
        assert is_admin != post_ended


async def test_three_new_secretaries_at_once_leave_one_MEM12(client, root, uow, hasher, clock):
    token = await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    for round_ in range(3):
        branch = await add_org(uow, root, f"第{round_}团支部", category="团支部", industry="城市社区")
        people = [(await add_person(uow, hasher, clock, name=n, branch=branch))[0] for n in ("甲", "乙", "丙")]
        payloads = await at_once(client, CHANGE, [(token, {
            "orgId": oid(branch), "memberId": mid(p), "position": "书记", "positionSince": "2025-09"}) for p in people])
        assert all(p["errors"] == [] for p in payloads)  # each new secretary replaces the one before (MEM-12)
        in_branch = cadre_positions.c.org_id == branch.id
        assert await count(uow, cadre_positions, in_branch, cadre_positions.c.position == "书记") == 1
        assert await count(uow, cadre_positions, in_branch, cadre_positions.c.position == "无职务") == 2


async def test_one_org_asking_to_migrate_three_times_at_once_opens_one_migration_ORG10(client, root, uow, hasher,
                                                                                      clock):
    province = await add_org(uow, root, "江苏团省委")
    old_city, new_city = await add_org(uow, province, "南京团市委"), await add_org(uow, province, "苏州团市委")
    for round_ in range(3):
        school = await add_org(uow, old_city, f"第{round_}中学团委", category="团委", industry="普通高中")
        admin, _ = await add_person(uow, hasher, clock, name="学校管理员", password=PASSWORD, admin_of=school)
        token = await client.login_as(admin.id_number, PASSWORD)
        payloads = await at_once(client, REQUEST, [(token, {"orgId": oid(school), "newParentId": oid(new_city)})] * 3)
        assert await count(uow, org_migrations, org_migrations.c.org_id == school.id) == 1
        assert sorted(p["errors"] for p in payloads) == [[]] + [
            [{"code": "MIGRATION_ALREADY_OPEN", "field": "orgId", "rule": "ORG-10"}]] * 2


async def test_codes_issued_at_once_for_one_org_leave_one_live_code_ACC3(client, root, uow):
    token = await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    for round_ in range(3):
        province = await add_org(uow, root, f"第{round_}团省委")
        payloads = await at_once(client, ISSUE, [(token, {"orgId": oid(province)})] * 3)
        assert all(p["errors"] == [] and p["code"] for p in payloads)
        live = (admin_codes.c.org_id == province.id, admin_codes.c.used_at.is_(None),
                admin_codes.c.revoked_at.is_(None))
        assert await count(uow, admin_codes, *live) == 1
