"""Hypothesis state machines over the real database: hypothesis drives its rules synchronously, so a machine runs
in a worker thread (`asyncio.to_thread`) with an event loop and an engine of its own."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from zhtj.infrastructure.db import Database, create_database

T = TypeVar("T")


@contextmanager
def machine_loop(database_url: str) -> Iterator[tuple[Callable[[Awaitable[T]], T], Database]]:
    """`run(coroutine)` on the thread's own loop, and a database on it; both closed afterwards."""
    loop = asyncio.new_event_loop()

    def run(coro: Awaitable[Any]) -> Any:
        return loop.run_until_complete(coro)

    db = run(_database(database_url))
    try:
        yield run, db
    finally:
        run(db.dispose())
        loop.close()


async def _database(url: str) -> Database:
    return create_database(url)
