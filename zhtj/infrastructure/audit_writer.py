"""Group commit for the audit lines of reads (decision 0076).

A full read (an ID number or birth date shown, a person found by ID number) writes its audit line before the
answer goes out. One transaction a line made every such read cost a write of its own; here the lines of every
request that arrives while a transaction is being written wait for it and go together into the next one. The
first line of a quiet moment starts its transaction at once, so no request waits longer than one transaction
more than before, and none is answered before its line is committed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from zhtj.domain.identity.model import AuditEntry
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork


class AuditWriter:
    def __init__(self) -> None:
        self._pending: list[tuple[Sequence[AuditEntry], asyncio.Future[None]]] = []
        self._flushing: asyncio.Task[None] | None = None

    async def write(self, sessions: Callable[[], AsyncSession], entries: Sequence[AuditEntry]) -> None:
        """Returns once the entries are committed; raises what their transaction raised."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((entries, future))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush(sessions))
        await asyncio.shield(future)  # a caller that goes away leaves the others' transaction alone

    async def settled(self) -> None:
        """Returns when no transaction of audit lines is running or waiting (a request's end, shutdown)."""
        while self._flushing is not None and not self._flushing.done():
            await asyncio.shield(self._flushing)

    async def _flush(self, sessions: Callable[[], AsyncSession]) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                async with SqlUnitOfWork(sessions) as uow:
                    for entries, _ in batch:
                        for entry in entries:
                            uow.audit.add(entry)
                    await uow.commit()
            except Exception as error:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for _, future in batch:
                if not future.done():
                    future.set_result(None)
