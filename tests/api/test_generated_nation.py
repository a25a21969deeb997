"""The bootstrapped admin of 团中央 sees a generated nation through the API (issue 15, ACC-4)."""

from __future__ import annotations

from typing import Any

from conftest import NOW, Api
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD

from zhtj.infrastructure.db import Database
from zhtj.infrastructure.generate import generate

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
