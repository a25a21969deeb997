"""The first-password code as a person gets it: sent by `sendPasswordChangeCode`, read from the outbox."""

from __future__ import annotations

import re

from sqlalchemy import select

from zhtj.infrastructure.tables.schema import outbox_messages

SEND = """mutation { sendPasswordChangeCode { sentTo expiresAt errors { code message field rule } } }"""


async def texted_code(client, db, mobile: str) -> str:
    """Asks for a code as the logged-in client and returns the one texted to `mobile` last."""
    sent = (await client.query(SEND))["sendPasswordChangeCode"]
    assert sent["errors"] == [], sent
    async with db.engine.connect() as conn:
        body = (await conn.execute(select(outbox_messages.c.body).where(outbox_messages.c.mobile == mobile)
                                   .order_by(outbox_messages.c.id.desc()).limit(1))).scalar_one()
    found = re.search(r"验证码为(\d{6})", body)
    assert found, body
    return found.group(1)
