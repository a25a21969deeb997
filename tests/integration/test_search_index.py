"""X-1: the search index is kept in the same transaction as every change to a name, a branch, a post or an org
(decision 0025): after each change it equals an index rebuilt from the tables, and a rolled-back change leaves
it as it was."""

from __future__ import annotations

from factories import ROOT_ADMIN_ID, add_org, add_person
from sqlalchemy import select

from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership.model import CadrePosition
from zhtj.domain.organization import migration, services
from zhtj.infrastructure import search_index
from zhtj.infrastructure.tables.schema import member_search, org_search


async def index_rows(db):
    async with db.read_sessions() as session:
        people = set((await session.execute(select(member_search))).all())
        orgs = set((await session.execute(select(org_search))).all())
    return people, orgs


async def assert_current(db):
    kept = await index_rows(db)
    async with db.engine.connect() as conn:  # rebuilt inside a transaction that is then thrown away
        await conn.run_sync(search_index.rebuild)
        rebuilt = (set((await conn.execute(select(member_search))).all()),
                   set((await conn.execute(select(org_search))).all()))
        await conn.rollback()
    assert kept == rebuilt
    return kept


async def root_viewer(uow, root):
    async with uow:
        account = await uow.accounts.by_id_number(ROOT_ADMIN_ID)
        member = await uow.members.get(account.member_id)
        return Viewer(account, member, tuple(await uow.admins.orgs_of(member.id)))


def names_at(people, member_id):
    return {path for term, path, m in people if m == member_id and term.startswith("=")}


async def test_x1_index_follows_every_change(db, uow, hasher, clock, root):
    province = await add_org(uow, root, "北京市")
    other = await add_org(uow, root, "河北省")
    committee = await add_org(uow, province, "海淀区团委", category="团委")
    branch = await add_org(uow, committee, "一班团支部", category="团支部")
    person, _ = await add_person(uow, hasher, clock, name="张伟", branch=branch)
    cadre, _ = await add_person(uow, hasher, clock, name="李娜", admin_of=committee)
    people, _ = await assert_current(db)
    assert names_at(people, person.id) == {branch.path}
    assert names_at(people, cadre.id) == {committee.path}

    async with uow:  # a renamed person
        (await uow.members.lock(person.id)).name = "张卫"
        await uow.commit()
    people, _ = await assert_current(db)
    assert ("=张卫", branch.path, person.id) in people and ("=张伟", branch.path, person.id) not in people

    async with uow:  # a rename rolled back leaves the index alone
        (await uow.members.lock(person.id)).name = "王五"
        await uow.flush()
        await uow.rollback()
    people, _ = await assert_current(db)
    assert ("=张卫", branch.path, person.id) in people

    async with uow:  # a renamed org, a new post
        org = await uow.organizations.lock(committee.id)
        org.full_name = "共青团北京市海淀区委员会"
        uow.members.add_position(CadrePosition(member_id=person.id, org_id=province.id, position="委员"))
        await uow.commit()
    people, orgs = await assert_current(db)
    assert ("海淀", committee.path, committee.id) in orgs
    assert names_at(people, person.id) == {branch.path, province.path}

    viewer = await root_viewer(uow, root)
    async with uow:  # a subtree moved to another province (ORG-10)
        await migration.move_organization(uow=uow, clock=clock, viewer=viewer, org_id=committee.id,
                                          new_parent_id=other.id)
    people, orgs = await assert_current(db)
    assert all(p.startswith(other.path) for _, p, i in orgs if i in (committee.id, branch.id))
    moved = {p for p in names_at(people, person.id)}
    assert province.path in moved and any(p.startswith(other.path) and p != other.path for p in moved)

    async with uow:  # a branch deleted with its members: they move to a 待接转团支部 (ORG-7)
        _, pending = await services.delete_organization(uow=uow, clock=clock, viewer=viewer, org_id=branch.id)
    people, _ = await assert_current(db)
    assert pending is not None and pending.path in names_at(people, person.id)

    async with uow:  # a deleted person leaves the index
        await uow.members.delete(await uow.members.get(person.id))
        await uow.commit()
    people, _ = await assert_current(db)
    assert not names_at(people, person.id)


async def test_x1_many_subtrees_answer_like_one_each(db, uow, hasher, clock, root):
    """More scopes than the prebuilt statements hold (an admin of many orgs, a narrowing word matching many
    subtrees) go in chunks, and find what each subtree finds alone."""
    from zhtj.infrastructure import search

    province = await add_org(uow, root, "北京市")
    branches = [await add_org(uow, province, f"第{i}团支部", category="团支部", full_name=f"海淀第{i}团支部")
                for i in range(6)]
    for branch in branches:
        await add_person(uow, hasher, clock, name="张伟", branch=branch)
    scopes = [b.path for b in branches]
    rows = db.rows
    together, many = await search.find_members(rows, "张伟", scopes, 20)
    alone = [(await search.find_members(rows, "张伟", [p], 20))[0] for p in scopes]
    orgs, _ = await search.find_orgs(rows, "海淀第", scopes, 20)
    one_org = [(await search.find_orgs(rows, "海淀第", [p], 20))[0] for p in scopes]
    narrowed, cut = await search.narrow(rows, ["海淀第"], [root.path])
    assert sorted(narrowed) == sorted(scopes) and not cut
    assert sorted(together) == sorted(i for hits in alone for i in hits)
    assert len(together) == 6 and not many
    expected = sorted(b.id for b in branches)
    assert sorted(o.id for o in orgs) == sorted(o.id for hits in one_org for o in hits) == expected
