from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from zhtj.domain.identity.services import Viewer

if TYPE_CHECKING:
    from zhtj.graphql.membership.types import MemberType
    from zhtj.graphql.organization.types import OrganizationType

MemberRef = Annotated["MemberType", strawberry.lazy("zhtj.graphql.membership.types")]
OrganizationRef = Annotated["OrganizationType", strawberry.lazy("zhtj.graphql.organization.types")]


@strawberry.type(name="Viewer", description="Who is logged in: the person, and the orgs they administer.")
class ViewerType:
    member: MemberRef | None
    admin_of: list[OrganizationRef] = strawberry.field(
        description="Orgs administered, each with all below it; empty until the initial password is changed.")
    must_change_password: bool = strawberry.field(description="True until the initial password is changed.")

    @classmethod
    def from_domain(cls, viewer: Viewer) -> ViewerType:
        from zhtj.graphql.membership.types import MemberType
        from zhtj.graphql.organization.types import OrganizationType

        return cls(
            member=MemberType.from_domain(viewer.member),
            admin_of=[] if viewer.is_restricted else [OrganizationType.from_domain(o) for o in viewer.admin_of],
            must_change_password=viewer.must_change_password,
        )
