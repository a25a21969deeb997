"""One database session per request, never used by two coroutines at once (issue: platform)."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from zhtj.graphql.context import Context, Services


async def test_reads_of_one_request_never_overlap(db, settings, clock, hasher):
    ctx = Context(Services(settings=settings, db=db, clock=clock, hasher=hasher), "request-1", None, None)
    active = peak = 0
    sessions = set()

    async def read_once() -> int:
        nonlocal active, peak
        async with ctx.read() as session:
            active += 1
            peak = max(peak, active)
            sessions.add(id(session))
            value = (await session.execute(text("SELECT 1"))).scalar_one()
            await asyncio.sleep(0)
            active -= 1
            return value

    assert await asyncio.gather(*(read_once() for _ in range(20))) == [1] * 20
    assert peak == 1 and len(sessions) == 1
    await ctx.close()


async def test_a_write_starts_a_fresh_read_session_and_fresh_loaders(db, settings, clock, hasher):
    ctx = Context(Services(settings=settings, db=db, clock=clock, hasher=hasher), "request-2", None, None)
    async with ctx.read() as before:
        await before.execute(text("SELECT 1"))
    loaders = ctx.loaders
    async with ctx.write() as uow:
        assert uow.session is not before
    assert ctx.loaders is not loaders
    async with ctx.read() as after:
        assert after is not before
    await ctx.close()
