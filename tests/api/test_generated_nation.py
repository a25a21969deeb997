"""The bootstrapped admin of 团中央 sees a generated nation through the API (issue 15, ACC-4)."""

from __future__ import annotations

from typing import Any

from conftest import NOW, Api
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD
from sqlalchemy import func, select

from zhtj.graphql.ids import encode_id
from zhtj.infrastructure.db import Database
from zhtj.infrastructure.generate import generate
from zhtj.infrastructure.tables.schema import members

TREE = """{ me { adminOf { fullName children(first: 50) { totalCount nodes { fullName
  children(first: 50) { totalCount nodes { category children(first: 50) { totalCount } } } } } } } }"""


async def test_the_root_admin_queries_the_generated_tree_ACC_4(client: Api, db: Database, root: Any) -> None:
    await generate(db, members_wanted=1_200, seed=6, as_of=NOW.date())
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    (org,) = (await client.query(TREE))["me"]["adminOf"]
    provincial = org["children"]
    assert provincial["totalCount"] == 38
    assert "共青团广东省委员会" in {p["fullName"] for p in provincial["nodes"]}
    below = [c for p in provincial["nodes"] for c in p["children"]["nodes"]]
    assert all(p["children"]["totalCount"] >= 1 for p in provincial["nodes"])
    assert sum(c["children"]["totalCount"] for c in below) > 38


SEARCH = """query($text: String!) { search(text: $text, first: 5) { members { name branch { fullName } } } }"""
PROGRESS = """query($id: ID!) { organization(id: $id) { progress { membersEntered branchesTotal } } }"""


async def test_a_generated_nation_is_searchable_and_counted_X1_X3(client: Api, db: Database, root: Any) -> None:
    """The generator rebuilds the derived tables the write sessions keep for every other change."""
    await generate(db, members_wanted=1_200, seed=7, as_of=NOW.date())
    async with db.engine.connect() as conn:
        name = (await conn.execute(select(members.c.name).order_by(members.c.id).limit(1))).scalar_one()
        total = (await conn.execute(select(func.count()).select_from(members))).scalar_one()
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    found = (await client.query(SEARCH, {"text": name}))["search"]["members"]
    assert found and all(name in m["name"] for m in found)
    progress = (await client.query(PROGRESS, {"id": encode_id("Organization", root.id)}))["organization"]["progress"]
    assert progress["membersEntered"] + 1 == total  # every generated member; the root admin is in no branch
