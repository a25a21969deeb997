"""The jobs runner: `zhtj jobs run` runs every time-driven job once; `zhtj serve` runs them every
ZHTJ_JOBS_INTERVAL_MINUTES. Each job has its own transaction and is safe to run twice or in two processes.
Given the file store, a run also removes stored e-archive files that no row names (file_cleanup.py, NUM-6)."""

from __future__ import annotations

import asyncio
import logging

from zhtj.domain.shared.clock import Clock, SystemClock
from zhtj.domain.transfers import jobs
from zhtj.infrastructure.db import Database, create_database
from zhtj.infrastructure.file_cleanup import cleanup_archives
from zhtj.infrastructure.files import LocalFiles
from zhtj.infrastructure.tables import start_mappers
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork
from zhtj.settings import Settings

log = logging.getLogger("zhtj.jobs")


async def run_once(db: Database, clock: Clock, switch_day: tuple[int, int],
                   files: LocalFiles | None = None) -> jobs.JobSummary:
    async with SqlUnitOfWork(db.write_sessions) as uow:
        expired = await jobs.expire_transfers(uow=uow, clock=clock)
    async with SqlUnitOfWork(db.write_sessions) as uow:
        orgs, graduates = await jobs.graduation_switch(uow=uow, clock=clock, month_day=switch_day)
    async with SqlUnitOfWork(db.write_sessions) as uow:
        aged_out = await jobs.flag_aged_out(uow=uow, clock=clock)
    summary = jobs.JobSummary(expired=expired, graduated_orgs=orgs, graduates=graduates, aged_out=aged_out)
    if files is not None:
        removed = await cleanup_archives(db, files)
        if removed:
            log.info("jobs: removed %d e-archive file(s) that no row names", len(removed))
    if summary != jobs.JobSummary():
        log.info("jobs: %s", summary)
    return summary


async def every(interval_seconds: float, db: Database, clock: Clock, switch_day: tuple[int, int],
                files: LocalFiles | None = None) -> None:
    """A run now, then one per interval, until cancelled; a failed run is logged and the next one comes."""
    while True:
        try:
            await run_once(db, clock, switch_day, files)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("jobs: the run failed; trying again in %.0f s", interval_seconds)
        await asyncio.sleep(interval_seconds)


async def run_jobs(settings: Settings, clock: Clock | None = None) -> jobs.JobSummary:
    """One run against the configured database (the CLI's own engine, disposed afterwards)."""
    start_mappers()
    db = create_database(settings.database_url)
    try:
        files = LocalFiles(settings.files_dir)
        return await run_once(db, clock or SystemClock(), settings.graduation_switch_day, files)
    finally:
        await db.dispose()
