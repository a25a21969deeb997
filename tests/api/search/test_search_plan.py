"""The search box's usual shape is answered by a plan (zhtj/graphql/search/planned.py, decisions 0011, 0075): the
same answer as the ordinary execution, byte for byte (key order included), with the same X-1 scope, routing,
ranking and audit, and the ordinary way for everything else."""

from __future__ import annotations

import json

import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_person
from planned_ways import both_ways
from searchapi import PASSWORD, SEARCH, league
from sqlalchemy import func, select

from zhtj.domain.membership.model import CadrePosition
from zhtj.graphql.search import planned
from zhtj.infrastructure.tables.schema import audit_log

BOX = """query SearchBox($text: String!) { search(text: $text, first: 8) {
  members { id name idNumberMasked branch { id shortName ancestors { shortName } } }
  organizations { id fullName ancestors { shortName } } tooMany hint } }"""
BARE = "query($t: String!) { search(text: $t, first: 20) { tooMany hint members { name } organizations { fullName } } }"
ALIASED = """query Find($t: String!, $n: Int = 3) { found: search(text: $t, first: $n) { __typename many: tooMany
  people: members { __typename who: name gender joinDate developmentNumber home: branch { __typename depth
    category up: ancestors { id fullName depth } } }
  orgs: organizations { shortName domain ancestors { __typename shortName } } archives { status } } }"""
TEXTS = ["张伟", "张伟 海淀", "zw", "zhangwei", "海淀区", "公司团支部", "一中二班", "北京", "王芳", "", "  ", "无此人"]


@pytest.fixture
async def t(uow, hasher, clock, root):
    return await league(uow, hasher, clock, root)


async def both(client, query: str, variables: dict) -> tuple[dict, dict, bool]:
    """Both ways, once the text is known: a text seen for the first time goes strawberry's whole way."""
    body = {"query": query, "variables": {k: "甲" if isinstance(v, str) else v for k, v in variables.items()}}
    headers = {"Authorization": f"Bearer {client.token}"} if client.token else {}
    await client.http.post("/graphql", json=body, headers=headers)
    return await both_ways(client, planned, query, variables)


def same(planned_answer: dict, ordinary: dict) -> bool:
    return json.dumps(planned_answer, ensure_ascii=False) == json.dumps(ordinary, ensure_ascii=False)


@pytest.mark.parametrize("viewer", ["beijing_admin", "haidian_admin", "root"])
async def test_x1_the_usual_shapes_answer_as_the_ordinary_execution(client, t, viewer):
    if viewer == "root":
        await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    else:
        await client.login_as(getattr(t, viewer).id_number, PASSWORD)
    for query, name in ((BOX, "text"), (BARE, "t"), (ALIASED, "t"), (SEARCH, "text")):
        for text in TEXTS:
            variables = {name: text} if query != SEARCH else {"text": text, "first": 2}
            planned_answer, ordinary, used = await both(client, query, variables)
            assert used, (query, text)
            assert "errors" not in planned_answer and same(planned_answer, ordinary), (query, text)


async def test_x1_planned_ranking_and_hint_are_the_resolvers(client, t):
    await client.login_as(t.beijing_admin.id_number, PASSWORD)
    answer, ordinary, used = await both(client, SEARCH, {"text": "张伟", "first": 3})
    assert used and same(answer, ordinary)
    found = answer["data"]["search"]
    assert [m["name"] for m in found["members"]] == ["张伟"] * 3  # the whole name before 张伟华
    assert found["tooMany"] is True and found["hint"] == "结果过多，请输入组织名称或省份等信息辅助搜索"
    answer, _, _ = await both(client, SEARCH, {"text": "张伟", "first": 4})
    assert [m["name"] for m in answer["data"]["search"]["members"]][-1] == "张伟华"
    assert answer["data"]["search"]["tooMany"] is False


async def test_x1_planned_id_number_is_one_audited_full_read(client, t, db):
    person = t.people["zw_hebei"]
    await client.login_as(t.hebei_admin.id_number, PASSWORD)
    answer, ordinary, used = await both(client, BOX, {"text": person.id_number.lower()})
    assert used and same(answer, ordinary)
    assert [m["name"] for m in answer["data"]["search"]["members"]] == ["张伟"]
    async with db.read_sessions() as session:
        audited = (await session.execute(select(func.count()).select_from(audit_log).where(
            audit_log.c.action == "searchIdNumber", audit_log.c.subject == f"Member:{person.id}"))).scalar_one()
    assert audited == 2  # once each way, never twice for one request

    # another province's person: maybe theirs through a post, which the ordinary way reads; nobody, and no read
    await client.login_as(t.beijing_admin.id_number, PASSWORD)
    answer, ordinary, used = await both(client, BOX, {"text": person.id_number})
    assert not used and same(answer, ordinary) and answer["data"]["search"]["members"] == []
    async with db.read_sessions() as session:
        assert (await session.execute(select(func.count()).select_from(audit_log).where(
            audit_log.c.action == "searchIdNumber"))).scalar_one() == 2


async def test_x1_a_person_seen_through_a_post_goes_the_ordinary_way(client, t, uow, hasher, clock):
    cadre, _ = await add_person(uow, hasher, clock, name="赵敏")  # no branch: a post in 海淀 only
    async with uow:
        uow.members.add_position(CadrePosition(member_id=cadre.id, org_id=t.haidian.id, position="副书记"))
        await uow.commit()
    await client.login_as(t.haidian_admin.id_number, PASSWORD)
    answer, ordinary, used = await both(client, BOX, {"text": cadre.id_number})
    assert not used and same(answer, ordinary)
    assert [m["name"] for m in answer["data"]["search"]["members"]] == ["赵敏"]
    answer, ordinary, used = await both(client, BOX, {"text": "赵敏"})  # by name: found at the post
    assert used and same(answer, ordinary)
    assert answer["data"]["search"]["members"][0]["branch"] is None


@pytest.mark.parametrize("query, variables", [
    (SEARCH, {"text": "202013000001", "first": 5}),  # a development number: its archive, the ordinary way
    (BOX.replace("first: 8", "first: 0"), {"text": "张伟"}),  # a bad page request: its error
    (BOX.replace("first: 8", "first: 101"), {"text": "张伟"}),
    (ALIASED, {"t": "张伟", "n": None}),  # null for a non-null argument: graphql-core's error
    ("query($t: String!) { search(text: $t) { members { name viewerCanEdit } } }", {"t": "张伟"}),
    ("query($t: String!) { search(text: $t) { members { name idNumber } } }", {"t": "张伟"}),
    ("query($t: String!) { search(text: $t) { ... on SearchResult { tooMany } } }", {"t": "张伟"}),
    ("query($t: String!) { search(text: $t) { members { name @include(if: true) } } }", {"t": "张伟"}),
])
async def test_x1_other_shapes_go_the_ordinary_way(client, t, query, variables):
    await client.login_as(t.hebei_admin.id_number, PASSWORD)
    answer, ordinary, used = await both(client, query, variables)
    assert not used and same(answer, ordinary)


async def test_x1_the_plan_keeps_the_gate(client, t):
    answer, ordinary, used = await both(client, BOX, {"text": "张伟"})
    assert not used and same(answer, ordinary)
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
