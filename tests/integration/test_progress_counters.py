"""X-3: live entry progress equals a brute-force recount over a generated tree after random changes (a property
test over seeded random trees and change sequences, on both databases; decision 0026)."""

from __future__ import annotations

import random
from datetime import date

from factories import NOW, new_id_number
from sqlalchemy import select

from zhtj.domain.membership.model import ACTIVE, CadrePosition, Member
from zhtj.domain.numbering.model import Archive
from zhtj.domain.organization.model import Organization, child_path
from zhtj.domain.progress import completeness
from zhtj.domain.progress.model import OrgFacts, entry_progress
from zhtj.domain.shared import values
from zhtj.infrastructure import progress as reads
from zhtj.infrastructure.tables.schema import cadre_positions, member_archives, members, organizations

COMPLETE = {"ethnicity": "汉族", "occupation": "职业青年", "job_type": "其他", "education": "大学本科",
            "mobile": "13800138000", "household_address": "北京市", "registered_volunteer": False}
INDUSTRIES = ("普通高中", "国有企业", "农村", "党政机关")
SEEDS = range(4)


async def add(uow, parent, category, rng, n):
    org = Organization(short_name=f"组织{n}", full_name=f"{rng.random()}组织{n}", category=category,
                       parent_id=parent.id, depth=parent.depth + 1, industry=rng.choice(INDUSTRIES), sort_order=n,
                       created_at=NOW)
    uow.organizations.add(org)
    await uow.flush()
    org.path = child_path(parent.path, org.id)
    await uow.flush()
    return org


def person(rng, branch):
    fields = {k: v for k, v in COMPLETE.items() if rng.random() < 0.9}
    return Member(name=rng.choice("张王李赵") + rng.choice("伟芳娜"), id_number=new_id_number(), gender="男",
                  birth_date=date(2000, 1, 1), branch_id=branch.id if branch else None, join_date="2015-05",
                  created_at=NOW, status=ACTIVE if rng.random() < 0.95 else "AWAITING_REVIEW", **fields)


async def build(uow, root, rng):
    n = 0
    async with uow:
        province = await add(uow, root, values.LEADING_BODY, rng, n := n + 1)
        committees = [await add(uow, province, rng.choice(values.COMMITTEE_CATEGORIES), rng, n := n + 1)
                      for _ in range(3)]
        branches = [await add(uow, rng.choice([province, *committees]), values.BRANCH, rng, n := n + 1)
                    for _ in range(6)]
        people = [person(rng, rng.choice(branches)) for _ in range(40)]
        for p in people:
            uow.members.add(p)
        await uow.flush()
        for p in rng.sample(people, 8):
            p.is_cadre = True
            uow.members.add_position(CadrePosition(member_id=p.id, org_id=rng.choice([province, *committees]).id,
                                                   position="委员", since="2020-01", cadre_nature="兼职",
                                                   on_party_committee=False, on_duty="在岗"))
        await uow.commit()
    return province, committees, branches, [p.id for p in people]


async def change(uow, rng, branches, committees, people):
    """One random change through the unit of work, as the use cases make them."""
    kind = rng.choice(["field", "move", "delete", "post", "archive", "join", "move_all", "category"])
    async with uow:
        member = await uow.members.get(rng.choice(people))
        if member is None:
            return
        if kind == "field":
            name = rng.choice(list(COMPLETE))
            setattr(member, name, COMPLETE[name] if rng.random() < 0.6 else None)
        elif kind == "move":
            member.branch_id = rng.choice(branches).id
        elif kind == "delete":
            await uow.members.delete(member)
        elif kind == "post":
            post = await uow.members.position(member.id, committees[0].id)
            if post is None:
                uow.members.add_position(CadrePosition(member_id=member.id, org_id=committees[0].id, position="委员"))
            else:
                post.position = values.NO_POSITION if post.position != values.NO_POSITION else "委员"
        elif kind == "archive":
            member.join_date = "2021-05"
            if await uow.archives.of_member(member.id) is None and rng.random() < 0.5:
                uow.archives.add(Archive(member_id=member.id, stored_name="x.pdf", sha256="0" * 64, size=1,
                                         uploaded_at=NOW, uploaded_by=None, status="PENDING"))
        elif kind == "join":
            member.status = ACTIVE if member.status != ACTIVE else "AWAITING_REVIEW"
        elif kind == "move_all":
            a, b = rng.sample(branches, 2)
            await uow.members.move_branch(a.id, b.id)
        elif kind == "category":
            org = await uow.organizations.get(rng.choice(committees).id)
            org.category = rng.choice(values.COMMITTEE_CATEGORIES)
        await uow.commit()


async def brute_force(db, province):
    """Every number from the tables alone: no counter is read."""
    async with db.read_sessions() as session:
        o = organizations.c
        orgs = (await session.execute(select(organizations).where(o.path.startswith(province.path)))).all()
        people = (await session.execute(select(members))).all()
        posts = (await session.execute(select(cadre_positions).where(
            cadre_positions.c.position != values.NO_POSITION).order_by(cadre_positions.c.id))).all()
        archived = set(await session.scalars(select(member_archives.c.member_id)))
    category = {r.id: r.category for r in (await _all_orgs(db))}
    held = {}
    for p in posts:
        held.setdefault(p.member_id, []).append((p, category[p.org_id]))
    complete = {m.id: not completeness.missing(m, held.get(m.id, []), m.id in archived) for m in people}
    facts = []
    for org in orgs:
        mine = [m for m in people if m.branch_id == org.id and m.status == ACTIVE]
        org_posts = [p for p in posts if p.org_id == org.id]
        everyone = {m.id for m in mine} | {p.member_id for p in org_posts}
        facts.append(OrgFacts(
            id=org.id, parent_id=org.parent_id, path=org.path, category=org.category, industry=org.industry,
            school_code=org.school_code, members=len(mine), members_complete=sum(complete[m.id] for m in mine),
            people_complete=sum(complete[i] for i in everyone), cadres=len(org_posts),
            cadres_complete=sum(complete[p.member_id] for p in org_posts)))
    own = next(f for f in facts if f.id == province.id)
    children = sorted((f for f in facts if f.parent_id == province.id), key=lambda f: f.id)
    return own, [f for f in facts if f.id != province.id], children


async def _all_orgs(db):
    async with db.read_sessions() as session:
        return (await session.execute(select(organizations))).all()


async def test_x3_live_progress_equals_a_brute_force_recount(db, uow, root):
    for seed in SEEDS:
        rng = random.Random(seed)
        province, committees, branches, people = await build(uow, root, rng)
        for step in range(25):
            await change(uow, rng, branches, committees, people)
            if step % 8 and step != 24:
                continue
            async with db.read_sessions() as session:
                org = await session.get(Organization, province.id)
                live = await reads.subtree(session, org)
            own, below, children = await brute_force(db, province)
            assert sorted(live.below, key=lambda f: f.id) == sorted(below, key=lambda f: f.id), (seed, step)
            assert live.org == own
            for domain in (None, "学校", "农村"):
                expected = entry_progress(own, below, sorted(children, key=lambda f: f.path), domain)
                got = entry_progress(live.org, live.below, sorted(live.children, key=lambda f: f.path), domain)
                assert got == expected, (seed, step, domain)
