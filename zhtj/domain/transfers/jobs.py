"""Time-driven work (TRF-5, ORG-11, MEM-6), one function each, with the clock injected. Each does nothing twice:
run again, or in two processes at once, it finds its work done (locked rows read afresh, a claimed period,
updates that skip rows already changed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zhtj.domain.shared import values
from zhtj.domain.shared.clock import Clock, today
from zhtj.domain.shared.ports import UnitOfWork
from zhtj.domain.transfers import notices
from zhtj.domain.transfers.services import expire_overdue

GRADUATION_JOB = "graduation-switch"
MAX_AGE = 28  # MEM-6


@dataclass(frozen=True)
class JobSummary:
    expired: int = 0  # transfers ended by TRF-5
    graduated_orgs: int = 0  # branches turned 毕业生团组织 (ORG-11)
    graduates: int = 0  # members flagged graduates (ORG-11)
    aged_out: int = 0  # people flagged 超龄离团 (MEM-6)


async def expire_transfers(*, uow: UnitOfWork, clock: Clock) -> int:
    """TRF-5: running transfers whose step waited more than 10 days end as EXPIRED."""
    return await expire_overdue(uow=uow, clock=clock)


async def graduation_switch(*, uow: UnitOfWork, clock: Clock,
                            month_day: tuple[int, int] = values.GRADUATION_SWITCH_MONTH_DAY) -> tuple[int, int]:
    """ORG-11: on (or first after) the year's switch day, the school branches graduating this year become
    毕业生团组织 and their members graduates, except those ticked 延期毕业. Once a year: the year is claimed in
    the same transaction, so a second run (or a second process) changes nothing."""
    day = today(clock)
    if day < values.graduation_switch_day(day.year, month_day):
        return 0, 0
    if not await uow.job_runs.claim(GRADUATION_JOB, str(day.year), clock.now()):
        return 0, 0
    branches = await uow.organizations.graduating_branches(day.year, values.GRADUATING_INDUSTRIES)
    for org in branches:
        org.category = values.GRADUATE_ORG
    flagged = await uow.members.flag_graduates([o.id for o in branches if o.id is not None])
    await notices.graduation_switched(uow, clock, branches, day.year)
    await uow.commit()
    return len(branches), flagged


def aged_out_cutoff(day: date) -> date:
    """People born on or before this day are 28 full years old on `day` (MEM-6, counted as idcard.age_on does)."""
    try:
        return day.replace(year=day.year - MAX_AGE)
    except ValueError:  # 29 February, 28 years after a year without one
        return day.replace(year=day.year - MAX_AGE, day=28)


async def flag_aged_out(*, uow: UnitOfWork, clock: Clock) -> int:
    """MEM-6 (超龄离团): members of 28 without a league post are flagged with the day it was found, once."""
    day = today(clock)
    flagged = await uow.members.flag_aged_out(aged_out_cutoff(day), day)
    await uow.commit()
    return flagged
