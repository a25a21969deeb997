"""Alembic migrations build the schema the code maps, on SQLite and PostgreSQL alike, and
`downgrade base` empties it again."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from zhtj.infrastructure import migrate
from zhtj.infrastructure.db import create_database
from zhtj.infrastructure.tables import metadata


async def _tables_and_diff(url: str) -> tuple[set[str], list]:
    database = create_database(url)
    try:
        async with database.engine.connect() as conn:
            def look(sync_conn):  # type: ignore[no-untyped-def]
                context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
                return set(inspect(sync_conn).get_table_names()), compare_metadata(context, metadata)

            return await conn.run_sync(look)
    finally:
        await database.dispose()


async def test_upgrade_builds_exactly_the_mapped_schema_and_downgrade_base_empties_it(fresh_databases):
    url = await fresh_databases.new("migrations")
    await asyncio.to_thread(migrate.upgrade, url)
    tables, diff = await _tables_and_diff(url)
    assert tables == {t.name for t in metadata.sorted_tables} | {"alembic_version"}
    assert diff == [], diff  # every column, type, index, unique and foreign key as the code declares
    await asyncio.to_thread(migrate.downgrade, url, "base")
    tables, _ = await _tables_and_diff(url)
    assert tables == {"alembic_version"}
    await asyncio.to_thread(migrate.upgrade, url)  # and up again, from nothing
    tables, diff = await _tables_and_diff(url)
    assert diff == [] and "organizations" in tables


async def test_a_subtree_is_one_range_of_paths(db, root, uow):
    """ORG-1 storage: "this org and everything under it" is the range subtree_bounds() gives, on both
    databases (PostgreSQL must compare paths bytewise, not by a locale)."""
    from factories import add_org
    from sqlalchemy import select

    from zhtj.domain.organization.model import subtree_bounds
    from zhtj.infrastructure.tables.schema import organizations as orgs

    tree = [root]
    for i in range(45):  # ids pass 36, so base-36 segments mix digits and letters ('/1/z/', '/1/10/')
        tree.append(await add_org(uow, tree[i // 3], f"组织{i}"))
    async with db.engine.connect() as conn:
        for org in tree[:8]:
            low, high = subtree_bounds(org.path)
            rows = await conn.execute(select(orgs.c.id).where(orgs.c.path >= low, orgs.c.path < high))
            expected = {o.id for o in tree if o.path.startswith(org.path)}
            assert {r[0] for r in rows} == expected and org.id in expected
        column = await conn.run_sync(
            lambda c: {col["name"]: col for col in inspect(c).get_columns("organizations")}["path"])
    if db.dialect == "postgresql":
        assert column["type"].collation == "C"


async def test_downgrade_and_upgrade_keep_the_data_of_the_tables_they_rebuild(fresh_databases, clock, hasher):
    """Batch mode on SQLite rebuilds `members` when a revision changes it: with foreign keys on, that
    would cascade into accounts, posts and admin rights. The data must survive a round trip."""
    from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD
    from sqlalchemy import func, select, text

    from zhtj.domain.identity.bootstrap import bootstrap
    from zhtj.infrastructure.tables import start_mappers
    from zhtj.infrastructure.unit_of_work import SqlUnitOfWork

    url = await fresh_databases.new("roundtrip")
    await asyncio.to_thread(migrate.upgrade, url)
    start_mappers()
    database = create_database(url)
    try:
        async with SqlUnitOfWork(database.write_sessions) as uow:
            await bootstrap(uow=uow, clock=clock, hasher=hasher, admin_id_number=ROOT_ADMIN_ID,
                            admin_name="管理员", password=ROOT_ADMIN_PASSWORD)

        async def counts() -> dict[str, int]:
            async with database.engine.connect() as conn:
                return {t: (await conn.execute(select(func.count()).select_from(text(t)))).scalar_one()
                        for t in ("members", "accounts", "cadre_positions", "org_admins", "organizations")}

        before = await counts()
        assert before == {"members": 1, "accounts": 1, "cadre_positions": 1, "org_admins": 1, "organizations": 1}
        await database.dispose()
        await asyncio.to_thread(migrate.downgrade, url, "0002")  # drops the columns 0003 added to members
        await asyncio.to_thread(migrate.upgrade, url)
        assert await counts() == before
    finally:
        await database.dispose()
