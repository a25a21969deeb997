"""The province key of the large tables (decision 0078; issue 15: "province key on large tables"): every row of a
person, a post, an admin right, a segment, a release, an archive and a transfer carries the province its org or
its person lies in, kept in the same transaction as the change that moves them (ORG-10 subtree moves across
provinces, ORG-7 a branch's people moved out, TRF-4 transfers), and filled from the paths by migration 0012."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from itertools import count

from factories import ROOT_ADMIN_ID, add_org, add_person
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from machines import machine_loop
from sqlalchemy import select

from zhtj.domain.identity import audit
from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership.model import CadrePosition
from zhtj.domain.numbering.model import Archive
from zhtj.domain.organization import migration, services
from zhtj.domain.organization.model import province_key
from zhtj.domain.shared.clock import FixedClock
from zhtj.domain.shared.errors import DomainError
from zhtj.domain.transfers import batch
from zhtj.infrastructure import migrate, province_keys
from zhtj.infrastructure.db import create_database
from zhtj.infrastructure.tables.schema import audit_log, members, organizations
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork

_worlds = count()


async def _viewer(uow, id_number):
    async with uow:
        account = await uow.accounts.by_id_number(id_number)
        member = await uow.members.get(account.member_id)
        return Viewer(account, member, tuple(await uow.admins.orgs_of(member.id)))


async def _mismatches(db):
    async with db.engine.connect() as conn:
        return await conn.run_sync(province_keys.mismatches)


async def _keys(db, table):
    async with db.engine.connect() as conn:
        return [row[0] for row in await conn.execute(select(table.c.province_id))]


def test_the_key_is_the_provincial_level_org_of_the_path_ORG_1():
    assert province_key("/1/") == 1  # 团中央's own rows
    assert province_key("/1/a/") == 10
    assert province_key("/1/a/z/10/") == 10
    assert province_key("") is None and province_key(None) is None


async def test_org10_a_subtree_moved_to_another_province_takes_its_key_and_audit_lines_keep_theirs(
        db, uow, hasher, clock, root):
    north, south = await add_org(uow, root, "北京市"), await add_org(uow, root, "河北省")
    committee = await add_org(uow, north, "海淀区团委", category="团委")
    branch = await add_org(uow, committee, "一班团支部", category="团支部")
    person, _ = await add_person(uow, hasher, clock, name="张伟", branch=branch)
    cadre, _ = await add_person(uow, hasher, clock, name="李娜", admin_of=committee, branch=branch)
    async with uow:
        uow.members.add_position(CadrePosition(member_id=person.id, org_id=committee.id, position="委员"))
        uow.archives.add(Archive(member_id=person.id, stored_name="a.pdf", sha256="0" * 64, size=1,
                                 uploaded_at=clock.now()))
        audit.record(uow, clock, None, "readMember", committee)  # a line before the move
        audit.record(uow, clock, None, "readMember", person)
        await uow.commit()
    assert await _mismatches(db) == []
    assert sorted(await _keys(db, members), key=str) == [north.id, north.id, None]  # the root's admin: no branch
    viewer = await _viewer(uow, ROOT_ADMIN_ID)
    async with uow:
        await migration.move_organization(uow=uow, clock=clock, viewer=viewer, org_id=committee.id,
                                          new_parent_id=south.id)
    assert await _mismatches(db) == []
    async with db.engine.connect() as conn:
        moved = dict((await conn.execute(select(members.c.id, members.c.province_id))).all())
        lines = (await conn.execute(select(audit_log.c.subject, audit_log.c.province_id)
                                    .order_by(audit_log.c.id))).all()
    assert moved[person.id] == moved[cadre.id] == south.id
    assert lines[:2] == [(f"Organization:{committee.id}", north.id), (f"Member:{person.id}", north.id)]  # then
    assert lines[-1] == (f"Organization:{committee.id}", south.id)  # the move's own line: after it
    assert sorted(await _keys(db, members), key=str) == [south.id, south.id, None]


async def test_org7_people_of_a_deleted_branch_keep_their_key_in_the_pending_branch(db, uow, hasher, clock, root):
    north = await add_org(uow, root, "北京市")
    committee = await add_org(uow, north, "海淀区团委", category="团委")
    branch = await add_org(uow, committee, "一班团支部", category="团支部")
    for name in ("张伟", "王芳", "李强"):
        await add_person(uow, hasher, clock, name=name, branch=branch)
    viewer = await _viewer(uow, ROOT_ADMIN_ID)
    async with uow:
        _, pending = await services.delete_organization(uow=uow, clock=clock, viewer=viewer, org_id=branch.id)
    assert pending is not None
    assert await _mismatches(db) == []
    async with db.engine.connect() as conn:
        keys = (await conn.execute(select(members.c.province_id).where(members.c.branch_id == pending.id))).all()
    assert [k for (k,) in keys] == [north.id] * 3


async def test_migration_0012_fills_the_key_of_existing_rows_from_the_paths(fresh_databases, clock, hasher):
    """Rows written before the key existed get it from their org's path (one statement per province), audit lines
    included though the log is append-only; its guard is back afterwards."""
    from factories import ROOT_ADMIN_PASSWORD

    from zhtj.domain.identity.bootstrap import bootstrap
    from zhtj.infrastructure.tables import start_mappers

    url = await fresh_databases.new("province_keys")
    await asyncio.to_thread(migrate.upgrade, url)
    start_mappers()
    database = create_database(url)
    try:
        uow = SqlUnitOfWork(database.write_sessions)
        async with uow:
            root, _ = await bootstrap(uow=uow, clock=clock, hasher=hasher, admin_id_number=ROOT_ADMIN_ID,
                                      admin_name="管理员", password=ROOT_ADMIN_PASSWORD)
        north, south = await add_org(uow, root, "北京市"), await add_org(uow, root, "河北省")
        branch = await add_org(uow, await add_org(uow, south, "石家庄市团委", category="团委"), "一团支部",
                               category="团支部")
        person, _ = await add_person(uow, hasher, clock, name="张伟", branch=branch)
        await add_person(uow, hasher, clock, name="李娜", admin_of=north)
        viewer = await _viewer(uow, ROOT_ADMIN_ID)
        target = await add_org(uow, north, "东城团支部", category="团支部")
        async with uow:
            await batch.batch_transfer(uow=uow, clock=clock, viewer=viewer, member_ids=[person.id],
                                       target_branch_id=target.id, reason="其他")
        await database.dispose()
        await asyncio.to_thread(migrate.downgrade, url, "0011")
        await asyncio.to_thread(migrate.upgrade, url)
        assert await _mismatches(database) == []
        for table in province_keys.FOLLOWERS + tuple(t for t, _ in province_keys.BY_ORG_TABLES[1:]):
            assert None not in await _keys(database, table), table.name
        assert sorted(await _keys(database, members), key=str) == [north.id, None, None]  # two admins: no branch
        async with database.engine.connect() as conn:
            lines = dict((await conn.execute(select(audit_log.c.subject, audit_log.c.province_id)
                                             .where(audit_log.c.action == "batchTransfer"))).all())
        assert lines == {f"Member:{person.id}": north.id}
        async with database.engine.begin() as conn:  # the append-only guard is back
            try:
                await conn.execute(audit_log.update().values(province_id=None))
            except Exception as error:  # either database's own refusal
                assert "append-only" in str(error)
            else:
                raise AssertionError("audit_log took an UPDATE")
    finally:
        await database.dispose()


async def test_keys_follow_random_moves_transfers_and_deletions_ORG_10_ORG_7_TRF_4(db, root, hasher, database_url):
    """A property (hypothesis stateful testing): random cross-province subtree moves, people moved by hand and by
    batch transfers, branches deleted, posts and archives added; after every step each row's key is its org's
    or its person's. `db` empties the tables afterwards; the machine runs in a thread with its own loop."""
    await asyncio.to_thread(_machine, root, hasher, database_url)


def _machine(root, hasher, database_url):
    with machine_loop(database_url) as (run, db):
        clock = FixedClock(datetime(2026, 11, 25, 8, 0, tzinfo=UTC))

        class Keys(RuleBasedStateMachine):
            def __init__(self):
                super().__init__()
                self.uow = SqlUnitOfWork(db.write_sessions)
                self.n = next(_worlds)
                self.provinces = [run(add_org(self.uow, root, f"省{i}-{self.n}")) for i in range(2)]
                self.committees = [run(add_org(self.uow, p, f"委{i}-{self.n}", category="团委"))
                                   for i, p in enumerate(self.provinces * 2)]
                for i, c in enumerate(self.committees):
                    run(add_org(self.uow, c, f"支{i}-{self.n}", category="团支部"))
                self.people = [run(add_person(self.uow, hasher, clock, name=f"员{i}", branch=None))[0].id
                               for i in range(5)]
                self.viewer = run(_viewer(self.uow, ROOT_ADMIN_ID))
                for i in range(len(self.people)):
                    self.move_person(i, i)

            def _branches(self):
                async def read():
                    async with db.engine.connect() as conn:
                        o = organizations.c
                        return list(await conn.scalars(
                            select(o.id).where(o.category.in_(["团支部", "待接转团支部"]),
                                               o.full_name.like(f"%-{self.n}%") | o.full_name.like("%待接转%"))
                            .order_by(o.id)))
                return run(read())

            def _call(self, coro):
                try:
                    return run(coro)
                except DomainError:
                    return None

            @rule(i=st.integers(0, 4), b=st.integers(0, 20))
            def move_person(self, i, b):
                branches = self._branches()

                async def move():
                    async with self.uow:
                        (await self.uow.members.lock(self.people[i])).branch_id = branches[b % len(branches)]
                        await self.uow.commit()
                run(move())

            @rule(c=st.integers(0, 3), p=st.integers(0, 1))
            def move_committee(self, c, p):
                async def move():
                    async with self.uow:
                        await migration.move_organization(uow=self.uow, clock=clock, viewer=self.viewer,
                                                          org_id=self.committees[c].id,
                                                          new_parent_id=self.provinces[p].id)
                self._call(move())

            @rule(picked=st.sets(st.integers(0, 4), min_size=1, max_size=3), b=st.integers(0, 20))
            def batch_transfer(self, picked, b):
                branches = self._branches()

                async def move():
                    async with self.uow:
                        await batch.batch_transfer(uow=self.uow, clock=clock, viewer=self.viewer,
                                                   member_ids=[self.people[i] for i in sorted(picked)],
                                                   target_branch_id=branches[b % len(branches)], reason="其他")
                self._call(move())

            @rule(b=st.integers(0, 20))
            def delete_branch(self, b):
                branches = self._branches()

                async def delete():
                    async with self.uow:
                        await services.delete_organization(uow=self.uow, clock=clock, viewer=self.viewer,
                                                           org_id=branches[b % len(branches)])
                if len(branches) > 2:
                    self._call(delete())

            @rule(i=st.integers(0, 4), c=st.integers(0, 3))
            def post_and_archive(self, i, c):
                async def add():
                    async with self.uow:
                        member_id, org_id = self.people[i], self.committees[c].id
                        if await self.uow.members.position(member_id, org_id) is None:
                            self.uow.members.add_position(CadrePosition(member_id=member_id, org_id=org_id,
                                                                        position="委员"))
                        if await self.uow.archives.of_member(member_id) is None:
                            self.uow.archives.add(Archive(member_id=member_id, stored_name="a.pdf", sha256="0" * 64,
                                                          size=1, uploaded_at=clock.now()))
                        await self.uow.commit()
                run(add())

            @invariant()
            def every_row_carries_its_org_s_or_its_person_s_key(self):
                assert run(_mismatches(db)) == []

        Keys.TestCase.settings = settings(max_examples=8, stateful_step_count=15, deadline=None,
                                          suppress_health_check=list(HealthCheck))
        Keys.TestCase().runTest()
