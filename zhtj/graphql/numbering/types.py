"""GraphQL types of the numbering context: segments (NUM-2, NUM-9) and release requests (NUM-4)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from zhtj.domain.identity.scope import administers
from zhtj.domain.numbering.model import NumberRelease, Segment
from zhtj.graphql.context import Context
from zhtj.graphql.ids import encode_id, parse_pk
from zhtj.graphql.numbering import loaders

if TYPE_CHECKING:
    from zhtj.graphql.membership.types import MemberType
    from zhtj.graphql.organization.types import OrganizationType

OrganizationRef = Annotated["OrganizationType", strawberry.lazy("zhtj.graphql.organization.types")]
MemberRef = Annotated["MemberType", strawberry.lazy("zhtj.graphql.membership.types")]


async def _administered(info: Info[Context, Any], org_id: int) -> bool:
    ctx = info.context
    viewer = ctx.require_viewer(allow_initial_password=True, allow_pending=True)
    org = await ctx.loaders.org_by_id.load(org_id)
    return org is not None and administers(viewer, org)


async def _member(info: Info[Context, Any], member_id: int) -> MemberType | None:
    from zhtj.graphql.membership.types import MemberType, visible_member

    found = await visible_member(info, member_id)
    return MemberType.from_domain(found) if found else None


@strawberry.type(name="SegmentUse", description="One used number of a segment and who holds it (NUM-9).")
class SegmentUse:
    number: str
    member: MemberRef | None = strawberry.field(description="The holder, if the viewer may see them (ACC-4).")


@strawberry.type(name="NumberSegment", description="号段 (NUM-2): numbers start..end of one year and domain, owned "
                                                   "by one org; seen by admins of the org or above.")
class SegmentType(relay.Node):
    id: relay.NodeID[int]
    start: str
    end: str
    year: int
    domain: str = strawberry.field(description="学校领域 or 社会领域 (valueLists.numberDomains).")
    school_level: str | None = strawberry.field(description="学段 of a school-domain segment: 初中, 高中, 中职, 高校.")
    size: int = strawberry.field(description="How many numbers the segment holds.")
    allocated_at: datetime | None
    _segment: strawberry.Private[Segment]

    @classmethod
    def from_domain(cls, s: Segment) -> SegmentType:
        assert s.id is not None
        return cls(id=s.id, start=s.start, end=s.end, year=s.year, domain=s.domain, school_level=s.school_level,
                   size=s.size, allocated_at=s.allocated_at, _segment=s)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: list[str], required: bool = False
    ) -> list[SegmentType | None]:
        out: list[SegmentType | None] = []
        for node_id in node_ids:
            pk = parse_pk(node_id)
            async with info.context.read() as session:
                [found] = await loaders.segment_by_id(session, [pk]) if pk else [None]
            out.append(cls.from_domain(found) if found and await _administered(info, found.org_id) else None)
        return out

    @strawberry.field(description="The org that owns the segment.")
    async def organization(self, info: Info[Context, Any]) -> OrganizationRef | None:
        from zhtj.graphql.organization.types import OrganizationType, visible_org

        org = await visible_org(info, self._segment.org_id)
        return OrganizationType.from_domain(org) if org else None

    @strawberry.field(description="The segment this one was handed down from, if the viewer may see it.")
    async def parent(self, info: Info[Context, Any]) -> SegmentType | None:
        if self._segment.parent_id is None:
            return None
        [found] = await SegmentType.resolve_nodes(info=info, node_ids=[str(self._segment.parent_id)])
        return found

    @strawberry.field(description="NUM-9: how many of its numbers members hold.")
    async def used(self, info: Info[Context, Any]) -> int:
        async with info.context.read() as session:
            return await loaders.used_count(session, self._segment)

    @strawberry.field(description="NUM-9: the used numbers and the members holding them (at most 500), by number; "
                                  "a holder outside the viewer's scope shows the number only.")
    async def holders(self, info: Info[Context, Any]) -> list[SegmentUse]:
        async with info.context.read() as session:
            found = await loaders.holders(session, self._segment)
        return [SegmentUse(number=m.development_number or "", member=await _member(info, m.id or 0)) for m in found]


@strawberry.enum(description="释放申请 (NUM-4): where a request stands.")
class NumberReleaseStatus(Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REFUSED = "REFUSED"


@strawberry.type(name="NumberRelease", description="申请释放编号 (NUM-4): a number held by one member asked for "
                                                   "another; decided by the admin of the segment's owner or above.")
class NumberReleaseType(relay.Node):
    id: relay.NodeID[int]
    number: str
    status: NumberReleaseStatus
    reason: str | None
    refusal: str | None = strawberry.field(description="Why it was refused.")
    requested_at: datetime
    decided_at: datetime | None
    form_url: str | None = strawberry.field(description="入团志愿书: GET it with the bearer token: the new member's "
                                                        "application form (PDF) as an attachment; for the deciders "
                                                        "and the member's admins.")
    form_size: int | None = strawberry.field(description="入团志愿书大小: bytes of the application form.")
    form_sha256: str | None = strawberry.field(description="入团志愿书校验值: SHA-256 of the application form, hex.")
    _release: strawberry.Private[NumberRelease]

    @classmethod
    def from_domain(cls, r: NumberRelease) -> NumberReleaseType:
        assert r.id is not None
        url = f"/number-releases/{encode_id('NumberRelease', r.id)}/form" if r.form_name else None
        return cls(id=r.id, number=r.number, status=NumberReleaseStatus(r.status), reason=r.reason,
                   refusal=r.refusal, requested_at=r.requested_at, decided_at=r.decided_at, form_url=url,
                   form_size=r.form_size, form_sha256=r.form_sha256, _release=r)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: list[str], required: bool = False
    ) -> list[NumberReleaseType | None]:
        """For the deciders (admins of the owner or above) and the admins of the member who asked."""
        out: list[NumberReleaseType | None] = []
        for node_id in node_ids:
            pk = parse_pk(node_id)
            async with info.context.read() as session:
                [found] = await loaders.release_by_id(session, [pk]) if pk else [None]
            seen = found is not None and (await _administered(info, found.owner_org_id)
                                          or await _member(info, found.member_id) is not None)
            out.append(cls.from_domain(found) if found and seen else None)
        return out

    @strawberry.field(description="The member who is to get the number.")
    async def member(self, info: Info[Context, Any]) -> MemberRef | None:
        return await _member(info, self._release.member_id)

    @strawberry.field(description="The member holding the number when asked: for those who may see them.")
    async def holder(self, info: Info[Context, Any]) -> MemberRef | None:
        return await _member(info, self._release.holder_id)

    @strawberry.field(description="The org whose segment holds the number: its admins (or above) decide.")
    async def organization(self, info: Info[Context, Any]) -> OrganizationRef | None:
        from zhtj.graphql.organization.types import OrganizationType, visible_org

        org = await visible_org(info, self._release.owner_org_id)
        return OrganizationType.from_domain(org) if org else None
