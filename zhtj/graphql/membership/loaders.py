"""Batch functions of the membership context."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from zhtj.domain.membership.model import CadrePosition, Member
from zhtj.domain.organization.model import Organization
from zhtj.infrastructure.rows import RowReader, build
from zhtj.infrastructure.tables.schema import cadre_positions, members, organizations

MEMBERS_BY_ID = select(members).where(members.c.id.in_(bindparam("ids", type_=members.c.id.type, expanding=True)))


MEMBERS_WITH_BRANCH = (select(*members.c, *organizations.c)
                       .outerjoin(organizations, organizations.c.id == members.c.branch_id)
                       .where(members.c.id.in_(bindparam("ids", type_=members.c.id.type, expanding=True))))
_MEMBER_NAMES = [c.key for c in members.c]
_ORG_NAMES = [c.key for c in organizations.c]


async def member_and_branch_by_id(rows: RowReader, ids: Sequence[int]
                                  ) -> list[tuple[Member, Organization | None] | None]:
    """A person and their branch in one statement: what every scope check of a person reads first (ACC-4)."""
    width = len(_MEMBER_NAMES)
    found = {}
    for row in await rows.rows(MEMBERS_WITH_BRANCH, {"ids": list(ids)}, lookup=True):
        member = build(Member, _MEMBER_NAMES, row[:width])
        found[member.id] = (member, build(Organization, _ORG_NAMES, row[width:]) if row[width] is not None else None)
    return [found.get(i) for i in ids]


async def member_by_id(rows: RowReader, ids: Sequence[int]) -> list[Member | None]:
    found = {m.id: m for m in await rows.objects(Member, MEMBERS_BY_ID, {"ids": list(ids)}, lookup=True)}
    return [found.get(i) for i in ids]


async def positions_by_member_id(session: AsyncSession, ids: Sequence[int]) -> list[list[CadrePosition]]:
    rows = await session.scalars(
        select(CadrePosition).where(cadre_positions.c.member_id.in_(ids)).order_by(cadre_positions.c.id)
    )
    grouped: dict[int, list[CadrePosition]] = {i: [] for i in ids}
    for position in rows:
        grouped[position.member_id].append(position)
    return [grouped[i] for i in ids]
