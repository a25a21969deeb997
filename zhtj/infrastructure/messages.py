"""Texts to mobile numbers (the CodeSender port, ACC-1). This deployment has no SMS gateway: each text is
written to the `outbox_messages` table and logged without its body, for an operator's relay to send. A real
gateway plugs in here: a class with the same `send(mobile, text)` that calls it, passed to create_app()."""

from __future__ import annotations

import logging

from sqlalchemy import insert

from zhtj.domain.shared.clock import Clock
from zhtj.infrastructure.db import Database
from zhtj.infrastructure.tables.schema import outbox_messages

log = logging.getLogger("zhtj.messages")


class OutboxSender:
    def __init__(self, db: Database, clock: Clock):
        self.db = db
        self.clock = clock

    async def send(self, mobile: str, text: str) -> None:
        async with self.db.write_sessions() as session:  # its own transaction, after the code is kept
            await session.execute(insert(outbox_messages).values(
                created_at=self.clock.now(), mobile=mobile, body=text))
            await session.commit()
        log.info("text to %s****%s queued in outbox_messages", mobile[:3], mobile[-4:])
