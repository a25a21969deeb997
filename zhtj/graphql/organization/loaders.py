"""Batch functions of the organization context: about one SQL statement per level of a tree."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from zhtj.domain.identity.model import OrgAdmin
from zhtj.domain.membership.model import Member
from zhtj.domain.organization.model import Organization
from zhtj.infrastructure.tables.schema import organizations as orgs


class PageKey(NamedTuple):
    parent_id: int
    first: int
    after: tuple[int, int] | None  # (sort_order, id) of the last org already seen


async def org_by_id(session: AsyncSession, ids: Sequence[int]) -> list[Organization | None]:
    found = {o.id: o for o in await session.scalars(select(Organization).where(orgs.c.id.in_(ids)))}
    return [found.get(i) for i in ids]


async def children_page_by_parent(session: AsyncSession, keys: Sequence[PageKey]) -> list[list[Organization]]:
    """Up to first+1 children of each parent in sibling order; one statement per (first, after)."""
    by_window: dict[tuple[int, tuple[int, int] | None], list[int]] = defaultdict(list)
    for key in keys:
        by_window[(key.first, key.after)].append(key.parent_id)
    pages: dict[PageKey, list[Organization]] = {}
    for (first, after), parent_ids in by_window.items():
        rank = func.row_number().over(partition_by=orgs.c.parent_id, order_by=(orgs.c.sort_order, orgs.c.id))
        inner = select(orgs.c.id, rank.label("rank")).where(orgs.c.parent_id.in_(parent_ids))
        if after is not None:
            inner = inner.where(tuple_(orgs.c.sort_order, orgs.c.id) > tuple_(*after))
        ranked = inner.subquery()
        stmt = (
            select(Organization)
            .join(ranked, ranked.c.id == orgs.c.id)
            .where(ranked.c.rank <= first + 1)
            .order_by(orgs.c.parent_id, orgs.c.sort_order, orgs.c.id)
        )
        grouped: dict[int, list[Organization]] = defaultdict(list)
        for org in await session.scalars(stmt):
            assert org.parent_id is not None
            grouped[org.parent_id].append(org)
        for parent_id in parent_ids:
            pages[PageKey(parent_id, first, after)] = grouped.get(parent_id, [])
    return [pages[key] for key in keys]


async def children_count_by_parent(session: AsyncSession, parent_ids: Sequence[int]) -> list[int]:
    rows = await session.execute(
        select(orgs.c.parent_id, func.count()).where(orgs.c.parent_id.in_(parent_ids)).group_by(orgs.c.parent_id)
    )
    counts = {parent_id: n for parent_id, n in rows}
    return [counts.get(i, 0) for i in parent_ids]


async def admins_by_org_id(session: AsyncSession, org_ids: Sequence[int]) -> list[list[Member]]:
    rows = await session.execute(
        select(OrgAdmin.org_id, Member)  # type: ignore[call-overload]
        .join(Member, Member.id == OrgAdmin.member_id)  # type: ignore[arg-type]
        .where(OrgAdmin.org_id.in_(org_ids))  # type: ignore[attr-defined]
        .order_by(OrgAdmin.granted_at)  # type: ignore[arg-type]
    )
    grouped: dict[int, list[Member]] = defaultdict(list)
    for org_id, member in rows:
        grouped[org_id].append(member)
    return [grouped.get(i, []) for i in org_ids]
