"""A nested tree query costs about one SQL statement per level, however wide the tree (issue: org context)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD
from orgapi import oid
from sqlalchemy import event, insert

from zhtj.domain.organization.model import child_path
from zhtj.graphql.organization import tree
from zhtj.infrastructure.tables.schema import organizations

TREE = """query($id: ID!, $n: Int!) { organization(id: $id) { shortName
  children(first: $n) { nodes { shortName
    children(first: $n) { nodes { shortName
      children(first: $n) { totalCount nodes { shortName depth } } } } } } } }"""


async def _grow(db, root, width: int) -> None:
    """Three levels of `width` children each under the root, inserted in bulk with known ids."""
    rows, level, next_id = [], [(root.id, root.path, 0)], 1000
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for depth in (1, 2, 3):
        children = []
        for parent_id, parent_path, _ in level:
            for i in range(width):
                path = child_path(parent_path, next_id)
                rows.append({"id": next_id, "parent_id": parent_id, "path": path, "depth": depth,
                             "category": ("团的领导机关", "团委", "团委", "团支部")[depth],
                             "short_name": f"{depth}-{next_id}",
                             "full_name": f"组织{next_id}", "sort_order": i, "category_changed": False,
                             "created_at": now})
                children.append((next_id, path, depth))
                next_id += 1
        level = children
    async with db.engine.begin() as conn:
        for start in range(0, len(rows), 5000):
            await conn.execute(insert(organizations), rows[start:start + 5000])


async def _statements_for(client, root, width: int, query: str = TREE) -> tuple[int, dict]:
    """The statements one GraphQL request sends, and its answer (SQLite's explicit BEGIN not counted), whether
    it goes the ordinary way or the planned way (organization/tree.py), which must agree."""
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    database = client.app.state.services.db
    engine = database.engine.sync_engine
    seen: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):  # SQLite's explicit BEGIN
            seen.append(statement)

    answers, counts = [], []
    for planned in (False, True):
        client.app.state.services.viewers.forget_all()  # each way reads its viewer: one statement
        tree.ENABLED = planned
        event.listen(engine, "before_cursor_execute", count)
        database.rows.observers.append(seen.append)
        try:
            answers.append(await client.query(query, {"id": oid(root), "n": width}))
        finally:
            tree.ENABLED = True
            event.remove(engine, "before_cursor_execute", count)
            database.rows.observers.remove(seen.append)
        counts.append(len(seen))
        seen.clear()
    assert answers[0] == answers[1]
    assert counts[0] == counts[1] or query != TREE, counts  # the tree's shape goes the planned way
    return counts[0], answers[0]


@pytest.mark.parametrize("width", [3, 30])
async def test_nested_tree_costs_the_same_statements_at_any_width(client, root, db, width):
    await _grow(db, root, width)
    statements, data = await _statements_for(client, root, width)
    level1 = data["organization"]["children"]["nodes"]
    assert len(level1) == width
    leaves = [leaf for a in level1 for b in a["children"]["nodes"] for leaf in b["children"]["nodes"]]
    assert len(leaves) == width ** 3 and {leaf["depth"] for leaf in leaves} == {3}
    assert all(b["children"]["totalCount"] == width for a in level1 for b in a["children"]["nodes"])
    # Auth (one statement: token, account, person and admin orgs joined), the root, three levels of children,
    # one count. The same at any width.
    assert statements == 6, statements


RICH = """query($id: ID!, $n: Int!) { organization(id: $id) { ...o children(first: $n) { nodes { ...o
  children(first: $n) { nodes { ...o children(first: $n) { nodes { ...o } } } } } } } }
fragment o on Organization { shortName warnings infoComplete missingInfo secretary { name } admins { name }
  cadres { position } members(first: 5) { totalCount nodes { name } } }"""


@pytest.mark.parametrize("width", [3, 7])
async def test_every_org_field_batches_per_level(client, root, db, width):
    """Completeness, warnings, people and members lists too: the same statements at width 3 and 7 (7³ = 343
    leaves still fit one statement; members lists take one statement per 400 orgs of a level)."""
    await _grow(db, root, width)
    statements, data = await _statements_for(client, root, width, RICH)
    leaves = [c for a in data["organization"]["children"]["nodes"] for b in a["children"]["nodes"]
              for c in b["children"]["nodes"]]
    assert len(leaves) == width ** 3 and all(leaf["members"]["totalCount"] == 0 for leaf in leaves)
    assert statements == 24, statements  # auth in one statement (was four), the rest batched per level


async def test_more_orgs_in_one_level_than_one_statement_holds(client, root, db):
    """529 committees on one level: their warnings and members lists go in chunks, never past SQLite's
    500-term limit for one compound SELECT."""
    await _grow(db, root, 23)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    query = """query($id: ID!) { organization(id: $id) { children(first: 23) { nodes {
      children(first: 23) { nodes { warnings members(first: 1) { totalCount } } } } } } }"""
    data = await client.query(query, {"id": oid(root)})
    level = [b for a in data["organization"]["children"]["nodes"] for b in a["children"]["nodes"]]
    assert len(level) == 529 and all(b["warnings"] == [] and b["members"]["totalCount"] == 0 for b in level)
