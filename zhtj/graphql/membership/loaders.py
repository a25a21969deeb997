"""Batch functions of the membership context."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from zhtj.domain.membership.model import CadrePosition, Member
from zhtj.infrastructure.tables.schema import cadre_positions, members


async def member_by_id(session: AsyncSession, ids: Sequence[int]) -> list[Member | None]:
    found = {m.id: m for m in await session.scalars(select(Member).where(members.c.id.in_(ids)))}
    return [found.get(i) for i in ids]


async def positions_by_member_id(session: AsyncSession, ids: Sequence[int]) -> list[list[CadrePosition]]:
    rows = await session.scalars(
        select(CadrePosition).where(cadre_positions.c.member_id.in_(ids)).order_by(cadre_positions.c.id)
    )
    grouped: dict[int, list[CadrePosition]] = {i: [] for i in ids}
    for position in rows:
        grouped[position.member_id].append(position)
    return [grouped[i] for i in ids]
