"""Who is behind a bearer token, kept a few seconds per process (decision 0011).

A request usually reads no table to know its viewer: the viewer found for a token hash is kept for
ZHTJ_VIEWER_CACHE_SECONDS (5 by default). Revocation stays strong:
- in this process, every committed write (logout, a password change or reset, removeAdmin, deleteMember,
  anything) forgets every kept viewer before its answer goes out, so the next request reads afresh;
- in other processes, a kept viewer is used at most that many seconds after it was read;
- a token's expiry is checked on every use, kept or not.
A miss costs one statement (`SqlTokens.holder`)."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

from zhtj.domain.identity.services import Viewer, authenticate, token_hash
from zhtj.domain.shared.clock import Clock
from zhtj.infrastructure.db import Database
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork

MAX_KEPT = 20_000


class ViewerCache:
    def __init__(self, *, db: Database, clock: Clock, secret: str, seconds: float):
        self.db = db
        self.clock = clock
        self.secret = secret
        self.lifetime = timedelta(seconds=max(seconds, 0))
        self._kept: OrderedDict[str, tuple[Viewer, datetime]] = OrderedDict()
        self._generation = 0  # a read that a write overtook is not kept

    async def viewer(self, token: str) -> Viewer | None:
        """The live viewer behind the token, or None (unknown, expired or revoked)."""
        key = token_hash(self.secret, token)
        now = self.clock.now()
        kept = self._kept.get(key)
        if kept is not None:
            viewer, read_at = kept
            if now - read_at < self.lifetime and (viewer.expires_at is None or now < viewer.expires_at):
                return viewer
            del self._kept[key]
        generation = self._generation
        async with SqlUnitOfWork(self.db.read_sessions) as uow:
            viewer = await authenticate(uow=uow, clock=self.clock, secret=self.secret, token=token)
        if viewer is not None and self.lifetime and generation == self._generation:
            self._kept[key] = (viewer, now)
            if len(self._kept) > MAX_KEPT:
                self._kept.popitem(last=False)
        return viewer

    def forget_all(self) -> None:
        """After any write in this process: the next request of every viewer reads afresh."""
        self._kept.clear()
        self._generation += 1
