"""Benchmark: the league's tree at national size (about 4 million orgs).

Builds a tree shaped like the real one (38 provincial bodies, cities, counties, grassroots committees,
branches) in a fresh database, then times what the service does most over real HTTP semantics (the ASGI
app in-process): a province's subtree count, a nested 3-level tree query, a deep `organization(id:)`
scope check, a children page, and moving a subtree (one UPDATE).

    python benchmarks/org_tree.py --url sqlite+aiosqlite:////tmp/bench.sqlite3 --branches 50
    python benchmarks/org_tree.py --url postgresql+asyncpg://postgres@127.0.0.1:5432/zhtj_bench

The database is emptied first (`downgrade base`, `upgrade head`). Results print as a Markdown table."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import func, select, text

from zhtj.app import create_app
from zhtj.domain.identity.bootstrap import bootstrap
from zhtj.domain.organization.model import child_path, subtree_bounds
from zhtj.domain.shared.clock import SystemClock
from zhtj.graphql.ids import encode_id
from zhtj.infrastructure import migrate
from zhtj.infrastructure.bulk import flush
from zhtj.infrastructure.db import create_database
from zhtj.infrastructure.passwords import Argon2Hasher
from zhtj.infrastructure.tables import start_mappers
from zhtj.infrastructure.tables.schema import organizations
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork
from zhtj.settings import Settings

ADMIN_ID, PASSWORD = "110101199003071233", "Tuanjian2026"
SHAPE = (("团的领导机关", 38), ("团的领导机关", 14), ("团的领导机关", 10), ("团委", 15))
COLUMNS = ("id", "parent_id", "path", "depth", "category", "short_name", "full_name", "industry", "sort_order",
           "category_changed", "created_at")


def rows(root_id: int, root_path: str, branches: int):
    """Yields the tree level by level, ids from 2 upward."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    level, next_id = [(root_id, root_path)], root_id + 1
    for depth, (category, width) in enumerate([*SHAPE, ("团支部", branches)], start=1):
        children = []
        for parent_id, parent_path in level:
            for i in range(width):
                path = child_path(parent_path, next_id)
                yield (next_id, parent_id, path, depth, category, f"组织{next_id}", f"共青团组织{next_id}",
                       "党政机关", i, False, now)
                children.append((next_id, path))
                next_id += 1
        level = children


async def build(url: str, branches: int) -> int:
    await asyncio.to_thread(migrate.downgrade, url, "base")
    await asyncio.to_thread(migrate.upgrade, url)
    start_mappers()
    db = create_database(url)
    async with SqlUnitOfWork(db.write_sessions) as uow:
        root, _ = await bootstrap(uow=uow, clock=SystemClock(), hasher=Argon2Hasher(), admin_id_number=ADMIN_ID,
                                  admin_name="管理员", password=PASSWORD)
    assert root.id is not None
    batch: list[tuple] = []
    async with db.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        for row in rows(root.id, root.path, branches):
            batch.append(row)
            if len(batch) == 100_000:
                await flush(db.dialect, driver, "organizations", COLUMNS, batch)
                batch = []
        await flush(db.dialect, driver, "organizations", COLUMNS, batch)
        await conn.commit()
    async with db.engine.begin() as conn:
        if db.dialect == "postgresql":
            await conn.execute(text("SELECT setval(pg_get_serial_sequence('organizations', 'id'), "
                                    "(SELECT max(id) FROM organizations))"))
            await conn.execute(text("ANALYZE organizations"))
        else:
            await conn.execute(text("ANALYZE"))
        total = (await conn.execute(select(func.count()).select_from(organizations))).scalar_one()
    await db.dispose()
    return total


async def timed(label: str, runs: int, fn: Callable[[], Awaitable[object]], results: list) -> None:
    await fn()  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        await fn()
        times.append((time.perf_counter() - start) * 1000)
    results.append((label, runs, statistics.median(times), max(times)))


async def measure(url: str, branches: int) -> list:
    results: list = []
    app = create_app(Settings(database_url=url, files_dir=Path("/tmp/zhtj-bench-files"), secret_key="bench"))
    db = app.state.services.db
    async with db.engine.connect() as conn:
        province = (await conn.execute(text("SELECT id, path FROM organizations WHERE depth = 1 ORDER BY id "
                                            "LIMIT 1"))).one()
        county = (await conn.execute(text("SELECT id, path FROM organizations WHERE depth = 3 ORDER BY id "
                                          "LIMIT 1 OFFSET 7"))).one()
        other_county = (await conn.execute(text("SELECT id FROM organizations WHERE depth = 3 ORDER BY id "
                                                "LIMIT 1 OFFSET 8"))).one()
        committee = (await conn.execute(text("SELECT id FROM organizations WHERE depth = 4 ORDER BY id "
                                             "LIMIT 1 OFFSET 100"))).one()
        deep = (await conn.execute(text("SELECT max(id) FROM organizations"))).scalar_one()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        login = await http.post("/graphql", json={
            "query": "mutation($i: LoginInput!) { login(input: $i) { token } }",
            "variables": {"i": {"idNumber": ADMIN_ID, "password": PASSWORD}}})
        headers = {"Authorization": "Bearer " + login.json()["data"]["login"]["token"]}

        async def gql(query: str, variables: dict) -> dict:
            response = await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
            body = response.json()
            assert "errors" not in body, body
            return body["data"]

        low, high = subtree_bounds(province.path)

        async def subtree_count() -> None:
            async with db.engine.connect() as conn:
                await conn.execute(select(func.count()).select_from(organizations)
                                   .where(organizations.c.path >= low, organizations.c.path < high))

        tree = """query($id: ID!) { organization(id: $id) { shortName children(first: 100) { totalCount nodes {
          shortName children(first: 100) { totalCount nodes { shortName category } } } } } }"""
        await timed(f"province subtree count ({await _count(db, low, high):,} orgs), SQL", 20, subtree_count,
                    results)
        size = 1 + SHAPE[3][1] * (1 + branches)
        await timed(f"nested tree query: a county, 3 levels ({size:,} orgs), GraphQL", 10,
                    lambda: gql(tree, {"id": encode_id("Organization", county.id)}), results)
        await timed("organization(id:) of a branch at depth 5, with scope check, GraphQL", 50,
                    lambda: gql("query($id: ID!) { organization(id: $id) { fullName depth ancestors { id } } }",
                                {"id": encode_id("Organization", deep)}), results)
        await timed("children page of a committee (first: 20 of 50), GraphQL", 50,
                    lambda: gql("query($id: ID!) { organization(id: $id) { children(first: 20) { totalCount "
                                "nodes { shortName } } } }", {"id": encode_id("Organization", committee.id)}),
                    results)
        move = """mutation($input: MoveOrganizationInput!) { moveOrganization(input: $input) { errors { code } } }"""
        targets = [other_county.id, county.id]

        async def move_committee() -> None:
            targets.reverse()
            data = await gql(move, {"input": {"id": encode_id("Organization", committee.id),
                                              "newParentId": encode_id("Organization", targets[0])}})
            assert data["moveOrganization"]["errors"] == [], data

        await timed("move a committee with its 50 branches to another county (one UPDATE), GraphQL", 10,
                    move_committee, results)
    await db.dispose()
    return results


async def _count(db, low: str, high: str) -> int:  # type: ignore[no-untyped-def]
    async with db.engine.connect() as conn:
        stmt = select(func.count()).select_from(organizations).where(organizations.c.path >= low,
                                                                     organizations.c.path < high)
        return (await conn.execute(stmt)).scalar_one()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--branches", type=int, default=50, help="branches per grassroots committee")
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.reuse:
        db = create_database(args.url)
        async with db.engine.connect() as conn:
            total = (await conn.execute(select(func.count()).select_from(organizations))).scalar_one()
        await db.dispose()
    else:
        total = await build(args.url, args.branches)
    built = time.perf_counter() - started
    results = await measure(args.url, args.branches)
    database = "PostgreSQL" if args.url.startswith("postgresql") else "SQLite"
    print(f"\n{database}: {total:,} organizations (built in {built:.0f} s)\n")
    print("| operation | runs | median ms | max ms |\n| --- | --- | --- | --- |")
    for label, runs, median, worst in results:
        print(f"| {label} | {runs} | {median:.1f} | {worst:.1f} |")


if __name__ == "__main__":
    asyncio.run(main())
