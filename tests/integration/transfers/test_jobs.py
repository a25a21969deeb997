"""The time-driven jobs (TRF-5, ORG-11, MEM-6) with the clock moved instead of waited for: each does its work
once, whether run again or in two processes at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from factories import add_org, add_person, new_id_number
from sqlalchemy import func, select

from zhtj.domain.shared.clock import FixedClock
from zhtj.domain.transfers.jobs import JobSummary, aged_out_cutoff
from zhtj.domain.transfers.model import AWAITING_SOURCE, ORDINARY, Transfer
from zhtj.infrastructure.db import create_database
from zhtj.infrastructure.jobs import run_once
from zhtj.infrastructure.tables.schema import transfer_steps

SWITCH = (6, 1)
ON_SWITCH_DAY = datetime(2027, 5, 31, 16, 0, tzinfo=UTC)  # 1 June 2027, 00:00 in China


async def _world(root, uow, hasher, clock):
    """A class graduating in 2027 (one member ticked 延期毕业), one graduating in 2028, a member and a cadre who
    turned 28 in 2027, and a transfer started 11 days before the switch day."""
    school = await add_org(uow, root, "某大学团委", category="团委", industry="普通高等院校")
    leaving = await add_org(uow, school, "2027届团支部", category="团支部", industry="普通高等院校")
    staying = await add_org(uow, school, "2028届团支部", category="团支部", industry="普通高等院校")
    people = {}
    for key, branch, born in (("grad", leaving, date(2005, 3, 1)), ("delayed", leaving, date(2005, 3, 1)),
                              ("young", staying, date(2006, 3, 1)), ("old", staying, date(1999, 6, 2)),
                              ("old_cadre", staying, date(1999, 6, 2))):
        people[key], _ = await add_person(uow, hasher, clock, name=key, branch=branch,
                                          id_number=new_id_number(born))
    async with uow:
        for org, year in ((leaving, 2027), (staying, 2028)):
            (await uow.organizations.get(org.id)).graduation_date = date(year, 6, 30)
        (await uow.members.get(people["delayed"].id)).delayed_graduation = True
        (await uow.members.get(people["old_cadre"].id)).is_cadre = True
        started = ON_SWITCH_DAY - timedelta(days=11)
        uow.transfers.add(Transfer(member_id=people["young"].id, source_branch_id=staying.id, kind=ORDINARY,
                                   reason="其他", started_by=None, started_side="MEMBER", started_at=started,
                                   step_started_at=started, status=AWAITING_SOURCE, step_org_id=staying.id,
                                   target_org_id=leaving.id))
        await uow.commit()
    return leaving, staying, people


async def _state(uow, leaving, staying, people):
    async with uow:
        orgs = [(await uow.organizations.get(o.id)).category for o in (leaving, staying)]
        flags = {k: (m.graduate, m.aged_out_on) for k in people if (m := await uow.members.get(people[k].id))}
        steps = await uow.session.scalar(select(func.count()).select_from(transfer_steps)
                                         .where(transfer_steps.c.action == "EXPIRE"))
    return orgs, flags, steps


EXPECTED = JobSummary(expired=1, graduated_orgs=1, graduates=1, aged_out=1)


async def test_org11_trf5_mem6_the_jobs_do_their_work_once_when_run_twice(root, db, uow, hasher, clock):
    leaving, staying, people = await _world(root, uow, hasher, clock)
    early = FixedClock(ON_SWITCH_DAY - timedelta(seconds=1))  # 31 May in China: no switch yet
    assert await run_once(db, early, SWITCH) == JobSummary(expired=1)  # 11 days less a second: past 10
    on_day = FixedClock(ON_SWITCH_DAY)
    assert await run_once(db, on_day, SWITCH) == JobSummary(graduated_orgs=1, graduates=1)
    later = FixedClock(datetime(2027, 6, 2, tzinfo=UTC))  # 2 June in China: the 28th birthday
    assert await run_once(db, later, SWITCH) == JobSummary(aged_out=1)
    assert await run_once(db, later, SWITCH) == JobSummary()
    orgs, flags, steps = await _state(uow, leaving, staying, people)
    assert orgs == ["毕业生团组织", "团支部"] and steps == 1
    assert {k: v[0] for k, v in flags.items()} == {"grad": True, "delayed": False, "young": False, "old": False,
                                                   "old_cadre": False}
    assert flags["old"][1] == date(2027, 6, 2) and flags["old_cadre"][1] is None


async def test_org11_trf5_mem6_two_processes_at_once_do_it_once(root, db, uow, hasher, clock, database_url):
    leaving, staying, people = await _world(root, uow, hasher, clock)
    on_day = FixedClock(datetime(2027, 6, 2, tzinfo=UTC))
    other = create_database(database_url)  # a second process's own engine and pool
    try:
        first, second = await asyncio.gather(run_once(db, on_day, SWITCH), run_once(other, on_day, SWITCH))
    finally:
        await other.dispose()
    total = JobSummary(*(a + b for a, b in zip(vars(first).values(), vars(second).values(), strict=True)))
    assert total == EXPECTED
    _, _, steps = await _state(uow, leaving, staying, people)
    assert steps == 1


def test_mem6_the_cutoff_counts_full_years_and_29_february():
    assert aged_out_cutoff(date(2027, 6, 1)) == date(1999, 6, 1)
    assert aged_out_cutoff(date(2128, 2, 29)) == date(2100, 2, 28)
