"""GraphQL types of the membership context."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from zhtj.domain.identity.scope import can_see_member
from zhtj.domain.membership import idcard
from zhtj.domain.membership.model import Member
from zhtj.graphql.context import Context

if TYPE_CHECKING:
    from zhtj.graphql.organization.types import OrganizationType

OrganizationRef = Annotated["OrganizationType", strawberry.lazy("zhtj.graphql.organization.types")]


async def visible_member(info: Info[Context, Any], member_id: int) -> Member | None:
    ctx = info.context
    viewer = ctx.require_viewer(allow_initial_password=True)
    member = await ctx.loaders.member_by_id.load(member_id)
    if member is None:
        return None
    branch = await ctx.loaders.org_by_id.load(member.branch_id) if member.branch_id else None
    return member if can_see_member(viewer, member_id, branch) else None


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
