"""Migrations seen only by their parties (ACC-4) and found by their approvers (ORG-10)."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

from factories import add_org, add_person
from orgapi import codes, oid

from zhtj.domain.organization.model import OrgMigration
from zhtj.graphql.ids import encode_id

REQUEST = """mutation($input: RequestMigrationInput!) { requestMigration(input: $input) {
  migration { id status } errors { code message field rule } } }"""
REVIEW = """mutation($input: ReviewMigrationInput!) { reviewMigration(input: $input) {
  migration { id status } errors { code field rule } } }"""
WITHDRAW = """mutation($input: WithdrawMigrationInput!) { withdrawMigration(input: $input) {
  migration { id status } errors { code field rule } } }"""
TO_REVIEW = """query($first: Int, $after: String) { migrationsToReview(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes { status organizationName oldParentName newParentName } } }"""


async def _admin(uow, hasher, clock, org, name):
    person, password = await add_person(uow, hasher, clock, name=name, password="Admin2026x", admin_of=org)
    return person.id_number, password


async def test_request_answers_not_found_for_any_parent_outside_the_province_ACC4_ORG10(client, root, uow, hasher,
                                                                                       clock):
    jiangsu = await add_org(uow, root, "江苏团省委")
    city = await add_org(uow, jiangsu, "南京团市委")
    school = await add_org(uow, city, "某中学团委", category="团委")
    local_branch = await add_org(uow, jiangsu, "省直团支部", category="团支部")
    zhejiang = await add_org(uow, root, "浙江团省委")
    far_city = await add_org(uow, zhejiang, "杭州团市委")
    far_branch = await add_org(uow, far_city, "某团支部", category="团支部")
    await client.login_as(*await _admin(uow, hasher, clock, school, "学校管理员"))

    async def ask(new_parent_id):
        payload = await client.query(REQUEST, {"input": {"orgId": oid(school), "newParentId": new_parent_id}})
        return payload["requestMigration"]

    missing = await ask(encode_id("Organization", 999999))
    assert codes(missing) == ["NOT_FOUND"]
    for elsewhere in (far_branch, far_city, zhejiang, root):  # no PARENT_IS_BRANCH, no CROSS_PROVINCE_MOVE
        assert (await ask(oid(elsewhere)))["errors"] == missing["errors"], elsewhere.short_name
    assert codes(await ask(oid(local_branch))) == ["PARENT_IS_BRANCH"]  # inside the province, as before


async def test_review_and_withdraw_check_scope_before_state_ACC4_ORG10(client, root, uow, hasher, clock):
    jiangsu = await add_org(uow, root, "江苏团省委")
    old_city = await add_org(uow, jiangsu, "南京团市委")
    new_city = await add_org(uow, jiangsu, "苏州团市委")
    school = await add_org(uow, old_city, "某中学团委", category="团委")
    zhejiang = await add_org(uow, root, "浙江团省委")
    school_login = await _admin(uow, hasher, clock, school, "学校管理员")
    old_login = await _admin(uow, hasher, clock, old_city, "南京管理员")
    outsider_login = await _admin(uow, hasher, clock, zhejiang, "浙江管理员")
    await client.login_as(*school_login)
    asked = await client.query(REQUEST, {"input": {"orgId": oid(school), "newParentId": oid(new_city)}})
    migration_id = asked["requestMigration"]["migration"]["id"]
    withdrawn = await client.query(WITHDRAW, {"input": {"migrationId": migration_id}})
    assert withdrawn["withdrawMigration"]["migration"]["status"] == "WITHDRAWN"
    not_there = {"migrationId": encode_id("OrganizationMigration", 999999)}

    await client.login_as(*outsider_login)
    for query, fields in ((REVIEW, {"migrationId": migration_id, "approve": True}), (WITHDRAW, {
            "migrationId": migration_id}), (REVIEW, {**not_there, "approve": True}), (WITHDRAW, not_there)):
        payload = next(iter((await client.query(query, {"input": fields})).values()))
        assert payload["errors"] == [{"code": "NOT_FOUND", "field": "migrationId", "rule": "ACC-4"}], query
    await client.login_as(*old_login)
    closed = await client.query(REVIEW, {"input": {"migrationId": migration_id, "approve": True}})
    assert codes(closed["reviewMigration"]) == ["MIGRATION_NOT_OPEN"]
    await client.login_as(*school_login)
    again = await client.query(WITHDRAW, {"input": {"migrationId": migration_id}})
    assert codes(again["withdrawMigration"]) == ["MIGRATION_NOT_OPEN"]


async def test_approvers_find_the_migrations_waiting_for_them_ORG10(client, root, uow, hasher, clock):
    jiangsu = await add_org(uow, root, "江苏团省委")
    nanjing = await add_org(uow, jiangsu, "南京团市委")
    suzhou = await add_org(uow, jiangsu, "苏州团市委")
    a = await add_org(uow, nanjing, "甲中学团委", category="团委")
    b = await add_org(uow, nanjing, "乙中学团委", category="团委")
    c = await add_org(uow, suzhou, "丙中学团委", category="团委")
    zhejiang = await add_org(uow, root, "浙江团省委")
    logins = {name: await _admin(uow, hasher, clock, org, name) for name, org in (
        ("南京", nanjing), ("苏州", suzhou), ("江苏", jiangsu), ("甲", a), ("丙", c), ("浙江", zhejiang))}
    await client.login_as(*logins["甲"])
    asked = await client.query(REQUEST, {"input": {"orgId": oid(a), "newParentId": oid(suzhou)}})
    a_migration = asked["requestMigration"]["migration"]["id"]
    clock.advance(hours=1)
    await client.login_as(*logins["丙"])
    await client.query(REQUEST, {"input": {"orgId": oid(c), "newParentId": oid(nanjing)}})
    async with uow:  # asked a day earlier, stored later: the list goes by the time asked
        uow.migrations.add(OrgMigration(org_id=b.id, old_parent_id=nanjing.id, new_parent_id=suzhou.id,
                                        requested_by=1, requested_at=clock.now() - timedelta(days=1)))
        await uow.commit()

    async def waiting(login, **page):
        await client.login_as(*login)
        return (await client.query(TO_REVIEW, page))["migrationsToReview"]

    def names(found):
        return [n["organizationName"] for n in found["nodes"]]

    assert names(await waiting(logins["南京"])) == ["共青团乙中学团委", "共青团甲中学团委"]  # C waits for Suzhou
    suzhou_sees = await waiting(logins["苏州"])
    assert suzhou_sees["nodes"] == [{"status": "AWAITING_OLD_PARENT", "organizationName": "共青团丙中学团委",
                                     "oldParentName": "共青团苏州团市委", "newParentName": "共青团南京团市委"}]
    for nobody in ("甲", "丙", "浙江"):  # the askers and other provinces have no step to take
        assert await waiting(logins[nobody]) == {"totalCount": 0, "nodes": [],
                                                 "pageInfo": {"hasNextPage": False, "endCursor": None}}
    first = await waiting(logins["江苏"], first=2)  # above both parents: every step
    assert names(first) == ["共青团乙中学团委", "共青团甲中学团委"] and first["totalCount"] == 3
    assert first["pageInfo"]["hasNextPage"] is True
    rest = await waiting(logins["江苏"], first=2, after=first["pageInfo"]["endCursor"])
    assert names(rest) == ["共青团丙中学团委"] and rest["pageInfo"]["hasNextPage"] is False

    await client.login_as(*logins["南京"])
    step = await client.query(REVIEW, {"input": {"migrationId": a_migration, "approve": True}})
    assert step["reviewMigration"]["migration"]["status"] == "AWAITING_NEW_PARENT"
    assert names(await waiting(logins["南京"])) == ["共青团乙中学团委"]
    assert names(await waiting(logins["苏州"])) == ["共青团甲中学团委", "共青团丙中学团委"]


async def test_a_malformed_migration_cursor_is_bad_input(client, root, uow, hasher, clock):
    await client.login_as(*await _admin(uow, hasher, clock, root, "根管理员"))
    for key in (["yesterday", 1], ["2026-11-25T08:00:00", 1], [1, 1], ["2026-11-25T08:00:00+00:00", "1"]):
        cursor = base64.urlsafe_b64encode(json.dumps(key).encode()).decode()
        errors = await client.errors(TO_REVIEW, {"after": cursor})
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT" and errors[0]["message"] == "after 游标无效"


NAMES = """query($id: ID!) { node(id: $id) { ... on OrganizationMigration {
  status organizationName oldParentName newParentName } } }"""


async def test_a_migration_names_an_org_only_to_its_admins_and_the_current_step_ACC4_ORG10(client, root, uow, hasher,
                                                                                          clock):
    """The requester types a new parent's id: its name must not come back to them (ACC-4). Each name goes to the
    admins of that org and to whoever may act on the current step, and to nobody else."""
    jiangsu = await add_org(uow, root, "江苏团省委")
    nanjing, suzhou = await add_org(uow, jiangsu, "南京团市委"), await add_org(uow, jiangsu, "苏州团市委")
    school = await add_org(uow, nanjing, "某中学团委", category="团委")
    logins = {name: await _admin(uow, hasher, clock, org, name) for name, org in (
        ("学校", school), ("南京", nanjing), ("苏州", suzhou))}
    await client.login_as(*logins["学校"])
    names = "migration { id status organizationName oldParentName newParentName } errors { code }"
    asked = (await client.query(REQUEST.replace("migration { id status } errors { code message field rule }", names),
                                {"input": {"orgId": oid(school), "newParentId": oid(suzhou)}}))["requestMigration"]
    migration_id = asked["migration"].pop("id")
    assert asked["migration"] == {"status": "AWAITING_OLD_PARENT", "organizationName": "共青团某中学团委",
                                  "oldParentName": None, "newParentName": None}

    async def seen_by(who):
        await client.login_as(*logins[who])
        found = (await client.query(NAMES, {"id": migration_id}))["node"]
        return found["organizationName"], found["oldParentName"], found["newParentName"]

    async def approve_as(who, status):
        await client.login_as(*logins[who])
        step = await client.query(REVIEW, {"input": {"migrationId": migration_id, "approve": True}})
        assert step["reviewMigration"]["migration"]["status"] == status

    school_name, nanjing_name, suzhou_name = "共青团某中学团委", "共青团南京团市委", "共青团苏州团市委"
    assert await seen_by("学校") == (school_name, None, None)
    assert await seen_by("南京") == (school_name, nanjing_name, suzhou_name)  # its step: every name
    assert await seen_by("苏州") == (None, None, suzhou_name)  # not yet its step
    await approve_as("南京", "AWAITING_NEW_PARENT")
    assert await seen_by("南京") == (school_name, nanjing_name, None)
    assert await seen_by("苏州") == (school_name, nanjing_name, suzhou_name)
    await approve_as("苏州", "COMPLETED")
    assert await seen_by("苏州") == (school_name, None, suzhou_name)  # done: the school is Suzhou's now
    assert await seen_by("南京") == (None, nanjing_name, None)
    assert await seen_by("学校") == (school_name, None, None)
