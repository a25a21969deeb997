"""Batch functions of the membership context."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from zhtj.domain.membership.model import Member
from zhtj.infrastructure.tables.schema import members


async def member_by_id(session: AsyncSession, ids: Sequence[int]) -> list[Member | None]:
    found = {m.id: m for m in await session.scalars(select(Member).where(members.c.id.in_(ids)))}
    return [found.get(i) for i in ids]
