"""Transfer history (TRF-10): the member's own transfers and the ones an admin took part in, newest first."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy import func, or_, select
from strawberry.types import Info

from zhtj.domain.transfers.model import Transfer
from zhtj.graphql.context import Context
from zhtj.graphql.relay import Connection, encode_cursor, page_request
from zhtj.graphql.transfers.types import TransferType
from zhtj.infrastructure.tables.schema import transfer_steps, transfers


@strawberry.type
class TransferQuery:
    @strawberry.field(description="转接记录 (TRF-10): your own transfers as a member and those you took a step of "
                                  "as an admin, newest first. What waits for you is in `operationCenter`.")
    async def transfers(self, info: Info[Context, Any], first: int | None = None, after: str | None = None,
                        last: int | None = None, before: str | None = None) -> Connection[TransferType]:
        ctx = info.context
        viewer = ctx.require_viewer()
        page = page_request(first, after, last, before, int)
        me = viewer.member.id or 0
        t, s = transfers.c, transfer_steps.c
        cond = [or_(t.member_id == me, select(s.id).where(s.transfer_id == t.id, s.actor_id == me).exists())]
        beyond = list(cond)
        if page.key is not None:
            beyond.append(t.id > page.key[0] if page.backward else t.id < page.key[0])
        order = t.id if page.backward else t.id.desc()
        async with ctx.read() as session:
            rows = list(await session.scalars(select(Transfer).where(*beyond).order_by(order).limit(page.size + 1)))

        async def count() -> int:
            async with ctx.read() as session:
                return await session.scalar(select(func.count()).select_from(transfers).where(*cond)) or 0

        return Connection.build(rows, page, cursor_of=lambda x: encode_cursor(x.id),
                                node_of=TransferType.from_domain, count=count)
