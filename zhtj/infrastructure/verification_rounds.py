"""Automatic retries of name/ID checks (MEM-13): one round now (`zhtj verify-pending`), or a round every
ZHTJ_VERIFY_INTERVAL_MINUTES for as long as `zhtj serve` runs (started in the app's lifespan)."""

from __future__ import annotations

import asyncio
import logging

from zhtj.domain.membership.verification import RecheckSummary, recheck_verifications
from zhtj.domain.shared.clock import Clock, SystemClock
from zhtj.domain.shared.ports import NameIdVerifier
from zhtj.infrastructure.db import Database, create_database
from zhtj.infrastructure.tables import start_mappers
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork
from zhtj.infrastructure.verifier import default_verifier
from zhtj.settings import Settings

log = logging.getLogger("zhtj.verification")


async def run_round(db: Database, clock: Clock, verifier: NameIdVerifier) -> RecheckSummary:
    async with SqlUnitOfWork(db.write_sessions) as uow:
        summary = await recheck_verifications(uow=uow, clock=clock, verifier=verifier)
    if summary.checked or summary.ended:
        log.info("name/ID checks: %s", summary)
    return summary


async def every(interval_seconds: float, db: Database, clock: Clock, verifier: NameIdVerifier) -> None:
    """A round now, then one per interval, until cancelled; a failed round is logged and the next one comes."""
    while True:
        try:
            await run_round(db, clock, verifier)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("name/ID checks: the round failed; trying again in %.0f s", interval_seconds)
        await asyncio.sleep(interval_seconds)


async def verify_pending(settings: Settings, verifier: NameIdVerifier | None = None) -> RecheckSummary:
    """One round against the configured database (the CLI's own engine, disposed afterwards)."""
    start_mappers()
    db = create_database(settings.database_url)
    try:
        return await run_round(db, SystemClock(), verifier or default_verifier(settings))
    finally:
        await db.dispose()
