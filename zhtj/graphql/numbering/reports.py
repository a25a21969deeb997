"""Organization.numberReport (NUM-1, NUM-9): irregular development numbers by kind and the use of segments
per domain, over the org and everything below it, for its admins."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from zhtj.domain.membership import profile
from zhtj.domain.membership.model import ACTIVE, Member
from zhtj.domain.numbering import rules
from zhtj.domain.numbering.model import RELEASE_APPROVED, Segment
from zhtj.domain.organization.model import Organization, province_key, subtree_bounds
from zhtj.domain.shared.clock import today
from zhtj.graphql.context import Context
from zhtj.infrastructure.tables.schema import (
    member_archives,
    members,
    number_releases,
    number_segments,
    organizations,
)

if TYPE_CHECKING:
    from zhtj.graphql.membership.types import MemberType

MemberRef = Annotated["MemberType", strawberry.lazy("zhtj.graphql.membership.types")]
MAX_MEMBERS = 20_000  # people read per report; a larger subtree reports on its first 20,000 by id
orgs = organizations.c


@strawberry.enum(description="不规范编号的类型 (NUM-1).")
class IrregularNumberKind(Enum):
    RELEASED = strawberry.enum_value("RELEASED", description="The number went to another member (NUM-4).")
    EMPTY = strawberry.enum_value("EMPTY", description="Required (MEM-7) and missing.")
    FORMAT = strawberry.enum_value("FORMAT", description="Wrong length or format (NUM-F*).")
    YEAR = strawberry.enum_value("YEAR", description="The year part is not the join year.")
    SEGMENT = strawberry.enum_value("SEGMENT", description="号段不对 (NUM-F6).")
    MISSING_ARCHIVE = strawberry.enum_value("MISSING_ARCHIVE", description="Joined 2020 or later, no e-archive.")
    ARCHIVE_OVERDUE = strawberry.enum_value(
        "ARCHIVE_OVERDUE", description="No e-archive 30 days after the join month (NUM-6); also MISSING_ARCHIVE.")


@strawberry.type(description="How many members have a number of one irregular kind.")
class IrregularCount:
    kind: IrregularNumberKind
    count: int


@strawberry.type(description="One member with an irregular number and every kind that applies.")
class IrregularNumber:
    number: str | None
    kinds: list[IrregularNumberKind]
    member: MemberRef


@strawberry.type(description="NUM-9: segments of one domain (and school level) owned by the org or below.")
class DomainSegmentUse:
    domain: str
    school_level: str | None
    segments: int
    size: int = strawberry.field(description="Numbers the segments hold (nested ones counted once, at the top).")
    used: int = strawberry.field(description="Of those, held by members.")


@dataclass
class _Row:
    member: Member
    kinds: list[str]


@strawberry.type(description="编号统计 (NUM-1, NUM-9) of an org and everything below it.")
class NumberReport:
    counts: list[IrregularCount]
    members_read: int = strawberry.field(description=f"Members looked at (at most {MAX_MEMBERS}).")
    segment_use: list[DomainSegmentUse]
    _rows: strawberry.Private[list[_Row]]

    @strawberry.field(description="Members with an irregular number, by id; `kind` narrows to one kind.")
    def irregular(self, kind: IrregularNumberKind | None = None, first: int = 100) -> list[IrregularNumber]:
        from zhtj.graphql.membership.types import MemberType

        wanted = [r for r in self._rows if kind is None or kind.value in r.kinds][: max(0, min(first, 500))]
        return [IrregularNumber(number=r.member.development_number, member=MemberType.from_domain(r.member),
                                kinds=[IrregularNumberKind(k) for k in r.kinds]) for r in wanted]


async def number_report(info: Info[Context, Any], org: Organization) -> NumberReport:
    async with info.context.read() as session:
        return await _report(session, org, today(info.context.clock))


async def _report(session: AsyncSession, org: Organization, on: date) -> NumberReport:
    low, high = subtree_bounds(org.path)
    stmt = (select(Member, orgs.path).join(organizations, orgs.id == members.c.branch_id)
            .where(orgs.path >= low, orgs.path < high, members.c.status == ACTIVE)
            .order_by(members.c.id).limit(MAX_MEMBERS))
    people = [(m, path) for m, path in (await session.execute(stmt)).all()]
    ids = [m.id for m, _ in people]
    archived = await _member_ids(session, member_archives.c.member_id, ids)
    released = await _member_ids(session, number_releases.c.holder_id, ids,
                                 number_releases.c.status == RELEASE_APPROVED)
    province_ids = {province_key(path) for _, path in people if path.count("/") > 2}
    provinces = {o.id: o for o in await session.scalars(select(Organization).where(orgs.id.in_(province_ids)))}
    years = {int(m.development_number[:4]) for m, _ in people
             if m.development_number and rules.is_segment_number(m.development_number)}
    owned = (await session.execute(select(Segment, orgs.path).join(organizations, orgs.id == number_segments.c.org_id)
                                   .where(number_segments.c.year.in_(years)))).all() if years else []
    rows = []
    for member, path in people:
        province = provinces.get(province_key(path)) if path.count("/") > 2 else None
        number = (member.development_number or "").strip()
        holding = [(s, p) for s, p in owned if s.holds(number)]
        owner = min(holding, key=lambda sp: sp[0].size)[1] if holding else None
        year = int(number[:4]) if rules.is_segment_number(number) else None
        province_has = year is not None and province is not None and any(
            s.year == year and p.startswith(province.path) for s, p in owned)
        kinds = rules.irregular_kinds(
            number=member.development_number, join_date=member.join_date,
            province=profile.province_of(f"{province.short_name}{province.full_name}") if province else None,
            branch_path=path, segment_owner_path=owner, province_has_segments=province_has,
            released=member.id in released, has_archive=member.id in archived, today=on)
        if kinds:
            rows.append(_Row(member, kinds))
    counted = Counter(k for r in rows for k in r.kinds)
    counts = [IrregularCount(kind=IrregularNumberKind(k), count=counted[k]) for k in rules.IRREGULAR_KINDS]
    return NumberReport(counts=counts, members_read=len(people), segment_use=await _segment_use(session, org),
                        _rows=rows)


async def _member_ids(session: AsyncSession, column: Any, ids: list[int | None], *where: Any) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        found |= set(await session.scalars(select(column).where(column.in_(ids[start:start + 500]), *where)))
    return found


async def _segment_use(session: AsyncSession, org: Organization) -> list[DomainSegmentUse]:
    """NUM-9 per domain: the top segments of the subtree (nested ones lie inside them) and the numbers used."""
    low, high = subtree_bounds(org.path)
    stmt = (select(Segment).join(organizations, orgs.id == number_segments.c.org_id)
            .where(orgs.path >= low, orgs.path < high).order_by(number_segments.c.id))
    segments = list(await session.scalars(stmt))
    ids = {s.id for s in segments}
    tops = [s for s in segments if s.parent_id not in ids]
    groups: dict[tuple[str, str | None], DomainSegmentUse] = {}
    for s in tops:
        number = members.c.development_number
        used = await session.scalar(select(func.count()).select_from(members).where(
            func.length(number) == rules.NUMBER_LENGTH, number >= s.start, number <= s.end)) or 0
        row = groups.setdefault((s.domain, s.school_level), DomainSegmentUse(
            domain=s.domain, school_level=s.school_level, segments=0, size=0, used=0))
        row.segments, row.size, row.used = row.segments + 1, row.size + s.size, row.used + used
    return list(groups.values())
