"""Reads of the numbering context for the GraphQL types (NUM-2, NUM-4, NUM-9)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from zhtj.domain.membership.model import Member
from zhtj.domain.numbering.model import RELEASE_PENDING, Archive, NumberRelease, Segment
from zhtj.domain.numbering.rules import NUMBER_LENGTH
from zhtj.infrastructure.tables.schema import member_archives, members, number_releases, number_segments

MAX_HOLDERS = 500


def _in(segment: Segment) -> tuple:
    number = members.c.development_number
    return (func.length(number) == NUMBER_LENGTH, number >= segment.start, number <= segment.end)


async def segment_by_id(session: AsyncSession, ids: Sequence[int]) -> list[Segment | None]:
    found = {s.id: s for s in await session.scalars(select(Segment).where(number_segments.c.id.in_(ids)))}
    return [found.get(i) for i in ids]


async def segments_by_org_id(session: AsyncSession, ids: Sequence[int]) -> list[list[Segment]]:
    s = number_segments.c
    rows = await session.scalars(select(Segment).where(s.org_id.in_(ids)).order_by(s.year, s.start_number))
    grouped: dict[int, list[Segment]] = {i: [] for i in ids}
    for segment in rows:
        grouped[segment.org_id].append(segment)
    return [grouped[i] for i in ids]


async def used_count(session: AsyncSession, segment: Segment) -> int:
    """NUM-9: how many numbers of the segment members hold."""
    return await session.scalar(select(func.count()).select_from(members).where(*_in(segment))) or 0


async def holders(session: AsyncSession, segment: Segment, limit: int = MAX_HOLDERS) -> list[Member]:
    """NUM-9: the members behind a segment's used numbers, by number."""
    stmt = select(Member).where(*_in(segment)).order_by(members.c.development_number).limit(limit)
    return list(await session.scalars(stmt))


async def release_by_id(session: AsyncSession, ids: Sequence[int]) -> list[NumberRelease | None]:
    stmt = select(NumberRelease).where(number_releases.c.id.in_(ids))
    found = {r.id: r for r in await session.scalars(stmt)}
    return [found.get(i) for i in ids]


async def pending_releases_of(session: AsyncSession, org_id: int) -> list[NumberRelease]:
    r = number_releases.c
    stmt = select(NumberRelease).where(r.owner_org_id == org_id, r.status == RELEASE_PENDING).order_by(r.id)
    return list(await session.scalars(stmt))


async def archive_by_member_id(session: AsyncSession, ids: Sequence[int]) -> list[Archive | None]:
    found = {a.member_id: a for a in await session.scalars(
        select(Archive).where(member_archives.c.member_id.in_(ids)))}
    return [found.get(i) for i in ids]
