from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from zhtj.domain.identity.services import Viewer
from zhtj.graphql.context import Context

if TYPE_CHECKING:
    from zhtj.graphql.membership.types import MemberType
    from zhtj.graphql.organization.types import OrganizationType

MemberRef = Annotated["MemberType", strawberry.lazy("zhtj.graphql.membership.types")]
OrganizationRef = Annotated["OrganizationType", strawberry.lazy("zhtj.graphql.organization.types")]


@strawberry.type(name="Viewer", description="当前用户, who is logged in: the person, and the orgs they administer. Its "
                                          "id is stable (one per person) and differs from the person's Member id.")
class ViewerType(relay.Node):
    id: relay.NodeID[int]
    _viewer: strawberry.Private[Viewer]

    @strawberry.field
    def member(self) -> MemberRef | None:
        from zhtj.graphql.membership.types import MemberType

        return MemberType.from_domain(self._viewer.member)  # built when asked for: `me` is on every screen

    @strawberry.field(description="Orgs administered, each with all below it; empty until the initial password "
                                  "is changed.")
    def admin_of(self) -> list[OrganizationRef]:
        from zhtj.graphql.organization.types import OrganizationType

        viewer = self._viewer
        return [] if viewer.is_restricted else [OrganizationType.from_domain(o) for o in viewer.admin_of]

    must_change_password: bool = strawberry.field(description="True until the initial password is changed.")

    @classmethod
    def from_domain(cls, viewer: Viewer) -> ViewerType:
        assert viewer.member.id is not None
        return cls(id=viewer.member.id, must_change_password=viewer.must_change_password, _viewer=viewer)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: list[str], required: bool = False
    ) -> list[ViewerType | None]:
        """Only the viewer's own id names a Viewer; anyone else's is null, like every object out of scope."""
        viewer = info.context.require_viewer(allow_initial_password=True, allow_pending=True)
        return [cls.from_domain(viewer) if node_id == str(viewer.member.id) else None for node_id in node_ids]
