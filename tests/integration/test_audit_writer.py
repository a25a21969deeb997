"""The audit lines of reads are committed in groups (infrastructure/audit_writer.py, decision 0076): every
waiting request's line is in the database when its write returns, lines arriving together share a transaction,
and a failed transaction fails each request that waited for it, and no other."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from zhtj.domain.identity.model import AuditEntry
from zhtj.infrastructure.audit_writer import AuditWriter
from zhtj.infrastructure.tables.schema import audit_log

pytestmark = pytest.mark.integration


def line(clock, n: int, action: str = "readIdNumber") -> AuditEntry:
    return AuditEntry(at=clock.now(), actor_member_id=None, action=action, subject=f"Member:{n}",
                      detail=f"request {n}")


async def count(db, action: str = "readIdNumber") -> int:
    async with db.read_sessions() as session:
        return (await session.execute(select(func.count()).select_from(audit_log)
                                      .where(audit_log.c.action == action))).scalar_one()


async def test_x_audit_lines_arriving_together_share_transactions_and_are_committed_on_return(db, clock):
    opened = 0

    def sessions():
        nonlocal opened
        opened += 1
        return db.write_sessions()

    writer = AuditWriter()

    async def read(n: int) -> int:
        await writer.write(sessions, [line(clock, n)])
        return await count(db)  # this request's line is in the database once write returns

    seen = await asyncio.gather(*(read(n) for n in range(40)))
    assert await count(db) == 40
    assert all(n >= 1 for n in seen)
    assert opened < 40  # grouped: the first transaction alone, the rest together


async def test_x_a_failed_audit_transaction_fails_its_waiters_and_the_next_ones_commit(db, clock):
    writer = AuditWriter()
    broken = AuditEntry(at=clock.now(), actor_member_id=None, action=None, subject="Member:0", detail="")  # NOT NULL
    results = await asyncio.gather(writer.write(db.write_sessions, [broken]),
                                   writer.write(db.write_sessions, [line(clock, 1, "grouped")]),
                                   return_exceptions=True)
    assert all(isinstance(r, Exception) for r in results)  # one transaction: both lines or neither
    assert await count(db, "grouped") == 0
    await writer.write(db.write_sessions, [line(clock, 2, "later")])
    assert await count(db, "later") == 1
