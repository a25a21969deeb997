"""GraphQL types of the membership context."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from zhtj.domain.identity.scope import administers, can_see_member
from zhtj.domain.membership import idcard
from zhtj.domain.membership.model import CadrePosition, Member
from zhtj.graphql.context import Context

if TYPE_CHECKING:
    from zhtj.graphql.organization.types import OrganizationType

OrganizationRef = Annotated["OrganizationType", strawberry.lazy("zhtj.graphql.organization.types")]


async def visible_member(info: Info[Context, Any], member_id: int) -> Member | None:
    """The member if the viewer may see them (ACC-4): themself, people of branches in scope, and cadres
    holding a post in an org in scope."""
    ctx = info.context
    viewer = ctx.require_viewer(allow_initial_password=True)
    member = await ctx.loaders.member_by_id.load(member_id)
    if member is None:
        return None
    branch = await ctx.loaders.org_by_id.load(member.branch_id) if member.branch_id else None
    if can_see_member(viewer, member_id, branch):
        return member
    for position in await ctx.loaders.positions_by_member_id.load(member_id):
        org = await ctx.loaders.org_by_id.load(position.org_id)
        if org is not None and administers(viewer, org):
            return member
    return None


@strawberry.type(name="Member", description="团员或团干部.")
class MemberType(relay.Node):
    id: relay.NodeID[int]
    name: str
    id_number_masked: str = strawberry.field(description="110101********123X: the full number is never listed.")
    gender: str
    birth_date: date
    join_date: str | None = strawberry.field(description="入团时间, YYYY-MM.")
    political_status: str
    _member: strawberry.Private[Member]

    @classmethod
    def from_domain(cls, member: Member) -> MemberType:
        assert member.id is not None
        return cls(
            id=member.id, name=member.name, id_number_masked=idcard.mask(member.id_number),
            gender=member.gender, birth_date=member.birth_date, join_date=member.join_date,
            political_status=member.political_status, _member=member,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: list[str], required: bool = False
    ) -> list[MemberType | None]:
        found = [await visible_member(info, int(i)) if i.isdigit() else None for i in node_ids]
        return [cls.from_domain(m) if m else None for m in found]

    @strawberry.field(description="The member's branch (所在团支部), if the viewer may see it.")
    async def branch(self, info: Info[Context, Any]) -> OrganizationRef | None:
        from zhtj.graphql.organization.types import OrganizationType, visible_org

        org = await visible_org(info, self._member.branch_id)
        return OrganizationType.from_domain(org) if org else None

    @strawberry.field(description="Posts held, in every org the viewer may see (MEM-1, MEM-12).")
    async def positions(self, info: Info[Context, Any]) -> list[CadrePositionType]:
        from zhtj.graphql.organization.types import visible_org

        assert self._member.id is not None
        held = await info.context.loaders.positions_by_member_id.load(self._member.id)
        return [CadrePositionType.from_domain(p, self._member) for p in held if await visible_org(info, p.org_id)]


@strawberry.type(name="CadrePosition", description="团内职务: a post one person holds in one org.")
class CadrePositionType:
    position: str = strawberry.field(description="团内现任职务 (MEM-12).")
    since: str | None = strawberry.field(description="任现职年月, YYYY-MM.")
    member: MemberType
    _position: strawberry.Private[CadrePosition]

    @classmethod
    def from_domain(cls, position: CadrePosition, member: Member) -> CadrePositionType:
        return cls(position=position.position, since=position.since, member=MemberType.from_domain(member),
                   _position=position)

    @strawberry.field
    async def organization(self, info: Info[Context, Any]) -> OrganizationRef | None:
        from zhtj.graphql.organization.types import OrganizationType, visible_org

        org = await visible_org(info, self._position.org_id)
        return OrganizationType.from_domain(org) if org else None
