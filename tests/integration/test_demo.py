"""`zhtj demo` builds its nation through the real use cases, on either database."""

from __future__ import annotations

from sqlalchemy import func, select

from zhtj.infrastructure.demo import DEMO_MEMBERS, DEMO_TREE, build_demo
from zhtj.infrastructure.tables.schema import members, org_admins, organizations


async def test_the_demo_nation_is_built_once(db, settings):
    assert await build_demo(settings) is True
    async with db.engine.connect() as conn:
        orgs = (await conn.execute(select(func.count()).select_from(organizations))).scalar_one()
        people = (await conn.execute(select(func.count()).select_from(members))).scalar_one()
        admins = (await conn.execute(select(func.count()).select_from(org_admins))).scalar_one()
    assert orgs == len(DEMO_TREE) + 1
    assert people == 1 + len(DEMO_MEMBERS) + 2 + 1  # root admin, members, two secretaries, province admin
    assert admins == 2
    assert await build_demo(settings) is False  # an existing database is kept as it is
