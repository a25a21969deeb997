"""A member by `node(id:)` with plain fields is answered by a plan (zhtj/graphql/membership/planned.py,
decision 0011): the same answer as the ordinary execution, byte for byte, with the same ACC-4 scope, and the
ordinary way for everything else."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person
from planned_ways import both_ways

from zhtj.domain.membership.model import CadrePosition
from zhtj.graphql.ids import encode_id
from zhtj.graphql.membership import planned

STORED = " ".join(sorted(planned.stored_fields()))
EVERY_FIELD = f"query($id: ID!) {{ node(id: $id) {{ __typename id ... on Member {{ idNumberMasked {STORED} }} }} }}"
PASSWORD = "Jiumima2020"


@pytest.fixture
async def people(root, uow, hasher, clock):
    mine = await add_org(uow, root, "甲省")
    branch = await add_org(uow, mine, "甲省某团支部", category="团支部")
    other = await add_org(uow, root, "乙省")
    other_branch = await add_org(uow, other, "乙省某团支部", category="团支部")
    admin, _ = await add_person(uow, hasher, clock, name="省管理员", password=PASSWORD, admin_of=mine)
    person, _ = await add_person(uow, hasher, clock, name="张伟", branch=branch, password=PASSWORD)
    stranger, _ = await add_person(uow, hasher, clock, name="李娜", branch=other_branch)
    cadre, _ = await add_person(uow, hasher, clock, name="王芳")  # no branch: a post in 甲省 only
    async with uow:
        found = await uow.members.lock(person.id)
        found.ethnicity, found.occupation, found.education = "汉族", "职业青年", "大学本科"
        found.party_join_date, found.political_status = date(2024, 7, 1), "中共党员"
        found.verification, found.verification_checked_at = "校验通过", datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
        found.development_number, found.qq, found.registered_volunteer = "201500000001", "12345", True
        uow.members.add_position(CadrePosition(member_id=cadre.id, org_id=mine.id, position="副书记"))
        await uow.commit()
    return {"admin": admin, "person": person, "stranger": stranger, "cadre": cadre}


def mid(member) -> str:
    return encode_id("Member", member.id)


async def test_every_stored_field_answers_exactly_as_the_ordinary_execution(client, people):
    await client.login_as(people["admin"].id_number, PASSWORD)
    await client.query(EVERY_FIELD, {"id": mid(people["person"])})  # validated once the ordinary way
    planned_answer, ordinary, used = await both_ways(client, planned, EVERY_FIELD, {"id": mid(people["person"])})
    assert used and "errors" not in planned_answer and planned_answer == ordinary
    shown = planned_answer["data"]["node"]
    assert (shown["partyJoinDate"], shown["verificationCheckedAt"], shown["qq"]) == (
        "2024-07-01", "2026-11-20T08:30:00+00:00", "12345")


@pytest.mark.parametrize("shape", [
    "query($id: ID!) { node(id: $id) { ... on Member { name gender politicalStatus } } }",
    "query Page($id: ID!) { person: node(id: $id) { id kind: __typename ... on Member { n: name joinDate } } }",
    'query { node(id: "%s") { id ... on Member { isCadre graduate } } }',
])
async def test_shapes_and_aliases(client, people, shape):
    await client.login_as(people["admin"].id_number, PASSWORD)
    query = shape % mid(people["person"]) if "%s" in shape else shape
    operation = "Page" if "query Page" in query else None
    await client.post(query, {"id": mid(people["person"])})
    planned_answer, ordinary, used = await both_ways(client, planned, query, {"id": mid(people["person"])},
                                                     operation)
    assert used and "errors" not in planned_answer and planned_answer == ordinary


async def test_the_member_themself_and_missing_people_ACC4(client, people):
    query = "query($id: ID!) { node(id: $id) { ... on Member { name joinDate } } }"
    await client.login_as(people["person"].id_number, PASSWORD)
    await client.query(query, {"id": mid(people["person"])})
    planned_answer, ordinary, used = await both_ways(client, planned, query, {"id": mid(people["person"])})
    assert used and planned_answer == ordinary and planned_answer["data"]["node"]["name"] == "张伟"
    for missing in ("TWVtYmVyOjk5OTk5OQ==", encode_id("Member", 2**62)):  # Member:999999
        planned_answer, ordinary, used = await both_ways(client, planned, query, {"id": missing})
        assert used and planned_answer == ordinary == {"data": {"node": None}, "extensions": {}}


async def test_out_of_scope_and_through_a_post_go_the_ordinary_way_ACC4(client, people):
    """Not seen by branch: the plan leaves it to the ordinary way, which also reads the person's posts."""
    query = "query($id: ID!) { node(id: $id) { ... on Member { name } } }"
    await client.login_as(people["admin"].id_number, PASSWORD)
    await client.query(query, {"id": mid(people["stranger"])})
    planned_answer, ordinary, used = await both_ways(client, planned, query, {"id": mid(people["stranger"])})
    assert not used and planned_answer == ordinary == {"data": {"node": None}, "extensions": {}}
    planned_answer, ordinary, used = await both_ways(client, planned, query, {"id": mid(people["cadre"])})
    assert not used and planned_answer == ordinary and planned_answer["data"]["node"] == {"name": "王芳"}


@pytest.mark.parametrize("case", ["anonymous", "initial password", "other fields", "other type", "fragment",
                                  "directive"])
async def test_everything_else_goes_the_ordinary_way_with_its_errors(client, people, root, hasher, clock, uow,
                                                                      case):
    query = "query($id: ID!) { node(id: $id) { ... on Member { name } } }"
    variables = {"id": mid(people["person"])}
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    if case == "anonymous":
        await client.query(query, variables)
        client.token = None
    elif case == "initial password":
        fresh, initial = await add_person(uow, hasher, clock, name="新人", admin_of=root)
        await client.login_as(fresh.id_number, initial)
    elif case == "other fields":
        query = "query($id: ID!) { node(id: $id) { ... on Member { name missingFields } } }"
    elif case == "other type":
        variables = {"id": encode_id("Organization", root.id)}
        query = "query($id: ID!) { node(id: $id) { ... on Organization { shortName } } }"
    elif case == "fragment":
        query = "query($id: ID!) { node(id: $id) { ...m } } fragment m on Member { name }"
    else:
        query = "query($id: ID!, $no: Boolean = false) { node(id: $id) { ... on Member { name @include(if: $no) } } }"
    await client.post(query, variables)
    planned_answer, ordinary, used = await both_ways(client, planned, query, variables)
    assert not used and planned_answer == ordinary
    if case in ("anonymous", "initial password"):
        assert planned_answer["errors"][0]["extensions"]["code"] in ("UNAUTHENTICATED", "FORBIDDEN",
                                                                    "PASSWORD_CHANGE_REQUIRED")
